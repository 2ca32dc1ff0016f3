/**
 * Bucket: an OtterStorage bucket as a Pulumi resource (a dynamic resource; the provider is the module
 * provider/dynamic/bucket.ts, loaded by a relative require so Pulumi serializes it as a one-line `require`).
 */
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_MODULE, type TypeName } from "otterstorage-api";
import { providerByName } from "./providerByName";
import { quietStacks } from "./quietStacks";
import { BUCKET_INPUT_NAMES, BUCKET_OUTPUT_ONLY_NAMES, type BucketArgs, type BucketOutputProperties } from "./generated";

// Loaded by package name in the provider host, so every kind of install serializes alike (sdk/providerByName.ts).
const provider = providerByName("pulumi-otterstorage/dist/provider/dynamic/bucket.js", ["configure", "check", "diff", "create", "read", "update", "delete"]);

// BucketArgs and the output properties are generated from the field table (provider/bucketFields.ts), JSDoc included.
export type { BucketArgs };

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
// The output properties (name, region, …, endpoint, createdAt) are declared by the generated interface merged here;
// the engine sets them on the instance. Type-only: no run-time effect.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Bucket extends BucketOutputProperties {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Bucket extends pulumi.dynamic.Resource {
  constructor(name: string, args: BucketArgs = {}, opts?: pulumi.CustomResourceOptions) {
    const p = provider();
    const restore = quietStacks(); // the program's main cost per resource (sdk/quietStacks.ts)
    try {
      super(
        p,
        name,
        {
          ...Object.fromEntries(BUCKET_INPUT_NAMES.map((k) => [k, args[k]])),
          // Provider methods get no URN: the logical name is the stem `check` auto-names from.
          __logicalName: name,
          ...Object.fromEntries(BUCKET_OUTPUT_ONLY_NAMES.map((k) => [k, undefined])),
        },
        opts,
        DYNAMIC_MODULE,
        "Bucket" satisfies TypeName,
      );
    } finally {
      restore();
    }
  }
}
