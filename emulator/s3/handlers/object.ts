/** Object operations: PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects, CopyObject. */
import * as fs from "node:fs";
import { pipeline } from "node:stream/promises";
import { headerText, responseHeaderText } from "../auth/headerText";
import { CHECKSUM_ALGORITHMS, createChecksum, type ChecksumAlgorithm } from "../auth/checksums";
import { receiveBody, spoolFiles } from "../body";
import { assertWritable, authorizedBucket, bucketOf, etagHeader, h, q, readXml, sendEmpty, sendXml, type Ctx } from "../context";
import type { BucketRecord } from "../contract";
import { Errors, S3Error } from "../errors";
import { INLINE_MAX_BYTES, NULL_VERSION, type DurableBody, type ObjectVersion, type StoredMeta } from "../objectSchema";
import { assertLockAllowed, assertVersionDeletable, bypassOf, lockForNewVersion, lockFromHeaders } from "../objectLock";
import { S3_NS, asArray, el, httpDate, isoDate } from "../xml";
import { partNumberOf, partRange, type StoredPart } from "./attributes";
import { tagsFromHeader } from "./tagging";

const STORED_HEADERS = ["cache-control", "content-disposition", "content-language", "expires"] as const;
const MAX_USER_META = 2048;
/** What S3 computes for an object uploaded (or copied) without a checksum. */
const DEFAULT_CHECKSUM: ChecksumAlgorithm = "crc64nvme";

export function assertKey(key: string): void {
  if (Buffer.byteLength(key) > 1024) throw new S3Error("KeyTooLongError", "Your key is too long: at most 1024 bytes of UTF-8.");
}

/** x-amz-meta-*, Content-Type and the stored representation headers of a request. */
export function metaFromRequest(ctx: Ctx): { contentType: string | null; meta: StoredMeta } {
  const user: Record<string, string> = {};
  const headers: Record<string, string> = {};
  let metaSize = 0;
  for (const [name, value] of Object.entries(ctx.req.headers)) {
    if (typeof value !== "string") continue;
    if (name.startsWith("x-amz-meta-")) {
      const k = name.slice(11);
      user[k] = headerText(value);
      metaSize += k.length + value.length;
    } else if ((STORED_HEADERS as readonly string[]).includes(name)) headers[name] = value;
  }
  if (metaSize > MAX_USER_META) throw new S3Error("MetadataTooLarge", `Your metadata headers exceed the maximum allowed metadata size (${MAX_USER_META} bytes).`);
  const enc = h(ctx, "content-encoding");
  if (enc) {
    // aws-chunked is a transfer detail of the upload, not part of the stored object; the rest is kept as sent.
    const tokens = enc.split(",").map((s) => s.trim());
    const kept = tokens.filter((s) => s && s !== "aws-chunked");
    if (kept.length) headers["content-encoding"] = kept.length === tokens.length ? enc.trim() : kept.join(", ");
  }
  const meta: StoredMeta = { user, headers };
  const tags = tagsFromHeader(h(ctx, "x-amz-tagging"));
  if (tags && Object.keys(tags).length) meta.tags = tags;
  return { contentType: h(ctx, "content-type") ?? null, meta };
}

/** The version a write made, on its answer: only while versioning is Enabled (a Suspended bucket writes "null" and names none). */
export function versionHeader(b: Pick<BucketRecord, "versioning">, versionId: string): Record<string, string> {
  return b.versioning === "Enabled" ? { "x-amz-version-id": versionId } : {};
}

