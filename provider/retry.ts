/**
 * Retry policy of the Control API client: exponential backoff with full jitter
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), `Retry-After` honoured
 * (RFC 9110 §10.2.3: delay-seconds or an HTTP-date), bounded by attempts and by total time.
 * Pure: the clock, the sleep and the random source are parameters, so tests need no timers.
 */

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** Backoff base: attempt n (1-based, after a failure) waits up to baseDelayMs * 2^(n-1). */
  baseDelayMs: number;
  /** Upper bound of one backoff wait (also caps Retry-After). */
  maxDelayMs: number;
  /** Give up when the next wait would end later than this after the first attempt started. */
  totalBudgetMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  totalBudgetMs: 60_000,
  timeoutMs: 30_000,
};

/** Statuses worth retrying: rate limiting and server-side failures. 501 is permanent. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/** Parses Retry-After into milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The wait before attempt `failedAttempts + 1`, or undefined to stop.
 * Full jitter: uniform in [0, min(maxDelay, base * 2^(failedAttempts-1))]; a Retry-After wins when present
 * (capped by maxDelayMs so a hostile header cannot park the deployment).
 */
export function nextDelay(
  policy: RetryPolicy,
  failedAttempts: number,
  elapsedMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (failedAttempts >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  const delay = retryAfterMs !== undefined ? Math.min(retryAfterMs, policy.maxDelayMs) : Math.floor(random() * ceiling);
  if (elapsedMs + delay > policy.totalBudgetMs) return undefined;
  return delay;
}

/** Tuning from the environment (read at call time), for CI and tests: OTTERSTORAGE_MAX_ATTEMPTS, …_TIMEOUT_MS. */
export function policyFromEnv(env: NodeJS.ProcessEnv = process.env, base: RetryPolicy = DEFAULT_RETRY_POLICY): RetryPolicy {
  const num = (v: string | undefined, min: number): number | undefined => {
    if (v === undefined || v === "") return undefined;
    const n = Number(v);
    return Number.isFinite(n) && n >= min ? n : undefined;
  };
  return {
    maxAttempts: num(env.OTTERSTORAGE_MAX_ATTEMPTS, 1) ?? base.maxAttempts,
    baseDelayMs: num(env.OTTERSTORAGE_RETRY_BASE_MS, 0) ?? base.baseDelayMs,
    maxDelayMs: base.maxDelayMs,
    totalBudgetMs: base.totalBudgetMs,
    timeoutMs: num(env.OTTERSTORAGE_TIMEOUT_MS, 1) ?? base.timeoutMs,
  };
}
