/**
 * `pulumi up` and `pulumi destroy` of Buckets + AccessKeys (10 keys per bucket) through the real engine, against the
 * same creates (and deletes) as raw Control API calls, and against the engine's own cost for as many resources: a
 * no-op dynamic resource whose create/delete return at once; and the same graph through the native plugin
 * ("native": pulumi-resource-otterstorage, the build's bundled executable). All in the same run, rounds interleaved,
 * at each size of KEYS.
 *
 *   npm run bench:engine             10, 100 and 1,000 keys: 3 interleaved rounds each, 1 from 1,000 keys on
 *   KEYS=100 ROUNDS=3                the headline alone: 10 buckets + 100 keys, medians of 3 interleaved rounds
 *   ROUNDS_LARGE=3                   more rounds at 1,000 keys (each round takes minutes)
 *   VARIANTS=before=<package dir>    also run "ours" with another build of the package (a copy of its
 *                                    node_modules/pulumi-otterstorage), interleaved in the same rounds: what a change bought
 *
 * Provider overhead = (ours − no-op − raw service work) ÷ no-op: what our provider adds on top of what the engine
 * itself costs for the same number of resources, with the service's own time (the raw calls) taken out. Also
 * printed: ours ÷ no-op without taking the service out, the CPU seconds of the dynamic-provider host (the plugin
 * process and its node child, from GNU time's rusage: a wrapper on PATH in front of the CLI's plugin, the same for
 * both programs), and the state's bytes per resource and per AccessKey after `up`. Readiness is left on (the default
 * users get), so every key also costs one signed S3 HeadBucket (READINESS=off turns it off, to see its share).
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startOtterStorage } from "otterstorage-local";
import { findPulumi, PASSPHRASE } from "../tests/support/pulumi";
import { machine, median, rawGraph, round } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const PER = Number(process.env.KEYS_PER_BUCKET ?? 10);
const SIZES = (process.env.KEYS ?? "10,100,1000").split(",").map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const ROUNDS_LARGE = Number(process.env.ROUNDS_LARGE ?? 1);
const TIME = "/usr/bin/time";
/** Other builds of the package to measure beside this one: name=dir (a package folder, as npm installs it). */
const VARIANTS = (process.env.VARIANTS ?? "").split(",").filter(Boolean).map((v) => {
  const [name, dir] = v.split("=");
  if (!name || !dir || !fs.existsSync(path.join(dir, "package.json"))) throw new Error(`VARIANTS: "${v}" is not name=<package dir with a package.json>`);
  return { name, dir: path.resolve(dir) };
});

const ours = (buckets: number) => `
const otter = require("pulumi-otterstorage");
for (let b = 0; b < ${buckets}; b++) {
  const bucket = new otter.Bucket("b" + b, { forceDestroy: true });
  for (let k = 0; k < ${PER}; k++) new otter.AccessKey("k" + b + "-" + k, { bucket: bucket.name, label: "bench-" + k${process.env.READINESS === "off" ? ", readiness: { disabled: true }" : ""} });
}
`;
/**
 * The same graph through the native plugin (pulumi-resource-otterstorage, the bundled executable the build makes):
 * resources registered by type token, as the generated SDKs do.
 */
const native = (buckets: number) => `
const pulumi = require("@pulumi/pulumi");
const res = (type, outputs) => class extends pulumi.CustomResource {
  constructor(name, args, opts) { super("otterstorage:index:" + type, name, { ...Object.fromEntries(outputs.map((k) => [k, undefined])), ...args }, opts); }
};
const Bucket = res("Bucket", ["name", "endpoint", "createdAt"]);
const AccessKey = res("AccessKey", ["accessKeyId", "secretAccessKey", "endpoint", "createdAt"]);
for (let b = 0; b < ${buckets}; b++) {
  const bucket = new Bucket("b" + b, { forceDestroy: true });
  for (let k = 0; k < ${PER}; k++) new AccessKey("k" + b + "-" + k, { bucket: bucket.name, label: "bench-" + k${process.env.READINESS === "off" ? ", readiness: { disabled: true }" : ""} }, { additionalSecretOutputs: ["secretAccessKey"] });
}
`;
const PLUGIN_DIR = path.join(ROOT, "dist", "plugin-package");

const noop = (buckets: number) => `
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create(inputs) { return { id: inputs.name, outs: inputs }; },
  async delete() {},
  async diff() { return { changes: false }; },
  async update(id, olds, news) { return { outs: news }; },
};
class Noop extends pulumi.dynamic.Resource { constructor(name, args, opts) { super(provider, name, args, opts); } }
for (let b = 0; b < ${buckets}; b++) {
  const bucket = new Noop("b" + b, { name: "b" + b });
  for (let k = 0; k < ${PER}; k++) new Noop("k" + b + "-" + k, { name: "k" + b + "-" + k, bucket: bucket.id });
}
`;

interface Run { ms: number; cpuMs: number; hostCpuMs: number; programCpuMs: number }

