#!/usr/bin/env node
// The native plugin as users install it with `pulumi plugin install resource otterstorage <version> --file <tarball>`
// (docs/native-plugin.md): one executable file, `pulumi-resource-otterstorage` (dist/plugin/main.js bundled with
// everything it requires by esbuild, a `#!/usr/bin/env node` first line; main.js starts itself when run), beside schema.json and a package.json
// that carries the version GetPluginInfo reports. Written to dist/plugin-package/ and packed as
// dist/pulumi-resource-otterstorage-v<version>.tar.gz. Run by scripts/build.js after tsc.
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

function buildPlugin(root) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const out = path.join(root, "dist", "plugin-package");
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const exe = path.join(out, "pulumi-resource-otterstorage");
  require("esbuild").buildSync({
    entryPoints: [path.join(root, "dist", "plugin", "main.js")],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile: exe,
    banner: { js: "#!/usr/bin/env node" },
    logLevel: "warning",
  });
  fs.chmodSync(exe, 0o755);
  fs.copyFileSync(path.join(root, "schema.json"), path.join(out, "schema.json"));
  fs.writeFileSync(path.join(out, "package.json"), JSON.stringify({ name: "pulumi-resource-otterstorage", version: pkg.version, private: true }, null, 2) + "\n");
  fs.copyFileSync(path.join(root, "LICENSE"), path.join(out, "LICENSE"));
  const tarball = path.join(root, "dist", `pulumi-resource-otterstorage-v${pkg.version}.tar.gz`);
  const tar = spawnSync("tar", ["-czf", tarball, "-C", out, "."], { stdio: "inherit" });
  if (tar.status !== 0) throw new Error(`tar exited ${tar.status}`);
  return { dir: out, tarball, version: pkg.version };
}

module.exports = { buildPlugin };
if (require.main === module) console.log(buildPlugin(path.resolve(__dirname, "..")).tarball);
