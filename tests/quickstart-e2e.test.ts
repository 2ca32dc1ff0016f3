/**
 * The quickstart for real, minus the CLI: its program runs through the engine-like monitor (the real provider's
 * check/create against Local OtterStorage, the engine's secret rules), then the `awsCli` output is run as printed,
 * by sh with the real AWS CLI, with a stand-in `pulumi` that answers `stack output` from the recorded outputs.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { installEngineLikeMonitor, plaintextOutsideWrappers, unwrapSecrets } from "./support/engine";
import { analyzeStack } from "./policy-harness";
import { useEmulator } from "./support/emulator";
import { runCommand } from "./support/run";
import { ROOT } from "./examples-harness";
import { skipBecause } from "./support/skip";

const ENTRY = path.join(ROOT, "dist", "quickstart", "index.js");

describe("quickstart end to end against Local OtterStorage (engine-like monitor, real AWS CLI)", function () {
  const otter = useEmulator();
  let tmp: string;
  let outputs: Record<string, unknown>;
  let secrets: Record<string, boolean>;
  let state: Awaited<ReturnType<typeof installEngineLikeMonitor>>;

  before(async function () {
    if (spawnSync("aws", ["--version"]).error) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "otter-qs-"));
    state = await installEngineLikeMonitor({ "otterstorage:endpoint": otter().controlUrl, "otterstorage:token": otter().token }, "otterstorage-quickstart", "dev");
    delete require.cache[require.resolve(ENTRY)];
    const mod = require(ENTRY);
    outputs = {};
    secrets = {};
    for (const [k, v] of Object.entries(mod)) {
      outputs[k] = await (pulumi.output(v) as any).promise();
      secrets[k] = await pulumi.isSecret(pulumi.output(v));
    }
  });
  after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  // Async (runCommand) on purpose: Local OtterStorage runs in this process, so a spawnSync would block the server it calls.
  function aws(args: string[], keyPrefix: "appWeb" | "ciDeploy") {
    return runCommand("aws", ["--endpoint-url", String(outputs.endpoint), ...args], {
      PATH: process.env.PATH,
      HOME: tmp,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ACCESS_KEY_ID: String(outputs[`${keyPrefix}AccessKeyId`]),
      AWS_SECRET_ACCESS_KEY: String(outputs[`${keyPrefix}SecretAccessKey`]),
      AWS_DEFAULT_REGION: String(outputs.region),
    });
  }

  it("creates the bucket and two working keys, secrets secret in outputs and in state", () => {
    assert.equal(state.filter((r) => r.type.endsWith(":Bucket")).length, 1);
    assert.deepEqual(state.filter((r) => r.type.endsWith(":AccessKey")).map((r) => (r.outputs as any).label).sort(), ["app-web", "ci-deploy"]);
    assert.equal(secrets.appWebSecretAccessKey, true);
    assert.equal(secrets.ciDeploySecretAccessKey, true);
    assert.equal(secrets.awsCli, false);
    for (const s of [outputs.appWebSecretAccessKey, outputs.ciDeploySecretAccessKey]) assert.deepEqual(plaintextOutsideWrappers(state, String(s)), []);
  });

  it("passes the policy pack's stack policies on the real outputs (loopback http endpoint, labels, buckets)", async () => {
    const resources = state.map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: Object.fromEntries(Object.entries(unwrapSecrets(r.outputs) as Record<string, unknown>).filter(([k]) => k !== "__provider")),
      additionalSecretOutputs: r.additionalSecretOutputs,
    }));
    assert.match(String(resources[0].props.endpoint), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await analyzeStack(resources), []);
    // …and the same outputs on a non-loopback plain-http endpoint would be refused.
    const moved = resources.map((r) => ({ ...r, props: { ...r.props, endpoint: "http://otter.example.net:7481" } }));
    assert.equal((await analyzeStack(moved)).filter((d) => d.policy === "otterstorage-endpoint-https" && d.level === "mandatory").length, 3);
  });

  it("runs the awsCli output as printed and lists what the ci-deploy key uploaded", async () => {
    const file = path.join(tmp, "hello.txt");
    fs.writeFileSync(file, "hello from ci-deploy\n");
    const put = await aws(["s3", "cp", file, `s3://${outputs.bucketName}/hello.txt`], "ciDeploy");
    assert.equal(put.code, 0, put.stderr);

    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(tmp, "outputs.json"), JSON.stringify(outputs));
    // Stand-in for `pulumi stack output <name> [--show-secrets]`: prints the recorded output.
    fs.writeFileSync(
      path.join(bin, "pulumi"),
      `#!${process.execPath}\nconst o = require(${JSON.stringify(path.join(tmp, "outputs.json"))});\nconst [cmd, sub, name] = process.argv.slice(2);\nif (cmd !== "stack" || sub !== "output" || !(name in o)) process.exit(2);\nconsole.log(o[name]);\n`,
      { mode: 0o755 },
    );
    const ls = await runCommand("sh", ["-c", String(outputs.awsCli)], { PATH: `${bin}:${process.env.PATH}`, HOME: tmp, AWS_EC2_METADATA_DISABLED: "true" });
    assert.equal(ls.code, 0, `${outputs.awsCli}\n${ls.stderr}`);
    assert.match(ls.stdout, /hello\.txt/);
  });
});
