/**
 * Local OtterStorage in-process: `startOtterStorage(opts)` opens the Store, starts the S3 data plane and the Control
 * API v1 listener, and returns their URLs, the account token and `stop()`. The CLI (./cli.ts) wraps it.
 *
 *   const os = await startOtterStorage({ memory: true });
 *   // os.controlUrl, os.s3Url, os.token ... await os.stop();
 */
import { DEFAULT_REGION, IDEMPOTENCY_WINDOW_SECONDS } from "otterstorage-api";
import { Clock, systemClock } from "./clock";
import { Logger, silentLogger, withSecrets } from "./log";
import { Store } from "./store";
import { startControlServer } from "./control/server";
import type { RateLimitOptions } from "./control/ratelimit";
import { ObjectStore } from "./s3/objects";
import { startS3Server, type S3Limits } from "./s3/server";
import { withKeyActivationDelay, type KeyGate } from "./keyDelay";
import { FaultInjector, FaultOptions, FaultStats, startFaultProxy } from "./faults";
import { runLifecycleOnce, type LifecycleReport } from "./s3/lifecycle";
import type { ConsoleOptions } from "./console";
import type { ListenerLimits } from "./listen";

export { ManualClock, systemClock } from "./clock";
export type { Clock } from "./clock";
export { createLogger, silentLogger } from "./log";
export type { Logger } from "./log";
export type { ConsoleOptions } from "./console";
export type { ListenerLimits } from "./listen";
export { DEFAULT_CONTROL_LIMITS, DEFAULT_S3_LIMITS } from "./listen";
export { Store } from "./store";

export interface StartOptions {
  /** Where the database, master.key and object bodies live. Without it (and without `memory`) the instance is in memory. */
  dataDir?: string;
  /** Throw-away instance: ':memory:' database, random master key, nothing kept. */
  memory?: boolean;
  /** Interface for both listeners. Default 127.0.0.1. */
  host?: string;
  /** 0 (default) = any free port. */
  controlPort?: number;
  s3Port?: number;
  /** Account token. Default: env OTTERSTORAGE_TOKEN, else the one generated on first start and kept in the data dir. */
  token?: string;
  clock?: Clock;
  log?: Logger;
  /** Optional Control API rate limit (429 RateLimited with Retry-After). */
  rateLimit?: RateLimitOptions;
  /** S3 listener limits against slow-request attacks (emulator/listen.ts ListenerLimits; DEFAULT_S3_LIMITS). */
  s3Limits?: S3Limits;
  /**
   * The control/console listener's limits, the same kind (head deadline, idle timeout, connection cap) plus a
   * whole-request deadline (emulator/listen.ts; DEFAULT_CONTROL_LIMITS).
   */
  controlLimits?: ListenerLimits;
  /** Region served. Default eu-mad. */
  region?: string;
  /** Test hook (emulator/keyDelay.ts): new keys are refused on the S3 plane for this many real ms after issue. */
  s3KeyDelayMs?: number;
  /** Test hook (emulator/keyDelay.ts): new keys are refused on the S3 plane until the test calls gate.release(). */
  s3KeyGate?: KeyGate;
  /**
   * Fault injection (emulator/faults.ts): a seeded proxy in front of each plane a rule targets. controlUrl/s3Url
   * (and the `endpoint` of answers) are then the proxies' URLs, on controlPort/s3Port.
   */
  faults?: FaultOptions;
  /**
   * The web console at `<controlUrl>/console/` (emulator/console/): on by default; `false` turns it off; an object
   * sets the badge thresholds (`rotationAgeDays`, default 90; `unusedDays`, default 30).
   */
  console?: boolean | ConsoleOptions;
}

export interface OtterStorage {
  controlUrl: string;
  /** `<controlUrl>/console/`, or null with `console: false`. */
  consoleUrl: string | null;
  s3Url: string;
  region: string;
  token: string;
  /** null for an in-memory instance. */
  dataDir: string | null;
  clock: Clock;
  store: Store;
  objects: ObjectStore;
  /** Counters of injected faults, when `faults` is set. */
  faultStats?: FaultStats;
  /** Runs lifecycle expiration now, against the injected clock (the S3 plane's runner); resolves when done. */
  runLifecycle(): Promise<LifecycleReport>;
  /** Closes both listeners and the database (flushing lastUsedAt). Safe to call twice. */
  stop(): Promise<void>;
}

const TOKEN_RE = /^[\x21-\x7e]{8,512}$/;

