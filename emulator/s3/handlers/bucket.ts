/** Service- and bucket-level operations: ListBuckets, HeadBucket, location, versioning, lifecycle, object lock. */
import { LifecycleRule } from "otterstorage-api";
import type { LifecycleRule as LifecycleRuleT } from "otterstorage-api";
import { assertWritable, authorizedBucket, bucketOf, readXml, sendEmpty, sendXml, type Ctx } from "../context";
import { Errors, S3Error } from "../errors";
import { DAY_MS } from "../objectLock";
import { OWNER_XML, S3_NS, asArray, el, isoDate } from "../xml";


/** A bucket key sees exactly one bucket: its own. */
export function listBuckets(ctx: Ctx): void {
  const b = ctx.store.getBucket(ctx.auth.credential.bucket);
  const bucket = b ? `<Bucket>${el("Name", b.name)}${el("CreationDate", isoDate(b.createdAt))}${el("BucketRegion", b.region)}</Bucket>` : "";
  sendXml(ctx, `<ListAllMyBucketsResult xmlns="${S3_NS}">${OWNER_XML}<Buckets>${bucket}</Buckets></ListAllMyBucketsResult>`);
}

/**
 * Buckets are made and removed through the Control API; a bucket key cannot do either. CreateBucket of the key's
 * own bucket answers what S3 answers its owner, BucketAlreadyOwnedByYou: tools that "make sure the bucket exists"
 * before writing (rclone copy/copyto, s3fs, Terraform-style checks) treat that as success.
 */
export function createBucket(ctx: Ctx): void {
  if (ctx.bucket === ctx.auth.credential.bucket && ctx.store.getBucket(ctx.bucket)) {
    throw new S3Error("BucketAlreadyOwnedByYou", undefined, { BucketName: ctx.bucket });
  }
  throw new S3Error("AccessDenied", "Access Denied: access keys are bound to one bucket and cannot create buckets; create buckets through the Control API (POST /v1/buckets)");
}

export function deleteBucket(ctx: Ctx): void {
  const b = bucketOf(ctx);
  assertWritable(b);
  throw new S3Error("AccessDenied", "Access Denied: access keys cannot delete buckets; delete buckets through the Control API (DELETE /v1/buckets/{bucket})");
}

export function headBucket(ctx: Ctx): void {
  const b = bucketOf(ctx);
  sendEmpty(ctx, 200, { "x-amz-bucket-region": b.region });
}

export function getBucketLocation(ctx: Ctx): void {
  const b = bucketOf(ctx);
  sendXml(ctx, `<LocationConstraint xmlns="${S3_NS}">${b.region}</LocationConstraint>`);
}

export function getBucketVersioning(ctx: Ctx): void {
  const b = bucketOf(ctx);
  const status = b.versioning === "Unversioned" ? "" : el("Status", b.versioning);
  sendXml(ctx, `<VersioningConfiguration xmlns="${S3_NS}">${status}</VersioningConfiguration>`);
}

export async function putBucketVersioning(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  const { doc } = await readXml(ctx, "VersioningConfiguration");
  const status = doc.Status;
  if (status !== "Enabled" && status !== "Suspended") throw Errors.malformedXml("<Status> must be Enabled or Suspended.");
  if (status === "Suspended" && b.objectLock) {
    throw new S3Error("InvalidBucketState", "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
  }
  authorizedBucket(ctx); // the body was read after authentication: re-check before the change
  ctx.store.updateBucket(b.name, { versioning: status });
  sendEmpty(ctx, 200);
}

function int(v: unknown, field: string): number {
  if (typeof v !== "string" || !/^\d{1,6}$/.test(v) || Number(v) < 1) throw Errors.malformedXml(`${field} must be a whole number of days >= 1.`);
  return Number(v);
}

/** Expiration <Date>: ISO 8601 (a date or a date-time), at midnight UTC as S3 requires. */
function expirationDate(v: unknown, where: string, element = "Expiration"): string {
  const s = typeof v === "string" ? v.trim() : "";
  const t = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(s) ? Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s) : NaN;
  if (Number.isNaN(t)) throw Errors.malformedXml(`${where}.${element}.Date must be an ISO 8601 date, e.g. 2030-01-01T00:00:00Z.`);
  if (t % DAY_MS !== 0) throw Errors.invalidArgument("Date", s, `${where}.${element}.Date: 'Date' must be at midnight GMT.`);
  return new Date(t).toISOString();
}

