/**
 * Evidence suite 3 of 5 (docs/benchmarks.md "Evidence suites"): fuzzing both APIs with fast-check. Random malformed requests (bad JSON, wrong types, huge and
 * hostile names and labels, malformed Authorization headers, broken aws-chunked bodies, absurd ranges, path
 * traversal in keys) against one in-process Local OtterStorage: never a 5xx (501 NotImplemented, a declared
 * answer for unsupported S3 sub-resources, excepted), never a reset connection, never a hang (5 s per request),
 * every error a proper problem+json document (control) or S3 XML error (data plane); the service still answers
 * normally afterwards. Traversal-shaped keys are stored and read back as keys, and no file appears outside the data
 * dir (bodies live under objects/data/<xx>/ with random names).
 *
 * Bounded: FUZZ_RUNS requests per plane (default 250) from FUZZ_SEED (default 20261126). `npm run fuzz:long` runs
 * many more with a fresh seed and prints it, so a failure can be replayed with FUZZ_SEED.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os_ from "node:os";
import * as path from "node:path";
import fc from "fast-check";
import { SignatureV4 } from "@smithy/signature-v4";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { Problem } from "otterstorage-api";
import { NodeSha256 } from "otterstorage-local/dist/s3/auth/sha256";
import { control, useEmulator } from "./support/emulator";
import { bucketWithKey, BucketKey } from "./s3-support";
import { filesUnder } from "./evidence-support";

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const TIMEOUT_MS = 5000;

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request; rejects with "hang" after TIMEOUT_MS and with the socket error on a reset. null = not sendable. */
function send(url: string, method: string, headers: Record<string, string>, body?: Buffer | string): Promise<Reply | null> {
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    // Always frame the body: Node would send a GET's body unframed, and the service would rightly read it as the next request.
    const framed = body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === "content-length") ? { ...headers, "content-length": String(Buffer.byteLength(body)) } : headers;
    try {
      // Host and path given apart: a URL string would be normalised (dot segments resolved) before sending.
      const m = /^(https?:\/\/[^/]+)(.*)$/.exec(url)!;
      const origin = new URL(m[1]);
      req = http.request({ host: origin.hostname, port: origin.port, path: m[2] || "/", method, headers: framed, agent: false });
    } catch {
      return resolve(null); // a header value Node itself refuses to send (e.g. a control character)
    }
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`hang: no complete answer within ${TIMEOUT_MS} ms to ${method} ${url.slice(0, 200)}`));
    }, TIMEOUT_MS);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", (e) => {
        clearTimeout(timer);
        reject(new Error(`the answer to ${method} ${url.slice(0, 200)} broke off: ${e.message}`));
      });
    });
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`connection failed for ${method} ${url.slice(0, 200)}: ${e.message}`));
    });
    req.end(body);
  });
}

const printable = (maxLength: number) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });
const hostileText = fc.oneof(
  fc.constantFrom("", " ", "../../etc/passwd", "..", ".", "..%2F..%2Fetc%2Fpasswd", "%2e%2e/%2e%2e/", "a/../../b", "\u0000", "%00", "%ZZ", "%", "%E0%A4%A",
    "'; DROP TABLE buckets;--", "<script>alert(1)</script>", "${jndi:ldap://x}", "\u202e\u0301", "😀".repeat(40), "a".repeat(5000), "CON", "nul", "xn--abc", "my..bucket", "192.168.0.1",
    "UPPER", "-leading", "trailing-", "ok-name", "__proto__", "constructor"),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "binary", maxLength: 80 }),
  printable(300),
);
/** Percent-encodes for a URL path segment but keeps some raw hostile forms (traversal, bad escapes) verbatim. */
const pathSegment = fc.oneof(hostileText.map(encodeURIComponent), fc.constantFrom("..", ".", "%2e%2e", "%ZZ", "%", "a%2Fb", "%00", "%C0%AE%C0%AE", ""));

