/**
 * AccessKey: a bucket-scoped OtterStorage access key as a Pulumi resource. Creating it issues a key, deleting
 * it revokes it; the secret is always a stack secret (additionalSecretOutputs, forced below).
 */
import * as pulumi from "@pulumi/pulumi";
import { providerByName } from "./providerByName";
import type { ReadinessInput } from "../provider/credentials";
import { readyToUse, AwsProfile, EnvironmentMap, S3ClientConfig } from "./outputs";

// Loaded by package name in the provider host, so every kind of install serializes alike (sdk/providerByName.ts).
const provider = providerByName("pulumi-otterstorage/dist/provider/dynamic/accessKey.js", ["configure", "check", "diff", "create", "read", "update", "delete"]);

export interface AccessKeyArgs {
  /** The bucket the key is for (keys are isolated per bucket). Changing it issues a new key. */
  bucket: pulumi.Input<string>;
  /**
   * What the key is for, e.g. "backups-restic" or "ci-deploy" (1–64 characters). Changed in place.
   * @default no label
   */
  label?: pulumi.Input<string>;
  /**
   * Any string or number; changing it rotates the key: a new key is issued first, dependents move to it, then
   * the old one is revoked (create-before-delete).
   * @default none
   */
  rotationTrigger?: pulumi.Input<string | number>;
  /**
   * Rotate by age: when the key is at least this many whole days old on the service clock at preview/up time,
   * the plan replaces it (create-before-delete). Fires on the first run after the age is reached. 1–3650.
   * @default none
   */
  rotateAfterDays?: pulumi.Input<number>;
  /**
   * Create returns only once the S3 endpoint accepts the new key (signed HeadBucket, with backoff).
   * @default { timeoutSeconds: 60, disabled: false }
   */
  readiness?: pulumi.Input<ReadinessInput>;
  /**
   * Manage an existing key instead of issuing one (the supported alternative to `pulumi import`): its id and
   * secret. Checked against the service; always sent as a secret. See docs/rotation.md.
   * @default none (issue a new key)
   */
  adopt?: pulumi.Input<{ accessKeyId: pulumi.Input<string>; secretAccessKey: pulumi.Input<string> }>;
  /**
   * Profile / remote name used by the `awsProfile` and `rcloneRemote` outputs.
   * @default "otter"
   */
  profileName?: pulumi.Input<string>;
}

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
export class AccessKey extends pulumi.dynamic.Resource {
  /** The access key id (also the resource id), e.g. OTTR4XMPL7KEY9QZ2A0B. */
  declare readonly accessKeyId: pulumi.Output<string>;
  /** The secret key. Always secret in state and outputs. */
  declare readonly secretAccessKey: pulumi.Output<string>;
  declare readonly bucket: pulumi.Output<string>;
  declare readonly label: pulumi.Output<string | null>;
  /** The S3 endpoint to use the key with. */
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  /** RFC 3339 creation time. */
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly rotationTrigger: pulumi.Output<string | number | undefined>;
  declare readonly rotateAfterDays: pulumi.Output<number | undefined>;
  declare readonly readiness: pulumi.Output<ReadinessInput | undefined>;
  declare readonly profileName: pulumi.Output<string | undefined>;
  /** True when the key was brought under management with `adopt` (not issued by this stack). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  /** Secret. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL (seed Option B). */
  readonly environment: pulumi.Output<EnvironmentMap>;
  /** Secret. `{ name, credentials, config }` snippets for `aws --profile <name>`, endpoint_url included (seed Option A). */
  readonly awsProfile: pulumi.Output<AwsProfile>;
  /** Secret. `new S3Client(config)` from @aws-sdk/client-s3: endpoint, region, forcePathStyle, credentials. */
  readonly s3ClientConfig: pulumi.Output<S3ClientConfig>;
  /** Secret. An rclone.conf remote section. */
  readonly rcloneRemote: pulumi.Output<string>;

  constructor(name: string, args: AccessKeyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider(),
      name,
      {
        bucket: args?.bucket,
        label: args?.label,
        rotationTrigger: args?.rotationTrigger,
        rotateAfterDays: args?.rotateAfterDays,
        readiness: args?.readiness,
        // The adopted secret is an input too: always a secret in state, whatever the caller passed.
        adopt: args?.adopt === undefined ? undefined : pulumi.secret(args.adopt),
        profileName: args?.profileName,
        accessKeyId: undefined,
        secretAccessKey: undefined,
        endpoint: undefined,
        region: undefined,
        createdAt: undefined,
        adopted: undefined,
      },
      // Merged last, so a caller's options can add to it but never drop it.
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["secretAccessKey"] }),
      "otterstorage",
      "AccessKey",
    );
    const forms = readyToUse(this, this.profileName);
    this.environment = forms.environment;
    this.awsProfile = forms.awsProfile;
    this.s3ClientConfig = forms.s3ClientConfig;
    this.rcloneRemote = forms.rcloneRemote;
  }
}
