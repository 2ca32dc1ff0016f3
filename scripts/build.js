#!/usr/bin/env node
// tsc --build (api/ → api/dist, emulator/ → emulator/dist, the rest → dist; tsconfig.json references), then mirror the package into node_modules (scripts/install-self.js). tsc emits even when it reports type
// errors, so the mirror is always refreshed; the exit code is still tsc's, so CI fails on any type error.
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
// Outputs of sources that no longer exist (a renamed test would otherwise still run): scripts/prune-stale.js.
require("./prune-stale.js").pruneStale(root);
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--build", path.join(root, "tsconfig.json")], { stdio: "inherit", cwd: root });
require("./install-self.js");
// The native plugin's install tarball (scripts/build-plugin.js), when the plugin compiled.
if (fs.existsSync(path.join(root, "dist", "plugin", "main.js"))) require("./build-plugin.js").buildPlugin(root);
// The OpenTofu provider as `tofu init` installs it offline (dist/terraform-mirror).
require("./terraform-mirror.js");
process.exit(tsc.status ?? 1);