/** Sums the "user system" lines GNU time appended to `file` (other lines: its notes on exit status or signals). */
function cpuSeconds(file: string): number {
  if (!fs.existsSync(file)) return NaN;
  const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => /^\d+(\.\d+)? \d+(\.\d+)?$/.test(l.trim()));
  return lines.reduce((sum, l) => sum + l.trim().split(" ").map(Number).reduce((a, b) => a + b, 0), 0) * 1000;
}

/**
 * `pulumi <args>`: wall time; the CPU (user + system) of the whole command with everything it started; and of the
 * dynamic-provider host and of the program (the language host and its node) of this run, when GNU time is there.
 */
function pulumi(bin: string, dir: string, env: NodeJS.ProcessEnv, args: string[], timed: boolean): Promise<Run> {
  const files = { all: path.join(dir, "cpu-all.txt"), host: path.join(dir, "cpu-host.txt"), program: path.join(dir, "cpu-program.txt") };
  for (const f of Object.values(files)) fs.writeFileSync(f, "");
  const [cmd, argv] = timed ? [TIME, ["-f", "%U %S", "-a", "-o", files.all, bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn(cmd, argv, { cwd: dir, env: { ...env, BENCH_HOST_CPU_FILE: files.host, BENCH_PROGRAM_CPU_FILE: files.program }, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    c.stderr.on("data", (d) => (err += d));
    c.once("close", (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) return reject(new Error(`pulumi ${args.join(" ")} exited ${code}: ${err}`));
      resolve({ ms, cpuMs: cpuSeconds(files.all), hostCpuMs: cpuSeconds(files.host), programCpuMs: cpuSeconds(files.program) });
    });
  });
}

/**
 * A folder with `pulumi-resource-pulumi-nodejs` (the dynamic-provider host) and `pulumi-language-nodejs` in front of
 * the CLI's: each runs the real one under GNU time, which appends the user and system seconds of it and the
 * processes it waited for (its node) to $BENCH_HOST_CPU_FILE / $BENCH_PROGRAM_CPU_FILE when it exits.
 */
function cpuWrappers(scratch: string, cliDir: string): string | undefined {
  if (!fs.existsSync(TIME) || spawnSync(TIME, ["-f", "%U", "true"]).status !== 0) return undefined;
  const dir = path.join(scratch, "wrap");
  fs.mkdirSync(dir);
  for (const [plugin, variable, from] of [
    ["pulumi-resource-pulumi-nodejs", "BENCH_HOST_CPU_FILE", cliDir],
    ["pulumi-language-nodejs", "BENCH_PROGRAM_CPU_FILE", cliDir],
    // The native plugin's process is its provider host.
    ["pulumi-resource-otterstorage", "BENCH_HOST_CPU_FILE", PLUGIN_DIR],
  ]) {
    fs.writeFileSync(path.join(dir, plugin), `#!/bin/sh\nexec ${TIME} -f "%U %S" -a -o "$${variable}" ${path.join(from, plugin)} "$@"\n`, { mode: 0o755 });
  }
  return dir;
}

/** The stack's checkpoint after `up`: bytes per resource and per AccessKey (as stored: secrets encrypted). */
function stateSize(stateDir: string): { perResource: number; perKey: number; resources: number } {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (/\.json$/.test(e.name) && path.basename(d) !== "history" && !/backups|locks|history/.test(d)) files.push(path.join(d, e.name));
    }
  };
  walk(path.join(stateDir, ".pulumi", "stacks"));
  const file = files.find((f) => path.basename(f) === "bench.json")!;
  const text = fs.readFileSync(file, "utf8");
  const resources = (JSON.parse(text).checkpoint.latest.resources ?? []) as { type: string }[];
  const keys = resources.filter((r) => r.type.endsWith(":AccessKey"));
  const perKey = keys.length ? keys.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r, null, 4)), 0) / keys.length : 0;
  return { perResource: Math.round(Buffer.byteLength(text) / resources.length), perKey: Math.round(perKey), resources: resources.length };
}

