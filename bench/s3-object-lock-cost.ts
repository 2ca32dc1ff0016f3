/**
 * What object lock costs per PUT: 4 KiB PutObjects into a bucket with object lock and a default retention (every
 * version gets a mode and a retain-until date, emulator/s3/objectLock.ts) against PutObjects into a plain versioned
 * bucket, on the same Local OtterStorage (one child process, data on disk), with the same lean SigV4 client
 * (node:http keep-alive, @smithy/signature-v4 via provider/sigv4.ts). Rounds alternate which bucket goes first; the
 * summary gives the median PUT/s of each, their ratio (locked / plain) and the server's CPU milliseconds per PUT.
 *
 *   node dist/bench/s3-object-lock-cost.js      (BENCH_OPS=2000 BENCH_ROUNDS=5 BENCH_CONCURRENCY=16)
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import { s3Signer } from "../provider/sigv4";
import { cpuMs, machine, median, round, startOtter, timedPool, tmpDir } from "./support";

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SIZE = 4096;

interface Key { bucket: string; accessKeyId: string; secretAccessKey: string }

async function makeBucket(controlUrl: string, token: string, name: string, body: Record<string, unknown>): Promise<Key> {
  const h = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const b = await fetch(`${controlUrl}/v1/buckets`, { method: "POST", headers: h, body: JSON.stringify({ name, ...body }) });
  if (b.status !== 201) throw new Error(`bucket ${name}: ${b.status} ${await b.text()}`);
  const k = await fetch(`${controlUrl}/v1/buckets/${name}/access-keys`, { method: "POST", headers: h, body: "{}" });
  const j = (await k.json()) as { accessKeyId: string; secretAccessKey: string };
  return { bucket: name, accessKeyId: j.accessKeyId, secretAccessKey: j.secretAccessKey };
}

/** PUT `body` to /bucket/key, signed with the body's SHA-256; checks 200 and the ETag (and, when locked, the version). */
function putter(s3Url: string, key: Key, body: Buffer, inFlight: number): (name: string) => Promise<void> {
  const url = new URL(s3Url);
  const hostname = url.hostname;
  const port = Number(url.port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const signer = s3Signer("eu-mad", key);
  const sha = createHash("sha256").update(body).digest("hex");
  const etag = `"${createHash("md5").update(body).digest("hex")}"`;
  return async (name) => {
    const path = `/${key.bucket}/${name}`;
    const headers = { host: `${hostname}:${port}`, "x-amz-content-sha256": sha, "content-length": String(body.length) };
    const signed = await signer.sign({ method: "PUT", protocol: "http:", hostname, port, path, query: {}, headers });
    await new Promise<void>((resolve, reject) => {
      const req = http.request({ agent, hostname, port, method: "PUT", path, headers: signed.headers }, (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 && res.headers.etag === etag ? resolve() : reject(new Error(`PUT ${path}: ${res.statusCode} ${res.headers.etag}`))));
      });
      req.on("error", reject);
      req.end(body);
    });
  };
}

async function main(): Promise<void> {
  const dir = tmpDir("otter-bench-lock-");
  const otter = await startOtter(dir, "bench-unused");
  try {
    const { controlUrl, token, s3Url } = otter.info as { controlUrl: string; token: string; s3Url: string };
    const plain = await makeBucket(controlUrl, token, "bench-plain", { versioning: "Enabled" });
    const locked = await makeBucket(controlUrl, token, "bench-locked", { objectLock: { mode: "GOVERNANCE", days: 1 } });
    const body = randomBytes(SIZE);
    const put = { plain: putter(s3Url, plain, body, CONCURRENCY), locked: putter(s3Url, locked, body, CONCURRENCY) };
    for (const which of ["plain", "locked"] as const) await timedPool(300, CONCURRENCY, (i) => put[which](`warm/${i}`));
    const rate: Record<"plain" | "locked", number[]> = { plain: [], locked: [] };
    const cpu: Record<"plain" | "locked", number[]> = { plain: [], locked: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const which of r % 2 ? (["locked", "plain"] as const) : (["plain", "locked"] as const)) {
        const c0 = cpuMs(otter.pid);
        const ms = await timedPool(OPS, CONCURRENCY, (i) => put[which](`r${r}/${i}`));
        cpu[which].push((cpuMs(otter.pid) - c0) / OPS);
        rate[which].push(OPS / (ms / 1000));
      }
    }
    const p = median(rate.plain);
    const l = median(rate.locked);
    console.log(JSON.stringify({
      benchmark: "s3-object-lock-cost", objectBytes: SIZE, opsPerPhase: OPS, rounds: ROUNDS, concurrency: CONCURRENCY,
      plain: { medianPutPerSec: round(p), runs: rate.plain.map((x) => round(x)), medianServerCpuMsPerPut: round(median(cpu.plain), 3) },
      locked: { medianPutPerSec: round(l), runs: rate.locked.map((x) => round(x)), medianServerCpuMsPerPut: round(median(cpu.locked), 3) },
      ratioLockedToPlain: round(l / p, 2),
      roundRatios: rate.plain.map((x, i) => round(rate.locked[i] / x, 2)),
      machine: machine(),
    }, null, 2));
  } finally {
    await otter.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
