/** Object versions: the current version of a key, noncurrent versions, delete markers, listings (s3_objects). */
import type { Statement } from "better-sqlite3";
import type { GroupCommit } from "./groupCommit";
import { LIST_COLUMNS, NO_LOCK, NULL_VERSION, newId, toVersion, type NewVersion, type ObjectRow, type ObjectVersion, type StoredMeta, type VersionLock } from "./objectSchema";
import type { StoreLike } from "./contract";

export class Versions {
  private seq: number;
  private readonly st: Record<"latest" | "version" | "demote" | "deleteVersion" | "insert" | "setMeta" | "setLock" | "newest" | "promote" | "listCurrent" | "listVersions", Statement>;

  constructor(private readonly store: StoreLike, private readonly tx: GroupCommit) {
    const db = store.db;
    this.seq = ((db.prepare("SELECT MAX(seq) AS m FROM s3_objects").get() as { m: number | null }).m ?? 0);
    this.st = {
      latest: db.prepare("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1"),
      version: db.prepare("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?"),
      demote: db.prepare("UPDATE s3_objects SET is_latest = 0, noncurrent_since = ? WHERE bucket = ? AND key = ? AND is_latest = 1"),
      deleteVersion: db.prepare("DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?"),
      insert: db.prepare(`INSERT INTO s3_objects (bucket, key, version_id, seq, is_latest, delete_marker, size, etag, content_type,
        last_modified, meta, file, retain_until, noncurrent_since, inline, lock_mode, legal_hold) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`),
      setMeta: db.prepare("UPDATE s3_objects SET meta = ? WHERE bucket = ? AND key = ? AND version_id = ?"),
      setLock: db.prepare("UPDATE s3_objects SET lock_mode = ?, retain_until = ?, legal_hold = ? WHERE bucket = ? AND key = ? AND version_id = ?"),
      newest: db.prepare("SELECT version_id FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1"),
      promote: db.prepare("UPDATE s3_objects SET is_latest = 1, noncurrent_since = NULL WHERE bucket = ? AND key = ? AND version_id = ?"),
      listCurrent: db.prepare(`SELECT ${LIST_COLUMNS} FROM s3_objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key > ?
        AND key >= ? ORDER BY key LIMIT ?`),
      listVersions: db.prepare(`SELECT ${LIST_COLUMNS} FROM s3_objects WHERE bucket = ? AND key >= ? AND (key > ? OR (key = ? AND seq < ?))
        ORDER BY key, seq DESC LIMIT ?`),
    };
  }

  get(bucket: string, key: string, versionId?: string): ObjectVersion | undefined {
    const r = (versionId === undefined ? this.st.latest.get(bucket, key) : this.st.version.get(bucket, key, versionId)) as ObjectRow | undefined;
    return r ? toVersion(r) : undefined;
  }

  /**
   * Make `v` the current version of `key`. Enabled: a new version id, the old current becomes noncurrent.
   * Unversioned/Suspended: the "null" version is replaced. Returns the new version; replaced bodies are unlinked.
   */
  put(bucket: string, key: string, versioning: string, v: NewVersion, lock: VersionLock = NO_LOCK): ObjectVersion {
    const now = this.store.clock.now();
    const versionId = versioning === "Enabled" ? newId() : NULL_VERSION;
    let replaced: string | null = null;
    const seq = ++this.seq;
    this.tx.inTx(() => {
      if (versionId === NULL_VERSION) {
        const old = this.st.version.get(bucket, key, NULL_VERSION) as ObjectRow | undefined;
        if (old) {
          replaced = old.file;
          this.st.deleteVersion.run(bucket, key, NULL_VERSION);
        }
      }
      this.st.demote.run(now, bucket, key);
      this.st.insert.run(bucket, key, versionId, seq, v.deleteMarker ? 1 : 0, v.size, v.etag, v.contentType, now,
        JSON.stringify(v.meta), v.body?.file ?? null, lock.retainUntil, v.body?.inline ?? null, lock.mode, lock.legalHold ? 1 : 0);
    });
    this.tx.unlinkLater([replaced]);
    return {
      bucket, key, versionId, seq, isLatest: true, deleteMarker: !!v.deleteMarker, size: v.size, etag: v.etag,
      contentType: v.contentType, lastModified: now, meta: v.meta, file: v.body?.file ?? null, inline: v.body?.inline ?? null,
      lockMode: lock.mode, retainUntil: lock.retainUntil, legalHold: lock.legalHold, noncurrentSince: null,
    };
  }

  /** Replace the stored metadata of one version (PutObjectTagging / DeleteObjectTagging); body and ETag unchanged. */
  setMeta(v: ObjectVersion, meta: StoredMeta): void {
    this.st.setMeta.run(JSON.stringify(meta), v.bucket, v.key, v.versionId);
  }

  /** Replace the object lock of one version (PutObjectRetention / PutObjectLegalHold). */
  setLock(v: ObjectVersion, lock: VersionLock): void {
    this.st.setLock.run(lock.mode, lock.retainUntil, lock.legalHold ? 1 : 0, v.bucket, v.key, v.versionId);
  }

  /** DeleteObject without a version id. Unversioned: the object goes; otherwise a delete marker becomes current. */
  deleteCurrent(bucket: string, key: string, versioning: string): { versionId?: string; deleteMarker: boolean } {
    if (versioning === "Unversioned") {
      const old = this.st.version.get(bucket, key, NULL_VERSION) as ObjectRow | undefined;
      if (old) {
        this.st.deleteVersion.run(bucket, key, NULL_VERSION);
        this.tx.unlinkLater([old.file]);
      }
      return { deleteMarker: false };
    }
    const marker = this.put(bucket, key, versioning, { size: 0, etag: "", contentType: null, meta: {}, body: null, deleteMarker: true });
    return { versionId: marker.versionId, deleteMarker: true };
  }

  /** Permanently remove one version; if it was current, the newest remaining version becomes current. */
  deleteVersion(bucket: string, key: string, versionId: string): ObjectVersion | undefined {
    const old = this.get(bucket, key, versionId);
    if (!old) return undefined;
    this.tx.inTx(() => {
      this.st.deleteVersion.run(bucket, key, versionId);
      if (old.isLatest) {
        const next = this.st.newest.get(bucket, key) as { version_id: string } | undefined;
        if (next) this.st.promote.run(bucket, key, next.version_id);
      }
    });
    this.tx.unlinkLater([old.file]);
    return old;
  }

  /** Current (non-deleted) objects with key > after and key >= prefix, in UTF-8 byte order. */
  listCurrent(bucket: string, prefix: string, after: string, limit: number): ObjectVersion[] {
    return (this.st.listCurrent.all(bucket, after, prefix, limit) as ObjectRow[]).map(toVersion);
  }

  /** All versions, by key then newest first, after the (key, seq) position. */
  listVersions(bucket: string, prefix: string, afterKey: string, afterSeq: number, limit: number): ObjectVersion[] {
    return (this.st.listVersions.all(bucket, prefix, afterKey, afterKey, afterSeq, limit) as ObjectRow[]).map(toVersion);
  }
}
