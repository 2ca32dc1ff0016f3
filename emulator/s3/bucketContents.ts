/** What a bucket holds, for the control plane: counts and sizes, emptiness, and the forced purge. */
import type { Statement } from "better-sqlite3";
import type { BodyFiles } from "./bodyFiles";
import type { StoreLike } from "./contract";
import type { GroupCommit } from "./groupCommit";
import type { Uploads } from "./uploads";

export class BucketContents {
  private readonly st: Record<"stats" | "any" | "bucketFiles" | "purge" | "bucketUploads" | "locked", Statement>;

  constructor(store: StoreLike, private readonly tx: GroupCommit, private readonly uploads: Uploads, private readonly files: BodyFiles) {
    const db = store.db;
    this.st = {
      stats: db.prepare(`SELECT COALESCE(SUM(CASE WHEN is_latest = 1 AND delete_marker = 0 THEN 1 ELSE 0 END), 0) AS n,
        COUNT(*) AS versions, COALESCE(SUM(size), 0) AS bytes FROM s3_objects WHERE bucket = ?`),
      any: db.prepare("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1"),
      bucketFiles: db.prepare("SELECT file FROM s3_objects WHERE bucket = ? AND file IS NOT NULL"),
      purge: db.prepare("DELETE FROM s3_objects WHERE bucket = ?"),
      bucketUploads: db.prepare("SELECT upload_id FROM s3_uploads WHERE bucket = ?"),
      locked: db.prepare("SELECT COUNT(*) AS n FROM s3_objects WHERE bucket = ? AND (legal_hold = 1 OR (retain_until IS NOT NULL AND retain_until > ?))"),
    };
  }

  /**
   * objectCount: current objects (what ListObjects shows). versionCount: every row — versions and delete
   * markers — so versionCount === 0 exactly when isEmpty() (what a delete without force requires).
   * sizeBytes: bytes of every stored version (what the disk holds).
   */
  stats(bucket: string): { objectCount: number; versionCount: number; sizeBytes: number } {
    const r = this.st.stats.get(bucket) as { n: number; versions: number; bytes: number };
    return { objectCount: r.n, versionCount: r.versions, sizeBytes: r.bytes };
  }

  /** Versions an object-lock retention (not yet passed at `nowMs`) or a legal hold protects: no delete may remove them. */
  lockedVersions(bucket: string, nowMs: number): number {
    return (this.st.locked.get(bucket, nowMs) as { n: number }).n;
  }

  /** No objects, versions or delete markers (incomplete multipart uploads do not count, as in S3). */
  isEmpty(bucket: string): boolean {
    return this.st.any.get(bucket) === undefined;
  }

  /**
   * Remove every object, version, upload (of any incarnation of the name), part and body file of a bucket: the
   * control API's DELETE, just before the bucket itself goes (objects only with ?force=true; the uploads always).
   */
  purge(bucket: string): void {
    const files = (this.st.bucketFiles.all(bucket) as Array<{ file: string }>).map((r) => r.file);
    const uploads = (this.st.bucketUploads.all(bucket) as Array<{ upload_id: string }>).map((r) => r.upload_id);
    for (const u of uploads) files.push(...this.uploads.partFiles(u));
    this.tx.inTx(() => {
      this.st.purge.run(bucket);
      for (const u of uploads) this.uploads.dropRows(u);
    });
    this.files.removeNow(files);
  }
}
