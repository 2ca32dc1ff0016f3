import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { FAKE_SECRET, ROOT, runProgram } from "./examples-harness";
import { policyDiagnostics } from "./examples-policy";

const yaml = require("js-yaml") as { load(s: string): any };

describe("root quickstart (Pulumi.yaml) under mocks", () => {
  const project = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
  const entry = path.join(ROOT, project.main);

  it("is a nodejs project whose main is the built quickstart program, with a dev stack on Local OtterStorage", () => {
    assert.equal(project.runtime, "nodejs");
    assert.equal(project.main, "dist/quickstart/index.js");
    assert.ok(fs.existsSync(entry), "npm run build produced the program");
    const dev = yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
    assert.match(dev.config["otterstorage:endpoint"], /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(dev.config["otterstorage:token"], undefined, "no token at rest in the repository");
  });

  it("creates one bucket and two labelled keys on it, and exports the secrets only as stack secrets", async () => {
    const run = await runProgram(entry, { project: project.name, stack: "dev" });
    const [bucket, ...more] = run.byType("pulumi-nodejs:dynamic/otterstorage:Bucket");
    assert.equal(more.length, 0);
    const keys = run.byType("pulumi-nodejs:dynamic/otterstorage:AccessKey");
    assert.deepEqual(keys.map((k) => k.inputs.label), ["app-web", "ci-deploy"]);
    assert.deepEqual(keys.map((k) => k.inputs.rotateAfterDays), [90, 90]);
    for (const k of keys) {
      assert.deepEqual(k.propertyDependencies.bucket, [bucket.urn]);
      assert.ok(k.additionalSecretOutputs.includes("secretAccessKey"));
    }
    const o = run.outputs;
    assert.equal(o.appWebSecretAccessKey.secret, true);
    assert.equal(o.ciDeploySecretAccessKey.secret, true);
    for (const plain of ["bucketName", "endpoint", "region", "appWebAccessKeyId", "ciDeployAccessKeyId", "awsCli"]) {
      assert.equal(o[plain].secret, false, plain);
      assert.ok(!String(o[plain].value).includes(FAKE_SECRET), `${plain} holds no secret`);
    }
    assert.equal(
      o.awsCli.value,
      "AWS_ACCESS_KEY_ID=$(pulumi stack output appWebAccessKeyId) AWS_SECRET_ACCESS_KEY=$(pulumi stack output appWebSecretAccessKey --show-secrets) " +
        "AWS_DEFAULT_REGION=eu-mad aws --endpoint-url https://es-mad-1.s3.otterstorage.io s3 ls s3://quickstart-abcdefg",
    );
  });

  it("passes the policy pack without a single diagnostic", async () => {
    const run = await runProgram(entry, { project: project.name, stack: "dev" });
    assert.deepEqual(await policyDiagnostics(run, "dev"), []);
  });
});
