/**
 * Evidence suite 5 of 5 (docs/benchmarks.md "Evidence suites"): isolation and revocation under concurrency. Every bucket's own keys hammer it (PUT, GET, HEAD,
 * LIST, DELETE) while keys and temporary credentials of the other buckets probe it with the same operations, and
 * one key per bucket is revoked mid-run. Counted: cross-bucket successes (must be 0) and successes of requests that
 * started after their key's revoke had returned (must be 0); a request already in flight when the revoke returns
 * may go either way. A second case holds writes open past the revoke (or past the bucket's deletion and
 * re-creation under the same name): none may land.
 *
 * Bounded: EVIDENCE_ISOLATION_BUCKETS (default 6) buckets, EVIDENCE_ISOLATION_OPS (default 40) requests per worker.
 */
import * as assert from "node:assert/strict";
import {
  CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { control, useEmulator } from "./support/emulator";
import { codeOf, heldRequest } from "./s3-support";

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

  it(`writes in flight when their authorization goes away land nowhere: ${BUCKETS} buckets, each with PUTs (inline and file), an UploadPart, a Complete, a DeleteObjects and a tagging call held open; half the keys revoked, half the buckets deleted and re-created for a new key`, async () => {
    const h = os();
    const api = control(h);
    const MiB = 1024 * 1024;
    const held: Array<{ bucket: string; what: string; finish: () => Promise<{ status: number; body: string }> }> = [];
    const observers = new Map<string, Cred>();
    for (let b = 0; b < BUCKETS; b++) {
      const bucket = `inflight-${b}`;
      assert.equal((await api.post("/v1/buckets", { name: bucket })).status, 201);
      const k = { ...(await api.post(`/v1/buckets/${bucket}/access-keys`, { label: "victim" })).body, bucket } as Cred;
      const obs = { ...(await api.post(`/v1/buckets/${bucket}/access-keys`, { label: "observer" })).body, bucket } as Cred;
      observers.set(bucket, obs);
      const s3 = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: k, maxAttempts: 1 });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "kept", Body: "kept" }));
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mp" }));
      const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "mp", UploadId: up.UploadId, PartNumber: 1, Body: Buffer.alloc(5 * MiB, 1) }));
      s3.destroy();
      const hold = async (what: string, method: string, p: string, body: Buffer | string, query?: Record<string, string>) =>
        held.push({ bucket, what, ...(await heldRequest(h, k, method, p, body, { query })) });
      await hold("PUT inline", "PUT", `/${bucket}/planted-small`, "x".repeat(100));
      await hold("PUT file", "PUT", `/${bucket}/planted-large`, Buffer.alloc(MiB, 2));
      await hold("UploadPart", "PUT", `/${bucket}/mp`, Buffer.alloc(5 * MiB, 3), { partNumber: "2", uploadId: up.UploadId! });
      await hold("Complete", "POST", `/${bucket}/mp`, `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${p1.ETag}</ETag></Part></CompleteMultipartUpload>`, { uploadId: up.UploadId! });
      await hold("DeleteObjects", "POST", `/${bucket}`, "<Delete><Object><Key>kept</Key></Object></Delete>", { delete: "" });
      await hold("PutObjectTagging", "PUT", `/${bucket}/kept`, "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>", { tagging: "" });
      if (b % 2 === 0) {
        assert.equal((await api.delete(`/v1/buckets/${bucket}/access-keys/${k.accessKeyId}`)).status, 204);
      } else {
        assert.equal((await api.delete(`/v1/buckets/${bucket}?force=true`)).status, 204);
        assert.equal((await api.post("/v1/buckets", { name: bucket })).status, 201);
        observers.set(bucket, { ...(await api.post(`/v1/buckets/${bucket}/access-keys`, { label: "new owner" })).body, bucket });
      }
    }
    // Every authorization is gone (each revoke / delete answered); now the bodies arrive.
    const landed: string[] = [];
    const codes = new Map<string, number>();
    for (const x of held) {
      const r = await x.finish();
      const code = codeOf(r.body) ?? String(r.status);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (r.status < 300) landed.push(`${x.bucket} ${x.what}: ${r.status}`);
    }
    console.log(`      ${held.length} writes in flight at the revoke/delete; refused with ${JSON.stringify(Object.fromEntries(codes))}; ${landed.length} landed`);
    assert.deepEqual(landed, []);
    for (let b = 0; b < BUCKETS; b++) {
      const bucket = `inflight-${b}`;
      const s3 = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: observers.get(bucket)!, maxAttempts: 1 });
      const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
      assert.deepEqual(keys, b % 2 === 0 ? ["kept"] : [], `${bucket}: nothing planted, nothing deleted`);
      s3.destroy();
    }
  });
});