async function main() {
  const cli = findPulumi();
  if ("missing" in cli) throw new Error(cli.missing);
  const os = await startOtterStorage({ memory: true });
  // Inside the repository, so `require("pulumi-otterstorage")` finds the package in node_modules as a user's does.
  fs.mkdirSync(path.join(ROOT, ".cache"), { recursive: true });
  const scratch = fs.mkdtempSync(path.join(ROOT, ".cache", "bench-engine-"));
  const wrap = cpuWrappers(scratch, cli.dir);
  const project = (name: string, program: string, pkg?: string) => {
    const dir = path.join(scratch, name);
    fs.mkdirSync(path.join(dir, "home"), { recursive: true });
    // A variant's package in the project's own node_modules: found first, by the program and the provider host alike.
    if (pkg) fs.cpSync(pkg, path.join(dir, "node_modules", "pulumi-otterstorage"), { recursive: true });
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "index.js"), program);
    const env: NodeJS.ProcessEnv = {
      PATH: [wrap, cli.dir, PLUGIN_DIR, path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter),
      HOME: dir, PULUMI_HOME: path.join(dir, "home"), PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      OTTERSTORAGE_ENDPOINT: os.controlUrl, OTTERSTORAGE_TOKEN: os.token,
      // Engine knobs from the caller, e.g. PULUMI_SKIP_CHECKPOINTS=true to see what intermediate checkpoints cost.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("PULUMI_") && !["PULUMI_HOME", "PULUMI_BACKEND_URL"].includes(k))),
    };
    return { dir, env, state: path.join(dir, "state") };
  };
  const upArgs = ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"];
  const downArgs = ["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"];

  const raw = (tag: string, buckets: number) => rawGraph(os, `raw-${tag}-${process.pid}`, buckets, PER, 10);

  const table = [];
  for (const keys of SIZES) {
    const buckets = Math.max(1, Math.round(keys / PER));
    const programs = [
      { tag: "noop", ...project(`noop-${keys}`, noop(buckets)) },
      { tag: "ours", ...project(`ours-${keys}`, ours(buckets)) },
      ...(fs.existsSync(path.join(PLUGIN_DIR, "pulumi-resource-otterstorage")) ? [{ tag: "native", ...project(`native-${keys}`, native(buckets)) }] : []),
      ...VARIANTS.map((v) => ({ tag: v.name, ...project(`${v.name}-${keys}`, ours(buckets), v.dir) })),
    ];
    for (const p of programs) await pulumi(cli.bin, p.dir, p.env, ["stack", "init", "bench", "--secrets-provider", "passphrase", "--non-interactive"], false);
    const rounds = keys >= 1000 ? ROUNDS_LARGE : ROUNDS;
    const s: Record<string, number[]> = { rawCreate: [], rawDelete: [] };
    for (const p of programs) for (const m of ["Up", "Down"]) for (const k of ["", "Cpu", "HostCpu", "ProgramCpu"]) s[`${p.tag}${m}${k}`] = [];
    const state: Record<string, ReturnType<typeof stateSize>> = {};
    const started = performance.now();
    for (let r = 0; r < rounds; r++) {
      // Interleaved: each round in another order, so a slow spell of the machine falls on every program alike.
      const order = programs.map((_, i) => programs[(i + r) % programs.length]);
      for (const p of r % 2 === 0 ? order : order.reverse()) {
        const tag = p.tag;
        const up = await pulumi(cli.bin, p.dir, p.env, upArgs, !!wrap);
        if (r === 0) state[tag] = stateSize(p.state);
        const down = await pulumi(cli.bin, p.dir, p.env, downArgs, !!wrap);
        for (const [m, run] of [["Up", up], ["Down", down]] as const) {
          s[`${tag}${m}`].push(run.ms);
          s[`${tag}${m}Cpu`].push(run.cpuMs);
          s[`${tag}${m}HostCpu`].push(run.hostCpuMs);
          s[`${tag}${m}ProgramCpu`].push(run.programCpuMs);
        }
      }
      const rw = await raw(`${keys}-${r}`, buckets);
      s.rawCreate.push(rw.create);
      s.rawDelete.push(rw.delete);
    }
    const m = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
    const adds = (ou: number, no: number, rawMs: number) => round(((ou - no - rawMs) / no) * 100, 1);
    const ms = (x: number) => (Number.isFinite(x) ? Math.round(x) : null);
    /** One program's medians; "addsPct" as defined in the header, "cpuOverNoop" the same ratio in CPU time. */
    const of = (tag: string, op: "Up" | "Down") => ({
      ms: ms(m[`${tag}${op}`]),
      overNoop: round(m[`${tag}${op}`] / m[`noop${op}`], 2),
      providerAddsPct: tag === "noop" ? null : adds(m[`${tag}${op}`], m[`noop${op}`], op === "Up" ? m.rawCreate : m.rawDelete),
      cpuMs: ms(m[`${tag}${op}Cpu`]),
      cpuOverNoop: round(m[`${tag}${op}Cpu`] / m[`noop${op}Cpu`], 2),
      hostCpuMs: ms(m[`${tag}${op}HostCpu`]),
      programCpuMs: ms(m[`${tag}${op}ProgramCpu`]),
    });
    const row = {
      keys, buckets, resources: buckets * (PER + 1), rounds, minutes: round((performance.now() - started) / 60_000, 1),
      rawMs: { create: ms(m.rawCreate), delete: ms(m.rawDelete) },
      up: Object.fromEntries(programs.map((p) => [p.tag, of(p.tag, "Up")])),
      destroy: Object.fromEntries(programs.map((p) => [p.tag, of(p.tag, "Down")])),
      stateBytes: Object.fromEntries(programs.map((p) => [p.tag, state[p.tag]])),
      samplesMs: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.map((x) => ms(x))])),
    };
    table.push(row);
    console.error(JSON.stringify(row));
  }
  await os.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
  console.log(JSON.stringify({ bench: "engine-up", cli: cli.version, host: cli.hostVersion, readiness: process.env.READINESS !== "off", hostCpu: !!wrap, machine: machine(), table }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
