/**
 * ObjectStore: the S3 plane's storage, one object per Local OtterStorage, made of
 *   objectSchema.ts    the tables (through store.migrate) and the row shapes
 *   bodyFiles.ts       body files under <dataDir>/objects: temp, fsync, rename into place, orphan cleanup
 *   groupCommit.ts     metadata writes batched into one fsynced commit; unlinks only after it is durable
 *   versions.ts        current and noncurrent versions, delete markers, listings
 *   uploads.ts         multipart uploads and parts
 *   bucketContents.ts  stats, emptiness and the forced purge, for the control plane
 *   completedUploads.ts what each CompleteMultipartUpload answered, for a retried completion
 * This class only wires them and is the one surface the handlers, the control plane and lifecycle.ts use.
 */
import { BodyFiles } from "./bodyFiles";
import { BucketContents } from "./bucketContents";
import { CompletedUploads, type CompletedUpload } from "./completedUploads";
import type { StoreLike } from "./contract";
import { GroupCommit } from "./groupCommit";
import { migrateObjectTables, type DurableBody, type NewVersion, type ObjectVersion, type PartRecord, type StoredMeta, type UploadRecord, type VersionLock } from "./objectSchema";
import { Uploads } from "./uploads";
import { Versions } from "./versions";

export class ObjectStore {
  readonly root: string;
  readonly tmpDir: string;
  readonly dataDir: string;
  private readonly files: BodyFiles;
  private readonly tx: GroupCommit;
  private readonly versions: Versions;
  private readonly uploads: Uploads;
  private readonly contents: BucketContents;
  private readonly completed: CompletedUploads;

  constructor(readonly store: StoreLike) {
    migrateObjectTables(store);
    this.files = new BodyFiles(store.dataDir);
    this.root = this.files.root;
    this.tmpDir = this.files.tmpDir;
    this.dataDir = this.files.dataDir;
    this.tx = new GroupCommit(store.db, (f) => this.files.unlink(f));
    this.versions = new Versions(store, this.tx);
    this.uploads = new Uploads(store, this.tx);
    this.contents = new BucketContents(store, this.tx, this.uploads, this.files);
    this.completed = new CompletedUploads(store);
    const referenced = new Set<string>();
    const allFiles = store.db.prepare("SELECT file FROM s3_objects WHERE file IS NOT NULL UNION ALL SELECT file FROM s3_parts");
    for (const r of allFiles.iterate() as Iterable<{ file: string }>) referenced.add(r.file);
    this.files.removeOrphans(referenced);
  }

  close(): void {
    this.files.close();
  }

  // ---- files and commits (bodyFiles.ts, groupCommit.ts) ---------------------------------------------------------

  tempPath(): string {
    return this.files.tempPath();
  }

  /** Final location of a body file (relative name stored in rows). */
  filePath(file: string): string {
    return this.files.filePath(file);
  }

  /** Rename a fsynced temp file into place and fsync the directory: after this the bytes survive a crash. */
  install(tmp: string, size: number, md5: string): Promise<DurableBody & { file: string }> {
    return this.files.install(tmp, size, md5);
  }

  /** Best-effort removal of body files no row references any more (after the commit that dropped the rows). */
  unlinkLater(files: Array<string | null | undefined>): void {
    this.tx.unlinkLater(files);
  }

  /** Resolves once every unlink started so far has finished (tests wait on this instead of sleeping). */
  unlinksSettled(): Promise<void> {
    return this.files.unlinksSettled();
  }

  /** Run `fn` (synchronous, SQLite only) inside the next group commit; resolves once it is durable. */
  commit<T>(fn: () => T): Promise<T> {
    return this.tx.commit(fn);
  }

  // ---- versions (versions.ts) -----------------------------------------------------------------------------------

  get(bucket: string, key: string, versionId?: string): ObjectVersion | undefined {
    return this.versions.get(bucket, key, versionId);
  }

  putVersion(bucket: string, key: string, versioning: string, v: NewVersion, lock?: VersionLock): ObjectVersion {
    return this.versions.put(bucket, key, versioning, v, lock);
  }

  setLock(v: ObjectVersion, lock: VersionLock): void {
    this.versions.setLock(v, lock);
  }

  setMeta(v: ObjectVersion, meta: StoredMeta): void {
    this.versions.setMeta(v, meta);
  }

  deleteCurrent(bucket: string, key: string, versioning: string): { versionId?: string; deleteMarker: boolean } {
    return this.versions.deleteCurrent(bucket, key, versioning);
  }

  deleteVersion(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    return this.versions.deleteVersion(bucket, key, versionId);
  }

  listCurrent(bucket: string, prefix: string, after: string, limit: number): ObjectVersion[] {
    return this.versions.listCurrent(bucket, prefix, after, limit);
  }

  listVersions(bucket: string, prefix: string, afterKey: string, afterSeq: number, limit: number): ObjectVersion[] {
    return this.versions.listVersions(bucket, prefix, afterKey, afterSeq, limit);
  }

  // ---- buckets, for the control plane (bucketContents.ts) -------------------------------------------------------

  stats(bucket: string): { objectCount: number; versionCount: number; sizeBytes: number } {
    return this.contents.stats(bucket);
  }

  isEmpty(bucket: string): boolean {
    return this.contents.isEmpty(bucket);
  }

  lockedVersions(bucket: string, nowMs: number): number {
    return this.contents.lockedVersions(bucket, nowMs);
  }

  purgeBucket(bucket: string): void {
    this.contents.purge(bucket);
  }

  // ---- multipart (uploads.ts) -----------------------------------------------------------------------------------

  createUpload(bucket: string, key: string, contentType: string | null, meta: StoredMeta): UploadRecord {
    return this.uploads.create(bucket, key, contentType, meta);
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    return this.uploads.get(uploadId);
  }

  listUploads(bucket: string, prefix: string, afterKey: string, afterUploadId: string, limit: number): UploadRecord[] {
    return this.uploads.list(bucket, prefix, afterKey, afterUploadId, limit);
  }

  putPart(uploadId: string, partNumber: number, body: DurableBody & { file: string }, checksum: string | null): PartRecord {
    return this.uploads.putPart(uploadId, partNumber, body, checksum);
  }

  listParts(uploadId: string, afterPart: number, limit: number): PartRecord[] {
    return this.uploads.listParts(uploadId, afterPart, limit);
  }

  /** Drop an upload and its part files (abort, or after completion). */
  removeUpload(uploadId: string): void {
    this.uploads.remove(uploadId);
  }

  /** What a completion answered (completedUploads.ts), so a retried CompleteMultipartUpload gets the same 200. */
  rememberCompleted(c: Omit<CompletedUpload, "completed">): void {
    this.completed.remember(c);
  }

  completedUpload(uploadId: string): CompletedUpload | undefined {
    return this.completed.get(uploadId);
  }
}
