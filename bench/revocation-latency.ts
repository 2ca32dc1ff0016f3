/**
 * Revocation latency: a prober signs ListObjectsV2 requests with a key in a tight loop (4 in flight) while the
 * key is revoked through the Control API. Measured per trial: from the moment the revoke was sent, and from the
 * moment its 204 returned, to the first refused (403 InvalidAccessKeyId) answer; and how many requests that started
 * after the 204 still succeeded (must be 0). Also per trial: HELD_WRITES PUTs (half inline-size, half file-size)
 * opened with the key before the revoke and held after the service authenticated them (100 Continue), their
 * bodies sent after the 204: how many were stored anyway (must be 0; emulator/s3/context.ts authorizedBucket).
 * Service in its own process; medians and p95 over BENCH_REVOKE_TRIALS (default 30) trials.
 *
 *   npm run bench   (or: node dist/bench/revocation-latency.js)
 */
import * as fs from "node:fs";
import * as http from "node:http";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { s3Signer } from "../provider/sigv4";
import { machine, median, percentile, round, startOtter, tmpDir } from "./support";

const TRIALS = Number(process.env.BENCH_REVOKE_TRIALS ?? 30);
const IN_FLIGHT = 4;
const HELD_WRITES = 4;

/**
 * A signed PUT whose body is held back until `finish()`: resolves once the service answered 100 Continue (it has
 * authenticated the request and waits for the body). finish() sends the body and resolves with the status.
 */
async function heldPut(s3Url: string, key: { accessKeyId: string; secretAccessKey: string }, path: string, body: Buffer): Promise<{ finish(): Promise<number> }> {
  const u = new URL(s3Url);
  const signed = await s3Signer("eu-mad", key).sign({
    method: "PUT", protocol: "http:", hostname: u.hostname, port: Number(u.port), path, query: {},
    headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": String(body.length) },
  });
  let send!: () => void;
  let continued!: Promise<void>;
  const status = new Promise<number>((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: Number(u.port), method: "PUT", path, headers: { ...signed.headers, expect: "100-continue" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.flushHeaders();
    send = () => req.end(body);
    continued = new Promise<void>((r) => req.once("continue", () => r()));
  });
  await Promise.race([continued, status.then((s) => Promise.reject(new Error(`held PUT answered ${s} before its body was sent`)))]);
  return { finish: () => (send(), status) };
}
const BUCKET = "bench-revoke";

async function main(): Promise<void> {
  const dir = tmpDir("otter-bench-revoke-");
  const otter = await startOtter(`${dir}/otter`, BUCKET);
  const auth = { authorization: `Bearer ${otter.info.token}`, "content-type": "application/json" };
  const fromSent: number[] = [];
  const fromReturned: number[] = [];
  let lateSuccesses = 0;
  let heldWrites = 0;
  let heldWritesStored = 0;
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
      const held = await Promise.all(Array.from({ length: HELD_WRITES }, (_, i) =>
        heldPut(otter.info.s3Url, k, `/${BUCKET}/held-${t}-${i}`, Buffer.alloc(i % 2 === 0 ? 1024 : 1024 * 1024, i))));
      for (let spin = 0; served < 20 && spin < 100_000; spin++) await new Promise((r) => setImmediate(r));
      const sentAt = performance.now();
      const r = await fetch(`${otter.info.controlUrl}/v1/buckets/${BUCKET}/access-keys/${k.accessKeyId}`, { method: "DELETE", headers: { authorization: auth.authorization } });
      returnedAt = performance.now();
      if (r.status !== 204) throw new Error(`revoke: ${r.status}`);
      await Promise.all(probers);
      for (const h of held) {
        heldWrites++;
        if ((await h.finish()) < 300) heldWritesStored++;
      }
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
      writesInFlightAtRevoke: heldWrites, inFlightWritesStoredAfterRevokeReturned: heldWritesStored,
      note: "negative values: the first refusal arrived before the revoke's 204 did",
      machine: machine(),
    }, null, 2));
    if (lateSuccesses || heldWritesStored) process.exitCode = 1;
  } finally {
    await otter.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
