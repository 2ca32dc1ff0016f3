/**
 * The resources the native plugin serves, each a thin adapter over the core's functions (provider/bucket.ts,
 * provider/accessKey.ts): the same check, diff, create, read, update and delete the dynamic provider calls, with
 * what differs between the hosts said here — the name from the URN and the engine's random seed instead of the
 * dynamic SDK's `__logicalName`, a detailed diff per input from the field tables, and import (Read without state).
 */
import { nativeToken, type TypeName } from "otterstorage-api";
import * as accessKey from "../provider/accessKey";
import * as bucket from "../provider/bucket";
import * as rotating from "../provider/rotatingAccessKey";
import { containsUnknown, type CheckResult, type DiffResult } from "../provider/common";
import type { ProviderContext } from "../provider/context";
import { OtterStorageError, PROVIDER_ERRORS } from "../provider/errors";
import { differs, inputNames, type ResourceFields } from "../provider/fields";
import { RESOURCE_TYPES } from "../provider/resources";
import type { Props } from "./wire";

export interface CheckOptions { name: string; seed?: Uint8Array }

/** How a native resource type is served. Values are plain (secrets taken off by plugin/wire.ts). */
export interface NativeResource {
  type: TypeName;
  /** Its field table, where it has one: the detailed diff walks it. */
  fields?: ResourceFields;
  /** Inputs that are always secret (re-marked on the way out of Check), and outputs that are. */
  secretInputs: readonly string[];
  secretOutputs: readonly string[];
  check(ctx: ProviderContext, olds: Props, news: Props, opts: CheckOptions): Promise<CheckResult<Props>>;
  diff(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(ctx: ProviderContext, inputs: Props): Promise<{ id: string; outs?: Props }>;
  read(ctx: ProviderContext, id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  update(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
  remove(ctx: ProviderContext, id: string, props: Props): Promise<void>;
  /** The inputs a program declares for an existing object (pulumi import): those that reproduce its outputs. */
  importInputs(ctx: ProviderContext, id: string): Promise<{ outputs: Props; inputs: Props } | undefined>;
}

/** The inputs of a table that change with these news: `replace` for those in `replaces`, else `update`. */
export function changedInputs(fields: ResourceFields, olds: Props, news: Props, replaces: readonly string[]): Map<string, "replace" | "update"> {
  const changed = new Map<string, "replace" | "update">();
  for (const k of replaces) changed.set(k, "replace");
  for (const k of inputNames(fields)) {
    if (changed.has(k)) continue;
    if (containsUnknown(news[k]) || differs(fields, k, olds, news)) changed.set(k, "update");
  }
  return changed;
}

/** An input whose value is its table default adds nothing to a declaration: left out of import's inputs. */
function declared(fields: ResourceFields, outputs: Props, always: readonly string[]): Props {
  const inputs: Props = {};
  for (const k of inputNames(fields)) {
    const f = fields.inputs[k];
    if (f.output === false || f.output.from !== "service" || outputs[k] === undefined || outputs[k] === null) continue;
    if (!always.includes(k) && !differs(fields, k, { [k]: outputs[k] }, {})) continue;
    inputs[k] = outputs[k];
  }
  return inputs;
}

const BUCKET_RESOURCE: NativeResource = {
  type: "Bucket",
  fields: bucket.BUCKET,
  secretInputs: RESOURCE_TYPES.Bucket.secretInputs,
  secretOutputs: RESOURCE_TYPES.Bucket.secretOutputs,
  check: (ctx, olds, news, opts) => bucket.check(ctx, olds, news, { logicalName: opts.name, seed: opts.seed }) as Promise<CheckResult<Props>>,
  diff: (ctx, id, olds, news) => bucket.diff(ctx, id, olds as never, news),
  create: (ctx, inputs) => bucket.create(ctx, inputs) as Promise<{ id: string; outs?: Props }>,
  read: (ctx, id, props) => bucket.read(ctx, id, props as never) as Promise<{ id?: string; props?: Props }>,
  update: (ctx, id, olds, news) => bucket.update(ctx, id, olds as never, news) as Promise<{ outs?: Props }>,
  remove: (ctx, id, props) => bucket.remove(ctx, id, props as never),
  async importInputs(ctx, id) {
    const r = await bucket.read(ctx, id, { name: id } as never);
    if (!r.id) return undefined;
    const outputs = r.props as unknown as Props;
    return { outputs, inputs: declared(bucket.BUCKET, outputs, ["name", "region"]) };
  },
};

const ACCESS_KEY_RESOURCE: NativeResource = {
  type: "AccessKey",
  fields: accessKey.ACCESS_KEY,
  secretInputs: RESOURCE_TYPES.AccessKey.secretInputs,
  secretOutputs: RESOURCE_TYPES.AccessKey.secretOutputs,
  check: (ctx, olds, news) => accessKey.check(ctx, olds, news as never) as Promise<CheckResult<Props>>,
  diff: (ctx, id, olds, news) => accessKey.diff(ctx, id, olds as never, news as never),
  create: (ctx, inputs) => accessKey.create(ctx, inputs as never) as Promise<{ id: string; outs?: Props }>,
  read: (ctx, id, props) => accessKey.read(ctx, id, props as never) as Promise<{ id?: string; props?: Props }>,
  update: (ctx, id, olds, news) => accessKey.update(ctx, id, olds as never, news as never) as Promise<{ outs?: Props }>,
  remove: (ctx, id, props) => accessKey.remove(ctx, id, props as never),
  async importInputs(_ctx, id) {
    // The service shows a secret once, at creation: an imported key would have no secret in the state.
    throw new OtterStorageError({
      code: "AccessKeyNotImportable",
      status: 0,
      operation: "import",
      detail: `access key ${id} cannot be imported: OtterStorage never shows its secret again, so the stack could not hand it to anyone.`,
      hint: PROVIDER_ERRORS.AccessKeyNotImportable.hint,
    });
  },
};

/** RotatingAccessKey is one resource here (two slots in its state); the dynamic SDK builds it as a component. */
const ROTATING_ACCESS_KEY_RESOURCE: NativeResource = {
  type: "RotatingAccessKey",
  secretInputs: [],
  secretOutputs: rotating.ROTATING_ACCESS_KEY_SECRETS,
  check: (ctx, olds, news) => rotating.check(ctx, olds, news as never) as Promise<CheckResult<Props>>,
  diff: (ctx, id, olds, news) => rotating.diff(ctx, id, olds as never, news as never),
  create: (ctx, inputs) => rotating.create(ctx, inputs as never) as unknown as Promise<{ id: string; outs?: Props }>,
  read: (ctx, id, props) => rotating.read(ctx, id, props as never) as unknown as Promise<{ id?: string; props?: Props }>,
  update: (ctx, id, olds, news) => rotating.update(ctx, id, olds as never, news as never) as unknown as Promise<{ outs?: Props }>,
  remove: (ctx, id, props) => rotating.remove(ctx, id, props as never),
  importInputs: (ctx, id) => ACCESS_KEY_RESOURCE.importInputs(ctx, id),
};

export const NATIVE_RESOURCES: Record<string, NativeResource> = Object.fromEntries(
  [BUCKET_RESOURCE, ACCESS_KEY_RESOURCE, ROTATING_ACCESS_KEY_RESOURCE].map((r) => [nativeToken(r.type), r]),
);
