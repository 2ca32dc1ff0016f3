/**
 * Control API v1: every request and response shape, once. The service validates with these, the provider's
 * client parses responses with them, the OpenAPI document (api/openapi.ts) and the schema.json consistency test
 * are derived from them. Types are `z.infer` of the schemas; nothing here is written twice.
 */
import { z } from "zod";

export const DEFAULT_REGION = "eu-mad";
export const PUBLIC_S3_ENDPOINT = "https://es-mad-1.s3.otterstorage.io";

/** Access key ids: `OTTR` + 16 upper-case alphanumerics (as in the OtterStorage guide "Configure access keys": `OTTR4XMPL7KEY9QZ2A0B`). */
export const ACCESS_KEY_ID_RE = /^OTTR[A-Z0-9]{16}$/;
/** Temporary credential ids: `STS` + 17 upper-case alphanumerics (same 20-character length as permanent ids). */
export const TEMP_KEY_ID_RE = /^STS[A-Z0-9]{17}$/;
/** Secrets: 40 mixed-case alphanumerics, no `/` or `+` (as the same guide's example). */
export const SECRET_RE = /^[A-Za-z0-9]{40}$/;

/** How long a create with the same `Idempotency-Key` replays the first answer. */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
export const TEMP_CREDENTIALS_MIN_SECONDS = 900;
export const TEMP_CREDENTIALS_MAX_SECONDS = 12 * 60 * 60;
export const LABEL_MAX = 64;

/**
 * Characters a name shown to people must not hold: C0 and C1 control characters (and DEL), and the bidirectional
 * formatting characters (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), which can make the console, a terminal or
 * a diff show a different text than is stored ("Trojan Source", https://trojansource.codes/).
 */
export const UNSAFE_TEXT_RE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The check as a zod refinement, naming the first offending character (the path names the field). */
export function plainText<T extends z.ZodString>(schema: T): T {
  return schema.refine((v) => !UNSAFE_TEXT_RE.test(v), {
    error: (iss) => {
      const c = String(iss.input).match(UNSAFE_TEXT_RE)?.[0] ?? "";
      const code = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
      return `must not contain control or bidirectional formatting characters (found ${code}); remove it`;
    },
  }) as unknown as T;
}

const isoTime = z.string().datetime({ offset: true }).meta({ description: "RFC 3339 timestamp (UTC)" });

export const BucketName = z
  .string()
  .min(3, "must be 3 to 63 characters")
  .max(63, "must be 3 to 63 characters")
  .regex(/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/, "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit")
  .refine((s) => !s.includes(".."), "must not contain two adjacent periods")
  .refine((s) => !/^\d+\.\d+\.\d+\.\d+$/.test(s), "must not be formatted as an IP address")
  .refine((s) => !s.startsWith("xn--") && !s.endsWith("-s3alias"), "must not start with 'xn--' or end with '-s3alias'")
  .meta({ description: "S3 DNS-compatible bucket name, unique across the service" });

export const StorageClass = z.enum(["HDD", "SSD", "NVMe"]).meta({ description: "Disk class; sets the storage price" });
export const VersioningStatus = z.enum(["Enabled", "Suspended"]);
export const BucketVersioning = z.enum(["Unversioned", "Enabled", "Suspended"]);

export const ObjectLock = z
  .strictObject({
    mode: z.enum(["GOVERNANCE", "COMPLIANCE"]),
    days: z.number().int().min(1).max(36500).meta({ description: "Default retention in whole days" }),
  })
  .meta({ description: "Default object-lock retention. Only at creation; turns versioning on." });

const DAY_MS = 86_400_000;

export const LifecycleRule = z
  .strictObject({
    id: plainText(z.string().min(1).max(255)),
    status: z.enum(["Enabled", "Disabled"]).default("Enabled"),
    prefix: z.string().max(1024).default(""),
    expirationDays: z.number().int().min(1).optional(),
    expirationDate: isoTime
      .refine((s) => Date.parse(s) % DAY_MS === 0, "must be midnight UTC, e.g. 2030-01-01T00:00:00Z")
      .optional()
      .meta({ description: "Current objects under the prefix expire on this date (midnight UTC); instead of expirationDays" }),
    expiredObjectDeleteMarker: z.boolean().optional().meta({ description: "Remove delete markers that no longer hide any version (versioned buckets)" }),
    legacyPrefix: z.boolean().optional().meta({
      description: "S3 only: the rule named its prefix with the legacy top-level <Prefix> element instead of <Filter>; S3 answers it the same way",
    }),
    noncurrentVersionExpirationDays: z.number().int().min(1).optional(),
    abortIncompleteMultipartUploadDays: z.number().int().min(1).optional(),
  })
  .refine((r) => r.expirationDays === undefined || r.expirationDate === undefined, {
    message: "give expirationDays or expirationDate, not both",
    path: ["expirationDate"],
  })
  .refine((r) => !r.expiredObjectDeleteMarker || (r.expirationDays === undefined && r.expirationDate === undefined), {
    message: "expiredObjectDeleteMarker cannot be combined with expirationDays or expirationDate (as in S3)",
    path: ["expiredObjectDeleteMarker"],
  })
  .refine(
    (r) => r.expirationDays !== undefined || r.expirationDate !== undefined || r.expiredObjectDeleteMarker === true ||
      r.noncurrentVersionExpirationDays !== undefined || r.abortIncompleteMultipartUploadDays !== undefined,
    { message: "a rule needs at least one of expirationDays, expirationDate, expiredObjectDeleteMarker, noncurrentVersionExpirationDays, abortIncompleteMultipartUploadDays" },
  );