export async function putObject(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  const key = ctx.key as string;
  assertKey(key);
  if (h(ctx, "x-amz-copy-source") !== undefined) return copyObject(ctx, b);
  const { contentType, meta } = metaFromRequest(ctx);
  const lock = lockFromHeaders((n) => h(ctx, n), ctx.store.clock.now());
  assertLockAllowed(b, lock); // lock headers on a bucket without object lock: refused before the body is sent
  checkWriteConditions(ctx, b.name, key); // early, so a doomed upload is refused before its body is sent
  // No client checksum: compute CRC64NVME on the way in, as AWS S3 does for every upload since Dec 2024
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html), so a client that asks
  // for x-amz-checksum-mode: ENABLED (aws-sdk-go-v2, the Pulumi CLI's S3 backend) has something to validate.
  const body = await receiveBody(ctx.req, ctx.auth, ctx.objects, undefined, INLINE_MAX_BYTES, DEFAULT_CHECKSUM);
  const durable: DurableBody = body.inline
    ? { file: null, inline: body.inline, size: body.size, md5: body.md5 }
    : await ctx.objects.install(body.tmp as string, body.size, body.md5);
  if (body.checksum) meta.checksum = { ...body.checksum, type: "FULL_OBJECT" };
  const v = await ctx.objects.commit(() => {
    const now = authorizedBucket(ctx); // revoked, expired, bucket re-created or held while the body streamed in
    checkWriteConditions(ctx, b.name, key); // and again here: another write may have landed meanwhile
    return ctx.objects.putVersion(b.name, key, now.versioning, { size: body.size, etag: body.md5, contentType, meta, body: durable }, lockForNewVersion(now, lock, ctx.store.clock.now()));
  }).catch((e) => {
    ctx.objects.unlinkLater([durable.file]);
    throw e;
  });
  const headers: Record<string, string> = { ETag: etagHeader(v.etag), ...versionHeader(b, v.versionId) };
  if (body.checksum) {
    headers[`x-amz-checksum-${body.checksum.algorithm}`] = body.checksum.value;
    headers["x-amz-checksum-type"] = "FULL_OBJECT";
  }
  sendEmpty(ctx, 200, headers);
}

/**
 * Conditional writes (PutObject, CompleteMultipartUpload): If-None-Match: * = create only, If-Match = replace only
 * that ETag (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html). Checked again inside
 * the commit, so of two overlapping conditional writes exactly one wins and the other gets 412.
 */
export function checkWriteConditions(ctx: Ctx, bucket: string, key: string): void {
  const ifNoneMatch = h(ctx, "if-none-match");
  const ifMatch = h(ctx, "if-match");
  if (ifNoneMatch === undefined && ifMatch === undefined) return;
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== "*") {
    throw new S3Error("NotImplemented", "If-None-Match on a write only supports '*' (create only); to replace one version use If-Match: <etag>.");
  }
  const cur = ctx.objects.get(bucket, key);
  const exists = cur !== undefined && !cur.deleteMarker;
  if (ifNoneMatch !== undefined && exists) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-None-Match" });
  if (ifMatch !== undefined) {
    if (!exists) throw new S3Error("NoSuchKey", undefined, { Key: key });
    if (!etagMatches(ifMatch, cur.etag)) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Match" });
  }
}

function findVersion(ctx: Ctx, b: BucketRecord): { v: ObjectVersion; versionId: string | undefined } {
  const versionId = q(ctx, "versionId");
  const key = ctx.key as string;
  const v = ctx.objects.get(b.name, key, versionId);
  if (!v) {
    if (versionId !== undefined) throw new S3Error("NoSuchVersion", undefined, { Key: key, VersionId: versionId });
    throw new S3Error("NoSuchKey", undefined, { Key: key });
  }
  if (v.deleteMarker) {
    const headers = { "x-amz-delete-marker": "true", "x-amz-version-id": v.versionId };
    if (versionId !== undefined) throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource: the version is a delete marker.", {}, headers);
    throw new S3Error("NoSuchKey", undefined, { Key: key }, headers);
  }
  return { v, versionId };
}

function parseHttpDate(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

function etagMatches(list: string, etag: string): boolean {
  return list.split(",").some((t) => {
    const s = t.trim().replace(/^W\//, "");
    return s === "*" || s === `"${etag}"` || s === etag;
  });
}

/** RFC 9110 §13.2.2 order, as S3 applies it: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since. */
function checkConditions(ctx: Ctx, v: ObjectVersion, headers: Record<string, string>): void {
  const lastModified = Math.floor(v.lastModified / 1000) * 1000;
  const ifMatch = h(ctx, "if-match");
  const ifNoneMatch = h(ctx, "if-none-match");
  if (ifMatch !== undefined && !etagMatches(ifMatch, v.etag)) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Match" });
  const ius = parseHttpDate(h(ctx, "if-unmodified-since"));
  if (ifMatch === undefined && ius !== undefined && lastModified > ius) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Unmodified-Since" });
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, v.etag)) throw new S3Error("NotModified", undefined, {}, headers);
  const ims = parseHttpDate(h(ctx, "if-modified-since"));
  if (ifNoneMatch === undefined && ims !== undefined && lastModified <= ims) throw new S3Error("NotModified", undefined, {}, headers);
}

