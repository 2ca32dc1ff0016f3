import * as assert from "node:assert/strict";
import * as path from "path";
import { FAKE_SECRET, ProgramRun, Registered, ROOT, runProgram } from "./examples-harness";
import { mandatory, policyDiagnostics } from "./examples-policy";

const ENTRY = path.join(ROOT, "dist", "examples", "environments", "index.js");
const BUCKET = "pulumi-nodejs:dynamic/otterstorage:Bucket";
const KEY = "pulumi-nodejs:dynamic/otterstorage:AccessKey";

/** bucket logical name -> labels of the keys whose `bucket` input comes from it. */
function keysPerBucket(run: ProgramRun): Record<string, string[]> {
  const buckets = run.byType(BUCKET);
  const out: Record<string, string[]> = Object.fromEntries(buckets.map((b) => [b.name, []]));
  for (const k of run.byType(KEY)) {
    const from = (k.propertyDependencies.bucket ?? []).map((urn) => buckets.find((b) => b.urn === urn)!.name);
    assert.equal(from.length, 1, `key ${k.name} takes its bucket from exactly one Bucket`);
    out[from[0]].push(k.inputs.label);
  }
  return out;
}

describe("examples/environments under mocks", () => {
  const runs: Record<string, ProgramRun> = {};
  before(async () => {
    for (const stack of ["dev", "staging", "prod"]) runs[stack] = await runProgram(ENTRY, { project: "otterstorage-environments", stack });
  });

  it("gives every stack its own two buckets, named after the environment (the provider adds the random suffix)", () => {
    for (const [stack, run] of Object.entries(runs)) {
      const names = run.byType(BUCKET).map((b: Registered) => b.name).sort();
      assert.deepEqual(names, [`acme-assets-${stack}`, `acme-backups-${stack}`]);
      for (const b of run.byType(BUCKET)) {
        assert.equal(b.inputs.name, undefined, "auto-named: <logical name>-<7 random letters>, chosen in check and kept");
        assert.equal(b.inputs.tags.environment, stack);
      }
    }
  });

  it("issues one labelled key per integration, on the one bucket that integration needs", () => {
    for (const [stack, run] of Object.entries(runs)) {
      assert.deepEqual(keysPerBucket(run), { [`acme-assets-${stack}`]: ["app-web", "ci-deploy"], [`acme-backups-${stack}`]: ["backups-restic"] });
    }
  });

  it("protects prod buckets and keeps their objects on destroy; dev and staging can be torn down", () => {
    for (const b of runs.prod.byType(BUCKET)) {
      assert.equal(b.protect, true, b.name);
      assert.equal(b.inputs.forceDestroy, false, b.name);
    }
    for (const b of [...runs.dev.byType(BUCKET), ...runs.staging.byType(BUCKET)]) {
      assert.equal(b.protect, false);
      assert.equal(b.inputs.forceDestroy, true);
    }
  });

  it("asks for secretAccessKey as a secret output on every key and exports secrets only as stack secrets", () => {
    for (const [stack, run] of Object.entries(runs)) {
      for (const k of run.byType(KEY)) assert.ok(k.additionalSecretOutputs.includes("secretAccessKey"), k.name);
      const o = run.outputs;
      assert.equal(o.secretAccessKeys.secret, true);
      assert.deepEqual(o.secretAccessKeys.value, { "app-web": FAKE_SECRET, "ci-deploy": FAKE_SECRET, "backups-restic": FAKE_SECRET });
      assert.equal(o.awsCredentials.secret, true);
      assert.match(o.awsCredentials.value, new RegExp(`\\[otter-${stack}-backups-restic\\]\\naws_access_key_id = OTTR\\d{16}\\naws_secret_access_key = ${FAKE_SECRET}`));
      for (const plain of ["environment", "bucketNames", "endpoint", "region", "accessKeyIds", "awsConfig"]) {
        assert.equal(o[plain].secret, false, `${plain} should be plain`);
        assert.ok(!JSON.stringify(o[plain].value).includes(FAKE_SECRET), `${plain} must not hold a secret`);
      }
      assert.match(o.awsConfig.value, new RegExp(`\\[profile otter-${stack}-app-web\\]\\nregion = eu-mad\\nendpoint_url = https://`));
    }
  });

  it("rotates every key after 90 days by default, after the configured age, and now when `rotation` changes", async () => {
    for (const k of runs.dev.byType(KEY)) {
      assert.equal(k.inputs.rotateAfterDays, 90);
      assert.equal(k.inputs.rotationTrigger, undefined);
    }
    const now = await runProgram(ENTRY, {
      project: "otterstorage-environments",
      stack: "dev",
      config: { "otterstorage-environments:rotation": "after-offboarding-1", "otterstorage-environments:rotateAfterDays": "30" },
    });
    for (const k of now.byType(KEY)) {
      assert.equal(k.inputs.rotationTrigger, "after-offboarding-1");
      assert.equal(k.inputs.rotateAfterDays, 30);
    }
  });

  it("passes the policy pack in every stack without a single diagnostic", async () => {
    for (const [stack, run] of Object.entries(runs)) assert.deepEqual(await policyDiagnostics(run, stack), [], stack);
    // The check is not vacuous: the same prod graph with one bucket unprotected is refused.
    const assets = runs.prod.byType(BUCKET).find((b) => b.name === "acme-assets-prod")!;
    assets.protect = false;
    try {
      assert.match(mandatory(await policyDiagnostics(runs.prod, "prod")).join("\n"), /otterstorage-production-bucket-protected: [\s\S]*"acme-assets-prod" is production/);
    } finally {
      assets.protect = true;
    }
  });
});
