#!/usr/bin/env node
// tsc --build (api/ → api/dist, emulator/ → emulator/dist, the rest → dist; tsconfig.json references), then mirror the package into node_modules (scripts/install-self.js). tsc emits even when it reports type
// errors, so the mirror is always refreshed; the exit code is still tsc's, so CI fails on any type error.
const { spawnSync } = require("child_process");
const path = require("path");
const root = path.resolve(__dirname, "..");
// Outputs of sources that no longer exist (a renamed test would otherwise still run): scripts/prune-stale.js.
require("./prune-stale.js").pruneStale(root);
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--build", path.join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
// npm links each package's bins (node_modules/.bin/otterstorage-local → emulator/dist/cli.js) at `npm ci`, before
// this build writes the files, so it cannot mark them executable: do it here.
const fs = require("fs");
for (const dir of [root, path.join(root, "api"), path.join(root, "emulator")]) {
  const bin = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).bin || {};
  for (const rel of Object.values(bin)) if (fs.existsSync(path.join(dir, rel))) fs.chmodSync(path.join(dir, rel), 0o755);
}
require("./install-self.js");
process.exit(tsc.status ?? 1);
