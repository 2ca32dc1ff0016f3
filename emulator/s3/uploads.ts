/**
 * Multipart uploads and their parts (s3_uploads, s3_parts); part bodies are always files. An upload belongs to the
 * incarnation of its bucket it began in (BucketRecord.incarnation): lookups and listings see only the uploads of the
 * bucket's current incarnation, so nothing of a deleted bucket reaches one created later under the same name (the
 * control plane also drops them with the bucket: BucketContents.purge).
 */
import type { Statement } from "better-sqlite3";
import type { StoreLike } from "./contract";
import type { GroupCommit } from "./groupCommit";
import { newId, type DurableBody, type PartRecord, type StoredMeta, type UploadRecord } from "./objectSchema";

interface UploadRow { upload_id: string; bucket: string; incarnation: string; key: string; initiated: number; content_type: string | null; meta: string }
interface PartRow { part_number: number; size: number; etag: string; file: string; last_modified: number; checksum: string | null }

const toUpload = (r: UploadRow): UploadRecord =>
  ({ uploadId: r.upload_id, bucket: r.bucket, incarnation: r.incarnation, key: r.key, initiated: r.initiated, contentType: r.content_type, meta: JSON.parse(r.meta) as StoredMeta });

export class Uploads {
  private readonly st: Record<"insertUpload" | "upload" | "deleteUpload" | "listUploads" | "part" | "putPart" | "parts" | "deleteParts" | "partFiles", Statement>;

  constructor(private readonly store: StoreLike, private readonly tx: GroupCommit) {
    const db = store.db;
    this.st = {
      insertUpload: db.prepare("INSERT INTO s3_uploads (upload_id, bucket, incarnation, key, initiated, content_type, meta) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      upload: db.prepare("SELECT * FROM s3_uploads WHERE upload_id = ?"),
      deleteUpload: db.prepare("DELETE FROM s3_uploads WHERE upload_id = ?"),
      listUploads: db.prepare(`SELECT * FROM s3_uploads WHERE bucket = ? AND incarnation = ? AND key >= ? AND (key > ? OR (key = ? AND upload_id > ?))
        ORDER BY key, upload_id LIMIT ?`),
      part: db.prepare("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?"),
      putPart: db.prepare(`INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, file, last_modified, checksum)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      parts: db.prepare("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?"),
      deleteParts: db.prepare("DELETE FROM s3_parts WHERE upload_id = ?"),
      partFiles: db.prepare("SELECT file FROM s3_parts WHERE upload_id = ?"),
    };
  }

  /** The bucket's current incarnation; a bucket that does not exist has none (and so no uploads). */
  private incarnationOf(bucket: string): string | undefined {
    return this.store.getBucket(bucket)?.incarnation;
  }

  /** A new upload of the bucket as it is now (call inside the commit that checked the request's incarnation). */
  create(bucket: string, key: string, contentType: string | null, meta: StoredMeta): UploadRecord {
    const incarnation = this.incarnationOf(bucket);
    if (incarnation === undefined) throw new Error(`bucket ${bucket} does not exist`);
    const u: UploadRecord = { uploadId: newId(24), bucket, incarnation, key, initiated: this.store.clock.now(), contentType, meta };
    this.st.insertUpload.run(u.uploadId, bucket, incarnation, key, u.initiated, contentType, JSON.stringify(meta));
    return u;
  }

  /** An upload of its bucket's current incarnation; one begun in an earlier incarnation of the name is not found. */
  get(uploadId: string): UploadRecord | undefined {
    const r = this.st.upload.get(uploadId) as UploadRow | undefined;
    return r && r.incarnation === this.incarnationOf(r.bucket) ? toUpload(r) : undefined;
  }

  list(bucket: string, prefix: string, afterKey: string, afterUploadId: string, limit: number): UploadRecord[] {
    const incarnation = this.incarnationOf(bucket);
    if (incarnation === undefined) return [];
    return (this.st.listUploads.all(bucket, incarnation, prefix, afterKey, afterKey, afterUploadId, limit) as UploadRow[]).map(toUpload);
  }

  putPart(uploadId: string, partNumber: number, body: DurableBody & { file: string }, checksum: string | null): PartRecord {
    const old = this.st.part.get(uploadId, partNumber) as { file: string } | undefined;
    const p: PartRecord = { partNumber, size: body.size, etag: body.md5, file: body.file, lastModified: this.store.clock.now(), checksum };
    this.st.putPart.run(uploadId, partNumber, p.size, p.etag, p.file, p.lastModified, checksum);
    if (old) this.tx.unlinkLater([old.file]);
    return p;
  }

  listParts(uploadId: string, afterPart: number, limit: number): PartRecord[] {
    const rows = this.st.parts.all(uploadId, afterPart, limit) as PartRow[];
    return rows.map((r) => ({ partNumber: r.part_number, size: r.size, etag: r.etag, file: r.file, lastModified: r.last_modified, checksum: r.checksum }));
  }

  /** The body files of an upload's parts. */
  partFiles(uploadId: string): string[] {
    return (this.st.partFiles.all(uploadId) as Array<{ file: string }>).map((r) => r.file);
  }

  /** Drop an upload's rows (inside the caller's transaction); its part files are the caller's to remove. */
  dropRows(uploadId: string): void {
    this.st.deleteParts.run(uploadId);
    this.st.deleteUpload.run(uploadId);
  }

  /** Drop an upload and its part files (abort, or after completion). */
  remove(uploadId: string): void {
    const files = this.partFiles(uploadId);
    this.tx.inTx(() => this.dropRows(uploadId));
    this.tx.unlinkLater(files);
  }
}
