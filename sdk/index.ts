/** pulumi-otterstorage: OtterStorage buckets and per-bucket access keys as Pulumi resources. */
export { Bucket } from "./bucket";
export type { BucketArgs } from "./bucket";
export { AccessKey } from "./accessKey";
export type { AccessKeyArgs } from "./accessKey";
export { RotatingAccessKey } from "./rotatingAccessKey";
export type { RotatingAccessKeyArgs, SlotCredentials } from "./rotatingAccessKey";
export { environmentOf, awsProfileOf, s3ClientConfigOf, rcloneRemoteOf, readyToUse } from "./outputs";
export type { Credentials, EnvironmentMap, AwsProfile, S3ClientConfig, ReadyToUseOutputs } from "./outputs";
export { getTemporaryCredentials, issueTemporaryCredentials } from "./temporaryCredentials";
export type { TemporaryCredentialsArgs, TemporaryCredentialsResult, IssuedTemporaryCredentials } from "./temporaryCredentials";
export { presign, presignUrl, MAX_PRESIGN_SECONDS } from "./presign";
export type { PresignArgs, PresignOptions } from "./presign";
// What every failure of these helpers and resources throws; branch on `code` (README.md "Troubleshooting").
export { OtterStorageError, ERRORS } from "../provider/errors";
export type { OtterStorageErrorCode } from "../provider/errors";
