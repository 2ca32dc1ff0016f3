/**
 * The slice of emulator/store (helper A's Store) and emulator/log that the S3 data plane relies on, written as
 * structural interfaces so this folder compiles on its own. The real Store satisfies them (docs/architecture.md).
 */
import type { LifecycleRule } from "../../api/schemas";

export interface Clock {
  now(): number;
}

export interface BucketRecord {
  name: string;
  region: string;
  storageClass: string;
  versioning: "Unversioned" | "Enabled" | "Suspended";
  objectLock: { mode: "GOVERNANCE" | "COMPLIANCE"; days: number } | null;
  legalHold: boolean;
  lifecycleRules: LifecycleRule[];
  tags: Record<string, string>;
  createdAt: number;
}

export interface CredentialRecord {
  kind: "permanent" | "temporary";
  accessKeyId: string;
  bucket: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt?: number;
}

/** better-sqlite3 Database, kept loose so either side can evolve. */
export type Db = import("better-sqlite3").Database;

export interface StoreLike {
  readonly db: Db;
  readonly dataDir: string | null;
  readonly clock: Clock;
  getBucket(name: string): BucketRecord | undefined;
  updateBucket(name: string, patch: Partial<Pick<BucketRecord, "versioning" | "lifecycleRules">>): BucketRecord;
  resolveCredential(accessKeyId: string): CredentialRecord | undefined;
  noteKeyUsed(accessKeyId: string): void;
  migrate(name: string, sql: string): void;
}

export interface LoggerLike {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  debug?(msg: string, fields?: Record<string, unknown>): void;
}
