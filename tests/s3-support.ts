/**
 * Helpers for the S3 data-plane tests (tests/s3-*.test.ts): a bucket with a key made through the Control API, an
 * SDK client with default settings pointed at Local OtterStorage, and raw signed requests for bad-input cases.
 */
import * as http from "node:http";
import * as assert from "node:assert/strict";
import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { NodeSha256 } from "otterstorage-local/dist/s3/auth/sha256";
import type { OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { s3For } from "./support/s3";

export interface BucketKey {
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export async function bucketWithKey(os: OtterStorage, bucket: string, body: Record<string, unknown> = {}): Promise<BucketKey> {
  const api = control(os);
  const b = await api.post("/v1/buckets", { name: bucket, ...body });
  if (b.status !== 201) throw new Error(`create bucket ${bucket}: ${b.status} ${JSON.stringify(b.body)}`);
  const k = await api.post(`/v1/buckets/${bucket}/access-keys`, { label: "test" });
  if (k.status !== 201) throw new Error(`create key: ${k.status} ${JSON.stringify(k.body)}`);
  return { bucket, accessKeyId: k.body.accessKeyId, secretAccessKey: k.body.secretAccessKey };
}

/** The SDK exactly as a user would configure it (default checksum behaviour: CRC32 trailers, aws-chunked). */
export function sdk(os: OtterStorage, key: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): S3Client {
  return s3For({ ...key, endpoint: os.s3Url, region: "eu-mad" });
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with full control over headers and body bytes. */
export function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** Sign a request with smithy (the SDK's signer) at the given time, for hand-made bodies and headers. */
export async function signed(
  os: OtterStorage, key: BucketKey, method: string, path: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string; payloadHash?: string; at?: number; query?: Record<string, string> } = {},
): Promise<{ url: string; headers: Record<string, string> }> {
  const u = new URL(os.s3Url);
  const signer = new SignatureV4({ service: "s3", region: "eu-mad", credentials: key, sha256: NodeSha256, uriEscapePath: false });
  const headers: Record<string, string> = { host: u.host, ...(opts.headers ?? {}) };
  headers["x-amz-content-sha256"] = opts.payloadHash ?? "UNSIGNED-PAYLOAD";
  const req = await signer.sign(
    { method, protocol: "http:", hostname: u.hostname, port: Number(u.port), path, headers, query: opts.query ?? {} } as never,
    { signingDate: new Date(opts.at ?? os.clock.now()) },
  ) as unknown as { headers: Record<string, string> };
  // Percent-encoding as SigV4 does (a space is %20; URLSearchParams' '+' would be a literal plus to S3).
  const qs = Object.entries(opts.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
  return { url: `${os.s3Url}${path}${qs ? "?" + qs : ""}`, headers: req.headers };
}

/** The S3ServiceException `p` fails with; fails the test when `p` succeeds; any other error is rethrown. */
export async function s3Error(p: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException) return e;
    throw e;
  }
  assert.fail("expected the request to fail");
}

/** Code, HTTP status and message of the S3 error `p` fails with (see s3Error). */
export async function errorOf(p: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  const e = await s3Error(p);
  return { code: e.name, status: e.$metadata.httpStatusCode ?? 0, message: e.message };
}

/** S3 error code from an XML body. */
export function codeOf(body: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
}

/**
 * A signed request whose body is held back: `open()` sends the head (with Expect: 100-continue) and resolves once
 * the service answered 100 Continue, i.e. it has authenticated the request and is waiting for the body (the
 * handler runs to its first body read before any other connection is served); `finish()` sends the body and
 * resolves with the answer. Used to act (revoke, delete the bucket, expire) while a write is in flight.
 */
export async function heldRequest(
  os: OtterStorage, key: BucketKey & { sessionToken?: string }, method: string, path: string, body: Buffer | string,
  opts: { headers?: Record<string, string>; query?: Record<string, string> } = {},
): Promise<{ finish(): Promise<RawAnswer> }> {
  const extra: Record<string, string> = { ...(opts.headers ?? {}) };
  if (key.sessionToken) extra["x-amz-security-token"] = key.sessionToken;
  const { url, headers } = await signed(os, key, method, path, { headers: extra, query: opts.query });
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  let continued!: Promise<void>;
  let send!: () => void;
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, "content-length": String(buf.length), expect: "100-continue" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.flushHeaders();
    continued = new Promise<void>((r) => req.once("continue", () => r()));
    send = () => req.end(buf);
  });
  await Promise.race([continued, answer.then((a) => assert.fail(`answered ${a.status} before the body was sent: ${a.body}`))]);
  return { finish: () => (send(), answer) };
}
