/**
 * Bad input through a real OpenTofu: each mistake is a diagnostic naming the argument and what to do, and nothing is
 * created. Also: an access key imported by id (the service never shows its secret again) says so and points to
 * `adopt`, which then stores the secret without rotating the key.
 */
import * as assert from "node:assert/strict";
import { startOtterStorage, type OtterStorage } from "otterstorage-local";
import { KeyGate } from "otterstorage-local/dist/keyDelay";
import { useEmulator, control } from "./support/emulator";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { s3For, tryHead } from "./credentials-support";
import { flat, workspace, useTofu } from "./opentofu-support";

const HEADER = 'terraform {\n  required_providers {\n    otterstorage = { source = "otterstorage/otterstorage" }\n  }\n}\n\nprovider "otterstorage" {}\n\n';

describe("OpenTofu: bad input is a clear diagnostic and creates nothing", function () {
  this.timeout(300_000);
  const emu = useEmulator();
  const tofu = useTofu();

  const nothingCreated = async () => {
    assert.deepEqual((await control(emu()).get("/v1/buckets")).body.buckets, []);
  };

  it("an unknown argument is refused by name before anything is created", async function () {
    const w = workspace(tofu(), "unknown-arg", { "main.tf": HEADER + 'resource "otterstorage_bucket" "b" {\n  name   = "bad-input-one"\n  colour = "red"\n}\n' }, emu());
    await w.ok(["init"]);
    const r = await w.ok(["apply", "-auto-approve"], 1);
    assert.match(flat(r.stderr), /Unsupported argument/);
    assert.match(flat(r.stderr), /An argument named "colour" is not expected here\./);
    await nothingCreated();
  });

  it("a 65-character label is refused naming `label` and the limit, and neither the bucket nor the key is created", async function () {
    const label = "x".repeat(65);
    const w = workspace(tofu(), "long-label", {
      "main.tf": HEADER + `resource "otterstorage_bucket" "b" {\n  name = "bad-input-two"\n}\n\nresource "otterstorage_access_key" "k" {\n  bucket = otterstorage_bucket.b.name\n  label  = "${label}"\n}\n`,
    }, emu());
    await w.ok(["init"]);
    const r = await w.ok(["apply", "-auto-approve"], 1);
    assert.match(flat(r.stderr), /Invalid value for label/);
    assert.match(flat(r.stderr), /label must be at most 64 characters/);
    assert.match(flat(r.stderr), /with otterstorage_access_key\.k/);
    await nothingCreated();
  });

  it("a missing token names the `token` argument and OTTERSTORAGE_TOKEN, and nothing is created", async function () {
    const w = workspace(tofu(), "no-token", {
      "main.tf": 'terraform {\n  required_providers {\n    otterstorage = { source = "otterstorage/otterstorage" }\n  }\n}\n\n' +
        `provider "otterstorage" {\n  endpoint = "${emu().controlUrl}"\n}\n\nresource "otterstorage_bucket" "b" {\n  name = "bad-input-three"\n}\n`,
    });
    await w.ok(["init"]);
    const r = await w.ok(["apply", "-auto-approve"], 1);
    assert.match(flat(r.stderr), /Missing provider argument "token"/);
    assert.match(flat(r.stderr), /set the `token` argument of the provider block, or OTTERSTORAGE_TOKEN/);
    await nothingCreated();
  });

  it("an access key imported by id has no secret: import and plan say so and point to `adopt`, which stores it in place", async function () {
    const api = control(emu());
    assert.equal((await api.post("/v1/buckets", { name: "imported-keys" })).status, 201);
    const key = (await api.post("/v1/buckets/imported-keys/access-keys", { label: "legacy" })).body as { accessKeyId: string; secretAccessKey: string };
    const resource = (extra: string) => HEADER + `resource "otterstorage_access_key" "legacy" {\n  bucket = "imported-keys"\n  label  = "legacy"\n${extra}}\n`;
    const w = workspace(tofu(), "import-key", { "main.tf": resource("") }, emu());
    await w.ok(["init"]);
    const imp = await w.ok(["import", "otterstorage_access_key.legacy", `imported-keys/${key.accessKeyId}`]);
    assert.match(flat(imp.stdout + imp.stderr), /Imported access key has no secret/);
    assert.match(flat(imp.stdout + imp.stderr), /adopt = \{ access_key_id/);
    const plan = await w.ok(["plan", "-detailed-exitcode"], 0);
    assert.match(flat(plan.stdout + plan.stderr), new RegExp(`Access key ${key.accessKeyId} has no secret in the state`));

    w.write("main.tf", resource(`  adopt = {\n    access_key_id     = "${key.accessKeyId}"\n    secret_access_key = "${key.secretAccessKey}"\n  }\n`));
    const adopt = await w.ok(["apply", "-auto-approve"]);
    assert.match(adopt.stdout, /Resources: 0 added, 1 changed, 0 destroyed\./);
    const state = JSON.parse(w.state());
    const attrs = state.resources[0].instances[0].attributes;
    assert.equal(attrs.access_key_id, key.accessKeyId, "the same key: adopt does not rotate");
    assert.equal(attrs.secret_access_key, key.secretAccessKey);
    assert.equal(await tryHead({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey, endpoint: emu().s3Url, region: "eu-mad" }, "imported-keys"), 200);
    await w.ok(["plan", "-detailed-exitcode"], 0);
  });

  it("renaming a bucket that holds objects is refused at plan, naming force_destroy, and the bucket and its data stay", async function () {
    const config = (name: string) => HEADER + `resource "otterstorage_bucket" "b" {\n  name = "${name}"\n}\n\nresource "otterstorage_access_key" "k" {\n  bucket = otterstorage_bucket.b.name\n  label  = "writer"\n}\n\n` +
      'output "key" {\n  value     = { id = otterstorage_access_key.k.access_key_id, secret = otterstorage_access_key.k.secret_access_key }\n  sensitive = true\n}\n';
    const w = workspace(tofu(), "keep-data", { "main.tf": config("keep-data") }, emu());
    await w.ok(["init"]);
    await w.ok(["apply", "-auto-approve"]);
    const key = (await w.outputs()).key as { id: string; secret: string };
    const s3 = s3For({ accessKeyId: key.id, secretAccessKey: key.secret, endpoint: emu().s3Url, region: "eu-mad" });
    await s3.send(new PutObjectCommand({ Bucket: "keep-data", Key: "precious.txt", Body: "do not lose me" }));
    s3.destroy();
    w.write("main.tf", config("keep-data-renamed"));
    const r = await w.ok(["apply", "-auto-approve"], 1);
    assert.match(flat(r.stderr), /ReplacementWouldDestroyData/);
    assert.match(flat(r.stderr), /replaces bucket "keep-data", which holds 1 object\(s\)/);
    assert.match(flat(r.stderr), /force_destroy = true/);
    const names = ((await control(emu()).get("/v1/buckets")).body.buckets as { name: string }[]).map((b) => b.name);
    assert.ok(names.includes("keep-data") && !names.includes("keep-data-renamed"), names.join(", "));
    assert.equal((await control(emu()).get("/v1/buckets/keep-data")).body.objectCount, 1);
  });
});

describe("OpenTofu: a key the S3 endpoint does not accept in time is kept, not lost", function () {
  this.timeout(300_000);
  const tofu = useTofu();
  let os: OtterStorage | undefined;
  const gate = new KeyGate();

  before(async function () {
    tofu();
    os = await startOtterStorage({ memory: true, s3KeyGate: gate });
  });
  after(async () => os?.stop());

  it("apply reports KeyNotReady and keeps the key in the state (tainted); the next apply replaces it and revokes the first", async function () {
    const w = workspace(tofu(), "not-ready", {
      "main.tf": HEADER + 'resource "otterstorage_bucket" "b" {\n  name = "slow-keys"\n}\n\nresource "otterstorage_access_key" "k" {\n  bucket    = otterstorage_bucket.b.name\n  label     = "app-web"\n  readiness = { timeout_seconds = 2 }\n}\n',
    }, os!);
    await w.ok(["init"]);
    const r = await w.ok(["apply", "-auto-approve"], 1);
    assert.match(flat(r.stderr), /KeyNotReady/);
    const keys = async () => ((await control(os!).get("/v1/buckets/slow-keys/access-keys")).body.accessKeys as { accessKeyId: string }[]).map((k) => k.accessKeyId);
    const [first] = await keys();
    assert.ok(first, "the key was issued");
    const state = JSON.parse(w.state());
    const instance = state.resources.find((x: { type: string }) => x.type === "otterstorage_access_key").instances[0];
    assert.equal(instance.attributes.access_key_id, first, "the state holds the issued key, so nothing is leaked");
    assert.equal(instance.status, "tainted");

    // The gate holds every key issued while it is in use: let each through as it comes.
    const releaser = setInterval(() => gate.release(), 50);
    const again = await w.ok(["apply", "-auto-approve"]).finally(() => clearInterval(releaser));
    assert.match(again.stdout, /Resources: 1 added, 0 changed, 1 destroyed\./);
    const now = await keys();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], first, "the tainted key was revoked after its replacement was issued");
    await w.ok(["destroy", "-auto-approve"]);
  });
});
