import * as assert from "node:assert/strict";
import * as path from "path";
import { FAKE_ENDPOINT, FAKE_SECRET, ROOT, runProgram } from "./examples-harness";
import { policyDiagnostics } from "./examples-policy";

const ENTRY = path.join(ROOT, "dist", "examples", "restic-backups", "index.js");

describe("examples/restic-backups under mocks", () => {
  it("creates one bucket with exactly one key, labelled backups-restic, taking its bucket from that Bucket", async () => {
    const run = await runProgram(ENTRY, { project: "otterstorage-restic-backups", stack: "dev" });
    const [bucket, ...moreBuckets] = run.byType("pulumi-nodejs:dynamic/otterstorage:Bucket");
    const keys = run.byType("pulumi-nodejs:dynamic/otterstorage:AccessKey");
    assert.equal(moreBuckets.length, 0);
    assert.deepEqual(keys.map((k) => k.inputs.label), ["backups-restic"]);
    assert.equal(keys[0].inputs.rotateAfterDays, 90);
    assert.deepEqual(keys[0].propertyDependencies.bucket, [bucket.urn]);
    assert.ok(keys[0].additionalSecretOutputs.includes("secretAccessKey"));
    assert.deepEqual(bucket.inputs.lifecycleRules, [{ id: "abort-stale-uploads", abortIncompleteMultipartUploadDays: 7 }]);
  });

  it("exports the exact restic environment as a secret, and the repository without secrets", async () => {
    const run = await runProgram(ENTRY, { project: "otterstorage-restic-backups", stack: "dev", config: { "otterstorage-restic-backups:host": "laptop" } });
    const env = run.outputs.resticEnv;
    assert.equal(env.secret, true);
    const lines = String(env.value).trim().split("\n");
    assert.deepEqual(
      lines.map((l) => l.split("=")[0]),
      ["export AWS_ACCESS_KEY_ID", "export AWS_SECRET_ACCESS_KEY", "export AWS_DEFAULT_REGION", "export RESTIC_REPOSITORY", "export RESTIC_PASSWORD_FILE"],
    );
    assert.ok(lines.includes(`export AWS_SECRET_ACCESS_KEY=${FAKE_SECRET}`));
    assert.ok(lines.includes("export AWS_DEFAULT_REGION=eu-mad"));
    assert.ok(lines.includes(`export RESTIC_REPOSITORY=s3:${FAKE_ENDPOINT}/backups-abcdefg/laptop`));
    assert.ok(!lines.some((l) => l.startsWith("export RESTIC_PASSWORD=")), "the repository password stays out of Pulumi state");
    assert.equal(run.outputs.secretAccessKey.secret, true);
    assert.equal(run.outputs.resticRepository.secret, false);
    assert.equal(run.outputs.resticRepository.value, `s3:${FAKE_ENDPOINT}/backups-abcdefg/laptop`);
  });

  it("passes the policy pack without a single diagnostic", async () => {
    const run = await runProgram(ENTRY, { project: "otterstorage-restic-backups", stack: "dev" });
    assert.deepEqual(await policyDiagnostics(run, "dev"), []);
  });
});
