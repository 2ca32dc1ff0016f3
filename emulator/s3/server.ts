/**
 * The S3 data plane listener (path-style). A plain node:http server: no body parsing, no per-request framework
 * work, bodies stream straight from the socket to disk and back; routing is a small table of functions keyed by
 * method, scope (service / bucket / object) and sub-resource. One error boundary turns every failure into S3's
 * XML error (or a bare status for HEAD) with x-amz-request-id; anything unexpected becomes InternalError.
 */
import * as http from "node:http";
import { randomBytes } from "node:crypto";
import { verifyRequest } from "./auth/sigv4";
import type { Ctx } from "./context";
import type { LoggerLike, StoreLike } from "./contract";
import { Errors, S3Error, errorXml, toS3Error } from "./errors";
import { getObjectAttributes } from "./handlers/attributes";
import * as bucketOps from "./handlers/bucket";
import { listObjectVersions, listObjectsV1, listObjectsV2 } from "./handlers/list";
import * as mp from "./handlers/multipart";
import * as objectOps from "./handlers/object";
import * as lock from "./handlers/objectLock";
import * as tagging from "./handlers/tagging";
import { startLifecycleTimer } from "./lifecycle";
import { checkLimits, DEFAULT_S3_LIMITS, limitedServer, listen, type ListenerLimits } from "../listen";
import type { ObjectStore } from "./objects";

export interface S3ServerOptions {
  store: StoreLike;
  objects: ObjectStore;
  host: string;
  port: number;
  region: string;
  log: LoggerLike;
  limits?: S3Limits;
}

/** Connection limits of the S3 listener (emulator/listen.ts ListenerLimits; defaults DEFAULT_S3_LIMITS there). */
export type S3Limits = ListenerLimits;
export { DEFAULT_S3_LIMITS };

type Handler = (ctx: Ctx) => void | Promise<void>;
interface Route {
  op: string;
  fn: Handler;
}

/** Sub-resources S3 has that OtterStorage does not document; they answer NotImplemented rather than acting like a list. */
const UNSUPPORTED = new Set([
  "acl", "policy", "policyStatus", "cors", "tagging", "website", "logging", "notification", "replication", "encryption",
  "ownershipControls", "publicAccessBlock", "accelerate", "requestPayment", "analytics", "inventory", "metrics",
  "intelligent-tiering", "retention", "legal-hold", "torrent", "restore", "select", "attributes", "session",
]);
/** Sub-resources of UNSUPPORTED's names that are served on objects (not on buckets). */
const OBJECT_SUBRESOURCES = new Set(["tagging", "retention", "legal-hold", "attributes"]);

function has(ctx: Ctx, name: string): boolean {
  return ctx.query[name] !== undefined;
}

