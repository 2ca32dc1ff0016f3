/** ListObjects (v1, v2) and ListObjectVersions: prefix, delimiter/CommonPrefixes, pagination, encoding-type=url. */
import { bucketOf, q, sendXml, type Ctx } from "../context";
import { Errors } from "../errors";
import type { ObjectVersion } from "../objectSchema";
import { OWNER_XML, S3_NS, el, isoDate } from "../xml";

/** Sorts after every key that starts with the prefix it is appended to (U+10FFFF is the largest code point). */
const AFTER_ALL = "\u{10FFFF}";
const MAX_SCAN_BATCHES = 100_000;

export function maxKeysOf(ctx: Ctx, name = "max-keys"): number {
  const raw = q(ctx, name);
  if (raw === undefined) return 1000;
  if (!/^\d{1,9}$/.test(raw)) throw Errors.invalidArgument(name, raw, `Provide a whole number between 0 and 2147483647 for ${name}.`);
  return Math.min(Number(raw), 1000);
}

function encoder(ctx: Ctx): (s: string) => string {
  const enc = q(ctx, "encoding-type");
  if (enc === undefined) return (s) => s;
  if (enc !== "url") throw Errors.invalidArgument("encoding-type", enc, "Invalid Encoding Method specified in Request; use encoding-type=url");
  return (s) => encodeURIComponent(s).replace(/%2F/g, "/");
}

interface Page {
  contents: ObjectVersion[];
  prefixes: string[];
  truncated: boolean;
  /** The last key or common prefix returned (NextMarker / continuation position). */
  last: string | undefined;
}

/** Walk current objects in byte order, folding keys into CommonPrefixes, until `maxKeys` entries. */
export function listPage(ctx: Ctx, prefix: string, delimiter: string, after: string, maxKeys: number): Page {
  const page: Page = { contents: [], prefixes: [], truncated: false, last: undefined };
  if (maxKeys === 0) return page;
  let cursor = after;
  if (delimiter && after.startsWith(prefix) && after.endsWith(delimiter) && after.indexOf(delimiter, prefix.length) === after.length - delimiter.length) {
    cursor = after + AFTER_ALL; // the marker is a common prefix: skip everything under it
  }
  const batch = Math.max(maxKeys + 1, 100);
  for (let i = 0; i < MAX_SCAN_BATCHES; i++) {
    const rows = ctx.objects.listCurrent(ctx.bucket as string, prefix, cursor, batch);
    let reseek = false;
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) return page;
      const count = page.contents.length + page.prefixes.length;
      const d = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
      if (count === maxKeys) {
        page.truncated = true;
        return page;
      }
      if (d >= 0) {
        const cp = row.key.slice(0, d + delimiter.length);
        page.prefixes.push(cp);
        page.last = cp;
        cursor = cp + AFTER_ALL;
        reseek = true;
        break;
      }
      page.contents.push(row);
      page.last = row.key;
      cursor = row.key;
    }
    if (!reseek && rows.length < batch) return page;
  }
  return page;
}

function contentsXml(o: ObjectVersion, enc: (s: string) => string, owner: boolean): string {
  return `<Contents>${el("Key", enc(o.key))}${el("LastModified", isoDate(o.lastModified))}${el("ETag", `"${o.etag}"`)}` +
    `${el("Size", o.size)}${o.meta.checksum ? el("ChecksumAlgorithm", o.meta.checksum.algorithm.toUpperCase()) + el("ChecksumType", o.meta.checksum.type ?? "FULL_OBJECT") : ""}` +
    `<StorageClass>STANDARD</StorageClass>${owner ? OWNER_XML : ""}</Contents>`;
}

function prefixesXml(prefixes: string[], enc: (s: string) => string): string {
  let s = "";
  for (const p of prefixes) s += `<CommonPrefixes>${el("Prefix", enc(p))}</CommonPrefixes>`;
  return s;
}

export function listObjectsV1(ctx: Ctx): void {
  bucketOf(ctx);
  const enc = encoder(ctx);
  const prefix = q(ctx, "prefix") ?? "";
  const delimiter = q(ctx, "delimiter") ?? "";
  const marker = q(ctx, "marker") ?? "";
  const maxKeys = maxKeysOf(ctx);
  const page = listPage(ctx, prefix, delimiter, marker, maxKeys);
  // The top-level Prefix of v1 goes back as sent, even with encoding-type=url: S3 encodes only Delimiter, Marker,
  // NextMarker, Key and CommonPrefixes there, and botocore decodes exactly those (botocore/handlers.py decode_list_object).
  let body = `<ListBucketResult xmlns="${S3_NS}">${el("Name", ctx.bucket)}${el("Prefix", prefix)}${el("Marker", enc(marker))}` +
    `${el("MaxKeys", maxKeys)}${delimiter ? el("Delimiter", enc(delimiter)) : ""}${q(ctx, "encoding-type") ? el("EncodingType", "url") : ""}` +
    `${el("IsTruncated", page.truncated)}${page.truncated && delimiter && page.last ? el("NextMarker", enc(page.last)) : ""}`;
  for (const o of page.contents) body += contentsXml(o, enc, true);
  body += prefixesXml(page.prefixes, enc) + "</ListBucketResult>";
  sendXml(ctx, body);
}

