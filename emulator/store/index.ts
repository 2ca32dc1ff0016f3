/**
 * Store: the SQLite database of Local OtterStorage (better-sqlite3, WAL, synchronous=FULL) and the account,
 * bucket, access-key, temporary-credential and idempotency tables. Secrets are sealed with AES-256-GCM
 * (./crypto.ts) before they touch the database. The S3 plane (emulator/s3) registers its own tables through
 * `migrate` and reads buckets and credentials through `getBucket` / `resolveCredential`.
 *
 * Rules that both planes must agree on (object lock, legal hold) live here, in `updateBucket` and the create
 * methods, and fail with a StoreError carrying a Control API catalogue code.
 */
import Database from "better-sqlite3";
import * as fs from "fs";
import * as path from "path";
import * as crypto from "crypto";
import { Clock, systemClock } from "../clock";
import { Logger, silentLogger } from "../log";
import { SecretBox, newAccessKeyId, newAccountToken, newSecretAccessKey, newSessionToken, newTemporaryKeyId } from "./crypto";
import { STORE_MIGRATIONS } from "./migrations";
import { lockDataDir } from "./lock";
import { StoreError, accessKeyNotFound, bucketNotFound, legalHoldActive } from "./errors";
import { AccessKeyRecord, BucketPatch, BucketRecord, BucketRow, CredentialRecord, IdempotentReplay, KeyRow, NewBucket, StoreOptions, TemporaryCredentialRecord, canonicalJson, freezeBucket, rowToBucket, rowToKey } from "./records";
import type { ObjectLock } from "otterstorage-api";

export { StoreError } from "./errors";
export type { FieldError } from "./errors";
export { canonicalJson } from "./records";
export type { AccessKeyRecord, BucketPatch, BucketRecord, CredentialRecord, IdempotentReplay, NewBucket, StoreOptions, TemporaryCredentialRecord, Versioning } from "./records";

export const DB_FILE = "otterstorage.db";
/** How often batched lastUsedAt updates are written. */
export const KEY_USAGE_FLUSH_MS = 5000;

export class Store {
  readonly db: Database.Database;
  readonly dataDir: string | null;
  readonly clock: Clock;
  private readonly box: SecretBox;
  private readonly log: Logger;
  private readonly buckets = new Map<string, BucketRecord>();
  private readonly credentials = new Map<string, CredentialRecord>();
  private readonly pendingUsage = new Map<string, number>();
  private readonly flushTimer: NodeJS.Timeout;
  private closed = false;
  private readonly unlock: () => void = () => {};

