/**
 * The examples under the real engine, as their READMEs run them: environments (three stacks from one program,
 * also driven through the Automation API), ci-pipeline (a StackReference consumer of the rotated ci-deploy key)
 * and restic-backups (restic itself backs up and restores with the stack's outputs). Destroy leaves nothing.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { REPO_ROOT } from "./support/host";
import { useEngine, PASSPHRASE, Stack } from "./support/pulumi";
import { runCommand } from "./support/run";
import { s3Answer as works } from "./support/s3";
import { skipBecause } from "./support/skip";

const EXAMPLES = path.join(REPO_ROOT, "examples");


describe("engine: the examples", function () {
  this.timeout(900_000);
  const engine = useEngine();
  let os: OtterStorage;
  before(async () => {
    os = await startOtterStorage({ memory: true });
  });
  after(() => os?.stop());
  const buckets = async () => ((await control(os).get("/v1/buckets")).body.buckets as { name: string }[]).map((b) => b.name);

  it("environments + ci-pipeline: dev/staging/prod each get their own buckets and keys; the consumer follows a rotation of ci-deploy; destroy leaves nothing", async () => {
    const state = engine().scratch("shared-state-");
    const backend = `file://${state}`;
    const envs = engine().copy(path.join(EXAMPLES, "environments"), { backend });
    const stacks: Record<string, Stack> = {};
    const outs: Record<string, any> = {};
    for (const name of ["dev", "staging", "prod"]) {
      stacks[name] = await envs.stack(name, { endpoint: os.controlUrl, token: os.token });
      await stacks[name].up();
      outs[name] = await stacks[name].outputs(true);
    }
    const all = [...Object.values(outs).flatMap((o) => Object.values(o.bucketNames as Record<string, string>))];
    assert.equal(new Set(all).size, 6, "six distinct buckets");
    for (const [env, o] of Object.entries(outs)) {
      assert.match(o.bucketNames.assets, new RegExp(`^acme-assets-${env}-[a-z]{7}$`));
      for (const label of ["app-web", "ci-deploy", "backups-restic"]) {
        const bucket = label === "backups-restic" ? o.bucketNames.backups : o.bucketNames.assets;
        const c = { accessKeyId: o.accessKeyIds[label], secretAccessKey: o.secretAccessKeys[label], endpoint: o.endpoint };
        assert.equal(await works(c, bucket), "ok", `${env} ${label}`);
        const other = Object.entries(outs).find(([e]) => e !== env)![1];
        assert.equal(await works(c, other.bucketNames.assets), "AccessDenied", `${env} ${label} cannot touch another environment`);
      }
    }
    assert.match(outs.prod.awsConfig, /\[profile otter-prod-ci-deploy\]/);

    // The CI consumer reads staging's ci-deploy key through a StackReference (same backend).
    const ci = engine().copy(path.join(EXAMPLES, "ci-pipeline"), { backend });
    const job = await ci.stack("staging", { config: { "otterstorage-ci-pipeline:storageStack": "organization/otterstorage-environments/staging" } });
    await job.up();
    let deploy = await job.outputs(true);
    assert.equal(deploy.deployAccessKeyId, outs.staging.accessKeyIds["ci-deploy"]);
    assert.match(deploy.deployEnv, new RegExp(`AWS_SECRET_ACCESS_KEY=${outs.staging.secretAccessKeys["ci-deploy"].replace(/[+/]/g, "\\$&")}`));
    assert.equal((await job.ok(["stack", "output", "deployEnv"])).stdout.trim(), "[secret]");

    await stacks.staging.config("rotation", "after-offboarding");
    await stacks.staging.up();
    const rotated = await stacks.staging.outputs(true);
    assert.notEqual(rotated.accessKeyIds["ci-deploy"], outs.staging.accessKeyIds["ci-deploy"]);
    await job.up();
    deploy = await job.outputs(true);
    assert.equal(deploy.deployAccessKeyId, rotated.accessKeyIds["ci-deploy"], "the consumer follows the rotation");
    const env = Object.fromEntries(deploy.deployEnv.trim().split("\n").map((l: string) => l.split(/=(.*)/s).slice(0, 2)));
    assert.equal(await works({ accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, endpoint: env.AWS_ENDPOINT_URL }, env.DEPLOY_BUCKET), "ok");

    await job.destroy();
    await stacks.dev.destroy();
    await stacks.staging.destroy();
    // prod is protected (the policy pack insists): destroy refuses until the user unprotects.
    const refused = await stacks.prod.run(["destroy", "--yes", "--skip-preview"]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.output, /protect/);
    await stacks.prod.ok(["state", "unprotect", "--all", "--yes"]);
    await stacks.prod.destroy();
    const left = await buckets();
    for (const b of all) assert.ok(!left.includes(b), `${b} is gone`);
  });

  it("environments through the Automation API (LocalWorkspace): up dev and staging, read outputs, destroy", async () => {
    const auto = require("@pulumi/pulumi/automation");
    const p = engine().copy(path.join(EXAMPLES, "environments"));
    const pulumiCommand = await auto.PulumiCommand.get({ root: path.dirname(engine().cli.dir), skipVersionCheck: true });
    const envVars = { PULUMI_BACKEND_URL: p.backend, PULUMI_HOME: p.home, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_SKIP_UPDATE_CHECK: "true", PATH: p.env().PATH! };
    const names: string[] = [];
    for (const stackName of ["dev", "staging"]) {
      const st = await auto.LocalWorkspace.createOrSelectStack({ stackName, workDir: p.dir }, { envVars, pulumiCommand });
      await st.setConfig("otterstorage:endpoint", { value: os.controlUrl });
      await st.setConfig("otterstorage:token", { value: os.token, secret: true });
      const res = await st.up({ onOutput: () => undefined });
      assert.equal(res.summary.result, "succeeded");
      assert.equal(res.outputs.secretAccessKeys.secret, true);
      const keys = res.outputs.accessKeyIds.value as Record<string, string>;
      assert.deepEqual(Object.keys(keys).sort(), ["app-web", "backups-restic", "ci-deploy"]);
      const o = await st.outputs();
      assert.equal(o.environment.value, stackName);
      names.push(...Object.values(o.bucketNames.value as Record<string, string>));
      const d = await st.destroy({ onOutput: () => undefined });
      assert.equal(d.summary.result, "succeeded");
    }
    const left = await buckets();
    for (const b of names) assert.ok(!left.includes(b));
  });

  it("restic-backups: restic inits, backs up and restores with the stack's resticEnv; destroy removes bucket and key", async function () {
    const restic = await runCommand("restic", ["version"], { PATH: process.env.PATH });
    if (restic.code !== 0) {
      console.log("      skipped: restic is not installed (apt-get install restic)");
      return skipBecause(this, "restic is not installed (apt-get install restic)");
    }
    const p = engine().copy(path.join(EXAMPLES, "restic-backups"));
    const s = await p.stack("dev", { endpoint: os.controlUrl, token: os.token, config: { "otterstorage-restic-backups:host": "laptop" } });
    await s.up();
    const out = await s.outputs(true);
    const scratch = engine().scratch("restic-");
    const data = path.join(scratch, "data");
    fs.mkdirSync(path.join(data, "docs"), { recursive: true });
    fs.writeFileSync(path.join(data, "docs", "report.txt"), "quarterly numbers\n");
    fs.writeFileSync(path.join(data, "blob.bin"), Buffer.alloc(3 * 1024 * 1024, 7));
    fs.writeFileSync(path.join(scratch, "password"), "correct horse battery staple\n");
    // The env file as the README has users write it, with the password file pointed at ours.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: scratch };
    for (const line of out.resticEnv.trim().split("\n")) {
      const m = /^export ([A-Z_]+)=(.*)$/.exec(line)!;
      env[m[1]] = m[2].replace(/^"|"$/g, "");
    }
    env.RESTIC_PASSWORD_FILE = path.join(scratch, "password");
    for (const args of [["init"], ["backup", data], ["check"]]) {
      const r = await runCommand("restic", args, env, 120_000);
      assert.equal(r.code, 0, `restic ${args[0]}: ${r.stdout}${r.stderr}`);
    }
    const restore = await runCommand("restic", ["restore", "latest", "--target", path.join(scratch, "restored")], env, 120_000);
    assert.equal(restore.code, 0, restore.stderr);
    assert.equal(fs.readFileSync(path.join(scratch, "restored", data, "docs", "report.txt"), "utf8"), "quarterly numbers\n");
    assert.ok(fs.readFileSync(path.join(scratch, "restored", data, "blob.bin")).equals(Buffer.alloc(3 * 1024 * 1024, 7)));

    const refused = await s.run(["destroy", "--yes", "--skip-preview"]);
    assert.notEqual(refused.code, 0, "the bucket holds the repository and forceDestroy is off");
    assert.match(refused.output, /BucketNotEmpty|forceDestroy/);
    await control(os).delete(`/v1/buckets/${out.bucketName}?force=true`); // the user empties it on purpose
    await s.destroy();
    assert.ok(!(await buckets()).includes(out.bucketName));
  });
});
