import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { MASTER_KEY_FILE } from "otterstorage-local/dist/store/crypto";
import { control } from "./support/emulator";
import { filesUnder } from "./evidence-support";
import { skipBecause } from "./support/skip";

function assertNowhereOnDisk(dir: string, secrets: Record<string, string>) {
  const files = filesUnder(dir);
  assert.ok(files.some((f) => f.endsWith("-wal")), `expected a WAL file among ${files.map((f) => path.basename(f)).join(", ")}`);
  for (const f of files) {
    const bytes = fs.readFileSync(f);
    for (const [what, value] of Object.entries(secrets)) {
      for (const form of [Buffer.from(value, "utf8"), Buffer.from(value, "utf16le"), Buffer.from(Buffer.from(value).toString("hex")), Buffer.from(Buffer.from(value).toString("base64"))]) {
        assert.equal(bytes.indexOf(form), -1, `${what} found in plaintext in ${path.basename(f)}`);
      }
    }
  }
}

describe("Local OtterStorage: persistence and secrets at rest", function () {
  let dir: string;
  let h: OtterStorage | undefined;
  const saved = process.env.OTTERSTORAGE_TOKEN;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-persist-"));
    delete process.env.OTTERSTORAGE_TOKEN;
  });
  afterEach(async () => {
    await h?.stop();
    h = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.OTTERSTORAGE_TOKEN;
    else process.env.OTTERSTORAGE_TOKEN = saved;
  });

  it("keeps buckets, keys, labels, lastUsedAt and the generated token across a restart on the same data dir; secrets still resolve", async () => {
    h = await startOtterStorage({ dataDir: dir });
    const token = h.token;
    assert.match(token, /^otk_[A-Za-z0-9]{43}$/);
    const api = control(h);
    await api.post("/v1/buckets", { name: "survivor", storageClass: "SSD", lifecycleRules: [{ id: "r", expirationDays: 3 }], tags: { a: "b" } });
    const k = (await api.post("/v1/buckets/survivor/access-keys", { label: "kept" })).body;
    const revoked = (await api.post("/v1/buckets/survivor/access-keys", { label: "revoked" })).body;
    await api.delete(`/v1/buckets/survivor/access-keys/${revoked.accessKeyId}`);
    const t = (await api.post("/v1/buckets/survivor/temporary-credentials", { durationSeconds: 900 })).body;
    const replay = (await api.post("/v1/buckets/survivor/access-keys", { label: "idem" }, { headers: { "idempotency-key": "persist-1" } })).body;
    h.store.noteKeyUsed(k.accessKeyId);
    await h.stop();

    h = await startOtterStorage({ dataDir: dir });
    assert.equal(h.token, token, "the generated token is kept");
    assert.equal(h.dataDir, path.resolve(dir));
    const api2 = control(h);
    const b = (await api2.get("/v1/buckets/survivor")).body;
    assert.equal(b.storageClass, "SSD");
    assert.deepEqual(b.tags, { a: "b" });
    assert.equal(b.lifecycleRules[0].expirationDays, 3);
    const got = (await api2.get(`/v1/buckets/survivor/access-keys/${k.accessKeyId}`)).body;
    assert.equal(got.label, "kept");
    assert.ok(got.lastUsedAt, "lastUsedAt noted before stop is flushed on stop");
    assert.equal(h.store.resolveCredential(k.accessKeyId)?.secretAccessKey, k.secretAccessKey);
    assert.equal(h.store.resolveCredential(revoked.accessKeyId), undefined);
    assert.equal((await api2.get(`/v1/buckets/survivor/access-keys/${revoked.accessKeyId}`)).status, 404);
    const tc = h.store.resolveCredential(t.accessKeyId);
    assert.equal(tc?.sessionToken, t.sessionToken);
    assert.equal(tc?.secretAccessKey, t.secretAccessKey);
    const again = await api2.post("/v1/buckets/survivor/access-keys", { label: "idem" }, { headers: { "idempotency-key": "persist-1" } });
    assert.deepEqual(again.body, replay, "idempotent replays survive a restart");
  });

  it("keeps no secret, session token, replayed answer or account token in plaintext in any file of the data dir (db, -wal, -shm)", async () => {
    h = await startOtterStorage({ dataDir: dir });
    const api = control(h);
    await api.post("/v1/buckets", { name: "plaintext-check" });
    const k = (await api.post("/v1/buckets/plaintext-check/access-keys", { label: "x" }, { headers: { "idempotency-key": "pk" } })).body;
    const t = (await api.post("/v1/buckets/plaintext-check/temporary-credentials", {}, { headers: { "idempotency-key": "pt" } })).body;
    const secrets = { "key secret": k.secretAccessKey, "temporary secret": t.secretAccessKey, "session token": t.sessionToken, "account token": h.token };
    assertNowhereOnDisk(dir, secrets); // while running: the WAL holds the latest pages
    await h.stop();
    h = undefined;
    const after = filesUnder(dir);
    for (const f of after) {
      const bytes = fs.readFileSync(f);
      for (const [what, value] of Object.entries(secrets)) assert.equal(bytes.indexOf(value), -1, `${what} in ${path.basename(f)} after stop`);
    }
  });

  it("creates master.key with 32 bytes and mode 0600, in a data dir only the owner can enter", async function () {
    if (process.platform === "win32") return skipBecause(this, "POSIX file modes do not apply on Windows");
    const sub = path.join(dir, "fresh");
    h = await startOtterStorage({ dataDir: sub });
    const st = fs.statSync(path.join(sub, MASTER_KEY_FILE));
    assert.equal(st.mode & 0o777, 0o600);
    assert.equal(st.size, 32);
    assert.equal(fs.statSync(sub).mode & 0o077, 0);
  });

  it("keeps every file of the data dir 0600 (database, -wal, -shm with inline objects) and tightens a data dir others can read, with a warning", async function () {
    if (process.platform === "win32") return skipBecause(this, "POSIX file modes do not apply on Windows");
    const warnings: string[] = [];
    const log = { info() {}, error() {}, request() {}, warn: (m: string) => void warnings.push(m) };
    fs.chmodSync(dir, 0o755);
    h = await startOtterStorage({ dataDir: dir, log });
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.ok(warnings.some((w) => w.includes(dir) && /readable by group or others.*now 0700/.test(w)), warnings.join("\n"));
    const api = control(h);
    await api.post("/v1/buckets", { name: "private-bucket" });
    const k = (await api.post("/v1/buckets/private-bucket/access-keys", {})).body;
    const s3 = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey } });
    await s3.send(new PutObjectCommand({ Bucket: "private-bucket", Key: "small.txt", Body: "inline in the database" }));
    s3.destroy();
    const files = filesUnder(dir);
    assert.ok(files.some((f) => f.endsWith("-wal")) && files.some((f) => f.endsWith("-shm")));
    for (const f of files) assert.equal(fs.statSync(f).mode & 0o077, 0, `${path.relative(dir, f)} is mode 0${(fs.statSync(f).mode & 0o777).toString(8)}`);
    await h.stop();
    h = undefined;
    // A database left 0644 by an older version is tightened on the next start.
    fs.chmodSync(path.join(dir, "otterstorage.db"), 0o644);
    warnings.length = 0;
    h = await startOtterStorage({ dataDir: dir, log });
    assert.equal(fs.statSync(path.join(dir, "otterstorage.db")).mode & 0o777, 0o600);
    assert.ok(warnings.some((w) => /otterstorage\.db was readable by group or others/.test(w)), warnings.join("\n"));
  });

  it("fails to start with a clear error when master.key does not match the database", async () => {
    h = await startOtterStorage({ dataDir: dir });
    await h.stop();
    h = undefined;
    fs.writeFileSync(path.join(dir, MASTER_KEY_FILE), Buffer.alloc(32, 7), { mode: 0o600 });
    await assert.rejects(startOtterStorage({ dataDir: dir }), /master\.key does not match/);
  });

  it("takes the token from opts.token, then OTTERSTORAGE_TOKEN, over the stored one", async () => {
    process.env.OTTERSTORAGE_TOKEN = "env-token-0123456789";
    h = await startOtterStorage({ dataDir: dir });
    assert.equal(h.token, "env-token-0123456789");
    assert.equal((await control(h).get("/v1/buckets")).status, 200);
    await h.stop();
    h = await startOtterStorage({ dataDir: dir, token: "opt-token-0123456789" });
    assert.equal(h.token, "opt-token-0123456789");
    assert.equal((await control({ controlUrl: h.controlUrl, token: "env-token-0123456789" }).get("/v1/buckets")).status, 401);
  });

  it("refuses an unusable token with an error that names the setting", async () => {
    await assert.rejects(startOtterStorage({ memory: true, token: "short" }), /OTTERSTORAGE_TOKEN.*8 to 512/);
  });

  it("writes nothing to disk in memory mode and reports dataDir null", async () => {
    h = await startOtterStorage({ memory: true });
    assert.equal(h.dataDir, null);
    await control(h).post("/v1/buckets", { name: "in-memory" });
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});

