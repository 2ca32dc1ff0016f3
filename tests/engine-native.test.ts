/**
 * The native plugin `pulumi-resource-otterstorage` under the real engine, in every language it serves: the
 * environments example in YAML, Python and Go (create, use with the AWS CLI, rotate, refresh after an out-of-band
 * revoke, destroy), found the three ways users install a plugin (on PATH; a project's `plugins:`; `pulumi plugin
 * install --file` of the tarball the build makes), two accounts in one program through explicit providers, and
 * `pulumi import` of a bucket.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startOtterStorage, type OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { REPO_ROOT } from "./support/host";
import { awsPut, environmentsScenario, languageHost, pinPluginInProject, PLUGIN_DIR } from "./support/native";
import { useEngine } from "./support/pulumi";

const PYTHON_VENV = path.join(REPO_ROOT, ".tools", "python");
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { findTofu, workspace } from "./opentofu-support";
import { s3Answer, s3For } from "./support/s3";
import { skipBecause } from "./support/skip";

/**
 * In a describe(): a Local OtterStorage for the suite (started in before(), stopped after), or the suite reported as
 * skipped when the language's host (and, for Python, its environment) is missing. The answer stands for the running
 * service inside it() (a view onto the instance the hook started).
 */
function useServiceFor(lang?: "yaml" | "python" | "go"): OtterStorage {
  let current: OtterStorage | undefined;
  before(async function () {
    if (lang) {
      const host = languageHost(lang);
      if ("missing" in host) return skipBecause(this, host.missing);
    }
    if (lang === "python" && !fs.existsSync(path.join(PYTHON_VENV, "bin", "python"))) {
      return skipBecause(this, "no Python environment with pulumi and the generated SDK: run scripts/setup-python.sh");
    }
    current = await startOtterStorage({ memory: true });
  });
  after(async () => current?.stop());
  return new Proxy({} as OtterStorage, {
    get: (_t, k) => {
      if (!current) throw new Error("useServiceFor: use the service inside it()");
      return (current as unknown as Record<string | symbol, unknown>)[k];
    },
  });
}

