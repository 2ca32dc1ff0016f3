/**
 * Bucket: an OtterStorage bucket as a Pulumi resource (a dynamic resource; the provider is the module
 * provider/dynamic/bucket.ts, loaded by a relative require so Pulumi serializes it as a one-line `require`).
 */
import * as pulumi from "@pulumi/pulumi";
import { providerByName } from "./providerByName";
import type { LifecycleRule, LifecycleRuleInput, ObjectLock, StorageClass } from "otterstorage-api";

// Loaded by package name in the provider host, so every kind of install serializes alike (sdk/providerByName.ts).
const provider = providerByName("pulumi-otterstorage/dist/provider/dynamic/bucket.js", ["configure", "check", "diff", "create", "read", "update", "delete"]);

export interface BucketArgs {
  /**
   * The bucket name, unique across OtterStorage (S3 DNS rules: 3–63 lowercase letters, digits, `-`, `.`).
   * Changing it replaces the bucket (refused while the bucket holds objects, unless `forceDestroy` is already true).
   * @default `<logical name>-<7 random lowercase letters>`, chosen once and kept
   */
  name?: pulumi.Input<string>;
  /**
   * Region. Changing it replaces the bucket.
   * @default the `otterstorage:region` config, else "eu-mad"
   */
  region?: pulumi.Input<string>;
  /**
   * Disk class; sets the storage price. Changed in place.
   * @default "HDD"
   */
  storageClass?: pulumi.Input<StorageClass>;
  /**
   * Object versioning. Once enabled it can only be suspended. Changed in place.
   * @default unversioned
   */
  versioning?: pulumi.Input<"Enabled" | "Suspended">;
  /**
   * Default object-lock retention; only at creation (turns versioning on). Changing it replaces the bucket.
   * @default none
   */
  objectLock?: pulumi.Input<{ mode: pulumi.Input<ObjectLock["mode"]>; days: pulumi.Input<number> }>;
  /**
   * Legal hold: while true, the bucket cannot be deleted and no new keys can be issued. Changed in place.
   * @default false
   */
  legalHold?: pulumi.Input<boolean>;
  /**
   * Lifecycle rules (expiry of objects, noncurrent versions, incomplete uploads). Changed in place.
   * @default []
   */
  lifecycleRules?: pulumi.Input<pulumi.Input<LifecycleRuleInput>[]>;
  /**
   * Free-form tags, e.g. `{ environment: "production" }`. Changed in place.
   * @default {}
   */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /**
   * Delete every object when the bucket is deleted or replaced. Without it, deleting a non-empty bucket fails
   * with a clear message. Changed in place (provider-side only).
   * @default false
   */
  forceDestroy?: pulumi.Input<boolean>;
}

/**
 * An OtterStorage bucket.
 *
 * @example Simplest: an auto-named bucket
 * ```ts
 * import { Bucket } from "pulumi-otterstorage";
 * const media = new Bucket("media");
 * export const bucketName = media.name;
 * ```
 *
 * @example A named SSD bucket with versioning and a lifecycle rule
 * ```ts
 * const logs = new Bucket("logs", {
 *   name: "acme-logs",
 *   storageClass: "SSD",
 *   versioning: "Enabled",
 *   lifecycleRules: [{ id: "expire-old", expirationDays: 30 }],
 *   tags: { environment: "production" },
 * });
 * ```
 *
 * @example Compliance: object lock at creation, protected from deletion
 * ```ts
 * const ledger = new Bucket("ledger", { objectLock: { mode: "COMPLIANCE", days: 365 } }, { protect: true });
 * ```
 *
 * @example A scratch bucket that may be deleted with its contents
 * ```ts
 * const scratch = new Bucket("scratch", { forceDestroy: true });
 * ```
 */
export class Bucket extends pulumi.dynamic.Resource {
  /** The bucket name (also the resource id). */
  declare readonly name: pulumi.Output<string>;
  declare readonly region: pulumi.Output<string>;
  declare readonly storageClass: pulumi.Output<StorageClass>;
  /** "Unversioned", "Enabled" or "Suspended". */
  declare readonly versioning: pulumi.Output<"Unversioned" | "Enabled" | "Suspended">;
  declare readonly objectLock: pulumi.Output<ObjectLock | null>;
  declare readonly legalHold: pulumi.Output<boolean>;
  declare readonly lifecycleRules: pulumi.Output<LifecycleRule[]>;
  declare readonly tags: pulumi.Output<Record<string, string>>;
  declare readonly forceDestroy: pulumi.Output<boolean>;
  /** The S3 endpoint (path-style) for this bucket. */
  declare readonly endpoint: pulumi.Output<string>;
  /** RFC 3339 creation time. */
  declare readonly createdAt: pulumi.Output<string>;

  constructor(name: string, args: BucketArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      provider(),
      name,
      {
        name: args.name,
        region: args.region,
        storageClass: args.storageClass,
        versioning: args.versioning,
        objectLock: args.objectLock,
        legalHold: args.legalHold,
        lifecycleRules: args.lifecycleRules,
        tags: args.tags,
        forceDestroy: args.forceDestroy,
        // Provider methods get no URN: the logical name is the stem `check` auto-names from.
        __logicalName: name,
        endpoint: undefined,
        createdAt: undefined,
      },
      opts,
      "otterstorage",
      "Bucket",
    );
  }
}