/** Map one <Rule> to the bucket's lifecycle rule (api/schemas LifecycleRule); anything we do not model is refused. */
function parseRule(raw: Record<string, unknown>, index: number): LifecycleRuleT {
  const where = `Rule[${index + 1}]`;
  // A Transition's date is checked like Expiration's first: a malformed document is a 400 before it is a 501.
  for (const t of asArray(raw.Transition as Record<string, unknown> | Record<string, unknown>[])) {
    if (t && typeof t === "object" && t.Date !== undefined) expirationDate(t.Date, where, "Transition");
  }
  for (const unsupported of ["Transition", "NoncurrentVersionTransition"]) {
    if (raw[unsupported] !== undefined) throw new S3Error("NotImplemented", `${where}.${unsupported}: OtterStorage has no storage classes to transition to; remove the ${unsupported} element.`);
  }
  if (typeof raw.ID === "string" && raw.ID.length > 255) throw Errors.invalidArgument("ID", raw.ID.slice(0, 64) + "…", "ID length should not exceed allowed limit of 255");
  // <Filter/> arrives as "" (an empty Filter: every object), <Filter><Prefix>p</Prefix></Filter> as an object.
  const filter = raw.Filter === undefined ? undefined : typeof raw.Filter === "object" && raw.Filter !== null ? (raw.Filter as Record<string, unknown>) : {};
  if (filter && (filter.Tag !== undefined || filter.And !== undefined || filter.ObjectSizeGreaterThan !== undefined || filter.ObjectSizeLessThan !== undefined)) {
    throw new S3Error("NotImplemented", `${where}.Filter: only Prefix filters are supported; remove Tag/And/ObjectSize filters.`);
  }
  if (filter && raw.Prefix !== undefined) throw Errors.malformedXml(`${where}: give <Filter> or the legacy <Prefix>, not both.`);
  const prefix = filter ? filter.Prefix : raw.Prefix;
  const rule: Record<string, unknown> = {
    id: typeof raw.ID === "string" && raw.ID ? raw.ID : `rule-${index + 1}`,
    status: raw.Status,
    prefix: typeof prefix === "string" ? prefix : "",
  };
  if (!filter && raw.Prefix !== undefined) rule.legacyPrefix = true;
  const exp = raw.Expiration as Record<string, unknown> | undefined;
  if (exp !== undefined) {
    if (typeof exp !== "object" || exp === null) throw Errors.malformedXml(`${where}.Expiration needs <Days>, <Date> or <ExpiredObjectDeleteMarker>.`);
    if (exp.Days !== undefined && exp.Date !== undefined) throw Errors.malformedXml(`${where}.Expiration: give <Days> or <Date>, not both.`);
    if (exp.Days !== undefined) rule.expirationDays = int(exp.Days, `${where}.Expiration.Days`);
    if (exp.Date !== undefined) rule.expirationDate = expirationDate(exp.Date, where);
    if (exp.ExpiredObjectDeleteMarker !== undefined) {
      if (exp.ExpiredObjectDeleteMarker !== "true" && exp.ExpiredObjectDeleteMarker !== "false") throw Errors.malformedXml(`${where}.Expiration.ExpiredObjectDeleteMarker must be true or false.`);
      if (rule.expirationDays !== undefined || rule.expirationDate !== undefined) {
        throw Errors.invalidArgument("ExpiredObjectDeleteMarker", String(exp.ExpiredObjectDeleteMarker), "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.");
      }
      if (exp.ExpiredObjectDeleteMarker === "true") rule.expiredObjectDeleteMarker = true;
    }
    if (exp.Days === undefined && exp.Date === undefined && exp.ExpiredObjectDeleteMarker === undefined) throw Errors.malformedXml(`${where}.Expiration needs <Days>, <Date> or <ExpiredObjectDeleteMarker>.`);
  }
  const nve = raw.NoncurrentVersionExpiration as Record<string, unknown> | undefined;
  if (nve !== undefined) rule.noncurrentVersionExpirationDays = int(nve.NoncurrentDays, `${where}.NoncurrentVersionExpiration.NoncurrentDays`);
  const abort = raw.AbortIncompleteMultipartUpload as Record<string, unknown> | undefined;
  if (abort !== undefined) rule.abortIncompleteMultipartUploadDays = int(abort.DaysAfterInitiation, `${where}.AbortIncompleteMultipartUpload.DaysAfterInitiation`);
  const parsed = LifecycleRule.safeParse(rule);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw Errors.malformedXml(`${where}${first.path.length ? "." + first.path.join(".") : ""}: ${first.message}.`);
  }
  return parsed.data;
}

