/**
 * Object lock per version, as S3 defines it (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html):
 * a retention (mode GOVERNANCE or COMPLIANCE until a date) and a legal hold (ON/OFF), each version its own. Only a
 * bucket created with object lock (Control API `objectLock`) takes them; its default retention (mode, days) applies
 * to every new version that names no retention of its own.
 *
 * The rules, in one place (the handlers and DeleteObject(s) call these):
 *   - a version under an active retention, or under legal hold, cannot be deleted by version id; a DELETE without a
 *     version id adds a delete marker and removes nothing, so it is allowed;
 *   - GOVERNANCE yields to `x-amz-bypass-governance-retention: true`, COMPLIANCE to nothing;
 *   - a retention can always be extended in its own mode; shortening, removing it or changing its mode needs the
 *     bypass in GOVERNANCE (GOVERNANCE -> COMPLIANCE too, as AWS answers) and is never possible in COMPLIANCE;
 *   - an expired retention protects nothing and may be replaced freely.
 * Who may bypass: every key of the bucket. OtterStorage has no IAM: a key is bound to one bucket and may do
 * everything an S3 client can do there, s3:BypassGovernanceRetention included (docs/s3-compatibility.md).
 */
import type { BucketRecord } from "./contract";
import { Errors, S3Error } from "./errors";
import type { LockMode, ObjectVersion, VersionLock } from "./objectSchema";
import { isoDate } from "./xml";

export const DAY_MS = 86_400_000;
export const LOCK_MODES: readonly LockMode[] = ["GOVERNANCE", "COMPLIANCE"];

/** What a write's x-amz-object-lock-* headers ask for (each part optional; validated). */
export interface LockRequest {
  mode?: LockMode;
  retainUntil?: number;
  legalHold?: boolean;
}

/** ISO 8601 date-time with a zone (what every SDK sends); anything else is not a date. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseLockDate(s: string): number | undefined {
  if (!ISO_DATE.test(s.trim())) return undefined;
  const t = Date.parse(s.trim());
  return Number.isNaN(t) ? undefined : t;
}

export function bucketMissingLock(): S3Error {
  return new S3Error("InvalidRequest", "Bucket is missing Object Lock Configuration: object lock is chosen when the bucket is created (Control API objectLock).");
}

/** x-amz-object-lock-mode, -retain-until-date and -legal-hold of PutObject, CreateMultipartUpload or CopyObject. */
export function lockFromHeaders(header: (name: string) => string | undefined, now: number): LockRequest | undefined {
  const mode = header("x-amz-object-lock-mode");
  const until = header("x-amz-object-lock-retain-until-date");
  const hold = header("x-amz-object-lock-legal-hold");
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  const out: LockRequest = {};
  if ((mode === undefined) !== (until === undefined)) {
    throw new S3Error("InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", {
      ArgumentName: mode === undefined ? "x-amz-object-lock-mode" : "x-amz-object-lock-retain-until-date", ArgumentValue: "",
    });
  }
  if (mode !== undefined && until !== undefined) {
    if (!(LOCK_MODES as readonly string[]).includes(mode)) {
      throw Errors.invalidArgument("x-amz-object-lock-mode", mode, "Unknown wormMode directive: x-amz-object-lock-mode must be GOVERNANCE or COMPLIANCE.");
    }
    const t = parseLockDate(until);
    if (t === undefined) throw Errors.invalidArgument("x-amz-object-lock-retain-until-date", until, "x-amz-object-lock-retain-until-date must be an ISO 8601 date-time, e.g. 2030-01-01T00:00:00Z.");
    if (t <= now) throw Errors.invalidArgument("x-amz-object-lock-retain-until-date", until, "The retain until date must be in the future!");
    out.mode = mode as LockMode;
    out.retainUntil = t;
  }
  if (hold !== undefined) {
    if (hold !== "ON" && hold !== "OFF") throw Errors.invalidArgument("x-amz-object-lock-legal-hold", hold, "Legal Hold must be either of 'ON' or 'OFF'");
    out.legalHold = hold === "ON";
  }
  return out;
}

/** Lock headers on a bucket without object lock are refused (InvalidRequest, as S3 answers). */
export function assertLockAllowed(b: BucketRecord, asked: LockRequest | undefined): void {
  if (asked && !b.objectLock) throw bucketMissingLock();
}

/**
 * The lock a new version gets: the retention the request names, else the bucket's default retention counted from
 * `now`; the legal hold the request names, else none. Lock headers on a bucket without object lock are refused
 * (they would otherwise be dropped and the object stored unprotected).
 */
export function lockForNewVersion(b: BucketRecord, asked: LockRequest | undefined, now: number): VersionLock {
  assertLockAllowed(b, asked);
  if (!b.objectLock) return { mode: null, retainUntil: null, legalHold: false };
  const explicit = asked?.mode !== undefined && asked.retainUntil !== undefined;
  return {
    mode: explicit ? (asked.mode as LockMode) : b.objectLock.mode,
    retainUntil: explicit ? (asked.retainUntil as number) : now + b.objectLock.days * DAY_MS,
    legalHold: asked?.legalHold ?? false,
  };
}

export function retentionActive(v: Pick<ObjectVersion, "retainUntil">, now: number): boolean {
  return v.retainUntil !== null && now < v.retainUntil;
}

/** DeleteObject(s) with a version id: refused while the version is held or retained (GOVERNANCE: unless bypassed). */
export function assertVersionDeletable(v: ObjectVersion, now: number, bypass: boolean): void {
  if (v.legalHold) {
    throw new S3Error("AccessDenied", `Access Denied because object protected by object lock: version ${v.versionId} is under legal hold; turn the hold OFF (PutObjectLegalHold) first.`);
  }
  if (!retentionActive(v, now)) return;
  if (v.lockMode === "GOVERNANCE" && bypass) return;
  throw new S3Error("AccessDenied", `Access Denied because object protected by object lock: version ${v.versionId} is retained until ${isoDate(v.retainUntil as number)} in ${v.lockMode ?? "COMPLIANCE"} mode` +
    (v.lockMode === "GOVERNANCE" ? " (send x-amz-bypass-governance-retention: true to override)." : "."));
}

/** PutObjectRetention: may `next` (null = remove) replace the version's current retention? */
export function assertRetentionChange(v: ObjectVersion, next: { mode: LockMode; retainUntil: number } | null, now: number, bypass: boolean): void {
  if (!retentionActive(v, now)) return;
  const cur = v.retainUntil as number;
  const keepsOrExtends = next !== null && next.mode === v.lockMode && next.retainUntil >= cur;
  if (keepsOrExtends) return;
  if (v.lockMode === "GOVERNANCE" && bypass) return;
  const why = v.lockMode === "COMPLIANCE"
    ? `it is retained in COMPLIANCE mode until ${isoDate(cur)}: a COMPLIANCE retention can only be extended`
    : `it is retained in GOVERNANCE mode until ${isoDate(cur)}: shortening, removing or changing the mode needs x-amz-bypass-governance-retention: true`;
  throw new S3Error("AccessDenied", `Access Denied because object protected by object lock: ${why}.`);
}

export function bypassOf(header: string | undefined): boolean {
  return header?.trim().toLowerCase() === "true";
}
