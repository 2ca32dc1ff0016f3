/**
 * Removes compiled files whose TypeScript source is gone (a renamed or deleted module or test). `tsc --build` never
 * deletes outputs, so after a rename the old dist/tests/x.test.js would still run under mocha, and an old
 * emulator/dist module would still be importable. Each output directory maps to its source directory the way its
 * tsconfig's rootDir/outDir do: dist/ → the repository root, api/dist/ → api/, emulator/dist/ → emulator/.
 */
const fs = require("fs");
const path = require("path");

const OUTPUT = /\.(js|d\.ts|js\.map|d\.ts\.map)$/;

/** @returns the removed files, relative to `root`. */
function pruneStale(root, pairs = [["dist", "."], ["api/dist", "api"], ["emulator/dist", "emulator"]]) {
  const removed = [];
  for (const [out, src] of pairs) {
    const walk = (dir) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (OUTPUT.test(e.name)) {
          const rel = path.relative(path.join(root, out), p).replace(OUTPUT, "");
          if (!fs.existsSync(path.join(root, src, rel + ".ts"))) {
            fs.rmSync(p);
            removed.push(path.relative(root, p));
          }
        }
      }
    };
    walk(path.join(root, out));
  }
  return removed;
}

module.exports = { pruneStale };
