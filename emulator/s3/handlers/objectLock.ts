/**
 * Object lock over S3: Get/PutObjectRetention, Get/PutObjectLegalHold (per version) and Get/PutObjectLockConfiguration
 * (the bucket's default retention). The rules live in ../objectLock.ts. Validation errors (400) come before state
 * errors (a bucket without object lock, a protected version), as S3 answers.
 */
import { authorizedBucket, bucketOf, h, q, readXml, sendEmpty, sendXml, type Ctx } from "../context";
import type { BucketRecord } from "../contract";
import { Errors, S3Error } from "../errors";
import type { LockMode, ObjectVersion } from "../objectSchema";
import { LOCK_MODES, assertRetentionChange, bucketMissingLock, bypassOf, parseLockDate } from "../objectLock";
import { S3_NS, el, isoDate } from "../xml";

/** The ObjectLock schema's bound (api/schemas.ts): 36500 days. */
const MAX_DAYS = 36_500;

/** The version a retention / legal-hold call addresses (?versionId=, else the current one); never a delete marker. */
function versionOf(ctx: Ctx, b: BucketRecord): ObjectVersion {
  const versionId = q(ctx, "versionId");
  const key = ctx.key as string;
  const v = ctx.objects.get(b.name, key, versionId);
  if (!v) throw versionId !== undefined ? new S3Error("NoSuchVersion", undefined, { Key: key, VersionId: versionId }) : new S3Error("NoSuchKey", undefined, { Key: key });
  if (v.deleteMarker) {
    throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource: the version is a delete marker.", {}, { "x-amz-delete-marker": "true", "x-amz-version-id": v.versionId });
  }
  return v;
}

function lockBucket(ctx: Ctx): BucketRecord {
  const b = bucketOf(ctx);
  if (!b.objectLock) throw bucketMissingLock();
  return b;
}

function versionHeaders(v: ObjectVersion): Record<string, string> {
  return { "x-amz-version-id": v.versionId };
}

export function getObjectRetention(ctx: Ctx): void {
  const b = lockBucket(ctx);
  const v = versionOf(ctx, b);
  if (v.lockMode === null || v.retainUntil === null) {
    throw new S3Error("NoSuchObjectLockConfiguration", undefined, { Key: v.key, VersionId: v.versionId });
  }
  sendXml(ctx, `<Retention xmlns="${S3_NS}">${el("Mode", v.lockMode)}${el("RetainUntilDate", isoDate(v.retainUntil))}</Retention>`, 200, versionHeaders(v));
}

export async function putObjectRetention(ctx: Ctx): Promise<void> {
  const { doc } = await readXml(ctx, "Retention", { digest: "required" });
  const mode = doc.Mode;
  const until = doc.RetainUntilDate;
  let next: { mode: LockMode; retainUntil: number } | null = null;
  if (mode !== undefined || until !== undefined) {
    if (typeof mode !== "string" || !(LOCK_MODES as readonly string[]).includes(mode)) throw Errors.malformedXml("<Mode> must be GOVERNANCE or COMPLIANCE.");
    const t = typeof until === "string" ? parseLockDate(until) : undefined;
    if (t === undefined) throw Errors.malformedXml("<RetainUntilDate> must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z.");
    if (t <= ctx.store.clock.now()) throw Errors.invalidArgument("RetainUntilDate", String(until), "The retain until date must be in the future!");
    next = { mode: mode as LockMode, retainUntil: t };
  }
  const bypass = bypassOf(h(ctx, "x-amz-bypass-governance-retention"));
  const v = await ctx.objects.commit(() => {
    const b = authorizedBucket(ctx);
    if (!b.objectLock) throw bucketMissingLock();
    const cur = versionOf(ctx, b);
    assertRetentionChange(cur, next, ctx.store.clock.now(), bypass);
    ctx.objects.setLock(cur, { mode: next?.mode ?? null, retainUntil: next?.retainUntil ?? null, legalHold: cur.legalHold });
    return cur;
  });
  sendEmpty(ctx, 200, versionHeaders(v));
}

export function getObjectLegalHold(ctx: Ctx): void {
  const b = lockBucket(ctx);
  const v = versionOf(ctx, b);
  sendXml(ctx, `<LegalHold xmlns="${S3_NS}">${el("Status", v.legalHold ? "ON" : "OFF")}</LegalHold>`, 200, versionHeaders(v));
}

