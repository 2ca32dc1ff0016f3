/**
 * Shared by the benchmarks: servers in child processes (so their CPU and memory are their own and /proc shows
 * them), medians, machine facts. Each benchmark prints one JSON summary; docs/benchmarks.md records them.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface Child {
  child: ChildProcess;
  pid: number;
  info: Record<string, any>;
  stop(): Promise<void>;
}

/** Runs `code` in a fresh node; it must print one JSON line when ready. */
export async function startChild(code: string, args: string[] = []): Promise<Child> {
  // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there on exit (see docs/benchmarks.md, "Where the time goes").
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const child = spawn(process.execPath, [...prof, ...args, "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error("server child printed nothing within 30 s")), 30_000);
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) {
        clearTimeout(t);
        resolve(out.split("\n")[0]);
      }
    });
    child.once("exit", (c) => reject(new Error(`server child exited ${c}`)));
  });
  child.stdout!.resume();
  return {
    child,
    pid: child.pid!,
    info: JSON.parse(line),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * Local OtterStorage (startOtterStorage, silent logger, data on disk in `dataDir`) in its own process, with one
 * bucket and one key ready. SIGTERM stops it cleanly.
 */
export async function startOtter(dataDir: string, bucket: string): Promise<Child> {
  const entry = require.resolve("otterstorage-local");
  const code = `
    const { startOtterStorage } = require(${JSON.stringify(entry)});
    (async () => {
      const os = await startOtterStorage({ dataDir: ${JSON.stringify(dataDir)} });
      const h = { authorization: "Bearer " + os.token, "content-type": "application/json" };
      let r = await fetch(os.controlUrl + "/v1/buckets", { method: "POST", headers: h, body: JSON.stringify({ name: ${JSON.stringify(bucket)} }) });
      if (r.status !== 201) throw new Error("bucket: " + r.status);
      r = await fetch(os.controlUrl + "/v1/buckets/${bucket}/access-keys", { method: "POST", headers: h, body: "{}" });
      const k = await r.json();
      console.log(JSON.stringify({ controlUrl: os.controlUrl, s3Url: os.s3Url, token: os.token, accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey }));
      process.on("SIGTERM", () => os.stop().then(() => process.exit(0)));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return startChild(code);
}

/** s3rver 3.7 (the usual local S3 in JS test suites) in its own process, one bucket, silent. */
export async function startS3rver(dataDir: string, bucket: string): Promise<Child> {
  const code = `
    const S3rver = require("s3rver");
    const s = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: ${JSON.stringify(dataDir)}, configureBuckets: [{ name: ${JSON.stringify(bucket)} }] });
    s.run().then((addr) => {
      console.log(JSON.stringify({ s3Url: "http://127.0.0.1:" + addr.port, accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }));
      process.on("SIGTERM", () => s.close().then(() => process.exit(0)));
    });`;
  return startChild(code, []);
}

/** User+system CPU time of a process so far, in milliseconds (Linux /proc; 0 elsewhere). */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of proc(5))
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return 0;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export function machine(): Record<string, unknown> {
  return { nproc: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown", node: process.version, platform: `${os.platform()} ${os.release()}`, memGiB: Math.round(os.totalmem() / 2 ** 30), date: new Date().toISOString() };
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs `job(0..n-1)` with at most `inFlight` at once; returns the elapsed milliseconds. */
export async function timedPool(n: number, inFlight: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(n, inFlight) }, async () => {
    while (next < n) await job(next++);
  }));
  return performance.now() - started;
}

export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The service's own work for a graph of `buckets` buckets with `perBucket` keys each, as raw Control API calls: the
 * creates (buckets `inFlight` at a time, a bucket's keys together), then the revokes and the forced deletes.
 * What the engine benchmarks take out of their figures as "the service's time".
 */
export async function rawGraph(
  os: { controlUrl: string; token: string }, prefix: string, buckets: number, perBucket: number, inFlight = buckets,
): Promise<{ create: number; delete: number }> {
  const h = { authorization: `Bearer ${os.token}`, "content-type": "application/json" };
  const names = Array.from({ length: buckets }, (_, b) => `${prefix}-${b}`);
  const keys: [string, string][] = [];
  const t0 = performance.now();
  await timedPool(buckets, inFlight, async (b) => {
    const r = await fetch(`${os.controlUrl}/v1/buckets`, { method: "POST", headers: h, body: JSON.stringify({ name: names[b] }) });
    if (r.status !== 201) throw new Error(`create bucket ${r.status}`);
    await timedPool(perBucket, perBucket, async (k) => {
      const kr = await fetch(`${os.controlUrl}/v1/buckets/${names[b]}/access-keys`, { method: "POST", headers: h, body: JSON.stringify({ label: `bench-${k}` }) });
      if (kr.status !== 201) throw new Error(`create key ${kr.status}`);
      keys.push([names[b], ((await kr.json()) as { accessKeyId: string }).accessKeyId]);
    });
  });
  const create = performance.now() - t0;
  const t1 = performance.now();
  await timedPool(keys.length, Math.min(100, keys.length), async (i) => {
    const r = await fetch(`${os.controlUrl}/v1/buckets/${keys[i][0]}/access-keys/${keys[i][1]}`, { method: "DELETE", headers: h });
    if (r.status !== 204) throw new Error(`revoke ${r.status}`);
  });
  await timedPool(buckets, inFlight, async (b) => {
    const r = await fetch(`${os.controlUrl}/v1/buckets/${names[b]}?force=true`, { method: "DELETE", headers: h });
    if (r.status !== 204) throw new Error(`delete bucket ${r.status}`);
  });
  return { create, delete: performance.now() - t1 };
}