describe("engine: native plugin — YAML", function () {
  this.timeout(600_000);
  const engine = useEngine();
  const os = useServiceFor("yaml");

  it("examples/yaml: up, the keys work with the AWS CLI, rotation (new before old), refresh after a revoke, destroy (plugin from the project's `plugins:`)", async () => {
    const project = engine().copy(path.join(REPO_ROOT, "examples", "yaml"));
    pinPluginInProject(project.dir);
    await environmentsScenario(project, os, engine().scratch("yaml-"));
  });

  it("two accounts in one program: an explicit Provider per account, each key refused by the other account (plugin on PATH)", async () => {
    const staging = await startOtterStorage({ memory: true });
    try {
      const project = engine().copy(path.join(REPO_ROOT, "examples", "yaml"), { env: { PATH: `${PLUGIN_DIR}${path.delimiter}${process.env.PATH}` } });
      fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), TWO_ACCOUNTS);
      const stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token, config: { stagingEndpoint: staging.controlUrl }, secrets: { stagingToken: staging.token } });
      await stack.up();
      const o = await stack.outputs(true);
      const prodKey = { accessKeyId: o.prodKey.accessKeyId, secretAccessKey: o.prodKey.secretAccessKey };
      const stagingKey = { accessKeyId: o.stagingKey.accessKeyId, secretAccessKey: o.stagingKey.secretAccessKey };
      assert.equal(await s3Answer({ ...prodKey, endpoint: os.s3Url }, o.prodBucket), "ok");
      assert.equal(await s3Answer({ ...stagingKey, endpoint: staging.s3Url }, o.stagingBucket), "ok");
      assert.equal(await s3Answer({ ...stagingKey, endpoint: os.s3Url }, o.prodBucket), "InvalidAccessKeyId", "the staging key is unknown to the production account");
      assert.equal(await s3Answer({ ...prodKey, endpoint: staging.s3Url }, o.stagingBucket), "InvalidAccessKeyId");
      assert.deepEqual((await control(staging).get("/v1/buckets")).body.buckets.map((b: { name: string }) => b.name), [o.stagingBucket]);
      const exported = (await stack.export()).text;
      assert.ok(!exported.includes(staging.token) && !exported.includes(os.token), "neither account's token is in the state");
      await stack.destroy();
      assert.deepEqual((await control(staging).get("/v1/buckets")).body.buckets, []);
    } finally {
      await staging.stop();
    }
  });

  it("installed the third way, `pulumi plugin install resource otterstorage <version> --file <tarball>` (the build's tarball): a program with no plugin on PATH or in Pulumi.yaml runs", async () => {
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version as string;
    const tarball = path.join(REPO_ROOT, "dist", `pulumi-resource-otterstorage-v${version}.tar.gz`);
    const project = engine().project("tarball", TARBALL_PROGRAM);
    const install = await project.run(["plugin", "install", "resource", "otterstorage", version, "--file", tarball]);
    assert.equal(install.code, 0, install.output);
    const listed = await project.ok(["plugin", "ls"]);
    assert.match(listed.stdout, new RegExp(`otterstorage\\s+resource\\s+${version.replace(/\./g, "\\.")}`));
    const stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token });
    const up = await stack.up();
    assert.doesNotMatch(up.output, /from \$PATH/, "the plugin came from the plugin cache, not PATH");
    const o = await stack.outputs(true);
    assert.equal(await s3Answer({ accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, endpoint: os.s3Url }, o.bucket), "ok");
    await stack.destroy();
  });

  it("RotatingAccessKey through the plugin: each bump replaces one slot (new before old), the other key keeps working; a jump by two is one step per up", async () => {
    const project = engine().copy(path.join(REPO_ROOT, "examples", "yaml"));
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), ROTATING_PROGRAM);
    pinPluginInProject(project.dir);
    const stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token, config: { generation: "0" } });
    await stack.up();
    const g0 = await stack.outputs(true);
    assert.equal(g0.currentSlot, "a");
    const works = async (k: { accessKeyId: string; secretAccessKey: string }) => s3Answer({ ...k, endpoint: os.s3Url }, g0.bucket);
    assert.equal(await works(g0.current), "ok");
    assert.equal(await works(g0.previous), "ok");
    await stack.config("generation", "1");
    await stack.up();
    const g1 = await stack.outputs(true);
    assert.deepEqual([g1.generation, g1.currentSlot], [1, "b"]);
    assert.equal(g1.previous.accessKeyId, g0.current.accessKeyId, "the key that was current is now previous, still valid");
    assert.equal(await works(g1.current), "ok");
    assert.equal(await works(g1.previous), "ok");
    assert.equal(await works(g0.previous), "InvalidAccessKeyId", "only the slot that became current was replaced");
    await stack.config("generation", "3");
    await stack.up();
    const g2 = await stack.outputs(true);
    assert.equal(g2.generation, 2, "one step per up, whatever the jump");
    assert.equal(g2.previous.accessKeyId, g1.current.accessKeyId);
    assert.equal(await works(g2.previous), "ok");
    assert.equal(g2.environment.AWS_ACCESS_KEY_ID, g2.current.accessKeyId, "ready-to-use forms follow the current key");
    const exported = (await stack.export()).text;
    for (const k of [g0.current, g0.previous, g1.current, g2.current]) assert.ok(!exported.includes(k.secretAccessKey), "no slot secret in plaintext");
    await stack.destroy();
    assert.equal(await works(g2.current), "InvalidAccessKeyId", "destroy revoked the slots");
  });

  it("getTemporaryCredentials (an invoke): fresh secret credentials each run that work for the bucket; a bad argument names it", async () => {
    const project = engine().copy(path.join(REPO_ROOT, "examples", "yaml"));
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), INVOKE_PROGRAM("900"));
    pinPluginInProject(project.dir);
    const stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token });
    await stack.up();
    const o = await stack.outputs(true);
    const s = await stack.outputs(false);
    assert.equal(s.creds, "[secret]");
    const s3 = s3For({ accessKeyId: o.creds.accessKeyId, secretAccessKey: o.creds.secretAccessKey, sessionToken: o.creds.sessionToken, endpoint: o.creds.endpoint, region: o.creds.region });
    await s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: "from-ci.txt", Body: "temporary" }));
    s3.destroy();
    assert.ok(!(await stack.export()).text.includes(o.creds.sessionToken), "the session token is not in the state in plaintext");
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), INVOKE_PROGRAM("60"));
    pinPluginInProject(project.dir);
    const bad = await stack.upFails();
    assert.notEqual(bad.code, 0);
    assert.match(bad.output, /durationSeconds/);
    await stack.destroy();
  });

  it("a missing token fails before anything runs, naming otterstorage:token and how to set it", async () => {
    const project = engine().copy(path.join(REPO_ROOT, "examples", "yaml"));
    pinPluginInProject(project.dir);
    const stack = await project.stack("dev", { endpoint: os.controlUrl });
    const r = await stack.run(["preview"]);
    assert.notEqual(r.code, 0);
    assert.match(r.output, /otterstorage:token/);
    assert.match(r.output, /pulumi config set --secret otterstorage:token/);
    assert.deepEqual((await control(os).get("/v1/buckets")).body.buckets.filter((b: { name: string }) => b.name.startsWith("assets-")), []);
  });

  it("pulumi import of a bucket, then a preview of the program declaring it shows no changes; an access key refuses import pointing to adopt", async () => {
    const name = `imported-${process.pid}`;
    await control(os).post("/v1/buckets", { name, versioning: "Enabled", tags: { team: "data" } });
    const project = engine().copy(path.join(REPO_ROOT, "examples", "yaml"));
    pinPluginInProject(project.dir);
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), IMPORT_PROGRAM(name));
    pinPluginInProject(project.dir);
    const stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token });
    const imp = await stack.run(["import", "otterstorage:index:Bucket", "legacy", name, "--yes", "--generate-code=false"]);
    assert.equal(imp.code, 0, imp.output);
    const preview = await stack.preview(["--expect-no-changes"]);
    assert.equal(preview.code, 0, preview.output);
    const key = (await control(os).post<{ accessKeyId: string }>(`/v1/buckets/${name}/access-keys`, { label: "old" })).body;
    const refused = await stack.run(["import", "otterstorage:index:AccessKey", "old", key.accessKeyId, "--yes", "--generate-code=false"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /AccessKeyNotImportable/);
    assert.match(refused.output, /adopt/);
    await stack.ok(["state", "delete", (await stack.resources("Bucket"))[0].urn, "--yes", "--force"]);
    await control(os).delete(`/v1/buckets/${name}?force=true`);
  });
});

