/**
 * Provider overhead: 1,000 AccessKey creates across 100 buckets through the real dynamic-provider host (gRPC
 * Check + Create per key, as the engine sends them, 16 in flight) against 1,000 raw Control API creates (fetch,
 * 16 in flight) in the same run, against one in-process Local OtterStorage. Prints the ratio and the serialized
 * provider size per resource. Run: npm run bench:provider  (results go to docs/benchmarks.md, "Provider overhead").
 *
 * Rounds alternate raw/host and the best round of each is compared, so a noisy neighbour on the shared machine
 * hurts both sides alike.
 */
import { spawn } from "child_process";
import { randomUUID } from "crypto";
import * as path from "path";

import { ProviderHost, serializedProviders } from "../tests/support/host";

const KEYS = Number(process.env.BENCH_KEYS ?? 1000);
const BUCKETS = Number(process.env.BENCH_BUCKETS ?? 100);
const IN_FLIGHT = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);

async function pool(n: number, inFlight: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < n) await job(next++);
  }));
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Local OtterStorage in its own process, like a real service: its CPU is not billed to either client. */
async function startService(): Promise<{ controlUrl: string; token: string; stop(): void }> {
  const entry = path.resolve(__dirname, "..", "emulator", "index.js");
  const code = `require(${JSON.stringify(entry)}).startOtterStorage({ memory: true }).then((o) => console.log(JSON.stringify({ controlUrl: o.controlUrl, token: o.token })))`;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => { out += d; if (out.includes("\n")) resolve(out.split("\n")[0]); });
    child.once("exit", (c) => reject(new Error(`emulator exited ${c}`)));
  });
  const { controlUrl, token } = JSON.parse(line);
  return { controlUrl, token, stop: () => child.kill("SIGTERM") };
}

async function main(): Promise<void> {
  const os = await startService();
  const host = await ProviderHost.start();
  try {
    await host.configure({ "otterstorage:endpoint": os.controlUrl, "otterstorage:token": os.token });
    const text = await serializedProviders();
    const auth = { authorization: `Bearer ${os.token}`, "content-type": "application/json" };
    const buckets: string[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const name = `bench-${i}-${randomUUID().slice(0, 8)}`;
      const r = await fetch(`${os.controlUrl}/v1/buckets`, { method: "POST", headers: auth, body: JSON.stringify({ name }) });
      if (r.status !== 201) throw new Error(`bucket create: ${r.status}`);
      buckets.push(name);
    }
    const raw = (i: number) => async () => {
      const r = await fetch(`${os.controlUrl}/v1/buckets/${buckets[i % BUCKETS]}/access-keys`, {
        method: "POST", headers: { ...auth, "idempotency-key": randomUUID() }, body: JSON.stringify({ label: `raw-${i}` }),
      });
      if (r.status !== 201) throw new Error(`raw create: ${r.status}`);
      await r.json();
    };
    const viaHost = (round: number, i: number) => async () => {
      const urn = host.urn("AccessKey", `k-${round}-${i}`);
      const news = { __provider: text.accessKey, bucket: buckets[i % BUCKETS], label: `host-${i}` };
      const checked = await host.check(urn, {}, news);
      if (checked.failures.length) throw new Error("check failed");
      const c = await host.create(urn, checked.inputs);
      if (!c.properties.secretAccessKey) throw new Error("no secret");
    };
    // Warm-up: JIT, keep-alive pools, the host's provider cache and configure().
    await pool(WARMUP * 2, IN_FLIGHT, (i) => raw(i)());
    await pool(WARMUP, IN_FLIGHT, (i) => viaHost(-1, i)());

    const viaHostCreateOnly = (round: number, i: number) => async () => {
      const c = await host.create(host.urn("AccessKey", `c-${round}-${i}`), { __provider: text.accessKey, bucket: buckets[i % BUCKETS], label: `host-${i}` });
      if (!c.properties.secretAccessKey) throw new Error("no secret");
    };
    const rawMs: number[] = [];
    const hostMs: number[] = [];
    const createOnlyMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so neither side always runs on a warmer service.
      const runs: Array<() => Promise<void>> = [
        async () => { rawMs.push(await pool(KEYS, IN_FLIGHT, (i) => raw(i)())); },
        async () => { hostMs.push(await pool(KEYS, IN_FLIGHT, (i) => viaHost(round, i)())); },
        async () => { createOnlyMs.push(await pool(KEYS, IN_FLIGHT, (i) => viaHostCreateOnly(round, i)())); },
      ];
      if (round % 2) runs.reverse();
      for (const r of runs) await r();
    }

    const bestRaw = Math.min(...rawMs);
    const bestHost = Math.min(...hostMs);
    const result = {
      keys: KEYS, buckets: BUCKETS, inFlight: IN_FLIGHT, rounds: ROUNDS, warmup: WARMUP,
      rawMs: rawMs.map(Math.round), hostMs: hostMs.map(Math.round), hostCreateOnlyMs: createOnlyMs.map(Math.round),
      ratioCreateOnly: Number((Math.min(...createOnlyMs) / Math.min(...rawMs)).toFixed(2)),
      rawPerSec: Math.round((KEYS / bestRaw) * 1000), hostPerSec: Math.round((KEYS / bestHost) * 1000),
      ratio: Number((bestHost / bestRaw).toFixed(2)),
      serializedBytes: { Bucket: Buffer.byteLength(text.bucket), AccessKey: Buffer.byteLength(text.accessKey) },
      node: process.version, pulumi: await host.pluginVersion(),
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`\nratio host/raw = ${result.ratio}x with Check+Create, ${result.ratioCreateOnly}x Create only (goal <= 1.25x); __provider: Bucket ${result.serializedBytes.Bucket} B, AccessKey ${result.serializedBytes.AccessKey} B`);
  } finally {
    await host.stop();
    os.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
