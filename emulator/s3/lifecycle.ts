/**
 * Lifecycle expiration, evaluated in whole days against store.clock (OtterStorage documents daily, asynchronous
 * evaluation). Rules come from the bucket record (Control API lifecycleRules or S3 PutBucketLifecycleConfiguration):
 *   expirationDays                    current objects under the prefix, age >= N days since last modified
 *                                     (unversioned: deleted; versioned: a delete marker becomes current)
 *   expirationDate                    the same for every current object under the prefix, from that date on
 *   expiredObjectDeleteMarker         delete markers that are the only version left of their key are removed
 *   noncurrentVersionExpirationDays   noncurrent versions, N days after they stopped being current
 *   abortIncompleteMultipartUploadDays uploads initiated N days ago are aborted
 * A bucket under legal hold is skipped entirely; versions under object-lock retention or legal hold are never removed.
 */
import type { StoreLike } from "./contract";
import type { ObjectStore } from "./objects";

export const DAY_MS = 86_400_000;
/** The background runner's period; tests call runLifecycleOnce (or startOtterStorage's runLifecycle) instead. */
export const LIFECYCLE_INTERVAL_MS = 60 * 60 * 1000;
const BATCH = 1000;
const MAX_BATCHES = 10_000;

export interface LifecycleReport {
  expired: number;
  noncurrentExpired: number;
  abortedUploads: number;
  expiredDeleteMarkers: number;
}

function wholeDays(now: number, since: number): number {
  return Math.floor((now - since) / DAY_MS);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}

export function runLifecycleOnce(store: StoreLike, objects: ObjectStore): LifecycleReport {
  const report: LifecycleReport = { expired: 0, noncurrentExpired: 0, abortedUploads: 0, expiredDeleteMarkers: 0 };
  const db = store.db;
  const now = store.clock.now();
  const names = (db.prepare("SELECT DISTINCT bucket FROM s3_objects UNION SELECT DISTINCT bucket FROM s3_uploads").all() as Array<{ bucket: string }>).map((r) => r.bucket);
  const current = db.prepare(`SELECT key FROM s3_objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key LIKE ? ESCAPE '\\'
    AND last_modified <= ? AND key > ? ORDER BY key LIMIT ${BATCH}`);
  const noncurrent = db.prepare(`SELECT key, version_id, retain_until, legal_hold, seq FROM s3_objects WHERE bucket = ? AND is_latest = 0 AND key LIKE ? ESCAPE '\\'
    AND noncurrent_since <= ? AND seq > ? ORDER BY seq LIMIT ${BATCH}`);
  const loneMarkers = db.prepare(`SELECT key, version_id FROM s3_objects o WHERE bucket = ? AND is_latest = 1 AND delete_marker = 1
    AND key LIKE ? ESCAPE '\\' AND key > ? AND NOT EXISTS (SELECT 1 FROM s3_objects p WHERE p.bucket = o.bucket AND p.key = o.key AND p.version_id <> o.version_id)
    ORDER BY key LIMIT ${BATCH}`);
  const uploads = db.prepare(`SELECT upload_id FROM s3_uploads WHERE bucket = ? AND key LIKE ? ESCAPE '\\' AND initiated <= ? LIMIT ${BATCH}`);
  for (const name of names) {
    const b = store.getBucket(name);
    if (!b || b.legalHold) continue;
    for (const rule of b.lifecycleRules) {
      if (rule.status !== "Enabled") continue;
      const like = escapeLike(rule.prefix ?? "") + "%";
      const expiresFrom = rule.expirationDate !== undefined ? Date.parse(rule.expirationDate) : undefined;
      if (rule.expirationDays !== undefined || (expiresFrom !== undefined && now >= expiresFrom)) {
        const days = rule.expirationDays ?? 0;
        const cutoff = rule.expirationDays !== undefined ? now - days * DAY_MS : now;
        let after = "";
        for (let i = 0; i < MAX_BATCHES; i++) {
          const rows = current.all(name, like, cutoff, after) as Array<{ key: string }>;
          for (const r of rows) {
            const cur = objects.get(name, r.key);
            if (!cur || cur.deleteMarker || wholeDays(now, cur.lastModified) < days) continue;
            objects.deleteCurrent(name, r.key, store.getBucket(name)?.versioning ?? "Unversioned");
            report.expired++;
          }
          if (rows.length < BATCH) break;
          after = rows[rows.length - 1].key;
        }
      }
      if (rule.noncurrentVersionExpirationDays !== undefined) {
        const cutoff = now - rule.noncurrentVersionExpirationDays * DAY_MS;
        let afterSeq = -1;
        for (let i = 0; i < MAX_BATCHES; i++) {
          const rows = noncurrent.all(name, like, cutoff, afterSeq) as Array<{ key: string; version_id: string; retain_until: number | null; legal_hold: number; seq: number }>;
          for (const r of rows) {
            if (r.legal_hold === 1 || (r.retain_until !== null && now < r.retain_until)) continue;
            objects.deleteVersion(name, r.key, r.version_id);
            report.noncurrentExpired++;
          }
          if (rows.length < BATCH) break;
          afterSeq = rows[rows.length - 1].seq;
        }
      }
      if (rule.expiredObjectDeleteMarker) {
        let after = "";
        for (let i = 0; i < MAX_BATCHES; i++) {
          const rows = loneMarkers.all(name, like, after) as Array<{ key: string; version_id: string }>;
          for (const r of rows) objects.deleteVersion(name, r.key, r.version_id);
          report.expiredDeleteMarkers += rows.length;
          if (rows.length < BATCH) break;
          after = rows[rows.length - 1].key;
        }
      }
      if (rule.abortIncompleteMultipartUploadDays !== undefined) {
        const cutoff = now - rule.abortIncompleteMultipartUploadDays * DAY_MS;
        for (let i = 0; i < MAX_BATCHES; i++) {
          const rows = uploads.all(name, like, cutoff) as Array<{ upload_id: string }>;
          for (const r of rows) objects.removeUpload(r.upload_id);
          report.abortedUploads += rows.length;
          if (rows.length < BATCH) break;
        }
      }
    }
  }
  return report;
}

/** Runs the rules every `intervalMs` (unref'd timer); returns a stop function. */
export function startLifecycleTimer(store: StoreLike, objects: ObjectStore, onError: (e: unknown) => void, intervalMs = LIFECYCLE_INTERVAL_MS): () => void {
  const t = setInterval(() => {
    try {
      runLifecycleOnce(store, objects);
    } catch (e) {
      onError(e);
    }
  }, intervalMs);
  t.unref();
  return () => clearInterval(t);
}
