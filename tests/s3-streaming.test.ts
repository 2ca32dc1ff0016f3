import * as assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { getSigningKey } from "@smithy/signature-v4";
import { NodeSha256 } from "otterstorage-local/dist/s3/auth/sha256";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, raw, sdk, signed, type BucketKey } from "./s3-support";

const EMPTY = createHash("sha256").digest("hex");

/** Build a signed aws-chunked body (optionally with a signed trailer), chained from the request's seed signature. */
async function signedChunkedBody(key: BucketKey, authorization: string, amzDate: string, chunks: Buffer[], trailer?: [string, string], tamper = false) {
  const seed = /Signature=([0-9a-f]{64})/.exec(authorization)![1];
  const shortDate = amzDate.slice(0, 8);
  const scope = `${shortDate}/eu-mad/s3/aws4_request`;
  const k = await getSigningKey(NodeSha256, key, shortDate, "eu-mad", "s3");
  const hmac = (s: string) => createHmac("sha256", k).update(s).digest("hex");
  let prev = seed;
  const parts: Buffer[] = [];
  for (const data of [...chunks, Buffer.alloc(0)]) {
    const sig = hmac(`AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${EMPTY}\n${createHash("sha256").update(data).digest("hex")}`);
    const sent = tamper && data.length > 0 ? Buffer.from(data.toString().toUpperCase()) : data;
    parts.push(Buffer.from(`${data.length.toString(16)};chunk-signature=${sig}\r\n`), sent, Buffer.from(data.length ? "\r\n" : ""));
    prev = sig;
  }
  if (trailer) {
    const line = `${trailer[0]}:${trailer[1]}\n`;
    const tsig = hmac(`AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${prev}\n${createHash("sha256").update(line).digest("hex")}`);
    parts.push(Buffer.from(`${trailer[0]}:${trailer[1]}\r\nx-amz-trailer-signature:${tsig}\r\n\r\n`));
  } else {
    parts.push(Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

describe("S3 streaming uploads: signed aws-chunked, signed trailers, presigned PUT, bad XML", function () {
  const os = useEmulator();
  let key: BucketKey;
  let s3: S3Client;
  const B = "stream-bucket";
  before(async () => {
    key = await bucketWithKey(os(), B);
    s3 = sdk(os(), key);
  });
  after(() => s3?.destroy());

  async function chunkedPut(objectKey: string, mode: string, chunks: Buffer[], trailer?: [string, string], tamper = false) {
    const decoded = chunks.reduce((n, c) => n + c.length, 0);
    const headers: Record<string, string> = { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": String(decoded) };
    if (trailer) headers["x-amz-trailer"] = trailer[0];
    const at = os().clock.now();
    const probe = await signed(os(), key, "PUT", `/${B}/${objectKey}`, { payloadHash: mode, headers, at });
    const body = await signedChunkedBody(key, probe.headers.authorization, probe.headers["x-amz-date"], chunks, trailer, tamper);
    return raw(probe.url, { method: "PUT", headers: { ...probe.headers, "content-length": String(body.length) }, body });
  }

  it("accepts STREAMING-AWS4-HMAC-SHA256-PAYLOAD with every chunk signature verified", async () => {
    const r = await chunkedPut("signed.txt", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", [Buffer.alloc(70_000, "a"), Buffer.from("tail")]);
    assert.equal(r.status, 200, r.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "signed.txt" }));
    assert.equal((await got.Body!.transformToByteArray()).length, 70_004);
  });

  it("answers SignatureDoesNotMatch when a signed chunk was altered, and stores nothing", async () => {
    const r = await chunkedPut("altered.txt", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", [Buffer.from("hello world")], undefined, true);
    assert.equal(r.status, 403);
    assert.equal(codeOf(r.body), "SignatureDoesNotMatch");
    const head = await signed(os(), key, "HEAD", `/${B}/altered.txt`);
    assert.equal((await raw(head.url, { method: "HEAD", headers: head.headers })).status, 404);
  });

  it("accepts STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with a signed SHA-256 trailer, and rejects a wrong one", async () => {
    const data = Buffer.from("trailing checksum body");
    const sha = createHash("sha256").update(data).digest("base64");
    const ok = await chunkedPut("trailer-ok.txt", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", [data], ["x-amz-checksum-sha256", sha]);
    assert.equal(ok.status, 200, ok.body);
    assert.equal(ok.headers["x-amz-checksum-sha256"], sha);
    const bad = await chunkedPut("trailer-bad.txt", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", [data], ["x-amz-checksum-sha256", createHash("sha256").update("x").digest("base64")]);
    assert.equal(codeOf(bad.body), "BadDigest");
  });

  it("streams a 1 MiB+ PutObject from the SDK (aws-chunked CRC32 trailer) into a file-backed object", async () => {
    const body = Buffer.alloc(1_500_000, 9);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "big-sdk.bin", Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "big-sdk.bin", Range: "bytes=1499990-" }));
    assert.equal((await got.Body!.transformToByteArray()).length, 10);
  });

  it("accepts a presigned PUT (UNSIGNED-PAYLOAD) from a plain HTTP client", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: B, Key: "via-presign.txt" }), { expiresIn: 300 });
    const r = await raw(url, { method: "PUT", body: "uploaded without the secret", headers: { "content-length": "27" } });
    assert.equal(r.status, 200, r.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "via-presign.txt" }));
    assert.equal(await got.Body!.transformToString(), "uploaded without the secret");
  });

  it("answers MalformedXML for broken configuration and DeleteObjects documents", async () => {
    for (const [query, body] of [[{ delete: "" }, "<Delete><Object><Key>x</Key>"], [{ versioning: "" }, "<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>"], [{ lifecycle: "" }, "not xml at all"]] as const) {
      const method = "delete" in query ? "POST" : "PUT";
      const s = await signed(os(), key, method, `/${B}`, { query: { ...query }, headers: { "content-length": String(body.length) } });
      const r = await raw(s.url, { method, headers: s.headers, body });
      assert.equal(r.status, 400, `${JSON.stringify(query)}: ${r.body}`);
      assert.equal(codeOf(r.body), "MalformedXML", JSON.stringify(query));
    }
  });
});
