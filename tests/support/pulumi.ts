/**
 * The real Pulumi CLI and engine, for tests/engine-*.test.ts.
 *
 *   const engine = useEngine();            // in a describe(): finds `pulumi`, skips the suite (with the reason) if absent
 *   const p = await engine().project("rotation", PROGRAM_JS);           // a temp project dir inside the repo
 *   const s = await p.stack("dev", { endpoint, token });                 // file backend, passphrase secrets
 *   await s.up(); const out = await s.outputs(true);
 *
 * `pulumi` comes from PATH or from the toolchain folder (.tools/pulumi/bin, scripts/pulumi-toolchain.sh). Every
 * project gets its own PULUMI_HOME (plugin installs race across concurrent homes: pulumi/pulumi#22784) and its own
 * file:// state directory, unless the caller passes a backend URL (the S3 state suite). Programs are written under
 * .cache/engine/ inside the repo so `require("pulumi-otterstorage")` resolves to the package mirror in
 * node_modules, exactly as in a user's project.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./host";
import { skipBecause } from "./skip";

export const TOOLCHAIN_BIN = path.join(REPO_ROOT, ".tools", "pulumi", "bin");
export const PASSPHRASE = "engine-tests-passphrase";

export interface PulumiCli { bin: string; dir: string; version: string; hostVersion: string | null }

let found: PulumiCli | { missing: string } | undefined;

/** The `pulumi` the engine suites use, or why there is none (looked up once per test process). */
export function findPulumi(): PulumiCli | { missing: string } {
  return (found ??= lookUpPulumi());
}

function lookUpPulumi(): PulumiCli | { missing: string } {
  const candidates = [path.join(TOOLCHAIN_BIN, "pulumi"), ...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((d) => path.join(d, "pulumi"))];
  const bin = candidates.find((c) => fs.existsSync(c));
  if (!bin) return { missing: "the Pulumi CLI is not installed: run scripts/pulumi-toolchain.sh (or the official installer) to run the real-engine suites" };
  const v = spawnSync(bin, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } });
  if (v.status !== 0) return { missing: `\`${bin} version\` failed: ${v.stderr || v.error}` };
  const dir = path.dirname(bin);
  // The toolchain records the language hosts' versions (they have no -version flag), one "<binary> <version>" line
  // each (scripts/pulumi-toolchain.sh; earlier scripts wrote "cli=… host=…"); an installed CLI ships its own.
  const text = fs.existsSync(path.join(dir, "..", "VERSION")) ? fs.readFileSync(path.join(dir, "..", "VERSION"), "utf8") : "";
  const stamp = /^pulumi-language-nodejs (\S+)$/m.exec(text) ?? /host=(\S+)/.exec(text);
  return { bin, dir, version: v.stdout.trim(), hostVersion: stamp ? stamp[1] : null };
}

/**
 * Whether the CLI runs an executable file given to `--policy-pack` directly as the analyzer (v3.255 and later:
 * pkg/resource/plugin/analyzer_plugin.go NewPolicyAnalyzer, https://github.com/pulumi/pulumi/pull/24052), which
 * policy/pulumi-analyzer-otterstorage relies on whatever the language host.
 */
export function runsExecutableAnalyzers(cli: PulumiCli): boolean {
  const m = /v?(\d+)\.(\d+)/.exec(cli.version);
  return !!m && (Number(m[1]) > 3 || (Number(m[1]) === 3 && Number(m[2]) >= 255));
}

export interface RunResult { code: number | null; stdout: string; stderr: string; output: string }

let seq = 0;

export class Engine {
  /** Every directory this suite wrote (projects, homes, state), removed after it (ENGINE_KEEP_DIRS=1 keeps them). */
  readonly made: string[] = [];
  constructor(readonly cli: PulumiCli, readonly root: string) {}

  /** A fresh scratch directory under .cache/engine, removed with the suite's others. */
  scratch(prefix: string): string {
    const d = fs.mkdtempSync(path.join(this.root, prefix));
    this.made.push(d);
    return d;
  }

  /** Writes a Node project (Pulumi.yaml + index.js, plus any extra files) and returns it. */
  project(name: string, program: string, extra: Record<string, string> = {}, opts: { backend?: string; env?: NodeJS.ProcessEnv } = {}): Project {
    const dir = path.join(this.root, `${name}-${process.pid}-${++seq}`);
    fs.mkdirSync(dir, { recursive: true });
    this.made.push(dir);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "index.js"), program);
    for (const [f, text] of Object.entries(extra)) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    }
    return new Project(this, dir, opts);
  }

  /**
   * A copy of an existing project (an example): its Pulumi.yaml, program and stack files, under .cache/engine so
   * `stack init` and `config set` never touch the checkout.
   */
  copy(src: string, opts: { backend?: string; env?: NodeJS.ProcessEnv } = {}): Project {
    const dir = path.join(this.root, `${path.basename(src)}-${process.pid}-${++seq}`);
    fs.cpSync(src, dir, { recursive: true, filter: (f) => !/node_modules|\.pulumi/.test(path.relative(src, f)) });
    this.made.push(dir);
    return new Project(this, dir, opts);
  }

  /** An existing project directory (an example, the quickstart), run in place with its own state and home. */
  existing(dir: string, opts: { backend?: string; env?: NodeJS.ProcessEnv } = {}): Project {
    return new Project(this, dir, opts);
  }

  /** The environment every pulumi run gets: the toolchain on PATH, nothing of the runner's OTTERSTORAGE_ or AWS_. */
  env(home: string, backend: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("OTTERSTORAGE_") && !k.startsWith("AWS_") && !k.startsWith("PULUMI_")) env[k] = v;
    return {
      ...env,
      PATH: [this.cli.dir, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: backend,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_SKIP_CONFIRMATIONS: "true",
      ...extra,
    };
  }
}