function checkPort(name: string, v: number | undefined): number {
  const p = v ?? 0;
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RangeError(`${name} must be an integer port 0..65535 (0 = any free port); got ${String(v)}`);
  return p;
}

function checkConsole(c: ConsoleOptions): ConsoleOptions {
  for (const k of ["rotationAgeDays", "unusedDays"] as const) {
    const v = c[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0)) throw new RangeError(`console.${k} must be a number of days >= 0; got ${String(v)}`);
  }
  return c;
}

export async function startOtterStorage(opts: StartOptions = {}): Promise<OtterStorage> {
  const host = opts.host ?? "127.0.0.1";
  const region = opts.region ?? DEFAULT_REGION;
  const clock = opts.clock ?? systemClock;
  let log = opts.log ?? silentLogger;
  const controlPort = checkPort("controlPort", opts.controlPort);
  const s3Port = checkPort("s3Port", opts.s3Port);
  const memory = opts.memory === true || !opts.dataDir;

  const store = new Store({ dataDir: memory ? null : opts.dataDir, memory, clock, log });
  const cleanups: Array<() => Promise<void> | void> = [() => store.close()];
  const undo = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        /* best effort while failing to start */
      }
    }
  };
  try {
    // An empty OTTERSTORAGE_TOKEN (e.g. `OTTERSTORAGE_TOKEN= cmd`) counts as unset.
    const token = opts.token ?? (process.env.OTTERSTORAGE_TOKEN || undefined) ?? store.accountToken();
    if (!TOKEN_RE.test(token)) {
      throw new Error("The account token (token option or OTTERSTORAGE_TOKEN) must be 8 to 512 visible ASCII characters without spaces");
    }
    // Whatever its shape, the token never reaches a log line (a client may send it in a URL by mistake).
    if (log !== silentLogger) log = withSecrets(log, [token]);
    store.prune(IDEMPOTENCY_WINDOW_SECONDS * 1000);
    const pruneTimer = setInterval(() => {
      try {
        store.prune(IDEMPOTENCY_WINDOW_SECONDS * 1000);
      } catch (e) {
        log.error("pruning expired records failed", e);
      }
    }, 3600_000);
    pruneTimer.unref();
    cleanups.push(() => clearInterval(pruneTimer));

    const objects = new ObjectStore(store);
    cleanups.push(() => objects.close()); // idempotent; s3.close() also closes it
    const s3Store = opts.s3KeyGate ? withKeyActivationDelay(store, opts.s3KeyGate)
      : opts.s3KeyDelayMs ? withKeyActivationDelay(store, opts.s3KeyDelayMs) : store;
    const injector = opts.faults ? new FaultInjector(opts.faults) : undefined;
    const proxied = (plane: "control" | "s3") => injector?.covers(plane) ?? false;
    /** The plane's public URL: its listener's, or with faults on that plane a fault proxy's in front of it on `port`. */
    const behindFaults = async (plane: "control" | "s3", listenerUrl: string, port: number): Promise<string> => {
      if (!injector || !proxied(plane)) return listenerUrl;
      const p = await startFaultProxy({ plane, target: listenerUrl, injector, host, port, log });
      cleanups.push(() => p.close());
      return p.url;
    };

    const consoleOpts = opts.console === false ? false : opts.console === true || opts.console === undefined ? {} : checkConsole(opts.console);
    const s3 = await startS3Server({ store: s3Store, objects, host, port: proxied("s3") ? 0 : s3Port, region, log, limits: opts.s3Limits });
    cleanups.push(() => s3.close());
    const s3Url = await behindFaults("s3", s3.url, s3Port);
    const control = await startControlServer({ store, objects, token, s3Url, region, host, port: proxied("control") ? 0 : controlPort, log, rateLimit: opts.rateLimit, console: consoleOpts, limits: opts.controlLimits });
    cleanups.push(() => control.close());
    const controlUrl = await behindFaults("control", control.url, controlPort);

    let stopping: Promise<void> | undefined;
    return {
      controlUrl,
      consoleUrl: consoleOpts ? `${controlUrl}/console/` : null,
      s3Url,
      region,
      token,
      dataDir: store.dataDir,
      clock,
      store,
      objects,
      faultStats: injector?.stats,
      runLifecycle: async () => runLifecycleOnce(store, objects),
      stop: () => (stopping ??= undo()),
    };
  } catch (e) {
    await undo();
    throw e;
  }
}
