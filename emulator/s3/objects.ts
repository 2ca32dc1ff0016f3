/**
 * Object metadata (SQLite tables registered through store.migrate) and body files under <dataDir>/objects.
 *
 * Body files are named by random ids, never by object key, so no key ("../x", "/etc/passwd", "a/../../b") can
 * address a path outside objects/. A body is written to objects/tmp, fsynced, renamed into objects/data/<xx>/,
 * the directory fsynced, and only then is its row committed; a crash leaves at most an unreferenced file, which
 * `start()` removes. With `memory: true` stores (dataDir null) the files live in a temp dir removed on close.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import type { Statement } from "better-sqlite3";
import type { StoreLike } from "./contract";
import { runLifecycleOnce, type LifecycleReport } from "./lifecycle";

export const NULL_VERSION = "null";

export interface StoredMeta {
  /** x-amz-meta-* (lower-case names without the prefix). */
  user?: Record<string, string>;
  /** Content-Encoding, Cache-Control, Content-Disposition, Content-Language, Expires. */
  headers?: Record<string, string>;
  /** type COMPOSITE: a multipart object's checksum of its parts' checksums ("<base64>-<parts>"); else FULL_OBJECT. */
  checksum?: { algorithm: string; value: string; type?: "COMPOSITE" | "FULL_OBJECT" };
  partsCount?: number;
  /** Object tags of this version (emulator/s3/handlers/tagging.ts). */
  tags?: Record<string, string>;
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
  retainUntil: number | null;
  noncurrentSince: number | null;
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
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

/** Everything but the inline body: listings never load bodies. */
const LIST_COLUMNS = "bucket, key, version_id, seq, is_latest, delete_marker, size, etag, content_type, last_modified, meta, file, retain_until, noncurrent_since";

interface Row {
  bucket: string; key: string; version_id: string; seq: number; is_latest: number; delete_marker: number; size: number;
  etag: string; content_type: string | null; last_modified: number; meta: string; file: string | null;
  retain_until: number | null; noncurrent_since: number | null; inline?: Buffer | null;
}

function toVersion(r: Row): ObjectVersion {
  return {
    bucket: r.bucket, key: r.key, versionId: r.version_id, seq: r.seq, isLatest: r.is_latest === 1,
    deleteMarker: r.delete_marker === 1, size: r.size, etag: r.etag, contentType: r.content_type,
    lastModified: r.last_modified, meta: JSON.parse(r.meta) as StoredMeta, file: r.file, inline: r.inline ?? null,
    retainUntil: r.retain_until, noncurrentSince: r.noncurrent_since,
  };
}

export function newId(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}

export interface NewVersion {
  size: number;
  etag: string;
  contentType: string | null;
  meta: StoredMeta;
  body: DurableBody | null;
  deleteMarker?: boolean;
}

/** Throw-away body directories of memory-mode stores still open; removed on process exit if close() never ran. */
const ephemeralRoots = new Set<string>();
let exitHookInstalled = false;
function trackEphemeral(root: string): void {
  ephemeralRoots.add(root);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const r of ephemeralRoots) fs.rmSync(r, { recursive: true, force: true });
  });
}

export class ObjectStore {
  readonly root: string;
  readonly tmpDir: string;
  readonly dataDir: string;
  private readonly ephemeral: boolean;
  private seq: number;
  private readonly st: Record<string, Statement>;
  /**
   * Runs `fn` in a transaction (a savepoint when one is open). Built once: better-sqlite3's `db.transaction(fn)`
   * builds four wrapper functions and their properties on every call, which showed in the small-PUT profile.
   */
  private readonly inTx: <T>(fn: () => T) => T;
  private readonly syncNormal: Statement;
  private readonly syncFull: Statement;

