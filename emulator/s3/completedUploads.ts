/**
 * What a CompleteMultipartUpload answered, kept for a day (s3_completed_uploads): a client whose answer was lost
 * retries the call, and AWS answers the retry with the same 200 result instead of NoSuchUpload (the upload is gone
 * once completed, so without this the retry of a successful upload fails). The answer is repeated only while the
 * version it made still exists with the same ETag, so a purge, an overwrite of a null version or a re-created bucket
 * never gets a result that no longer describes what is stored.
 */
import type { Statement } from "better-sqlite3";
import type { StoreLike } from "./contract";

/** How long a completed upload can be completed again (a client's retry window, not a promise of AWS's). */
export const COMPLETED_UPLOAD_TTL_MS = 24 * 60 * 60 * 1000;

export interface CompletedUpload {
  uploadId: string;
  bucket: string;
  key: string;
  versionId: string;
  etag: string;
  checksum: { algorithm: string; value: string; type?: string } | null;
  completed: number;
}

interface Row { upload_id: string; bucket: string; key: string; version_id: string; etag: string; checksum: string | null; completed: number }

export const COMPLETED_UPLOADS_MIGRATION = `
CREATE TABLE s3_completed_uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, version_id TEXT NOT NULL, etag TEXT NOT NULL,
  checksum TEXT, completed INTEGER NOT NULL
);
CREATE INDEX s3_completed_uploads_age ON s3_completed_uploads (completed);
`;

export class CompletedUploads {
  private readonly st: Record<"insert" | "get" | "prune", Statement>;

  constructor(private readonly store: StoreLike) {
    const db = store.db;
    this.st = {
      insert: db.prepare("INSERT OR REPLACE INTO s3_completed_uploads (upload_id, bucket, key, version_id, etag, checksum, completed) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      get: db.prepare("SELECT * FROM s3_completed_uploads WHERE upload_id = ? AND completed >= ?"),
      prune: db.prepare("DELETE FROM s3_completed_uploads WHERE completed < ?"),
    };
  }

  /** Inside the completing commit. */
  remember(c: Omit<CompletedUpload, "completed">): void {
    const now = this.store.clock.now();
    this.st.prune.run(now - COMPLETED_UPLOAD_TTL_MS);
    this.st.insert.run(c.uploadId, c.bucket, c.key, c.versionId, c.etag, c.checksum ? JSON.stringify(c.checksum) : null, now);
  }

  get(uploadId: string): CompletedUpload | undefined {
    const r = this.st.get.get(uploadId, this.store.clock.now() - COMPLETED_UPLOAD_TTL_MS) as Row | undefined;
    if (!r) return undefined;
    return {
      uploadId: r.upload_id, bucket: r.bucket, key: r.key, versionId: r.version_id, etag: r.etag,
      checksum: r.checksum ? (JSON.parse(r.checksum) as CompletedUpload["checksum"]) : null, completed: r.completed,
    };
  }
}
