/**
 * Access keys under the real Pulumi engine (CLI + file backend + passphrase secrets) against Local OtterStorage:
 * rotation by trigger, by age on the service clock, two-slot rotation, drift repair, refresh failures, and what
 * ends up in state. Each test is its own project and stack; the provider gets endpoint and token from stack config
 * (`otterstorage:endpoint`, `otterstorage:token` as a secret), as the README tells users to set them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ManualClock, startOtterStorage, OtterStorage } from "otterstorage-local";
import { flakyProxy } from "./support/host-scenario";
import { control } from "./support/emulator";
import { useEngine, Stack } from "./support/pulumi";
import { s3Answer as answer } from "./support/s3";

const DAY = 86_400_000;
let service: OtterStorage;

/** What S3 says to a key (signed on the service clock, which these tests move): "ok", or the error code. */
const s3Answer = (accessKeyId: string, secretAccessKey: string, endpoint: string, bucket: string) => answer({ accessKeyId, secretAccessKey, endpoint }, bucket, service);

const KEY_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const config = new pulumi.Config();
const bucket = new otter.Bucket("data", { forceDestroy: true });
const key = new otter.AccessKey("app", {
  bucket: bucket.name,
  label: "app-web",
  rotationTrigger: config.get("trigger"),
  rotateAfterDays: config.getNumber("rotateAfterDays"),
});
exports.bucket = bucket.name;
exports.endpoint = key.endpoint;
exports.accessKeyId = key.accessKeyId;
exports.secretAccessKey = key.secretAccessKey;
exports.environment = key.environment;
exports.awsProfile = key.awsProfile;
`;

const ROTATING_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const config = new pulumi.Config();
const bucket = new otter.Bucket("data", { forceDestroy: true });
const key = new otter.RotatingAccessKey("deploy", { bucket: bucket.name, label: "ci-deploy", rotationTrigger: config.getNumber("generation") || 0 });
exports.bucket = bucket.name;
exports.current = key.current;
exports.previous = key.previous;
exports.environment = key.environment;
`;

