import * as assert from "node:assert/strict";
import fc from "fast-check";
import { ACCESS_KEY_ID_RE, SECRET_RE, TEMP_KEY_ID_RE } from "otterstorage-api";
import { ManualClock } from "otterstorage-local/dist/clock";
import { createLogger, redactText, redactUrl } from "otterstorage-local/dist/log";
import { Store, StoreError, canonicalJson } from "otterstorage-local/dist/store";
import { SecretBox, newAccessKeyId, newSecretAccessKey, newTemporaryKeyId, randomString, safeEqual } from "otterstorage-local/dist/store/crypto";

describe("emulator store: identifiers and secrets", () => {
  it("draws ids and secrets in the documented formats", () => {
    for (let i = 0; i < 200; i++) {
      assert.match(newAccessKeyId(), ACCESS_KEY_ID_RE);
      assert.match(newTemporaryKeyId(), TEMP_KEY_ID_RE);
      assert.match(newSecretAccessKey(), SECRET_RE);
    }
  });

  it("samples every character of the alphabet about equally often (no modulo bias towards the first ones)", () => {
    // 62 characters: 256 % 62 = 8, so a naive `byte % 62` would favour the first 8 by ~25%.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const sample = randomString(alphabet, 62 * 4000);
    const counts = new Map<string, number>();
    for (const ch of sample) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    assert.equal(counts.size, 62);
    const first8 = [...alphabet.slice(0, 8)].reduce((s, c) => s + counts.get(c)!, 0) / 8;
    const rest = [...alphabet.slice(8)].reduce((s, c) => s + counts.get(c)!, 0) / 54;
    // Expected 4000 each (sd ~63); a bias would put first8/rest near 1.25.
    assert.ok(Math.abs(first8 / rest - 1) < 0.1, `first8=${first8} rest=${rest}`);
  });

  it("compares strings in constant time with the right answer for any pair", () => {
    fc.assert(fc.property(fc.string(), fc.string(), (a, b) => safeEqual(a, b) === (a === b)));
  });

  it("seals and opens any text, and a ciphertext does not open under another context or key", () => {
    const box = SecretBox.ephemeral();
    fc.assert(fc.property(fc.string(), (s) => box.open(box.seal(s, "key-secret:A"), "key-secret:A") === s), { numRuns: 50 });
    const sealed = box.seal("aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL", "key-secret:OTTRAAAAAAAAAAAAAAAA");
    assert.throws(() => box.open(sealed, "key-secret:OTTRBBBBBBBBBBBBBBBB"), /master\.key does not match/);
    assert.throws(() => SecretBox.ephemeral().open(sealed, "key-secret:OTTRAAAAAAAAAAAAAAAA"), (e: Error) => !e.message.includes("aB3x"));
  });
});

describe("emulator store: Store API used by the S3 plane", () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let store: Store;
  beforeEach(() => (store = new Store({ memory: true, clock })));
  afterEach(() => store.close());

  const bucket = (name: string, extra: Partial<Parameters<Store["createBucket"]>[0]> = {}) =>
    store.createBucket({ name, region: "eu-mad", storageClass: "HDD", legalHold: false, lifecycleRules: [], tags: {}, ...extra });

  it("runs a registered migration once, however often it is registered", () => {
    store.migrate("s3/001-test", "CREATE TABLE s3_test (x INTEGER)");
    store.migrate("s3/001-test", "CREATE TABLE s3_test (x INTEGER)");
    assert.ok(store.db.prepare("SELECT name FROM sqlite_master WHERE name = 's3_test'").get());
  });

  it("runs SQLite with synchronous=FULL (WAL on a data dir is checked by the persistence suite)", () => {
    assert.equal(store.db.pragma("synchronous", { simple: true }), 2);
  });

  it("updateBucket changes versioning and lifecycle rules, and refuses what the control API refuses", () => {
    bucket("s3-side");
    const b = store.updateBucket("s3-side", { versioning: "Enabled", lifecycleRules: [{ id: "x", status: "Enabled", prefix: "", expirationDays: 2 }] });
    assert.equal(b.versioning, "Enabled");
    assert.equal(store.getBucket("s3-side")!.lifecycleRules[0].expirationDays, 2);
    assert.ok(Object.isFrozen(store.getBucket("s3-side")!.lifecycleRules), "records are shared: they must be frozen");
    bucket("locked", { objectLock: { mode: "GOVERNANCE", days: 1 } });
    assert.throws(() => store.updateBucket("locked", { versioning: "Suspended" }), (e: StoreError) => e.code === "ObjectLockImmutable");
    bucket("held", { legalHold: true });
    assert.throws(() => store.updateBucket("held", { lifecycleRules: [{ id: "y", status: "Enabled", prefix: "", expirationDays: 1 }] }), (e: StoreError) => e.code === "LegalHoldActive");
    assert.throws(() => store.updateBucket("nope-nope", {}), (e: StoreError) => e.code === "BucketNotFound");
  });

  it("resolveCredential: permanent keys until revoked, unknown ids undefined", () => {
    bucket("creds");
    const { key, secretAccessKey } = store.createAccessKey("creds", null);
    assert.deepEqual(store.resolveCredential(key.accessKeyId), { kind: "permanent", accessKeyId: key.accessKeyId, bucket: "creds", secretAccessKey });
    store.revokeAccessKey("creds", key.accessKeyId);
    assert.equal(store.resolveCredential(key.accessKeyId), undefined);
    assert.equal(store.resolveCredential("OTTR0000000000000000"), undefined);
    assert.equal(store.resolveCredential("AKIAIOSFODNN7EXAMPLE"), undefined);
    assert.equal(store.resolveCredential(""), undefined);
  });

  it("noteKeyUsed writes nothing until a flush, then the latest time", () => {
    bucket("usage");
    const { key } = store.createAccessKey("usage", null);
    for (let i = 0; i < 100; i++) {
      store.noteKeyUsed(key.accessKeyId);
      clock.advance(10);
    }
    const row = () => store.db.prepare("SELECT last_used_at FROM access_keys WHERE id = ?").get(key.accessKeyId) as { last_used_at: number | null };
    assert.equal(row().last_used_at, null);
    store.flushKeyUsage();
    assert.equal(row().last_used_at, clock.now() - 10);
  });

  it("canonicalJson ignores key order and undefined values", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ y: 2, x: undefined }] }), canonicalJson({ a: [{ y: 2 }], b: 1 }));
  });
});

