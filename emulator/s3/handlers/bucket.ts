/** Service- and bucket-level operations: ListBuckets, HeadBucket, location, versioning, lifecycle, object lock. */
import { LifecycleRule } from "otterstorage-api";
import type { LifecycleRule as LifecycleRuleT } from "otterstorage-api";
import { assertWritable, authorizedBucket, bucketOf, readXml, sendEmpty, sendXml, type Ctx } from "../context";
import { Errors, S3Error } from "../errors";
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

/** Map one <Rule> to the bucket's lifecycle rule (api/schemas LifecycleRule); anything we do not model is refused. */
function parseRule(raw: Record<string, unknown>, index: number): LifecycleRuleT {
  const where = `Rule[${index + 1}]`;
  for (const unsupported of ["Transition", "NoncurrentVersionTransition"]) {
    if (raw[unsupported] !== undefined) throw new S3Error("NotImplemented", `${where}.${unsupported}: OtterStorage has no storage classes to transition to; remove the ${unsupported} element.`);
  }
  const filter = (raw.Filter ?? {}) as Record<string, unknown>;
  if (typeof filter === "object" && (filter.Tag !== undefined || filter.And !== undefined || filter.ObjectSizeGreaterThan !== undefined || filter.ObjectSizeLessThan !== undefined)) {
    throw new S3Error("NotImplemented", `${where}.Filter: only Prefix filters are supported; remove Tag/And/ObjectSize filters.`);
  }
  const prefix = (typeof filter === "object" ? filter.Prefix : undefined) ?? raw.Prefix ?? "";
  const rule: Record<string, unknown> = {
    id: typeof raw.ID === "string" && raw.ID ? raw.ID : `rule-${index + 1}`,
    status: raw.Status,
    prefix: typeof prefix === "string" ? prefix : "",
  };
  const exp = raw.Expiration as Record<string, unknown> | undefined;
  if (exp !== undefined) {
    if (exp.Date !== undefined) throw new S3Error("NotImplemented", `${where}.Expiration.Date: only Days is supported.`);
    if (exp.Days !== undefined) rule.expirationDays = int(exp.Days, `${where}.Expiration.Days`);
    else if (exp.ExpiredObjectDeleteMarker === undefined) throw Errors.malformedXml(`${where}.Expiration needs <Days>.`);
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
    body += `<Rule>${el("ID", r.id)}<Filter>${el("Prefix", r.prefix ?? "")}</Filter>${el("Status", r.status)}`;
    if (r.expirationDays !== undefined) body += `<Expiration>${el("Days", r.expirationDays)}</Expiration>`;
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

export function getObjectLockConfiguration(ctx: Ctx): void {
  const b = bucketOf(ctx);
  if (!b.objectLock) throw new S3Error("ObjectLockConfigurationNotFoundError", undefined, { BucketName: b.name });
  sendXml(ctx, `<ObjectLockConfiguration xmlns="${S3_NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>` +
    `${el("Mode", b.objectLock.mode)}${el("Days", b.objectLock.days)}</DefaultRetention></Rule></ObjectLockConfiguration>`);
}

export function putObjectLockConfiguration(ctx: Ctx): void {
  const b = bucketOf(ctx);
  assertWritable(b);
  throw new S3Error("InvalidBucketState", "Object Lock is chosen when the bucket is created (Control API objectLock) and cannot be changed afterwards.");
}
