/**
 * Bucket resource logic: check / diff / create / read / update / delete as plain functions over plain data, each
 * taking the provider context (provider/context.ts) first. The hosts' adapters (provider/dynamic/bucket.ts, the
 * native plugin, the OpenTofu provider) expose them; tests call them directly. What each input is (schema, default,
 * change rule) is the table in provider/bucketFields.ts; this file is the logic on top of it.
 */
import { createHash, randomBytes, randomUUID } from "crypto";
import * as api from "otterstorage-api";
import { BUCKET, BucketInputs, BucketOutputs } from "./bucketFields";
import { changeSet, checkFields, checkSchema, differs, echo, inputNames } from "./fields";
import { OtterStorageError } from "./errors";
import type { ProviderConfig, ProviderContext } from "./context";
import {
  CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult,
  containsUnknown, endpointOutdated, plain, s3EndpointFor,
} from "./common";

export { BUCKET } from "./bucketFields";
export type { BucketInputs, BucketOutputs } from "./bucketFields";

/** Inputs applied in place (PATCH, or provider-only for forceDestroy), from the table. */
export const BUCKET_UPDATE_KEYS = changeSet(BUCKET, "in-place", "provider-only");
/** Inputs whose change replaces the bucket, from the table. */
export const BUCKET_REPLACE_KEYS = changeSet(BUCKET, "replace");
/** The input names `check` accepts (schema.json and the SDK's BucketArgs come from the same table). */
export const BUCKET_INPUTS = inputNames(BUCKET);
const CHECK_SCHEMA = checkSchema(BUCKET);

/**
 * Validates every field (before any side effect) and settles the bucket name. `logicalName` is the resource's name
 * in the program (the host knows it: the URN, or the dynamic SDK's `__logicalName`), the stem of a generated name;
 * `seed` (the engine's per-resource random seed, where the host has one) makes the generated name the same at
 * preview and at up.
 */
export async function check(
  _ctx: ProviderContext,
  olds: Partial<BucketInputs>,
  news: BucketInputs,
  opts: { logicalName?: string; seed?: Uint8Array } = {},
): Promise<CheckResult<BucketInputs>> {
  const failures = checkFields(BUCKET, CHECK_SCHEMA, news);
  const inputs: BucketInputs & Record<string, unknown> = { ...news };
  if (news.name === undefined || news.name === null) {
    // Stable across previews and updates: once a name is in the old inputs it is kept; only a brand-new
    // resource gets a fresh random suffix. The engine re-runs Check without olds when it plans a replacement
    // (pkg/resource/deploy/step_generator.go, "we need to recompute the default values"), so a replacement
    // of an auto-named bucket gets a new name and can be created before the old one is deleted.
    inputs.name = typeof olds?.name === "string" && olds.name ? olds.name : autoName(opts.logicalName, opts.seed?.length ? suffixOf(opts.seed) : undefined);
    inputs.__autoName = true;
  } else {
    delete inputs.__autoName;
  }
  return failures.length ? { inputs, failures } : { inputs };
}

/** `<logical name>-<7 random lowercase letters>`, squeezed into the bucket-name rules. */
export function autoName(logicalName: string | undefined, suffix = randomSuffix()): string {
  let stem = (logicalName ?? "bucket").toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "");
  if (stem.startsWith("xn--")) stem = stem.slice(4);
  stem = stem.slice(0, 63 - 8).replace(/-+$/, "") || "bucket";
  return `${stem}-${suffix}`;
}

function randomSuffix(): string {
  return suffixOf(randomBytes(7));
}

/** Seven lowercase letters from (the first seven bytes of a hash of) the given bytes. */
function suffixOf(bytes: Uint8Array): string {
  const digest = createHash("sha256").update(bytes).digest();
  return Array.from(digest.subarray(0, 7), (b) => String.fromCharCode(97 + (b % 26))).join("");
}

