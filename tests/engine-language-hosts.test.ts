/**
 * Programs in Pulumi YAML, Python and Go run under the real CLI with the language hosts scripts/pulumi-toolchain.sh
 * builds (docs/engine.md "Running programs in YAML, Python and Go"): `pulumi up` exports a plain and a secret stack
 * output, `pulumi stack output` shows the secret as [secret] and reveals it with --show-secrets, the state files never
 * hold it in plaintext, and destroy succeeds. The Python program imports the generated SDK from the venv that
 * scripts/setup-python.sh makes; the Go program compiles the generated Go SDK through a go.mod `replace`. No provider
 * is involved: this checks the hosts and the SDKs' packaging, before any resource.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./support/host";
import { type Project, useEngine } from "./support/pulumi";
import { skipBecause } from "./support/skip";

const VENV = path.join(REPO_ROOT, ".tools", "python");

/** Every file under the file backend's directory holds no `secret` in plaintext. */
function assertNoPlaintext(p: Project, secret: string): void {
  const dir = p.stateDir;
  assert.ok(dir, "a file backend");
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]) {
    if (!e.isFile()) continue;
    const f = path.join(e.parentPath, e.name);
    assert.ok(!fs.readFileSync(f, "utf8").includes(secret), `${path.relative(dir, f)} holds the secret in plaintext`);
  }
}

/** up → outputs (hidden, then shown) → no plaintext in state → destroy. */
async function upShowsAndHidesTheSecret(p: Project, greeting: string, secret: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000): Promise<void> {
  const s = await p.stack("dev");
  await s.ok(["up", "--yes", "--skip-preview"], { env, timeoutMs });
  const shown = await s.ok(["stack", "output", "--json"], { env });
  const hidden = JSON.parse(shown.stdout);
  assert.equal(hidden.greeting, greeting);
  assert.equal(hidden.hidden, "[secret]");
  const revealed = JSON.parse((await s.ok(["stack", "output", "--json", "--show-secrets"], { env })).stdout);
  assert.equal(revealed.hidden, secret);
  assertNoPlaintext(p, secret);
  await s.ok(["destroy", "--yes", "--skip-preview"], { env, timeoutMs });
}

describe("engine: programs in YAML, Python and Go with the toolchain's language hosts", function () {
  this.timeout(20 * 60_000);
  const engine = useEngine();
  const needHost = (ctx: Mocha.Context, lang: string): boolean => {
    if (fs.existsSync(path.join(engine().cli.dir, `pulumi-language-${lang}`))) return true;
    skipBecause(ctx, `no pulumi-language-${lang} beside ${engine().cli.bin}: run scripts/pulumi-toolchain.sh (or install the CLI with the official installer)`);
    return false;
  };

  it("a YAML program exports a plain and a secret output; the secret is [secret] until revealed and never plaintext in state", async function () {
    if (!needHost(this, "yaml")) return;
    const p = engine().project("hosts-yaml", "", {
      "Pulumi.yaml": "name: hosts-yaml\nruntime: yaml\noutputs:\n  greeting: hello from yaml\n  hidden:\n    fn::secret: yaml-secret-4f1c9e\n",
    });
    await upShowsAndHidesTheSecret(p, "hello from yaml", "yaml-secret-4f1c9e");
  });

  it("a Python program in the .tools/python venv imports the generated pulumi_otterstorage and keeps its secret output secret", async function () {
    if (!needHost(this, "python")) return;
    if (!fs.existsSync(path.join(VENV, "bin", "python"))) return skipBecause(this, "no Python environment in .tools/python: run scripts/setup-python.sh");
    const p = engine().project("hosts-python", "", {
      "Pulumi.yaml": "name: hosts-python\nruntime: python\n",
      "__main__.py": [
        "import pulumi",
        "import pulumi_otterstorage as otterstorage",
        "",
        'pulumi.export("greeting", "hello from python")',
        'pulumi.export("hidden", pulumi.Output.secret("python-secret-8d2a71"))',
        'pulumi.export("sdkTypes", [otterstorage.Bucket.__name__, otterstorage.AccessKey.__name__, otterstorage.Provider.__name__])',
        "",
      ].join("\n"),
    });
    // The v3.79 host ignores Pulumi.yaml's runtime options: the venv is activated the way a user's shell would.
    const env = { VIRTUAL_ENV: VENV, PATH: [path.join(VENV, "bin"), engine().cli.dir, process.env.PATH].join(path.delimiter) };
    await upShowsAndHidesTheSecret(p, "hello from python", "python-secret-8d2a71", env);
  });

  it("a Go program compiles the generated Go SDK through a go.mod replace and keeps its secret output secret", async function () {
    if (!needHost(this, "go")) return;
    if (spawnSync("go", ["version"]).status !== 0) return skipBecause(this, "Go is not installed: Go programs are compiled by the go command");
    const goMod = [
      "module hostsgo",
      "",
      "go 1.26",
      "",
      "require (",
      "\tgithub.com/otterstorage/pulumi-otterstorage/sdks/go v0.0.0",
      "\tgithub.com/pulumi/pulumi/sdk/v3 v3.274.1",
      ")",
      "",
      `replace github.com/otterstorage/pulumi-otterstorage/sdks/go => ${path.join(REPO_ROOT, "sdks", "go")}`,
      "",
    ].join("\n");
    const main = [
      "package main",
      "",
      "import (",
      '\t"github.com/otterstorage/pulumi-otterstorage/sdks/go/otterstorage"',
      '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
      ")",
      "",
      "func main() {",
      "\tpulumi.Run(func(ctx *pulumi.Context) error {",
      '\t\tctx.Export("greeting", pulumi.String("hello from go"))',
      '\t\tctx.Export("hidden", pulumi.ToSecret(pulumi.String("go-secret-3b7e05")))',
      "\t\t_ = otterstorage.BucketArgs{Region: pulumi.StringPtr(\"eu-mad\")} // the generated SDK compiles into the program",
      "\t\treturn nil",
      "\t})",
      "}",
      "",
    ].join("\n");
    const p = engine().project("hosts-go", "", { "Pulumi.yaml": "name: hosts-go\nruntime: go\n", "go.mod": goMod, "main.go": main });
    const tidy = spawnSync("go", ["mod", "tidy"], { cwd: p.dir, encoding: "utf8" });
    assert.equal(tidy.status, 0, `go mod tidy: ${tidy.stderr}`);
    // The host compiles the program on every run; the first compile of the Pulumi Go SDK takes minutes on 2 cores.
    await upShowsAndHidesTheSecret(p, "hello from go", "go-secret-3b7e05", {}, 900_000);
  });
});