/** A Node program on the plugin's type tokens (what a generated SDK registers), with no package of ours. */
const TARBALL_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const b = new pulumi.CustomResource("otterstorage:index:Bucket", "data", { forceDestroy: true, name: undefined });
const k = new pulumi.CustomResource("otterstorage:index:AccessKey", "ci", { bucket: b.name, label: "ci-deploy", accessKeyId: undefined, secretAccessKey: undefined });
exports.bucket = b.name;
exports.accessKeyId = k.accessKeyId;
exports.secretAccessKey = k.secretAccessKey;
`;

const ROTATING_PROGRAM = `name: rotating
runtime: yaml
config:
  generation:
    type: integer
resources:
  data:
    type: otterstorage:index:Bucket
    properties:
      forceDestroy: true
  deploy:
    type: otterstorage:index:RotatingAccessKey
    properties:
      bucket: \${data.name}
      label: ci-deploy
      rotationTrigger: \${generation}
outputs:
  bucket: \${data.name}
  generation: \${deploy.generation}
  currentSlot: \${deploy.currentSlot}
  current: \${deploy.current}
  previous: \${deploy.previous}
  environment: \${deploy.environment}
`;

const INVOKE_PROGRAM = (seconds: string) => `name: invoke
runtime: yaml
resources:
  data:
    type: otterstorage:index:Bucket
    properties:
      forceDestroy: true
variables:
  creds:
    fn::invoke:
      function: otterstorage:index:getTemporaryCredentials
      arguments:
        bucket: \${data.name}
        durationSeconds: ${seconds}
outputs:
  bucket: \${data.name}
  creds: \${creds}
`;

const TWO_ACCOUNTS = `name: two-accounts
runtime: yaml
config:
  stagingEndpoint:
    type: string
  stagingToken:
    type: string
    secret: true