export async function putBucketLifecycle(ctx: Ctx): Promise<void> {
  const b = bucketOf(ctx);
  assertWritable(b);
  const { doc } = await readXml(ctx, "LifecycleConfiguration");
  const rules = asArray(doc.Rule as Record<string, unknown> | Record<string, unknown>[]).map(parseRule);
  if (rules.length === 0) throw Errors.malformedXml("A LifecycleConfiguration needs at least one <Rule>.");
  if (rules.length > 1000) throw Errors.malformedXml("At most 1000 rules.");
  if (new Set(rules.map((r) => r.id)).size !== rules.length) throw Errors.invalidArgument("ID", "", "Rule ID must be unique. Found same ID for more than one rule.");
  authorizedBucket(ctx); // the body was read after authentication: re-check before the change
  ctx.store.updateBucket(b.name, { lifecycleRules: rules });
  sendEmpty(ctx, 200);
}

export function getBucketLifecycle(ctx: Ctx): void {
  const b = bucketOf(ctx);
  if (b.lifecycleRules.length === 0) throw new S3Error("NoSuchLifecycleConfiguration", undefined, { BucketName: b.name });
  let body = `<LifecycleConfiguration xmlns="${S3_NS}">`;
  for (const r of b.lifecycleRules) {
    // A legacy top-level <Prefix> is answered as it was sent (clients compare what they get back with what they put).
    const where = r.legacyPrefix ? el("Prefix", r.prefix ?? "") : `<Filter>${el("Prefix", r.prefix ?? "")}</Filter>`;
    body += `<Rule>${el("ID", r.id)}${where}${el("Status", r.status)}`;
    if (r.expirationDays !== undefined) body += `<Expiration>${el("Days", r.expirationDays)}</Expiration>`;
    if (r.expirationDate !== undefined) body += `<Expiration>${el("Date", r.expirationDate)}</Expiration>`;
    if (r.expiredObjectDeleteMarker) body += "<Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>";
    if (r.noncurrentVersionExpirationDays !== undefined) body += `<NoncurrentVersionExpiration>${el("NoncurrentDays", r.noncurrentVersionExpirationDays)}</NoncurrentVersionExpiration>`;
    if (r.abortIncompleteMultipartUploadDays !== undefined) body += `<AbortIncompleteMultipartUpload>${el("DaysAfterInitiation", r.abortIncompleteMultipartUploadDays)}</AbortIncompleteMultipartUpload>`;
    body += "</Rule>";
  }
  sendXml(ctx, body + "</LifecycleConfiguration>");
}

export function deleteBucketLifecycle(ctx: Ctx): void {
  const b = bucketOf(ctx);
  assertWritable(b);
  authorizedBucket(ctx);
  ctx.store.updateBucket(b.name, { lifecycleRules: [] });
  sendEmpty(ctx, 204);
}
