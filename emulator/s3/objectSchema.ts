/**
 * The S3 plane's tables (registered through store.migrate) and the shapes read from them. The other object modules
 * (versions.ts, uploads.ts, bucketContents.ts, lifecycle.ts) prepare their statements against these tables.
 */
import { randomBytes } from "node:crypto";
import { COMPLETED_UPLOADS_MIGRATION } from "./completedUploads";
import type { StoreLike } from "./contract";

export const NULL_VERSION = "null";

export interface StoredMeta {
  /** x-amz-meta-* (lower-case names without the prefix). */
  user?: Record<string, string>;
  /** Content-Encoding, Cache-Control, Content-Disposition, Content-Language, Expires. */
  headers?: Record<string, string>;
  /** type COMPOSITE: a multipart object's checksum of its parts' checksums ("<base64>-<parts>"); else FULL_OBJECT. */
  checksum?: { algorithm: string; value: string; type?: "COMPOSITE" | "FULL_OBJECT" };
  partsCount?: number;
  /** Multipart objects: each part's number, size and checksum ("<alg>:<base64>"), in order (GET ?partNumber, GetObjectAttributes). */
  parts?: Array<{ n: number; size: number; checksum?: string }>;
  /** Object tags of this version (emulator/s3/handlers/tagging.ts). */
  tags?: Record<string, string>;
  /** Uploads only: x-amz-checksum-algorithm and x-amz-checksum-type of CreateMultipartUpload. */
  checksumAlgorithm?: string;
  checksumType?: "COMPOSITE" | "FULL_OBJECT";
  /** Uploads only: the x-amz-object-lock-* headers of CreateMultipartUpload, applied at completion. */
  lock?: { mode?: LockMode; retainUntil?: number; legalHold?: boolean };
}

export interface ObjectVersion {
  bucket: string;
  key: string;
  versionId: string;
  seq: number;
  isLatest: boolean;
  deleteMarker: boolean;
  size: number;
  etag: string;
  contentType: string | null;
  lastModified: number;
  meta: StoredMeta;
  file: string | null;
  /** The body itself when it is small (see INLINE_MAX_BYTES); only loaded by get(). */
  inline: Buffer | null;
  /** Object lock of this version (emulator/s3/objectLock.ts): a retention mode with its date, and the legal hold. */
  lockMode: LockMode | null;
  retainUntil: number | null;
  legalHold: boolean;
  noncurrentSince: number | null;
}

export type LockMode = "GOVERNANCE" | "COMPLIANCE";

/** What a new version is locked with: an explicit or default retention (mode and date, or neither) and a legal hold. */
export interface VersionLock {
  mode: LockMode | null;
  retainUntil: number | null;
  legalHold: boolean;
}

export const NO_LOCK: VersionLock = Object.freeze({ mode: null, retainUntil: null, legalHold: false });

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  /** The bucket's incarnation (BucketRecord.incarnation) when the upload began: it belongs to that bucket only. */
  incarnation: string;
  key: string;
  initiated: number;
  contentType: string | null;
  meta: StoredMeta;
}

export interface PartRecord {
  partNumber: number;
  size: number;
  etag: string;
  file: string;
  lastModified: number;
  checksum: string | null;
}

/**
 * A body ready to be referenced by a row: a file already durable on disk (renamed into place and its directory
 * fsynced), or a small body kept inline in the row itself, made durable by the same fsynced SQLite commit.
 */
export interface DurableBody {
  file: string | null;
  inline?: Buffer;
  size: number;
  md5: string;
}

export interface NewVersion {
  size: number;
  etag: string;
  contentType: string | null;
  meta: StoredMeta;
  body: DurableBody | null;
  deleteMarker?: boolean;
}

/**
 * Bodies up to this size live inline in their metadata row (as MinIO keeps small objects inline in xl.meta):
 * one fsynced SQLite commit makes object and metadata durable together, with no file, rename or directory fsync,
 * and a GET is one row read. Larger bodies stream to files.
 */
export const INLINE_MAX_BYTES = 128 * 1024;