export class Project {
  readonly home: string;
  readonly backend: string;
  constructor(readonly engine: Engine, readonly dir: string, private readonly opts: { backend?: string; env?: NodeJS.ProcessEnv }) {
    const scratch = engine.scratch("home-");
    this.home = path.join(scratch, "home");
    fs.mkdirSync(this.home);
    if (opts.backend) this.backend = opts.backend;
    else {
      const state = path.join(scratch, "state");
      fs.mkdirSync(state);
      this.backend = `file://${state}`;
    }
  }

  /** The file backend's directory (what a user's disk holds), or null for other backends. */
  get stateDir(): string | null {
    return this.backend.startsWith("file://") ? this.backend.slice("file://".length) : null;
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return this.engine.env(this.home, this.backend, { ...this.opts.env, ...extra });
  }

  /** `pulumi <args>` in the project dir; never rejects. */
  run(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve) => {
      const c = spawn(this.engine.cli.bin, args, { cwd: this.dir, env: this.env(opts.env), stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      c.stdout.on("data", (d) => (stdout += d));
      c.stderr.on("data", (d) => (stderr += d));
      const guard = setTimeout(() => c.kill("SIGKILL"), opts.timeoutMs ?? 240_000);
      c.once("close", (code) => {
        clearTimeout(guard);
        resolve({ code, stdout, stderr, output: stdout + stderr });
      });
    });
  }

  /** `pulumi <args>` that must succeed: the failure message carries the whole output. */
  async ok(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${r.output}`);
    return r;
  }

  /** Creates (or selects) a stack and sets its provider config the way the README says. */
  async stack(name: string, cfg: { endpoint?: string; token?: string; config?: Record<string, string>; secrets?: Record<string, string> } = {}): Promise<Stack> {
    const sel = await this.run(["stack", "select", name, "--non-interactive"]);
    if (sel.code !== 0) await this.ok(["stack", "init", name, "--secrets-provider", "passphrase", "--non-interactive"]);
    const s = new Stack(this, name);
    if (cfg.endpoint) await s.config("otterstorage:endpoint", cfg.endpoint);
    if (cfg.token) await s.config("otterstorage:token", cfg.token, true);
    for (const [k, v] of Object.entries(cfg.config ?? {})) await s.config(k, v);
    for (const [k, v] of Object.entries(cfg.secrets ?? {})) await s.config(k, v, true);
    return s;
  }
}

export class Stack {
  constructor(readonly project: Project, readonly name: string) {}
  private a(args: string[]): string[] {
    return [...args, "--stack", this.name, "--non-interactive"];
  }
  run(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }) {
    return this.project.run(this.a(args), opts);
  }
  ok(args: string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }) {
    return this.project.ok(this.a(args), opts);
  }
  config(key: string, value: string, secret = false) {
    return this.project.ok(["config", "set", "--stack", this.name, ...(secret ? ["--secret"] : ["--plaintext"]), "--", key, value]);
  }
  up(extra: string[] = [], opts?: { env?: NodeJS.ProcessEnv }) {
    return this.ok(["up", "--yes", "--skip-preview", ...extra], opts);
  }
  /** `pulumi up` that is expected to fail: resolves with the result instead of throwing. */
  upFails(extra: string[] = [], opts?: { env?: NodeJS.ProcessEnv }) {
    return this.run(["up", "--yes", "--skip-preview", ...extra], opts);
  }
  preview(extra: string[] = []) {
    return this.run(["preview", "--diff", ...extra]);
  }
  destroy(extra: string[] = []) {
    return this.ok(["destroy", "--yes", "--skip-preview", ...extra]);
  }
  async outputs(showSecrets = false): Promise<Record<string, any>> {
    const r = await this.ok(["stack", "output", "--json", ...(showSecrets ? ["--show-secrets"] : [])]);
    return JSON.parse(r.stdout);
  }
  async export(): Promise<{ text: string; deployment: any }> {
    const r = await this.ok(["stack", "export"]);
    return { text: r.stdout, deployment: JSON.parse(r.stdout).deployment };
  }
  /** The resources of the current state, by type suffix ("AccessKey", "Bucket", ...). */
  async resources(type?: string): Promise<any[]> {
    const { deployment } = await this.export();
    return (deployment.resources ?? []).filter((r: any) => !type || String(r.type).endsWith(`:${type}`));
  }
}

/** In a describe(): the engine, or the suite reported as skipped with the reason. */
export function useEngine(): () => Engine {
  let engine: Engine | undefined;
  before(function () {
    const cli = findPulumi();
    if ("missing" in cli) {
      return skipBecause(this, cli.missing);
    }
    const root = path.join(REPO_ROOT, ".cache", "engine");
    fs.mkdirSync(root, { recursive: true });
    engine = new Engine(cli, root);
  });
  after(function () {
    if (!engine || process.env.ENGINE_KEEP_DIRS) return;
    for (const d of engine.made) fs.rmSync(d, { recursive: true, force: true });
  });
  return () => {
    if (!engine) throw new Error("useEngine: use the getter inside it()");
    return engine;
  };
}
