/**
 * Optional request rate limit, as token buckets refilled continuously (burst = max(1, rate), so a rate below 1 per
 * second still lets a request through now and then). Reads the injected clock, so tests move time instead of
 * sleeping. The control server keeps two (emulator/control/server.ts): one for requests that carry the account
 * token, and a smaller one (FAILED_AUTH_SHARE of the rate) for everything else, so requests without the token can
 * never use up the budget of the account's own clients.
 */
import type { Clock } from "../clock";

export interface RateLimitOptions {
  requestsPerSecond: number;
}

/** Requests without a valid token (and unauthenticated routes) get this share of the rate, at least 1 per second. */
export const FAILED_AUTH_SHARE = 0.1;

/** Validate a rate (the --rate-limit flag and the rateLimit option share this wording). */
export function checkRate(n: unknown, name = "rateLimit.requestsPerSecond"): number {
  if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || n > 1_000_000) {
    throw new RangeError(`${name} must be a number of requests per second, > 0 and <= 1000000 (e.g. 0.5 or 20); got '${String(n)}'`);
  }
  return n;
}

export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  private readonly burst: number;
  constructor(opts: RateLimitOptions, private readonly clock: Clock) {
    this.rate = checkRate(opts.requestsPerSecond);
    this.burst = Math.max(1, this.rate);
    this.tokens = this.burst;
    this.last = clock.now();
  }

  /** Takes one token. Returns 0 when allowed, else the whole seconds to wait (for Retry-After). */
  take(): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.rate);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}
