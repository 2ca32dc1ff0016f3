/**
 * Bucket resource logic: check / diff / create / read / update / delete as plain functions over plain data.
 * provider/dynamic/bucket.ts exposes them to Pulumi; tests call them directly.
 */
import { randomBytes, randomUUID } from "crypto";
import { z } from "zod";
import * as api from "../api/schemas";
import { OtterStorageError } from "./errors";
import { ProviderConfig } from "./config";
import {
  CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult,
  connect, containsUnknown, failuresOf, isUnknown, plain, s3EndpointFor, same,
} from "./common";

/** Inputs as the provider receives them (after the engine resolved every pulumi.Input). */
export interface BucketInputs {
  name?: string;
  region?: string;
  storageClass?: api.StorageClass;
  versioning?: "Enabled" | "Suspended";
  objectLock?: api.ObjectLock;
  legalHold?: boolean;
  lifecycleRules?: api.LifecycleRuleInput[];
  tags?: Record<string, string>;
  forceDestroy?: boolean;
  /** Set by the SDK class: the resource's logical name, the stem of an auto-generated bucket name. */
  __logicalName?: string;
}

export interface BucketOutputs {
  name: string;
  region: string;
  storageClass: api.StorageClass;
  versioning: "Unversioned" | "Enabled" | "Suspended";
  objectLock: api.ObjectLock | null;
  legalHold: boolean;
  lifecycleRules: api.LifecycleRule[];
  tags: Record<string, string>;
  forceDestroy: boolean;
  endpoint: string;
  createdAt: string;
}

/** Inputs applied in place (PATCH, or provider-only for forceDestroy). */
export const BUCKET_UPDATE_KEYS = ["storageClass", "versioning", "legalHold", "lifecycleRules", "tags", "forceDestroy"] as const;

const FIELD_SCHEMAS: Record<string, z.ZodType> = {
  name: api.BucketName,
  region: z.string().min(1, "must not be empty"),
  storageClass: api.StorageClass,
  versioning: api.VersioningStatus,
  objectLock: api.ObjectLock,
  legalHold: z.boolean(),
  lifecycleRules: z.array(api.LifecycleRule).max(1000).refine((r) => new Set(r.map((x) => x.id)).size === r.length, "rule ids must be unique"),
  tags: api.BucketTags,
  forceDestroy: z.boolean(),
  __logicalName: z.string(),
};

/** The input names `check` accepts (schema.json and the SDK's BucketArgs must match; tests/provider-schema.test.ts). */
export const BUCKET_INPUTS = Object.keys(FIELD_SCHEMAS).filter((k) => !k.startsWith("__"));

/** Validates every field (before any side effect) and settles the bucket name. */
export async function check(olds: Partial<BucketInputs>, news: BucketInputs): Promise<CheckResult<BucketInputs>> {
  const failures: CheckFailure[] = [];
  const inputs: BucketInputs & Record<string, unknown> = { ...news };
  for (const [key, value] of Object.entries(news)) {
    if (key === "__provider" || value === undefined || value === null || containsUnknown(value)) continue;
    const schema = FIELD_SCHEMAS[key];
    if (!schema) {
      failures.push({ property: key, reason: `is not a Bucket input; use one of ${Object.keys(FIELD_SCHEMAS).filter((k) => !k.startsWith("__")).join(", ")}` });
      continue;
    }
    const r = schema.safeParse(value);
    if (!r.success) failures.push(...failuresOf(r.error, key));
  }
  if (news.name === undefined || news.name === null) {
    // Stable across previews and updates: once a name is in the old inputs it is kept; only a brand-new
    // resource gets a fresh random suffix.
    inputs.name = typeof olds?.name === "string" && olds.name ? olds.name : autoName(news.__logicalName);
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
  const bytes = randomBytes(7);
  return Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
}

/** name, region and objectLock cannot change in place: a change replaces the bucket (refused while it holds data). */
export async function diff(id: string, olds: BucketOutputs, news: BucketInputs): Promise<DiffResult> {
  const replaces: string[] = [];
  const updates: string[] = [];
  if (news.name !== undefined && (isUnknown(news.name) || news.name !== olds.name)) replaces.push("name");
  if (news.region !== undefined && (isUnknown(news.region) || news.region !== olds.region)) replaces.push("region");
  if (!same(news.objectLock ?? null, olds.objectLock ?? null)) replaces.push("objectLock");
  for (const key of BUCKET_UPDATE_KEYS) if (inPlaceChanged(key, olds, news)) updates.push(key);
  if (replaces.length) await refuseDataLoss(id || olds.name, olds, replaces);
  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    // Same name → the old bucket must go before the new one can take its name.
    deleteBeforeReplace: replaces.length > 0 && !replaces.includes("name") ? true : undefined,
  };
}