describe("emulator clock and log", () => {
  it("ManualClock moves only when told, and refuses to run backwards by accident", () => {
    const c = new ManualClock(1000);
    assert.equal(c.now(), 1000);
    c.advance(500);
    assert.equal(c.now(), 1500);
    c.set(10);
    assert.equal(c.now(), 10);
    assert.throws(() => c.advance(-1), /advance/);
    assert.throws(() => c.set(NaN), /set/);
  });

  it("redacts signatures, security tokens and credentials in URLs, keeping the rest", () => {
    const url = "/bkt/obj.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=OTTRAAAA%2F20260101%2Feu-mad%2Fs3%2Faws4_request&X-Amz-Signature=abcdef0123&X-Amz-Security-Token=FQoG%2Fzz&partNumber=2";
    const out = redactUrl(url);
    assert.equal(out, "/bkt/obj.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED&partNumber=2");
    assert.equal(redactUrl("/v1/buckets?limit=2"), "/v1/buckets?limit=2");
  });

  it("masks the console's form bodies, session cookie and credential snippets, should any reach a log line", () => {
    // Form posts (application/x-www-form-urlencoded), the session cookie, and the AWS CLI profile / env snippets of
    // the console's new-key panel (emulator/console/pages.ts). Values are short on purpose: the name must do it.
    const text = [
      "token=acct-token-1&_csrf=csrf-value-1&label=ci-deploy",
      "cookie: otterstorage_console=cookie-value-1",
      "aws_secret_access_key = snippet-secret-1",
      "aws_session_token = snippet-token-1",
      'export AWS_SECRET_ACCESS_KEY="env-secret-1"',
      'export AWS_SESSION_TOKEN="env-token-1"',
    ].join("\n");
    const out = redactText(text);
    for (const s of ["acct-token-1", "csrf-value-1", "cookie-value-1", "snippet-secret-1", "snippet-token-1", "env-secret-1", "env-token-1"]) assert.ok(!out.includes(s), `${s} in ${out}`);
    assert.ok(out.includes("label=ci-deploy"), "labels are not secret");
  });

  it("masks bearer tokens, secrets and signatures in any text it logs", () => {
    const secret = "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL";
    const text = `Authorization: Bearer otk_abc123 Signature=deadbeef secret ${secret} {"sessionToken":"FQoGZX+/=="}`;
    const out = redactText(text);
    for (const s of ["otk_abc123", "deadbeef", secret, "FQoGZX"]) assert.ok(!out.includes(s), `${s} in ${out}`);
    const lines: string[] = [];
    const log = createLogger({ write: (l) => void lines.push(l), clock: new ManualClock(0) });
    log.info("issued", { accessKeyId: "OTTRAAAAAAAAAAAAAAAA", secretAccessKey: secret, sessionToken: "tok" });
    log.request({ plane: "s3", method: "GET", url: "/b/k?X-Amz-Signature=ff", status: 200, ms: 1.2, requestId: "r1", accessKeyId: "OTTRAAAAAAAAAAAAAAAA" });
    assert.equal(lines[0], "1970-01-01T00:00:00.000Z info issued accessKeyId=OTTRAAAAAAAAAAAAAAAA secretAccessKey=REDACTED sessionToken=REDACTED\n");
    assert.equal(lines[1], "1970-01-01T00:00:00.000Z s3 GET /b/k?X-Amz-Signature=REDACTED 200 1ms req=r1 key=OTTRAAAAAAAAAAAAAAAA\n");
  });
});
