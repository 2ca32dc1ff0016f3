import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { ROOT, runProgram } from "./examples-harness";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require("js-yaml") as { load(s: string): any };

const ENTRY = path.join(ROOT, "dist", "examples", "ci-pipeline", "index.js");
const WORKFLOW = path.join(ROOT, "examples", "ci-pipeline", "github-actions", "infrastructure.yml");
const STORAGE = "organization/otterstorage-environments/staging";
const SECRET = "nW7zX1cV4bN8mQ2lK5jH9gF3dS6aP0oU2iE4rT6y";

const storageOutputs = {
  outputs: {
    bucketNames: { assets: "acme-assets-staging-k3x9qa", backups: "acme-backups-staging-k3x9qa" },
    accessKeyIds: { "app-web": "OTTR0000000000000001", "ci-deploy": "OTTR4XMPL8NEWKEY3CD0", "backups-restic": "OTTR0000000000000003" },
    secretAccessKeys: { "app-web": "x", "ci-deploy": SECRET, "backups-restic": "y" },
    endpoint: "https://es-mad-1.s3.otterstorage.io",
    region: "eu-mad",
  },
  secret: ["secretAccessKeys"],
};
const config = { "otterstorage-ci-pipeline:storageStack": STORAGE, "otterstorage-ci-pipeline:integration": "ci-deploy" };

describe("examples/ci-pipeline program under mocks", () => {
  it("reads the ci-deploy key through one StackReference and creates no bucket or key of its own", async () => {
    const run = await runProgram(ENTRY, { project: "otterstorage-ci-pipeline", stack: "staging", config, stackReferences: { [STORAGE]: storageOutputs } });
    assert.deepEqual(run.resources.map((r) => [r.type, r.name]), [["pulumi:pulumi:StackReference", STORAGE]]);
    assert.equal(run.outputs.deployAccessKeyId.value, "OTTR4XMPL8NEWKEY3CD0");
    assert.equal(run.outputs.deployBucket.value, "acme-assets-staging-k3x9qa");
  });

  it("keeps the referenced secret a secret and hands the job one NAME=value env file", async () => {
    const run = await runProgram(ENTRY, { project: "otterstorage-ci-pipeline", stack: "staging", config, stackReferences: { [STORAGE]: storageOutputs } });
    const env = run.outputs.deployEnv;
    assert.equal(env.secret, true);
    assert.deepEqual(String(env.value).trim().split("\n"), [
      "AWS_ACCESS_KEY_ID=OTTR4XMPL8NEWKEY3CD0",
      `AWS_SECRET_ACCESS_KEY=${SECRET}`,
      "AWS_DEFAULT_REGION=eu-mad",
      "AWS_ENDPOINT_URL=https://es-mad-1.s3.otterstorage.io",
      "DEPLOY_BUCKET=acme-assets-staging-k3x9qa",
    ]);
    for (const k of ["deployAccessKeyId", "deployBucket", "deployEndpoint"]) assert.equal(run.outputs[k].secret, false, k);
  });

  it("fails with a message that names the config key when the storage stack has no such integration", async () => {
    await assert.rejects(
      runProgram(ENTRY, { project: "otterstorage-ci-pipeline", stack: "staging", config: { ...config, "otterstorage-ci-pipeline:integration": "deploy" }, stackReferences: { [STORAGE]: storageOutputs } }),
      /has no accessKeyIds\["deploy"\] \(it has: app-web, backups-restic, ci-deploy\); set otterstorage-ci-pipeline:integration/,
    );
  });
});

describe("examples/ci-pipeline GitHub Actions workflow", () => {
  const text = fs.readFileSync(WORKFLOW, "utf8");
  const wf = yaml.load(text);
  const steps = (job: string) => wf.jobs[job].steps as { run?: string; uses?: string; "working-directory"?: string }[];
  const runOf = (job: string, re: RegExp) => steps(job).find((s) => s.run && re.test(s.run))!;

  it("previews pull requests and updates main with the policy pack, in a project whose stacks exist", () => {
    for (const [job, cmd] of [["preview", /pulumi preview\b/], ["up", /pulumi up --yes\b/]] as const) {
      const step = runOf(job, cmd);
      assert.ok(step, `${job} runs ${cmd}`);
      assert.match(step.run!, /--policy-pack \.\.\/\.\.\/policy\b/);
      const dir = path.join(ROOT, step["working-directory"]!);
      assert.ok(fs.existsSync(path.join(dir, "Pulumi.yaml")), `${dir} is a Pulumi project`);
      assert.ok(fs.existsSync(path.join(dir, "../../policy/PulumiPolicy.yaml")), "the policy pack is where --policy-pack points");
      for (const stack of wf.jobs[job].strategy.matrix.stack) assert.ok(fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`)), `stack ${stack}`);
    }
    assert.equal(wf.jobs.preview.if, "github.event_name == 'pull_request'");
    assert.deepEqual(wf.on.push.branches, ["main"]);
  });

  it("takes the endpoint, the token and the state passphrase only from CI secrets, and holds no credential", () => {
    for (const [name, job] of Object.entries<any>(wf.jobs)) {
      for (const [k, v] of Object.entries<string>(job.env ?? {})) {
        if (/OTTERSTORAGE_|PASSPHRASE|BACKEND_URL|TOKEN/.test(k)) assert.equal(v, `\${{ secrets.${k} }}`, `${name}.env.${k}`);
      }
    }
    assert.ok(wf.jobs.up.env.OTTERSTORAGE_ENDPOINT && wf.jobs.up.env.OTTERSTORAGE_TOKEN);
    // Stack config wins over the environment in the provider: a pinned endpoint would silently ignore the secret.
    for (const stack of wf.jobs.up.strategy.matrix.stack) {
      const cfg = fs.readFileSync(path.join(ROOT, "examples", "environments", `Pulumi.${stack}.yaml`), "utf8");
      assert.doesNotMatch(cfg, /^\s+otterstorage:(endpoint|token):/m, `Pulumi.${stack}.yaml must leave endpoint and token to CI`);
    }
    assert.doesNotMatch(text, /OTTR[A-Z0-9]{16}|\b[A-Za-z0-9]{40}\b/);
  });

  it("masks every value of the StackReference env file before the deploy job uses it", () => {
    const step = runOf("deploy", /deployEnv --show-secrets/);
    assert.equal(step["working-directory"], "examples/ci-pipeline");
    const script = step.run!;
    assert.ok(script.indexOf("::add-mask::") < script.indexOf(">> \"$GITHUB_ENV\""), "mask before exporting");
    assert.match(script, /rm -f "\$RUNNER_TEMP\/deploy.env"/);
    assert.ok(fs.existsSync(path.join(ROOT, "examples/ci-pipeline/Pulumi.staging.yaml")));
  });
});