describe("Local OtterStorage: one instance per data dir", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-lock-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("refuses a second instance on a data dir in use, naming the owner, and starts once the first stopped", async () => {
    const first = await startOtterStorage({ dataDir: dir });
    try {
      await assert.rejects(startOtterStorage({ dataDir: dir }), /in use by another Local OtterStorage \(pid \d+/);
    } finally {
      await first.stop();
    }
    const second = await startOtterStorage({ dataDir: dir });
    await second.stop();
  });

  it("takes over a lock left behind by a process that is gone", async () => {
    fs.writeFileSync(path.join(dir, "LOCK"), "2147483646\n");
    const h = await startOtterStorage({ dataDir: dir });
    assert.equal(fs.readFileSync(path.join(dir, "LOCK"), "utf8").split(" ")[0], String(process.pid));
    await h.stop();
    assert.equal(fs.existsSync(path.join(dir, "LOCK")), false);
  });

  it("takes over a stale lock whose pid now belongs to an unrelated running process (pid reuse)", async function () {
    if (!fs.existsSync("/proc/self/stat")) {
      return skipBecause(this, "needs /proc to tell a reused pid from the lock's owner (Linux only)");
    }
    const other = spawn("sleep", ["60"], { stdio: "ignore" });
    try {
      await new Promise((r) => other.once("spawn", r));
      // As a crashed instance with this pid would have left it (its start time differs from sleep's), and as an
      // older version wrote it (pid only; sleep is not node).
      for (const stale of [`${other.pid} 1 local-otterstorage\n`, `${other.pid}\n`]) {
        fs.writeFileSync(path.join(dir, "LOCK"), stale);
        const h = await startOtterStorage({ dataDir: dir });
        assert.equal(fs.readFileSync(path.join(dir, "LOCK"), "utf8").split(" ")[0], String(process.pid));
        await h.stop();
      }
    } finally {
      other.kill("SIGKILL");
    }
  });
});