resources:
  staging:
    type: pulumi:providers:otterstorage
    properties:
      endpoint: \${stagingEndpoint}
      token: \${stagingToken}
  prod-data:
    type: otterstorage:index:Bucket
    properties:
      forceDestroy: true
  prod-key:
    type: otterstorage:index:AccessKey
    properties:
      bucket: \${prod-data.name}
      label: app-web
  staging-data:
    type: otterstorage:index:Bucket
    properties:
      forceDestroy: true
    options:
      provider: \${staging}
  staging-key:
    type: otterstorage:index:AccessKey
    properties:
      bucket: \${staging-data.name}
      label: app-web
    options:
      provider: \${staging}
outputs:
  prodBucket: \${prod-data.name}
  stagingBucket: \${staging-data.name}
  prodKey:
    accessKeyId: \${prod-key.accessKeyId}
    secretAccessKey: \${prod-key.secretAccessKey}
  stagingKey:
    accessKeyId: \${staging-key.accessKeyId}
    secretAccessKey: \${staging-key.secretAccessKey}
`;

const IMPORT_PROGRAM = (name: string) => `name: import-bucket
runtime: yaml
resources:
  legacy:
    type: otterstorage:index:Bucket
    properties:
      name: ${name}
      versioning: Enabled
      tags:
        team: data
