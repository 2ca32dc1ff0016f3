import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CopyObjectCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, ListObjectsCommand,
  ListObjectsV2Command, type ListObjectsV2CommandOutput, PutObjectCommand, S3Client,
} from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, raw, s3Error, sdk, signed, type BucketKey } from "./s3-support";

describe("S3 objects with the AWS SDK (default checksum settings)", function () {
  const os = useEmulator();
  let key: BucketKey;
  let s3: S3Client;
  const B = "objects-bucket";

  before(async () => {
    key = await bucketWithKey(os(), B);
    s3 = sdk(os(), key);
  });
  after(() => s3?.destroy());

  it("stores and returns an object with metadata, content type, MD5 ETag and the CRC32 the SDK sent", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: "docs/informe.txt", Body: "hola otter", ContentType: "text/plain", Metadata: { owner: "ana" } }));
    assert.equal(put.ETag, `"${createHash("md5").update("hola otter").digest("hex")}"`);
    assert.ok(put.ChecksumCRC32, "the CRC32 trailer is verified and echoed");
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "docs/informe.txt" }));
    assert.equal(await got.Body!.transformToString(), "hola otter");
    assert.equal(got.ContentType, "text/plain");
    assert.equal(got.Metadata?.owner, "ana");
    assert.equal(got.ETag, put.ETag);
    assert.ok(got.LastModified instanceof Date);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "docs/informe.txt" }));
    assert.equal(head.ContentLength, 10);
  });

  it("answers NoSuchKey for a missing object, and HEAD errors carry no body", async () => {
    const e = await s3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: "nope" })));
    assert.equal(e.name, "NoSuchKey");
    assert.equal(e.$metadata.httpStatusCode, 404);
    const { url, headers } = await signed(os(), key, "HEAD", `/${B}/nope`);
    const r = await raw(url, { method: "HEAD", headers });
    assert.equal(r.status, 404);
    assert.equal(r.body, "");
    assert.ok(r.headers["x-amz-request-id"]);
  });

  it("serves byte ranges: closed, open, suffix, and 416 when unsatisfiable", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "range.txt", Body: "0123456789" }));
    const get = async (Range: string) => {
      const r = await s3.send(new GetObjectCommand({ Bucket: B, Key: "range.txt", Range }));
      return { body: await r.Body!.transformToString(), range: r.ContentRange };
    };
    assert.deepEqual(await get("bytes=2-4"), { body: "234", range: "bytes 2-4/10" });
    assert.deepEqual(await get("bytes=7-"), { body: "789", range: "bytes 7-9/10" });
    assert.deepEqual(await get("bytes=-2"), { body: "89", range: "bytes 8-9/10" });
    const e = await s3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: "range.txt", Range: "bytes=20-" })));
    assert.equal(e.name, "InvalidRange");
    assert.equal(e.$metadata.httpStatusCode, 416);
  });

  it("honours If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since with 412 and 304", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: B, Key: "cond.txt", Body: "x" }));
    const ok = await s3.send(new GetObjectCommand({ Bucket: B, Key: "cond.txt", IfMatch: put.ETag }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    assert.equal((await s3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: "cond.txt", IfMatch: '"abc"' })))).$metadata.httpStatusCode, 412);
    assert.equal((await s3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: "cond.txt", IfNoneMatch: put.ETag })))).$metadata.httpStatusCode, 304);
    const future = new Date(os().clock.now() + 3600_000);
    const past = new Date(os().clock.now() - 3600_000);
    assert.equal((await s3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: "cond.txt", IfModifiedSince: future })))).$metadata.httpStatusCode, 304);
    assert.equal((await s3Error(s3.send(new GetObjectCommand({ Bucket: B, Key: "cond.txt", IfUnmodifiedSince: past })))).$metadata.httpStatusCode, 412);
    const fresh = await s3.send(new GetObjectCommand({ Bucket: B, Key: "cond.txt", IfModifiedSince: past }));
    assert.equal(await fresh.Body!.transformToString(), "x");
  });

  it("lists with prefix, delimiter, CommonPrefixes and continuation tokens (v2) and markers (v1)", async () => {
    const L = "list-bucket";
    const k = await bucketWithKey(os(), L);
    const c = sdk(os(), k);
    try {
      for (const name of ["a/1", "a/2", "b/1", "c", "d", "e/x/y"]) await c.send(new PutObjectCommand({ Bucket: L, Key: name, Body: name }));
      const top = await c.send(new ListObjectsV2Command({ Bucket: L, Delimiter: "/" }));
      assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ["a/", "b/", "e/"]);
      assert.deepEqual(top.Contents?.map((o) => o.Key), ["c", "d"]);
      const seen: string[] = [];
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page: ListObjectsV2CommandOutput = await c.send(new ListObjectsV2Command({ Bucket: L, MaxKeys: 2, ContinuationToken: token }));
        seen.push(...(page.Contents ?? []).map((o) => o.Key!));
        if (!page.IsTruncated) break;
        token = page.NextContinuationToken;
      }
      assert.deepEqual(seen, ["a/1", "a/2", "b/1", "c", "d", "e/x/y"]);
      const grouped: string[] = [];
      token = undefined;
      for (let i = 0; i < 10; i++) {
        const page: ListObjectsV2CommandOutput = await c.send(new ListObjectsV2Command({ Bucket: L, MaxKeys: 1, Delimiter: "/", ContinuationToken: token }));
        grouped.push(...(page.Contents ?? []).map((o) => o.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
        if (!page.IsTruncated) break;
        token = page.NextContinuationToken;
      }
      assert.deepEqual(grouped, ["a/", "b/", "c", "d", "e/"]);
      const after = await c.send(new ListObjectsV2Command({ Bucket: L, StartAfter: "b/1", Prefix: "" }));
      assert.deepEqual(after.Contents?.map((o) => o.Key), ["c", "d", "e/x/y"]);
      const pre = await c.send(new ListObjectsV2Command({ Bucket: L, Prefix: "e/", Delimiter: "/" }));
      assert.deepEqual(pre.CommonPrefixes?.map((p) => p.Prefix), ["e/x/"]);
      const v1 = await c.send(new ListObjectsCommand({ Bucket: L, Marker: "a/2", MaxKeys: 2 }));
      assert.deepEqual(v1.Contents?.map((o) => o.Key), ["b/1", "c"]);
      assert.equal(v1.IsTruncated, true);
      const enc = await signed(os(), k, "GET", `/${L}`, { query: { "list-type": "2", "encoding-type": "url", prefix: "e/" } });
      const r = await raw(enc.url, { headers: enc.headers });
      assert.match(r.body, /<Key>e\/x\/y<\/Key>/);
      assert.match(r.body, /<EncodingType>url<\/EncodingType>/);
    } finally {
      c.destroy();
    }
  });

  it("copies within the bucket and refuses a copy source in another bucket", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "src.txt", Body: "copy me", Metadata: { a: "1" } }));
    const r = await s3.send(new CopyObjectCommand({ Bucket: B, Key: "dst.txt", CopySource: `${B}/src.txt` }));
    assert.ok(r.CopyObjectResult?.ETag);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "dst.txt" }));
    assert.equal(await got.Body!.transformToString(), "copy me");
    assert.equal(got.Metadata?.a, "1");
    const e = await s3Error(s3.send(new CopyObjectCommand({ Bucket: B, Key: "dst2.txt", CopySource: "someone-elses/src.txt" })));
    assert.equal(e.name, "AccessDenied");
  });

  it("deletes one object and many (quiet mode reports only errors)", async () => {
    for (const k of ["del/1", "del/2", "del/3"]) await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "del/1" }));
    const loud = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: "del/2" }] } }));
    assert.deepEqual(loud.Deleted?.map((d) => d.Key), ["del/2"]);
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Quiet: true, Objects: [{ Key: "del/3" }, { Key: "never-there" }] } }));
    assert.equal(quiet.Deleted, undefined);
    const left = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: "del/" }));
    assert.equal(left.KeyCount, 0);
  });

  it("keeps keys like ../x and ../../etc/passwd as names inside the bucket", async () => {
    for (const k of ["../x", "../../etc/passwd", "a/../../b", "/leading"]) {
      await s3.send(new PutObjectCommand({ Bucket: B, Key: k, Body: `body of ${k}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: k }));
      assert.equal(await got.Body!.transformToString(), `body of ${k}`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: "../" }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ["../../etc/passwd", "../x"]);
  });

  it("rejects a body that does not match its signed SHA-256 (XAmzContentSHA256Mismatch) and stores nothing", async () => {
    const body = "the real body";
    const wrong = createHash("sha256").update("another body").digest("hex");
    const { url, headers } = await signed(os(), key, "PUT", `/${B}/mismatch.txt`, { payloadHash: wrong, headers: { "content-length": String(body.length) } });
    const r = await raw(url, { method: "PUT", headers, body });
    assert.equal(r.status, 400);
    assert.equal(codeOf(r.body), "XAmzContentSHA256Mismatch");
    assert.equal((await s3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: "mismatch.txt" })))).$metadata.httpStatusCode, 404);
  });

  it("rejects a wrong x-amz-checksum-crc32 with BadDigest", async () => {
    const { url, headers } = await signed(os(), key, "PUT", `/${B}/crc.txt`, { headers: { "x-amz-checksum-crc32": "AAAAAA==", "content-length": "5" } });
    const r = await raw(url, { method: "PUT", headers, body: "hello" });
    assert.equal(r.status, 400);
    assert.equal(codeOf(r.body), "BadDigest");
  });

  it("rejects bad aws-chunked framing with a 400 naming the problem, and stores nothing", async () => {
    const body = "zz\r\nhello\r\n0\r\n\r\n";
    const { url, headers } = await signed(os(), key, "PUT", `/${B}/chunky.txt`, {
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "content-length": String(body.length) },
    });
    const r = await raw(url, { method: "PUT", headers, body });
    assert.equal(r.status, 400);
    assert.match(r.body, /aws-chunked/);
    assert.equal((await s3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: "chunky.txt" })))).$metadata.httpStatusCode, 404);
  });

  it("accepts STREAMING-UNSIGNED-PAYLOAD-TRAILER with a verified CRC64NVME trailer", async () => {
    const body = "5\r\nhello\r\n0\r\nx-amz-checksum-crc64nvme:M3eFcAZSQlc=\r\n\r\n";
    const { url, headers } = await signed(os(), key, "PUT", `/${B}/trailer.txt`, {
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "x-amz-trailer": "x-amz-checksum-crc64nvme", "content-length": String(body.length) },
    });
    const r = await raw(url, { method: "PUT", headers, body });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers["x-amz-checksum-crc64nvme"], "M3eFcAZSQlc=");
    const bad = body.replace("M3eFcAZSQlc=", "AAAAAAAAAAA=");
    const s2 = await signed(os(), key, "PUT", `/${B}/trailer2.txt`, {
      payloadHash: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      headers: { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "x-amz-trailer": "x-amz-checksum-crc64nvme", "content-length": String(bad.length) },
    });
    const r2 = await raw(s2.url, { method: "PUT", headers: s2.headers, body: bad });
    assert.equal(codeOf(r2.body), "BadDigest");
  });
});
