/** Multipart uploads: Create, UploadPart, Complete, Abort, ListParts, ListMultipartUploads. */
import { createHash } from "node:crypto";
import { createChecksum, CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from "../auth/checksums";
import { receiveBody, spool, spoolFiles } from "../body";
import { assertWritable, authorizedBucket, bucketOf, etagHeader, h, q, readXml, sendEmpty, sendXml, type Ctx } from "../context";
import type { BucketRecord } from "../contract";
import { Errors, S3Error } from "../errors";
import type { DurableBody, StoredMeta, UploadRecord } from "../objectSchema";
import { OWNER_XML, S3_NS, asArray, el, isoDate } from "../xml";
import { maxKeysOf } from "./list";
import { assertKey, checkWriteConditions, copySourceOf, metaFromRequest, versionHeader } from "./object";
import { assertLockAllowed, lockForNewVersion, lockFromHeaders } from "../objectLock";

/** AWS limits: parts 1..10000, every part but the last at least 5 MiB, at most 5 GiB each. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 ** 3;
export const MAX_PARTS = 10_000;

function uploadOf(ctx: Ctx): UploadRecord {
  const id = q(ctx, "uploadId") as string;
  const u = ctx.objects.getUpload(id);
  if (!u || u.bucket !== ctx.bucket || u.key !== ctx.key) throw new S3Error("NoSuchUpload", undefined, { UploadId: id });
  return u;
}

export async function createMultipartUpload(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  assertKey(ctx.key as string);
  const { contentType, meta } = metaFromRequest(ctx);
  // Lock headers are checked now and applied when the upload completes (default retention counts from then).
  const lock = lockFromHeaders((n) => h(ctx, n), ctx.store.clock.now());
  assertLockAllowed(b, lock);
  if (lock) meta.lock = lock;
  const sum = uploadChecksumOf(ctx);
  if (sum) {
    meta.checksumAlgorithm = sum.algorithm;
    meta.checksumType = sum.type;
  }
  const u = await ctx.objects.commit(() => (authorizedBucket(ctx), ctx.objects.createUpload(b.name, ctx.key as string, contentType, meta)));
  // The chosen algorithm and type are echoed as headers (boto3's ChecksumAlgorithm / ChecksumType), as AWS does.
  const headers: Record<string, string> = sum ? { "x-amz-checksum-algorithm": sum.algorithm.toUpperCase(), "x-amz-checksum-type": sum.type } : {};
  sendXml(ctx, `<InitiateMultipartUploadResult xmlns="${S3_NS}">${el("Bucket", b.name)}${el("Key", u.key)}${el("UploadId", u.uploadId)}</InitiateMultipartUploadResult>`, 200, headers);
}

/**
 * x-amz-checksum-algorithm and x-amz-checksum-type of CreateMultipartUpload
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#ChecksumTypes): COMPOSITE
 * (checksum of the part checksums) for every algorithm but CRC64NVME, FULL_OBJECT for the CRCs; the type defaults to
 * FULL_OBJECT for CRC64NVME and COMPOSITE otherwise.
 */
function uploadChecksumOf(ctx: Ctx): { algorithm: ChecksumAlgorithm; type: "COMPOSITE" | "FULL_OBJECT" } | undefined {
  const rawAlg = h(ctx, "x-amz-checksum-algorithm");
  const rawType = h(ctx, "x-amz-checksum-type");
  if (rawAlg === undefined) {
    if (rawType !== undefined) throw Errors.invalidArgument("x-amz-checksum-type", rawType, "x-amz-checksum-type needs x-amz-checksum-algorithm.");
    return undefined;
  }
  const algorithm = rawAlg.toLowerCase();
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw Errors.invalidArgument("x-amz-checksum-algorithm", rawAlg, "x-amz-checksum-algorithm must be CRC32, CRC32C, CRC64NVME, SHA1 or SHA256.");
  }
  const type = (rawType ?? (algorithm === "crc64nvme" ? "FULL_OBJECT" : "COMPOSITE")).toUpperCase();
  if (type !== "COMPOSITE" && type !== "FULL_OBJECT") throw Errors.invalidArgument("x-amz-checksum-type", rawType ?? "", "x-amz-checksum-type must be COMPOSITE or FULL_OBJECT.");
  if (type === "COMPOSITE" && algorithm === "crc64nvme") throw new S3Error("InvalidRequest", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.");
  if (type === "FULL_OBJECT" && (algorithm === "sha1" || algorithm === "sha256")) throw new S3Error("InvalidRequest", `The FULL_OBJECT checksum type cannot be used with the ${algorithm} checksum algorithm.`);
  return { algorithm: algorithm as ChecksumAlgorithm, type };
}

export async function uploadPart(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  const raw = q(ctx, "partNumber") as string;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PARTS) {
    throw Errors.invalidArgument("partNumber", raw, `Part number must be an integer between 1 and ${MAX_PARTS}, inclusive`);
  }
  const u = uploadOf(ctx);
  if (h(ctx, "x-amz-copy-source") !== undefined) return uploadPartCopy(ctx, b, u, Number(raw));
  const body = await receiveBody(ctx.req, ctx.auth, ctx.objects, MAX_PART_BYTES);
  const durable = await ctx.objects.install(body.tmp as string, body.size, body.md5); // parts are always files (inlineMax 0)
  await ctx.objects.commit(() => {
    // The upload may have been aborted or completed, the key revoked or the hold set, while the bytes streamed in.
    authorizedBucket(ctx);
    if (!ctx.objects.getUpload(u.uploadId)) throw new S3Error("NoSuchUpload", undefined, { UploadId: u.uploadId });
    ctx.objects.putPart(u.uploadId, Number(raw), durable, body.checksum ? `${body.checksum.algorithm}:${body.checksum.value}` : null);
  }).catch((e) => {
    ctx.objects.unlinkLater([durable.file]);
    throw e;
  });
  const headers: Record<string, string> = { ETag: etagHeader(body.md5) };
  if (body.checksum) headers[`x-amz-checksum-${body.checksum.algorithm}`] = body.checksum.value;
  sendEmpty(ctx, 200, headers);
}

