/**
 * The install users run (README "OpenTofu / Terraform"): `terraform-provider-otterstorage install` writes the launcher
 * into ~/.terraform.d/plugins, one of OpenTofu's implied mirror directories, and `tofu init` then finds the provider
 * with no provider_installation block at all, and `tofu apply` uses it.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { useEmulator, control } from "./support/emulator";
import { REPO_ROOT } from "./support/host";
import { platform } from "../terraform/install";
import { workspace, useTofu } from "./opentofu-support";

describe("OpenTofu: `terraform-provider-otterstorage install`, then tofu init with no CLI configuration", function () {
  this.timeout(300_000);
  const emu = useEmulator();
  const tofu = useTofu();

  it("installs into ~/.terraform.d/plugins, and tofu init + apply use it from there", async function () {
    const w = workspace(tofu(), "install", {
      "project/main.tf": 'terraform {\n  required_providers {\n    otterstorage = { source = "otterstorage/otterstorage" }\n  }\n}\n\nprovider "otterstorage" {}\n\nresource "otterstorage_bucket" "b" {\n  name = "installed-by-hand"\n}\n',
    }, emu(), { cwd: "project" });
    const home = w.env.HOME;
    fs.writeFileSync(w.env.TF_CLI_CONFIG_FILE, "# no provider_installation: OpenTofu's implied local mirrors, then the registry\n");
    const bin = path.join(REPO_ROOT, "dist", "terraform", "main.js");
    const r = spawnSync(process.execPath, [bin, "install"], { encoding: "utf8", env: { PATH: process.env.PATH, HOME: home } });
    assert.equal(r.status, 0, r.stderr);
    const launcher = path.join(home, ".terraform.d", "plugins", "registry.opentofu.org", "otterstorage", "otterstorage", "0.1.0", platform(), "terraform-provider-otterstorage");
    assert.ok(fs.existsSync(launcher), r.stderr);
    assert.match(fs.readFileSync(launcher, "utf8"), /^#!\/bin\/sh\n[\s\S]*exec '[^']+' '[^']+main\.js' "\$@"\n$/);

    const init = await w.ok(["init"]);
    assert.match(init.stdout, /Installing otterstorage\/otterstorage v0\.1\.0/);
    await w.ok(["apply", "-auto-approve"]);
    assert.deepEqual(((await control(emu()).get("/v1/buckets")).body.buckets as { name: string }[]).map((b) => b.name), ["installed-by-hand"]);
    await w.ok(["destroy", "-auto-approve"]);
  });
});
