/**
 * Values read at most once per engine run. The engine starts one dynamic-provider host process per
 * `pulumi preview` / `up` / `refresh` / `destroy` (a new plugin context per deployment), and this module lives as
 * long as that process: within a run every resource sees the same answer — the service clock in particular
 * (provider/rotation.ts), so the same olds/news always diff the same way. Keys include the Control API endpoint.
 * In-process callers (tests) start over with `newRun`, which provider/config.ts calls when the config changes.
 * A failure is remembered too: one unreachable service costs one retry budget per run, not one per resource.
 */
const values = new Map<string, Promise<unknown>>();

export function oncePerRun<T>(key: string, read: () => Promise<T>): Promise<T> {
  let p = values.get(key) as Promise<T> | undefined;
  if (!p) {
    p = read();
    p.catch(() => undefined); // remembered, reported to every caller; never an unhandled rejection
    values.set(key, p);
  }
  return p;
}

/** Forget everything read so far: the next run starts. */
export function newRun(): void {
  values.clear();
}
