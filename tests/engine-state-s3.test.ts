/**
 * Pulumi state in an OtterStorage bucket (the DIY S3 backend, pkg/backend/diy), against Local OtterStorage:
 * `pulumi login 's3://<bucket>?endpoint=<s3 url>&s3ForcePathStyle=true&region=eu-mad'` with the bucket's own key in
 * AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. Four stacks run `up` at the same time (one PULUMI_HOME each, as CI jobs
 * have), then stack ls, stack export, Pulumi's lock error for a second `up` of a stack that is running, destroy.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { useEngine, Project } from "./support/pulumi";

const PROJECT = "state-on-otterstorage";
/** A bucket and a key per stack; with HOLD_DIR set, the program waits for HOLD_DIR/release (a latch, not a sleep). */
const PROGRAM = `
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const hold = process.env.HOLD_DIR;
if (hold) {
  fs.writeFileSync(path.join(hold, "started"), "");
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!fs.existsSync(path.join(hold, "release"))) Atomics.wait(cell, 0, 0, 50);
}
const bucket = new otter.Bucket("app", { forceDestroy: true, tags: { environment: pulumi.getStack() } });
const key = new otter.AccessKey("app-web", { bucket: bucket.name, label: "app-web" });
exports.bucket = bucket.name;
exports.accessKeyId = key.accessKeyId;
exports.secretAccessKey = key.secretAccessKey;
`;

async function until(cond: () => boolean, what: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("engine: Pulumi state in an OtterStorage bucket", function () {
  this.timeout(900_000);
  const engine = useEngine();
  let os: OtterStorage;
  let backend: string;
  let stateKey: { accessKeyId: string; secretAccessKey: string };
  before(async () => {
    os = await startOtterStorage({ memory: true });
    assert.equal((await control(os).post("/v1/buckets", { name: "pulumi-state", versioning: "Enabled" })).status, 201);
    stateKey = (await control(os).post("/v1/buckets/pulumi-state/access-keys", { label: "pulumi-state" })).body;
    backend = `s3://pulumi-state?endpoint=${encodeURIComponent(os.s3Url)}&s3ForcePathStyle=true&region=eu-mad`;
  });
  after(() => os?.stop());

  function project(): Project {
    return engine().project(PROJECT, PROGRAM, {}, { backend, env: { AWS_ACCESS_KEY_ID: stateKey.accessKeyId, AWS_SECRET_ACCESS_KEY: stateKey.secretAccessKey, AWS_REGION: "eu-mad" } });
  }

  it("runs four stacks at once, lists and exports them, refuses a second up of a running stack with the lock error, destroys all four", async () => {
    const names = ["ci-1", "ci-2", "ci-3", "ci-4"];
    const projects = names.map(() => project());
    const stacks = await Promise.all(names.map((n, i) => projects[i].stack(n, { endpoint: os.controlUrl, token: os.token })));
    const ups = await Promise.all(stacks.map((s) => s.run(["up", "--yes", "--skip-preview"])));
    ups.forEach((r, i) => assert.equal(r.code, 0, `${names[i]}:\n${r.output}`));

    const ls = await projects[0].ok(["stack", "ls", "--all", "--json"]);
    const listed = (JSON.parse(ls.stdout) as { name: string; resourceCount?: number }[]).map((s) => s.name);
    for (const n of names) assert.ok(listed.some((l) => l.endsWith(`/${n}`) || l === n), `${n} in ${listed.join(", ")}`);

    for (const s of stacks) {
      const { deployment, text } = await s.export();
      const keys = deployment.resources.filter((r: any) => r.type.endsWith(":AccessKey"));
      assert.equal(keys.length, 1);
      const out = await s.outputs(true);
      assert.equal(keys[0].outputs.accessKeyId, out.accessKeyId);
      assert.ok(!text.includes(out.secretAccessKey), "the secret is encrypted in the exported state");
    }
    // The checkpoints really are objects in the bucket, readable with the state key only.
    const objects = os.objects.stats("pulumi-state");
    assert.ok(objects.objectCount >= names.length, `state objects in the bucket: ${objects.objectCount}`);

    // Lock: hold ci-1's second up inside its program, then try a third up of ci-1 meanwhile.
    const hold = engine().scratch("hold-");
    const held = stacks[0].run(["up", "--yes", "--skip-preview"], { env: { HOLD_DIR: hold } });
    await until(() => fs.existsSync(path.join(hold, "started")), "the held up to start its program");
    const second = await stacks[0].run(["up", "--yes", "--skip-preview"]);
    assert.notEqual(second.code, 0);
    assert.match(second.output, /the stack is currently locked by 1 lock\(s\)/);
    assert.match(second.output, /pulumi cancel|pulumi stack export|locks/);
    // Other stacks are not locked by it.
    assert.equal((await stacks[1].run(["preview", "--expect-no-changes"])).code, 0);
    fs.writeFileSync(path.join(hold, "release"), "");
    const heldResult = await held;
    assert.equal(heldResult.code, 0, heldResult.output);

    const downs = await Promise.all(stacks.map((s) => s.run(["destroy", "--yes", "--skip-preview"])));
    downs.forEach((r, i) => assert.equal(r.code, 0, `${names[i]}:\n${r.output}`));
    const left = ((await control(os).get("/v1/buckets")).body.buckets as { name: string }[]).map((b) => b.name);
    assert.deepEqual(left, ["pulumi-state"], "only the state bucket is left");
    for (const s of stacks) await s.ok(["stack", "rm", "--yes"]);
    assert.deepEqual(JSON.parse((await projects[0].ok(["stack", "ls", "--all", "--json"])).stdout), []);
  });

  it("refuses the state bucket to a key of another bucket (per-bucket isolation holds for state too)", async () => {
    await control(os).post("/v1/buckets", { name: "other-bucket" });
    const other = (await control(os).post("/v1/buckets/other-bucket/access-keys", { label: "other" })).body;
    const p = engine().project(PROJECT, PROGRAM, {}, { backend, env: { AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey, AWS_REGION: "eu-mad" } });
    const r = await p.run(["stack", "ls", "--all"]);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /AccessDenied|403/);
  });
});