export async function putObjectLegalHold(ctx: Ctx): Promise<void> {
  const { doc } = await readXml(ctx, "LegalHold", { digest: "required" });
  if (doc.Status !== "ON" && doc.Status !== "OFF") throw Errors.malformedXml("<Status> must be ON or OFF.");
  const on = doc.Status === "ON";
  const v = await ctx.objects.commit(() => {
    const b = authorizedBucket(ctx);
    if (!b.objectLock) throw bucketMissingLock();
    const cur = versionOf(ctx, b);
    // Turning a hold off is always allowed (it is independent of retention and has no bypass, as in S3).
    ctx.objects.setLock(cur, { mode: cur.lockMode, retainUntil: cur.retainUntil, legalHold: on });
    return cur;
  });
  sendEmpty(ctx, 200, versionHeaders(v));
}

export function getObjectLockConfiguration(ctx: Ctx): void {
  const b = bucketOf(ctx);
  if (!b.objectLock) throw new S3Error("ObjectLockConfigurationNotFoundError", undefined, { BucketName: b.name });
  sendXml(ctx, `<ObjectLockConfiguration xmlns="${S3_NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>` +
    `${el("Mode", b.objectLock.mode)}${el("Days", b.objectLock.days)}</DefaultRetention></Rule></ObjectLockConfiguration>`);
}

function period(v: unknown, name: "Days" | "Years"): number {
  if (typeof v !== "string" || !/^-?\d{1,9}$/.test(v.trim())) throw Errors.malformedXml(`<${name}> must be a whole number.`);
  const n = Number(v.trim());
  if (n < 1) throw new S3Error("InvalidRetentionPeriod", "Default retention period must be a positive integer value.");
  return n;
}

/**
 * PutObjectLockConfiguration: changes the default retention (mode, days) of a bucket that has object lock; new
 * versions get it, stored versions keep theirs. `Years` is kept as 365 days a year (the bucket's objectLock counts
 * days; GetObjectLockConfiguration then answers Days). Object lock itself is chosen when the bucket is created, so a
 * bucket without it answers InvalidBucketState, and a configuration without a default retention is refused.
 */
export async function putObjectLockConfiguration(ctx: Ctx): Promise<void> {
  bucketOf(ctx);
  const { doc } = await readXml(ctx, "ObjectLockConfiguration", { digest: "required" });
  if (doc.ObjectLockEnabled !== "Enabled") throw Errors.malformedXml("<ObjectLockEnabled> must be Enabled.");
  const rule = doc.Rule as Record<string, unknown> | undefined;
  const dr = (rule && typeof rule === "object" ? rule.DefaultRetention : undefined) as Record<string, unknown> | undefined;
  if (rule !== undefined && (typeof dr !== "object" || dr === null)) throw Errors.malformedXml("<Rule> needs a <DefaultRetention>.");
  let next: { mode: LockMode; days: number } | undefined;
  if (dr) {
    if (typeof dr.Mode !== "string" || !(LOCK_MODES as readonly string[]).includes(dr.Mode)) throw Errors.malformedXml("<DefaultRetention><Mode> must be GOVERNANCE or COMPLIANCE.");
    if ((dr.Days === undefined) === (dr.Years === undefined)) throw Errors.malformedXml("<DefaultRetention> needs exactly one of <Days> or <Years>.");
    const days = dr.Days !== undefined ? period(dr.Days, "Days") : period(dr.Years, "Years") * 365;
    if (days > MAX_DAYS) throw new S3Error("InvalidRetentionPeriod", `Default retention period is too large: at most ${MAX_DAYS} days (100 years).`);
    next = { mode: dr.Mode as LockMode, days };
  }
  const b = authorizedBucket(ctx);
  if (!b.objectLock) {
    throw new S3Error("InvalidBucketState", "Object Lock configuration cannot be enabled on existing buckets: object lock is chosen when the bucket is created (Control API objectLock).");
  }
  if (!next) {
    throw new S3Error("NotImplemented", "An Object Lock configuration without a <Rule><DefaultRetention> is not supported: an OtterStorage object-lock bucket always has a default retention; send the mode and Days or Years to change it.");
  }
  ctx.store.setDefaultRetention(b.name, next);
  sendEmpty(ctx, 200);
}
