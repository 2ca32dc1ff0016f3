import * as assert from "node:assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./examples-harness";

const UP = path.join(ROOT, "scripts", "up.js");

interface Ran { code: number | null; out: string }

function runUp(args: string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [UP, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.once("exit", (code) => resolve({ code, out }));
  });
}

function listenOn(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(null));
    s.listen(port, "127.0.0.1", () => resolve(s));
  });
}

/** A free port whose successor is free too (Local OtterStorage puts S3 on control port + 1). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const a = await listenOn(0);
    const port = (a!.address() as net.AddressInfo).port;
    const b = port < 65535 ? await listenOn(port + 1) : null;
    await new Promise((r) => a!.close(r));
    if (b) {
      await new Promise((r) => b.close(r));
      return port;
    }
  }
  throw new Error("no free port pair on 127.0.0.1 after 20 attempts");
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(true));
  });
}

/** A stand-in `pulumi` that records its calls; for `up`, it lists buckets with the env it was given. */
const FAKE_PULUMI = `#!${process.execPath}
const fs = require("fs");
const args = process.argv.slice(2);
const rec = { args, cwd: process.cwd(), env: {} };
for (const k of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "OTTERSTORAGE_ENDPOINT", "OTTERSTORAGE_TOKEN"]) rec.env[k] = process.env[k];
const done = (code) => { fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify(rec) + "\\n"); process.exit(code); };
if (args[0] === "version") { console.log("v3.200.0"); done(0); }
else if (args[0] === "up") {
  fetch(process.env.OTTERSTORAGE_ENDPOINT + "/v1/buckets", { headers: { Authorization: "Bearer " + process.env.OTTERSTORAGE_TOKEN } })
    .then((r) => { rec.listBuckets = r.status; done(Number(process.env.FAKE_PULUMI_UP_EXIT || 0)); }, (e) => { rec.listBuckets = String(e); done(1); });
} else done(0);
`;

/**
 * A stand-in `pulumi` whose `up` does what the engine would with the project: runs its `main` program, with the
 * stack's config from Pulumi.<stack>.yaml handed to the provider's configure, through the engine-like monitor
 * (the real provider against the real endpoint). It then lists, with the token it was given, what exists.
 */
const ENGINE_PULUMI = `#!${process.execPath}
const fs = require("fs");
const path = require("path");
const args = process.argv.slice(2);
const rec = { args };
const done = (code) => { fs.appendFileSync(process.env.FAKE_PULUMI_LOG, JSON.stringify(rec) + "\\n"); process.exit(code); };
if (args[0] !== "up") done(0);
const yaml = (f) => fs.readFileSync(path.join(process.cwd(), f), "utf8");
const main = /^main:\\s*(\\S+)/m.exec(yaml("Pulumi.yaml"))[1];
const config = {};
for (const m of yaml("Pulumi.dev.yaml").matchAll(/^\\s+(otterstorage:[A-Za-z0-9]+):\\s*(\\S+)/gm)) config[m[1]] = m[2];
process.chdir(${JSON.stringify(ROOT)});
const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});
const { installEngineLikeMonitor } = require(${JSON.stringify(path.join(ROOT, "dist", "tests", "support", "engine.js"))});
(async () => {
  await installEngineLikeMonitor(config, "otterstorage-quickstart", "dev");
  const mod = require(path.resolve(main));
  rec.outputs = {};
  for (const [k, v] of Object.entries(mod)) rec.outputs[k] = { secret: await pulumi.isSecret(pulumi.output(v)), value: await pulumi.output(v).promise() };
  const api = (p) => fetch(process.env.OTTERSTORAGE_ENDPOINT + p, { headers: { Authorization: "Bearer " + process.env.OTTERSTORAGE_TOKEN } }).then((r) => r.json());
  rec.buckets = (await api("/v1/buckets")).buckets.map((b) => b.name);
  rec.labels = (await api("/v1/buckets/" + rec.outputs.bucketName.value + "/access-keys")).accessKeys.map((k) => k.label).sort();
  done(0);
})().catch((e) => { rec.error = String(e && e.stack || e); done(1); });
`;

