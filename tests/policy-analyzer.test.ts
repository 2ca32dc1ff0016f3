/**
 * The executable analyzer (policy/pulumi-analyzer-otterstorage + policy/analyzer.js), started as the Pulumi CLI
 * starts an executable given to `--policy-pack`: the file itself, the program's folder as working directory, the
 * engine's address as argument, the port read from its first line. The CLI calls Handshake and ConfigureStack first;
 * the pack must then get what a modern language host gives it (PULUMI_NODEJS_PROJECT/STACK/ORGANIZATION/DRY_RUN,
 * PULUMI_CONFIG), read here from the pack process's own environment (/proc/<pid>/environ).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import { bucket, key, LAUNCHER, PackServer, startPackServer } from "./policy-harness";

/** The environment of the process that serves the pack: the launcher's one child. */
function packEnvironment(launcherPid: number): Record<string, string> {
  const children = fs.readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  assert.equal(children.length, 1, `the launcher runs one pack process: ${children.join(" ")}`);
  const text = fs.readFileSync(`/proc/${children[0]}/environ`, "utf8");
  return Object.fromEntries(text.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

describe("policy pack as an executable analyzer (--policy-pack policy/pulumi-analyzer-otterstorage)", function () {
  this.timeout(120_000);
  let pack: PackServer;
  let program: string;
  before(async () => {
    program = fs.mkdtempSync(`${os.tmpdir()}/policy-program-`);
    pack = await startPackServer({ launcher: true, cwd: program });
  });
  after(async () => {
    await pack?.stop();
    if (program) fs.rmSync(program, { recursive: true, force: true });
  });

  it("is an executable file, as the CLI requires to run it directly", () => {
    assert.ok(fs.statSync(LAUNCHER).mode & 0o111, "executable");
  });

  it("starts the pack with the stack's organization, project, stack, dry run and config, as a language host would", async () => {
    await pack.configureStack({ organization: "acme", project: "storage", stack: "prod", dryRun: true, config: { "storage:region": "eu-mad" } });
    // The pack starts on the first call after ConfigureStack.
    const info = (await pack.info()).toObject();
    assert.equal(info.name, "otterstorage");
    const env = packEnvironment(pack.pid);
    assert.equal(env.PULUMI_NODEJS_ORGANIZATION, "acme");
    assert.equal(env.PULUMI_NODEJS_PROJECT, "storage");
    assert.equal(env.PULUMI_NODEJS_STACK, "prod");
    assert.equal(env.PULUMI_NODEJS_DRY_RUN, "true");
    assert.deepEqual(JSON.parse(env.PULUMI_CONFIG), { "storage:region": "eu-mad" });
  });

  it("relays policy config (Configure) and analysis to the pack", async () => {
    await pack.configure({ "otterstorage-access-key-rotation": { enforcementLevel: "mandatory", maxRotationDays: 30 } });
    const ds = (await pack.analyze(key("app-web", bucket("assets"), { rotateAfterDays: 45 }))).filter((d) => d.policy === "otterstorage-access-key-rotation");
    assert.deepEqual(ds.map((d) => d.level), ["mandatory"]);
    assert.match(ds[0].message, /rotateAfterDays is 45, more than the allowed 30 days/);
    const unlabelled = await pack.analyze(key("app", bucket("assets"), { label: undefined }));
    assert.ok(unlabelled.some((d) => d.policy === "otterstorage-access-key-labelled" && d.level === "mandatory"));
  });
});