`;

describe("engine: native plugin — Python", function () {
  this.timeout(900_000);
  const engine = useEngine();
  const os = useServiceFor("python");

  it("examples/python: up, the keys work with the AWS CLI, rotation (new before old), refresh after a revoke, destroy (plugin on PATH)", async () => {
    // The v3.79 Python host ignores Pulumi.yaml's runtime options: the venv is activated the classic way.
    const env = { VIRTUAL_ENV: PYTHON_VENV, PATH: [path.join(PYTHON_VENV, "bin"), PLUGIN_DIR, process.env.PATH].join(path.delimiter) };
    const project = engine().copy(path.join(REPO_ROOT, "examples", "python"), { env });
    await environmentsScenario(project, os, engine().scratch("python-"));
  });
});

describe("engine: native plugin — Go", function () {
  this.timeout(900_000);
  const engine = useEngine();
  const os = useServiceFor("go");

  it("examples/go: up, the keys work with the AWS CLI, rotation (new before old), refresh after a revoke, destroy (plugin from `pulumi plugin install --file`)", async () => {
    const project = engine().copy(path.join(REPO_ROOT, "examples", "go"));
    // The copy lives elsewhere: point the SDK's replace at this checkout's sdks/go.
    const gomod = path.join(project.dir, "go.mod");
    fs.writeFileSync(gomod, fs.readFileSync(gomod, "utf8").replace(/=> \.\.\/\.\.\/sdks\/go/, `=> ${path.join(REPO_ROOT, "sdks", "go")}`));
    const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version as string;
    await project.ok(["plugin", "install", "resource", "otterstorage", version, "--file", path.join(REPO_ROOT, "dist", `pulumi-resource-otterstorage-v${version}.tar.gz`)]);
    await environmentsScenario(project, os, engine().scratch("go-"));
  });
});

describe("engine: native plugin and dynamic provider — parity", function () {
  this.timeout(600_000);
  const engine = useEngine();
  const os = useServiceFor();

  it("the same inputs through the dynamic provider, the plugin and the OpenTofu provider give the same outputs (names, ids, secrets and times aside)", async () => {
    const project = engine().project("parity", PARITY_PROGRAM, {}, { env: { PATH: `${PLUGIN_DIR}${path.delimiter}${process.env.PATH}` } });
    const stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token });
    await stack.up();
    const state = (await stack.export()).deployment.resources as { type: string; urn: string; outputs: Record<string, unknown> }[];
    const byName = (n: string) => state.find((r) => r.urn.endsWith(`::${n}`))!;
    const varying = new Set(["name", "bucket", "accessKeyId", "secretAccessKey", "createdAt", "__provider", "__autoName", "__logicalName"]);
    const comparable = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !varying.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)));
    for (const [dyn, nat] of [["dyn-bucket", "nat-bucket"], ["dyn-key", "nat-key"]]) {
      assert.match(byName(dyn).type, /^pulumi-nodejs:dynamic\/otterstorage:/);
      assert.match(byName(nat).type, /^otterstorage:index:/);
      assert.deepEqual(comparable(byName(nat).outputs), comparable(byName(dyn).outputs), `${dyn} and ${nat} differ`);
    }
    const outs = await stack.outputs(true);
    assert.equal(await s3Answer({ accessKeyId: outs.dynKey.accessKeyId, secretAccessKey: outs.dynKey.secretAccessKey, endpoint: os.s3Url }, outs.dynBucket), "ok");
    assert.equal(await s3Answer({ accessKeyId: outs.natKey.accessKeyId, secretAccessKey: outs.natKey.secretAccessKey, endpoint: os.s3Url }, outs.natBucket), "ok");

    // The third host: OpenTofu through terraform-provider-otterstorage, same inputs, the same attributes in snake_case.
    const tofu = findTofu();
    if (!("missing" in tofu)) {
      const w = workspace(tofu, "parity", { "main.tf": PARITY_TF }, os);
      await w.ok(["init"]);
      await w.ok(["apply", "-auto-approve"]);
      const tfState = JSON.parse(w.state()) as { resources: { type: string; instances: { attributes: Record<string, unknown> }[] }[] };
      const attrs = (type: string) => tfState.resources.find((r) => r.type === type)!.instances[0].attributes;
      const camel = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v]));
      for (const [type, pulumiName] of [["otterstorage_bucket", "nat-bucket"], ["otterstorage_access_key", "nat-key"]]) {
        const ours = comparable(byName(pulumiName).outputs);
        const theirs = camel(attrs(type));
        // Compare what both hold: every Pulumi output with the same value in the OpenTofu state.
        for (const [k, v] of Object.entries(ours)) assert.deepEqual(deepCamel(theirs[k]) ?? null, v ?? null, `${type}.${k}`);
      }
      await w.ok(["destroy", "-auto-approve"]);
    }
    await stack.destroy();
  });
});

/** Nested OpenTofu objects in camelCase, nulls dropped (what the Pulumi outputs hold). */
function deepCamel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCamel);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), deepCamel(x)]));
  }
  return v;
}

const PARITY_TF = `
terraform {
  required_providers {
    otterstorage = { source = "otterstorage/otterstorage" }
  }
}
resource "otterstorage_bucket" "data" {
  versioning    = "Enabled"
  storage_class = "SSD"
  tags          = { team = "data" }
  force_destroy = true
  lifecycle_rules = [{ id = "tmp", prefix = "tmp/", expiration_days = 7 }]
}
resource "otterstorage_access_key" "ci" {
  bucket            = otterstorage_bucket.data.name
  label             = "ci-deploy"
  rotation_trigger  = "2026-q4"
  rotate_after_days = 90
  readiness         = { timeout_seconds = 30 }
}
`;

/** Bucket and AccessKey twice, with the same inputs: through the dynamic SDK and through the plugin's type tokens. */
const PARITY_PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const otter = require("pulumi-otterstorage");
const native = (type, outputs) => class extends pulumi.CustomResource {
  constructor(name, args, opts) { super("otterstorage:index:" + type, name, { ...Object.fromEntries(outputs.map((k) => [k, undefined])), ...args }, opts); }
};
const NativeBucket = native("Bucket", ["name", "region", "storageClass", "versioning", "objectLock", "legalHold", "lifecycleRules", "tags", "forceDestroy", "endpoint", "createdAt"]);
const NativeKey = native("AccessKey", ["accessKeyId", "secretAccessKey", "bucket", "label", "endpoint", "region", "createdAt", "rotationTrigger", "rotateAfterDays", "readiness", "profileName"]);
const bucketArgs = { versioning: "Enabled", storageClass: "SSD", tags: { team: "data" }, lifecycleRules: [{ id: "tmp", prefix: "tmp/", expirationDays: 7 }], forceDestroy: true };
const keyArgs = (bucket) => ({ bucket, label: "ci-deploy", rotationTrigger: "2026-q4", rotateAfterDays: 90, readiness: { timeoutSeconds: 30 } });
const db = new otter.Bucket("dyn-bucket", bucketArgs);
const nb = new NativeBucket("nat-bucket", bucketArgs);
const dk = new otter.AccessKey("dyn-key", keyArgs(db.name));
const nk = new NativeKey("nat-key", keyArgs(nb.name));
exports.dynBucket = db.name;
exports.natBucket = nb.name;
exports.dynKey = { accessKeyId: dk.accessKeyId, secretAccessKey: dk.secretAccessKey };
exports.natKey = { accessKeyId: nk.accessKeyId, secretAccessKey: nk.secretAccessKey };
`;