/**
 * The checksum AWS reports for a multipart object whose parts all carry a checksum of one algorithm: the checksum
 * of the concatenated (decoded) part checksums, base64, then "-<parts>", type COMPOSITE
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html#large-object-checksums).
 * CRC64NVME is full-object only in S3, so it (and mixed or missing part checksums) gives no object checksum.
 */
async function compositeChecksum(parts: Array<{ checksum: string | null }>): Promise<{ algorithm: string; value: string; type: "COMPOSITE" } | undefined> {
  const algs = new Set(parts.map((p) => p.checksum?.split(":")[0]));
  if (algs.size !== 1) return undefined;
  const alg = [...algs][0];
  if (!alg || alg === "crc64nvme" || !(CHECKSUM_ALGORITHMS as readonly string[]).includes(alg)) return undefined;
  const sum = createChecksum(alg as ChecksumAlgorithm);
  for (const p of parts) sum.update(Buffer.from((p.checksum as string).slice(alg.length + 1), "base64"));
  return { algorithm: alg, value: `${await sum.digest()}-${parts.length}`, type: "COMPOSITE" };
}

/** x-amz-copy-source-range: bytes=first-last, both given, inside the source (AWS's only accepted form). */
function copyRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (header === undefined) return null;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m) throw Errors.invalidArgument("x-amz-copy-source-range", header, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy");
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) {
    throw Errors.invalidArgument("x-amz-copy-source-range", header, `Range specified is not valid for source object of size: ${size}`);
  }
  return { start, end };
}

