/**
 * The build removes what a rename leaves behind (scripts/prune-stale.js): without it, dist/tests/<old name>.test.js
 * kept running under mocha after its source was renamed, and a moved module stayed importable from its old path.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const { pruneStale } = require("../../scripts/prune-stale.js") as { pruneStale: (root: string) => string[] };

describe("the build prunes outputs whose source is gone", () => {
  it("removes the compiled files (js, d.ts, maps) of deleted sources in dist/, api/dist and emulator/dist, and keeps the rest", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "otter-prune-"));
    try {
      const write = (rel: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), "");
      };
      for (const f of ["tests/kept.test.ts", "api/schemas.ts", "emulator/s3/objects.ts"]) write(f);
      // The layout comes from the tsconfigs, as in the repository: the root project and the two it references.
      fs.writeFileSync(path.join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: "." }, references: [{ path: "./api" }, { path: "./emulator" }] }));
      for (const d of ["api", "emulator"]) fs.writeFileSync(path.join(root, d, "tsconfig.json"), JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: "." } }));
      const kept = ["dist/tests/kept.test.js", "dist/tests/kept.test.d.ts", "api/dist/schemas.js", "emulator/dist/s3/objects.js", "dist/.tsbuildinfo", "emulator/dist/s3/objects.js.map"];
      const stale = ["dist/tests/lifecycle-age.test.js", "dist/tests/lifecycle-age.test.d.ts", "dist/tests/lifecycle-age.test.js.map", "api/dist/old.js", "emulator/dist/s3/gone.d.ts", "emulator/dist/s3/gone.d.ts.map"];
      for (const f of [...kept, ...stale]) write(f);
      assert.deepEqual(pruneStale(root).sort(), stale.sort());
      for (const f of kept) assert.ok(fs.existsSync(path.join(root, f)), `${f} kept`);
      for (const f of stale) assert.ok(!fs.existsSync(path.join(root, f)), `${f} removed`);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