function decodeToken(token: string): string {
  const s = Buffer.from(token, "base64url").toString("utf8");
  if (!s.startsWith("v1:")) throw Errors.invalidArgument("continuation-token", token, "The continuation token provided is incorrect; pass NextContinuationToken from the previous page unchanged.");
  return s.slice(3);
}

export function listObjectsV2(ctx: Ctx): void {
  bucketOf(ctx);
  const enc = encoder(ctx);
  const prefix = q(ctx, "prefix") ?? "";
  const delimiter = q(ctx, "delimiter") ?? "";
  const token = q(ctx, "continuation-token");
  const startAfter = q(ctx, "start-after") ?? "";
  const maxKeys = maxKeysOf(ctx);
  let after = startAfter;
  if (token !== undefined && token !== "") after = decodeToken(token); // an empty token is the first page
  const page = listPage(ctx, prefix, delimiter, after, maxKeys);
  const owner = q(ctx, "fetch-owner") === "true";
  let body = `<ListBucketResult xmlns="${S3_NS}">${el("Name", ctx.bucket)}${el("Prefix", enc(prefix))}` +
    `${startAfter ? el("StartAfter", enc(startAfter)) : ""}${token !== undefined ? el("ContinuationToken", token) : ""}` +
    `${el("KeyCount", page.contents.length + page.prefixes.length)}${el("MaxKeys", maxKeys)}` +
    `${delimiter ? el("Delimiter", enc(delimiter)) : ""}${q(ctx, "encoding-type") ? el("EncodingType", "url") : ""}` +
    `${el("IsTruncated", page.truncated)}` +
    `${page.truncated && page.last !== undefined ? el("NextContinuationToken", Buffer.from("v1:" + page.last).toString("base64url")) : ""}`;
  for (const o of page.contents) body += contentsXml(o, enc, owner);
  body += prefixesXml(page.prefixes, enc) + "</ListBucketResult>";
  sendXml(ctx, body);
}

export function listObjectVersions(ctx: Ctx): void {
  bucketOf(ctx);
  const enc = encoder(ctx);
  const prefix = q(ctx, "prefix") ?? "";
  const delimiter = q(ctx, "delimiter") ?? "";
  const keyMarker = q(ctx, "key-marker") ?? "";
  const versionMarker = q(ctx, "version-id-marker") ?? "";
  if (versionMarker && !keyMarker) throw Errors.invalidArgument("version-id-marker", versionMarker, "A version-id marker cannot be specified without a key marker.");
  const maxKeys = maxKeysOf(ctx);
  let afterKey = keyMarker;
  let afterSeq = -1;
  if (versionMarker) {
    const v = ctx.objects.get(ctx.bucket as string, keyMarker, versionMarker);
    if (!v) throw Errors.invalidArgument("version-id-marker", versionMarker, "Invalid version id specified");
    afterSeq = v.seq;
  }
  const items: ObjectVersion[] = [];
  const prefixes: string[] = [];
  let truncated = false;
  let nextKey = "";
  let nextVersion = "";
  outer: for (let i = 0; i < MAX_SCAN_BATCHES; i++) {
    const rows = ctx.objects.listVersions(ctx.bucket as string, prefix, afterKey, afterSeq, Math.max(maxKeys + 1, 100));
    for (const r of rows) {
      if (!r.key.startsWith(prefix)) break outer;
      const d = delimiter ? r.key.indexOf(delimiter, prefix.length) : -1;
      if (items.length + prefixes.length >= maxKeys) {
        truncated = maxKeys > 0;
        break outer;
      }
      if (d >= 0) {
        const cp = r.key.slice(0, d + delimiter.length);
        prefixes.push(cp);
        nextKey = cp;
        nextVersion = "";
        afterKey = cp + AFTER_ALL;
        afterSeq = -1;
        continue outer;
      }
      items.push(r);
      nextKey = r.key;
      nextVersion = r.versionId;
      afterKey = r.key;
      afterSeq = r.seq;
    }
    if (rows.length < Math.max(maxKeys + 1, 100)) break;
  }
  let body = `<ListVersionsResult xmlns="${S3_NS}">${el("Name", ctx.bucket)}${el("Prefix", enc(prefix))}${el("KeyMarker", enc(keyMarker))}` +
    `${el("VersionIdMarker", versionMarker)}${el("MaxKeys", maxKeys)}${delimiter ? el("Delimiter", enc(delimiter)) : ""}` +
    // Without <EncodingType>, clients (botocore) do not decode the keys they asked to have encoded.
    `${q(ctx, "encoding-type") ? el("EncodingType", "url") : ""}${el("IsTruncated", truncated)}` +
    `${truncated ? el("NextKeyMarker", enc(nextKey)) + (nextVersion ? el("NextVersionIdMarker", nextVersion) : "") : ""}`;
  for (const v of items) {
    const common = `${el("Key", enc(v.key))}${el("VersionId", v.versionId)}${el("IsLatest", v.isLatest)}${el("LastModified", isoDate(v.lastModified))}` +
      OWNER_XML;
    body += v.deleteMarker
      ? `<DeleteMarker>${common}</DeleteMarker>`
      : `<Version>${common}${el("ETag", `"${v.etag}"`)}${el("Size", v.size)}<StorageClass>STANDARD</StorageClass></Version>`;
  }
  body += prefixesXml(prefixes, enc) + "</ListVersionsResult>";
  sendXml(ctx, body);
}
