/**
 * Object tagging: Put/Get/DeleteObjectTagging (per version), and the tag set a write carries in `x-amz-tagging`
 * (PutObject, CreateMultipartUpload, CopyObject with `x-amz-tagging-directive: REPLACE`). Limits as AWS documents
 * them (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html): at most 10 tags, keys 1–128 and
 * values 0–256 Unicode characters, keys unique. Tags live in the version's stored metadata (StoredMeta.tags).
 */
import { authorizedBucket, bucketOf, q, readXml, sendEmpty, sendXml, type Ctx } from "../context";
import { Errors, S3Error } from "../errors";
import type { ObjectVersion } from "../objectSchema";
import { S3_NS, asArray, el } from "../xml";

export const MAX_TAGS = 10;

function invalidTag(what: string): S3Error {
  return new S3Error("InvalidTag", `The tag set you provided is invalid: ${what}`);
}

/** Validate a tag list (from XML or the header) into a plain record (no prototype: `__proto__` is a normal key). */
export function tagSet(pairs: Array<[string, string]>): Record<string, string> {
  if (pairs.length > MAX_TAGS) throw invalidTag(`an object can have at most ${MAX_TAGS} tags; ${pairs.length} were given`);
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of pairs) {
    const kl = [...k].length;
    if (kl < 1 || kl > 128) throw invalidTag(`a tag key must be 1 to 128 characters; got ${kl} ('${k.slice(0, 40)}')`);
    if ([...v].length > 256) throw invalidTag(`the value of tag '${k}' is longer than 256 characters`);
    if (k.toLowerCase().startsWith("aws:")) throw invalidTag(`tag keys starting with 'aws:' are reserved ('${k}')`);
    if (Object.prototype.hasOwnProperty.call(out, k)) throw invalidTag(`the tag key '${k}' appears more than once; keys must be unique`);
    out[k] = v;
  }
  return out;
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query encoding); undefined when the header is absent. */
export function tagsFromHeader(value: string | undefined): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const pairs: Array<[string, string]> = [];
  for (const part of value.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    try {
      const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
      pairs.push([dec(eq < 0 ? part : part.slice(0, eq)), eq < 0 ? "" : dec(part.slice(eq + 1))]);
    } catch {
      throw Errors.invalidArgument("x-amz-tagging", value, "x-amz-tagging must be URL-encoded key=value pairs joined by '&'");
    }
  }
  return tagSet(pairs);
}

/** The version a tagging call addresses (?versionId= or the current one); delete markers have no tags. */
function versionOf(ctx: Ctx, bucket: string): ObjectVersion {
  const versionId = q(ctx, "versionId");
  const key = ctx.key as string;
  const v = ctx.objects.get(bucket, key, versionId);
  if (!v) throw versionId !== undefined ? new S3Error("NoSuchVersion", undefined, { Key: key, VersionId: versionId }) : new S3Error("NoSuchKey", undefined, { Key: key });
  if (v.deleteMarker) {
    throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource: the version is a delete marker.", {}, { "x-amz-delete-marker": "true", "x-amz-version-id": v.versionId });
  }
  return v;
}

function versionHeaders(v: ObjectVersion): Record<string, string> {
  return { "x-amz-version-id": v.versionId };
}

export function getObjectTagging(ctx: Ctx): void {
  const b = bucketOf(ctx);
  const v = versionOf(ctx, b.name);
  let body = `<Tagging xmlns="${S3_NS}"><TagSet>`;
  // In key order, whatever order they were set in.
  for (const [k, val] of Object.entries(v.meta.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) body += `<Tag>${el("Key", k)}${el("Value", val)}</Tag>`;
  sendXml(ctx, body + "</TagSet></Tagging>", 200, versionHeaders(v));
}

export async function putObjectTagging(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  versionOf(ctx, b.name); // NoSuchKey before reading a body
  const { doc } = await readXml(ctx, "Tagging");
  const set = (doc.TagSet ?? {}) as Record<string, unknown>;
  const pairs = asArray(set.Tag as Record<string, unknown> | Record<string, unknown>[]).map((t, i): [string, string] => {
    if (typeof t.Key !== "string") throw Errors.malformedXml(`Tag[${i + 1}] needs a <Key>.`);
    return [t.Key, typeof t.Value === "string" ? t.Value : ""];
  });
  const tags = tagSet(pairs);
  const v = await ctx.objects.commit(() => {
    authorizedBucket(ctx);
    const cur = versionOf(ctx, b.name);
    ctx.objects.setMeta(cur, { ...cur.meta, tags });
    return cur;
  });
  sendEmpty(ctx, 200, versionHeaders(v));
}

export async function deleteObjectTagging(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  const v = await ctx.objects.commit(() => {
    authorizedBucket(ctx);
    const cur = versionOf(ctx, b.name);
    const { tags: _dropped, ...rest } = cur.meta;
    ctx.objects.setMeta(cur, rest);
    return cur;
  });
  sendEmpty(ctx, 204, versionHeaders(v));
}
