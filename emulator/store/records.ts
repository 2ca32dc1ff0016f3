/** Record types the Store hands out (shared with the S3 plane through emulator/store) and their row mappings. */
import type { LifecycleRule, ObjectLock, StorageClass } from "otterstorage-api";
import type { Clock } from "../clock";
import type { Logger } from "../log";

export type Versioning = "Unversioned" | "Enabled" | "Suspended";

export interface BucketRecord {
  readonly name: string;
  readonly region: string;
  readonly storageClass: StorageClass;
  readonly versioning: Versioning;
  readonly objectLock: ObjectLock | null;
  readonly legalHold: boolean;
  /** Frozen at run time: never mutate; pass a new array to updateBucket. */
  readonly lifecycleRules: LifecycleRule[];
  /** Frozen at run time. */
  readonly tags: Record<string, string>;
  /** ms since epoch (service clock) */
  readonly createdAt: number;
  /**
   * Random id of this creation of the name: a bucket deleted and created again under the same name has a new one,
   * so a write authorized for the old bucket can never commit into the new one.
   */
  readonly incarnation: string;
}

export interface NewBucket {
  name: string;
  region: string;
  storageClass: StorageClass;
  versioning?: "Enabled" | "Suspended";
  objectLock?: ObjectLock;
  legalHold: boolean;
  lifecycleRules: LifecycleRule[];
  tags: Record<string, string>;
}

/** What PATCH /v1/buckets/{bucket} and the S3 bucket-configuration calls may change. */
export interface BucketPatch {
  versioning?: "Enabled" | "Suspended";
  legalHold?: boolean;
  lifecycleRules?: LifecycleRule[];
  storageClass?: StorageClass;
  tags?: Record<string, string>;
  /** Never allowed after creation; present only so the refusal has one home. */
  objectLock?: unknown;
}

export interface AccessKeyRecord {
  readonly accessKeyId: string;
  readonly bucket: string;
  readonly label: string | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  /** Insertion order; list pagination uses it. */
  readonly seq: number;
}

export interface CredentialRecord {
  readonly kind: "permanent" | "temporary";
  readonly accessKeyId: string;
  readonly bucket: string;
  /** Decrypted, in memory only. */
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** ms since epoch; temporary credentials only. The S3 plane decides ExpiredToken against the clock. */
  readonly expiresAt?: number;
}

export interface TemporaryCredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  bucket: string;
  expiresAt: number;
}

export interface IdempotentReplay {
  requestHash: string;
  status: number;
  body: string;
}

export interface StoreOptions {
  /** Directory for the database and master.key; created (0700) if missing. Ignored when `memory` is set. */
  dataDir?: string | null;
  /** Everything in memory (':memory:' and a random master key); nothing is written to disk. */
  memory?: boolean;
  clock?: Clock;
  log?: Logger;
}

export interface BucketRow {
  name: string; region: string; storage_class: string; versioning: string; object_lock: string | null;
  legal_hold: number; lifecycle_rules: string; tags: string; created_at: number; incarnation: string;
}
export interface KeyRow { seq: number; id: string; bucket: string; label: string | null; created_at: number; last_used_at: number | null }

export function freezeBucket(b: BucketRecord): BucketRecord {
  for (const r of b.lifecycleRules) Object.freeze(r);
  Object.freeze(b.lifecycleRules);
  Object.freeze(b.tags);
  if (b.objectLock) Object.freeze(b.objectLock);
  return Object.freeze(b);
}

export function rowToBucket(r: BucketRow): BucketRecord {
  return freezeBucket({
    name: r.name,
    region: r.region,
    storageClass: r.storage_class as StorageClass,
    versioning: r.versioning as Versioning,
    objectLock: r.object_lock ? (JSON.parse(r.object_lock) as ObjectLock) : null,
    legalHold: r.legal_hold === 1,
    lifecycleRules: JSON.parse(r.lifecycle_rules) as LifecycleRule[],
    tags: JSON.parse(r.tags) as Record<string, string>,
    createdAt: r.created_at,
    incarnation: r.incarnation,
  });
}

export function rowToKey(r: KeyRow): AccessKeyRecord {
  return { accessKeyId: r.id, bucket: r.bucket, label: r.label, createdAt: r.created_at, lastUsedAt: r.last_used_at, seq: r.seq };
}

/** Key-sorted JSON, so equal values compare equal whatever the property order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

