/** Per-request context and response helpers shared by the handlers. */
import { createHash } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AwsChunkedDecoder } from "./auth/chunked";
import { checksumRequestOf, createChecksum, trailerChecksum } from "./auth/checksums";
import type { AuthResult } from "./auth/sigv4";
import type { BucketRecord, StoreLike } from "./contract";
import { Errors, S3Error } from "./errors";
import type { ObjectStore } from "./objects";
import { XML_HEADER } from "./xml";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  method: string;
  rawPath: string;
  query: Record<string, string | string[]>;
  bucket: string | null;
  key: string | null;
  auth: AuthResult;
  store: StoreLike;
  objects: ObjectStore;
  region: string;
  operation: string;
  /** The incarnation (BucketRecord.incarnation) of the credential's bucket when the request was authenticated. */
  incarnation: string | undefined;
}

export function q(ctx: Ctx, name: string): string | undefined {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
}

export function h(ctx: Ctx, name: string): string | undefined {
  const v = ctx.req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The bucket the request names; it exists because the key is bound to it. */
export function bucketOf(ctx: Ctx): BucketRecord {
  const b = ctx.store.getBucket(ctx.bucket as string);
  if (!b) throw new S3Error("NoSuchBucket", undefined, { BucketName: ctx.bucket as string });
  return b;
}

/**
 * Re-validates, at the moment a write commits, everything the request was authorized with: the credential still
 * exists (not revoked, not deleted with its bucket), a temporary credential has not expired, it is still bound to
 * the bucket the request names, and that bucket is the same incarnation it was when the request was authenticated
 * (not deleted and created again under the same name while the body streamed in). Call it inside the function passed
 * to `ObjectStore.commit`: it is synchronous, as are revocation and bucket deletion, so no revoke can slip between
 * this check and the rows it guards. Returns the bucket as it is now; throws the error a new request would get.
 */
export function authorizedBucket(ctx: Ctx): BucketRecord {
  const id = ctx.auth.credential.accessKeyId;
  const cred = ctx.store.resolveCredential(id);
  if (!cred) throw new S3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records: it was revoked while this request was in flight.", { AWSAccessKeyId: id });
  if (cred.kind === "temporary" && cred.expiresAt !== undefined && ctx.store.clock.now() >= cred.expiresAt) {
    throw new S3Error("ExpiredToken", "The provided token has expired: the temporary credential expired while this request was in flight.");
  }
  if (cred.bucket !== ctx.bucket) throw Errors.foreignBucket(ctx.bucket as string);
  const b = ctx.store.getBucket(cred.bucket);
  if (!b || b.incarnation !== ctx.incarnation) throw new S3Error("NoSuchBucket", "The specified bucket does not exist: it was deleted while this request was in flight.", { BucketName: ctx.bucket as string });
  assertWritable(b);
  return b;
}

/** Writes are refused while the bucket's legal hold is on (OtterStorage's managed Deny policy). */
export function assertWritable(b: BucketRecord): void {
  if (b.legalHold) throw Errors.legalHold(b.name);
}

export function sendXml(ctx: Ctx, body: string, status = 200, headers: Record<string, string> = {}): void {
  const buf = Buffer.from(XML_HEADER + body);
  ctx.res.writeHead(status, { ...headers, "Content-Type": "application/xml", "Content-Length": buf.length });
  ctx.res.end(buf);
}

export function sendEmpty(ctx: Ctx, status: number, headers: Record<string, string | number> = {}): void {
  ctx.res.writeHead(status, { ...headers, "Content-Length": 0 });
  ctx.res.end();
}

const MAX_XML_BODY = 2 * 1024 * 1024;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  // Numeric character references (&#34;, &#x22;) are plain XML: Go's encoding/xml (rclone, MinIO's client) writes
  // every quote of an ETag as &#34;. fast-xml-parser decodes them only with htmlEntities on.
  htmlEntities: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
});

/** Parse a request body; `root` must be the document element. Errors become MalformedXML naming the problem. */
function parseXml(body: Buffer, root: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body.toString("utf8"), true) as Record<string, unknown>;
  } catch {
    throw new S3Error("MalformedXML");
  }
  const top = doc?.[root];
  if (top === undefined) throw new S3Error("MalformedXML", `The XML you provided was not well-formed or did not validate against our published schema: expected a <${root}> document.`);
  return (typeof top === "object" && top !== null ? top : {}) as Record<string, unknown>;
}

/**
 * Read a small XML request body (config documents, DeleteObjects, CompleteMultipartUpload). A Content-MD5 or an
 * x-amz-checksum-* (header or aws-chunked trailer) sent with it is verified (BadDigest). `digest: "required"` refuses
 * a body without either, for the calls whose S3 model marks a checksum as required (object-lock configuration,
 * retention, legal hold: every SDK sends one there, https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html);
 * `"ignore"` is for CompleteMultipartUpload, whose x-amz-checksum-* headers are the object's, not the document's.
 */
export async function readXml(ctx: Ctx, root: string, opts: { digest?: "verify" | "required" | "ignore" } = {}): Promise<{ doc: Record<string, unknown>; raw: Buffer }> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of ctx.req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > MAX_XML_BODY) throw new S3Error("InvalidRequest", `The XML body is larger than ${MAX_XML_BODY} bytes`);
    chunks.push(c);
  }
  let raw = Buffer.concat(chunks);
  if (ctx.auth.payload.kind === "hash") {
    if (createHash("sha256").update(raw).digest("hex") !== ctx.auth.payload.sha256) throw new S3Error("XAmzContentSHA256Mismatch");
  }
  const a = ctx.auth;
  let trailers: Record<string, string> = {};
  if (a.payload.kind === "chunked") {
    const signing = a.payload.signed ? { signingKey: a.signingKey, longDate: a.longDate, scope: a.scope, seedSignature: a.seedSignature } : null;
    const d = new AwsChunkedDecoder(signing, a.payload.trailer);
    const out: Buffer[] = [];
    d.push(raw, (b) => void out.push(b));
    d.end();
    raw = Buffer.concat(out);
    trailers = d.trailers;
  }
  const digest = opts.digest ?? "verify";
  if (digest !== "ignore") await verifyDigest(ctx, raw, trailers, digest === "required");
  if (raw.length === 0) throw Errors.malformedXml(`Send a <${root}> document.`);
  return { doc: parseXml(raw, root), raw };
}

async function verifyDigest(ctx: Ctx, body: Buffer, trailers: Record<string, string>, required: boolean): Promise<void> {
  const md5 = h(ctx, "content-md5");
  const want = checksumRequestOf(ctx.req.headers);
  if (required && md5 === undefined && want === undefined) {
    throw new S3Error("InvalidRequest", `Missing required header for this request: Content-MD5 or an x-amz-checksum-* header (${ctx.operation || "this operation"} requires a checksum of its body).`);
  }
  if (md5 !== undefined) {
    if (!/^[A-Za-z0-9+/]{22}==$/.test(md5)) throw new S3Error("InvalidDigest");
    if (createHash("md5").update(body).digest("base64") !== md5) throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  if (want) {
    const expected = want.trailer ? trailerChecksum(trailers, want.algorithm) : want.expected;
    if (expected === undefined) throw new S3Error("InvalidRequest", `The x-amz-checksum-${want.algorithm} trailer declared in x-amz-trailer was not sent`);
    const sum = createChecksum(want.algorithm);
    sum.update(body);
    if ((await sum.digest()) !== expected) throw new S3Error("BadDigest", `The ${want.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
  }
}

export function etagHeader(etag: string): string {
  return `"${etag}"`;
}
