/**
 * GetObjectAttributes (GET ?attributes, https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html)
 * and the part boundaries it shares with GetObject/HeadObject ?partNumber=N. Part sizes and checksums are recorded
 * in the version's metadata when a multipart upload completes (StoredMeta.parts).
 */
import { bucketOf, h, q, sendXml, type Ctx } from "../context";
import { Errors, S3Error } from "../errors";
import type { ObjectVersion, StoredMeta } from "../objectSchema";
import { S3_NS, el, httpDate } from "../xml";

const ATTRIBUTES = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"] as const;
type Attribute = (typeof ATTRIBUTES)[number];

export type StoredPart = NonNullable<StoredMeta["parts"]>[number];

/** ?partNumber=N: 1..10000 (InvalidArgument otherwise); never together with Range. */
export function partNumberOf(ctx: Ctx): number | undefined {
  const raw = q(ctx, "partNumber");
  if (raw === undefined) return undefined;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) < 1 || Number(raw) > 10_000) {
    throw Errors.invalidArgument("partNumber", raw, "Part number must be an integer between 1 and 10000, inclusive");
  }
  if (h(ctx, "range") !== undefined) throw new S3Error("InvalidRequest", "Cannot specify both Range header and partNumber query parameter");
  return Number(raw);
}

/**
 * The byte range of part `n`: of a multipart object, that part; of any other object, part 1 is the whole object.
 * A part the object does not have answers 400 InvalidPart, as AWS does (https://github.com/ceph/s3-tests,
 * test_multipart_get_part and test_non_multipart_get_part).
 */
export function partRange(v: ObjectVersion, n: number): { start: number; end: number; part?: StoredPart } {
  const notFound = () => new S3Error("InvalidPart", "The requested part number does not exist in this object.", { PartNumber: String(n) });
  if (!v.meta.partsCount) {
    if (n !== 1) throw notFound();
    return { start: 0, end: v.size - 1 };
  }
  const parts = v.meta.parts;
  if (!parts) throw new S3Error("InvalidRequest", "This object was completed before Local OtterStorage recorded part boundaries; read it with a Range instead of partNumber.");
  let start = 0;
  for (const p of parts) {
    if (p.n === n) return { start, end: start + p.size - 1, part: p };
    start += p.size;
  }
  throw notFound();
}

function requested(ctx: Ctx): Set<Attribute> {
  const raw = ctx.req.headersDistinct["x-amz-object-attributes"];
  const names = (raw ?? []).flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw Errors.invalidArgument("x-amz-object-attributes", "", "x-amz-object-attributes must name at least one of ETag, Checksum, ObjectParts, StorageClass, ObjectSize.");
  for (const n of names) {
    if (!(ATTRIBUTES as readonly string[]).includes(n)) throw Errors.invalidArgument("x-amz-object-attributes", n, "Invalid attribute name specified.");
  }
  return new Set(names as Attribute[]);
}

function whole(ctx: Ctx, name: string, fallback: number, max: number): number {
  const raw = h(ctx, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw.trim())) throw Errors.invalidArgument(name, raw, `${name} must be a whole number between 0 and ${max}.`);
  return Math.min(Number(raw.trim()), max);
}

function partChecksumXml(p: StoredPart): string {
  if (!p.checksum) return "";
  const i = p.checksum.indexOf(":");
  return el(`Checksum${p.checksum.slice(0, i).toUpperCase()}`, p.checksum.slice(i + 1));
}

export function getObjectAttributes(ctx: Ctx): void {
  const b = bucketOf(ctx);
  const want = requested(ctx);
  const maxParts = whole(ctx, "x-amz-max-parts", 1000, 1000);
  const marker = whole(ctx, "x-amz-part-number-marker", 0, 10_000);
  const versionId = q(ctx, "versionId");
  const key = ctx.key as string;
  const v = ctx.objects.get(b.name, key, versionId);
  if (!v) throw versionId !== undefined ? new S3Error("NoSuchVersion", undefined, { Key: key, VersionId: versionId }) : new S3Error("NoSuchKey", undefined, { Key: key });
  if (v.deleteMarker) {
    const headers = { "x-amz-delete-marker": "true", "x-amz-version-id": v.versionId, "Last-Modified": httpDate(v.lastModified) };
    if (versionId !== undefined) throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource: the version is a delete marker.", {}, headers);
    throw new S3Error("NoSuchKey", undefined, { Key: key }, headers);
  }
  let body = `<GetObjectAttributesResponse xmlns="${S3_NS}">`;
  // ETag without quotes here, unlike everywhere else (AWS's GetObjectAttributes answers it bare).
  if (want.has("ETag")) body += el("ETag", v.etag);
  const sum = v.meta.checksum;
  if (want.has("Checksum") && sum) {
    body += `<Checksum>${el(`Checksum${sum.algorithm.toUpperCase()}`, sum.value)}${el("ChecksumType", sum.type ?? "FULL_OBJECT")}</Checksum>`;
  }
  if (want.has("ObjectParts") && v.meta.partsCount) {
    const parts = (v.meta.parts ?? []).filter((p) => p.n > marker);
    const page = parts.slice(0, maxParts);
    const truncated = parts.length > page.length;
    body += `<ObjectParts>${el("PartsCount", v.meta.partsCount)}${el("PartNumberMarker", marker)}` +
      `${page.length ? el("NextPartNumberMarker", page[page.length - 1].n) : ""}${el("MaxParts", maxParts)}${el("IsTruncated", truncated)}`;
    for (const p of page) body += `<Part>${el("PartNumber", p.n)}${el("Size", p.size)}${partChecksumXml(p)}</Part>`;
    body += "</ObjectParts>";
  }
  if (want.has("StorageClass")) body += "<StorageClass>STANDARD</StorageClass>";
  if (want.has("ObjectSize")) body += el("ObjectSize", v.size);
  const headers: Record<string, string> = { "Last-Modified": httpDate(v.lastModified) };
  if (b.versioning !== "Unversioned" || v.versionId !== "null") headers["x-amz-version-id"] = v.versionId;
  sendXml(ctx, body + "</GetObjectAttributesResponse>", 200, headers);
}
