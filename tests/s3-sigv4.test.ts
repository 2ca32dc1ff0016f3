import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { getSigningKey } from "@smithy/signature-v4";
import { AwsChunkedDecoder } from "otterstorage-local/dist/s3/auth/chunked";
import { createChecksum } from "otterstorage-local/dist/s3/auth/checksums";
import { NodeSha256 } from "otterstorage-local/dist/s3/auth/sha256";
import { parseAuthorizationHeader, payloadModeOf } from "otterstorage-local/dist/s3/auth/sigv4";
import { S3Error, S3_ERRORS, errorXml, toS3Error } from "otterstorage-local/dist/s3/errors";
import { parseRange } from "otterstorage-local/dist/s3/handlers/object";
import { parseQuery, splitPath } from "otterstorage-local/dist/s3/server";

// The example from https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html: 65 KiB of 'a' in
// chunks of 64 KiB, 1 KiB and 0, signed with the documentation key on 2013-05-24.
const DOC = {
  secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  longDate: "20130524T000000Z",
  scope: "20130524/us-east-1/s3/aws4_request",
  seed: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
  chunks: [
    [65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"],
    [1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"],
    [0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"],
  ] as Array<[number, string]>,
};

async function docSigning() {
  const signingKey = await getSigningKey(NodeSha256, { accessKeyId: DOC.accessKeyId, secretAccessKey: DOC.secret }, "20130524", "us-east-1", "s3");
  return { signingKey, longDate: DOC.longDate, scope: DOC.scope, seedSignature: DOC.seed };
}

function docBody(tamper = false): Buffer {
  const parts: Buffer[] = [];
  for (const [size, sig] of DOC.chunks) {
    parts.push(Buffer.from(`${size.toString(16)};chunk-signature=${sig}\r\n`));
    const data = Buffer.alloc(size, "a");
    if (tamper && size === 1024) data[10] = 0x62;
    parts.push(data, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

function decodeAll(d: AwsChunkedDecoder, body: Buffer, pieces = 1): Buffer {
  const out: Buffer[] = [];
  const step = Math.ceil(body.length / pieces);
  for (let i = 0; i < body.length; i += step) d.push(body.subarray(i, i + step), (b) => out.push(Buffer.from(b)));
  d.end();
  return Buffer.concat(out);
}

describe("S3 SigV4 and body decoding (pure parts)", () => {
  it("verifies the AWS documentation's signed aws-chunked example chunk by chunk", async () => {
    const out = decodeAll(new AwsChunkedDecoder(await docSigning(), false), docBody());
    assert.equal(out.length, 66560);
    assert.ok(out.every((b) => b === 0x61));
  });

  it("decodes the same body identically however the network splits it", async () => {
    const signing = await docSigning();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 400 }), async (pieces) => {
        const out = decodeAll(new AwsChunkedDecoder(signing, false), docBody(), pieces);
        assert.equal(out.length, 66560);
      }),
      { numRuns: 25 },
    );
  });

  it("rejects a chunk whose bytes were changed with SignatureDoesNotMatch", async () => {
    const signing = await docSigning();
    assert.throws(() => decodeAll(new AwsChunkedDecoder(signing, false), docBody(true)), (e: unknown) => e instanceof S3Error && e.code === "SignatureDoesNotMatch");
  });

  it("rejects malformed chunk framing and truncated bodies", () => {
    const unsigned = () => new AwsChunkedDecoder(null, true);
    assert.throws(() => decodeAll(unsigned(), Buffer.from("zz\r\nabc\r\n0\r\n\r\n")), (e: S3Error) => e.code === "InvalidRequest" && /hexadecimal/.test(e.message));
    assert.throws(() => decodeAll(unsigned(), Buffer.from("3\r\nabcX\r\n0\r\n\r\n")), (e: S3Error) => e.code === "InvalidRequest");
    assert.throws(() => decodeAll(unsigned(), Buffer.from("5\r\nabc")), (e: S3Error) => e.code === "IncompleteBody");
    assert.throws(() => decodeAll(unsigned(), Buffer.from("3\nabc\r\n0\r\n\r\n")), (e: S3Error) => /CRLF/.test(e.message));
  });

  it("collects unsigned trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and tolerates a missing closing line", () => {
    const d = new AwsChunkedDecoder(null, true);
    const out = decodeAll(d, Buffer.from("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"));
    assert.equal(out.toString(), "hello");
    assert.equal(d.trailers["x-amz-checksum-crc32"], "NhCmhg==");
    const d2 = new AwsChunkedDecoder(null, true);
    decodeAll(d2, Buffer.from("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n"));
    assert.equal(d2.trailers["x-amz-checksum-crc32"], "NhCmhg==");
  });

  it("computes CRC32, CRC32C, CRC64NVME, SHA1 and SHA256 as base64 big-endian digests", async () => {
    const data = Buffer.from("hello");
    const expect: Record<string, string> = {
      crc32: "NhCmhg==",
      crc32c: "mnG7TA==",
      crc64nvme: "M3eFcAZSQlc=",
      sha1: createHash("sha1").update(data).digest("base64"),
      sha256: createHash("sha256").update(data).digest("base64"),
    };
    for (const [alg, value] of Object.entries(expect)) {
      const c = createChecksum(alg as never);
      c.update(data.subarray(0, 2));
      c.update(data.subarray(2));
      assert.equal(await c.digest(), value, alg);
    }
  });

  it("parses the Authorization header and names what is missing when it is malformed", () => {
    const ok = parseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=OTTR4XMPL7KEY9QZ2A0B/20250101/eu-mad/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + "a".repeat(64));
    assert.equal(ok.accessKeyId, "OTTR4XMPL7KEY9QZ2A0B");
    assert.deepEqual(ok.signedHeaders, ["host", "x-amz-date"]);
    assert.throws(() => parseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=x"), (e: S3Error) => e.code === "AuthorizationHeaderMalformed" && /Credential, SignedHeaders, and Signature/.test(e.message));
    assert.throws(() => parseAuthorizationHeader("AWS OTTR:abc"), (e: S3Error) => e.code === "InvalidRequest" && /AWS4-HMAC-SHA256/.test(e.message));
    assert.throws(() => parseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=A/2025/eu-mad/s3/aws4_request, SignedHeaders=host, Signature=" + "a".repeat(64)), (e: S3Error) => /YYYYMMDD/.test(e.message));
  });

  it("knows every x-amz-content-sha256 mode and refuses anything else by name", () => {
    assert.deepEqual(payloadModeOf("UNSIGNED-PAYLOAD", false), { kind: "unsigned" });
    assert.deepEqual(payloadModeOf("STREAMING-UNSIGNED-PAYLOAD-TRAILER", false), { kind: "chunked", signed: false, trailer: true });
    assert.deepEqual(payloadModeOf("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", false), { kind: "chunked", signed: true, trailer: true });
    assert.deepEqual(payloadModeOf("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", false), { kind: "chunked", signed: true, trailer: false });
    assert.throws(() => payloadModeOf("nope", false), (e: S3Error) => e.code === "InvalidArgument" && /x-amz-content-sha256/.test(e.message));
    assert.throws(() => payloadModeOf(undefined, false), (e: S3Error) => /x-amz-content-sha256/.test(e.message));
  });

  it("parses byte ranges the way S3 does (suffix, open, clamped, unsatisfiable)", () => {
    assert.deepEqual(parseRange("bytes=0-4", 10), { start: 0, end: 4 });
    assert.deepEqual(parseRange("bytes=5-", 10), { start: 5, end: 9 });
    assert.deepEqual(parseRange("bytes=-3", 10), { start: 7, end: 9 });
    assert.deepEqual(parseRange("bytes=-30", 10), { start: 0, end: 9 });
    assert.deepEqual(parseRange("bytes=8-100", 10), { start: 8, end: 9 });
    assert.equal(parseRange("bytes=10-", 10), "unsatisfiable");
    assert.equal(parseRange("bytes=0-1,3-4", 10), null);
    assert.equal(parseRange(undefined, 10), null);
  });

  it("splits path-style URLs and keeps keys like ../x as plain strings", () => {
    assert.deepEqual(splitPath("/"), { bucket: null, key: null });
    assert.deepEqual(splitPath("/b1/"), { bucket: "b1", key: null });
    assert.deepEqual(splitPath("/b1/..%2F..%2Fetc%2Fpasswd"), { bucket: "b1", key: "../../etc/passwd" });
    assert.deepEqual(parseQuery("uploads&prefix=a%2Fb&x=1&x=2"), Object.assign(Object.create(null), { uploads: "", prefix: "a/b", x: ["1", "2"] }));
  });

  it("renders errors as S3 XML and hides unknown errors behind InternalError", () => {
    const xml = errorXml(new S3Error("NoSuchKey", undefined, { Key: "a<b" }), "/b/a<b", "REQ1");
    assert.match(xml, /<Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message><Resource>\/b\/a&lt;b<\/Resource><RequestId>REQ1<\/RequestId><Key>a&lt;b<\/Key>/);
    const hidden = toS3Error(new Error("ENOENT /secret/path"));
    assert.equal(hidden.code, "InternalError");
    assert.doesNotMatch(hidden.message, /secret/);
    for (const [code, e] of Object.entries(S3_ERRORS)) assert.ok(e.status >= 300 && e.status < 600, code);
  });
});

