/**
 * The README's main job under the real engine: `npm run up` on a fresh state, then what a user does next —
 * read the outputs, use the key with the AWS CLI, preview again and see no changes.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { startCli } from "./evidence-support";
import { REPO_ROOT } from "./support/host";
import { useEngine } from "./support/pulumi";
import { runCommand } from "./support/run";
import { skipBecause } from "./support/skip";

const PORT = 7480; // Pulumi.dev.yaml's otterstorage:endpoint

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}


describe("engine: the quickstart through `npm run up`", function () {
  this.timeout(600_000);
  const engine = useEngine();
  const devYaml = path.join(REPO_ROOT, "Pulumi.dev.yaml");
  let saved: string;
  let scratch: string;

  before(async function () {
    if (!(await portFree(PORT)) || !(await portFree(PORT + 1))) {
      return skipBecause(this, `ports ${PORT}/${PORT + 1} (the dev stack's Local OtterStorage) are in use on this machine`);
    }
    saved = fs.readFileSync(devYaml, "utf8");
    scratch = engine().scratch("quickstart-");
  });
  // `stack select --create` writes the new stack's encryptionsalt into Pulumi.dev.yaml; leave the checkout as it was.
  after(() => saved !== undefined && fs.writeFileSync(devYaml, saved));

  it("creates the dev stack; its key works with the AWS CLI; a second preview shows no changes; destroy leaves nothing", async () => {
    const p = engine().existing(REPO_ROOT, { backend: `file://${path.join(scratch, "state")}` });
    fs.mkdirSync(path.join(scratch, "state"));
    const dataDir = path.join(scratch, "data");
    const env = p.env();
    delete env.PULUMI_CONFIG_PASSPHRASE; // npm run up's own default for the local dev stack
    const up = await runCommand("npm", ["run", "up", "--", "--data-dir", dataDir], env, 300_000);
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /\+ 4 created/);
    assert.match(up.stdout, /appWebSecretAccessKey\s*: \[secret\]/);

    // What the README tells the user to do next, with the passphrase npm run up used.
    const withPass = { env: { PULUMI_CONFIG_PASSPHRASE: "otterstorage-local-dev" } };
    const out = JSON.parse((await p.ok(["stack", "output", "--stack", "dev", "--json", "--show-secrets"], withPass)).stdout);
    for (const k of ["bucketName", "endpoint", "region", "appWebAccessKeyId", "appWebSecretAccessKey", "ciDeployAccessKeyId", "ciDeploySecretAccessKey", "awsCli"]) assert.ok(out[k], `output ${k}`);
    assert.match(out.appWebSecretAccessKey, /^[A-Za-z0-9/+]{40}$/);
    const plain = await p.ok(["stack", "output", "--stack", "dev", "appWebSecretAccessKey"], withPass);
    assert.equal(plain.stdout.trim(), "[secret]");

    // npm run up stopped its Local OtterStorage; its data (and token) stayed: serve it again on the dev stack's ports.
    const local = await startCli(["--data-dir", dataDir, "--control-port", String(PORT), "--s3-port", String(PORT + 1)]);
    try {
      const awsEnv = { PATH: process.env.PATH, HOME: scratch, AWS_ACCESS_KEY_ID: out.appWebAccessKeyId, AWS_SECRET_ACCESS_KEY: out.appWebSecretAccessKey, AWS_DEFAULT_REGION: out.region };
      fs.writeFileSync(path.join(scratch, "hello.txt"), "hello from the quickstart\n");
      const cp = await runCommand("aws", ["--endpoint-url", out.endpoint, "s3", "cp", path.join(scratch, "hello.txt"), `s3://${out.bucketName}/hello.txt`], awsEnv);
      assert.equal(cp.code, 0, cp.stderr);
      const ls = await runCommand("aws", ["--endpoint-url", out.endpoint, "s3", "ls", `s3://${out.bucketName}`], awsEnv);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /hello\.txt/);

      const again = { env: { PULUMI_CONFIG_PASSPHRASE: "otterstorage-local-dev", OTTERSTORAGE_TOKEN: local.ready.token } };
      const preview = await p.run(["preview", "--stack", "dev", "--expect-no-changes", "--non-interactive"], again);
      assert.equal(preview.code, 0, preview.output);
      assert.match(preview.stdout, /4 unchanged/);

      const destroy = await p.run(["destroy", "--stack", "dev", "--yes", "--skip-preview", "--non-interactive"], again);
      assert.equal(destroy.code, 0, destroy.output);
      const gone = await runCommand("aws", ["--endpoint-url", out.endpoint, "s3", "ls", `s3://${out.bucketName}`], awsEnv);
      assert.notEqual(gone.code, 0, "the bucket and its keys are gone after destroy");
    } finally {
      await local.stop();
    }
    assert.ok(!fs.readFileSync(path.join(scratch, "state", ".pulumi", "stacks", "otterstorage-quickstart", "dev.json"), "utf8").includes(out.appWebSecretAccessKey));
  });
});
