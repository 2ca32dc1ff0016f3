/**
 * The README is part of the product: its generated reference must match schema.json, and its ten-line program
 * must type-check against the built package and produce what the text says (one bucket, two labelled keys, the
 * secret exported as a stack secret).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT, runProgram } from "./examples-harness";

const readme = () => fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

function tenLineProgram(): string {
  const text = readme();
  const at = text.indexOf("## A ten-line program");
  assert.ok(at >= 0, "README has a ten-line program section");
  const m = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  assert.ok(m, "the section has a ts code block");
  return m[1];
}

describe("README", () => {
  it("has a resources reference that matches schema.json", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/gen-reference.js"), "--check"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  it("names the two commands of a fresh machine, and .ci/run calls the test one", () => {
    const text = readme();
    assert.match(text, /^npm ci\b/m);
    assert.match(text, /^npm test\b/m);
    assert.match(fs.readFileSync(path.join(ROOT, ".ci/run"), "utf8"), /^npm test$/m);
  });

  describe("the ten-line program", function () {
    this.timeout(120_000);
    const dir = path.join(ROOT, ".cache", "readme-program");
    before(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "index.ts"), tenLineProgram());
    });

    it("is at most ten lines of code plus imports and exports", () => {
      const code = tenLineProgram().split("\n").filter((l) => l.trim() && !l.startsWith("import "));
      assert.ok(code.length <= 10, `${code.length} lines`);
    });

    it("type-checks against the built package", () => {
      const tsc = require.resolve("typescript/bin/tsc");
      const r = spawnSync(process.execPath, [tsc, "--noEmit", "--strict", "--esModuleInterop", "--skipLibCheck", "--module", "commonjs",
        "--moduleResolution", "node", "--target", "es2022", "--types", "node", path.join(dir, "index.ts")], { encoding: "utf8", cwd: ROOT });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });

    it("creates one bucket with two labelled keys and exports the secret as a stack secret", async () => {
      const ts = require("typescript") as typeof import("typescript");
      const js = ts.transpileModule(tenLineProgram(), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      const entry = path.join(dir, "index.js");
      fs.writeFileSync(entry, js);
      const run = await runProgram(entry, { project: "readme", stack: "dev" });
      const buckets = run.byType("pulumi-nodejs:dynamic/otterstorage:Bucket");
      const keys = run.byType("pulumi-nodejs:dynamic/otterstorage:AccessKey");
      assert.equal(buckets.length, 1);
      assert.deepEqual(keys.map((k) => k.inputs.label).sort(), ["app-web", "ci-deploy"]);
      for (const k of keys) assert.ok(k.additionalSecretOutputs.includes("secretAccessKey"));
      assert.equal(run.outputs.webSecretAccessKey.secret, true);
      assert.equal(run.outputs.webAccessKeyId.secret, false);
    });
  });
});