  constructor(opts: StoreOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    if (opts.memory || !opts.dataDir) {
      if (!opts.memory) throw new Error("Store: pass dataDir, or memory: true for a throw-away store");
      this.dataDir = null;
      this.box = SecretBox.ephemeral();
      this.db = new Database(":memory:");
    } else {
      this.dataDir = path.resolve(opts.dataDir);
      fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
      tightenDataDir(this.dataDir, (m) => this.log.warn(m));
      const unlock = lockDataDir(this.dataDir);
      try {
        this.box = SecretBox.fromDataDir(this.dataDir, (m) => this.log.warn(m));
        this.db = new Database(privateFile(path.join(this.dataDir, DB_FILE), (m) => this.log.warn(m)));
        this.db.pragma("journal_mode = WAL");
      } catch (e) {
        unlock();
        throw e;
      }
      this.unlock = unlock;
    }
    try {
      this.db.pragma("synchronous = FULL");
      this.db.pragma("busy_timeout = 5000");
      this.db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
      for (const m of STORE_MIGRATIONS) this.migrate(m.name, m.sql);
      for (const r of this.db.prepare("SELECT * FROM buckets").all() as BucketRow[]) this.buckets.set(r.name, rowToBucket(r));
    } catch (e) {
      this.db.close();
      this.unlock();
      throw e;
    }
    this.flushTimer = setInterval(() => this.flushKeyUsage(), KEY_USAGE_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Runs `sql` once (in a transaction) and records `name`; later calls with the same name do nothing. */
  migrate(name: string, sql: string): void {
    const done = this.db.prepare("SELECT 1 FROM schema_migrations WHERE name = ?").get(name);
    if (done) return;
    this.db.transaction(() => {
      this.db.exec(sql);
      this.db.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)").run(name, this.clock.now());
    })();
  }

  // ---- account ------------------------------------------------------------------------------------------------

  /** The account token kept (sealed) in the database; generated on first call. */
  accountToken(): string {
    const row = this.db.prepare("SELECT token_enc FROM account WHERE id = 1").get() as { token_enc: Buffer } | undefined;
    if (row) return this.box.open(row.token_enc, "account-token");
    const token = newAccountToken();
    this.db.prepare("INSERT INTO account (id, token_enc, created_at) VALUES (1, ?, ?)").run(this.box.seal(token, "account-token"), this.clock.now());
    return token;
  }

  // ---- buckets ------------------------------------------------------------------------------------------------

  getBucket(name: string): BucketRecord | undefined {
    return this.buckets.get(name);
  }

  /** Buckets ordered by name, starting after `after`. */
  listBuckets(limit: number, after?: string): { items: BucketRecord[]; more: boolean } {
    const rows = this.db
      .prepare("SELECT name FROM buckets WHERE name > ? ORDER BY name LIMIT ?")
      .all(after ?? "", limit + 1) as Array<{ name: string }>;
    const items = rows.slice(0, limit).map((r) => this.buckets.get(r.name)!).filter(Boolean);
    return { items, more: rows.length > limit };
  }

  createBucket(b: NewBucket): BucketRecord {
    if (b.objectLock && b.versioning === "Suspended") {
      throw new StoreError("ValidationFailed", "versioning cannot be Suspended on a bucket with object lock (object lock turns versioning on).", [
        { path: "versioning", message: "must be Enabled (or omitted) when objectLock is set" },
      ]);
    }
    if (this.buckets.has(b.name)) throw new StoreError("BucketAlreadyExists", `Bucket '${b.name}' already exists. Choose another name.`);
    const rec = freezeBucket({
      name: b.name,
      region: b.region,
      storageClass: b.storageClass,
      versioning: b.objectLock ? "Enabled" : (b.versioning ?? "Unversioned"),
      objectLock: b.objectLock ? { mode: b.objectLock.mode, days: b.objectLock.days } : null,
      legalHold: b.legalHold,
      lifecycleRules: b.lifecycleRules.map((r) => ({ ...r })),
      tags: { ...b.tags },
      createdAt: this.clock.now(),
      incarnation: crypto.randomBytes(16).toString("hex"),
    });
    this.db
      .prepare(
        `INSERT INTO buckets (name, region, storage_class, versioning, object_lock, legal_hold, lifecycle_rules, tags, created_at, incarnation)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(rec.name, rec.region, rec.storageClass, rec.versioning, rec.objectLock ? JSON.stringify(rec.objectLock) : null,
        rec.legalHold ? 1 : 0, JSON.stringify(rec.lifecycleRules), JSON.stringify(rec.tags), rec.createdAt, rec.incarnation);
    this.buckets.set(rec.name, rec);
    return rec;
  }

  /**
   * Changes a bucket in place. Refuses: objectLock (immutable after creation); Suspended versioning on an
   * object-lock bucket; a lifecycle change while the legal hold is on and stays on (turning the hold off in the
   * same patch is allowed: turning it off is always allowed).
   */
  updateBucket(name: string, patch: BucketPatch): BucketRecord {
    const cur = this.buckets.get(name);
    if (!cur) throw bucketNotFound(name);
    if (patch.objectLock !== undefined) {
      throw new StoreError("ObjectLockImmutable", `Object lock of bucket '${name}' can only be set when the bucket is created. To change it, create a new bucket and copy the objects.`);
    }
    if (patch.versioning === "Suspended" && cur.objectLock) {
      throw new StoreError("ObjectLockImmutable", `Bucket '${name}' has object lock, so its versioning stays Enabled and cannot be Suspended.`);
    }
    const holdAfter = patch.legalHold ?? cur.legalHold;
    if (patch.lifecycleRules !== undefined && cur.legalHold && holdAfter && canonicalJson(patch.lifecycleRules) !== canonicalJson(cur.lifecycleRules)) {
      throw legalHoldActive(name, "lifecycle changes");
    }
    const next = freezeBucket({
      ...cur,
      versioning: patch.versioning ?? cur.versioning,
      legalHold: holdAfter,
      lifecycleRules: patch.lifecycleRules ? patch.lifecycleRules.map((r) => ({ ...r })) : cur.lifecycleRules.map((r) => ({ ...r })),
      storageClass: patch.storageClass ?? cur.storageClass,
      tags: patch.tags ? { ...patch.tags } : { ...cur.tags },
      objectLock: cur.objectLock ? { ...cur.objectLock } : null,
    });
    this.db
      .prepare("UPDATE buckets SET versioning = ?, legal_hold = ?, lifecycle_rules = ?, storage_class = ?, tags = ? WHERE name = ?")
      .run(next.versioning, next.legalHold ? 1 : 0, JSON.stringify(next.lifecycleRules), next.storageClass, JSON.stringify(next.tags), name);
    this.buckets.set(name, next);
    return next;
  }

  /**
   * S3 PutObjectLockConfiguration: the default retention of a bucket that has object lock (what new versions get;
   * stored versions keep theirs). Object lock itself is still chosen at creation: a bucket without it is refused.
   */
  setDefaultRetention(name: string, lock: ObjectLock): BucketRecord {
    const cur = this.buckets.get(name);
    if (!cur) throw bucketNotFound(name);
    if (!cur.objectLock) throw new StoreError("ObjectLockImmutable", `Bucket '${name}' was created without object lock; object lock can only be set when a bucket is created.`);
    if (cur.legalHold) throw legalHoldActive(name, "object lock changes");
    const next = freezeBucket({ ...cur, objectLock: { mode: lock.mode, days: lock.days } });
    this.db.prepare("UPDATE buckets SET object_lock = ? WHERE name = ?").run(JSON.stringify(next.objectLock), name);
    this.buckets.set(name, next);
    return next;
  }

  /**
   * Removes the bucket row and, in the same transaction, revokes all its keys, drops its temporary credentials and
   * its idempotency replays. Objects are the S3 plane's: purge them first (ObjectStore.purgeBucket).
   */
  deleteBucket(name: string): void {
    const cur = this.buckets.get(name);
    if (!cur) throw bucketNotFound(name);
    if (cur.legalHold) throw legalHoldActive(name, "deleting the bucket");
    const now = this.clock.now();
    const ids = (this.db.prepare("SELECT id FROM access_keys WHERE bucket = ? AND revoked_at IS NULL").all(name) as Array<{ id: string }>).map((r) => r.id);
    const temps = (this.db.prepare("SELECT id FROM temporary_credentials WHERE bucket = ?").all(name) as Array<{ id: string }>).map((r) => r.id);
    this.db.transaction(() => {
      this.db.prepare("UPDATE access_keys SET revoked_at = ?, secret_enc = NULL WHERE bucket = ? AND revoked_at IS NULL").run(now, name);
      this.db.prepare("DELETE FROM temporary_credentials WHERE bucket = ?").run(name);
      this.db.prepare("DELETE FROM idempotency WHERE bucket = ?").run(name);
      this.db.prepare("DELETE FROM buckets WHERE name = ?").run(name);
    })();
    for (const id of [...ids, ...temps]) {
      this.credentials.delete(id);
      this.pendingUsage.delete(id);
    }
    this.buckets.delete(name);
  }

  // ---- access keys --------------------------------------------------------------------------------------------

  /** Issues a key for `bucket`. Refused while the bucket's legal hold is on. */
  createAccessKey(bucket: string, label: string | null): { key: AccessKeyRecord; secretAccessKey: string } {
    const b = this.buckets.get(bucket);
    if (!b) throw bucketNotFound(bucket);
    if (b.legalHold) throw legalHoldActive(bucket, "issuing new access keys");
    const secret = newSecretAccessKey();
    const now = this.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = newAccessKeyId();
      try {
        const info = this.db
          .prepare("INSERT INTO access_keys (id, bucket, label, secret_enc, created_at) VALUES (?, ?, ?, ?, ?)")
          .run(id, bucket, label, this.box.seal(secret, `key-secret:${id}`), now);
        return { key: { accessKeyId: id, bucket, label, createdAt: now, lastUsedAt: null, seq: Number(info.lastInsertRowid) }, secretAccessKey: secret };
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw e;
      }
    }
    throw new Error("could not draw an unused access key id");
  }

  /** Active keys of a bucket in issue order, after `afterSeq`. */
  listAccessKeys(bucket: string, limit: number, afterSeq = 0): { items: AccessKeyRecord[]; more: boolean } {
    if (!this.buckets.has(bucket)) throw bucketNotFound(bucket);
    this.flushKeyUsage();
    const rows = this.db
      .prepare("SELECT seq, id, bucket, label, created_at, last_used_at FROM access_keys WHERE bucket = ? AND revoked_at IS NULL AND seq > ? ORDER BY seq LIMIT ?")
      .all(bucket, afterSeq, limit + 1) as KeyRow[];
    return { items: rows.slice(0, limit).map(rowToKey), more: rows.length > limit };
  }

  /** An active key of `bucket`; unknown, revoked or another bucket's key -> AccessKeyNotFound. */
  getAccessKey(bucket: string, id: string): AccessKeyRecord {
    if (!this.buckets.has(bucket)) throw bucketNotFound(bucket);
    this.flushKeyUsage();
    const row = this.db
      .prepare("SELECT seq, id, bucket, label, created_at, last_used_at FROM access_keys WHERE id = ? AND bucket = ? AND revoked_at IS NULL")
      .get(id, bucket) as KeyRow | undefined;
    if (!row) throw accessKeyNotFound(bucket, id);
    return rowToKey(row);
  }

  updateAccessKeyLabel(bucket: string, id: string, label: string | null): AccessKeyRecord {
    this.getAccessKey(bucket, id);
    this.db.prepare("UPDATE access_keys SET label = ? WHERE id = ?").run(label, id);
    return this.getAccessKey(bucket, id);
  }

  /** Immediate and permanent: the secret is erased, resolveCredential answers undefined from now on. */
  revokeAccessKey(bucket: string, id: string): void {
    this.getAccessKey(bucket, id);
    this.db.transaction(() => {
      this.db.prepare("UPDATE access_keys SET revoked_at = ?, secret_enc = NULL WHERE id = ?").run(this.clock.now(), id);
      this.db.prepare("DELETE FROM idempotency WHERE credential_id = ?").run(id);
    })();
    this.credentials.delete(id);
    this.pendingUsage.delete(id);
  }

  // ---- temporary credentials ----------------------------------------------------------------------------------

  createTemporaryCredentials(bucket: string, durationSeconds: number): TemporaryCredentialRecord {
    const b = this.buckets.get(bucket);
    if (!b) throw bucketNotFound(bucket);
    if (b.legalHold) throw legalHoldActive(bucket, "issuing new credentials");
    const now = this.clock.now();
    const expiresAt = now + durationSeconds * 1000;
    const secret = newSecretAccessKey();
    const token = newSessionToken();
    for (let attempt = 0; attempt < 5; attempt++) {
      const id = newTemporaryKeyId();
      try {
        this.db
          .prepare("INSERT INTO temporary_credentials (id, bucket, secret_enc, token_enc, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
          .run(id, bucket, this.box.seal(secret, `temp-secret:${id}`), this.box.seal(token, `temp-token:${id}`), now, expiresAt);
        return { accessKeyId: id, secretAccessKey: secret, sessionToken: token, bucket, expiresAt };
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_CONSTRAINT_PRIMARY_KEY" && (e as { code?: string }).code !== "SQLITE_CONSTRAINT_UNIQUE") throw e;
      }
    }
    throw new Error("could not draw an unused temporary key id");
  }

  // ---- credential resolution (S3 plane) -----------------------------------------------------------------------

  /**
   * The credential behind an access key id, with its secret decrypted (memory only). Unknown or revoked ->
   * undefined. Temporary credentials are returned even after expiry (with `expiresAt`), so the S3 plane can answer
   * ExpiredToken rather than InvalidAccessKeyId.
   */
  resolveCredential(accessKeyId: string): CredentialRecord | undefined {
    const cached = this.credentials.get(accessKeyId);
    if (cached) return cached;
    let rec: CredentialRecord | undefined;
    if (accessKeyId.startsWith("OTTR")) {
      const row = this.db.prepare("SELECT bucket, secret_enc FROM access_keys WHERE id = ? AND revoked_at IS NULL").get(accessKeyId) as
        | { bucket: string; secret_enc: Buffer }
        | undefined;
      if (row) rec = { kind: "permanent", accessKeyId, bucket: row.bucket, secretAccessKey: this.box.open(row.secret_enc, `key-secret:${accessKeyId}`) };
    } else if (accessKeyId.startsWith("STS")) {
      const row = this.db.prepare("SELECT bucket, secret_enc, token_enc, expires_at FROM temporary_credentials WHERE id = ?").get(accessKeyId) as
        | { bucket: string; secret_enc: Buffer; token_enc: Buffer; expires_at: number }
        | undefined;
      if (row) {
        rec = {
          kind: "temporary",
          accessKeyId,
          bucket: row.bucket,
          secretAccessKey: this.box.open(row.secret_enc, `temp-secret:${accessKeyId}`),
          sessionToken: this.box.open(row.token_enc, `temp-token:${accessKeyId}`),
          expiresAt: row.expires_at,
        };
      }
    }
    if (rec) this.credentials.set(accessKeyId, Object.freeze(rec));
    return rec;
  }

  /** Records a successful use of a permanent key; written in batches (every KEY_USAGE_FLUSH_MS, on close, before reads). */
  noteKeyUsed(accessKeyId: string): void {
    if (this.closed || !accessKeyId.startsWith("OTTR")) return;
    this.pendingUsage.set(accessKeyId, this.clock.now());
  }

  flushKeyUsage(): void {
    if (this.pendingUsage.size === 0 || this.closed) return;
    const entries = [...this.pendingUsage];
    this.pendingUsage.clear();
    const stmt = this.db.prepare("UPDATE access_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ? AND revoked_at IS NULL");
    this.db.transaction(() => {
      for (const [id, at] of entries) stmt.run(at, id);
    })();
  }

  // ---- idempotency --------------------------------------------------------------------------------------------

  /** The stored first answer for (scope, key), if it is younger than `windowMs`; older records are dropped. */
  idempotencyLookup(scope: string, key: string, windowMs: number): IdempotentReplay | undefined {
    const row = this.db.prepare("SELECT request_hash, status, response_enc, created_at FROM idempotency WHERE scope = ? AND key = ?").get(scope, key) as
      | { request_hash: string; status: number; response_enc: Buffer; created_at: number }
      | undefined;
    if (!row) return undefined;
    if (this.clock.now() - row.created_at >= windowMs) {
      this.db.prepare("DELETE FROM idempotency WHERE scope = ? AND key = ?").run(scope, key);
      return undefined;
    }
    return { requestHash: row.request_hash, status: row.status, body: this.box.open(row.response_enc, `idempotency:${scope}:${key}`) };
  }

  idempotencyRecord(r: { scope: string; key: string; requestHash: string; status: number; body: string; bucket: string; credentialId?: string }): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO idempotency (scope, key, request_hash, status, response_enc, bucket, credential_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(r.scope, r.key, r.requestHash, r.status, this.box.seal(r.body, `idempotency:${r.scope}:${r.key}`), r.bucket, r.credentialId ?? null, this.clock.now());
  }

  /** Drops idempotency records older than `windowMs` and temporary credentials expired for more than a day. */
  prune(windowMs: number): void {
    const now = this.clock.now();
    this.db.prepare("DELETE FROM idempotency WHERE created_at <= ?").run(now - windowMs);
    const gone = this.db.prepare("SELECT id FROM temporary_credentials WHERE expires_at <= ?").all(now - 86_400_000) as Array<{ id: string }>;
    if (gone.length) {
      this.db.prepare("DELETE FROM temporary_credentials WHERE expires_at <= ?").run(now - 86_400_000);
      for (const { id } of gone) this.credentials.delete(id);
    }
  }

  // ---- closing ------------------------------------------------------------------------------------------------

  close(): void {
    if (this.closed) return;
    clearInterval(this.flushTimer);
    try {
      this.flushKeyUsage();
    } finally {
      this.closed = true;
      this.credentials.clear();
      try {
        this.db.close();
      } finally {
        this.unlock();
      }
    }
  }
}

/**
 * The data dir holds the database, whose rows carry small object bodies inline (emulator/s3/objectSchema.ts
 * INLINE_MAX_BYTES), so it must not be readable by other local users: a dir open to group or others is tightened
 * to 0700, with a warning that says so.
 */
export function tightenDataDir(dir: string, warn: (m: string) => void): void {
  const mode = fs.statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  fs.chmodSync(dir, 0o700);
  warn(`The data dir ${dir} was readable by group or others (mode 0${mode.toString(8)}); its mode is now 0700. It holds object bodies and the sealed keys.`);
}

/**
 * The database file, created 0600 before SQLite opens it (SQLite creates -wal and -shm with the database file's
 * permissions), and tightened to 0600 when it exists with a wider mode, as are its -wal/-shm.
 */
function privateFile(file: string, warn: (m: string) => void): string {
  fs.closeSync(fs.openSync(file, "a", 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    let mode: number;
    try {
      mode = fs.statSync(f).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) !== 0) {
      fs.chmodSync(f, 0o600);
      warn(`${f} was readable by group or others (mode 0${mode.toString(8)}); its mode is now 0600`);
    }
  }
  return file;
}

/** sha256 hex of the canonical JSON of a request, for idempotency comparison. */
export function requestHash(v: unknown): string {
  return crypto.createHash("sha256").update(canonicalJson(v)).digest("hex");
}
