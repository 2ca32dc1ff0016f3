/**
 * The real OpenTofu CLI, for tests/opentofu-*.test.ts and bench/opentofu-apply.ts.
 *
 *   const tofu = findTofu();                          // .tools/opentofu/bin/tofu (scripts/opentofu-toolchain.sh) or PATH
 *   const w = workspace("environments", files, os);   // a folder under .cache/opentofu with its own CLI config
 *   await w.tofu(["init"]); await w.tofu(["apply", "-auto-approve"]);
 *
 * Installation is the one users get offline: the build writes the provider's filesystem-mirror layout into
 * dist/terraform-mirror (terraform/install.ts), and each workspace has a CLI config file whose
 * `provider_installation { filesystem_mirror { … } }` points there; TF_CLI_CONFIG_FILE names it (the machine's own
 * TF_CLI_CONFIG_FILE points at a file that does not exist). The real `tofu init` installs and locks the provider.
 */
import { skipBecause } from "./support/skip";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { OtterStorage } from "otterstorage-local";
import { REPO_ROOT } from "./support/host";

export const TOFU_TOOLCHAIN = path.join(REPO_ROOT, ".tools", "opentofu", "bin", "tofu");
export const MIRROR = path.join(REPO_ROOT, "dist", "terraform-mirror");
export const EXAMPLES = path.join(REPO_ROOT, "examples", "opentofu");

export interface Tofu { bin: string; version: string }

let found: Tofu | { missing: string } | undefined;

/** `tofu` from the toolchain folder or PATH, or why there is none. */
export function findTofu(): Tofu | { missing: string } {
  return (found ??= lookUp());
}

function lookUp(): Tofu | { missing: string } {
  const candidates = [TOFU_TOOLCHAIN, ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((d) => path.join(d, "tofu"))];
  const bin = candidates.find((c) => fs.existsSync(c));
  if (!bin) return { missing: "OpenTofu is not installed: run scripts/opentofu-toolchain.sh (or install `tofu`) to run the OpenTofu suites" };
  if (!fs.existsSync(MIRROR)) return { missing: `the provider's mirror ${path.relative(REPO_ROOT, MIRROR)} is missing: run \`npm run build\`` };
  const v = spawnSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1", TF_CLI_CONFIG_FILE: "/dev/null" } });
  if (v.status !== 0) return { missing: `\`${bin} version\` failed: ${v.stderr || v.error}` };
  return { bin, version: /^OpenTofu v\S+/m.exec(v.stdout)?.[0] ?? v.stdout.trim() };
}

/** In a describe(): the OpenTofu binary, or the suite reported as skipped with the reason. */
export function useTofu(): () => Tofu {
  let tofu: Tofu | undefined;
  before(function () {
    const t = findTofu();
    if ("missing" in t) return skipBecause(this, t.missing);
    tofu = t;
  });
  return () => {
    if (!tofu) throw new Error("useTofu: use the getter inside it()");
    return tofu;
  };
}

export interface TofuRun { code: number; stdout: string; stderr: string; ms: number }

/** OpenTofu wraps diagnostics at 78 columns: one line, single spaces, for matching sentences. */
export const flat = (text: string): string => text.replace(/\s+/g, " ");

export interface Workspace {
  dir: string;
  env: Record<string, string>;
  /** Runs `tofu <args>` in the workspace (no colour, no prompts). */
  tofu(args: string[], extraEnv?: Record<string, string>): Promise<TofuRun>;
  /** Like tofu, but fails the test with tofu's output when the exit code is not `expect` (default 0). */
  ok(args: string[], expect?: number, extraEnv?: Record<string, string>): Promise<TofuRun>;
  write(file: string, text: string): void;
  /** `tofu output -json` as values. */
  outputs(): Promise<Record<string, any>>;
  state(): string;
}

export function cliConfig(mirror = MIRROR): string {
  return [
    "# Written by tests/opentofu-support.ts: install otterstorage/otterstorage from the build's mirror only.",
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    "    include = [\"registry.opentofu.org/otterstorage/*\"]",
    "  }",
    "}",
    "",
  ].join("\n");
}

let seq = 0;

/** A fresh folder under .cache/opentofu holding `files`, its CLI config, and an environment pointing at `os`. */
export function workspace(
  tofu: Tofu, name: string, files: Record<string, string>, os?: Pick<OtterStorage, "controlUrl" | "token">, opts: { cwd?: string } = {},
): Workspace {
  const root = path.join(REPO_ROOT, ".cache", "opentofu", `${name}-${process.pid}-${++seq}`);
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  const dir = path.join(root, opts.cwd ?? "");
  fs.mkdirSync(dir, { recursive: true });
  const rc = path.join(root, ".tofurc");
  fs.writeFileSync(rc, cliConfig());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: root,
    TF_CLI_CONFIG_FILE: rc,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...(os ? { OTTERSTORAGE_ENDPOINT: os.controlUrl, OTTERSTORAGE_TOKEN: os.token } : {}),
  };
  const w: Workspace = {
    dir,
    env,
    tofu: (args, extraEnv = {}) =>
      new Promise((resolve) => {
        const started = Date.now();
        const child = spawn(tofu.bin, [...args.slice(0, 1), ...(["init", "plan", "apply", "destroy", "import", "output", "refresh"].includes(args[0]) ? ["-no-color"] : []), ...args.slice(1)], {
          cwd: dir, env: { ...env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started }));
      }),
    async ok(args, expect = 0, extraEnv) {
      const r = await w.tofu(args, extraEnv);
      if (r.code !== expect) throw new Error(`tofu ${args.join(" ")} exited ${r.code} (expected ${expect})\n${r.stdout}\n${r.stderr}`);
      return r;
    },
    write: (f, text) => fs.writeFileSync(path.join(dir, f), text),
    async outputs() {
      const r = await w.ok(["output", "-json"]);
      return Object.fromEntries(Object.entries(JSON.parse(r.stdout) as Record<string, { value: unknown }>).map(([k, v]) => [k, v.value]));
    },
    state: () => fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8"),
  };
  return w;
}

/** The .tf files under examples/opentofu (relative paths kept, so modules resolve). */
export function exampleFiles(): Record<string, string> {
  const root = EXAMPLES;
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(tf|tfvars)$/.test(e.name)) out[path.relative(root, p)] = fs.readFileSync(p, "utf8");
    }
  };
  walk(root);
  return out;
}
