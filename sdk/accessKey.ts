/**
 * AccessKey: a bucket-scoped OtterStorage access key as a Pulumi resource. Creating it issues a key, deleting
 * it revokes it; the secret is always a stack secret (additionalSecretOutputs, forced below).
 */
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_MODULE, type TypeName } from "otterstorage-api";
import { RESOURCE_TYPES } from "../provider/resources";
import { providerByName } from "./providerByName";
import { quietStacks } from "./quietStacks";
import {
  ACCESS_KEY_INPUT_NAMES, ACCESS_KEY_OUTPUT_ONLY_NAMES, ACCESS_KEY_SECRET_INPUT_NAMES, type AccessKeyArgs, type AccessKeyOutputProperties,
} from "./generated";
import { readyToUse, AwsProfile, EnvironmentMap, S3ClientConfig } from "./outputs";

// Loaded by package name in the provider host, so every kind of install serializes alike (sdk/providerByName.ts).
const provider = providerByName("pulumi-otterstorage/dist/provider/dynamic/accessKey.js", ["configure", "check", "diff", "create", "read", "update", "delete"]);

// AccessKeyArgs and the output properties are generated from the field table (provider/accessKeyFields.ts), JSDoc included.
export type { AccessKeyArgs };

/**
 * A labelled access key for one bucket. `secretAccessKey` is always an encrypted stack secret.
 *
 * @example One key for a bucket
 * ```ts
 * import { AccessKey, Bucket } from "pulumi-otterstorage";
 * const bucket = new Bucket("backups");
 * const key = new AccessKey("restic", { bucket: bucket.name, label: "backups-restic" });
 * export const accessKeyId = key.accessKeyId;
 * export const secretAccessKey = key.secretAccessKey; // shown as [secret]
 * ```
 *
 * @example Two keys, one per integration
 * ```ts
 * const ci = new AccessKey("ci", { bucket: bucket.name, label: "ci-deploy" });
 * const app = new AccessKey("app", { bucket: bucket.name, label: "app-web" });
 * ```
 *
 * @example Rotation without downtime: bump the trigger, `pulumi up` issues the new key before revoking the old
 * ```ts
 * const key = new AccessKey("app", { bucket: bucket.name, label: "app-web", rotationTrigger: "2026-q3" });
 * ```
 */
// The resource's output properties (accessKeyId, secretAccessKey, …) are declared by the generated interface merged
// here; the engine sets them on the instance. Type-only: no run-time effect.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface AccessKey extends AccessKeyOutputProperties {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class AccessKey extends pulumi.dynamic.Resource {
  /** Secret. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL (Option B of the OtterStorage guide "Configure access keys"). */
  readonly environment: pulumi.Output<EnvironmentMap>;
  /** Secret. `{ name, credentials, config }` snippets for `aws --profile <name>`, endpoint_url included (Option A of the OtterStorage guide "Configure access keys"). */
  readonly awsProfile: pulumi.Output<AwsProfile>;
  /** Secret. `new S3Client(config)` from @aws-sdk/client-s3: endpoint, region, forcePathStyle, credentials. */
  readonly s3ClientConfig: pulumi.Output<S3ClientConfig>;
  /** Secret. An rclone.conf remote section. */
  readonly rcloneRemote: pulumi.Output<string>;

  constructor(name: string, args: AccessKeyArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: Record<string, unknown> = Object.fromEntries(ACCESS_KEY_INPUT_NAMES.map((k) => [k, args?.[k]]));
    // The adopted secret is an input too: always a secret in state, whatever the caller passed.
    for (const k of ACCESS_KEY_SECRET_INPUT_NAMES) if (inputs[k] !== undefined) inputs[k] = pulumi.secret(inputs[k]);
    const p = provider();
    const restore = quietStacks(); // the program's main cost per resource (sdk/quietStacks.ts)
    try {
      super(
        p,
        name,
        {
          ...inputs,
          ...Object.fromEntries(ACCESS_KEY_OUTPUT_ONLY_NAMES.map((k) => [k, undefined])),
        },
        // Merged last, so a caller's options can add to it but never drop it.
        pulumi.mergeOptions(opts, { additionalSecretOutputs: [...RESOURCE_TYPES.AccessKey.secretOutputs] }),
        DYNAMIC_MODULE,
        "AccessKey" satisfies TypeName,
      );
    } finally {
      restore();
    }
    const forms = readyToUse(this, this.profileName);
    this.environment = forms.environment;
    this.awsProfile = forms.awsProfile;
    this.s3ClientConfig = forms.s3ClientConfig;
    this.rcloneRemote = forms.rcloneRemote;
  }
}
