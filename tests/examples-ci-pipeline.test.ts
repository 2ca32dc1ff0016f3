import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import * as os from "os";
import { ROOT, runProgram } from "./examples-harness";
import { control, useEmulator } from "./support/emulator";
import { skipBecause } from "./support/skip";

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
    for (const k of ["deployAccessKeyId", "deployBucket", "deployEndpoint", "deployExpiresAt", "credentialsMode"]) assert.equal(run.outputs[k].secret, false, k);
  });

  it("fails with a message that names the config key when the storage stack has no such integration", async () => {
    await assert.rejects(
      runProgram(ENTRY, { project: "otterstorage-ci-pipeline", stack: "staging", config: { ...config, "otterstorage-ci-pipeline:integration": "deploy" }, stackReferences: { [STORAGE]: storageOutputs } }),
      /has no accessKeyIds\["deploy"\] \(it has: app-web, backups-restic, ci-deploy\); set otterstorage-ci-pipeline:integration/,
    );
  });
});

describe("examples/ci-pipeline program in temporary-credentials mode, against Local OtterStorage", () => {
  const otter = useEmulator();
  const BUCKET = "acme-assets-staging-k3x9qa";

  it("hands the job expiring credentials for the deploy bucket that work with the AWS CLI", async function () {
    assert.equal((await control(otter()).post("/v1/buckets", { name: BUCKET })).status, 201);
    const run = await runProgram(ENTRY, {
      project: "otterstorage-ci-pipeline",
      stack: "staging",
      config: {
        ...config,
        "otterstorage-ci-pipeline:credentials": "temporary",
        "otterstorage:endpoint": otter().controlUrl,
        "otterstorage:token": otter().token,
      },
      stackReferences: { [STORAGE]: { outputs: { ...storageOutputs.outputs, endpoint: otter().s3Url }, secret: ["secretAccessKeys"] } },
    });
    assert.deepEqual(run.resources.map((r) => r.type), ["pulumi:pulumi:StackReference"]);
    assert.equal(run.outputs.deployEnv.secret, true);
    const env = Object.fromEntries(String(run.outputs.deployEnv.value).trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
    assert.deepEqual(Object.keys(env), ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "DEPLOY_BUCKET"]);
    assert.match(env.AWS_ACCESS_KEY_ID, /^STS[A-Z0-9]{17}$/);
    assert.equal(env.DEPLOY_BUCKET, BUCKET);
    assert.equal(run.outputs.deployExpiresAt.secret, false);
    assert.ok(Date.parse(run.outputs.deployExpiresAt.value) > Date.now(), "expires in the future");
    assert.ok(!JSON.stringify(run.outputs).includes(otter().token), "the account token is in no output");

    // The job's next step: the AWS CLI with nothing but these variables (async: the service runs in this process).
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "otter-ci-"));
    try {
      const ls = await new Promise<{ code: number | null; err: string }>((resolve) => {
        const p = spawn("aws", ["--endpoint-url", env.AWS_ENDPOINT_URL, "s3", "ls", `s3://${BUCKET}`], {
          env: { PATH: process.env.PATH, HOME: home, AWS_EC2_METADATA_DISABLED: "true", ...env },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let err = "";
        p.stderr.on("data", (d) => (err += d));
        p.once("error", () => resolve({ code: null, err: "aws not found" }));
        p.once("close", (code) => resolve({ code, err }));
      });
      if (ls.err === "aws not found") return skipBecause(this, "AWS CLI not installed (pip install awscli)");
      assert.equal(ls.code, 0, ls.err);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("refuses an unknown credentials mode, naming the setting and the choices", async () => {
    await assert.rejects(
      runProgram(ENTRY, { project: "otterstorage-ci-pipeline", stack: "staging", config: { ...config, "otterstorage-ci-pipeline:credentials": "forever" }, stackReferences: { [STORAGE]: storageOutputs } }),
      /otterstorage-ci-pipeline:credentials must be "key" or "temporary"; got "forever"/,
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
