/**
 * What only the dynamic-provider host needs, in one place, so the resource logic (provider/bucket.ts,
 * provider/accessKey.ts) knows nothing of it:
 *   - the provider context of this host process. The host (@pulumi/pulumi/cmd/dynamic-provider) runs one process
 *     per engine run and calls `configure({ config })` once per distinct serialized provider with the stack config,
 *     so a module-level context here lives exactly one run; a DIFFERENT config (an in-process caller pointing
 *     elsewhere) starts a new context, and with it a new per-run cache;
 *   - `__provider` (the serialized provider, which the host puts back into every result itself:
 *     `resultIncludingProvider` in cmd/dynamic-provider/index.ts) is taken out of what the core sees;
 *   - `__logicalName`, the dynamic SDK's stand-in for the URN's name (the stem of a generated bucket name);
 *   - the init-failure shape the host turns into ErrorResourceInitFailed: `{ id, properties, reasons }` on the
 *     thrown error, whose properties the engine stores as the outputs — `__provider` included, or no later
 *     Read/Delete could load this provider.
 */
import { canonical } from "../common";
import { settingsFrom, pulumiHowToSet, type ConfigSource } from "../config";
import { ProviderContext, type ProviderSettings } from "../context";
import { PartialCreateError } from "../errors";

const PROVIDER_KEY = "__provider";

let settings: ProviderSettings = {};
let current = new ProviderContext(settings, { howToSet: pulumiHowToSet });

/** The host's `configure`: idempotent; a different config starts a new context (and per-run cache). */
export function configure(req: { config?: ConfigSource } | undefined): void {
  const next = settingsFrom(req?.config);
  if (canonical(next) === canonical(settings)) return;
  settings = next;
  current = new ProviderContext(settings, { howToSet: pulumiHowToSet });
}

/** The context of this host process (the last configuration it received). */
export function context(): ProviderContext {
  return current;
}

/** For in-process callers (tests): forget the configuration and what this run read. */
export function resetConfiguration(): void {
  settings = {};
  current = new ProviderContext(settings, { howToSet: pulumiHowToSet });
}

/** The properties without the serialized provider (the host adds it back to every result). */
export function withoutProvider<T>(props: T): T {
  if (!props || typeof props !== "object" || !(PROVIDER_KEY in props)) return props;
  const { [PROVIDER_KEY]: _p, ...rest } = props as Record<string, unknown>;
  return rest as T;
}

/** The program's name of the resource, as the dynamic SDK passes it (Bucket's `__logicalName`). */
export function logicalNameOf(news: unknown): string | undefined {
  const v = (news as { __logicalName?: unknown } | undefined)?.__logicalName;
  return typeof v === "string" ? v : undefined;
}

/** Runs a create; a PartialCreateError leaves in the host's init-failure shape, carrying `__provider` in its outputs. */
export async function createOrInitFailure<T>(inputs: Record<string, unknown>, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (e) {
    if (e instanceof PartialCreateError) {
      const properties = inputs[PROVIDER_KEY] === undefined ? e.outputs : { ...e.outputs, [PROVIDER_KEY]: inputs[PROVIDER_KEY] };
      throw Object.assign(e, { properties });
    }
    throw e;
  }
}
