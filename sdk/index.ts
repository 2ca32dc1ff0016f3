/** pulumi-otterstorage: OtterStorage buckets and per-bucket access keys as Pulumi resources. */
export { Bucket } from "./bucket";
export type { BucketArgs } from "./bucket";
export { AccessKey } from "./accessKey";
export type { AccessKeyArgs } from "./accessKey";
