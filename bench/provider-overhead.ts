/**
 * Provider overhead: 1,000 AccessKey creates across 100 buckets through the real dynamic-provider host (gRPC, 16 in
 * flight) against 1,000 raw Control API creates (fetch, keep-alive, 16 in flight) in the same run, against one Local
 * OtterStorage in its own process. Run: npm run bench:provider  (results go to docs/benchmarks.md, "Provider overhead").
 *
 * Like with like: a raw create does not verify the key on the S3 plane, so the headline host runs set
 * `readiness: { disabled: true }`. Four sides per round, in alternating order:
 *   raw          POST /v1/buckets/{b}/access-keys with fetch
 *   create       host Create only, readiness disabled
 *   checkCreate  host Check + Create (what the engine sends per new resource), readiness disabled
 *   ready        host Create only with readiness on (the default): one signed S3 HeadBucket per key
 * The medians over the rounds are compared. Every side also reports CPU milliseconds per key of the three processes
 * (driver = this process, host, service; /proc/<pid>/stat), because on 2 cores the Node gRPC driver standing in for
 * the engine (which is Go) competes with the host and the service for the same CPU.
 *
 * BENCH_HOST_PROF=<dir>: the host writes a V8 CPU profile there and the bench prints its self time by package.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as path from "path";

import { ProviderHost, serializedProviders } from "../tests/support/host";
import { cpuMs, median, startChild, timedPool, tmpDir } from "./support";

const KEYS = Number(process.env.BENCH_KEYS ?? 1000);
const BUCKETS = Number(process.env.BENCH_BUCKETS ?? 100);
const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const PROF_DIR = process.env.BENCH_HOST_PROF;

type Side = "raw" | "create" | "checkCreate" | "ready";
const SIDES: Side[] = ["raw", "create", "checkCreate", "ready"];
interface Sample { ms: number; cpu: { driver: number; host: number; service: number } }

/** Self time of a V8 .cpuprofile grouped by where the code lives. */
function summarizeProfile(file: string): Record<string, number> {
  const prof = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map<number, any>(prof.nodes.map((n: any) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const group = (n: any): string => {
    const url: string = n.callFrame.url ?? "";
    const fn: string = n.callFrame.functionName;
    if (!url) return fn === "(idle)" || fn === "(program)" || fn === "(garbage collector)" ? fn : "(native/builtin)";
    if (url.startsWith("node:")) return "node:" + url.slice(5).split("/")[0];
    const nm = url.lastIndexOf("node_modules/");
    if (nm >= 0) {
      const rest = url.slice(nm + 13).split("/");
      const pkg = rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
      if (pkg === "pulumi-otterstorage") return `ours:${rest.slice(2, 4).join("/")}`;
      return pkg;
    }
    return url;
  };
  const totals: Record<string, number> = {};
  for (const [id, us] of selfUs) {
    const g = group(byId.get(id));
    totals[g] = (totals[g] ?? 0) + us / 1000;
  }
  return Object.fromEntries(Object.entries(totals).sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 5).map(([k, ms]) => [k, Math.round(ms)]));
}

async function main(): Promise<void> {
  const entry = require.resolve("otterstorage-local");
  const service = await startChild(`require(${JSON.stringify(entry)}).startOtterStorage({ memory: true }).then((o) => {
    console.log(JSON.stringify({ controlUrl: o.controlUrl, token: o.token }));
    process.on("SIGTERM", () => o.stop().then(() => process.exit(0)));
  })`);
  const { controlUrl, token } = service.info as { controlUrl: string; token: string };
  let profDir: string | undefined;
  const nodeArgs: string[] = [];
  if (PROF_DIR) {
    profDir = path.resolve(PROF_DIR);
    fs.mkdirSync(profDir, { recursive: true });
    // --cpu-prof writes on a normal exit only; the host has no SIGTERM handler of its own.
    const preload = path.join(tmpDir("bench-prof-"), "exit-on-sigterm.js");
    fs.writeFileSync(preload, 'process.on("SIGTERM", () => process.exit(0));\n');
    nodeArgs.push("--cpu-prof", "--cpu-prof-dir", profDir, "--require", preload);
  }
  const host = await ProviderHost.start({ nodeArgs });
  try {
    await host.configure({ "otterstorage:endpoint": controlUrl, "otterstorage:token": token });
    const text = await serializedProviders();
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const buckets: string[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const name = `bench-${i}-${randomUUID().slice(0, 8)}`;
      const r = await fetch(`${controlUrl}/v1/buckets`, { method: "POST", headers: auth, body: JSON.stringify({ name }) });
      if (r.status !== 201) throw new Error(`bucket create: ${r.status}`);
      buckets.push(name);
    }
    const off = { disabled: true };
    const jobs: Record<Side, (round: number, i: number) => Promise<void>> = {
      raw: async (_round, i) => {
        const r = await fetch(`${controlUrl}/v1/buckets/${buckets[i % BUCKETS]}/access-keys`, {
          method: "POST", headers: { ...auth, "idempotency-key": randomUUID() }, body: JSON.stringify({ label: `raw-${i}` }),
        });
        if (r.status !== 201) throw new Error(`raw create: ${r.status}`);
        await r.json();
      },
      create: async (round, i) => {
        const c = await host.create(host.urn("AccessKey", `c-${round}-${i}`), { __provider: text.accessKey, bucket: buckets[i % BUCKETS], label: `host-${i}`, readiness: off });
        if (!c.properties.secretAccessKey) throw new Error("no secret");
      },
      checkCreate: async (round, i) => {
        const urn = host.urn("AccessKey", `k-${round}-${i}`);
        const checked = await host.check(urn, {}, { __provider: text.accessKey, bucket: buckets[i % BUCKETS], label: `host-${i}`, readiness: off });
        if (checked.failures.length) throw new Error("check failed");
        const c = await host.create(urn, checked.inputs);
        if (!c.properties.secretAccessKey) throw new Error("no secret");
      },
      ready: async (round, i) => {
        const c = await host.create(host.urn("AccessKey", `r-${round}-${i}`), { __provider: text.accessKey, bucket: buckets[i % BUCKETS], label: `host-${i}` });
        if (!c.properties.secretAccessKey) throw new Error("no secret");
      },
    };
    const measure = async (side: Side, round: number, n: number): Promise<Sample> => {
      const d0 = process.cpuUsage();
      const h0 = cpuMs(host.pid);
      const s0 = cpuMs(service.pid);
      const ms = await timedPool(n, IN_FLIGHT, (i) => jobs[side](round, i));
      const d = process.cpuUsage(d0);
      return { ms, cpu: { driver: (d.user + d.system) / 1000, host: cpuMs(host.pid) - h0, service: cpuMs(service.pid) - s0 } };
    };
    // Warm-up: JIT, keep-alive pools, the host's provider cache and configure().
    for (const side of SIDES) await measure(side, -1, side === "raw" ? WARMUP * 2 : WARMUP);

    const samples: Record<Side, Sample[]> = { raw: [], create: [], checkCreate: [], ready: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so no side always runs on a warmer (or fuller) service.
      const order = round % 2 ? [...SIDES].reverse() : SIDES;
      for (const side of order) samples[side].push(await measure(side, round, KEYS));
    }

    const med = (side: Side) => median(samples[side].map((s) => s.ms));
    const perKey = (side: Side, p: "driver" | "host" | "service") => Number((median(samples[side].map((s) => s.cpu[p])) / KEYS * 1000).toFixed(0));
    const sides = Object.fromEntries(SIDES.map((side) => [side, {
      medianMs: Math.round(med(side)), perSec: Math.round((KEYS / med(side)) * 1000), roundsMs: samples[side].map((s) => Math.round(s.ms)),
      cpuUsPerKey: { driver: perKey(side, "driver"), host: perKey(side, "host"), service: perKey(side, "service") },
    }]));
    const cpuRatio = (side: Side) => Number(((perKey(side, "host") + perKey(side, "service")) / (perKey("raw", "driver") + perKey("raw", "service"))).toFixed(2));
    const ratio = (side: Side) => Number((med(side) / med("raw")).toFixed(2));
    const result = {
      keys: KEYS, buckets: BUCKETS, inFlight: IN_FLIGHT, rounds: ROUNDS, warmup: WARMUP,
      sides,
      ratioCreateOnly: ratio("create"),
      ratioCheckCreate: ratio("checkCreate"),
      ratioReadiness: ratio("ready"),
      // CPU per key without the engine stand-in: (host + service) against (raw client + service). On 2 cores the
      // Node gRPC driver's CPU is taken from the host and the service, which a Go engine would mostly not do.
      cpuRatioCreateOnly: cpuRatio("create"),
      cpuRatioCheckCreate: cpuRatio("checkCreate"),
      readinessMsPerKey: Number(((med("ready") - med("create")) / KEYS).toFixed(3)),
      serializedBytes: { Bucket: Buffer.byteLength(text.bucket), AccessKey: Buffer.byteLength(text.accessKey) },
      node: process.version, pulumi: await host.pluginVersion(),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`\nhost/raw (readiness off, like raw): Create only ${result.ratioCreateOnly}x, Check+Create ${result.ratioCheckCreate}x (goal <= 1.25x); ` +
      `CPU without the driver ${result.cpuRatioCreateOnly}x / ${result.cpuRatioCheckCreate}x; Create with readiness ${result.ratioReadiness}x (+${result.readinessMsPerKey} ms wall per key at ${IN_FLIGHT} in flight); ` +
      `__provider: Bucket ${result.serializedBytes.Bucket} B, AccessKey ${result.serializedBytes.AccessKey} B`);
  } finally {
    await host.stop();
    await service.stop();
  }
  if (profDir) {
    const files = fs.readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(profDir!, f));
    const newest = files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    if (newest) console.log(`\nhost CPU profile ${newest}: self ms by package\n${JSON.stringify(summarizeProfile(newest), null, 2)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
