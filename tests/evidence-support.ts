/**
 * Shared by the evidence suites (tests/evidence-*.test.ts) and the benchmarks (bench/): a bounded worker pool, the
 * CLI as a child process, a secret scanner, and the fault run (keys through the real dynamic-provider host against
 * Local OtterStorage with injected faults), so the test and the convergence benchmark measure the same thing.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startOtterStorage, OtterStorage, StartOptions } from "otterstorage-local";
import type { FaultOptions, FaultStats } from "otterstorage-local/dist/faults";
import { engineUp, ProviderHost, ResourceState, serializedProviders } from "./support/host";

/** Runs `job(0..n-1)` with at most `inFlight` at once; every job runs once; the first failure is rethrown at the end. */
export async function pool(n: number, inFlight: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, n) }, async () => {
      while (next < n) {
        const i = next++;
        try {
          await job(i);
        } catch (e) {
          failure ??= e;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
}

export const CLI = require.resolve("otterstorage-local/dist/cli.js");

export interface CliProcess {
  child: ChildProcess;
  ready: { event: "ready"; controlUrl: string; consoleUrl: string | null; s3Url: string; region: string; token: string; dataDir: string | null };
  /** Everything printed so far (the ready line included). */
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM and wait (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** Starts `otterstorage-local` as a child process and resolves on its JSON ready line (30 s bound). */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!("OTTERSTORAGE_TOKEN" in env)) delete childEnv.OTTERSTORAGE_TOKEN;
  const child = spawn(process.execPath, [CLI, ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`otterstorage-local printed no ready line within 30 s; stderr: ${err.slice(0, 2000)}`));
    }, 30_000);
    child.stdout!.on("data", (d) => {
      const had = out.includes("\n");
      out += d;
      if (!had && out.includes("\n")) {
        clearTimeout(guard);
        try {
          resolve({ child, ready: JSON.parse(out.slice(0, out.indexOf("\n"))), stdout: () => out, stderr: () => err, exited, stop });
        } catch {
          child.kill("SIGKILL");
          reject(new Error(`the first line is not JSON: ${out.slice(0, 200)}`));
        }
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(guard);
      reject(new Error(`otterstorage-local exited (${code ?? signal}) before its ready line; stderr: ${err.slice(0, 2000)}`));
    });
  });
}

/** Peak and current resident set size of a process, from /proc (Linux); undefined elsewhere. */
export function procMemory(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+)/.exec(status);
    const hwm = /VmHWM:\s+(\d+)/.exec(status);
    if (!rss || !hwm) return undefined;
    return { rssKiB: Number(rss[1]), hwmKiB: Number(hwm[1]) };
  } catch {
    return undefined;
  }
}

export interface Hit {
  source: string;
  secret: string;
  encoding: string;
}

/**
 * Finds any of `secrets` in `sources` (name -> text or bytes), as plain text, base64, hex and URL-encoded.
 * Reports the secret's first 4 characters only, so a failing test does not print the secret either.
 */
export function scanForSecrets(sources: Map<string, string | Buffer>, secrets: string[]): Hit[] {
  const hits: Hit[] = [];
  const needles = secrets.flatMap((s) => [
    { secret: s, encoding: "plain", bytes: Buffer.from(s, "utf8") },
    { secret: s, encoding: "base64", bytes: Buffer.from(Buffer.from(s).toString("base64").replace(/=+$/, "").slice(0, -2), "utf8") },
    { secret: s, encoding: "hex", bytes: Buffer.from(Buffer.from(s).toString("hex"), "utf8") },
    { secret: s, encoding: "utf16le", bytes: Buffer.from(s, "utf16le") },
    ...(encodeURIComponent(s) !== s ? [{ secret: s, encoding: "url", bytes: Buffer.from(encodeURIComponent(s), "utf8") }] : []),
  ]);
  for (const [source, content] of sources) {
    const buf = typeof content === "string" ? Buffer.from(content, "utf8") : content;
    for (const n of needles) if (buf.includes(n.bytes)) hits.push({ source, secret: n.secret.slice(0, 4) + "…", encoding: n.encoding });
  }
  return hits;
}

/** Every regular file under `dir`, recursively (bounded to 100,000 files). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length && out.length < 100_000) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) out.push(p);
    }
  }
  return out;
}

/** Local OtterStorage with `faults` (emulator/faults.ts), and its fault counters. */
export async function startWithFaults(opts: StartOptions, faults: FaultOptions): Promise<{ os: OtterStorage; stats: FaultStats }> {
  const os = await startOtterStorage({ ...opts, faults });
  return { os, stats: os.faultStats! };
}

// ---------------------------------------------------------------------------------------------------------------
// The fault run (tests/evidence-faults.test.ts; bench/fault-convergence.ts)

