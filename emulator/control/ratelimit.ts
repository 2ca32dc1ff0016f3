/**
 * Optional request rate limit: one token bucket for the whole control API (capacity = requestsPerSecond, refilled
 * continuously). Reads the injected clock, so tests move time instead of sleeping.
 */
import type { Clock } from "../clock";

export interface RateLimitOptions {
  requestsPerSecond: number;
}

export class RateLimiter {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  constructor(opts: RateLimitOptions, private readonly clock: Clock) {
    if (!Number.isFinite(opts.requestsPerSecond) || opts.requestsPerSecond <= 0) {
      throw new RangeError("rateLimit.requestsPerSecond must be a number > 0");
    }
    this.rate = opts.requestsPerSecond;
    this.tokens = this.rate;
    this.last = clock.now();
  }

  /** Takes one token. Returns 0 when allowed, else the whole seconds to wait (for Retry-After). */
  take(): number {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.rate, this.tokens + elapsed * this.rate);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}
