/**
 * Test hook: make new permanent keys reach the S3 plane late, as a real distributed service may (a key issued by
 * the control plane is refused with InvalidAccessKeyId until it has propagated). Off unless
 * `startOtterStorage({ s3KeyDelayMs })` or `startOtterStorage({ s3KeyGate })` is set. The delay is measured in
 * real time (not the service clock), because the point is that a create must wait while nobody moves the clock;
 * the gate is a latch the test opens itself, so a test never depends on how long anything takes
 * (tests/credentials-readiness.test.ts proves with it that the provider's create waits for readiness).
 */
import type { Store } from "./store";
import type { StoreLike } from "./s3/contract";

/** New keys are held (refused on the S3 plane) until the test releases them. */
export class KeyGate {
  private readonly held = new Set<string>();
  private waiters: Array<(accessKeyId: string) => void> = [];

  /** Called for each key issued while the gate is in use. */
  hold(accessKeyId: string): void {
    this.held.add(accessKeyId);
  }

  /** Let one key through, or every key held so far. */
  release(accessKeyId?: string): void {
    if (accessKeyId === undefined) this.held.clear();
    else this.held.delete(accessKeyId);
  }

  /** Resolves with the key's id the next time the S3 plane refuses a held key. */
  nextRefusal(): Promise<string> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** True (and waiters told) when `accessKeyId` is held. */
  refuses(accessKeyId: string): boolean {
    if (!this.held.has(accessKeyId)) return false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(accessKeyId);
    return true;
  }
}

export function withKeyActivationDelay(store: Store, delay: number | KeyGate): StoreLike {
  if (typeof delay === "number" && (!Number.isFinite(delay) || delay < 0)) throw new RangeError("s3KeyDelayMs must be a finite number of milliseconds >= 0");
  const gate = typeof delay === "number" ? undefined : delay;
  const delayMs = typeof delay === "number" ? delay : 0;
  const issuedAt = new Map<string, number>();
  const create = store.createAccessKey.bind(store);
  store.createAccessKey = ((...args: Parameters<Store["createAccessKey"]>) => {
    const r = create(...args);
    if (gate) gate.hold(r.key.accessKeyId);
    else issuedAt.set(r.key.accessKeyId, performance.now());
    return r;
  }) as Store["createAccessKey"];
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "resolveCredential") {
        return (id: string) => {
          if (gate?.refuses(id)) return undefined;
          const t = issuedAt.get(id);
          if (t !== undefined && performance.now() - t < delayMs) return undefined;
          return target.resolveCredential(id);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  }) as unknown as StoreLike;
}
