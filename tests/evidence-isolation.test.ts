/**
 * Issue 6, suite 5: isolation and revocation under concurrency. Every bucket's own keys hammer it (PUT, GET, HEAD,
 * LIST, DELETE) while keys and temporary credentials of the other buckets probe it with the same operations, and
 * one key per bucket is revoked mid-run. Counted: cross-bucket successes (must be 0) and successes of requests that
 * started after their key's revoke had returned (must be 0); a request already in flight when the revoke returns
 * may go either way.
 *
 * Bounded: EVIDENCE_ISOLATION_BUCKETS (default 6) buckets, EVIDENCE_ISOLATION_OPS (default 40) requests per worker.
 */
import * as assert from "node:assert/strict";
import {
  DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from "@aws-sdk/client-s3";
import { control, useEmulator } from "./support/emulator";

const BUCKETS = Number(process.env.EVIDENCE_ISOLATION_BUCKETS ?? 6);
const OPS = Number(process.env.EVIDENCE_ISOLATION_OPS ?? 40);

interface Cred { accessKeyId: string; secretAccessKey: string; sessionToken?: string; bucket: string }

describe("evidence: isolation and revocation under concurrency", function () {
  this.timeout(120_000);
  const os = useEmulator();

  it(`${BUCKETS} buckets hammered by their own keys, probed by every other bucket's key and temporary credentials, one key each revoked mid-run: 0 cross-bucket successes, 0 successes after a revoke returned`, async () => {
    const h = os();
    const api = control(h);
    const buckets = Array.from({ length: BUCKETS }, (_, i) => `iso-${i}`);
    const keeps: Cred[] = [];
    const victims: Cred[] = [];
    const temps: Cred[] = [];
    for (const b of buckets) {
      assert.equal((await api.post("/v1/buckets", { name: b })).status, 201);
      for (const list of [keeps, victims]) {
        const k = await api.post(`/v1/buckets/${b}/access-keys`, { label: "iso" });
        list.push({ ...k.body, bucket: b });
      }
      const t = await api.post(`/v1/buckets/${b}/temporary-credentials`, {});
      temps.push({ ...t.body, bucket: b });
    }
    const clients = new Map<string, S3Client>();
    const clientFor = (c: Cred) => {
      let s = clients.get(c.accessKeyId);
      if (!s) {
        s = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: c, maxAttempts: 1 });
        clients.set(c.accessKeyId, s);
      }
      return s;
    };

    const revoked = new Set<string>();
    const tally = {
      own: 0, ownOk: 0, cross: 0, crossOk: 0, afterRevoke: 0, afterRevokeOk: 0,
      crossFailures: new Map<string, number>(), violations: [] as string[],
    };
    let progress = 0;

    const op = (c: Cred, bucket: string, i: number) => {
      const key = `w-${c.accessKeyId}-${i % 5}`;
      switch (i % 5) {
        case 0: return new PutObjectCommand({ Bucket: bucket, Key: key, Body: `from ${c.accessKeyId}` });
        case 1: return new GetObjectCommand({ Bucket: bucket, Key: `w-${c.accessKeyId}-0` });
        case 2: return new ListObjectsV2Command({ Bucket: bucket });
        case 3: return new HeadObjectCommand({ Bucket: bucket, Key: `w-${c.accessKeyId}-0` });
        default: return new DeleteObjectCommand({ Bucket: bucket, Key: `w-${c.accessKeyId}-2` });
      }
    };
    /** One request; classifies the outcome. A 404 on an own bucket counts as served (the key was let in). */
    const attempt = async (c: Cred, bucket: string, i: number) => {
      const cross = c.bucket !== bucket;
      const wasRevoked = revoked.has(c.accessKeyId);
      let ok = false;
      let code = "";
      try {
        const out = await clientFor(c).send(op(c, bucket, i) as never);
        const body = (out as { Body?: { transformToString(): Promise<string> } }).Body;
        if (body) await body.transformToString();
        ok = true;
      } catch (e) {
        code = (e as { name?: string }).name ?? "Error";
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (!cross && !wasRevoked && status === 404) ok = true;
      }
      progress++;
      if (cross) {
        tally.cross++;
        if (ok) {
          tally.crossOk++;
          tally.violations.push(`${c.accessKeyId} (bucket ${c.bucket}) succeeded on ${bucket}, op ${i % 5}`);
        } else tally.crossFailures.set(code, (tally.crossFailures.get(code) ?? 0) + 1);
      } else {
        tally.own++;
        if (ok) tally.ownOk++;
      }
      if (wasRevoked) {
        tally.afterRevoke++;
        if (ok) {
          tally.afterRevokeOk++;
          tally.violations.push(`${c.accessKeyId} succeeded on ${bucket} after its revoke returned, op ${i % 5}`);
        }
      }
    };

    const workers: Array<Promise<void>> = [];
    const worker = (c: Cred, bucket: string) =>
      workers.push((async () => {
        for (let i = 0; i < OPS; i++) await attempt(c, bucket, i);
      })());
    for (let b = 0; b < BUCKETS; b++) {
      worker(keeps[b], buckets[b]);
      worker(victims[b], buckets[b]);
      worker(temps[b], buckets[b]);
      worker(keeps[(b + 1) % BUCKETS], buckets[b]); // another bucket's key
      worker(temps[(b + 2) % BUCKETS], buckets[b]); // another bucket's temporary credentials
      worker(victims[(b + 3) % BUCKETS], buckets[b]); // a key about to be revoked, on a foreign bucket
    }
    const total = workers.length * OPS;
    // The revoker: once a quarter of the requests are done, revoke each victim in turn while the others run.
    const revoker = (async () => {
      for (let spin = 0; progress < total / 4 && spin < 100_000; spin++) await new Promise((r) => setImmediate(r));
      for (const v of victims) {
        const r = await api.delete(`/v1/buckets/${v.bucket}/access-keys/${v.accessKeyId}`);
        assert.equal(r.status, 204);
        revoked.add(v.accessKeyId);
      }
    })();
    await Promise.all([...workers, revoker]);
    for (const c of clients.values()) c.destroy();

    console.log(`      ${tally.own} own requests (${tally.ownOk} served), ${tally.cross} cross-bucket probes (${tally.crossOk} succeeded; refused with ${JSON.stringify(Object.fromEntries(tally.crossFailures))}), ${tally.afterRevoke} requests after a revoke returned (${tally.afterRevokeOk} succeeded)`);
    assert.deepEqual(tally.violations, []);
    assert.equal(tally.crossOk, 0);
    assert.equal(tally.afterRevokeOk, 0);
    // Not vacuous: the probes and post-revoke requests happened, and the owners were served.
    assert.ok(tally.cross >= BUCKETS * OPS * 3 * 0.9, `only ${tally.cross} cross-bucket probes`);
    assert.ok(tally.afterRevoke >= BUCKETS, `only ${tally.afterRevoke} requests after a revoke`);
    assert.ok(tally.ownOk > tally.own * 0.5, `owners were served ${tally.ownOk} of ${tally.own}`);
    // The keys that were never revoked still work; the revoked ones are refused as unknown.
    const k0 = clientFor(keeps[0]);
    await k0.send(new ListObjectsV2Command({ Bucket: buckets[0] }));
    const gone = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: victims[0], maxAttempts: 1 });
    await assert.rejects(gone.send(new ListObjectsV2Command({ Bucket: buckets[0] })), (e: Error) => e.name === "InvalidAccessKeyId");
    gone.destroy();
    k0.destroy();
  });
});