describe("npm run up (scripts/up.js)", function () {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "otter-up-"));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("exits non-zero at once with the install hint when the Pulumi CLI is not on PATH", async () => {
    const empty = path.join(tmp, "bin");
    fs.mkdirSync(empty);
    const r = await runUp([], { PATH: empty, HOME: tmp, PULUMI_TOOLCHAIN_DIR: path.join(tmp, "no-toolchain") });
    assert.equal(r.code, 1);
    assert.match(r.out, /needs the Pulumi CLI, and `pulumi` is not on your PATH/);
    assert.match(r.out, /https:\/\/www\.pulumi\.com\/docs\/install\//);
    assert.match(r.out, /curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
    assert.doesNotMatch(r.out, /Building|State:|Endpoint:/, "nothing else ran first");
  });

  describe("with a stand-in pulumi on PATH", () => {
    let port: number;
    let env: NodeJS.ProcessEnv;
    let project: string;
    const calls = () => fs.readFileSync(path.join(tmp, "calls.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));

    beforeEach(async () => {
      const bin = path.join(tmp, "bin");
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
      port = await freePortPair();
      project = path.join(tmp, "project");
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: up-test\nruntime: nodejs\n");
      fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), `config:\n  otterstorage:endpoint: http://127.0.0.1:${port}\n`);
      env = { PATH: bin, HOME: tmp, FAKE_PULUMI_LOG: path.join(tmp, "calls.jsonl"), PULUMI_BACKEND_URL: `file://${tmp}/state` };
    });

    it("starts Local OtterStorage, selects/creates the stack, runs pulumi up --yes with endpoint and token, then stops it", async () => {
      const r = await runUp(["--cwd", project, "--data-dir", path.join(tmp, "data"), "--policy-pack", "policy"], env);
      assert.equal(r.code, 0, r.out);
      const [version, select, up] = calls();
      assert.deepEqual(version.args, ["version"]);
      assert.deepEqual(select.args, ["stack", "select", "dev", "--create", "--secrets-provider", "passphrase", "--non-interactive"]);
      assert.deepEqual(up.args, ["up", "--yes", "--stack", "dev", "--policy-pack", "policy"]);
      assert.equal(fs.realpathSync(up.cwd), fs.realpathSync(project));
      assert.equal(up.env.OTTERSTORAGE_ENDPOINT, `http://127.0.0.1:${port}`);
      assert.equal(up.listBuckets, 200, "Local OtterStorage was running and accepted the token during pulumi up");
      assert.equal(up.env.PULUMI_BACKEND_URL, `file://${tmp}/state`);
      assert.equal(up.env.PULUMI_CONFIG_PASSPHRASE, "otterstorage-local-dev");
      assert.ok(up.env.OTTERSTORAGE_TOKEN && up.env.OTTERSTORAGE_TOKEN.length >= 16);
      assert.ok(!r.out.includes(up.env.OTTERSTORAGE_TOKEN), "the account token is never printed");
      assert.ok(await refused(port), "Local OtterStorage was stopped afterwards");
      assert.ok(fs.readdirSync(path.join(tmp, "data")).length > 0, "its data stays");
      assert.match(r.out, /npx otterstorage-local --data-dir .* --control-port \d+ --s3-port \d+/);
    });

    it("keeps a passphrase and backend the user set, and passes on pulumi up's failure after stopping Local OtterStorage", async () => {
      const r = await runUp(["--cwd", project, "--data-dir", path.join(tmp, "data")], { ...env, PULUMI_CONFIG_PASSPHRASE: "mine", FAKE_PULUMI_UP_EXIT: "3" });
      assert.equal(r.code, 3);
      const up = calls().find((c) => c.args[0] === "up");
      assert.equal(up.env.PULUMI_CONFIG_PASSPHRASE, "mine");
      assert.doesNotMatch(r.out, /local dev default/);
      assert.ok(await refused(port));
    });

    it("brings up the quickstart on the Local OtterStorage it starts: one bucket with the app-web and ci-deploy keys", async () => {
      fs.writeFileSync(path.join(tmp, "bin", "pulumi"), ENGINE_PULUMI, { mode: 0o755 });
      fs.writeFileSync(path.join(project, "Pulumi.yaml"), `name: otterstorage-quickstart\nruntime: nodejs\nmain: ${path.join(ROOT, "dist", "quickstart", "index.js")}\n`);
      const r = await runUp(["--cwd", project, "--data-dir", path.join(tmp, "data")], env);
      const up = calls().find((c) => c.args[0] === "up");
      assert.equal(r.code, 0, `${r.out}\n${up?.error ?? ""}`);
      assert.deepEqual(up.buckets, [up.outputs.bucketName.value]);
      assert.deepEqual(up.labels, ["app-web", "ci-deploy"]);
      assert.equal(up.outputs.appWebSecretAccessKey.secret, true);
      assert.match(up.outputs.endpoint.value, new RegExp(`^http://127\\.0\\.0\\.1:${port + 1}$`), "S3 on the port after the control API");
      assert.ok(await refused(port));
    });

    it("refuses a non-loopback endpoint without a token, naming both ways to give one", async () => {
      fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config:\n  otterstorage:endpoint: https://api.otterstorage.example\n");
      const r = await runUp(["--cwd", project], env);
      assert.equal(r.code, 1);
      assert.match(r.out, /needs an account token: export OTTERSTORAGE_TOKEN, or `pulumi config set --secret otterstorage:token <token> --stack dev`/);
      assert.deepEqual(calls().map((c) => c.args[0]), ["version"], "pulumi up never ran");
    });
  });
});
