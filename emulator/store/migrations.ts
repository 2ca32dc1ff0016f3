/**
 * Versioned schema migrations of the Store's own tables. Each entry runs once, in its own transaction, and is
 * recorded in `schema_migrations`; other modules (the S3 plane) register theirs through `Store.migrate(name, sql)`.
 * Never edit an entry that has shipped: append a new one.
 */
export const STORE_MIGRATIONS: ReadonlyArray<{ name: string; sql: string }> = [
  {
    name: "store/001-init",
    sql: `
      CREATE TABLE account (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        token_enc BLOB NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE buckets (
        name TEXT PRIMARY KEY,
        region TEXT NOT NULL,
        storage_class TEXT NOT NULL,
        versioning TEXT NOT NULL,
        object_lock TEXT,
        legal_hold INTEGER NOT NULL DEFAULT 0,
        lifecycle_rules TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '{}',
        created_at INTEGER NOT NULL
      );
      -- Revoked keys keep their row (without the secret) so an id is never issued twice.
      CREATE TABLE access_keys (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        bucket TEXT NOT NULL,
        label TEXT,
        secret_enc BLOB,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at INTEGER
      );
      CREATE INDEX access_keys_active ON access_keys (bucket, seq) WHERE revoked_at IS NULL;
      CREATE TABLE temporary_credentials (
        id TEXT PRIMARY KEY,
        bucket TEXT NOT NULL,
        secret_enc BLOB NOT NULL,
        token_enc BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX temporary_credentials_bucket ON temporary_credentials (bucket);
      -- Replays of idempotent creates; the stored answer carries a secret, so it is sealed.
      CREATE TABLE idempotency (
        scope TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response_enc BLOB NOT NULL,
        bucket TEXT NOT NULL,
        credential_id TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX idempotency_bucket ON idempotency (bucket);
      CREATE INDEX idempotency_credential ON idempotency (credential_id);
    `,
  },
  {
    // A bucket name can be deleted and created again; each creation is a new incarnation. Writes remember the
    // incarnation they were authorized for and commit only while it is still the bucket's (emulator/s3/context.ts).
    name: "store/002-bucket-incarnation",
    sql: `
      ALTER TABLE buckets ADD COLUMN incarnation TEXT;
      UPDATE buckets SET incarnation = lower(hex(randomblob(16))) WHERE incarnation IS NULL;
    `,
  },
];
