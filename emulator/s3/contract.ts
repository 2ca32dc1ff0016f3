/**
 * The slice of emulator/store (Store) and emulator/log (Logger) that the S3 data plane relies on, as structural
 * interfaces: the real Store and Logger satisfy them (docs/architecture.md), and this folder stays testable alone.
 */
import type { LifecycleRule } from "../../api/schemas";

export interface Clock {
  now(): number;
}

export interface BucketRecord {
  readonly name: string;
  readonly region: string;
  readonly versioning: "Unversioned" | "Enabled" | "Suspended";
  readonly objectLock: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly days: number } | null;
  readonly legalHold: boolean;
  readonly lifecycleRules: readonly LifecycleRule[];
  readonly createdAt: number;
}

export interface CredentialRecord {
  readonly kind: "permanent" | "temporary";
  readonly accessKeyId: string;
  readonly bucket: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiresAt?: number;
}

export type Db = import("better-sqlite3").Database;

export interface StoreLike {
  readonly db: Db;
  readonly dataDir: string | null;
  readonly clock: Clock;
  getBucket(name: string): BucketRecord | undefined;
  updateBucket(name: string, patch: { versioning?: "Enabled" | "Suspended"; lifecycleRules?: LifecycleRule[] }): BucketRecord;
  resolveCredential(accessKeyId: string): CredentialRecord | undefined;
  noteKeyUsed(accessKeyId: string): void;
  migrate(name: string, sql: string): void;
}

export interface RequestLogEntryLike {
  plane: "control" | "s3";
  method: string;
  url: string;
  status: number;
  ms: number;
  requestId: string;
  accessKeyId?: string;
  operation?: string;
  code?: string;
}

export interface LoggerLike {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
  request(entry: RequestLogEntryLike): void;
}