describe("engine: access keys (rotation, drift, secrets)", function () {
  this.timeout(600_000);
  const engine = useEngine();
  let os: OtterStorage;
  let clock: ManualClock;
  before(async () => {
    clock = new ManualClock();
    os = service = await startOtterStorage({ memory: true, clock });
  });
  after(() => os?.stop());

  async function stack(name: string, program: string, config: Record<string, string> = {}, endpoint?: string): Promise<Stack> {
    const p = engine().project(name, program);
    return p.stack("dev", { endpoint: endpoint ?? os.controlUrl, token: os.token, config });
  }
  const keyStatus = async (bucket: string, id: string) => {
    const r = await control(os).get(`/v1/buckets/${bucket}/access-keys/${id}`);
    return r.status === 404 ? "absent" : r.body.status;
  };

  it("rotationTrigger: the replacement is created before the old key is deleted; dependents move to the new key; the old key is refused", async () => {
    const s = await stack("rotate-trigger", KEY_PROGRAM, { trigger: "1" });
    await s.up();
    const before = await s.outputs(true);
    assert.equal(await s3Answer(before.accessKeyId, before.secretAccessKey, before.endpoint, before.bucket), "ok");

    await s.config("trigger", "2");
    const preview = await s.preview();
    assert.match(preview.stdout, /\+-pulumi-nodejs:dynamic\/otterstorage:AccessKey: \(replace\)/);
    assert.match(preview.stdout, /~ rotationTrigger: "1" => "2"/);
    assert.match(preview.stdout, /\+-1 to replace/);
    const up = await s.up();
    const out = up.stdout;
    const created = out.search(/AccessKey app creating replacement/);
    const deleted = out.search(/AccessKey app deleting original/);
    assert.ok(created >= 0 && deleted > created, `create-before-delete order in:\n${out}`);
    assert.match(out, /1 replaced/);

    const after = await s.outputs(true);
    assert.notEqual(after.accessKeyId, before.accessKeyId);
    assert.equal(await s3Answer(after.accessKeyId, after.secretAccessKey, after.endpoint, after.bucket), "ok");
    assert.equal(await s3Answer(before.accessKeyId, before.secretAccessKey, before.endpoint, before.bucket), "InvalidAccessKeyId");
    assert.equal(await keyStatus(before.bucket, before.accessKeyId), "absent");
    assert.equal(after.environment.AWS_ACCESS_KEY_ID, after.accessKeyId, "the env map moved to the new key");
    assert.equal(after.environment.AWS_SECRET_ACCESS_KEY, after.secretAccessKey);
    assert.match(JSON.stringify(after.awsProfile), new RegExp(after.accessKeyId), "the profile moved to the new key");
    assert.doesNotMatch(JSON.stringify(after.awsProfile), new RegExp(before.accessKeyId));
    await s.destroy();
  });

  it("rotateAfterDays: no change at 29 days; at 30 days on the service clock `pulumi up` replaces the key, create-before-delete", async () => {
    const s = await stack("rotate-age", KEY_PROGRAM, { rotateAfterDays: "30" });
    await s.up();
    const before = await s.outputs(true);
    clock.advance(29 * DAY);
    const quiet = await s.preview(["--expect-no-changes"]);
    assert.equal(quiet.code, 0, quiet.output);
    clock.advance(1 * DAY);
    const up = await s.up();
    assert.ok(up.stdout.search(/creating replacement/) < up.stdout.search(/deleting original/), up.stdout);
    const after = await s.outputs(true);
    assert.notEqual(after.accessKeyId, before.accessKeyId);
    assert.equal(await s3Answer(after.accessKeyId, after.secretAccessKey, after.endpoint, after.bucket), "ok");
    assert.equal(await s3Answer(before.accessKeyId, before.secretAccessKey, before.endpoint, before.bucket), "InvalidAccessKeyId");
    const steady = await s.preview(["--expect-no-changes"]);
    assert.equal(steady.code, 0, `a fresh key does not rotate again:\n${steady.output}`);
    await s.destroy();
  });

  it("RotatingAccessKey over three rotations: each up replaces one slot; the previous key keeps working until the next rotation", async () => {
    const s = await stack("rotate-slots", ROTATING_PROGRAM, { generation: "0" });
    await s.up();
    let prev = (await s.outputs(true)).current;
    for (const gen of [1, 2, 3]) {
      await s.config("generation", String(gen));
      const up = await s.up();
      assert.match(up.stdout, /1 replaced/, `generation ${gen} replaces exactly one key:\n${up.stdout}`);
      const out = await s.outputs(true);
      assert.notEqual(out.current.accessKeyId, prev.accessKeyId);
      assert.equal(out.previous.accessKeyId, prev.accessKeyId, "the previous current key is now `previous`");
      assert.equal(await s3Answer(out.current.accessKeyId, out.current.secretAccessKey, out.current.endpoint, out.bucket), "ok");
      assert.equal(await s3Answer(prev.accessKeyId, prev.secretAccessKey, prev.endpoint, out.bucket), "ok", `generation ${gen}: the previous key still works`);
      assert.equal(out.environment.AWS_ACCESS_KEY_ID, out.current.accessKeyId);
      prev = out.current;
    }
    await s.destroy();
  });

  it("drift: a key revoked out of band is re-issued by `pulumi up --refresh`", async () => {
    const s = await stack("drift", KEY_PROGRAM);
    await s.up();
    const before = await s.outputs(true);
    const revoke = await control(os).delete(`/v1/buckets/${before.bucket}/access-keys/${before.accessKeyId}`);
    assert.equal(revoke.status, 204);
    const up = await s.up(["--refresh"]);
    assert.match(up.stdout, /1 created/);
    const after = await s.outputs(true);
    assert.notEqual(after.accessKeyId, before.accessKeyId);
    assert.equal(await s3Answer(after.accessKeyId, after.secretAccessKey, after.endpoint, after.bucket), "ok");
    await s.destroy();
  });

  it("a refresh that meets a failing service fails, and the state is kept as it was", async () => {
    const proxy = await flakyProxy(os.controlUrl);
    try {
      const s = await stack("refresh-500", KEY_PROGRAM, {}, proxy.url);
      await s.up();
      const before = (await s.resources("AccessKey"))[0];
      const secretsBefore = await s.outputs(true);
      proxy.failNext(1_000_000);
      const r = await s.run(["refresh", "--yes", "--skip-preview"], { env: { OTTERSTORAGE_MAX_ATTEMPTS: "2", OTTERSTORAGE_RETRY_BASE_MS: "10" } });
      assert.notEqual(r.code, 0);
      assert.match(r.output, /500 InternalError/);
      proxy.failNext(0);
      const after = (await s.resources("AccessKey"))[0];
      assert.deepEqual(after.outputs.accessKeyId, before.outputs.accessKeyId);
      // The engine re-encrypts secrets whenever it writes a checkpoint, so compare what they decrypt to.
      const plain = (o: any) => ({ ...o, secretAccessKey: undefined });
      assert.deepEqual(plain(after.outputs), plain(before.outputs), "the stored outputs are unchanged");
      const out = await s.outputs(true);
      assert.deepEqual(out, secretsBefore, "the secret in state is the same key's secret");
      assert.equal(await s3Answer(out.accessKeyId, out.secretAccessKey, out.endpoint, out.bucket), "ok", "nothing was revoked");
      assert.equal((await s.run(["refresh", "--yes", "--skip-preview", "--expect-no-changes"])).code, 0, "and a later refresh finds nothing changed");
      await s.destroy();
    } finally {
      await proxy.close();
    }
  });

  it("secrets: no secret key and no account token in plaintext in `pulumi stack export` or the state files; `stack output` shows [secret]", async () => {
    const s = await stack("secrets", KEY_PROGRAM);
    await s.up();
    const out = await s.outputs(true);
    const exported = (await s.export()).text;
    const files: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : files.push(path.join(d, e.name))));
    walk(s.project.stateDir!);
    walk(s.project.dir); // Pulumi.dev.yaml holds the token, encrypted
    const texts = [exported, ...files.map((f) => fs.readFileSync(f).toString("latin1"))];
    for (const [what, secret] of [["secret key", out.secretAccessKey], ["account token", os.token]]) {
      for (const t of texts) {
        assert.ok(!t.includes(secret), `${what} found in plaintext`);
        assert.ok(!t.includes(Buffer.from(secret).toString("base64")), `${what} found base64-encoded`);
      }
    }
    assert.match(exported, /"secretAccessKey":\s*\{\s*"4dabf18193072939515e22adb298388d":\s*"1b47061264138c4ac30d75fd1eb44270",\s*"ciphertext"/);
    const shown = await s.ok(["stack", "output"]);
    assert.match(shown.stdout, /secretAccessKey\s+\[secret\]/);
    assert.match(shown.stdout, /environment\s+\[secret\]/);
    await s.destroy();
  });
});
