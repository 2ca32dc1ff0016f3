/**
 * The provider core as this server calls it: provider/context.ts's ProviderContext (one per ConfigureProvider — one
 * provider process serves one OpenTofu run for one provider configuration) and the resource functions of
 * provider/bucket.ts and provider/accessKey.ts, context first, typed loosely here because the adapters handle
 * values by attribute (terraform/resources.ts).
 */
import * as bucket from "../provider/bucket";
import * as accessKey from "../provider/accessKey";
import type { ProviderContext } from "../provider/context";
import type { CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "../provider/common";
import { PartialCreateError } from "../provider/errors";

export { ProviderContext, type ProviderSettings } from "../provider/context";

type Props = Record<string, unknown>;
export interface ResourceCore {
  check(ctx: ProviderContext, olds: Props, news: Props): Promise<CheckResult<Props>>;
  diff(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(ctx: ProviderContext, inputs: Props): Promise<CreateResult<Props>>;
  read(ctx: ProviderContext, id: string, outputs: Props): Promise<ReadResult<Props>>;
  update(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<UpdateResult<Props>>;
  remove(ctx: ProviderContext, id: string, outputs: Props): Promise<void>;
}

// The core's functions take its typed Inputs/Outputs; the adapters pass the same objects as plain properties.
export const BUCKET_CORE = bucket as unknown as ResourceCore;
export const ACCESS_KEY_CORE = accessKey as unknown as ResourceCore;

/** A create that made the resource but could not finish (e.g. a key the S3 endpoint did not accept in time). */
export interface PartialCreate { id: string; outputs: Props; reasons: string[] }
export function partialCreateOf(e: unknown): PartialCreate | undefined {
  return e instanceof PartialCreateError ? { id: e.id, outputs: e.outputs, reasons: e.reasons } : undefined;
}
