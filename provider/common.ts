/**
 * Shapes of the dynamic-provider protocol (mirrors @pulumi/pulumi/dynamic without importing it: provider/ has no
 * run-time dependency on Pulumi) and small helpers shared by the resource modules.
 */
import { z } from "zod";
import type { ProviderConfig, ProviderContext } from "./context";
import { OtterStorageError } from "./errors";

export interface CheckFailure { property: string; reason: string }
export interface CheckResult<T> { inputs?: T; failures?: CheckFailure[] }
export interface DiffResult { changes?: boolean; replaces?: string[]; stables?: string[]; deleteBeforeReplace?: boolean }
export interface CreateResult<T> { id: string; outs?: T }
export interface ReadResult<T> { id?: string; props?: T }
export interface UpdateResult<T> { outs?: T }

/** The engine's placeholder for a value not known during preview (sdk/nodejs/runtime/rpc.ts `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const isUnknown = (v: unknown): boolean => v === UNKNOWN;
/** True when any part of the value is the unknown placeholder. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** Key-sorted JSON: the comparison behind every diff (deterministic regardless of key order). */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val) =>
    val && typeof val === "object" && !Array.isArray(val) ? Object.fromEntries(Object.entries(val).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : val,
  );
}
export const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** Outputs go through Struct.fromJavaScript: plain JSON only (no undefined, Dates, Buffers). */
export function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** zod issues → check failures naming the input property. */
export function failuresOf(error: z.ZodError, prefix = ""): CheckFailure[] {
  const byProperty = new Map<string, string[]>();
  for (const i of error.issues) {
    const property = [prefix, ...i.path.map(String)].filter(Boolean).join(".");
    byProperty.set(property, [...(byProperty.get(property) ?? []), i.message]);
  }
  // One failure per property, every reason in it.
  return [...byProperty].map(([property, reasons]) => ({ property, reason: [...new Set(reasons)].join("; ") }));
}

/** The S3 endpoint users should be handed: otterstorage:s3Endpoint when set, else what the service says. */
export function s3EndpointFor(config: ProviderConfig, serviceEndpoint: string): string {
  return config.s3Endpoint ?? serviceEndpoint;
}

/**
 * Does an `endpoint` output no longer match what it would be now? It depends on a provider-level setting
 * (otterstorage:s3Endpoint / OTTERSTORAGE_S3_ENDPOINT), so a change of that setting must show as an update.
 * With the setting present no request is needed; without it the answer is the bucket's endpoint as the service
 * reports it, read once per bucket per run (ProviderContext.once). A bucket that is gone changes nothing here.
 */
export async function endpointOutdated(ctx: ProviderContext, oldEndpoint: string | undefined, bucket: string): Promise<boolean> {
  if (!oldEndpoint || !bucket) return false;
  const config = ctx.config();
  const client = ctx.client();
  if (config.s3Endpoint !== undefined) return oldEndpoint !== config.s3Endpoint;
  const live = await ctx.once(`bucket-endpoint\u0000${config.endpoint}\u0000${bucket}`, async () => {
    try {
      return (await client.getBucket(bucket)).data.endpoint;
    } catch (e) {
      if (e instanceof OtterStorageError && e.code === "BucketNotFound") return undefined;
      throw e;
    }
  });
  return live !== undefined && live !== oldEndpoint;
}
