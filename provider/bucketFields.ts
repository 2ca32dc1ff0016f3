/**
 * The Bucket field table (provider/fields.ts says what each property means and what is derived from it: check,
 * diff's replace/in-place sets, schema.json, the SDK's BucketArgs, README's reference and docs/resources.md).
 * Adding a field: one entry here, `npm run schema`, then its logic in provider/bucket.ts (create body, PATCH, outputs).
 */
import { z } from "zod";
import * as api from "otterstorage-api";
import { asGiven, asReported, defineResource, input, InputsOf, output, OutputsOf, PublicInputsOf } from "./fields";

export const BUCKET = defineResource({
  name: "Bucket",
  description: `An OtterStorage bucket. Resource id = bucket name. Type ${api.nativeToken("Bucket")} in the native plugin; ${api.dynamicToken("Bucket")} through the dynamic provider.`,
  replaces: "replaces the bucket",
  inputs: {
    name: input(api.BucketName, {
      description: "Bucket name, unique across OtterStorage (S3 DNS rules: 3–63 lowercase letters, digits, `-`, `.`).",
      defaultText: "`<logical name>-<7 random lowercase letters>`, chosen once and kept",
      omittedKeepsCurrent: true,
      change: "replace",
      changeNote: "create-before-delete; refused while the bucket holds objects unless forceDestroy is already true",
      output: asReported(api.Bucket.shape.name),
    }),
    region: input(z.string().min(1, "must not be empty"), {
      description: "Region.",
      defaultText: "the `otterstorage:region` config, else eu-mad",
      omittedKeepsCurrent: true,
      change: "replace",
      changeNote: "auto-named: create-before-delete under a new name; named: delete-before-replace",
      output: asReported(api.Bucket.shape.region),
    }),
    storageClass: input(api.StorageClass, {
      description: "Disk class; sets the storage price.",
      default: "HDD",
      change: "in-place",
      output: asReported(api.Bucket.shape.storageClass),
    }),
    versioning: input(api.VersioningStatus, {
      description: "Object versioning (Enabled or Suspended). Once enabled it can only be suspended.",
      defaultText: "unversioned",
      omittedKeepsCurrent: true,
      change: "in-place",
      typeName: "VersioningStatus",
      output: asReported(api.Bucket.shape.versioning, { description: "Unversioned, Enabled or Suspended.", typeName: "BucketVersioning" }),
    }),
    objectLock: input(api.ObjectLock, {
      description: "Default object-lock retention; only at creation (turns versioning on).",
      defaultText: "none",
      change: "replace",
      changeNote: "auto-named: create-before-delete under a new name; named: delete-before-replace; refused while the bucket holds objects",
      output: asReported(api.Bucket.shape.objectLock),
    }),
    legalHold: input(z.boolean(), {
      description: "While true the bucket cannot be deleted and no keys can be issued.",
      default: false,
      change: "in-place",
      output: asReported(api.Bucket.shape.legalHold),
    }),
    lifecycleRules: input(api.LifecycleRules, {
      description: "Lifecycle rules (expiry of objects, noncurrent versions, incomplete uploads).",
      default: [],
      change: "in-place",
      typeName: "LifecycleRule",
      output: asReported(api.Bucket.shape.lifecycleRules, { typeName: "LifecycleRule" }),
    }),
    tags: input(api.BucketTags, {
      description: "Free-form tags, e.g. environment=production.",
      default: {},
      change: "in-place",
      output: asReported(api.Bucket.shape.tags),
    }),
    forceDestroy: input(z.boolean(), {
      description: "Delete every object when the bucket is deleted or replaced. Without it, deleting a non-empty bucket fails with a clear message.",
      default: false,
      change: "provider-only",
      output: asGiven(),
    }),
  },
  outputs: {
    endpoint: output(z.string(), { description: "The S3 endpoint (path-style) for this bucket." }),
    createdAt: output(z.string(), { description: "RFC 3339 creation time." }),
  },
  internal: {
    /** Set by the SDK class: the resource's logical name, the stem of an auto-generated bucket name. */
    __logicalName: z.string(),
    /** Set by `check` when it chose the name (the program gave none): a replacement then gets a fresh name. */
    __autoName: z.boolean(),
  },
});

export type BucketInputs = InputsOf<typeof BUCKET>;
export type BucketArgsShape = PublicInputsOf<typeof BUCKET>;
export type BucketOutputs = OutputsOf<typeof BUCKET>;
