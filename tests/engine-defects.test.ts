/**
 * Provider defects found by driving the host in engine order (tests/provider-defects.test.ts), replayed through the
 * real Pulumi engine: a key whose readiness timed out stays refreshable and destroyable; a bucket name owned by
 * another stack is never taken over; RotatingAccessKey keeps its overlap when the generation jumps; a changed
 * otterstorage:s3Endpoint reaches the outputs; a non-empty bucket whose name is not known at preview previews; a
 * versioned bucket holding only older versions is refused a rename at preview; an objectLock change of an
 * auto-named bucket creates the replacement before deleting the original.
 */
import * as assert from "node:assert/strict";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { useEngine } from "./support/pulumi";
import { s3Answer, s3For } from "./support/s3";


describe("engine: provider defects replayed through the real engine", function () {
  this.timeout(900_000);
  const engine = useEngine();
  let os: OtterStorage;
  let slow: OtterStorage;
  before(async () => {
    os = await startOtterStorage({ memory: true });
    slow = await startOtterStorage({ memory: true, s3KeyDelayMs: 10 * 60 * 1000 }); // new keys never reach S3 here
  });
  after(async () => {
    await os?.stop();
    await slow?.stop();
  });
  const keys = async (svc: OtterStorage, bucket: string) => (await control(svc).get(`/v1/buckets/${bucket}/access-keys`)).body.accessKeys as { accessKeyId: string }[];

  it("a key whose readiness timed out: up fails naming the key; refresh and destroy then work and revoke it", async () => {
    const s = await engine().project("readiness-timeout", `
const otter = require("pulumi-otterstorage");
const bucket = new otter.Bucket("data", { name: "readiness-${process.pid}" });
new otter.AccessKey("app", { bucket: bucket.name, label: "app-web", readiness: { timeoutSeconds: 1 } });
`).stack("dev", { endpoint: slow.controlUrl, token: slow.token });
    const up = await s.upFails();
    assert.notEqual(up.code, 0);
    assert.match(up.output, /KeyNotReady|not ready|readiness/i);
    const issued = await keys(slow, `readiness-${process.pid}`);
    assert.equal(issued.length, 1, "the key was issued and kept (not revoked by the failure)");
    const [state] = await s.resources("AccessKey");
    assert.equal(state.id, issued[0].accessKeyId, "the engine stored it");
    const refresh = await s.run(["refresh", "--yes", "--skip-preview"]);
    assert.equal(refresh.code, 0, refresh.output);
    await s.destroy();
    assert.equal((await control(slow).get(`/v1/buckets/readiness-${process.pid}`)).status, 404, "destroy removed the bucket and revoked the key");
  });

  it("a bucket name another stack owns: up fails with BucketAlreadyExists; destroy never deletes the other stack's bucket or data", async () => {
    const name = `taken-${process.pid}`;
    const program = `
const otter = require("pulumi-otterstorage");
const bucket = new otter.Bucket("data", { name: "${name}", forceDestroy: true });
exports.bucket = bucket.name;
`;
    const owner = await engine().project("owner", program + `const k = new otter.AccessKey("app", { bucket: bucket.name, label: "app-web" });
exports.accessKeyId = k.accessKeyId; exports.secretAccessKey = k.secretAccessKey; exports.endpoint = k.endpoint;`).stack("dev", { endpoint: os.controlUrl, token: os.token });
    await owner.up();
    const o = await owner.outputs(true);
    const s3 = s3For({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, endpoint: o.endpoint, region: "eu-mad" });
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "owner.txt", Body: "mine" }));
    s3.destroy();

    const intruder = await engine().project("intruder", program).stack("dev", { endpoint: os.controlUrl, token: os.token });
    const up = await intruder.upFails();
    assert.notEqual(up.code, 0);
    assert.match(up.output, /BucketAlreadyExists/);
    await intruder.destroy();
    const still = await control(os).get(`/v1/buckets/${name}`);
    assert.equal(still.status, 200);
    assert.equal(still.body.objectCount, 1, "the owner's object is still there");
    assert.equal(await s3Answer(o as any, name), "ok");
    await owner.destroy();
  });

  it("RotatingAccessKey: a jump of the generation by two replaces one slot per up, and the previous key keeps working", async () => {
    const s = await engine().project("slots-jump", `
const pulumi = require("pulumi-otterstorage");
const config = new (require("@pulumi/pulumi").Config)();
const otter = pulumi;
const bucket = new otter.Bucket("data", { forceDestroy: true });
const key = new otter.RotatingAccessKey("deploy", { bucket: bucket.name, label: "ci-deploy", rotationTrigger: config.getNumber("generation") || 0 });
exports.bucket = bucket.name;
exports.current = key.current;
exports.previous = key.previous;
`).stack("dev", { endpoint: os.controlUrl, token: os.token, config: { generation: "0" } });
    await s.up();
    const first = await s.outputs(true);
    await s.config("generation", "2");
    const up = await s.up();
    assert.doesNotMatch(up.stdout, /2 replaced/, `never both slots in one up:\n${up.stdout}`);
    const second = await s.outputs(true);
    assert.equal(await s3Answer(first.current, first.bucket), "ok", "the key that was current before this up still works");
    assert.equal(await s3Answer(second.current, second.bucket), "ok");
    await s.destroy();
  });

  it("a changed otterstorage:s3Endpoint reaches the endpoint outputs on the next up", async () => {
    const s = await engine().project("s3-endpoint", `
const otter = require("pulumi-otterstorage");
const bucket = new otter.Bucket("data", { forceDestroy: true });
const key = new otter.AccessKey("app", { bucket: bucket.name, label: "app-web" });
exports.bucketEndpoint = bucket.endpoint;
exports.keyEndpoint = key.endpoint;
exports.environment = key.environment;
`).stack("dev", { endpoint: os.controlUrl, token: os.token });
    await s.up();
    assert.equal((await s.outputs()).keyEndpoint, os.s3Url);
    const alias = os.s3Url.replace("127.0.0.1", "localhost");
    await s.config("otterstorage:s3Endpoint", alias);
    const up = await s.up();
    assert.match(up.stdout, /updated/);
    const out = await s.outputs(true);
    assert.equal(out.bucketEndpoint, alias);
    assert.equal(out.keyEndpoint, alias);
    assert.equal(out.environment.AWS_ENDPOINT_URL, alias);
    assert.equal((await s.preview(["--expect-no-changes"])).code, 0, "and it settles");
    await s.destroy();
  });
  /** A bucket (name from config) with a key, and one object written and then deleted: versions but no current object. */
  const WRITER = (extra: string) => `
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const config = new pulumi.Config();
${extra}
const key = new otter.AccessKey("writer", { bucket: bucket.name, label: "writer" });
exports.bucket = bucket.name;
exports.accessKeyId = key.accessKeyId;
exports.secretAccessKey = key.secretAccessKey;
exports.endpoint = key.endpoint;
`;

  it("a non-empty bucket whose name is not known at preview: preview and up go through when the name turns out the same", async () => {
    const name = `late-name-${process.pid}`;
    const s = await engine().project("unknown-name", WRITER(`
const gate = config.getBoolean("gate") ? new otter.Bucket("gate", { forceDestroy: true }) : undefined;
// With the gate, the name is only known once the gate bucket exists: unknown during preview, the same after.
const bucket = new otter.Bucket("data", { name: gate ? gate.createdAt.apply(() => "${name}") : "${name}" });
`)).stack("dev", { endpoint: os.controlUrl, token: os.token });
    await s.up();
    const o = await s.outputs(true);
    const s3 = s3For({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, endpoint: o.endpoint, region: "eu-mad" });
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "data.bin", Body: "x" }));
    s3.destroy();
    await s.config("gate", "true");
    const preview = await s.preview();
    assert.equal(preview.code, 0, preview.output);
    assert.match(preview.output, /~ name: "late-name-\d+" => \[unknown\]/, `the name really was unknown at preview:\n${preview.output}`);
    assert.doesNotMatch(preview.output, /ReplacementWouldDestroyData/);
    const up = await s.up();
    assert.doesNotMatch(up.stdout, /replaced/);
    assert.equal((await control(os).get(`/v1/buckets/${name}`)).body.objectCount, 1, "same bucket, data kept");
    await control(os).delete(`/v1/buckets/${name}?force=true`);
    await s.run(["refresh", "--yes", "--skip-preview"]);
    await s.destroy();
  });

  it("a versioned bucket holding only an older version and a delete marker: a rename is refused at preview, nothing half-replaced", async () => {
    const name = `versions-${process.pid}`;
    const s = await engine().project("versions-only", WRITER(`const bucket = new otter.Bucket("data", { name: config.require("bucketName"), versioning: "Enabled" });`))
      .stack("dev", { endpoint: os.controlUrl, token: os.token, config: { bucketName: name } });
    await s.up();
    const o = await s.outputs(true);
    const s3 = s3For({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, endpoint: o.endpoint, region: "eu-mad" });
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "report.pdf", Body: "v1" }));
    await s3.send(new DeleteObjectCommand({ Bucket: name, Key: "report.pdf" }));
    s3.destroy();
    await s.config("bucketName", `${name}-renamed`);
    const preview = await s.preview();
    assert.notEqual(preview.code, 0);
    assert.match(preview.output, /ReplacementWouldDestroyData/);
    assert.match(preview.output, /older version/);
    const up = await s.upFails();
    assert.notEqual(up.code, 0);
    assert.equal((await control(os).get(`/v1/buckets/${name}-renamed`)).status, 404, "no replacement was created");
    assert.equal((await control(os).get(`/v1/buckets/${name}`)).body.versionCount, 2);
    await control(os).delete(`/v1/buckets/${name}?force=true`);
  });

  it("an objectLock change of an auto-named bucket: the replacement is created before the original is deleted", async () => {
    const s = await engine().project("lock-auto", WRITER(`const bucket = new otter.Bucket("locked", { forceDestroy: true, objectLock: config.getBoolean("lock") ? { mode: "GOVERNANCE", days: 1 } : undefined });`))
      .stack("dev", { endpoint: os.controlUrl, token: os.token });
    await s.up();
    const before = await s.outputs(true);
    await s.config("lock", "true");
    const up = await s.up();
    const created = up.stdout.search(/Bucket locked creating replacement/);
    const deleted = up.stdout.search(/Bucket locked deleting original/);
    assert.ok(created >= 0 && deleted > created, `create-before-delete:\n${up.stdout}`);
    const after = await s.outputs(true);
    assert.notEqual(after.bucket, before.bucket);
    assert.match(after.bucket, /^locked-[a-z]{7}$/);
    assert.equal((await control(os).get(`/v1/buckets/${before.bucket}`)).status, 404);
    assert.equal(await s3Answer(after as any, after.bucket), "ok");
    await s.destroy();
  });
});
