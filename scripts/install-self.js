#!/usr/bin/env node
/**
 * Mirrors this package into node_modules/pulumi-otterstorage as a real directory, the way a user's project has it.
 *
 * Why: the SDK hands Pulumi a provider object that *is* the exports of a module of this package
 * (provider/dynamic/*.ts). Pulumi's closure serializer writes such an object as a one-line
 * `require("pulumi-otterstorage/dist/provider/dynamic/…")` only when the module's path runs through node_modules;
 * from a plain checkout (or a symlink, which Node resolves to the checkout) it would copy the code by value.
 * Programs and tests here import "pulumi-otterstorage" and get this mirror, so what they serialize is
 * byte-for-byte what a user's program serializes. (No "exports" map in package.json: with one, Node's
 * self-reference would resolve "pulumi-otterstorage" to the checkout instead of the mirror.)
 */
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..");
const modules = path.join(root, "node_modules");
if (!fs.existsSync(modules)) return;
const target = path.join(modules, "pulumi-otterstorage");
const staging = fs.mkdtempSync(path.join(modules, ".pulumi-otterstorage-"));
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
fs.writeFileSync(path.join(staging, "package.json"), JSON.stringify(pkg, null, 2));
// `files` holds globs such as dist/provider/**/*.js: copy each glob's directory (what npm pack would take from it).
for (const rel of new Set(pkg.files.map((f) => f.split("/**")[0]))) {
  const from = path.join(root, rel);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(staging, rel), { recursive: true, filter: (f) => !f.endsWith(".tsbuildinfo") });
}
// Swap in place so a concurrent reader sees either the old or the new tree, never a half-copied one.
const old = target + ".old-" + process.pid;
try { fs.renameSync(target, old); } catch { /* first build */ }
fs.renameSync(staging, target);
fs.rmSync(old, { recursive: true, force: true });
