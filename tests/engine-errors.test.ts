/**
 * What a user reads in `pulumi up` output when something is wrong, under the real engine: the provider's own
 * message (what failed, what to do), not a stack trace. And `pulumi import` of a dynamic resource, next to the
 * `adopt` route the README gives instead.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { useEngine } from "./support/pulumi";
import { s3For } from "./support/s3";

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const config = new pulumi.Config();
const bucket = new otter.Bucket("data", { name: config.get("bucketName"), legalHold: config.getBoolean("legalHold") });
const key = new otter.AccessKey("app", { bucket: bucket.name, label: "app-web", rotationTrigger: config.get("trigger") });
exports.bucket = bucket.name;
exports.accessKeyId = key.accessKeyId;
exports.secretAccessKey = key.secretAccessKey;
exports.endpoint = key.endpoint;
`;

describe("engine: errors the user sees, and import", function () {
  this.timeout(600_000);
  const engine = useEngine();
  let os: OtterStorage;
  before(async () => {
    os = await startOtterStorage({ memory: true });
  });
  after(() => os?.stop());

  it("no endpoint and no token: `pulumi up` fails with ConfigurationMissing naming both settings and how to set them", async () => {
    const s = await engine().project("no-config", PROGRAM).stack("dev");
    const r = await s.upFails();
    assert.notEqual(r.code, 0);
    assert.match(r.output, /ConfigurationMissing/);
    assert.match(r.output, /otterstorage:endpoint/);
    assert.match(r.output, /pulumi config set --secret otterstorage:token/);
    assert.doesNotMatch(r.output, /\n\s+at .*\.js:\d+:\d+/, "no stack trace");
  });

  it("a wrong token: `pulumi up` fails with 401 Unauthorized and says how to set the token; nothing is created", async () => {
    const s = await engine().project("wrong-token", PROGRAM).stack("dev", { endpoint: os.controlUrl, token: "not-the-account-token" });
    const before = (await control(os).get("/v1/buckets")).body.buckets.length;
    const r = await s.upFails();
    assert.notEqual(r.code, 0);
    assert.match(r.output, /401 Unauthorized/);
    assert.match(r.output, /Check the account token: `pulumi config set --secret otterstorage:token <token>`/);
    assert.ok(!r.output.includes("not-the-account-token"), "the token is never echoed");
    assert.equal((await control(os).get("/v1/buckets")).body.buckets.length, before);
  });

  it("renaming a bucket that holds objects: the preview refuses with the data-loss message; the bucket and its object stay", async () => {
    const s = await engine().project("non-empty", PROGRAM).stack("dev", { endpoint: os.controlUrl, token: os.token, config: { bucketName: `keep-${process.pid}` } });
    await s.up();
    const out = await s.outputs(true);
    const s3 = s3For({ accessKeyId: out.accessKeyId, secretAccessKey: out.secretAccessKey, endpoint: out.endpoint, region: "eu-mad" });
    await s3.send(new PutObjectCommand({ Bucket: out.bucket, Key: "precious.txt", Body: "data" }));
    s3.destroy();
    await s.config("bucketName", `moved-${process.pid}`);
    const r = await s.upFails();
    assert.notEqual(r.code, 0);
    assert.match(r.output, /ReplacementWouldDestroyData/);
    assert.match(r.output, /forceDestroy/);
    const still = await control(os).get(`/v1/buckets/${out.bucket}`);
    assert.equal(still.status, 200);
    assert.equal(still.body.objectCount, 1);
    await s.config("bucketName", `keep-${process.pid}`);
    await s.ok(["destroy", "--yes", "--skip-preview"]).catch(() => undefined); // non-empty: refused, cleaned below
    await control(os).delete(`/v1/buckets/${out.bucket}?force=true`);
  });

  it("legal hold: a new key on a held bucket fails with LegalHoldActive and what to do; lifting the hold lets it through", async () => {
    const s = await engine().project("legal-hold", PROGRAM).stack("dev", { endpoint: os.controlUrl, token: os.token, config: { legalHold: "true" } });
    const r = await s.upFails();
    assert.notEqual(r.code, 0);
    assert.match(r.output, /LegalHoldActive/);
    assert.match(r.output, /set `legalHold: false`, run `pulumi up`/);
    await s.config("legalHold", "false");
    await s.up();
    await s.destroy();
  });

  it("`pulumi import` of a dynamic AccessKey is refused by the engine; `adopt` brings the same key under management", async () => {
    const b = await control(os).post("/v1/buckets", { name: `legacy-${process.pid}` });
    assert.equal(b.status, 201);
    const k = await control(os).post(`/v1/buckets/legacy-${process.pid}/access-keys`, { label: "legacy-app" });
    const p = engine().project("import", `
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const config = new pulumi.Config();
const id = config.get("adoptId");
const key = id ? new otter.AccessKey("legacy", { bucket: "legacy-${process.pid}", label: "legacy-app", adopt: { accessKeyId: id, secretAccessKey: config.requireSecret("adoptSecret") } }) : undefined;
exports.accessKeyId = key && key.accessKeyId;
exports.secretAccessKey = key && key.secretAccessKey;
`);
    const s = await p.stack("dev", { endpoint: os.controlUrl, token: os.token });
    const imp = await s.run(["import", "pulumi-nodejs:dynamic/otterstorage:AccessKey", "legacy", k.body.accessKeyId, "--yes"]);
    assert.notEqual(imp.code, 0, imp.output);
    fs.writeFileSync(path.join(p.dir, "import-output.txt"), imp.output); // what the user sees, kept for docs/engine.md
    // The engine's Read reaches the dynamic-provider host without the serialized provider (an import has no
    // program inputs), and the host fails on it: the user sees this, not an imported key.
    assert.match(imp.output, /code must be a string, not undefined/);

    await s.config("adoptId", k.body.accessKeyId);
    await s.config("adoptSecret", k.body.secretAccessKey, true);
    const up = await s.up();
    assert.match(up.stdout, /AccessKey legacy created/);
    const out = await s.outputs(true);
    assert.equal(out.accessKeyId, k.body.accessKeyId, "the existing key, not a new one");
    assert.equal(out.secretAccessKey, k.body.secretAccessKey);
    const quiet = await s.preview(["--expect-no-changes"]);
    assert.equal(quiet.code, 0, `adoption settles in one up:\n${quiet.output}`);
    const exported = (await s.export()).text + fs.readFileSync(path.join(p.dir, "Pulumi.dev.yaml"), "utf8");
    assert.ok(!exported.includes(k.body.secretAccessKey), "the adopt secret is never in plaintext in state or config");
    const keys = (await control(os).get(`/v1/buckets/legacy-${process.pid}/access-keys`)).body.accessKeys;
    assert.equal(keys.length, 1, "no second key was issued");
  });
});
