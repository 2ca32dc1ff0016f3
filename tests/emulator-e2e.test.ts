import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, ListBucketsCommand } from "@aws-sdk/client-s3";
import { ManualClock } from "otterstorage-local/dist/clock";
import { control, useEmulator } from "./support/emulator";
import { runCommand } from "./support/run";
import { skipBecause } from "./support/skip";

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

describe("Local OtterStorage end to end: keys issued by the control API on the S3 plane", () => {
  const clock = new ManualClock(Date.now());
  const os = useEmulator({ clock });
  const api = () => control(os());
  const s3 = (c: Creds) => new S3Client({ endpoint: os().s3Url, region: "eu-mad", forcePathStyle: true, credentials: c, maxAttempts: 1 });
  const errName = async (p: Promise<unknown>) => p.then(() => "ok", (e: Error) => e.name);

  before(async () => {
    for (const name of ["e2e-main", "e2e-other"]) assert.equal((await api().post("/v1/buckets", { name })).status, 201);
  });

  it("a new key reads and writes its own bucket, ListBuckets shows only it, and the control API shows objectCount and lastUsedAt", async () => {
    const k = (await api().post("/v1/buckets/e2e-main/access-keys", { label: "e2e" })).body;
    const c = s3(k);
    await c.send(new PutObjectCommand({ Bucket: "e2e-main", Key: "docs/a.txt", Body: "hello otter" }));
    const got = await c.send(new GetObjectCommand({ Bucket: "e2e-main", Key: "docs/a.txt" }));
    assert.equal(await got.Body!.transformToString(), "hello otter");
    const list = await c.send(new ListBucketsCommand({}));
    assert.deepEqual(list.Buckets?.map((b) => b.Name), ["e2e-main"]);
    const b = (await api().get("/v1/buckets/e2e-main")).body;
    assert.equal(b.objectCount, 1);
    assert.equal(b.sizeBytes, 11);
    const key = (await api().get(`/v1/buckets/e2e-main/access-keys/${k.accessKeyId}`)).body;
    assert.equal(key.lastUsedAt, new Date(clock.now()).toISOString());
  });

  it("a key is refused on another bucket with AccessDenied", async () => {
    const k = (await api().post("/v1/buckets/e2e-main/access-keys", {})).body;
    assert.equal(await errName(s3(k).send(new ListObjectsV2Command({ Bucket: "e2e-other" }))), "AccessDenied");
  });

  it("revocation is immediate: the next request with the key fails with InvalidAccessKeyId, other keys keep working", async () => {
    const old = (await api().post("/v1/buckets/e2e-main/access-keys", { label: "old" })).body;
    const fresh = (await api().post("/v1/buckets/e2e-main/access-keys", { label: "new" })).body;
    assert.equal(await errName(s3(old).send(new ListObjectsV2Command({ Bucket: "e2e-main" }))), "ok");
    assert.equal((await api().delete(`/v1/buckets/e2e-main/access-keys/${old.accessKeyId}`)).status, 204);
    assert.equal(await errName(s3(old).send(new ListObjectsV2Command({ Bucket: "e2e-main" }))), "InvalidAccessKeyId");
    assert.equal(await errName(s3(fresh).send(new ListObjectsV2Command({ Bucket: "e2e-main" }))), "ok");
  });

  it("temporary credentials work with their session token until expiresAt on the service clock, then fail with ExpiredToken", async () => {
    // Created 10 minutes "ago" so that at expiry the service clock is still within the SigV4 skew allowance of the
    // client's real clock (otherwise the answer is RequestTimeTooSkewed, not ExpiredToken).
    const real = Date.now();
    clock.set(real - 600_000);
    const t = (await api().post("/v1/buckets/e2e-main/temporary-credentials", { durationSeconds: 900 })).body;
    clock.set(real);
    assert.equal(await errName(s3(t).send(new ListObjectsV2Command({ Bucket: "e2e-main" }))), "ok");
    assert.notEqual(await errName(s3({ ...t, sessionToken: undefined }).send(new ListObjectsV2Command({ Bucket: "e2e-main" }))), "ok", "the session token is required");
    clock.set(real + 300_001);
    assert.equal(await errName(s3(t).send(new ListObjectsV2Command({ Bucket: "e2e-main" }))), "ExpiredToken");
    clock.set(Date.now());
  });

  it("force-deleting a bucket purges its objects and revokes its keys on the S3 plane", async () => {
    await api().post("/v1/buckets", { name: "e2e-doomed" });
    const k = (await api().post("/v1/buckets/e2e-doomed/access-keys", {})).body;
    await s3(k).send(new PutObjectCommand({ Bucket: "e2e-doomed", Key: "x", Body: "1" }));
    assert.equal((await api().delete("/v1/buckets/e2e-doomed")).body.code, "BucketNotEmpty");
    assert.equal((await api().delete("/v1/buckets/e2e-doomed?force=true")).status, 204);
    assert.equal(await errName(s3(k).send(new ListObjectsV2Command({ Bucket: "e2e-doomed" }))), "InvalidAccessKeyId");
    await api().post("/v1/buckets", { name: "e2e-doomed" });
    assert.equal((await api().get("/v1/buckets/e2e-doomed")).body.objectCount, 0, "a recreated bucket starts empty");
  });

  it("the AWS CLI works with a key from the environment and --endpoint-url, as in the OtterStorage guide", function () {
    if (spawnSync("aws", ["--version"], { encoding: "utf8" }).status !== 0) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    return (async () => {
      const k = (await api().post("/v1/buckets/e2e-main/access-keys", { label: "aws-cli" })).body;
      const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey, AWS_DEFAULT_REGION: "eu-mad", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
      delete env.AWS_PROFILE;
      delete env.AWS_SESSION_TOKEN;
      // Async spawn: spawnSync would block this process's event loop, and with it the in-process server.
      const r = await runCommand("aws", ["--endpoint-url", os().s3Url, "s3", "ls", "s3://e2e-main/docs/"], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /a\.txt/);
    })();
  });
});

describe("startOtterStorage({ faults })", () => {
  const os = useEmulator({ faults: { seed: 1, rules: [{ route: "GET /v1/buckets", p503: 1 }, { route: "* /*", plane: "s3", latencyMs: 0 }] } });

  it("puts the fault proxies in front: the faulted route answers 503, others pass, and answers name the proxied S3 URL", async () => {
    const api = control(os());
    assert.equal((await api.get("/v1/buckets")).status, 503);
    const created = await api.post("/v1/buckets", { name: "faulty-bucket" });
    assert.equal(created.status, 201);
    assert.equal(created.body.endpoint, os().s3Url);
    assert.ok(os().faultStats && os().faultStats!.injected["503"] >= 1);
  });
});
