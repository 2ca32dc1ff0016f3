/**
 * Small-object throughput: PUT then GET of 4 KiB objects with SigV4, Local OtterStorage vs s3rver, both started in
 * this run as child processes with data on disk, each driven by the same client at the same concurrency. Two
 * clients, each measured against both servers in the same run:
 *   - "sdk":  @aws-sdk/client-s3 (what users run). It costs 0.7-1.2 ms of CPU per request, more than our server, so on
 *             two cores the figure is client-bound (docs/benchmarks.md, "Where the time goes").
 *   - "lean": a minimal SigV4 client (node:http keep-alive agent, @smithy/signature-v4, hex payload SHA-256 in
 *             x-amz-content-sha256), ~0.2 ms per request, so the figure shows the servers. Every answer is checked
 *             (status, ETag, body bytes) so a fast error path cannot inflate it.
 * Rounds alternate the order of the servers and of the clients; the summary gives, per client, the median
 * requests/s of each server and the ratio of the medians (goal: >= 2x), plus CPU milliseconds per request.
 *
 * The load comes from BENCH_CLIENTS worker threads (default 2, one per core here), each with its own clients and an
 * equal share of the concurrency.
 *
 *   npm run bench:s3      (BENCH_OPS=2000 BENCH_ROUNDS=5 BENCH_CONCURRENCY=32 BENCH_CLIENTS=2 BENCH_SIZE=4096
 *                          BENCH_CLIENT_KINDS=sdk,lean)
 */
import * as fs from "node:fs";
import * as http from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { s3Signer } from "../provider/sigv4";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Child, cpuMs, machine, median, round, startOtter, startS3rver, timedPool, tmpDir } from "./support";

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SIZE = Number(process.env.BENCH_SIZE ?? 4096);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2);
const KINDS = (process.env.BENCH_CLIENT_KINDS ?? "sdk,lean").split(",").map((k) => k.trim()).filter(Boolean) as ClientKind[];
const WARMUP = 300;
const BUCKET = "bench-small";

interface Target { s3Url: string; accessKeyId: string; secretAccessKey: string }
type Targets = Record<"otterstorage" | "s3rver", Target>;
type ClientKind = "sdk" | "lean";
interface Job { phase: "put" | "get"; client: ClientKind; target: keyof Targets; tag: string; from: number; to: number; inFlight: number }
interface Ops { put(key: string): Promise<void>; get(key: string): Promise<void> }

function client(t: Target): S3Client {
  return new S3Client({
    endpoint: t.s3Url,
    region: "eu-mad",
    forcePathStyle: true,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    maxAttempts: 1,
  });
}

function sdkOps(t: Target, body: Buffer): Ops {
  const s3 = client(t);
  return {
    put: async (key) => void (await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }))),
    get: async (key) => {
      const got = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();
      if (got.length !== body.length) throw new Error(`GET ${key}: ${got.length} bytes`);
    },
  };
}

interface Answer { status: number; etag: string | undefined; body: Buffer }

/**
 * The lean client: one keep-alive agent per server, SigV4 header auth signed by @smithy/signature-v4 (the SDK's own
 * signer) with the body's hex SHA-256 in x-amz-content-sha256 (precomputed: every PUT sends the same bytes). Both
 * servers accept that mode; s3rver skips the payload check, we verify it. Keys are [a-z0-9/] so the path needs no
 * escaping. Every answer is verified: 200, the body's MD5 as ETag, and for GET the exact bytes.
 */
