/**
 * Small-object throughput: PUT then GET of 4 KiB objects with SigV4, Local OtterStorage vs s3rver, both started in
 * this run as child processes with data on disk, driven by the same @aws-sdk/client-s3 configuration at the same
 * concurrency. Rounds alternate the order of the two servers; the summary gives the median requests/s of each and
 * the ratio of the medians (goal: >= 2x).
 *
 *   npm run bench:s3      (BENCH_OPS=2000 BENCH_ROUNDS=5 BENCH_CONCURRENCY=32 BENCH_SIZE=4096)
 */
import * as fs from "node:fs";
import { randomBytes } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Child, cpuMs, machine, median, round, startOtter, startS3rver, timedPool, tmpDir } from "./support";

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const SIZE = Number(process.env.BENCH_SIZE ?? 4096);
const WARMUP = 300;
const BUCKET = "bench-small";

function client(c: Child): S3Client {
  return new S3Client({
    endpoint: c.info.s3Url,
    region: "eu-mad",
    forcePathStyle: true,
    credentials: { accessKeyId: c.info.accessKeyId, secretAccessKey: c.info.secretAccessKey },
    maxAttempts: 1,
  });
}

/** One round: OPS PUTs, then OPS GETs of the same keys; requests/s over both phases. */
interface RoundResult { putPerSec: number; getPerSec: number; perSec: number; serverCpuMsPerReq: number; clientCpuMsPerReq: number }

async function roundOn(s3: S3Client, pid: number, tag: string, body: Buffer): Promise<RoundResult> {
  const cpu0 = cpuMs(pid);
  const client0 = process.cpuUsage();
  const putMs = await timedPool(OPS, CONCURRENCY, async (i) => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${tag}/${i}`, Body: body }));
  });
  const getMs = await timedPool(OPS, CONCURRENCY, async (i) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${tag}/${i}` }));
    const got = await r.Body!.transformToByteArray();
    if (got.length !== body.length) throw new Error(`GET ${tag}/${i}: ${got.length} bytes`);
  });
  const client = process.cpuUsage(client0);
  return {
    putPerSec: (OPS / putMs) * 1000, getPerSec: (OPS / getMs) * 1000, perSec: ((2 * OPS) / (putMs + getMs)) * 1000,
    serverCpuMsPerReq: (cpuMs(pid) - cpu0) / (2 * OPS), clientCpuMsPerReq: (client.user + client.system) / 1000 / (2 * OPS),
  };
}

async function main(): Promise<void> {
  const dir = tmpDir("otter-bench-s3-");
  const otter = await startOtter(`${dir}/otter`, BUCKET);
  const s3rver = await startS3rver(`${dir}/s3rver`, BUCKET);
  const sides = { otterstorage: { child: otter, s3: client(otter), runs: [] as RoundResult[] }, s3rver: { child: s3rver, s3: client(s3rver), runs: [] as RoundResult[] } };
  try {
    const body = randomBytes(SIZE);
    for (const side of Object.values(sides)) {
      await timedPool(WARMUP, CONCURRENCY, async (i) => {
        await side.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `warm/${i}`, Body: body }));
        await (await side.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `warm/${i}` }))).Body!.transformToByteArray();
      });
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? (["s3rver", "otterstorage"] as const) : (["otterstorage", "s3rver"] as const);
      for (const name of order) sides[name].runs.push(await roundOn(sides[name].s3, sides[name].child.pid, `r${r}`, body));
    }
    const summary = (runs: RoundResult[]) => ({
      medianReqPerSec: round(median(runs.map((x) => x.perSec))),
      medianPutPerSec: round(median(runs.map((x) => x.putPerSec))),
      medianGetPerSec: round(median(runs.map((x) => x.getPerSec))),
      runsReqPerSec: runs.map((x) => round(x.perSec)),
      medianServerCpuMsPerReq: round(median(runs.map((x) => x.serverCpuMsPerReq)), 3),
      medianClientCpuMsPerReq: round(median(runs.map((x) => x.clientCpuMsPerReq)), 3),
    });
    const o = summary(sides.otterstorage.runs);
    const s = summary(sides.s3rver.runs);
    const result = {
      benchmark: "s3-small-objects",
      objectBytes: SIZE, opsPerPhase: OPS, rounds: ROUNDS, concurrency: CONCURRENCY,
      otterstorage: o, s3rver: s,
      ratio: round(o.medianReqPerSec / s.medianReqPerSec, 2),
      goal: ">= 2x",
      machine: machine(),
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const side of Object.values(sides)) side.s3.destroy();
    await otter.stop();
    await s3rver.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
