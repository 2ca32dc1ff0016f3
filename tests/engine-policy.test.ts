/**
 * The policy pack under the real CLI: `pulumi preview --policy-pack policy/pulumi-analyzer-otterstorage` passes a
 * labelled key, fails an unlabelled one with the policy's own message, warns for an advisory policy, and honours the
 * pack's config from `--policy-pack-config`; `npm run up -- --policy-pack policy` runs the same pack.
 *
 * The executable analyzer is what lets the pack run with any language host: CLI v3.255 and later run an executable
 * given to `--policy-pack` directly, where a folder would go through the Node host's RunPlugin, which the toolchain's
 * host (v3.68.0, docs/engine.md) answers "not supported". The pack's logic is also tested without the CLI
 * (tests/policy-*.test.ts).
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { REPO_ROOT } from "./support/host";
import { Project, RunResult, runsExecutableAnalyzers, useEngine } from "./support/pulumi";
import { skipBecause } from "./support/skip";

const LAUNCHER = path.join(REPO_ROOT, "policy", "pulumi-analyzer-otterstorage");
const program = (keyArgs: string) => `
const otter = require("pulumi-otterstorage");
const bucket = new otter.Bucket("data", { forceDestroy: true, tags: { environment: "dev" } });
new otter.AccessKey("app", { bucket: bucket.name, ${keyArgs} });
`;

describe("engine: policy pack through `pulumi preview --policy-pack`", function () {
  this.timeout(600_000);
  const engine = useEngine();
  let os: OtterStorage;
  before(async function () {
    if (!runsExecutableAnalyzers(engine().cli)) {
      return skipBecause(this, `Pulumi CLI ${engine().cli.version} predates executable analyzers (v3.255); use \`--policy-pack policy\` with a CLI whose language host starts Node packs`);
    }
    os = await startOtterStorage({ memory: true });
  });
  after(() => os?.stop());

  const stackOf = async (name: string, keyArgs: string) => (await engine().project(name, program(keyArgs)).stack("dev", { endpoint: os.controlUrl, token: os.token }));
  const messages = (r: RunResult) => r.output.replace(/\s+/g, " ");

  it("passes a labelled key with a rotation schedule, and says nothing of the pack's policies", async () => {
    const s = await stackOf("policy-good", `label: "app-web", rotateAfterDays: 90`);
    const r = await s.run(["preview", "--policy-pack", LAUNCHER]);
    assert.equal(r.code, 0, r.output);
    assert.doesNotMatch(r.output, /otterstorage-access-key/);
  });

  it("fails the preview of an unlabelled key with otterstorage-access-key-labelled's message", async () => {
    const s = await stackOf("policy-bad", `rotateAfterDays: 90`);
    const r = await s.run(["preview", "--policy-pack", LAUNCHER]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /\[mandatory\][^\n]*otterstorage-access-key-labelled/);
    assert.match(messages(r), /Access key "app" has no label\. Set label to the integration that uses it/);
  });

  it("warns, without failing, for a key past the advisory rotation maximum; the pack's config raises and tightens it", async () => {
    const s = await stackOf("policy-rotation", `label: "app-web", rotateAfterDays: 45`);
    const lax = await s.run(["preview", "--policy-pack", LAUNCHER]);
    assert.equal(lax.code, 0, lax.output);
    assert.doesNotMatch(lax.output, /otterstorage-access-key-rotation/, "45 days is within the default 90");

    const s2 = await stackOf("policy-rotation-long", `label: "app-web", rotateAfterDays: 120`);
    const warned = await s2.run(["preview", "--policy-pack", LAUNCHER]);
    assert.equal(warned.code, 0, warned.output);
    assert.match(warned.output, /\[advisory\][^\n]*otterstorage-access-key-rotation/);
    assert.match(messages(warned), /"app": rotateAfterDays is 120, more than the allowed 90 days/);

    const config = path.join(s.project.dir, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ "otterstorage-access-key-rotation": { enforcementLevel: "mandatory", maxRotationDays: 30 } }));
    const strict = await s.run(["preview", "--policy-pack", LAUNCHER, "--policy-pack-config", config]);
    assert.notEqual(strict.code, 0, strict.output);
    assert.match(strict.output, /\[mandatory\][^\n]*otterstorage-access-key-rotation/);
    assert.match(messages(strict), /"app": rotateAfterDays is 45, more than the allowed 30 days/);
  });

  it("`npm run up -- --policy-pack policy` runs the pack and refuses the unlabelled key", async () => {
    const p: Project = engine().project("policy-npm-up", program(`rotateAfterDays: 90`));
    fs.writeFileSync(path.join(p.dir, "Pulumi.dev.yaml"), `config:\n  otterstorage:endpoint: ${os.controlUrl}\n`);
    const env = p.env({ OTTERSTORAGE_TOKEN: os.token });
    const r = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const c = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "up.js"), "--cwd", p.dir, "--stack", "dev", "--", "--policy-pack", "policy"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      c.stdout.on("data", (d) => (output += d));
      c.stderr.on("data", (d) => (output += d));
      c.once("close", (code) => resolve({ code, output }));
    });
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output.replace(/\s+/g, " "), /Access key "app" has no label/);
    const keys = (await fetch(`${os.controlUrl}/v1/buckets`, { headers: { authorization: `Bearer ${os.token}` } }).then((x) => x.json())) as { buckets: { name: string }[] };
    assert.ok(!keys.buckets.some((b) => b.name.startsWith("data-")), "the refused update created nothing");
  });
});