function leanOps(t: Target, body: Buffer, inFlight: number): Ops {
  const url = new URL(t.s3Url);
  const hostname = url.hostname;
  const port = Number(url.port);
  const host = `${hostname}:${port}`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const signer = s3Signer("eu-mad", t);
  const bodySha = createHash("sha256").update(body).digest("hex");
  const emptySha = createHash("sha256").digest("hex");
  const etag = `"${createHash("md5").update(body).digest("hex")}"`;
  async function send(method: "PUT" | "GET", key: string): Promise<Answer> {
    const path = `/${BUCKET}/${key}`;
    const headers: Record<string, string> = method === "PUT"
      ? { host, "x-amz-content-sha256": bodySha, "content-length": String(body.length), "content-type": "application/octet-stream" }
      : { host, "x-amz-content-sha256": emptySha };
    const signed = await signer.sign({ method, protocol: "http:", hostname, port, path, query: {}, headers });
    return new Promise<Answer>((resolve, reject) => {
      const req = http.request({ agent, hostname, port, method, path, headers: signed.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
      });
      req.on("error", reject);
      req.end(method === "PUT" ? body : undefined);
    });
  }
  function check(what: string, a: Answer): void {
    if (a.status !== 200) throw new Error(`lean ${what}: status ${a.status}: ${a.body.toString("utf8", 0, 300)}`);
    if (a.etag !== etag) throw new Error(`lean ${what}: ETag ${a.etag}, expected ${etag}`);
  }
  return {
    put: async (key) => check(`PUT ${key}`, await send("PUT", key)),
    get: async (key) => {
      const a = await send("GET", key);
      check(`GET ${key}`, a);
      if (!a.body.equals(body)) throw new Error(`lean GET ${key}: ${a.body.length} bytes differ from the ${body.length} sent`);
    },
  };
}

/** A client thread: one client of each kind per server, runs the jobs it is sent. */
function workerMain(): void {
  const targets = workerData.targets as Targets;
  const body = Buffer.from(workerData.body as Uint8Array);
  const inFlight = workerData.inFlight as number;
  const clients: Record<ClientKind, Record<keyof Targets, Ops>> = {
    sdk: { otterstorage: sdkOps(targets.otterstorage, body), s3rver: sdkOps(targets.s3rver, body) },
    lean: { otterstorage: leanOps(targets.otterstorage, body, inFlight), s3rver: leanOps(targets.s3rver, body, inFlight) },
  };
  parentPort!.on("message", async (job: Job) => {
    const ops = clients[job.client][job.target];
    try {
      await timedPool(job.to - job.from, job.inFlight, async (n) => {
        const key = `${job.client}/${job.tag}/${job.from + n}`;
        await (job.phase === "put" ? ops.put(key) : ops.get(key));
      });
      parentPort!.postMessage({ ok: true });
    } catch (e) {
      parentPort!.postMessage({ ok: false, error: String((e as Error)?.stack ?? e) });
    }
  });
}

/** Runs one phase split over the client threads; resolves with the wall time. */
async function phase(workers: Worker[], p: Job["phase"], kind: ClientKind, target: Job["target"], tag: string, n: number): Promise<number> {
  const started = performance.now();
  const per = Math.ceil(n / workers.length);
  await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => {
      w.off("message", onMessage);
      reject(e);
    };
    const onMessage = (m: { ok: boolean; error?: string }) => {
      w.off("error", onError);
      if (m.ok) resolve();
      else reject(new Error(m.error));
    };
    w.once("message", onMessage);
    w.once("error", onError);
    w.postMessage({ phase: p, client: kind, target, tag, from: i * per, to: Math.min(n, (i + 1) * per), inFlight: inFlightPerWorker(workers.length) } satisfies Job);
  })));
  return performance.now() - started;
}

function inFlightPerWorker(workers: number): number {
  return Math.max(1, Math.round(CONCURRENCY / workers));
}

interface RoundResult { putPerSec: number; getPerSec: number; perSec: number; serverCpuMsPerReq: number; clientCpuMsPerReq: number }

