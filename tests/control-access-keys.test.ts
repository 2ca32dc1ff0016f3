import * as assert from "node:assert/strict";
import { AccessKey, AccessKeyList, CreatedAccessKey, TemporaryCredentials, ACCESS_KEY_ID_RE, SECRET_RE, IDEMPOTENCY_WINDOW_SECONDS } from "otterstorage-api";
import { ManualClock } from "otterstorage-local/dist/clock";
import { control, useEmulator } from "./support/emulator";

describe("Control API v1: access keys", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const os = useEmulator({ clock });
  const api = () => control(os());
  let n = 0;
  const bucket = async (extra: Record<string, unknown> = {}) => {
    const name = `keys-${++n}-bucket`;
    assert.equal((await api().post("/v1/buckets", { name, ...extra })).status, 201);
    return name;
  };

  it("issues OTTR + 16 upper-case alphanumerics and a 40-character secret, only in the create answer", async () => {
    const b = await bucket();
    const res = await api().post(`/v1/buckets/${b}/access-keys`, { label: "backups-restic" });
    assert.equal(res.status, 201);
    const k = CreatedAccessKey.parse(res.body);
    assert.match(k.accessKeyId, ACCESS_KEY_ID_RE);
    assert.match(k.secretAccessKey, SECRET_RE);
    assert.equal(k.bucket, b);
    assert.equal(k.label, "backups-restic");
    assert.equal(k.status, "Active");
    assert.equal(k.endpoint, os().s3Url);
    assert.equal(k.region, "eu-mad");
    assert.equal(k.lastUsedAt, null);
    const one = await api().get(`/v1/buckets/${b}/access-keys/${k.accessKeyId}`);
    const list = await api().get(`/v1/buckets/${b}/access-keys`);
    for (const text of [JSON.stringify(one.body), JSON.stringify(list.body)]) assert.ok(!text.includes(k.secretAccessKey), "a later answer carries the secret");
    assert.equal("secretAccessKey" in one.body, false);
  });

  it("accepts a create without a body (no label)", async () => {
    const b = await bucket();
    const res = await api().call("POST", `/v1/buckets/${b}/access-keys`);
    assert.equal(res.status, 201);
    assert.equal(res.body.label, null);
  });

  it("draws distinct, mixed-case secrets (a CSPRNG, not a counter)", async () => {
    const b = await bucket();
    const secrets = new Set<string>();
    for (let i = 0; i < 20; i++) secrets.add((await api().post(`/v1/buckets/${b}/access-keys`, {})).body.secretAccessKey);
    assert.equal(secrets.size, 20);
    const all = [...secrets].join("");
    assert.match(all, /[a-z]/);
    assert.match(all, /[A-Z]/);
    assert.match(all, /[0-9]/);
  });

  it("keeps several keys active per bucket and pages through them in issue order", async () => {
    const b = await bucket();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api().post(`/v1/buckets/${b}/access-keys`, { label: `k${i}` })).body.accessKeyId);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res: { status: number; body: AccessKeyList } = await api().get(`/v1/buckets/${b}/access-keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(res.status, 200);
      const page = AccessKeyList.parse(res.body);
      seen.push(...page.accessKeys.map((k) => k.accessKeyId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen, ids);
    for (const id of ids) assert.equal(os().store.resolveCredential(id)?.bucket, b);
  });

  it("relabels a key with PATCH, clears it with null, and names a bad label", async () => {
    const b = await bucket();
    const id = (await api().post(`/v1/buckets/${b}/access-keys`, { label: "old" })).body.accessKeyId;
    const res = await api().patch(`/v1/buckets/${b}/access-keys/${id}`, { label: "ci-deploy" });
    assert.equal(res.status, 200);
    assert.equal(AccessKey.parse(res.body).label, "ci-deploy");
    assert.equal((await api().patch(`/v1/buckets/${b}/access-keys/${id}`, { label: null })).body.label, null);
    const bad = await api().patch(`/v1/buckets/${b}/access-keys/${id}`, { label: "x".repeat(65), colour: 1 });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), ["colour", "label"]);
  });

  it("revokes immediately and permanently: GET, PATCH and DELETE answer 404 and resolveCredential returns undefined", async () => {
    const b = await bucket();
    const keep = (await api().post(`/v1/buckets/${b}/access-keys`, { label: "keep" })).body.accessKeyId;
    const id = (await api().post(`/v1/buckets/${b}/access-keys`, { label: "gone" })).body.accessKeyId;
    assert.ok(os().store.resolveCredential(id));
    const res = await api().delete(`/v1/buckets/${b}/access-keys/${id}`);
    assert.equal(res.status, 204);
    assert.equal(os().store.resolveCredential(id), undefined);
    for (const r of [
      await api().get(`/v1/buckets/${b}/access-keys/${id}`),
      await api().patch(`/v1/buckets/${b}/access-keys/${id}`, { label: "x" }),
      await api().delete(`/v1/buckets/${b}/access-keys/${id}`),
    ]) {
      assert.equal(r.status, 404);
      assert.equal(r.body.code, "AccessKeyNotFound");
    }
    const list = await api().get(`/v1/buckets/${b}/access-keys`);
    assert.deepEqual(list.body.accessKeys.map((k: { accessKeyId: string }) => k.accessKeyId), [keep]);
    assert.ok(os().store.resolveCredential(keep), "revoking one key touches no other");
  });

  it("answers 404 for another bucket's key, a malformed id, and an unknown bucket", async () => {
    const a = await bucket();
    const other = await bucket();
    const id = (await api().post(`/v1/buckets/${a}/access-keys`, {})).body.accessKeyId;
    assert.equal((await api().get(`/v1/buckets/${other}/access-keys/${id}`)).body.code, "AccessKeyNotFound");
    assert.equal((await api().delete(`/v1/buckets/${other}/access-keys/${id}`)).status, 404);
    assert.ok(os().store.resolveCredential(id), "a DELETE on the wrong bucket must not revoke");
    assert.equal((await api().get(`/v1/buckets/${a}/access-keys/not-a-key`)).body.code, "AccessKeyNotFound");
    assert.equal((await api().get(`/v1/buckets/nope-nope/access-keys/${id}`)).body.code, "BucketNotFound");
    assert.equal((await api().post(`/v1/buckets/nope-nope/access-keys`, {})).body.code, "BucketNotFound");
  });

  it("refuses new keys and temporary credentials while the bucket is under legal hold, and allows them after", async () => {
    const b = await bucket({ legalHold: true });
    const res = await api().post(`/v1/buckets/${b}/access-keys`, { label: "x" });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "LegalHoldActive");
    assert.equal((await api().post(`/v1/buckets/${b}/temporary-credentials`, {})).body.code, "LegalHoldActive");
    await api().patch(`/v1/buckets/${b}`, { legalHold: false });
    assert.equal((await api().post(`/v1/buckets/${b}/access-keys`, { label: "x" })).status, 201);
  });

  it("records lastUsedAt from noteKeyUsed in batches and shows it on GET", async () => {
    const b = await bucket();
    const id = (await api().post(`/v1/buckets/${b}/access-keys`, {})).body.accessKeyId;
    os().store.noteKeyUsed(id);
    const row = os().store.db.prepare("SELECT last_used_at FROM access_keys WHERE id = ?").get(id) as { last_used_at: number | null };
    assert.equal(row.last_used_at, null, "noteKeyUsed must not write per request");
    const res = await api().get(`/v1/buckets/${b}/access-keys/${id}`);
    assert.equal(res.body.lastUsedAt, new Date(clock.now()).toISOString());
  });

  it("deleting a bucket revokes all its keys and temporary credentials", async () => {
    const b = await bucket();
    const id = (await api().post(`/v1/buckets/${b}/access-keys`, {})).body.accessKeyId;
    const tmp = (await api().post(`/v1/buckets/${b}/temporary-credentials`, {})).body.accessKeyId;
    assert.equal((await api().delete(`/v1/buckets/${b}`)).status, 204);
    assert.equal(os().store.resolveCredential(id), undefined);
    assert.equal(os().store.resolveCredential(tmp), undefined);
    await api().post("/v1/buckets", { name: b });
    assert.equal((await api().get(`/v1/buckets/${b}/access-keys/${id}`)).status, 404, "a recreated bucket does not bring old keys back");
  });
});

describe("Control API v1: Idempotency-Key", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const os = useEmulator({ clock });
  const api = () => control(os());
  before(async () => {
    await api().post("/v1/buckets", { name: "idem-a" });
    await api().post("/v1/buckets", { name: "idem-b" });
  });

  it("replays the first answer (status, body, same secret) for the same key and body, without issuing a second key", async () => {
    const h = { headers: { "idempotency-key": "create-1" } };
    const first = await api().post("/v1/buckets/idem-a/access-keys", { label: "ci" }, h);
    const again = await api().post("/v1/buckets/idem-a/access-keys", { label: "ci" }, h);
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    const list = await api().get("/v1/buckets/idem-a/access-keys");
    assert.equal(list.body.accessKeys.length, 1);
  });

  it("answers 422 IdempotencyKeyReused for the same key with a different body", async () => {
    const h = { headers: { "idempotency-key": "create-2" } };
    assert.equal((await api().post("/v1/buckets/idem-a/access-keys", { label: "one" }, h)).status, 201);
    const res = await api().post("/v1/buckets/idem-a/access-keys", { label: "two" }, h);
    assert.equal(res.status, 422);
    assert.equal(res.body.code, "IdempotencyKeyReused");
  });

  it("scopes keys per route and bucket: the same key on another bucket or route is a new request", async () => {
    const h = { headers: { "idempotency-key": "shared-key" } };
    const a = await api().post("/v1/buckets/idem-a/access-keys", {}, h);
    const b = await api().post("/v1/buckets/idem-b/access-keys", {}, h);
    const t = await api().post("/v1/buckets/idem-a/temporary-credentials", { durationSeconds: 900 }, h);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(t.status, 201);
    assert.notEqual(a.body.accessKeyId, b.body.accessKeyId);
  });

  it(`replays within ${IDEMPOTENCY_WINDOW_SECONDS} s and issues a new key after the window`, async () => {
    const h = { headers: { "idempotency-key": "window" } };
    const first = await api().post("/v1/buckets/idem-b/access-keys", { label: "w" }, h);
    clock.advance(IDEMPOTENCY_WINDOW_SECONDS * 1000 - 1);
    assert.equal((await api().post("/v1/buckets/idem-b/access-keys", { label: "w" }, h)).body.accessKeyId, first.body.accessKeyId);
    clock.advance(1);
    const later = await api().post("/v1/buckets/idem-b/access-keys", { label: "w" }, h);
    assert.equal(later.status, 201);
    assert.notEqual(later.body.accessKeyId, first.body.accessKeyId);
  });

  it("does not replay a key that was revoked since: the retry issues a new one", async () => {
    const h = { headers: { "idempotency-key": "revoked-since" } };
    const first = await api().post("/v1/buckets/idem-a/access-keys", {}, h);
    await api().delete(`/v1/buckets/idem-a/access-keys/${first.body.accessKeyId}`);
    const again = await api().post("/v1/buckets/idem-a/access-keys", {}, h);
    assert.equal(again.status, 201);
    assert.notEqual(again.body.accessKeyId, first.body.accessKeyId);
  });

  it("does not record failures: a retry after the legal hold is lifted succeeds", async () => {
    await api().post("/v1/buckets", { name: "idem-hold", legalHold: true });
    const h = { headers: { "idempotency-key": "after-hold" } };
    assert.equal((await api().post("/v1/buckets/idem-hold/access-keys", {}, h)).status, 409);
    await api().patch("/v1/buckets/idem-hold", { legalHold: false });
    assert.equal((await api().post("/v1/buckets/idem-hold/access-keys", {}, h)).status, 201);
  });

  it("creates the key and its replay record atomically: if recording fails, no key is left behind", async () => {
    await api().post("/v1/buckets", { name: "idem-atomic" });
    const store = os().store;
    const original = store.idempotencyRecord;
    store.idempotencyRecord = () => {
      throw new Error("disk full (simulated)");
    };
    try {
      const res = await api().post("/v1/buckets/idem-atomic/access-keys", {}, { headers: { "idempotency-key": "atomic" } });
      assert.equal(res.status, 500);
    } finally {
      store.idempotencyRecord = original;
    }
    assert.deepEqual((await api().get("/v1/buckets/idem-atomic/access-keys")).body.accessKeys, []);
    assert.equal((await api().post("/v1/buckets/idem-atomic/access-keys", {}, { headers: { "idempotency-key": "atomic" } })).status, 201);
  });

  it("names a malformed Idempotency-Key header", async () => {
    const res = await api().post("/v1/buckets/idem-a/access-keys", {}, { headers: { "idempotency-key": "x".repeat(300) } });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].path, "header.Idempotency-Key");
  });
});

describe("Control API v1: temporary credentials", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const os = useEmulator({ clock });
  const api = () => control(os());
  before(async () => void (await api().post("/v1/buckets", { name: "temp-creds" })));

  it("issues STS + 17 credentials with a session token and expiry, which resolve as kind temporary", async () => {
    const res = await api().post("/v1/buckets/temp-creds/temporary-credentials", { durationSeconds: 3600 });
    assert.equal(res.status, 201);
    const t = TemporaryCredentials.parse(res.body);
    assert.equal(t.bucket, "temp-creds");
    assert.equal(t.endpoint, os().s3Url);
    assert.equal(t.region, "eu-mad");
    assert.equal(Date.parse(t.expiresAt), clock.now() + 3600_000);
    const c = os().store.resolveCredential(t.accessKeyId);
    assert.deepEqual(c, {
      kind: "temporary", accessKeyId: t.accessKeyId, bucket: "temp-creds", secretAccessKey: t.secretAccessKey, sessionToken: t.sessionToken, expiresAt: clock.now() + 3600_000,
    });
  });

  it("defaults to one hour and names durationSeconds outside 900..43200", async () => {
    const res = await api().post("/v1/buckets/temp-creds/temporary-credentials", {});
    assert.equal(Date.parse(res.body.expiresAt), clock.now() + 3600_000);
    for (const durationSeconds of [899, 43201, 1.5, "3600"]) {
      const bad = await api().post("/v1/buckets/temp-creds/temporary-credentials", { durationSeconds });
      assert.equal(bad.status, 400, String(durationSeconds));
      assert.equal(bad.body.errors[0].path, "durationSeconds");
    }
  });

  it("replays an idempotent issue while the credentials are valid, and issues new ones once they have expired", async () => {
    const h = { headers: { "idempotency-key": "temp-replay" } };
    const first = (await api().post("/v1/buckets/temp-creds/temporary-credentials", { durationSeconds: 900 }, h)).body;
    assert.equal((await api().post("/v1/buckets/temp-creds/temporary-credentials", { durationSeconds: 900 }, h)).body.accessKeyId, first.accessKeyId);
    clock.advance(900_000);
    const later = await api().post("/v1/buckets/temp-creds/temporary-credentials", { durationSeconds: 900 }, h);
    assert.equal(later.status, 201);
    assert.notEqual(later.body.accessKeyId, first.accessKeyId);
    assert.equal(Date.parse(later.body.expiresAt), clock.now() + 900_000);
  });

  it("keeps resolving after expiry (with expiresAt), so the S3 plane can answer ExpiredToken", async () => {
    const t = (await api().post("/v1/buckets/temp-creds/temporary-credentials", { durationSeconds: 900 })).body;
    clock.advance(901_000);
    const c = os().store.resolveCredential(t.accessKeyId);
    assert.ok(c && c.expiresAt! < clock.now());
  });
});
