/**
 * Revocation latency: a prober signs ListObjectsV2 requests with a key in a tight loop (4 in flight) while the
 * key is revoked through the Control API. Measured per trial: from the moment the revoke was sent, and from the
 * moment its 204 returned, to the first refused (403 InvalidAccessKeyId) answer; and how many requests that started
 * after the 204 still succeeded (must be 0). Service in its own process; medians and p95 over BENCH_REVOKE_TRIALS
 * (default 30) trials.
 *
 *   npm run bench   (or: node dist/bench/revocation-latency.js)
 */
import * as fs from "node:fs";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { machine, median, percentile, round, startOtter, tmpDir } from "./support";

const TRIALS = Number(process.env.BENCH_REVOKE_TRIALS ?? 30);
const IN_FLIGHT = 4;
const BUCKET = "bench-revoke";

async function main(): Promise<void> {
  const dir = tmpDir("otter-bench-revoke-");
  const otter = await startOtter(`${dir}/otter`, BUCKET);
  const auth = { authorization: `Bearer ${otter.info.token}`, "content-type": "application/json" };
  const fromSent: number[] = [];
  const fromReturned: number[] = [];
  let lateSuccesses = 0;
  try {
    for (let t = 0; t < TRIALS; t++) {
      const k = (await (await fetch(`${otter.info.controlUrl}/v1/buckets/${BUCKET}/access-keys`, { method: "POST", headers: auth, body: "{}" })).json()) as { accessKeyId: string; secretAccessKey: string };
      const s3 = new S3Client({ endpoint: otter.info.s3Url, region: "eu-mad", forcePathStyle: true, maxAttempts: 1, credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey } });
      let served = 0;
      let refusedAt: number | undefined;
      let returnedAt: number | undefined;
      let stop = false;
      const probers = Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = 0; i < 100_000 && !stop; i++) {
          const started = performance.now();
          try {
            await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
            served++;
            if (returnedAt !== undefined && started > returnedAt) lateSuccesses++;
          } catch (e) {
            if ((e as Error).name !== "InvalidAccessKeyId") throw e;
            refusedAt ??= performance.now();
            stop = true;
          }
        }
      });
      for (let spin = 0; served < 20 && spin < 100_000; spin++) await new Promise((r) => setImmediate(r));
      const sentAt = performance.now();
      const r = await fetch(`${otter.info.controlUrl}/v1/buckets/${BUCKET}/access-keys/${k.accessKeyId}`, { method: "DELETE", headers: { authorization: auth.authorization } });
      returnedAt = performance.now();
      if (r.status !== 204) throw new Error(`revoke: ${r.status}`);
      await Promise.all(probers);
      s3.destroy();
      fromSent.push(refusedAt! - sentAt);
      fromReturned.push(refusedAt! - returnedAt);
    }
    console.log(JSON.stringify({
      benchmark: "revocation-latency",
      trials: TRIALS, inFlight: IN_FLIGHT,
      msFromRevokeSentToFirstRefusal: { median: round(median(fromSent), 2), p95: round(percentile(fromSent, 95), 2), max: round(Math.max(...fromSent), 2) },
      msFromRevokeReturnedToFirstRefusal: { median: round(median(fromReturned), 2), p95: round(percentile(fromReturned, 95), 2), max: round(Math.max(...fromReturned), 2) },
      successesStartedAfterRevokeReturned: lateSuccesses,
      note: "negative values: the first refusal arrived before the revoke's 204 did",
      machine: machine(),
    }, null, 2));
    if (lateSuccesses) process.exitCode = 1;
  } finally {
    await otter.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