/**
 * The table's replace inputs (name, region, objectLock) cannot change in place: a change replaces the bucket
 * (refused while it holds data); the others are updated in place. The comparison is the table's (`differs`: an
 * omitted input stands for its default, or keeps the current value where the table says so).
 * A value not known yet (preview, computed from another resource) is not a change: it shows as an update, and
 * when the engine runs the diff again with the value known — during `up` — a real change replaces and meets the
 * data-loss check then.
 */
export async function diff(ctx: ProviderContext, id: string, olds: BucketOutputs, news: BucketInputs): Promise<DiffResult> {
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const replaces: string[] = [];
  const updates: string[] = [];
  let unknown = false;
  for (const key of BUCKET_REPLACE_KEYS) {
    if (containsUnknown(n[key])) unknown = true;
    else if (differs(BUCKET, key, o, n)) replaces.push(key);
  }
  for (const key of BUCKET_UPDATE_KEYS) if (inPlaceChanged(key, olds, news)) updates.push(key);
  if (replaces.length) await refuseDataLoss(ctx, id || olds.name, olds, replaces);
  // otterstorage:s3Endpoint feeds the `endpoint` output: a change of it is an update (provider/common.ts).
  const endpointMoved = replaces.length === 0 && (await endpointOutdated(ctx, olds.endpoint, id || olds.name));
  return {
    changes: replaces.length > 0 || updates.length > 0 || unknown || endpointMoved,
    replaces,
    // The replacement keeps the name only when the program names the bucket and the name did not change: then
    // the old bucket must go first. An auto-named bucket's replacement gets a fresh name (see check).
    deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name") && news.__autoName !== true ? true : undefined,
  };
}

/** Does an in-place input differ from the state (an unknown value does)? */
function inPlaceChanged(key: (typeof BUCKET_UPDATE_KEYS)[number], olds: BucketOutputs, news: BucketInputs): boolean {
  const n = news as unknown as Record<string, unknown>;
  return containsUnknown(n[key]) || differs(BUCKET, key, olds as unknown as Record<string, unknown>, n);
}

function normalizeRules(rules: api.LifecycleRuleInput[]): unknown[] {
  return rules.map((r) => {
    const p = api.LifecycleRule.safeParse(r);
    return plain(p.success ? p.data : r);
  });
}

/** A replacement deletes the old bucket: refuse at preview when that would destroy objects. */
async function refuseDataLoss(ctx: ProviderContext, name: string, olds: BucketOutputs, replaces: string[]): Promise<void> {
  const client = ctx.client();
  let live: api.Bucket;
  try {
    live = (await client.getBucket(name)).data;
  } catch (e) {
    if (e instanceof OtterStorageError && e.status === 404) return;
    throw e;
  }
  // What the delete will refuse on: any object version or delete marker (emulator/control/buckets.ts uses
  // isEmpty), not only current objects. `versionCount` is absent from services older than this field.
  const stored = live.versionCount ?? live.objectCount;
  if (stored === 0 || olds.forceDestroy === true) return;
  const what = stored === live.objectCount
    ? `${live.objectCount} object(s)`
    : `${live.objectCount} current object(s) and ${stored - live.objectCount} older version(s) or delete marker(s)`;
  throw new OtterStorageError({
    code: "ReplacementWouldDestroyData",
    status: 0,
    operation: "diff",
    detail: `changing ${replaces.join(", ")} replaces bucket "${name}", which holds ${what} that would be deleted.`,
    hint:
      `Revert the change; or empty the bucket first; or, to discard the data on purpose, set \`forceDestroy: true\` alone, ` +
      `run \`pulumi up\`, then make this change again (or run \`pulumi up --replace <urn>\`).`,
  });
}

