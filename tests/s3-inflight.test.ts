/**
 * Writes already in flight when their authorization goes away: the credential is revoked, the temporary
 * credential expires, or the bucket is deleted and a new bucket takes its name. Each write is held open after the
 * service has authenticated it (heldRequest: 100 Continue), the authorization is taken away, then the body is
 * sent: the write must be refused and nothing stored (emulator/s3/context.ts authorizedBucket, checked inside the
 * commit).
 */
import * as assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { ManualClock } from "otterstorage-local";
import { control, useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, heldRequest, sdk } from "./s3-support";

const MiB = 1024 * 1024;

describe("S3 writes in flight lose their authorization", function () {
  const clock = new ManualClock(Date.now());
  const os = useEmulator({ clock });

  it("a PUT held open while its bucket is deleted and re-created under the same name for a new key is refused; the new owner finds nothing", async () => {
    const B = "reused-name";
    const old = await bucketWithKey(os(), B);
    for (const size of [1024, 2 * MiB]) { // inline-size and file-size bodies
      const held = await heldRequest(os(), old, "PUT", `/${B}/planted-${size}`, Buffer.alloc(size, 7));
      const api = control(os());
      assert.equal((await api.delete(`/v1/buckets/${B}?force=true`)).status, 204);
      const fresh = await bucketWithKey(os(), B);
      const r = await held.finish();
      // Refused as a new request with that key would be (the key went with its bucket), or as a write into a bucket
      // that no longer exists: either way not 200.
      assert.ok(["InvalidAccessKeyId", "NoSuchBucket"].includes(codeOf(r.body) ?? ""), `${r.status} ${r.body}`);
      const s3 = sdk(os(), fresh);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: B }));
      assert.equal(listed.KeyCount, 0, "the new bucket holds no object planted by the old key");
      s3.destroy();
      Object.assign(old, fresh);
    }
  });

  it("after a revoke's 204, a PUT, an UploadPart, a CompleteMultipartUpload and a DeleteObjects opened earlier are all refused", async () => {
    const B = "revoked-in-flight";
    const k = await bucketWithKey(os(), B);
    const admin = await bucketKeyOf(B);
    const s3 = sdk(os(), admin);
    try {
      await s3.send(new PutObjectCommand({ Bucket: B, Key: "keep.txt", Body: "keep" }));
      const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "big.bin" }));
      const part = Buffer.alloc(5 * MiB, 1);
      const p1 = await s3.send(new UploadPartCommand({ Bucket: B, Key: "big.bin", UploadId: up.UploadId, PartNumber: 1, Body: part }));
      const completeXml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${p1.ETag}</ETag></Part></CompleteMultipartUpload>`;
      const held = [
        await heldRequest(os(), k, "PUT", `/${B}/small.txt`, "tiny"),
        await heldRequest(os(), k, "PUT", `/${B}/large.bin`, Buffer.alloc(MiB, 2)),
        await heldRequest(os(), k, "PUT", `/${B}/big.bin`, part, { query: { partNumber: "2", uploadId: up.UploadId! } }),
        await heldRequest(os(), k, "POST", `/${B}/big.bin`, completeXml, { query: { uploadId: up.UploadId! } }),
        await heldRequest(os(), k, "POST", `/${B}`, `<Delete><Object><Key>keep.txt</Key></Object></Delete>`, { query: { delete: "" } }),
      ];
      assert.equal((await control(os()).delete(`/v1/buckets/${B}/access-keys/${k.accessKeyId}`)).status, 204);
      for (const h of held) {
        const r = await h.finish();
        assert.equal(r.status, 403, r.body);
        assert.equal(codeOf(r.body), "InvalidAccessKeyId");
      }
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: B }));
      assert.deepEqual(listed.Contents?.map((o) => o.Key), ["keep.txt"], "nothing written, nothing deleted");
      const parts = await s3.send(new ListPartsCommand({ Bucket: B, Key: "big.bin", UploadId: up.UploadId }));
      assert.deepEqual(parts.Parts?.map((p) => p.PartNumber), [1], "part 2 was not stored and the upload was not completed");
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "big.bin", UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] } }));
    } finally {
      s3.destroy();
    }
  });

  it("a temporary credential's PUT started before expiry and finished after it is refused with ExpiredToken", async () => {
    const B = "expiring-in-flight";
    const admin = await bucketWithKey(os(), B);
    const t = await control(os()).post(`/v1/buckets/${B}/temporary-credentials`, { durationSeconds: 900 });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const temp = { bucket: B, accessKeyId: t.body.accessKeyId, secretAccessKey: t.body.secretAccessKey, sessionToken: t.body.sessionToken };
    const held = await heldRequest(os(), temp, "PUT", `/${B}/late.bin`, Buffer.alloc(MiB, 3));
    const before = clock.now();
    clock.advance(3600_000);
    const r = await held.finish();
    assert.equal(r.status, 403, r.body);
    assert.equal(codeOf(r.body), "ExpiredToken");
    clock.set(before); // back to the host's time, which the SDK client below signs with
    const s3 = sdk(os(), admin);
    try {
      assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: B }))).KeyCount, 0);
    } finally {
      s3.destroy();
    }
  });

  /** A second key of the bucket, to look at the result after the first one is revoked. */
  async function bucketKeyOf(bucket: string) {
    const k = await control(os()).post(`/v1/buckets/${bucket}/access-keys`, { label: "observer" });
    return { bucket, accessKeyId: k.body.accessKeyId as string, secretAccessKey: k.body.secretAccessKey as string };
  }
});

describe("S3 conditional writes are atomic: of two overlapping ones, exactly one wins", function () {
  const os = useEmulator();
  const B = "conditional-writes";
  let k: Awaited<ReturnType<typeof bucketWithKey>>;
  before(async () => {
    k = await bucketWithKey(os(), B);
  });

  for (const size of [100, 2 * MiB]) {
    it(`two overlapping If-None-Match: * PUTs (${size} bytes): one 200, one 412, and the acknowledged create is what is stored`, async () => {
      const key = `create-once-${size}`;
      const a = await heldRequest(os(), k, "PUT", `/${B}/${key}`, Buffer.alloc(size, "a"), { headers: { "if-none-match": "*" } });
      const b = await heldRequest(os(), k, "PUT", `/${B}/${key}`, Buffer.alloc(size, "b"), { headers: { "if-none-match": "*" } });
      const [ra, rb] = await Promise.all([a.finish(), b.finish()]);
      const statuses = [ra.status, rb.status].sort();
      assert.deepEqual(statuses, [200, 412], `${ra.body} ${rb.body}`);
      const winner = ra.status === 200 ? "a" : "b";
      const loser = ra.status === 200 ? rb : ra;
      assert.equal(codeOf(loser.body), "PreconditionFailed");
      const s3 = sdk(os(), k);
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: key }));
        assert.equal(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.alloc(size, winner)), true, "the winner's bytes");
      } finally {
        s3.destroy();
      }
    });
  }

  it("two overlapping If-Match PUTs against the same ETag: one 200, one 412; If-Match on a missing key is NoSuchKey", async () => {
    const s3 = sdk(os(), k);
    try {
      const first = await s3.send(new PutObjectCommand({ Bucket: B, Key: "swap", Body: "v0" }));
      const a = await heldRequest(os(), k, "PUT", `/${B}/swap`, "va", { headers: { "if-match": first.ETag! } });
      const b = await heldRequest(os(), k, "PUT", `/${B}/swap`, "vb", { headers: { "if-match": first.ETag! } });
      const [ra, rb] = await Promise.all([a.finish(), b.finish()]);
      assert.deepEqual([ra.status, rb.status].sort(), [200, 412], `${ra.body} ${rb.body}`);
      const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "swap" }));
      assert.equal(await got.Body!.transformToString(), ra.status === 200 ? "va" : "vb");
      const missing = await heldRequest(os(), k, "PUT", `/${B}/never-there`, "x", { headers: { "if-match": first.ETag! } }).then((h) => h.finish());
      assert.equal(missing.status, 404);
      assert.equal(codeOf(missing.body), "NoSuchKey");
    } finally {
      s3.destroy();
    }
  });
});
