/**
 * The environments example (examples/opentofu/environments) through a real OpenTofu and the provider it installs
 * offline from the build's filesystem mirror, against Local OtterStorage: init → apply → the keys work with the AWS
 * CLI and only on their own bucket → a plan says no changes → rotation (create_before_destroy) → an out-of-band revoke
 * re-issued by the next apply → import of a bucket → destroy leaves nothing.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { useEmulator, control } from "./support/emulator";
import { keyEnv, run, which } from "./support/cli";
import { skipBecause } from "./support/skip";
import { tryHead } from "./credentials-support";
import { exampleFiles, findTofu, workspace, type Tofu, type Workspace } from "./opentofu-support";

interface KeyOut { access_key_id: string; bucket: string; endpoint: string }

describe("OpenTofu: the environments example plans, applies, rotates, imports and destroys", function () {
  this.timeout(600_000);
  const emu = useEmulator();
  let tofu: Tofu;
  let w: Workspace;
  let keys: Record<string, KeyOut>;
  let secrets: Record<string, string>;

  before(async function () {
    const t = findTofu();
    if ("missing" in t) return skipBecause(this, t.missing);
    tofu = t;
    w = workspace(tofu, "environments", exampleFiles(), emu(), { cwd: "environments" });
  });

  const buckets = async () => ((await control(emu()).get("/v1/buckets")).body.buckets as { name: string }[]).map((b) => b.name).sort();
  const activeKeys = async (bucket: string) => ((await control(emu()).get(`/v1/buckets/${bucket}/access-keys`)).body.accessKeys as { accessKeyId: string; label: string }[]);
  const creds = (id: string, secret: string) => ({ accessKeyId: id, secretAccessKey: secret, endpoint: emu().s3Url, region: "eu-mad" });

  it("`tofu init` installs otterstorage/otterstorage from the filesystem mirror and locks it", async function () {
    const r = await w.ok(["init"]);
    assert.match(r.stdout, /Installing otterstorage\/otterstorage v0\.1\.0/);
    assert.match(fs.readFileSync(path.join(w.dir, ".terraform.lock.hcl"), "utf8"), /provider "registry\.opentofu\.org\/otterstorage\/otterstorage"/);
  });

  it("`tofu apply` creates a bucket per environment with app-web and ci-deploy keys, the secrets hidden in its output", async function () {
    const r = await w.ok(["apply", "-auto-approve"]);
    assert.match(r.stdout, /Apply complete! Resources: 6 added, 0 changed, 0 destroyed\./);
    const out = await w.outputs();
    keys = out.app_web;
    secrets = out.app_web_secrets;
    assert.deepEqual(await buckets(), ["shop-production", "shop-staging"]);
    for (const env of ["staging", "production"]) {
      const labels = (await activeKeys(`shop-${env}`)).map((k) => k.label).sort();
      assert.deepEqual(labels, ["app-web", "ci-deploy"]);
      assert.equal(keys[env].bucket, `shop-${env}`);
      assert.match(secrets[env], /^[A-Za-z0-9]{40}$/);
      assert.ok(!r.stdout.includes(secrets[env]), "apply output does not show the secret");
    }
  });

  it("a key works with the AWS CLI on its own bucket and is refused by the other bucket", async function () {
    if (!which("aws")) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    const env = keyEnv(w.dir, emu().s3Url, { accessKeyId: keys.staging.access_key_id, secretAccessKey: secrets.staging });
    fs.writeFileSync(path.join(w.dir, "hello.txt"), "hola\n");
    const cp = await run("aws", ["s3", "cp", path.join(w.dir, "hello.txt"), "s3://shop-staging/hello.txt"], env);
    assert.equal(cp.code, 0, cp.stderr);
    const ls = await run("aws", ["s3", "ls", "s3://shop-staging/"], env);
    assert.match(ls.stdout, /hello\.txt/);
    const other = await run("aws", ["s3", "ls", "s3://shop-production/"], env);
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /AccessDenied|InvalidAccessKeyId|Forbidden|403/);
    await run("aws", ["s3", "rm", "s3://shop-staging/hello.txt"], env);
  });

  it("a second plan says no changes (`tofu plan -detailed-exitcode` exits 0)", async function () {
    const r = await w.ok(["plan", "-detailed-exitcode"], 0);
    assert.match(r.stdout, /No changes\./);
  });

  it("changing the rotation trigger issues new keys first: the old key works until the new one exists, then is refused", async function () {
    const oldId = keys.staging.access_key_id;
    const oldSecret = secrets.staging;
    const plan = await w.ok(["plan", "-detailed-exitcode", "-var", "key_generation=2"], 2);
    assert.match(plan.stdout, /must be replaced/);
    assert.match(plan.stdout, /rotation_trigger\s+= "1" -> "2" # forces replacement/);

    // A client keeps using the old key while the apply runs; each request notes when it started.
    let applying = true;
    const uses: { started: number; status: number }[] = [];
    const client = (async () => {
      while (applying) {
        const started = Date.now();
        uses.push({ started, status: await tryHead(creds(oldId, oldSecret), "shop-staging") });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const apply = await w.ok(["apply", "-auto-approve", "-var", "key_generation=2"]);
    applying = false;
    await client;
    assert.match(apply.stdout, /Resources: 4 added, 0 changed, 4 destroyed\./);
    // Local OtterStorage runs in this process: its createdAt and Date.now() read the same clock.
    const fresh = (await control(emu()).get("/v1/buckets/shop-staging/access-keys")).body.accessKeys as { accessKeyId: string; label: string; createdAt: string }[];
    const newKey = fresh.find((k) => k.label === "app-web" && k.accessKeyId !== oldId);
    assert.ok(newKey, "a new app-web key exists");
    const newKeyAt = Date.parse(newKey.createdAt);
    const beforeNewKey = uses.filter((u) => u.started < newKeyAt);
    assert.ok(beforeNewKey.length > 0, "the client used the old key during the apply, before the new key existed");
    assert.deepEqual(beforeNewKey.filter((u) => u.status !== 200), [], "the old key worked until the new key existed");
    assert.match(plan.stdout, /\+\/- create replacement and then destroy/);

    const out = await w.outputs();
    assert.notEqual(out.app_web.staging.access_key_id, oldId);
    assert.equal(await tryHead(creds(out.app_web.staging.access_key_id, out.app_web_secrets.staging), "shop-staging"), 200);
    assert.equal(await tryHead(creds(oldId, oldSecret), "shop-staging"), 403);
    keys = out.app_web;
    secrets = out.app_web_secrets;
    w.write("terraform.tfvars", "key_generation = 2\n");
  });

  it("a key revoked outside OpenTofu is re-issued by the next apply", async function () {
    const revoked = keys.production.access_key_id;
    assert.equal((await control(emu()).delete(`/v1/buckets/shop-production/access-keys/${revoked}`)).status, 204);
    const plan = await w.ok(["plan", "-detailed-exitcode"], 2);
    assert.match(plan.stdout, /otterstorage_access_key\.app_web\["production"\] will be created/);
    await w.ok(["apply", "-auto-approve"]);
    const out = await w.outputs();
    assert.notEqual(out.app_web.production.access_key_id, revoked);
    assert.equal(await tryHead(creds(out.app_web.production.access_key_id, out.app_web_secrets.production), "shop-production"), 200);
    await w.ok(["plan", "-detailed-exitcode"], 0);
  });

  it("`tofu import` brings an existing bucket under management and the next plan has no changes", async function () {
    assert.equal((await control(emu()).post("/v1/buckets", { name: "shop-legacy-assets", tags: { owner: "ops" } })).status, 201);
    w.write("legacy.tf", 'resource "otterstorage_bucket" "legacy" {\n  name = "shop-legacy-assets"\n  tags = { owner = "ops" }\n}\n');
    const r = await w.ok(["import", "otterstorage_bucket.legacy", "shop-legacy-assets"]);
    assert.match(r.stdout, /Import successful!/);
    const plan = await w.ok(["plan", "-detailed-exitcode"], 0);
    assert.match(plan.stdout, /No changes\./);
  });

  it("an `import {}` block does the same, in plan and apply", async function () {
    assert.equal((await control(emu()).post("/v1/buckets", { name: "shop-archive" })).status, 201);
    w.write("archive.tf", 'import {\n  to = otterstorage_bucket.archive\n  id = "shop-archive"\n}\n\nresource "otterstorage_bucket" "archive" {\n  name = "shop-archive"\n}\n');
    const plan = await w.ok(["plan"]);
    assert.match(plan.stdout, /Plan: 1 to import, 0 to add, 0 to change, 0 to destroy\./);
    await w.ok(["apply", "-auto-approve"]);
    await w.ok(["plan", "-detailed-exitcode"], 0);
  });

  it("a label change is an in-place update: same key ids, same secrets, the new label on the service", async function () {
    const before = await w.outputs();
    // An override file (OpenTofu merges *_override.tf into the blocks it names) relabels every ci-deploy key.
    w.write("labels_override.tf", 'resource "otterstorage_access_key" "ci_deploy" {\n  label = "ci-deploy-v2"\n}\n');
    const plan = await w.ok(["plan", "-detailed-exitcode"], 2);
    assert.match(plan.stdout, /Plan: 0 to add, 2 to change, 0 to destroy\./);
    assert.match(plan.stdout, /label\s+= "ci-deploy" -> "ci-deploy-v2"/);
    await w.ok(["apply", "-auto-approve"]);
    const after = await w.outputs();
    assert.deepEqual(after.ci_deploy, before.ci_deploy, "the same keys");
    assert.deepEqual(after.ci_deploy_secrets, before.ci_deploy_secrets, "the same secrets");
    const labels = (await activeKeys("shop-staging")).map((k) => k.label).sort();
    assert.deepEqual(labels, ["app-web", "ci-deploy-v2"]);
    await w.ok(["plan", "-detailed-exitcode"], 0);
  });

  it("`tofu destroy` leaves no bucket and no key behind", async function () {
    const r = await w.ok(["destroy", "-auto-approve"]);
    assert.match(r.stdout, /Destroy complete! Resources: 8 destroyed\./);
    assert.deepEqual(await buckets(), []);
  });
});