/** UploadPartCopy: a part made from (a byte range of) an object of the same bucket. */
async function uploadPartCopy(ctx: Ctx, b: BucketRecord, u: UploadRecord, partNumber: number): Promise<void> {
  const { src, v } = copySourceOf(ctx, b);
  const range = copyRange(h(ctx, "x-amz-copy-source-range"), v.size);
  const start = range?.start ?? 0;
  const end = range?.end ?? v.size - 1;
  const length = v.size === 0 ? 0 : end - start + 1;
  if (length > MAX_PART_BYTES) throw new S3Error("EntityTooLarge", undefined, { ProposedSize: String(length), MaxSizeAllowed: String(MAX_PART_BYTES) });
  let copied: { tmp: string; size: number; md5: string };
  if (v.file === null) {
    const bytes = (v.inline ?? Buffer.alloc(0)).subarray(start, start + length);
    const md5 = createHash("md5").update(bytes).digest("hex");
    copied = { ...(await spool(ctx.objects, (async function* () { yield bytes; })(), () => {})), md5 };
  } else {
    copied = await spoolFiles(ctx.objects, length === 0 ? [] : [{ path: ctx.objects.filePath(v.file), start, end }]);
  }
  const durable: DurableBody & { file: string } = await ctx.objects.install(copied.tmp, copied.size, copied.md5);
  const part = await ctx.objects.commit(() => {
    authorizedBucket(ctx);
    if (!ctx.objects.getUpload(u.uploadId)) throw new S3Error("NoSuchUpload", undefined, { UploadId: u.uploadId });
    return ctx.objects.putPart(u.uploadId, partNumber, durable, null);
  }).catch((e) => {
    ctx.objects.unlinkLater([durable.file]);
    throw e;
  });
  const headers: Record<string, string> = {};
  if (src.versionId) headers["x-amz-copy-source-version-id"] = src.versionId;
  sendXml(ctx, `<CopyPartResult xmlns="${S3_NS}">${el("LastModified", isoDate(part.lastModified))}${el("ETag", `"${part.etag}"`)}</CopyPartResult>`, 200, headers);
}

function completeResultXml(ctx: Ctx, bucket: string, key: string, etag: string, checksum: { algorithm: string; value: string; type?: string } | null | undefined): string {
  const location = `${h(ctx, "host") ? `http://${h(ctx, "host")}` : ""}/${bucket}/${encodeURIComponent(key)}`;
  return `<CompleteMultipartUploadResult xmlns="${S3_NS}">${el("Location", location)}${el("Bucket", bucket)}${el("Key", key)}` +
    `${el("ETag", `"${etag}"`)}${checksum ? el(`Checksum${checksum.algorithm.toUpperCase()}`, checksum.value) + el("ChecksumType", checksum.type ?? "COMPOSITE") : ""}</CompleteMultipartUploadResult>`;
}

/**
 * A CompleteMultipartUpload of an upload that already completed: the same 200 answer again, as AWS gives a client
 * whose first answer was lost, while the version it made is still there (completedUploads.ts).
 */
async function repeatCompletion(ctx: Ctx, b: BucketRecord): Promise<boolean> {
  const id = q(ctx, "uploadId") as string;
  const done = ctx.objects.completedUpload(id);
  if (!done || done.bucket !== b.name || done.key !== ctx.key) return false;
  const v = ctx.objects.get(b.name, done.key, done.versionId);
  if (!v || v.deleteMarker || v.etag !== done.etag) return false;
  await readXml(ctx, "CompleteMultipartUpload", { digest: "ignore" });
  authorizedBucket(ctx);
  const headers = versionHeader(b, v.versionId);
  sendXml(ctx, completeResultXml(ctx, b.name, done.key, done.etag, done.checksum), 200, headers);
  return true;
}

