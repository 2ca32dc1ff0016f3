import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./examples-harness";

/**
 * Each example is a Pulumi project with its own tsconfig (what the Pulumi CLI's TypeScript support uses); they
 * must type-check on their own, importing "pulumi-otterstorage" as a user's program does (here: the build's
 * mirror in node_modules).
 */
/** The TypeScript examples: Pulumi projects whose runtime is nodejs (examples/yaml, python and go run under tests/engine-native). */
const EXAMPLES = fs.readdirSync(path.join(ROOT, "examples")).filter((d) => /^runtime: nodejs$/m.test(fs.existsSync(path.join(ROOT, "examples", d, "Pulumi.yaml")) ? fs.readFileSync(path.join(ROOT, "examples", d, "Pulumi.yaml"), "utf8") : ""));

describe("examples type-check with their own tsconfig", () => {
  it("finds the three TypeScript examples", () => {
    assert.deepEqual([...EXAMPLES].sort(), ["ci-pipeline", "environments", "restic-backups"]);
  });

  for (const name of EXAMPLES) {
    it(`examples/${name}: tsc --noEmit passes and the project has index.ts, README.md and package.json`, () => {
      const dir = path.join(ROOT, "examples", name);
      for (const f of ["index.ts", "README.md", "package.json", "tsconfig.json"]) assert.ok(fs.existsSync(path.join(dir, f)), `${name}/${f}`);
      const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", dir], { encoding: "utf8", cwd: ROOT });
      assert.equal(r.status, 0, `tsc -p examples/${name}:\n${r.stdout}${r.stderr}`);
    });
  }
});
