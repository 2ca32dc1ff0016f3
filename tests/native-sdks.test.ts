/**
 * The generated SDKs under sdks/ (Node.js, Python, Go) are what tools/pulumi-gen-otterstorage writes from schema.json
 * (docs/native-sdks.md): regenerating into a temporary folder must give byte-identical files, no more and no fewer.
 * A stale SDK means schema.json changed without `npm run sdks`. The generator is a Go program; without Go this
 * suite is reported as skipped with the reason.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SDK_NAMES } from "../provider/schema";
import { skipBecause } from "./support/skip";

const ROOT = path.resolve(__dirname, "..", "..");
const LANGS = ["nodejs", "python", "go"] as const;

/** Every file under `dir`, as paths relative to it (sorted). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe("generated SDKs (sdks/ from schema.json; refresh: npm run sdks)", function () {
  // The first run builds the generator (a link against pkg/v3, whose packages the toolchain's CLI build compiled).
  this.timeout(20 * 60_000);
  let out = "";

  before(function () {
    if (spawnSync("go", ["version"]).status !== 0) return skipBecause(this, "Go is not installed: the SDK generator is a Go program (tools/pulumi-gen-otterstorage, docs/native-sdks.md)");
    out = fs.mkdtempSync(path.join(os.tmpdir(), "otter-sdks-"));
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "gen-sdks.sh"), out], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, `scripts/gen-sdks.sh failed:\n${r.stdout}\n${r.stderr}`);
  });

  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  for (const lang of LANGS) {
    it(`regenerating the ${lang} SDK gives exactly the committed files of sdks/${lang}`, () => {
      const fresh = filesUnder(path.join(out, lang));
      const committed = filesUnder(path.join(ROOT, "sdks", lang));
      assert.ok(fresh.length > 5, `the generator wrote only ${fresh.length} ${lang} files`);
      assert.deepEqual(committed, fresh, `sdks/${lang} has other files than the generator writes: run \`npm run sdks\``);
      const stale = fresh.filter((f) => !fs.readFileSync(path.join(out, lang, f)).equals(fs.readFileSync(path.join(ROOT, "sdks", lang, f))));
      assert.deepEqual(stale, [], `stale files in sdks/${lang}: run \`npm run sdks\``);
    });
  }

  it("names the packages as schema.json's language sections say, each with the schema's version", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
    const node = JSON.parse(fs.readFileSync(path.join(ROOT, "sdks", "nodejs", "package.json"), "utf8"));
    assert.equal(node.name, SDK_NAMES.nodejs);
    assert.equal(node.version, schema.version);
    // The engine reads which plugin a package needs from pulumi-plugin.json: the native plugin, at the schema's version.
    for (const f of ["sdks/nodejs/package.json", "sdks/python/pulumi_otterstorage/pulumi-plugin.json", "sdks/go/otterstorage/pulumi-plugin.json"]) {
      const text = fs.readFileSync(path.join(ROOT, f), "utf8");
      assert.match(text, /"name": "otterstorage"/, f);
    }
    assert.match(fs.readFileSync(path.join(ROOT, "sdks", "python", "pyproject.toml"), "utf8"), new RegExp(`name = "${SDK_NAMES.python.replace(/_/g, "[_-]")}"`));
    // A Go program uses the SDK with `replace <module> => <path to sdks/go>`: the module line must be that path.
    assert.match(fs.readFileSync(path.join(ROOT, "sdks", "go", "go.mod"), "utf8"), new RegExp(`^module ${SDK_NAMES.goModule.replace(/\./g, "\\.")}$`, "m"));
  });
  it("the Node SDK type-checks with its own tsconfig against the newest @pulumi/pulumi 3.x (it needs >= 3.269, newer than the repo's 3.248)", function () {
    // scripts/setup-compat.sh installs the newest @pulumi/pulumi into .cache/compat (CI runs it before npm test).
    const compat = path.join(ROOT, ".cache", "compat", "node_modules");
    if (!fs.existsSync(path.join(compat, "@pulumi", "pulumi", "package.json"))) return skipBecause(this, "no newer @pulumi/pulumi in .cache/compat: run scripts/setup-compat.sh");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-sdk-node-"));
    try {
      fs.cpSync(path.join(ROOT, "sdks", "nodejs"), dir, { recursive: true });
      fs.symlinkSync(compat, path.join(dir, "node_modules"));
      const r = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", dir, "--noEmit"], { encoding: "utf8" });
      assert.equal(r.status, 0, `tsc -p sdks/nodejs:\n${r.stdout}${r.stderr}`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