function route(ctx: Ctx): Route {
  const m = ctx.method;
  if (ctx.bucket === null) {
    if (m === "GET") return { op: "ListBuckets", fn: bucketOps.listBuckets };
    throw new S3Error("MethodNotAllowed");
  }
  for (const k of Object.keys(ctx.query)) {
    if (OBJECT_SUBRESOURCES.has(k) && ctx.key !== null) continue; // object tagging is served; bucket tagging is not
    if (UNSUPPORTED.has(k)) throw new S3Error("NotImplemented", `The '${k}' sub-resource is not supported by OtterStorage.`);
  }
  if (ctx.key === null) {
    switch (m) {
      case "GET":
        if (has(ctx, "versioning")) return { op: "GetBucketVersioning", fn: bucketOps.getBucketVersioning };
        if (has(ctx, "lifecycle")) return { op: "GetBucketLifecycleConfiguration", fn: bucketOps.getBucketLifecycle };
        if (has(ctx, "object-lock")) return { op: "GetObjectLockConfiguration", fn: lock.getObjectLockConfiguration };
        if (has(ctx, "location")) return { op: "GetBucketLocation", fn: bucketOps.getBucketLocation };
        if (has(ctx, "uploads")) return { op: "ListMultipartUploads", fn: mp.listMultipartUploads };
        if (has(ctx, "versions")) return { op: "ListObjectVersions", fn: listObjectVersions };
        if (ctx.query["list-type"] === "2") return { op: "ListObjectsV2", fn: listObjectsV2 };
        return { op: "ListObjects", fn: listObjectsV1 };
      case "HEAD":
        return { op: "HeadBucket", fn: bucketOps.headBucket };
      case "PUT":
        if (has(ctx, "versioning")) return { op: "PutBucketVersioning", fn: bucketOps.putBucketVersioning };
        if (has(ctx, "lifecycle")) return { op: "PutBucketLifecycleConfiguration", fn: bucketOps.putBucketLifecycle };
        if (has(ctx, "object-lock")) return { op: "PutObjectLockConfiguration", fn: lock.putObjectLockConfiguration };
        return { op: "CreateBucket", fn: bucketOps.createBucket };
      case "DELETE":
        if (has(ctx, "lifecycle")) return { op: "DeleteBucketLifecycle", fn: bucketOps.deleteBucketLifecycle };
        return { op: "DeleteBucket", fn: bucketOps.deleteBucket };
      case "POST":
        if (has(ctx, "delete")) return { op: "DeleteObjects", fn: objectOps.deleteObjects };
    }
    throw new S3Error("MethodNotAllowed");
  }
  switch (m) {
    case "GET":
      if (has(ctx, "tagging")) return { op: "GetObjectTagging", fn: tagging.getObjectTagging };
      if (has(ctx, "retention")) return { op: "GetObjectRetention", fn: lock.getObjectRetention };
      if (has(ctx, "legal-hold")) return { op: "GetObjectLegalHold", fn: lock.getObjectLegalHold };
      if (has(ctx, "attributes")) return { op: "GetObjectAttributes", fn: getObjectAttributes };
      if (has(ctx, "uploadId")) return { op: "ListParts", fn: mp.listParts };
      return { op: "GetObject", fn: objectOps.getObject };
    case "HEAD":
      return { op: "HeadObject", fn: objectOps.headObject };
    case "PUT":
      if (has(ctx, "tagging")) return { op: "PutObjectTagging", fn: tagging.putObjectTagging };
      if (has(ctx, "retention")) return { op: "PutObjectRetention", fn: lock.putObjectRetention };
      if (has(ctx, "legal-hold")) return { op: "PutObjectLegalHold", fn: lock.putObjectLegalHold };
      if (has(ctx, "uploadId") || has(ctx, "partNumber")) {
        if (!has(ctx, "uploadId") || !has(ctx, "partNumber")) throw new S3Error("InvalidRequest", "UploadPart needs both partNumber and uploadId.");
        return { op: ctx.req.headers["x-amz-copy-source"] !== undefined ? "UploadPartCopy" : "UploadPart", fn: mp.uploadPart };
      }
      return { op: ctx.req.headers["x-amz-copy-source"] !== undefined ? "CopyObject" : "PutObject", fn: objectOps.putObject };
    case "DELETE":
      if (has(ctx, "tagging")) return { op: "DeleteObjectTagging", fn: tagging.deleteObjectTagging };
      if (has(ctx, "uploadId")) return { op: "AbortMultipartUpload", fn: mp.abortMultipartUpload };
      return { op: "DeleteObject", fn: objectOps.deleteObject };
    case "POST":
      if (has(ctx, "uploads")) return { op: "CreateMultipartUpload", fn: mp.createMultipartUpload };
      if (has(ctx, "uploadId")) return { op: "CompleteMultipartUpload", fn: mp.completeMultipartUpload };
  }
  throw new S3Error("MethodNotAllowed");
}

/** Raw query string -> decoded map (repeated names become arrays). `+` stays literal, as SigV4 signs it. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (!raw) return out;
  for (const pair of raw.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const k = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
    const v = eq < 0 ? "" : decodeURIComponent(pair.slice(eq + 1));
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** "/bucket/some/key" -> bucket and key (percent-decoded). The key is only ever a database value, never a path. */
export function splitPath(rawPath: string): { bucket: string | null; key: string | null } {
  if (rawPath === "/" || rawPath === "") return { bucket: null, key: null };
  if (!rawPath.startsWith("/")) throw new S3Error("InvalidURI");
  const slash = rawPath.indexOf("/", 1);
  const bucket = decodeURIComponent(slash < 0 ? rawPath.slice(1) : rawPath.slice(1, slash));
  const rawKey = slash < 0 ? "" : rawPath.slice(slash + 1);
  if (!bucket) throw new S3Error("InvalidURI", "Couldn't parse the specified URI: the path must be /<bucket>[/<key>] (path-style).");
  return { bucket, key: rawKey === "" ? null : decodeURIComponent(rawKey) };
}

/** StoreError (emulator/store) codes that can surface through S3 configuration calls. */
function fromStoreError(err: unknown): unknown {
  const e = err as { name?: string; code?: string; detail?: string };
  if (e && e.name === "StoreError") {
    if (e.code === "LegalHoldActive") return new S3Error("AccessDenied", `Access Denied: ${e.detail}`);
    if (e.code === "ObjectLockImmutable") return new S3Error("InvalidBucketState", e.detail);
    if (e.code === "BucketNotFound") return new S3Error("NoSuchBucket");
    if (e.code === "ValidationFailed") return new S3Error("InvalidArgument", e.detail);
  }
  return err;
}

let lastDateSecond = -1;
let lastDate = "";
function dateHeader(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== lastDateSecond) {
    lastDateSecond = sec;
    lastDate = new Date(sec * 1000).toUTCString();
  }
  return lastDate;
}