export async function completeMultipartUpload(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  if (!ctx.objects.getUpload(q(ctx, "uploadId") as string) && (await repeatCompletion(ctx, b))) return;
  const u = uploadOf(ctx);
  checkWriteConditions(ctx, b.name, u.key);
  const { doc } = await readXml(ctx, "CompleteMultipartUpload", { digest: "ignore" });
  authorizedBucket(ctx); // the body came in after authentication: answer a revoked key as such, not as InvalidPart
  const listed = asArray(doc.Part as Record<string, unknown> | Record<string, unknown>[]);
  if (listed.length === 0) throw Errors.malformedXml("CompleteMultipartUpload needs at least one <Part>.");
  const stored = new Map(ctx.objects.listParts(u.uploadId, 0, MAX_PARTS).map((p) => [p.partNumber, p]));
  const chosen = [];
  let prev = 0;
  for (const [i, p] of listed.entries()) {
    const n = Number(p.PartNumber);
    const etag = typeof p.ETag === "string" ? p.ETag.replace(/^"|"$/g, "").replace(/^&quot;|&quot;$/g, "") : "";
    if (!Number.isInteger(n) || n < 1) throw Errors.malformedXml(`Part[${i + 1}].PartNumber must be a whole number >= 1.`);
    if (n <= prev) throw new S3Error("InvalidPartOrder", undefined, { UploadId: u.uploadId });
    prev = n;
    const s = stored.get(n);
    if (!s || s.etag !== etag) throw new S3Error("InvalidPart", undefined, { UploadId: u.uploadId, PartNumber: String(n), ETag: etag });
    chosen.push(s);
  }
  for (const [i, p] of chosen.entries()) {
    if (i < chosen.length - 1 && p.size < MIN_PART_BYTES) {
      throw new S3Error("EntityTooSmall", undefined, { UploadId: u.uploadId, PartNumber: String(p.partNumber), ProposedSize: String(p.size), MinSizeAllowed: String(MIN_PART_BYTES) });
    }
  }
  const md5s = createHash("md5");
  for (const p of chosen) md5s.update(Buffer.from(p.etag, "hex"));
  const etag = `${md5s.digest("hex")}-${chosen.length}`;
  // A FULL_OBJECT checksum is computed on the pass that joins the parts anyway; COMPOSITE from the part checksums.
  const fullAlg = u.meta.checksumType === "FULL_OBJECT" ? (u.meta.checksumAlgorithm as ChecksumAlgorithm) : undefined;
  const fullSum = fullAlg ? createChecksum(fullAlg) : undefined;
  const joined = await spoolFiles(ctx.objects, chosen.filter((p) => p.size > 0).map((p) => ({ path: ctx.objects.filePath(p.file) })), fullSum);
  const durable = await ctx.objects.install(joined.tmp, joined.size, etag);
  const checksum = fullAlg && fullSum
    ? { algorithm: fullAlg, value: await fullSum.digest(), type: "FULL_OBJECT" as const }
    : await compositeChecksum(chosen);
  // The object's checksum the client names on Complete (x-amz-checksum-<alg>: full or "<b64>-<parts>") must match.
  for (const alg of CHECKSUM_ALGORITHMS) {
    const given = h(ctx, `x-amz-checksum-${alg}`);
    if (given === undefined) continue;
    if (!checksum || checksum.algorithm !== alg || checksum.value !== given) {
      ctx.objects.unlinkLater([durable.file]);
      throw new S3Error("BadDigest", `The ${alg.toUpperCase()} you specified for the object did not match the calculated checksum.`);
    }
  }
  const versionMeta: StoredMeta = {
    ...u.meta, partsCount: chosen.length, ...(checksum ? { checksum } : {}),
    parts: chosen.map((p) => (p.checksum ? { n: p.partNumber, size: p.size, checksum: p.checksum } : { n: p.partNumber, size: p.size })),
  };
  delete versionMeta.lock;
  delete versionMeta.checksumAlgorithm;
  delete versionMeta.checksumType;
  const v = await ctx.objects.commit(() => {
    const now = authorizedBucket(ctx);
    if (!ctx.objects.getUpload(u.uploadId)) throw new S3Error("NoSuchUpload", undefined, { UploadId: u.uploadId });
    checkWriteConditions(ctx, b.name, u.key);
    const nv = ctx.objects.putVersion(b.name, u.key, now.versioning,
      { size: joined.size, etag, contentType: u.contentType, meta: versionMeta, body: durable },
      lockForNewVersion(now, u.meta.lock, ctx.store.clock.now()));
    ctx.objects.removeUpload(u.uploadId);
    ctx.objects.rememberCompleted({ uploadId: u.uploadId, bucket: b.name, key: u.key, versionId: nv.versionId, etag, checksum: checksum ?? null });
    return nv;
  }).catch((e) => {
    ctx.objects.unlinkLater([durable.file]);
    throw e;
  });
  sendXml(ctx, completeResultXml(ctx, b.name, u.key, etag, checksum), 200, versionHeader(b, v.versionId));
}