/** One round: OPS PUTs, then OPS GETs of the same keys; requests/s over both phases, CPU per request. */
async function roundOn(workers: Worker[], kind: ClientKind, target: Job["target"], pid: number, tag: string): Promise<RoundResult> {
  const cpu0 = cpuMs(pid);
  const client0 = process.cpuUsage();
  const putMs = await phase(workers, "put", kind, target, tag, OPS);
  const getMs = await phase(workers, "get", kind, target, tag, OPS);
  const clientCpu = process.cpuUsage(client0);
  return {
    putPerSec: (OPS / putMs) * 1000, getPerSec: (OPS / getMs) * 1000, perSec: ((2 * OPS) / (putMs + getMs)) * 1000,
    serverCpuMsPerReq: (cpuMs(pid) - cpu0) / (2 * OPS), clientCpuMsPerReq: (clientCpu.user + clientCpu.system) / 1000 / (2 * OPS),
  };
}

async function main(): Promise<void> {
  const bad = KINDS.filter((k) => k !== "sdk" && k !== "lean");
  if (KINDS.length === 0 || bad.length) throw new Error(`BENCH_CLIENT_KINDS must list sdk and/or lean, comma-separated; got '${process.env.BENCH_CLIENT_KINDS}'`);
  const dir = tmpDir("otter-bench-s3-");
  const otter = await startOtter(`${dir}/otter`, BUCKET);
  const s3rver = await startS3rver(`${dir}/s3rver`, BUCKET);
  const targets: Targets = { otterstorage: otter.info as Target, s3rver: s3rver.info as Target };
  const children: Record<keyof Targets, Child> = { otterstorage: otter, s3rver };
  const body = randomBytes(SIZE);
  const workers = Array.from({ length: CLIENTS }, () => new Worker(__filename, { workerData: { targets, body, inFlight: inFlightPerWorker(CLIENTS) } }));
  const runs = Object.fromEntries(KINDS.map((k) => [k, { otterstorage: [] as RoundResult[], s3rver: [] as RoundResult[] }]));
  try {
    for (const k of KINDS) {
      for (const t of ["otterstorage", "s3rver"] as const) {
        await phase(workers, "put", k, t, "warm", WARMUP);
        await phase(workers, "get", k, t, "warm", WARMUP);
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      const kinds = r % 2 ? [...KINDS].reverse() : KINDS;
      for (const [i, k] of kinds.entries()) {
        // Alternate the server order per round and per client, so each pair of figures shares its neighbours.
        const order = (r + i) % 2 ? (["s3rver", "otterstorage"] as const) : (["otterstorage", "s3rver"] as const);
        for (const t of order) runs[k][t].push(await roundOn(workers, k, t, children[t].pid, `r${r}`));
      }
    }
    const summary = (xs: RoundResult[]) => ({
      medianReqPerSec: round(median(xs.map((x) => x.perSec))),
      medianPutPerSec: round(median(xs.map((x) => x.putPerSec))),
      medianGetPerSec: round(median(xs.map((x) => x.getPerSec))),
      runsReqPerSec: xs.map((x) => round(x.perSec)),
      medianServerCpuMsPerReq: round(median(xs.map((x) => x.serverCpuMsPerReq)), 3),
      medianClientCpuMsPerReq: round(median(xs.map((x) => x.clientCpuMsPerReq)), 3),
    });
    const clients = Object.fromEntries(KINDS.map((k) => {
      const o = summary(runs[k].otterstorage);
      const s = summary(runs[k].s3rver);
      return [k, {
        otterstorage: o, s3rver: s,
        ratio: round(o.medianReqPerSec / s.medianReqPerSec, 2),
        roundRatios: runs[k].otterstorage.map((x, i) => round(x.perSec / runs[k].s3rver[i].perSec, 2)),
        serverCpuRatio: round(s.medianServerCpuMsPerReq / o.medianServerCpuMsPerReq, 2),
      }];
    }));
    console.log(JSON.stringify({
      benchmark: "s3-small-objects",
      objectBytes: SIZE, opsPerPhase: OPS, rounds: ROUNDS, concurrency: CONCURRENCY, clientThreads: CLIENTS,
      clients,
      goal: ">= 2x",
      machine: machine(),
    }, null, 2));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await otter.stop();
    await s3rver.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  workerMain();
}