const ID_PREFIX = randomBytes(4).toString("hex").toUpperCase();
let idCounter = 0;
function nextRequestId(): string {
  return ID_PREFIX + (++idCounter).toString(16).toUpperCase().padStart(8, "0");
}

export async function startS3Server(opts: S3ServerOptions): Promise<{ url: string; close(): Promise<void> }> {
  const { store, objects, region, log } = opts;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = nextRequestId();
    res.setHeader("x-amz-request-id", requestId);
    res.setHeader("Server", "LocalOtterStorage");
    // The service clock, not the host's: SDKs correct their skew from this header (and tests move the clock).
    res.setHeader("Date", dateHeader(store.clock.now()));
    const url = req.url ?? "/";
    const method = req.method ?? "GET";
    let accessKeyId: string | undefined;
    let operation: string | undefined;
    let code: string | undefined;
    let rawPath = url;
    try {
      const qi = url.indexOf("?");
      rawPath = qi < 0 ? url : url.slice(0, qi);
      let query: Record<string, string | string[]>;
      let parts: { bucket: string | null; key: string | null };
      try {
        query = parseQuery(qi < 0 ? "" : url.slice(qi + 1));
        parts = splitPath(rawPath);
      } catch (e) {
        throw e instanceof S3Error ? e : new S3Error("InvalidURI");
      }
      const pathBucket = parts.bucket ? store.getBucket(parts.bucket) : undefined;
      const regions = pathBucket && pathBucket.region !== region ? [region, pathBucket.region] : [region];
      // headersDistinct, not headers: node joins a repeated header with ", ", SigV4 canonicalizes it joined with ","
      // (AWS SigV4 test suite get-header-key-duplicate, tests/s3-sigv4-vectors.test.ts).
      const auth = await verifyRequest({ method, rawPath, query, headers: req.headersDistinct }, { store, regions });
      accessKeyId = auth.credential.accessKeyId;
      const incarnation = store.getBucket(auth.credential.bucket)?.incarnation;
      const ctx: Ctx = { req, res, requestId, method, rawPath, query, bucket: parts.bucket, key: parts.key, auth, store, objects, region, operation: "", incarnation };
      const foreign = parts.bucket !== null && parts.bucket !== auth.credential.bucket;
      let r: Route;
      try {
        r = route(ctx);
      } catch (e) {
        throw foreign ? Errors.foreignBucket(parts.bucket as string) : e;
      }
      operation = r.op;
      ctx.operation = r.op;
      // CreateBucket names a bucket no key can own yet: its refusal explains where buckets come from instead.
      if (foreign && r.op !== "CreateBucket") throw Errors.foreignBucket(parts.bucket as string);
      // GET/HEAD/DELETE never read a body; one sent anyway must still be drained, or Node aborts the answer once the
      // unread bytes back up (a GetObject streaming a file broke off mid-body; found by tests/evidence-fuzz).
      if (method === "GET" || method === "HEAD" || method === "DELETE") req.resume();
      await r.fn(ctx);
      store.noteKeyUsed(auth.credential.accessKeyId);
    } catch (raw) {
      const err = toS3Error(fromStoreError(raw));
      code = err.code;
      if (err.code === "InternalError") log.error(`S3 ${method} ${operation ?? ""} failed (request ${requestId})`, raw);
      if (res.headersSent) {
        res.destroy();
      } else {
        const headers: Record<string, string | number> = { ...err.headers };
        if (method === "HEAD" || err.status === 304) {
          res.writeHead(err.status, { ...headers, "Content-Length": 0 });
          res.end();
        } else {
          const body = Buffer.from(errorXml(err, rawPath, requestId));
          res.writeHead(err.status, { ...headers, "Content-Type": "application/xml", "Content-Length": body.length });
          res.end(body);
        }
      }
    }
    log.request({ plane: "s3", method, url, status: res.statusCode, ms: performance.now() - started, requestId, accessKeyId, operation, code });
  }

  const server = limitedServer(checkLimits(opts.limits, DEFAULT_S3_LIMITS, "s3Limits"), (req, res) => {
    void handle(req, res);
  });
  // An Expect other than 100-continue: Node answers 417 unless someone listens. S3 ignores the header, and so do we
  // (RFC 9110 §10.1.1 lets a server ignore an expectation it does not support).
  server.on("checkExpectation", (req, res) => void handle(req, res));
  const url = await listen(server, opts.port, opts.host);
  const stopLifecycle = startLifecycleTimer(store, objects, (e) => log.error("lifecycle run failed", e));
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        stopLifecycle();
        server.close(() => {
          objects.close();
          resolve();
        });
        server.closeAllConnections();
      })),
  };
}
