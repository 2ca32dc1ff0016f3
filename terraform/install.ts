/**
 * Installs the provider where OpenTofu finds it offline: the unpacked filesystem-mirror layout
 * `<dir>/registry.opentofu.org/otterstorage/otterstorage/<version>/<os>_<arch>/terraform-provider-otterstorage`
 * (OpenTofu's website/docs/cli/config/config-file.mdx, "filesystem_mirror"). The executable there is a launcher
 * script that `exec`s this Node program by absolute paths — exec, so OpenTofu's kill reaches node itself — and it is
 * the only file in that folder, because `.terraform.lock.hcl` records a hash of the folder.
 * `~/.terraform.d/plugins` (the default) is one of OpenTofu's implied mirror directories: installed there, `tofu init`
 * finds the provider with no CLI configuration at all.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const PROVIDER_SOURCE = "registry.opentofu.org/otterstorage/otterstorage";
/**
 * The same provider as Terraform names it (`source = "otterstorage/otterstorage"` resolves to this host there).
 * Written beside the OpenTofu one so either CLI finds it; only OpenTofu is tested here.
 */
export const TERRAFORM_SOURCE = "registry.terraform.io/otterstorage/otterstorage";

/** OpenTofu's platform name: linux_amd64, darwin_arm64, … */
export function platform(p: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const goArch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${p === "win32" ? "windows" : p}_${goArch[arch] ?? arch}`;
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
}

export function defaultMirrorDir(): string {
  return path.join(os.homedir(), ".terraform.d", "plugins");
}

export interface Installed { dir: string; executable: string; version: string; terraformDir: string }

/** Writes the launcher into `mirrorDir` (for OpenTofu and Terraform); returns where. Node and the entry point are absolute paths. */
export function installLauncher(mirrorDir: string, opts: { node?: string; entry?: string; version?: string } = {}): Installed {
  const version = opts.version ?? packageVersion();
  const entry = opts.entry ?? path.resolve(__dirname, "main.js");
  const node = opts.node ?? process.execPath;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const write = (source: string) => {
    const dir = path.join(path.resolve(mirrorDir), ...source.split("/"), version, platform());
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const executable = path.join(dir, "terraform-provider-otterstorage");
    fs.writeFileSync(executable, `#!/bin/sh\n# terraform-provider-otterstorage ${version}: runs the Node provider (terraform/main.ts).\nexec ${q(node)} ${q(entry)} "$@"\n`, { mode: 0o755 });
    return { dir, executable };
  };
  const tofu = write(PROVIDER_SOURCE);
  return { ...tofu, version, terraformDir: write(TERRAFORM_SOURCE).dir };
}