describe("evidence: fuzzing both APIs (fast-check)", function () {
  this.timeout(Math.max(120_000, RUNS * 100));
  // On disk, so the path-traversal keys can be checked against the file system afterwards.
  const parent = fs.mkdtempSync(path.join(os_.tmpdir(), "otter-fuzz-"));
  const dataDir = path.join(parent, "data");
  const os = useEmulator({ dataDir });
  after(() => fs.rmSync(parent, { recursive: true, force: true }));
  let key: BucketKey;

  before(async () => {
    key = await bucketWithKey(os(), "fuzz-bucket");
  });

  it(`control API: ${RUNS} malformed requests, each answered below 500 with a problem+json document, none hanging`, async () => {
    const h = os();
    const statuses = new Map<number, number>();
    const request = fc.record({
      method: fc.constantFrom("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS"),
      path: fc.oneof(
        fc.constantFrom("/v1/buckets", "/v1/health", "/v1/openapi.json", "/", "/v1", "/v2/buckets", "/v1/buckets/", "//v1//buckets"),
        pathSegment.map((b) => `/v1/buckets/${b}`),
        pathSegment.map((b) => `/v1/buckets/${b}/access-keys`),
        fc.tuple(fc.constantFrom("fuzz-bucket", "missing-bucket"), pathSegment).map(([b, k]) => `/v1/buckets/${b}/access-keys/${k}`),
        pathSegment.map((b) => `/v1/buckets/${b}/temporary-credentials`),
        fc.array(pathSegment, { maxLength: 6 }).map((s) => "/" + s.join("/")),
      ),
      query: fc.option(fc.oneof(
        fc.tuple(fc.constantFrom("limit", "cursor", "force", "x", "limit[]", "__proto__"), pathSegment).map(([k, v]) => `${k}=${v}`),
        fc.constantFrom("limit=-1", "limit=1e309", "limit=0x10", "force=maybe", "cursor=" + "A".repeat(600), "limit=1&limit=2", "&&&", "=", "%ZZ=1"),
      )),
      auth: fc.oneof(
        fc.constant("valid"), fc.constant("valid"), fc.constant("valid"), fc.constant("none"),
        fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "bearer  x y", "Bearer " + "x".repeat(10_000), "Token abc", "AWS4-HMAC-SHA256 Credential=x"),
        printable(100),
      ),
      contentType: fc.option(fc.oneof(fc.constantFrom("application/json", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/merge-patch+json", ""), printable(60))),
      idempotencyKey: fc.option(fc.oneof(printable(300), fc.constantFrom("", " ", "k".repeat(256)))),
      body: fc.option(fc.oneof(
        fc.constantFrom("{", "}", "[", "null", "true", "1", "\"x\"", "{\"name\":", "{\"a\":1}}", "\u0000", "{\"name\": \"\\ud800\"}", "[]".repeat(5000), "{".repeat(10_000) + "}".repeat(10_000)),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        fc.record({ name: hostileText, region: fc.oneof(hostileText, fc.jsonValue()), storageClass: fc.oneof(fc.constantFrom("HDD", "SSD", "NVMe", "hdd"), fc.jsonValue()), tags: fc.dictionary(hostileText, fc.oneof(hostileText, fc.jsonValue()), { maxKeys: 8 }), lifecycleRules: fc.array(fc.jsonValue(), { maxLength: 3 }), objectLock: fc.jsonValue(), legalHold: fc.jsonValue() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.record({ label: fc.oneof(hostileText, fc.jsonValue()), durationSeconds: fc.oneof(fc.integer(), fc.double(), fc.jsonValue()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.constant("x".repeat(1024 * 1024 + 10)),
        fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
      )),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.auth === "valid") headers.authorization = `Bearer ${h.token}`;
        else if (r.auth !== "none") headers.authorization = r.auth;
        if (r.contentType !== null) headers["content-type"] = r.contentType;
        if (r.idempotencyKey !== null) headers["idempotency-key"] = r.idempotencyKey;
        const url = h.controlUrl + r.path + (r.query !== null ? `?${r.query}` : "");
        const res = await send(url, r.method, headers, r.body ?? undefined);
        if (!res) return;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.ok(res.status < 500, `${r.method} ${r.path.slice(0, 200)} answered ${res.status}: ${res.body.slice(0, 300)}`);
        if (res.status >= 400) {
          assert.match(String(res.headers["content-type"]), /^application\/problem\+json/, `${r.method} ${r.path.slice(0, 100)}: content-type`);
          if (r.method === "HEAD") return;
          const doc = Problem.safeParse(JSON.parse(res.body));
          assert.ok(doc.success, `not a problem document: ${res.body.slice(0, 300)}`);
          assert.equal(doc.data.status, res.status);
          assert.ok(!res.body.includes(h.token), "a problem document echoed the account token");
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    assert.ok([...statuses.keys()].some((s) => s >= 400), "no request was refused: the generator is not hostile");
    assert.equal((await control(h).get("/v1/health")).status, 200);
  });

  it("names query and body fields called like Object.prototype members (__proto__, constructor) with a plain message (a fuzz find)", async () => {
    const api = control(os());
    for (const [path, body] of [["/v1/buckets?__proto__=x", undefined], ["/v1/buckets?constructor=x", undefined], ["/v1/buckets", '{"name":"proto-check","__proto__":1,"constructor":2}']] as const) {
      const r = await api.call(body ? "POST" : "GET", path, undefined, body ? { raw: body } : {});
      assert.equal(r.status, 400, path);
      const doc = Problem.parse(r.body);
      assert.ok(doc.errors && doc.errors.length > 0);
      for (const e of doc.errors!) assert.equal(e.message, "is not a known field; remove it", `${path}: ${e.path}`);
    }
  });

  it("answers a path segment over 100 characters with a ValidationFailed that says what is wrong (a fuzz find)", async () => {
    const r = await control(os()).get(`/v1/buckets/${"a".repeat(150)}/access-keys`);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, "ValidationFailed");
    assert.match(r.body.detail, /longer than 100 characters/);
    assert.deepEqual(r.body.errors, [{ path: "path", message: "has a segment longer than 100 characters" }]);
  });

  it(`S3 presigned URLs: ${Math.ceil(RUNS / 5)} requests with random unsigned x-amz-* headers, none acted on (AccessDenied, HeadersNotSigned)`, async () => {
    const h = os();
    const s3 = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: key, maxAttempts: 1 });
    try {
      await s3.send(new PutObjectCommand({ Bucket: "fuzz-bucket", Key: "presign-target", Body: "untouched" }));
      const amzName = fc.oneof(
        fc.constantFrom("x-amz-copy-source", "x-amz-bypass-governance-retention", "x-amz-meta-owner", "x-amz-tagging", "x-amz-acl", "x-amz-storage-class",
          "x-amz-metadata-directive", "x-amz-website-redirect-location", "x-amz-checksum-crc32", "x-amz-object-lock-mode"),
        fc.stringMatching(/^[a-z0-9-]{1,30}$/).map((n) => `x-amz-${n}`),
      );
      await fc.assert(
        fc.asyncProperty(fc.constantFrom("GET", "PUT", "DELETE", "HEAD"), fc.uniqueArray(amzName, { minLength: 1, maxLength: 4 }), printable(60), async (method, names, value) => {
          const cmd = method === "PUT" ? new PutObjectCommand({ Bucket: "fuzz-bucket", Key: "presign-target" })
            : method === "DELETE" ? new DeleteObjectCommand({ Bucket: "fuzz-bucket", Key: "presign-target" })
            : method === "HEAD" ? new HeadObjectCommand({ Bucket: "fuzz-bucket", Key: "presign-target" })
            : new GetObjectCommand({ Bucket: "fuzz-bucket", Key: "presign-target" });
          const url = await getSignedUrl(s3, cmd as never, { expiresIn: 300 });
          const headers: Record<string, string> = {};
          for (const n of names) headers[n] = n === "x-amz-copy-source" ? "fuzz-bucket/sentinel-1f3a" : value.trim() || "x";
          const res = await send(url, method, headers, method === "PUT" ? "overwritten" : undefined);
          if (!res) return;
          assert.equal(res.status, 403, `${method} with ${names.join(",")}: ${res.body.slice(0, 300)}`);
          if (method !== "HEAD") assert.match(res.body, /<Code>AccessDenied<\/Code><Message>There were headers present in the request which were not signed/);
        }),
        { seed: SEED, numRuns: Math.ceil(RUNS / 5), endOnFailure: true },
      );
      const still = await s3.send(new GetObjectCommand({ Bucket: "fuzz-bucket", Key: "presign-target" }));
      assert.equal(await still.Body!.transformToString(), "untouched");
    } finally {
      s3.destroy();
    }
  });

  it(`S3 data plane: ${RUNS} malformed requests (auth, keys, ranges, aws-chunked), each answered with S3 XML below 500, none hanging`, async () => {
    const h = os();
    const u = new URL(h.s3Url);
    const signer = new SignatureV4({ service: "s3", region: "eu-mad", credentials: key, sha256: NodeSha256, uriEscapePath: false });
    // One object to read ranges of ("obj", which the fuzzer may delete) and one it never names (checked at the end).
    const put = async (name: string) => {
      const s = await signer.sign({ method: "PUT", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: `/fuzz-bucket/${name}`, headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} } as never);
      assert.equal((await send(`${h.s3Url}/fuzz-bucket/${name}`, "PUT", (s as unknown as { headers: Record<string, string> }).headers, Buffer.alloc(1000, 7)))!.status, 200);
    };
    await put("obj");
    await put("sentinel-1f3a");
    // Traversal-shaped keys with bodies large enough for a file of their own: stored as keys, read back as keys.
    const traversal = ["../../../../tmp/otter-escape", "..%2F..%2F..%2Fotter-escape", "a/../../../otter-escape", "%2e%2e/%2e%2e/otter-escape", "./../otter-escape"];
    for (const k of traversal) {
      const body = Buffer.alloc(130 * 1024, k.length);
      const sp = await signer.sign({ method: "PUT", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: `/fuzz-bucket/${k}`, headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} } as never);
      const r = await send(`${h.s3Url}/fuzz-bucket/${k}`, "PUT", (sp as unknown as { headers: Record<string, string> }).headers, body);
      assert.equal(r!.status, 200, `PUT ${k}: ${r!.body}`);
      const sg = await signer.sign({ method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: `/fuzz-bucket/${k}`, headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} } as never);
      const g = await send(`${h.s3Url}/fuzz-bucket/${k}`, "GET", (sg as unknown as { headers: Record<string, string> }).headers);
      assert.equal(g!.status, 200, `GET ${k}`);
      assert.equal(g!.body.length, body.length);
    }

    const chunkedBody = fc.oneof(
      fc.constantFrom(
        "", "0\r\n\r\n", "5\r\nhello\r\n0\r\n\r\n", "zz\r\nhello\r\n0\r\n\r\n", "5\r\nhel", "ffffffffffffffff\r\nx\r\n", "-1\r\n\r\n",
        "5;chunk-signature=00\r\nhello\r\n0;chunk-signature=00\r\n\r\n", "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
        "5\r\nhello\r\n0\r\nx-amz-checksum-crc32\r\n\r\n", "3\r\nhello\r\n0\r\n\r\n", "5\nhello\n0\n\n", "\r\n\r\n\r\n",
      ),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
    );
    const request = fc.record({
      method: fc.constantFrom("GET", "HEAD", "PUT", "DELETE", "POST"),
      bucket: fc.oneof(fc.constant("fuzz-bucket"), fc.constant("fuzz-bucket"), fc.constantFrom("other-bucket", "FUZZ", "a", ""), pathSegment),
      key: fc.option(fc.oneof(fc.constant("obj"), pathSegment, fc.array(pathSegment, { minLength: 1, maxLength: 5 }).map((s) => s.join("/")), fc.constant("k".repeat(1100)))),
      query: fc.option(fc.oneof(
        fc.constantFrom("uploads", "uploadId=nope", "uploadId=nope&partNumber=-1", "partNumber=10001&uploadId=x", "list-type=2&max-keys=-5", "list-type=2&continuation-token=%ZZ",
          "max-keys=99999999999999999999", "versionId=nope", "versions", "delete", "acl", "tagging", "tagging&versionId=nope", "partNumber=1&uploadId=nope", "response-content-type=%E2%98%83", "response-expires=a%0D%0Ab", "lifecycle", "versioning", "object-lock", "location", "x-id=GetObject", "prefix=../&delimiter=/"),
        fc.tuple(printable(20), printable(40)).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`),
      )),
      auth: fc.constantFrom("signed", "signed", "signed", "none", "garbage", "truncated", "wrong-key", "bad-date", "presign-garbage"),
      garbage: printable(200),
      range: fc.option(fc.oneof(
        fc.constantFrom("bytes=999999999999999999999-", "bytes=5-1", "bytes=-0", "bytes=abc", "bytes=0-0,1-1", "items=0-1", "bytes=", "bytes=-99999999999999999999", "bytes=1000-", "bytes=0-18446744073709551616", "bytes=--1"),
        fc.tuple(fc.integer({ min: -5, max: 2 ** 53 }), fc.integer({ min: -5, max: 2 ** 53 })).map(([a, b]) => `bytes=${a}-${b}`),
      )),
      payload: fc.oneof(
        // Bodies over 128 KiB get a file of their own (smaller ones live in their metadata row).
        fc.record({ kind: fc.constant("plain" as const), body: fc.option(fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.constant(new Uint8Array(130 * 1024)))), sha: fc.constantFrom("UNSIGNED-PAYLOAD", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "nope", "") }),
        fc.record({ kind: fc.constant("chunked" as const), body: chunkedBody, decoded: fc.constantFrom("5", "0", "-1", "abc", "99999999999999999999", ""), mode: fc.constantFrom("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"), trailer: fc.option(fc.constantFrom("x-amz-checksum-crc32", "x-amz-checksum-bogus", "")) }),
      ),
      extra: fc.option(fc.constantFrom<[string, string]>(["content-md5", "nope"], ["x-amz-checksum-crc32", "!!"], ["x-amz-sdk-checksum-algorithm", "MD5000"], ["if-match", "\"x\""], ["x-amz-copy-source", "/../etc/passwd"], ["x-amz-copy-source", "/other-bucket/obj"], ["x-amz-meta-" + "m".repeat(3000), "v"], ["x-amz-object-lock-mode", "FOREVER"], ["x-amz-tagging", "%ZZ"],
        ["x-amz-copy-source-range", "bytes=9-1"], ["x-amz-copy-source-range", "bytes=0-99999999999999999999"], ["x-amz-copy-source-if-match", "\"x\""],
        ["x-amz-copy-source", "fuzz-bucket/obj?versionId=%E0"], ["x-amz-tagging-directive", "BOGUS"], ["x-amz-tagging", "k=" + "v".repeat(300)], ["if-none-match", "*"],
        ["if-none-match", "\"x\""], ["x-amz-checksum-algorithm", "CRC64NVME"])),
    });

    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const rawPath = `/${r.bucket}${r.key !== null ? "/" + r.key : ""}`;
        const query: Record<string, string> = {};
        if (r.query !== null) {
          for (const pair of r.query.split("&")) {
            const eq = pair.indexOf("=");
            try {
              query[decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))] = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
            } catch {
              /* a bad escape stays in the URL unsigned: the signature will not match, which is a fine answer */
            }
          }
        }
        const headers: Record<string, string> = { host: u.host };
        let body: Buffer | undefined;
        if (r.payload.kind === "plain") {
          if (r.payload.body) body = Buffer.from(r.payload.body);
          if (r.payload.sha !== "") headers["x-amz-content-sha256"] = r.payload.sha;
        } else {
          body = Buffer.from(r.payload.body, "latin1");
          headers["x-amz-content-sha256"] = r.payload.mode;
          headers["content-encoding"] = "aws-chunked";
          if (r.payload.decoded !== "") headers["x-amz-decoded-content-length"] = r.payload.decoded;
          if (r.payload.trailer !== null) headers["x-amz-trailer"] = r.payload.trailer;
        }
        if (r.range !== null) headers.range = r.range;
        if (r.extra !== null) headers[r.extra[0]] = r.extra[1];
        if (body) headers["content-length"] = String(body.length);
        let sendHeaders = headers;
        let url = `${h.s3Url}${rawPath}${r.query !== null ? "?" + r.query : ""}`;
        if (r.auth !== "none" && r.auth !== "presign-garbage") {
          const creds = r.auth === "wrong-key" ? { accessKeyId: "OTTRAAAAAAAAAAAAAAAA", secretAccessKey: key.secretAccessKey } : key;
          const s = new SignatureV4({ service: "s3", region: "eu-mad", credentials: creds, sha256: NodeSha256, uriEscapePath: false });
          const signedReq = (await s.sign({ method: r.method, protocol: "http:", hostname: u.hostname, port: Number(u.port), path: rawPath, headers: { ...headers }, query } as never, {
            signingDate: new Date(h.clock.now()),
          })) as unknown as { headers: Record<string, string> };
          sendHeaders = signedReq.headers;
          if (r.auth === "garbage") sendHeaders.authorization = r.garbage;
          if (r.auth === "truncated") sendHeaders.authorization = sendHeaders.authorization.slice(0, Math.max(0, sendHeaders.authorization.length - 1 - (r.garbage.length % 120)));
          if (r.auth === "bad-date") sendHeaders["x-amz-date"] = r.garbage.slice(0, 20) || "20261301T999999Z";
        }
        if (r.auth === "presign-garbage") {
          url += `${url.includes("?") ? "&" : "?"}X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(r.garbage.slice(0, 60))}&X-Amz-Date=20260101T000000Z&X-Amz-Expires=-5&X-Amz-SignedHeaders=host&X-Amz-Signature=zz`;
        }
        const res = await send(url, r.method, sendHeaders, body);
        if (!res) return;
        const code = /<Code>([^<]+)<\/Code>/.exec(res.body)?.[1];
        assert.ok(res.status < 500 || (res.status === 501 && (r.method === "HEAD" || code === "NotImplemented")), `${r.method} ${rawPath.slice(0, 200)} answered ${res.status}: ${res.body.slice(0, 300)}`);
        if (res.status >= 300 && res.status !== 304 && r.method !== "HEAD") {
          assert.match(String(res.headers["content-type"]), /^application\/xml/, `${r.method} ${rawPath.slice(0, 100)} ${res.status}: content-type`);
          assert.match(res.body, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>[A-Za-z0-9]+<\/Code><Message>[^<]*<\/Message>/, `not an S3 error: ${res.body.slice(0, 300)}`);
          assert.match(res.body, /<RequestId>[^<]+<\/RequestId>/);
          assert.ok(!res.body.includes(key.secretAccessKey), "an error echoed the secret");
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // A fuzz find: a GET that carries a body (never read) broke off mid-answer once the object lived in a file.
    const bigKey = "file-backed-3m";
    const sp = await signer.sign({ method: "PUT", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: `/fuzz-bucket/${bigKey}`, headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} } as never);
    assert.equal((await send(`${h.s3Url}/fuzz-bucket/${bigKey}`, "PUT", (sp as unknown as { headers: Record<string, string> }).headers, Buffer.alloc(3 * 1024 * 1024, 5)))!.status, 200);
    const sg = await signer.sign({ method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: `/fuzz-bucket/${bigKey}`, headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} } as never);
    const withBody = await send(`${h.s3Url}/fuzz-bucket/${bigKey}`, "GET", (sg as unknown as { headers: Record<string, string> }).headers, Buffer.alloc(1024 * 1024));
    assert.equal(withBody!.status, 200);
    assert.equal(Buffer.byteLength(withBody!.body, "utf8"), 3 * 1024 * 1024);
    // Still serving normally.
    const get = await signer.sign({ method: "GET", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: "/fuzz-bucket/sentinel-1f3a", headers: { host: u.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, query: {} } as never);
    const ok = await send(`${h.s3Url}/fuzz-bucket/sentinel-1f3a`, "GET", (get as unknown as { headers: Record<string, string> }).headers);
    assert.equal(ok!.status, 200);
    // Path traversal in keys reached no file system path: every file is inside the data dir, bodies under
    // objects/data/<xx>/ with names that are not made from keys.
    const files = filesUnder(parent).map((f) => path.relative(dataDir, f));
    assert.ok(files.filter((f) => f.startsWith(path.join("objects", "data"))).length >= traversal.length, "the traversal bodies did not land in files");
    assert.ok(!fs.existsSync("/tmp/otter-escape") && !fs.existsSync(path.join(parent, "otter-escape")) && !fs.existsSync(path.join(dataDir, "otter-escape")));
    for (const f of files) {
      assert.ok(!f.startsWith(".."), `a file outside the data dir: ${f}`);
      assert.match(f, /^(otterstorage\.db(-wal|-shm)?|master\.key|account\.token|LOCK|objects\/(data\/[0-9a-f]{2}|tmp)\/[A-Za-z0-9_-]+)$/, `unexpected file ${f}`);
    }
  });
});