/** 20% of control requests fail, half of those after the service processed them (the Idempotency-Key case). */
export function faultMix(seed: number): FaultOptions {
  return {
    seed,
    rules: ["* /v1/buckets", "* /v1/buckets/*"].map((route) => ({
      route, p429: 0.04, p500: 0.03, p503: 0.02, pReset: 0.01, pResetAfter: 0.07, p500After: 0.03, latencyMs: [0, 3] as [number, number], retryAfterSeconds: 1,
    })),
  };
}

export interface FaultRunOptions {
  keys: number;
  buckets: number;
  inFlight: number;
  seed: number;
  /** Default: faultMix(seed). A rule with all probabilities 0 gives the fault-free baseline. */
  faults?: FaultOptions;
}

export interface FaultRunResult {
  createMs: number;
  destroyMs: number;
  /** Creates the engine had to run again after the host reported a failure (the retries gave up). */
  rerunCreates: number;
  stats: FaultStats;
  /** Ground truth from the service's database after create and after destroy. */
  afterCreate: { activeKeys: Array<{ id: string; bucket: string; label: string | null }>; buckets: string[] };
  afterDestroy: { activeKeys: number; buckets: number };
  state: ResourceState[];
  /** For each recorded key: does the service's secret equal the one in the recorded state? */
  secretsMatch: number;
  hostStderr: string;
}

/** How many times the "engine" runs `pulumi up` again for resources whose operation failed. */
const MAX_UPS = 3;

async function withReruns(n: number, inFlight: number, op: (i: number) => Promise<void>): Promise<number> {
  let todo = Array.from({ length: n }, (_, i) => i);
  let reruns = 0;
  for (let up = 1; up <= MAX_UPS && todo.length; up++) {
    const failed: number[] = [];
    await pool(todo.length, inFlight, async (j) => {
      try {
        await op(todo[j]);
      } catch {
        failed.push(todo[j]);
      }
    });
    if (up > 1) reruns += todo.length;
    todo = failed;
  }
  if (todo.length) throw new Error(`${todo.length} operations still failed after ${MAX_UPS} runs`);
  return reruns;
}

export async function runFaultScenario(o: FaultRunOptions): Promise<FaultRunResult> {
  const { os, stats } = await startWithFaults({ memory: true }, o.faults ?? faultMix(o.seed));
  // Twelve attempts: at 20% faults a create gives up with probability 0.2^12; a short backoff, Retry-After honoured.
  const host = await ProviderHost.start({ env: { OTTERSTORAGE_MAX_ATTEMPTS: "12", OTTERSTORAGE_RETRY_BASE_MS: "10", OTTERSTORAGE_TIMEOUT_MS: "10000" } });
  try {
    await host.configure({ "otterstorage:endpoint": os.controlUrl, "otterstorage:token": os.token });
    const text = await serializedProviders();
    const bucketStates: ResourceState[] = [];
    const keyStates: ResourceState[] = [];
    const t0 = performance.now();
    let rerunCreates = await withReruns(o.buckets, o.inFlight, async (i) => {
      const r = await engineUp(host, host.urn("Bucket", `b${i}`), { __provider: text.bucket, name: `fault-run-${i}` });
      bucketStates[i] = r.state;
    });
    rerunCreates += await withReruns(o.keys, o.inFlight, async (j) => {
      const r = await engineUp(host, host.urn("AccessKey", `k${j}`), { __provider: text.accessKey, bucket: bucketStates[j % o.buckets].id, label: `key-${j}` });
      keyStates[j] = r.state;
    });
    const createMs = performance.now() - t0;

    const db = os.store.db;
    const activeKeys = db.prepare("SELECT id, bucket, label FROM access_keys WHERE revoked_at IS NULL ORDER BY id").all() as Array<{ id: string; bucket: string; label: string | null }>;
    const buckets = (db.prepare("SELECT name FROM buckets ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);
    let secretsMatch = 0;
    for (const k of keyStates) if (os.store.resolveCredential(k.id)?.secretAccessKey === k.outputs.secretAccessKey) secretsMatch++;

    const t1 = performance.now();
    await withReruns(o.keys, o.inFlight, async (j) => host.delete(keyStates[j].urn, keyStates[j].id, keyStates[j].outputs));
    await withReruns(o.buckets, o.inFlight, async (i) => host.delete(bucketStates[i].urn, bucketStates[i].id, bucketStates[i].outputs));
    const destroyMs = performance.now() - t1;
    const afterDestroy = {
      activeKeys: (db.prepare("SELECT COUNT(*) AS n FROM access_keys WHERE revoked_at IS NULL").get() as { n: number }).n,
      buckets: (db.prepare("SELECT COUNT(*) AS n FROM buckets").get() as { n: number }).n,
    };
    return {
      createMs, destroyMs, rerunCreates, stats: structuredClone(stats),
      afterCreate: { activeKeys, buckets }, afterDestroy, state: [...bucketStates, ...keyStates], secretsMatch, hostStderr: host.stderr,
    };
  } finally {
    await host.stop();
    await os.stop();
  }
}