function inPlaceChanged(key: (typeof BUCKET_UPDATE_KEYS)[number], olds: BucketOutputs, news: BucketInputs): boolean {
  const v = news[key];
  if (containsUnknown(v)) return true;
  switch (key) {
    case "storageClass": return (v ?? "HDD") !== olds.storageClass;
    case "versioning": return v !== undefined && v !== olds.versioning;
    case "legalHold": return (v ?? false) !== (olds.legalHold ?? false);
    case "lifecycleRules": return !same(normalizeRules(news.lifecycleRules ?? []), normalizeRules(olds.lifecycleRules ?? []));
    case "tags": return !same(v ?? {}, olds.tags ?? {});
    case "forceDestroy": return (v ?? false) !== (olds.forceDestroy ?? false);
  }
}

function normalizeRules(rules: api.LifecycleRuleInput[]): unknown[] {
  return rules.map((r) => {
    const p = api.LifecycleRule.safeParse(r);
    return plain(p.success ? p.data : r);
  });
}

/** A replacement deletes the old bucket: refuse at preview when that would destroy objects. */
async function refuseDataLoss(name: string, olds: BucketOutputs, replaces: string[]): Promise<void> {
  const { client } = connect();
  let live: api.Bucket;
  try {
    live = (await client.getBucket(name)).data;
  } catch (e) {
    if (e instanceof OtterStorageError && e.status === 404) return;
    throw e;
  }
  if (live.objectCount === 0 || olds.forceDestroy === true) return;
  throw new OtterStorageError({
    code: "ReplacementWouldDestroyData",
    status: 0,
    operation: "diff",
    detail: `changing ${replaces.join(", ")} replaces bucket "${name}", which holds ${live.objectCount} object(s) that would be deleted.`,
    hint:
      `Revert the change; or empty the bucket first; or, to discard the data on purpose, set \`forceDestroy: true\` alone, ` +
      `run \`pulumi up\`, then make this change again (or run \`pulumi up --replace <urn>\`).`,
  });
}

export async function create(inputs: BucketInputs): Promise<CreateResult<BucketOutputs>> {
  const { config, client } = connect();
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
    live = (await client.createBucket(body, randomUUID())).data;
  } catch (e) {
    // A retried create whose first answer was lost: the name is "taken" by our own first attempt.
    if (e instanceof OtterStorageError && e.code === "BucketAlreadyExists" && e.attempts > 1) live = (await client.getBucket(name)).data;
    else throw e;
  }
  return { id: live.name, outs: outputsOf(live, inputs.forceDestroy ?? false, config) };
}

export async function read(id: string, props: BucketOutputs): Promise<ReadResult<BucketOutputs>> {
  const { config, client } = connect();
  try {
    const live = (await client.getBucket(id || props.name)).data;
    return { id: live.name, props: outputsOf(live, props.forceDestroy ?? false, config) };
  } catch (e) {
    // Only "no such bucket" means gone; anything else fails the refresh and keeps the state.
    if (e instanceof OtterStorageError && e.code === "BucketNotFound") return { id: "", props: {} as BucketOutputs };
    throw e;
  }
}

export async function update(id: string, olds: BucketOutputs, news: BucketInputs): Promise<UpdateResult<BucketOutputs>> {
  const { config, client } = connect();
  const name = id || olds.name;
  const patch: api.UpdateBucketRequest = {};
  if (inPlaceChanged("storageClass", olds, news)) patch.storageClass = news.storageClass ?? "HDD";
  if (inPlaceChanged("versioning", olds, news)) patch.versioning = news.versioning;
  if (inPlaceChanged("legalHold", olds, news)) patch.legalHold = news.legalHold ?? false;
  if (inPlaceChanged("lifecycleRules", olds, news)) patch.lifecycleRules = normalizeRules(news.lifecycleRules ?? []) as api.LifecycleRule[];
  if (inPlaceChanged("tags", olds, news)) patch.tags = news.tags ?? {};
  const live = Object.keys(patch).length ? (await client.updateBucket(name, patch)).data : (await client.getBucket(name)).data;
  return { outs: outputsOf(live, news.forceDestroy ?? false, config) };
}

export async function remove(id: string, props: BucketOutputs): Promise<void> {
  const { client } = connect();
  try {
    await client.deleteBucket(id || props.name, props.forceDestroy === true);
  } catch (e) {
    if (e instanceof OtterStorageError && e.code === "BucketNotFound") return;
    throw e;
  }
}

export function outputsOf(b: api.Bucket, forceDestroy: boolean, config: ProviderConfig): BucketOutputs {
  return plain({
    name: b.name,
    region: b.region,
    storageClass: b.storageClass,
    versioning: b.versioning,
    objectLock: b.objectLock,
    legalHold: b.legalHold,
    lifecycleRules: b.lifecycleRules,
    tags: b.tags,
    forceDestroy,
    endpoint: s3EndpointFor(config, b.endpoint),
    createdAt: b.createdAt,
  });
}
