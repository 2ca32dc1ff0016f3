/**
 * The service clock. Every expiry, age and lifecycle decision in Local OtterStorage reads time from an injected
 * `Clock`, so tests can move time (ManualClock) instead of sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. Starts at `startMs` (default: the real time when constructed). */
export class ManualClock implements Clock {
  private ms: number;
  constructor(startMs: number = Date.now()) {
    if (!Number.isFinite(startMs)) throw new RangeError("ManualClock: startMs must be a finite number of milliseconds");
    this.ms = startMs;
  }
  now(): number {
    return this.ms;
  }
  /** Moves the clock forward by `ms` (must be >= 0: time does not run backwards by accident). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("ManualClock.advance: ms must be a finite number >= 0");
    this.ms += ms;
  }
  /** Sets the clock to an absolute time (may go backwards, on purpose). */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError("ManualClock.set: ms must be a finite number of milliseconds");
    this.ms = ms;
  }
}

/** RFC 3339 UTC rendering used in every API answer. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
