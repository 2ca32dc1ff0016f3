/**
 * Small-object throughput: PUT then GET of 4 KiB objects with SigV4, Local OtterStorage vs s3rver, both started in
 * this run as child processes with data on disk, driven by the same @aws-sdk/client-s3 configuration at the same
 * concurrency. Rounds alternate the order of the two servers; the summary gives the median requests/s of each and
 * the ratio of the medians (goal: >= 2x), plus the CPU milliseconds each server and the client spend per request.
 *
 * The SDK client costs ~0.9 ms of CPU per request, more than our server does, so one client thread cannot load the
 * service: the load comes from BENCH_CLIENTS worker threads (default 2, one per core here), each with its own
 * S3Client and an equal share of the concurrency. See docs/benchmarks.md, "Where the time goes".
 *
 *   npm run bench:s3      (BENCH_OPS=2000 BENCH_ROUNDS=5 BENCH_CONCURRENCY=32 BENCH_CLIENTS=2 BENCH_SIZE=4096)
 */
import * as fs from "node:fs";
import { randomBytes } from "node:crypto";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Child, cpuMs, machine, median, round, startOtter, startS3rver, timedPool, tmpDir } from "./support";

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SIZE = Number(process.env.BENCH_SIZE ?? 4096);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2);
const WARMUP = 300;
const BUCKET = "bench-small";

interface Target { s3Url: string; accessKeyId: string; secretAccessKey: string }
type Targets = Record<"otterstorage" | "s3rver", Target>;
interface Job { phase: "put" | "get"; target: keyof Targets; tag: string; from: number; to: number; inFlight: number }

function client(t: Target): S3Client {
  return new S3Client({
    endpoint: t.s3Url,
    region: "eu-mad",
    forcePathStyle: true,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    maxAttempts: 1,
  });
}

/** A client thread: one S3Client per server, runs the jobs it is sent. */
function workerMain(): void {
  const targets = workerData.targets as Targets;
  const body = Buffer.from(workerData.body as Uint8Array);
  const clients = { otterstorage: client(targets.otterstorage), s3rver: client(targets.s3rver) };
  parentPort!.on("message", async (job: Job) => {
    const s3 = clients[job.target];
    await timedPool(job.to - job.from, job.inFlight, async (n) => {
      const key = `${job.tag}/${job.from + n}`;
      if (job.phase === "put") {
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      } else {
        const got = await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();
        if (got.length !== body.length) throw new Error(`GET ${key}: ${got.length} bytes`);
      }
    });
    parentPort!.postMessage("done");
  });
}

/** Runs one phase split over the client threads; resolves with the wall time. */
async function phase(workers: Worker[], p: Job["phase"], target: Job["target"], tag: string, n: number): Promise<number> {
  const started = performance.now();
  const per = Math.ceil(n / workers.length);
  await Promise.all(workers.map((w, i) => new Promise<void>((resolve, reject) => {
    w.once("message", () => resolve());
    w.once("error", reject);
    w.postMessage({ phase: p, target, tag, from: i * per, to: Math.min(n, (i + 1) * per), inFlight: Math.max(1, Math.round(CONCURRENCY / workers.length)) } satisfies Job);
  })));
  return performance.now() - started;
}

interface RoundResult { putPerSec: number; getPerSec: number; perSec: number; serverCpuMsPerReq: number; clientCpuMsPerReq: number }

/** One round: OPS PUTs, then OPS GETs of the same keys; requests/s over both phases, CPU per request. */
async function roundOn(workers: Worker[], target: Job["target"], pid: number, tag: string): Promise<RoundResult> {
  const cpu0 = cpuMs(pid);
  const client0 = process.cpuUsage();
  const putMs = await phase(workers, "put", target, tag, OPS);
  const getMs = await phase(workers, "get", target, tag, OPS);
  const clientCpu = process.cpuUsage(client0);
  return {
    putPerSec: (OPS / putMs) * 1000, getPerSec: (OPS / getMs) * 1000, perSec: ((2 * OPS) / (putMs + getMs)) * 1000,
    serverCpuMsPerReq: (cpuMs(pid) - cpu0) / (2 * OPS), clientCpuMsPerReq: (clientCpu.user + clientCpu.system) / 1000 / (2 * OPS),
  };
}

async function main(): Promise<void> {
  const dir = tmpDir("otter-bench-s3-");
  const otter = await startOtter(`${dir}/otter`, BUCKET);
  const s3rver = await startS3rver(`${dir}/s3rver`, BUCKET);
  const targets: Targets = { otterstorage: otter.info as Target, s3rver: s3rver.info as Target };
  const children: Record<keyof Targets, Child> = { otterstorage: otter, s3rver };
  const body = randomBytes(SIZE);
  const workers = Array.from({ length: CLIENTS }, () => new Worker(__filename, { workerData: { targets, body } }));
  const runs: Record<keyof Targets, RoundResult[]> = { otterstorage: [], s3rver: [] };
  try {
    for (const t of ["otterstorage", "s3rver"] as const) {
      await phase(workers, "put", t, "warm", WARMUP);
      await phase(workers, "get", t, "warm", WARMUP);
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? (["s3rver", "otterstorage"] as const) : (["otterstorage", "s3rver"] as const);
      for (const t of order) runs[t].push(await roundOn(workers, t, children[t].pid, `r${r}`));
    }
    const summary = (xs: RoundResult[]) => ({
      medianReqPerSec: round(median(xs.map((x) => x.perSec))),
      medianPutPerSec: round(median(xs.map((x) => x.putPerSec))),
      medianGetPerSec: round(median(xs.map((x) => x.getPerSec))),
      runsReqPerSec: xs.map((x) => round(x.perSec)),
      medianServerCpuMsPerReq: round(median(xs.map((x) => x.serverCpuMsPerReq)), 3),
      medianClientCpuMsPerReq: round(median(xs.map((x) => x.clientCpuMsPerReq)), 3),
    });
    const o = summary(runs.otterstorage);
    const s = summary(runs.s3rver);
    console.log(JSON.stringify({
      benchmark: "s3-small-objects",
      objectBytes: SIZE, opsPerPhase: OPS, rounds: ROUNDS, concurrency: CONCURRENCY, clientThreads: CLIENTS,
      otterstorage: o, s3rver: s,
      ratio: round(o.medianReqPerSec / s.medianReqPerSec, 2),
      serverCpuRatio: round(s.medianServerCpuMsPerReq / o.medianServerCpuMsPerReq, 2),
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
