/**
 * Removes compiled files whose TypeScript source is gone (a renamed or deleted module or test). `tsc --build` never
 * deletes outputs, so after a rename the old dist/tests/x.test.js would still run under mocha, and an old
 * emulator/dist module would still be importable. Each output directory maps to its source directory the way its
 * tsconfig's rootDir/outDir do — read from tsconfig.json and the projects it references (dist/ → the repository
 * root, api/dist/ → api/, emulator/dist/ → emulator/), so a new package needs no edit here.
 */
const fs = require("fs");
const path = require("path");

const OUTPUT = /\.(js|d\.ts|js\.map|d\.ts\.map)$/;

/** [outDir, rootDir] of tsconfig.json and of each project it references, relative to `root`. */
function outputDirs(root) {
  const read = (dir) => JSON.parse(fs.readFileSync(path.join(root, dir, "tsconfig.json"), "utf8"));
  const top = read(".");
  return [".", ...(top.references || []).map((r) => r.path)].map((dir) => {
    const { outDir, rootDir = "." } = (dir === "." ? top : read(dir)).compilerOptions;
    return [path.join(dir, outDir), path.join(dir, rootDir)];
  });
}

/** @returns the removed files, relative to `root`. */
function pruneStale(root, pairs = outputDirs(root)) {
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
