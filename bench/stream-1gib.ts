/**
 * 1 GiB streamed through Local OtterStorage: one PutObject with a generated stream body (never held in memory,
 * the SDK's default aws-chunked CRC32 trailer), then one GetObject streamed into sha256, against the real CLI
 * (`otterstorage-local --data-dir`, as users run it) in its own process. Reports PUT and GET MiB/s and the service process's peak RSS: VmHWM from
 * /proc/<pid>/status (the kernel's own high-water mark) and the highest VmRSS sampled every 20 ms. Goal: peak RSS
 * <= 150 MB. Medians over BENCH_STREAM_RUNS (default 3) runs.
 *
 *   npm run bench:s3      (or: node dist/bench/stream-1gib.js; BENCH_STREAM_MIB=1024)
 */
import * as fs from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { procMemory, startCli } from "../tests/evidence-support";
import { machine, median, round, tmpDir } from "./support";

const MIB = Number(process.env.BENCH_STREAM_MIB ?? 1024);
const RUNS = Number(process.env.BENCH_STREAM_RUNS ?? 3);
const BUCKET = "bench-stream";
const CHUNK = 1024 * 1024;

/** MIB MiB of deterministic bytes, produced as the consumer reads; the sha256 is computed on the way. */
function source(seed: number): { stream: Readable; digest: () => string } {
  const block = randomBytes(CHUNK);
  const hash = createHash("sha256");
  let i = 0;
  const stream = new Readable({
    read() {
      if (i >= MIB) return void this.push(null);
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(i, 0);
      chunk.writeUInt32BE(seed, 4);
      hash.update(chunk);
      i++;
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest("hex") };
}

async function main(): Promise<void> {
  const dir = tmpDir("otter-bench-stream-");
  const otter = await startCli(["--data-dir", `${dir}/otter`]);
  otter.child.stdout!.resume();
  const pid = otter.child.pid!;
  const auth = { authorization: `Bearer ${otter.ready.token}`, "content-type": "application/json" };
  if ((await fetch(`${otter.ready.controlUrl}/v1/buckets`, { method: "POST", headers: auth, body: JSON.stringify({ name: BUCKET }) })).status !== 201) throw new Error("bucket");
  const key = (await (await fetch(`${otter.ready.controlUrl}/v1/buckets/${BUCKET}/access-keys`, { method: "POST", headers: auth, body: "{}" })).json()) as { accessKeyId: string; secretAccessKey: string };
  const s3 = new S3Client({
    endpoint: otter.ready.s3Url, region: "eu-mad", forcePathStyle: true, maxAttempts: 1,
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });
  const idle = procMemory(pid);
  let peakSampledKiB = 0;
  let phasePeakKiB = 0;
  const sampler = setInterval(() => {
    const m = procMemory(pid);
    if (m) {
      peakSampledKiB = Math.max(peakSampledKiB, m.rssKiB);
      phasePeakKiB = Math.max(phasePeakKiB, m.rssKiB);
    }
  }, 20);
  const phasePeaks = { put: [] as number[], get: [] as number[] };
  const runs: Array<{ putMiBs: number; getMiBs: number; ok: boolean }> = [];
  const mb = (kib: number) => round((kib * 1024) / 1e6);
  try {
    for (let r = 0; r < RUNS; r++) {
      const key = `big-${r}.bin`;
      const src = source(r);
      phasePeakKiB = 0;
      let t = performance.now();
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: src.stream, ContentLength: MIB * CHUNK }));
      const putS = (performance.now() - t) / 1000;
      const want = src.digest();
      phasePeaks.put.push(mb(phasePeakKiB));
      phasePeakKiB = 0;
      t = performance.now();
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      const hash = createHash("sha256");
      let n = 0;
      for await (const c of got.Body as Readable) {
        hash.update(c as Buffer);
        n += (c as Buffer).length;
      }
      const getS = (performance.now() - t) / 1000;
      phasePeaks.get.push(mb(phasePeakKiB));
      runs.push({ putMiBs: MIB / putS, getMiBs: MIB / getS, ok: n === MIB * CHUNK && hash.digest("hex") === want });
      await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    }
    clearInterval(sampler);
    const end = procMemory(pid);
    const result = {
      benchmark: "s3-stream-1gib",
      mib: MIB, runs: RUNS,
      medianPutMiBs: round(median(runs.map((x) => x.putMiBs))),
      medianGetMiBs: round(median(runs.map((x) => x.getMiBs))),
      runsPutMiBs: runs.map((x) => round(x.putMiBs)),
      runsGetMiBs: runs.map((x) => round(x.getMiBs)),
      allByteIdentical: runs.every((x) => x.ok),
      serviceRssMB: {
        idle: idle ? mb(idle.rssKiB) : null,
        peakSampled: mb(peakSampledKiB),
        peakVmHWM: end ? mb(end.hwmKiB) : null,
        peakSampledPerRun: phasePeaks,
      },
      goal: "peak RSS <= 150 MB",
      machine: machine(),
    };
    console.log(JSON.stringify(result, null, 2));
    if (!result.allByteIdentical) process.exitCode = 1;
  } finally {
    clearInterval(sampler);
    s3.destroy();
    await otter.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