const MIGRATION = `
CREATE TABLE s3_objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, seq INTEGER NOT NULL,
  is_latest INTEGER NOT NULL, delete_marker INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  content_type TEXT, last_modified INTEGER NOT NULL, meta TEXT NOT NULL, file TEXT,
  retain_until INTEGER, noncurrent_since INTEGER,
  PRIMARY KEY (bucket, key, version_id)
);
CREATE INDEX s3_objects_current ON s3_objects (bucket, key) WHERE is_latest = 1;
CREATE INDEX s3_objects_seq ON s3_objects (bucket, key, seq);
CREATE TABLE s3_uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, initiated INTEGER NOT NULL,
  content_type TEXT, meta TEXT NOT NULL
);
CREATE INDEX s3_uploads_bucket ON s3_uploads (bucket, key, initiated);
CREATE TABLE s3_parts (
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  file TEXT NOT NULL, last_modified INTEGER NOT NULL, checksum TEXT,
  PRIMARY KEY (upload_id, part_number)
);
`;

/** Create or upgrade the tables (idempotent: store.migrate runs each named step once per database). */
export function migrateObjectTables(store: StoreLike): void {
  store.migrate("s3-objects-v1", MIGRATION);
  store.migrate("s3-objects-v2-inline", "ALTER TABLE s3_objects ADD COLUMN inline BLOB");
  store.migrate("s3-objects-v3-upload-incarnation", UPLOAD_INCARNATION);
  // Per-version object lock. Versions retained before this step got their bucket's default retention, whose mode
  // was the bucket's: give them that mode, so they stay protected exactly as before.
  store.migrate("s3-objects-v3-lock", `
    ALTER TABLE s3_objects ADD COLUMN lock_mode TEXT;
    ALTER TABLE s3_objects ADD COLUMN legal_hold INTEGER NOT NULL DEFAULT 0;
    UPDATE s3_objects SET lock_mode = COALESCE(
      (SELECT json_extract(b.object_lock, '$.mode') FROM buckets b WHERE b.name = s3_objects.bucket), 'COMPLIANCE')
      WHERE retain_until IS NOT NULL;
  `);
  store.migrate("s3-completed-uploads-v1", COMPLETED_UPLOADS_MIGRATION);
}

/**
 * Uploads belong to one incarnation of their bucket. Before this step they were tied to the name only, so an upload
 * could outlive its bucket and show up in a bucket created later under the same name. An upload begun after its
 * bucket's current incarnation was created is that incarnation's; every other one (its bucket gone, or re-created
 * since) is dropped with its parts here, and its part files, then unreferenced, go with the orphan sweep of
 * ObjectStore's constructor.
 */
const UPLOAD_INCARNATION = `
ALTER TABLE s3_uploads ADD COLUMN incarnation TEXT;
UPDATE s3_uploads SET incarnation = (SELECT b.incarnation FROM buckets b WHERE b.name = s3_uploads.bucket AND b.created_at <= s3_uploads.initiated);
DELETE FROM s3_parts WHERE upload_id IN (SELECT upload_id FROM s3_uploads WHERE incarnation IS NULL);
DELETE FROM s3_uploads WHERE incarnation IS NULL;
`;

/** Everything but the inline body: listings never load bodies. */
export const LIST_COLUMNS = "bucket, key, version_id, seq, is_latest, delete_marker, size, etag, content_type, last_modified, meta, file, retain_until, noncurrent_since, lock_mode, legal_hold";

/** One s3_objects row as SQLite returns it. */
export interface ObjectRow {
  bucket: string; key: string; version_id: string; seq: number; is_latest: number; delete_marker: number; size: number;
  etag: string; content_type: string | null; last_modified: number; meta: string; file: string | null;
  retain_until: number | null; noncurrent_since: number | null; lock_mode: string | null; legal_hold: number; inline?: Buffer | null;
}

export function toVersion(r: ObjectRow): ObjectVersion {
  return {
    bucket: r.bucket, key: r.key, versionId: r.version_id, seq: r.seq, isLatest: r.is_latest === 1,
    deleteMarker: r.delete_marker === 1, size: r.size, etag: r.etag, contentType: r.content_type,
    lastModified: r.last_modified, meta: JSON.parse(r.meta) as StoredMeta, file: r.file, inline: r.inline ?? null,
    lockMode: r.lock_mode as LockMode | null, retainUntil: r.retain_until, legalHold: r.legal_hold === 1, noncurrentSince: r.noncurrent_since,
  };
}

export function newId(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}