export async function abortMultipartUpload(ctx: Ctx): Promise<void> {
  bucketOf(ctx);
  const u = uploadOf(ctx);
  await ctx.objects.commit(() => (authorizedBucket(ctx), ctx.objects.removeUpload(u.uploadId)));
  sendEmpty(ctx, 204);
}

export function listParts(ctx: Ctx): void {
  const b = bucketOf(ctx);
  const u = uploadOf(ctx);
  const markerRaw = q(ctx, "part-number-marker") ?? "0";
  if (!/^\d{1,5}$/.test(markerRaw)) throw Errors.invalidArgument("part-number-marker", markerRaw, "part-number-marker must be a whole number");
  const max = maxKeysOf(ctx, "max-parts");
  const rows = ctx.objects.listParts(u.uploadId, Number(markerRaw), max + 1);
  const truncated = rows.length > max;
  const parts = rows.slice(0, max);
  let body = `<ListPartsResult xmlns="${S3_NS}">${el("Bucket", b.name)}${el("Key", u.key)}${el("UploadId", u.uploadId)}` +
    `${el("PartNumberMarker", Number(markerRaw))}${parts.length ? el("NextPartNumberMarker", parts[parts.length - 1].partNumber) : ""}` +
    `${el("MaxParts", max)}${el("IsTruncated", truncated)}<StorageClass>STANDARD</StorageClass>` +
    `${u.meta.checksumAlgorithm ? el("ChecksumAlgorithm", u.meta.checksumAlgorithm.toUpperCase()) + el("ChecksumType", u.meta.checksumType) : ""}`;
  for (const p of parts) {
    const i = p.checksum?.indexOf(":") ?? -1;
    const sum = p.checksum && i > 0 ? el(`Checksum${p.checksum.slice(0, i).toUpperCase()}`, p.checksum.slice(i + 1)) : "";
    body += `<Part>${el("PartNumber", p.partNumber)}${el("LastModified", isoDate(p.lastModified))}${el("ETag", `"${p.etag}"`)}${el("Size", p.size)}${sum}</Part>`;
  }
  sendXml(ctx, body + "</ListPartsResult>");
}

export function listMultipartUploads(ctx: Ctx): void {
  const b = bucketOf(ctx);
  const prefix = q(ctx, "prefix") ?? "";
  const keyMarker = q(ctx, "key-marker") ?? "";
  const uploadMarker = q(ctx, "upload-id-marker") ?? "";
  const max = maxKeysOf(ctx, "max-uploads");
  const rows = ctx.objects.listUploads(b.name, prefix, keyMarker, uploadMarker, max + 1).filter((u) => u.key.startsWith(prefix));
  const truncated = rows.length > max;
  const uploads = rows.slice(0, max);
  const last = uploads[uploads.length - 1];
  let body = `<ListMultipartUploadsResult xmlns="${S3_NS}">${el("Bucket", b.name)}${el("KeyMarker", keyMarker)}${el("UploadIdMarker", uploadMarker)}` +
    `${truncated && last ? el("NextKeyMarker", last.key) + el("NextUploadIdMarker", last.uploadId) : ""}${el("Prefix", prefix)}${el("MaxUploads", max)}${el("IsTruncated", truncated)}`;
  for (const u of uploads) {
    body += `<Upload>${el("Key", u.key)}${el("UploadId", u.uploadId)}<Initiator><ID>otterstorage</ID><DisplayName>otterstorage</DisplayName></Initiator>` +
      `${OWNER_XML}<StorageClass>STANDARD</StorageClass>${el("Initiated", isoDate(u.initiated))}</Upload>`;
  }
  sendXml(ctx, body + "</ListMultipartUploadsResult>");
}