describe("engine: moving a stack from the dynamic provider to the plugin", function () {
  this.timeout(600_000);
  const engine = useEngine();
  const os = useServiceFor("yaml");

  it("state delete + import the bucket + adopt the key: no key issued or revoked, the data stays, the key keeps working", async () => {
    const bucketName = `move-${process.pid}`;
    const dynamic = engine().project("move", MOVE_DYNAMIC(bucketName));
    const stack = await dynamic.stack("dev", { endpoint: os.controlUrl, token: os.token });
    await stack.up();
    const before = await stack.outputs(true);
    const s3key = { accessKeyId: before.accessKeyId, secretAccessKey: before.secretAccessKey, endpoint: os.s3Url };
    assert.equal(await s3Answer(s3key, bucketName), "ok");
    const scratch = engine().scratch("move-");
    assert.equal(await awsPut(os.s3Url, bucketName, s3key, scratch), "ok");
    // 1. Forget the dynamic resources (nothing is deleted in OtterStorage), key first: it depends on the bucket.
    for (const type of ["AccessKey", "Bucket"]) await stack.ok(["state", "delete", (await stack.resources(type))[0].urn, "--yes"]);
    // 2. The same stack, now a program on the plugin: the bucket imported, the key adopted with its secret.
    fs.writeFileSync(path.join(dynamic.dir, "Pulumi.yaml"), MOVE_NATIVE(bucketName));
    pinPluginInProject(dynamic.dir);
    await stack.config("adoptSecret", before.secretAccessKey, true);
    await stack.config("adoptId", before.accessKeyId);
    await stack.up();
    const after = await stack.outputs(true);
    assert.equal(after.accessKeyId, before.accessKeyId, "the key was adopted, not re-issued");
    assert.equal(await s3Answer(s3key, bucketName), "ok", "the key still works");
    assert.equal((await control(os).get(`/v1/buckets/${bucketName}`)).body.objectCount, 1, "the object is still there");
    const keys = (await control(os).get(`/v1/buckets/${bucketName}/access-keys`)).body.accessKeys;
    assert.equal(keys.length, 1, "no key was issued");
    const types = (await stack.resources()).map((r: { type: string }) => r.type).filter((t: string) => t.includes("otterstorage"));
    assert.deepEqual(types.sort(), ["otterstorage:index:AccessKey", "otterstorage:index:Bucket", "pulumi:providers:otterstorage"]);
    assert.equal((await stack.preview(["--expect-no-changes"])).code, 0);
    // The bucket holds data and has no forceDestroy: destroy refuses it, as it should. Empty it, then destroy.
    assert.notEqual((await stack.run(["destroy", "--yes", "--skip-preview"])).code, 0);
    await control(os).delete(`/v1/buckets/${bucketName}?force=true`);
    await stack.destroy();
  });
});

const MOVE_DYNAMIC = (bucket: string) => `
const otter = require("pulumi-otterstorage");
const b = new otter.Bucket("media", { name: "${bucket}", tags: { team: "data" } });
const k = new otter.AccessKey("ci", { bucket: b.name, label: "ci-deploy" });
exports.accessKeyId = k.accessKeyId;
exports.secretAccessKey = k.secretAccessKey;
`;

const MOVE_NATIVE = (bucket: string) => `name: move
runtime: yaml
config:
  adoptId:
    type: string
  adoptSecret:
    type: string
    secret: true
resources:
  media:
    type: otterstorage:index:Bucket
    properties:
      name: ${bucket}
      tags:
        team: data
    options:
      import: ${bucket}
  ci:
    type: otterstorage:index:AccessKey
    properties:
      bucket: \${media.name}
      label: ci-deploy
      adopt:
        accessKeyId: \${adoptId}
        secretAccessKey: \${adoptSecret}
outputs:
  accessKeyId: \${ci.accessKeyId}
  secretAccessKey: \${ci.secretAccessKey}
`;