export async function create(ctx: ProviderContext, inputs: BucketInputs): Promise<CreateResult<BucketOutputs>> {
  const config = ctx.config();
  const client = ctx.client();
  const name = inputs.name!;
  const body: api.CreateBucketRequest = plain({
    name,
    region: inputs.region ?? config.region,
    storageClass: inputs.storageClass,
    versioning: inputs.versioning,
    objectLock: inputs.objectLock,
    legalHold: inputs.legalHold,
    lifecycleRules: inputs.lifecycleRules,
    tags: inputs.tags,
  });
  let live: api.Bucket;
  try {
    // One Idempotency-Key across the client's retries: a retried create whose first answer was lost gets that
    // first answer replayed by the service. So a conflict here is never our own earlier attempt, and a bucket
    // that already exists is never taken over by name (destroy would then delete someone else's data).
    live = (await client.createBucket(body, randomUUID())).data;
  } catch (e) {
    if (e instanceof OtterStorageError && e.code === "BucketAlreadyExists") {
      throw new OtterStorageError({
        code: e.code,
        status: e.status,
        operation: e.operation,
        requestId: e.requestId,
        detail:
          `bucket name "${name}" is already taken, and this stack does not own that bucket: it belongs to another stack or ` +
          "project, to someone else (names are unique across OtterStorage), or to a bucket this stack created earlier and then lost from its state.",
        hint:
          "Choose another `name`, or omit it to get an auto-generated one. Pulumi never takes over an existing bucket by name; " +
          "if the bucket is yours and unused, delete it (e.g. in the console) and run `pulumi up` again.",
      });
    }
    throw e;
  }
  return { id: live.name, outs: outputsOf(live, inputs, config) };
}

export async function read(ctx: ProviderContext, id: string, props: BucketOutputs): Promise<ReadResult<BucketOutputs>> {
  const config = ctx.config();
  const client = ctx.client();
  try {
    const live = (await client.getBucket(id || props.name)).data;
    return { id: live.name, props: outputsOf(live, props, config) };
  } catch (e) {
    // Only "no such bucket" means gone; anything else fails the refresh and keeps the state.
    if (e instanceof OtterStorageError && e.code === "BucketNotFound") return { id: "", props: {} as BucketOutputs };
    throw e;
  }
}

export async function update(ctx: ProviderContext, id: string, olds: BucketOutputs, news: BucketInputs): Promise<UpdateResult<BucketOutputs>> {
  const config = ctx.config();
  const client = ctx.client();
  const name = id || olds.name;
  const patch: api.UpdateBucketRequest = {};
  if (inPlaceChanged("storageClass", olds, news)) patch.storageClass = news.storageClass ?? "HDD";
  if (inPlaceChanged("versioning", olds, news)) patch.versioning = news.versioning;
  if (inPlaceChanged("legalHold", olds, news)) patch.legalHold = news.legalHold ?? false;
  if (inPlaceChanged("lifecycleRules", olds, news)) patch.lifecycleRules = normalizeRules(news.lifecycleRules ?? []) as api.LifecycleRule[];
  if (inPlaceChanged("tags", olds, news)) patch.tags = news.tags ?? {};
  const live = Object.keys(patch).length ? (await client.updateBucket(name, patch)).data : (await client.getBucket(name)).data;
  return { outs: outputsOf(live, news, config) };
}

export async function remove(ctx: ProviderContext, id: string, props: BucketOutputs): Promise<void> {
  const client = ctx.client();
  try {
    await client.deleteBucket(id || props.name, props.forceDestroy === true);
  } catch (e) {
    if (e instanceof OtterStorageError && e.code === "BucketNotFound") return;
    throw e;
  }
}

/** The service's view of the bucket, plus the inputs the provider keeps as given (forceDestroy). */
export function outputsOf(b: api.Bucket, kept: Partial<Record<string, unknown>>, config: ProviderConfig): BucketOutputs {
  return plain({
    ...echo(BUCKET, kept),
    name: b.name,
    region: b.region,
    storageClass: b.storageClass,
    versioning: b.versioning,
    objectLock: b.objectLock,
    legalHold: b.legalHold,
    lifecycleRules: b.lifecycleRules,
    tags: b.tags,
    endpoint: s3EndpointFor(config, b.endpoint),
    createdAt: b.createdAt,
  });
}