export const BucketTags = z
  .record(z.string().min(1).max(128).regex(/^[A-Za-z0-9 _.:/=+@-]+$/, "tag keys use letters, digits, spaces and _ . : / = + @ -"), plainText(z.string().max(256)))
  .refine((t) => Object.keys(t).length <= 50, "at most 50 tags")
  .meta({ description: "Free-form key/value tags, e.g. environment=production" });

/** A bucket's lifecycle rules (ids unique); the provider's Bucket field table uses this same schema. */
export const LifecycleRules = z
  .array(LifecycleRule)
  .max(1000)
  .refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, "rule ids must be unique");

export const CreateBucketRequest = z.strictObject({
  name: BucketName,
  region: z.string().min(1).default(DEFAULT_REGION),
  storageClass: StorageClass.default("HDD"),
  versioning: VersioningStatus.optional(),
  objectLock: ObjectLock.optional(),
  legalHold: z.boolean().default(false),
  lifecycleRules: LifecycleRules.default([]),
  tags: BucketTags.default({}),
});

/** Everything PATCH can change in place. Name, region and objectLock cannot change. */
export const UpdateBucketRequest = z.strictObject({
  versioning: VersioningStatus.optional(),
  legalHold: z.boolean().optional(),
  lifecycleRules: LifecycleRules.optional(),
  storageClass: StorageClass.optional(),
  tags: BucketTags.optional(),
});

export const Bucket = z.object({
  name: z.string(),
  region: z.string(),
  storageClass: StorageClass,
  versioning: BucketVersioning,
  objectLock: ObjectLock.nullable(),
  legalHold: z.boolean(),
  lifecycleRules: z.array(LifecycleRule),
  tags: z.record(z.string(), z.string()),
  objectCount: z.number().int().min(0).meta({ description: "Current objects (not delete markers, not older versions)" }),
  versionCount: z.number().int().min(0).optional().meta({
    description: "Everything stored: every object version and delete marker. 0 exactly when the bucket is empty (a delete without force succeeds)",
  }),
  sizeBytes: z.number().int().min(0),
  endpoint: z.string().meta({ description: "S3 endpoint (path-style) for this bucket" }),
  createdAt: isoTime,
});

export const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(512).optional(),
});

export const BucketList = z.object({ buckets: z.array(Bucket), nextCursor: z.string().nullable() });

export const AccessKeyLabel = z
  .string()
  .min(1, "must not be empty")
  .max(LABEL_MAX, `must be at most ${LABEL_MAX} characters`)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._:@/+=-]*$/, "use letters, digits, spaces and . _ : @ / + = -, starting with a letter or digit")
  .meta({ description: "What the key is for, e.g. backups-restic or ci-deploy" });

export const CreateAccessKeyRequest = z.strictObject({ label: AccessKeyLabel.optional() });
export const UpdateAccessKeyRequest = z.strictObject({ label: AccessKeyLabel.nullable() });

export const AccessKey = z.object({
  accessKeyId: z.string().regex(ACCESS_KEY_ID_RE),
  bucket: z.string(),
  label: z.string().nullable(),
  status: z.enum(["Active"]).meta({ description: "Revoked keys are gone: they answer 404" }),
  endpoint: z.string(),
  region: z.string(),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
});

/** The only response that ever carries a secret. */
export const CreatedAccessKey = AccessKey.extend({ secretAccessKey: z.string().regex(SECRET_RE) });

export const AccessKeyList = z.object({ accessKeys: z.array(AccessKey), nextCursor: z.string().nullable() });

export const TemporaryCredentialsRequest = z.strictObject({
  durationSeconds: z.number().int().min(TEMP_CREDENTIALS_MIN_SECONDS).max(TEMP_CREDENTIALS_MAX_SECONDS).default(3600),
});

export const TemporaryCredentials = z.object({
  accessKeyId: z.string().regex(TEMP_KEY_ID_RE),
  secretAccessKey: z.string().regex(SECRET_RE),
  sessionToken: z.string().min(16),
  bucket: z.string(),
  endpoint: z.string(),
  region: z.string(),
  expiresAt: isoTime,
});

export const Health = z.object({
  status: z.literal("ok"),
  version: z.string(),
  region: z.string(),
  time: isoTime.meta({ description: "The service clock; key ages are measured against it" }),
});

export const ProblemFieldError = z.object({ path: z.string(), message: z.string() });
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
  errors: z.array(ProblemFieldError).optional(),
  requestId: z.string().optional(),
});

export type BucketName = z.infer<typeof BucketName>;
export type StorageClass = z.infer<typeof StorageClass>;
export type ObjectLock = z.infer<typeof ObjectLock>;
export type LifecycleRule = z.infer<typeof LifecycleRule>;
export type LifecycleRuleInput = z.input<typeof LifecycleRule>;
export type CreateBucketRequest = z.input<typeof CreateBucketRequest>;
export type UpdateBucketRequest = z.infer<typeof UpdateBucketRequest>;
export type Bucket = z.infer<typeof Bucket>;
export type BucketList = z.infer<typeof BucketList>;
export type CreateAccessKeyRequest = z.infer<typeof CreateAccessKeyRequest>;
export type UpdateAccessKeyRequest = z.infer<typeof UpdateAccessKeyRequest>;
export type AccessKey = z.infer<typeof AccessKey>;
export type CreatedAccessKey = z.infer<typeof CreatedAccessKey>;
export type AccessKeyList = z.infer<typeof AccessKeyList>;
export type TemporaryCredentialsRequest = z.input<typeof TemporaryCredentialsRequest>;
export type TemporaryCredentials = z.infer<typeof TemporaryCredentials>;
export type Health = z.infer<typeof Health>;
export type Problem = z.infer<typeof Problem>;
