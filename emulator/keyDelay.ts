/**
 * Test hook: make new permanent keys reach the S3 plane late, as a real distributed service may (a key issued by
 * the control plane is refused with InvalidAccessKeyId until it has propagated). Off unless
 * `startOtterStorage({ s3KeyDelayMs })` is set; used by tests/lifecycle-readiness.test.ts to prove that the
 * provider's create waits for readiness. Measured in real time (not the service clock), because the point is
 * that a create must wait while nobody moves the clock.
 */
import type { Store } from "./store";
import type { StoreLike } from "./s3/contract";

export function withKeyActivationDelay(store: Store, delayMs: number): StoreLike {
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new RangeError("s3KeyDelayMs must be a finite number of milliseconds >= 0");
  const issuedAt = new Map<string, number>();
  const create = store.createAccessKey.bind(store);
  store.createAccessKey = ((...args: Parameters<Store["createAccessKey"]>) => {
    const r = create(...args);
    issuedAt.set(r.key.accessKeyId, performance.now());
    return r;
  }) as Store["createAccessKey"];
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "resolveCredential") {
        return (id: string) => {
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