/** bytes=a-b | a- | -n; a list or an unknown unit is ignored (whole object), as S3 does. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== "" && Number(m[2]) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end };
}

const OVERRIDES: Array<[string, string]> = [
  ["response-content-type", "Content-Type"], ["response-content-language", "Content-Language"], ["response-expires", "Expires"],
  ["response-cache-control", "Cache-Control"], ["response-content-disposition", "Content-Disposition"], ["response-content-encoding", "Content-Encoding"],
];

function objectHeaders(ctx: Ctx, b: BucketRecord, v: ObjectVersion): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: etagHeader(v.etag),
    "Last-Modified": httpDate(v.lastModified),
    "Content-Type": v.contentType ?? "binary/octet-stream",
    "Accept-Ranges": "bytes",
  };
  if (b.versioning !== "Unversioned" || v.versionId !== NULL_VERSION) headers["x-amz-version-id"] = v.versionId;
  for (const [k, val] of Object.entries(v.meta.headers ?? {})) headers[k] = val;
  for (const [k, val] of Object.entries(v.meta.user ?? {})) headers[`x-amz-meta-${k}`] = responseHeaderText(val);
  if (v.meta.partsCount) headers["x-amz-mp-parts-count"] = String(v.meta.partsCount);
  const tagCount = Object.keys(v.meta.tags ?? {}).length;
  if (tagCount) headers["x-amz-tagging-count"] = String(tagCount);
  if (v.lockMode !== null && v.retainUntil !== null) {
    headers["x-amz-object-lock-mode"] = v.lockMode;
    headers["x-amz-object-lock-retain-until-date"] = isoDate(v.retainUntil);
  }
  if (b.objectLock || v.legalHold) headers["x-amz-object-lock-legal-hold"] = v.legalHold ? "ON" : "OFF";
  for (const [param, header] of OVERRIDES) {
    const o = q(ctx, param);
    if (o === undefined) continue;
    // What an HTTP header can carry (RFC 9110 §5.5 field-value; Node refuses anything else): no CR/LF, nothing
    // beyond Latin-1. Anything else would be a 500, or with CR/LF an attempt at response splitting.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(o)) {
      throw Errors.invalidArgument(param, o, `${param} must be a valid ${header} header value: printable characters only (no control characters such as CR or LF, nothing beyond Latin-1; percent-encode or use RFC 8187 filename*= for other characters).`);
    }
    headers[header] = o;
  }
  return headers;
}

export async function getObject(ctx: Ctx, head = false): Promise<void> {
  const b = bucketOf(ctx);
  const { v } = findVersion(ctx, b);
  const headers = objectHeaders(ctx, b, v);
  const partNumber = partNumberOf(ctx);
  checkConditions(ctx, v, { ETag: headers.ETag, "Last-Modified": headers["Last-Modified"] });
  const range = partNumber !== undefined ? partRange(v, partNumber) : parseRange(h(ctx, "range"), v.size);
  if (range === "unsatisfiable") {
    throw new S3Error("InvalidRange", undefined, { RangeRequested: h(ctx, "range") ?? "", ActualObjectSize: String(v.size) }, { "Content-Range": `bytes */${v.size}` });
  }
  let status = 200;
  let start = 0;
  let end = v.size - 1;
  const checksumMode = h(ctx, "x-amz-checksum-mode")?.toUpperCase() === "ENABLED";
  // Part 1 of an object uploaded in one piece is the whole object: a plain 200, with its checksum.
  const wholeObject = range === null || (partNumber !== undefined && !v.meta.partsCount);
  if (!wholeObject) {
    status = 206;
    ({ start, end } = range);
    headers["Content-Range"] = `bytes ${start}-${Math.max(start, end)}/${v.size}`;
    // A part's own checksum, as AWS reports it for GET ?partNumber (a ranged GET gets none).
    const part = (range as { part?: StoredPart }).part;
    if (part?.checksum && checksumMode && v.meta.checksum) {
      const i = part.checksum.indexOf(":");
      headers[`x-amz-checksum-${part.checksum.slice(0, i)}`] = part.checksum.slice(i + 1);
      headers["x-amz-checksum-type"] = v.meta.checksum.type ?? "COMPOSITE";
    }
  } else if (v.meta.checksum && checksumMode) {
    headers[`x-amz-checksum-${v.meta.checksum.algorithm}`] = v.meta.checksum.value;
    headers["x-amz-checksum-type"] = v.meta.checksum.type ?? "FULL_OBJECT";
  }
  const length = v.size === 0 ? 0 : end - start + 1;
  if (head || length === 0) {
    ctx.res.writeHead(status, { ...headers, "Content-Length": length });
    ctx.res.end();
    return;
  }
  if (v.inline) {
    ctx.res.writeHead(status, { ...headers, "Content-Length": length });
    ctx.res.end(v.inline.subarray(start, end + 1));
    return;
  }
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => fs.open(ctx.objects.filePath(v.file as string), "r", (e, n) => (e ? reject(e) : resolve(n))));
  } catch {
    // Deleted between the lookup and the open: the object is gone.
    throw new S3Error("NoSuchKey", undefined, { Key: v.key });
  }
  ctx.res.writeHead(status, { ...headers, "Content-Length": length });
  const stream = fs.createReadStream("", { fd, start, end, highWaterMark: 256 * 1024 });
  await pipeline(stream, ctx.res).catch(() => stream.destroy());
}

export function headObject(ctx: Ctx): Promise<void> {
  return getObject(ctx, true);
}

/**
 * Conditional delete (If-Match on DeleteObject, <ETag> per DeleteObjects entry;
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html): the current version must have that
 * ETag (`*`: any), else 412 PreconditionFailed; a key with no current object is deleted as without the condition.
 */
function checkDeleteCondition(ctx: Ctx, b: BucketRecord, key: string, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  const cur = ctx.objects.get(b.name, key);
  if (!cur || cur.deleteMarker) return;
  if (!etagMatches(ifMatch, cur.etag)) throw new S3Error("PreconditionFailed", undefined, { Condition: "If-Match" });
}

function deleteOne(ctx: Ctx, b: BucketRecord, key: string, versionId: string | undefined, ifMatch?: string): { versionId?: string; deleteMarker: boolean } {
  checkDeleteCondition(ctx, b, key, ifMatch);
  if (versionId === undefined) return ctx.objects.deleteCurrent(b.name, key, b.versioning);
  const v = ctx.objects.get(b.name, key, versionId);
  if (!v) return { versionId, deleteMarker: false };
  assertVersionDeletable(v, ctx.store.clock.now(), bypassOf(h(ctx, "x-amz-bypass-governance-retention")));
  ctx.objects.deleteVersion(b.name, key, versionId);
  return { versionId, deleteMarker: v.deleteMarker };
}

export async function deleteObject(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  const r = await ctx.objects.commit(() => deleteOne(ctx, authorizedBucket(ctx), ctx.key as string, q(ctx, "versionId"), h(ctx, "if-match")));
  const headers: Record<string, string> = {};
  if (r.versionId) headers["x-amz-version-id"] = r.versionId;
  if (r.deleteMarker) headers["x-amz-delete-marker"] = "true";
  sendEmpty(ctx, 204, headers);
}

export async function deleteObjects(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  const { doc } = await readXml(ctx, "Delete");
  const quiet = doc.Quiet === "true";
  const items = asArray(doc.Object as Record<string, unknown> | Record<string, unknown>[]);
  if (items.length === 0) throw Errors.malformedXml("A <Delete> document needs at least one <Object>.");
  if (items.length > 1000) throw Errors.malformedXml("At most 1000 <Object> elements per request.");
  let out = `<DeleteResult xmlns="${S3_NS}">`;
  await ctx.objects.commit(() => {
  const live = authorizedBucket(ctx);
  for (const item of items) {
    const key = typeof item.Key === "string" ? item.Key : undefined;
    const versionId = typeof item.VersionId === "string" && item.VersionId !== "" ? item.VersionId : undefined;
    const ifMatch = typeof item.ETag === "string" && item.ETag !== "" ? item.ETag : undefined;
    if (!key) {
      out += `<Error><Key></Key><Code>MalformedXML</Code><Message>Each Object needs a Key.</Message></Error>`;
      continue;
    }
    try {
      const r = deleteOne(ctx, live, key, versionId, ifMatch);
      if (!quiet) {
        out += `<Deleted>${el("Key", key)}${versionId ? el("VersionId", versionId) : ""}` +
          `${r.deleteMarker ? "<DeleteMarker>true</DeleteMarker>" : ""}${r.deleteMarker && !versionId ? el("DeleteMarkerVersionId", r.versionId) : ""}</Deleted>`;
      }
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error("InternalError");
      out += `<Error>${el("Key", key)}${versionId ? el("VersionId", versionId) : ""}${el("Code", e.code)}${el("Message", e.message)}</Error>`;
    }
  }
  });
  sendXml(ctx, out + "</DeleteResult>");
}

/** x-amz-copy-source: [/]bucket/key[?versionId=…], URL-encoded. Only within the key's own bucket. */
export function parseCopySource(ctx: Ctx, raw: string): { bucket: string; key: string; versionId?: string } {
  let s = raw;
  let versionId: string | undefined;
  const qi = s.indexOf("?");
  if (qi >= 0) {
    const m = /(?:^|&)versionId=([^&]*)/.exec(s.slice(qi + 1));
    try {
      versionId = m ? decodeURIComponent(m[1]) : undefined;
    } catch {
      throw Errors.invalidArgument("x-amz-copy-source", raw, "The versionId in x-amz-copy-source must be URL-encoded UTF-8.");
    }
    s = s.slice(0, qi);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(s);
  } catch {
    throw Errors.invalidArgument("x-amz-copy-source", raw, "Copy Source must be URL-encoded '<bucket>/<key>'.");
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) throw Errors.invalidArgument("x-amz-copy-source", raw, "Copy Source must name a bucket and a key: '<bucket>/<key>'.");
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), versionId };
}

/**
 * The source version of CopyObject / UploadPartCopy (own bucket only), after the x-amz-copy-source-if-* conditions
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html): a failed condition is 412, and, as AWS
 * does, If-Match true wins over If-Unmodified-Since false, If-None-Match false over If-Modified-Since true.
 */
export function copySourceOf(ctx: Ctx, b: BucketRecord): { src: ReturnType<typeof parseCopySource>; v: ObjectVersion } {
  const src = parseCopySource(ctx, h(ctx, "x-amz-copy-source") as string);
  if (src.bucket !== ctx.auth.credential.bucket) throw Errors.foreignBucket(src.bucket);
  const v = ctx.objects.get(b.name, src.key, src.versionId);
  if (!v || v.deleteMarker) {
    if (src.versionId !== undefined && v?.deleteMarker) throw new S3Error("InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.");
    throw new S3Error(src.versionId ? "NoSuchVersion" : "NoSuchKey", undefined, { Key: src.key });
  }
  const lastModified = Math.floor(v.lastModified / 1000) * 1000;
  const ifMatch = h(ctx, "x-amz-copy-source-if-match");
  const ifNoneMatch = h(ctx, "x-amz-copy-source-if-none-match");
  const ius = parseHttpDate(h(ctx, "x-amz-copy-source-if-unmodified-since"));
  const ims = parseHttpDate(h(ctx, "x-amz-copy-source-if-modified-since"));
  const fail = (c: string) => new S3Error("PreconditionFailed", undefined, { Condition: `x-amz-copy-source-${c}` });
  if (ifMatch !== undefined && !etagMatches(ifMatch, v.etag)) throw fail("If-Match");
  if (ifMatch === undefined && ius !== undefined && lastModified > ius) throw fail("If-Unmodified-Since");
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, v.etag)) throw fail("If-None-Match");
  if (ifNoneMatch === undefined && ims !== undefined && lastModified <= ims) throw fail("If-Modified-Since");
  return { src, v };
}

async function copyObject(ctx: Ctx, b: BucketRecord): Promise<void> {
  // The copy's own lock comes from its headers or the bucket default; the source's lock is not copied (as in S3).
  const lock = lockFromHeaders((n) => h(ctx, n), ctx.store.clock.now());
  assertLockAllowed(b, lock);
  const { src, v } = copySourceOf(ctx, b);
  const directive = (h(ctx, "x-amz-metadata-directive") ?? "COPY").toUpperCase();
  if (directive !== "COPY" && directive !== "REPLACE") throw Errors.invalidArgument("x-amz-metadata-directive", directive, "Unknown metadata directive: use COPY or REPLACE.");
  if (src.key === ctx.key && directive === "COPY" && !src.versionId && b.versioning === "Unversioned") {
    throw new S3Error("InvalidRequest", "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  // The copy's checksum (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html, x-amz-checksum-algorithm):
  // the source's, value and type, when the request names no other algorithm; else the named one, or CRC64NVME for a
  // source that has none (stored before default checksums, or as AWS does for such objects), computed while copying.
  const asked = h(ctx, "x-amz-checksum-algorithm")?.toLowerCase();
  if (asked !== undefined && !(CHECKSUM_ALGORITHMS as readonly string[]).includes(asked)) {
    throw Errors.invalidArgument("x-amz-checksum-algorithm", asked, "x-amz-checksum-algorithm must be CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.");
  }
  const kept = v.meta.checksum && (asked === undefined || asked === v.meta.checksum.algorithm) ? { ...v.meta.checksum } : undefined;
  const alg = (asked ?? DEFAULT_CHECKSUM) as ChecksumAlgorithm;
  const sum = kept ? undefined : createChecksum(alg);
  let durable: DurableBody;
  if (v.file === null) {
    durable = { file: null, inline: v.inline ?? Buffer.alloc(0), size: v.size, md5: v.etag };
    sum?.update(durable.inline as Buffer);
  } else {
    const copied = await spoolFiles(ctx.objects, [{ path: ctx.objects.filePath(v.file) }], sum);
    durable = await ctx.objects.install(copied.tmp, copied.size, copied.md5);
  }
  const checksum = kept ?? { algorithm: alg, value: await (sum as NonNullable<typeof sum>).digest(), type: "FULL_OBJECT" as const };
  const copied = { size: durable.size, md5: durable.md5 };
  const tagDirective = (h(ctx, "x-amz-tagging-directive") ?? "COPY").toUpperCase();
  if (tagDirective !== "COPY" && tagDirective !== "REPLACE") throw Errors.invalidArgument("x-amz-tagging-directive", tagDirective, "Unknown tagging directive: use COPY or REPLACE.");
  const { contentType, meta } = directive === "REPLACE" ? metaFromRequest(ctx) : { contentType: v.contentType, meta: { user: v.meta.user, headers: v.meta.headers } as StoredMeta };
  // Tags follow x-amz-tagging-directive, independently of the metadata directive (as in S3).
  delete meta.tags;
  if (tagDirective === "COPY") {
    if (v.meta.tags && Object.keys(v.meta.tags).length) meta.tags = { ...v.meta.tags };
  } else {
    const tags = tagsFromHeader(h(ctx, "x-amz-tagging"));
    if (tags && Object.keys(tags).length) meta.tags = tags;
  }
  meta.checksum = checksum;
  const nv = await ctx.objects.commit(() => {
    const now = authorizedBucket(ctx);
    return ctx.objects.putVersion(b.name, ctx.key as string, now.versioning, { size: copied.size, etag: copied.md5, contentType, meta, body: durable }, lockForNewVersion(now, lock, ctx.store.clock.now()));
  }).catch((e) => {
    ctx.objects.unlinkLater([durable.file]);
    throw e;
  });
  const headers: Record<string, string> = { ...versionHeader(b, nv.versionId) };
  if (src.versionId) headers["x-amz-copy-source-version-id"] = src.versionId;
  sendXml(ctx, `<CopyObjectResult xmlns="${S3_NS}">${el("LastModified", isoDate(nv.lastModified))}${el("ETag", `"${nv.etag}"`)}` +
    `${el(`Checksum${checksum.algorithm.toUpperCase()}`, checksum.value)}${el("ChecksumType", checksum.type ?? "FULL_OBJECT")}</CopyObjectResult>`, 200, headers);
}