  constructor(readonly store: StoreLike) {
    store.migrate("s3-objects-v1", MIGRATION);
    store.migrate("s3-objects-v2-inline", "ALTER TABLE s3_objects ADD COLUMN inline BLOB");
    this.ephemeral = store.dataDir === null;
    this.root = store.dataDir ? path.join(store.dataDir, "objects") : fs.mkdtempSync(path.join(os.tmpdir(), "otter-s3-"));
    if (this.ephemeral) trackEphemeral(this.root);
    this.tmpDir = path.join(this.root, "tmp");
    this.dataDir = path.join(this.root, "data");
    fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 256; i++) fs.mkdirSync(path.join(this.dataDir, i.toString(16).padStart(2, "0")), { recursive: true });
    const db = store.db;
    this.seq = ((db.prepare("SELECT MAX(seq) AS m FROM s3_objects").get() as { m: number | null }).m ?? 0);
    this.st = {
      latest: db.prepare("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1"),
      version: db.prepare("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?"),
      demote: db.prepare("UPDATE s3_objects SET is_latest = 0, noncurrent_since = ? WHERE bucket = ? AND key = ? AND is_latest = 1"),
      deleteVersion: db.prepare("DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?"),
      insert: db.prepare(`INSERT INTO s3_objects (bucket, key, version_id, seq, is_latest, delete_marker, size, etag, content_type,
        last_modified, meta, file, retain_until, noncurrent_since, inline) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`),
      setMeta: db.prepare("UPDATE s3_objects SET meta = ? WHERE bucket = ? AND key = ? AND version_id = ?"),
      newest: db.prepare("SELECT version_id FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1"),
      promote: db.prepare("UPDATE s3_objects SET is_latest = 1, noncurrent_since = NULL WHERE bucket = ? AND key = ? AND version_id = ?"),
      listCurrent: db.prepare(`SELECT ${LIST_COLUMNS} FROM s3_objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key > ?
        AND key >= ? ORDER BY key LIMIT ?`),
      listVersions: db.prepare(`SELECT ${LIST_COLUMNS} FROM s3_objects WHERE bucket = ? AND key >= ? AND (key > ? OR (key = ? AND seq < ?))
        ORDER BY key, seq DESC LIMIT ?`),
      stats: db.prepare(`SELECT COALESCE(SUM(CASE WHEN is_latest = 1 AND delete_marker = 0 THEN 1 ELSE 0 END), 0) AS n,
        COUNT(*) AS versions, COALESCE(SUM(size), 0) AS bytes FROM s3_objects WHERE bucket = ?`),
      any: db.prepare("SELECT 1 FROM s3_objects WHERE bucket = ? LIMIT 1"),
      bucketFiles: db.prepare("SELECT file FROM s3_objects WHERE bucket = ? AND file IS NOT NULL"),
      purge: db.prepare("DELETE FROM s3_objects WHERE bucket = ?"),
      allFiles: db.prepare("SELECT file FROM s3_objects WHERE file IS NOT NULL UNION ALL SELECT file FROM s3_parts"),
      insertUpload: db.prepare("INSERT INTO s3_uploads (upload_id, bucket, key, initiated, content_type, meta) VALUES (?, ?, ?, ?, ?, ?)"),
      upload: db.prepare("SELECT * FROM s3_uploads WHERE upload_id = ?"),
      deleteUpload: db.prepare("DELETE FROM s3_uploads WHERE upload_id = ?"),
      listUploads: db.prepare(`SELECT * FROM s3_uploads WHERE bucket = ? AND key >= ? AND (key > ? OR (key = ? AND upload_id > ?))
        ORDER BY key, upload_id LIMIT ?`),
      bucketUploads: db.prepare("SELECT upload_id FROM s3_uploads WHERE bucket = ?"),
      part: db.prepare("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?"),
      putPart: db.prepare(`INSERT OR REPLACE INTO s3_parts (upload_id, part_number, size, etag, file, last_modified, checksum)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      parts: db.prepare("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?"),
      deleteParts: db.prepare("DELETE FROM s3_parts WHERE upload_id = ?"),
      allParts: db.prepare("SELECT file FROM s3_parts WHERE upload_id = ?"),
    };
    this.inTx = db.transaction((fn: () => unknown) => fn()) as unknown as <T>(fn: () => T) => T;
    this.syncNormal = db.prepare("PRAGMA synchronous = NORMAL");
    this.syncFull = db.prepare("PRAGMA synchronous = FULL");
    this.cleanOrphans();
  }

  // ---- files ----------------------------------------------------------------------------------------------------

  tempPath(): string {
    return path.join(this.tmpDir, newId(12));
  }

  /** Final location of a body file (relative name stored in rows). */
  filePath(file: string): string {
    return path.join(this.dataDir, file);
  }

  /** Rename a fsynced temp file into place and fsync the directory: after this the bytes survive a crash. */
  async install(tmp: string, size: number, md5: string): Promise<DurableBody & { file: string }> {
    const id = newId(15);
    const sub = randomBytes(1).toString("hex"); // spread over the 256 subdirectories made at start
    const file = `${sub}/${id}`;
    const dir = path.join(this.dataDir, sub);
    await fsp.rename(tmp, path.join(this.dataDir, file));
    await fsyncDir(dir);
    return { file, size, md5 };
  }

  /** Best-effort removal of body files no row references any more (after the commit that dropped the rows). */
  unlinkLater(files: Array<string | null | undefined>): void {
    for (const f of files) {
      if (!f) continue;
      if (this.flushing) this.deferredUnlinks.push(f);
      else {
        const p: Promise<void> = fs.promises.unlink(this.filePath(f)).catch(() => {}).finally(() => this.unlinking.delete(p));
        this.unlinking.add(p);
      }
    }
  }

  private unlinking = new Set<Promise<void>>();
  /** Resolves once every unlink started so far has finished (tests wait on this instead of sleeping). */
  async unlinksSettled(): Promise<void> {
    await Promise.all([...this.unlinking]);
  }

  // ---- group commit ---------------------------------------------------------------------------------------------
  //
  // The Store's connection runs with synchronous=FULL: every commit would wait, on the event loop, for an fsync of
  // the WAL (~3 ms here), stalling every other request. Metadata writes of the S3 plane therefore go through a group
  // commit: requests queue their (synchronous, SQLite-only) work; one transaction runs them all, each in its own
  // savepoint (better-sqlite3 nests transactions as savepoints, so a failing item rolls back alone), with
  // synchronous=NORMAL for that one commit; then the WAL file is fsynced on the thread pool, and only after that
  // fsync are the callers answered and replaced bodies unlinked. Acknowledged = on disk, as with FULL, but the event
  // loop keeps serving while the disk works, and requests arriving meanwhile share the next fsync.
  //
  // Trade-off (documented in docs/s3-compatibility.md): between that commit and its fsync (a few ms) a concurrent
  // reader may already see the new row; if the machine loses power in that window the unacknowledged write is lost.

  private queue: Array<{ fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  private flushing = false;
  private deferredUnlinks: string[] = [];
  /** The fsync that has not started yet; flushes that commit before it starts share it. */
  private nextSync: Promise<void> | null = null;
  private syncChain: Promise<void> = Promise.resolve();

  /** Run `fn` (synchronous, SQLite only) inside the next group commit; resolves once it is durable. */
  commit<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** fsync the WAL after the commits so far; concurrent callers that have not started a sync yet share one. */
  private syncWal(): Promise<void> {
    const db = this.store.db;
    if (db.memory) return Promise.resolve();
    if (this.nextSync) return this.nextSync;
    const wal = `${db.name}-wal`;
    const p = this.syncChain.then(() => {
      this.nextSync = null; // commits from now on need the following fsync
      return fsyncPath(wal);
    });
    this.nextSync = p;
    this.syncChain = p.catch(() => {});
    return p;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    this.flushing = true;
    let unlinks: string[] = [];
    try {
      this.syncNormal.run();
      try {
        this.inTx(() => {
          for (const it of items) {
            const unlinksBefore = this.deferredUnlinks.length;
            try {
              outcomes.push({ ok: true, value: this.inTx(it.fn) });
            } catch (e) {
              // Its savepoint is rolled back: the rows it dropped are back, and so must their body files stay.
              this.deferredUnlinks.length = unlinksBefore;
              outcomes.push({ ok: false, value: e });
            }
          }
        });
      } finally {
        this.syncFull.run();
        this.flushing = false;
        unlinks = this.deferredUnlinks;
        this.deferredUnlinks = [];
      }
      await this.syncWal();
    } catch (e) {
      for (const it of items) it.reject(e);
      return;
    }
    this.unlinkLater(unlinks);
    items.forEach((it, i) => (outcomes[i].ok ? it.resolve(outcomes[i].value) : it.reject(outcomes[i].value)));
  }

  /** Temp files from interrupted writes, and body files no row references (a crash between rename and commit). */
  private cleanOrphans(): void {
    for (const f of fs.readdirSync(this.tmpDir)) fs.rmSync(path.join(this.tmpDir, f), { force: true, recursive: true });
    const referenced = new Set<string>();
    for (const r of this.st.allFiles.iterate() as Iterable<{ file: string }>) referenced.add(r.file);
    for (const sub of fs.readdirSync(this.dataDir)) {
      for (const f of fs.readdirSync(path.join(this.dataDir, sub))) {
        if (!referenced.has(`${sub}/${f}`)) fs.rmSync(path.join(this.dataDir, sub, f), { force: true });
      }
    }
  }

  /** startOtterStorage's runLifecycle() calls this (emulator/s3/lifecycle.ts). */
  runLifecycle(): LifecycleReport {
    return runLifecycleOnce(this.store, this);
  }

  close(): void {
    if (!this.ephemeral) return;
    ephemeralRoots.delete(this.root);
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  // ---- versions -------------------------------------------------------------------------------------------------

  get(bucket: string, key: string, versionId?: string): ObjectVersion | undefined {
    const r = (versionId === undefined ? this.st.latest.get(bucket, key) : this.st.version.get(bucket, key, versionId)) as Row | undefined;
    return r ? toVersion(r) : undefined;
  }

  /**
   * Make `v` the current version of `key`. Enabled: a new version id, the old current becomes noncurrent.
   * Unversioned/Suspended: the "null" version is replaced. Returns the new version; replaced bodies are unlinked.
   */
  putVersion(bucket: string, key: string, versioning: string, v: NewVersion, retainUntil: number | null = null): ObjectVersion {
    const now = this.store.clock.now();
    const versionId = versioning === "Enabled" ? newId() : NULL_VERSION;
    let replaced: string | null = null;
    const seq = ++this.seq;
    this.inTx(() => {
      if (versionId === NULL_VERSION) {
        const old = this.st.version.get(bucket, key, NULL_VERSION) as Row | undefined;
        if (old) {
          replaced = old.file;
          this.st.deleteVersion.run(bucket, key, NULL_VERSION);
        }
      }
      this.st.demote.run(now, bucket, key);
      this.st.insert.run(bucket, key, versionId, seq, v.deleteMarker ? 1 : 0, v.size, v.etag, v.contentType, now,
        JSON.stringify(v.meta), v.body?.file ?? null, retainUntil, v.body?.inline ?? null);
    });
    this.unlinkLater([replaced]);
    return {
      bucket, key, versionId, seq, isLatest: true, deleteMarker: !!v.deleteMarker, size: v.size, etag: v.etag,
      contentType: v.contentType, lastModified: now, meta: v.meta, file: v.body?.file ?? null, inline: v.body?.inline ?? null, retainUntil, noncurrentSince: null,
    };
  }

  /** Replace the stored metadata of one version (PutObjectTagging / DeleteObjectTagging); body and ETag unchanged. */
  setMeta(v: ObjectVersion, meta: StoredMeta): void {
    this.st.setMeta.run(JSON.stringify(meta), v.bucket, v.key, v.versionId);
  }

  /** DeleteObject without a version id. Unversioned: the object goes; otherwise a delete marker becomes current. */
  deleteCurrent(bucket: string, key: string, versioning: string): { versionId?: string; deleteMarker: boolean } {
    if (versioning === "Unversioned") {
      const old = this.st.version.get(bucket, key, NULL_VERSION) as Row | undefined;
      if (old) {
        this.st.deleteVersion.run(bucket, key, NULL_VERSION);
        this.unlinkLater([old.file]);
      }
      return { deleteMarker: false };
    }
    const marker = this.putVersion(bucket, key, versioning, { size: 0, etag: "", contentType: null, meta: {}, body: null, deleteMarker: true });
    return { versionId: marker.versionId, deleteMarker: true };
  }

  /** Permanently remove one version; if it was current, the newest remaining version becomes current. */
  deleteVersion(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    const old = this.get(bucket, key, versionId);
    if (!old) return undefined;
    this.inTx(() => {
      this.st.deleteVersion.run(bucket, key, versionId);
      if (old.isLatest) {
        const next = this.st.newest.get(bucket, key) as { version_id: string } | undefined;
        if (next) this.st.promote.run(bucket, key, next.version_id);
      }
    });
    this.unlinkLater([old.file]);
    return old;
  }

  /** Current (non-deleted) objects with key > after and key >= prefix, in UTF-8 byte order. */
  listCurrent(bucket: string, prefix: string, after: string, limit: number): ObjectVersion[] {
    return (this.st.listCurrent.all(bucket, after, prefix, limit) as Row[]).map(toVersion);
  }

  /** All versions, by key then newest first, after the (key, seq) position. */
  listVersions(bucket: string, prefix: string, afterKey: string, afterSeq: number, limit: number): ObjectVersion[] {
    return (this.st.listVersions.all(bucket, prefix, afterKey, afterKey, afterSeq, limit) as Row[]).map(toVersion);
  }

  // ---- buckets (used by the control plane) ------------------------------------------------------------------------

  /** objectCount: current objects; sizeBytes: bytes of every stored version (what the disk holds). */
  /**
   * objectCount: current objects (what ListObjects shows). versionCount: every row — versions and delete
   * markers — so versionCount === 0 exactly when isEmpty() (what a delete without force requires).
   */
  stats(bucket: string): { objectCount: number; versionCount: number; sizeBytes: number } {
    const r = this.st.stats.get(bucket) as { n: number; versions: number; bytes: number };
    return { objectCount: r.n, versionCount: r.versions, sizeBytes: r.bytes };
  }

  /** No objects, versions or delete markers (incomplete multipart uploads do not count, as in S3). */
  isEmpty(bucket: string): boolean {
    return this.st.any.get(bucket) === undefined;
  }

  /** Remove every object, version, upload and body file of a bucket (control API DELETE ?force=true). */
  purgeBucket(bucket: string): void {
    const files = (this.st.bucketFiles.all(bucket) as Array<{ file: string }>).map((r) => r.file);
    const uploads = (this.st.bucketUploads.all(bucket) as Array<{ upload_id: string }>).map((r) => r.upload_id);
    for (const u of uploads) files.push(...(this.st.allParts.all(u) as Array<{ file: string }>).map((r) => r.file));
    this.inTx(() => {
      this.st.purge.run(bucket);
      for (const u of uploads) {
        this.st.deleteParts.run(u);
        this.st.deleteUpload.run(u);
      }
    });
    for (const f of files) fs.rmSync(this.filePath(f), { force: true });
  }

  // ---- multipart ------------------------------------------------------------------------------------------------

  createUpload(bucket: string, key: string, contentType: string | null, meta: StoredMeta): UploadRecord {
    const u: UploadRecord = { uploadId: newId(24), bucket, key, initiated: this.store.clock.now(), contentType, meta };
    this.st.insertUpload.run(u.uploadId, bucket, key, u.initiated, contentType, JSON.stringify(meta));
    return u;
  }

  getUpload(uploadId: string): UploadRecord | undefined {
    const r = this.st.upload.get(uploadId) as { upload_id: string; bucket: string; key: string; initiated: number; content_type: string | null; meta: string } | undefined;
    return r ? { uploadId: r.upload_id, bucket: r.bucket, key: r.key, initiated: r.initiated, contentType: r.content_type, meta: JSON.parse(r.meta) } : undefined;
  }

  listUploads(bucket: string, prefix: string, afterKey: string, afterUploadId: string, limit: number): UploadRecord[] {
    const rows = this.st.listUploads.all(bucket, prefix, afterKey, afterKey, afterUploadId, limit) as Array<{ upload_id: string; bucket: string; key: string; initiated: number; content_type: string | null; meta: string }>;
    return rows.map((r) => ({ uploadId: r.upload_id, bucket: r.bucket, key: r.key, initiated: r.initiated, contentType: r.content_type, meta: JSON.parse(r.meta) }));
  }

  putPart(uploadId: string, partNumber: number, body: DurableBody & { file: string }, checksum: string | null): PartRecord {
    const old = this.st.part.get(uploadId, partNumber) as { file: string } | undefined;
    const p: PartRecord = { partNumber, size: body.size, etag: body.md5, file: body.file, lastModified: this.store.clock.now(), checksum };
    this.st.putPart.run(uploadId, partNumber, p.size, p.etag, p.file, p.lastModified, checksum);
    if (old) this.unlinkLater([old.file]);
    return p;
  }

  listParts(uploadId: string, afterPart: number, limit: number): PartRecord[] {
    const rows = this.st.parts.all(uploadId, afterPart, limit) as Array<{ part_number: number; size: number; etag: string; file: string; last_modified: number; checksum: string | null }>;
    return rows.map((r) => ({ partNumber: r.part_number, size: r.size, etag: r.etag, file: r.file, lastModified: r.last_modified, checksum: r.checksum }));
  }

  /** Drop an upload and its part files (abort, or after completion). */
  removeUpload(uploadId: string): void {
    const files = (this.st.allParts.all(uploadId) as Array<{ file: string }>).map((r) => r.file);
    this.inTx(() => {
      this.st.deleteParts.run(uploadId);
      this.st.deleteUpload.run(uploadId);
    });
    this.unlinkLater(files);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  return fsyncPath(dir);
}

/** fsync a file or directory by path (on the thread pool). A missing file has nothing to sync. */
export async function fsyncPath(p: string): Promise<void> {
  let h: fsp.FileHandle;
  try {
    h = await fsp.open(p, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
