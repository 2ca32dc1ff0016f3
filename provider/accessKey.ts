/**
 * AccessKey resource logic. The secret is born once (create) and then kept: read and update carry it over,
 * because the service never returns it again. id = accessKeyId, unique per key, so in a create-before-delete
 * rotation `delete(oldId)` can never revoke the new key.
 */
import { randomUUID } from "crypto";
import { z } from "zod";
import * as api from "../api/schemas";
import { OtterStorageError, PROVIDER_ERRORS } from "./errors";
import { ProviderConfig } from "./config";
import {
  CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult,
  connect, containsUnknown, endpointOutdated, failuresOf, isUnknown, plain, s3EndpointFor, same,
} from "./common";
import { adoptOnCreate, correctedSecret, ensureReady, CREDENTIAL_FIELD_SCHEMAS, credentialDiff, CredentialInputs, credentialOutputs, CredentialOutputs } from "./credentials";

/** The credential inputs (rotateAfterDays, readiness, adopt, profileName; docs/rotation.md) live in ./credentials.ts. */
export interface AccessKeyInputs extends CredentialInputs {
  bucket: string;
  label?: string;
  rotationTrigger?: string | number;
}

export interface AccessKeyOutputs extends CredentialOutputs {
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  label: string | null;
  endpoint: string;
  region: string;
  createdAt: string;
  rotationTrigger?: string | number;
  /** True for a key brought under management with `adopt` (its label is then the key's own unless `label` is set). */
  adopted?: boolean;
}


const FIELD_SCHEMAS: Record<string, z.ZodType> = {
  bucket: api.BucketName,
  label: api.AccessKeyLabel,
  rotationTrigger: z.union([z.string(), z.number().finite()], { error: "must be a string or a number, e.g. \"2026-q3\" or 3" }),
  ...CREDENTIAL_FIELD_SCHEMAS,
};

/** The input names `check` accepts (schema.json and the SDK's AccessKeyArgs must match). */
export const ACCESS_KEY_INPUTS = Object.keys(FIELD_SCHEMAS);

export async function check(_olds: Partial<AccessKeyInputs>, news: AccessKeyInputs): Promise<CheckResult<AccessKeyInputs>> {
  const failures: CheckFailure[] = [];
  if (news.bucket === undefined || news.bucket === null || news.bucket === "") {
    failures.push({ property: "bucket", reason: "is required: pass the bucket's name, e.g. `bucket: myBucket.name`" });
  }
  for (const [key, value] of Object.entries(news)) {
    if (key === "__provider" || value === undefined || value === null || containsUnknown(value)) continue;
    const schema = FIELD_SCHEMAS[key];
    if (!schema) {
      failures.push({ property: key, reason: `is not an AccessKey input; use ${ACCESS_KEY_INPUTS.join(", ")}` });
      continue;
    }
    if (key === "bucket" && value === "") continue;
    const r = schema.safeParse(value);
    if (!r.success) failures.push(...failuresOf(r.error, key));
  }
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

/**
 * A change of bucket, rotationTrigger or adopt issues a new key (create-before-delete: never deleteBeforeReplace);
 * rotateAfterDays replaces by age. In place: label, the credential settings, a corrected adopted secret, and an
 * `endpoint` output that otterstorage:s3Endpoint no longer agrees with.
 */
export async function diff(_id: string, olds: AccessKeyOutputs, news: AccessKeyInputs): Promise<DiffResult> {
  const replaces: string[] = [];
  if (isUnknown(news.bucket) || news.bucket !== olds.bucket) replaces.push("bucket");
  if (containsUnknown(news.rotationTrigger) || !same(news.rotationTrigger ?? null, olds.rotationTrigger ?? null)) replaces.push("rotationTrigger");
  const relabel = isUnknown(news.label) || wantedLabel(olds, news) !== (olds.label ?? null);
  const { inPlace } = await credentialDiff(() => connect().client, olds, news, replaces);
  const endpointMoved = replaces.length === 0 && !relabel && !inPlace && (await endpointOutdated(olds.endpoint, olds.bucket));
  return { changes: replaces.length > 0 || relabel || inPlace || endpointMoved, replaces };
}

/**
 * The label the key should have. An adopted key keeps the label it came with while the program sets none (the
 * key is someone's existing key: adoption must not rename it, and the next preview must show no change).
 */
function wantedLabel(olds: Partial<AccessKeyOutputs>, news: AccessKeyInputs): string | null {
  if ((news.label === undefined || news.label === null) && olds.adopted === true) return olds.label ?? null;
  return news.label ?? null;
}

export async function create(inputs: AccessKeyInputs): Promise<CreateResult<AccessKeyOutputs>> {
  const { config, client } = connect();
  const adopted = await adoptOnCreate(client, inputs.bucket, inputs);
  if (adopted) {
    let live = adopted.live;
    // A `label` input relabels the adopted key now, so the next preview shows no change.
    if (inputs.label !== undefined && inputs.label !== null && inputs.label !== live.label) {
      live = (await client.updateAccessKey(inputs.bucket, live.accessKeyId, { label: inputs.label })).data;
    }
    return { id: live.accessKeyId, outs: plain({ ...liveFields(live, config), secretAccessKey: adopted.secretAccessKey, rotationTrigger: inputs.rotationTrigger, ...credentialOutputs(inputs), adopted: true }) };
  }
  // One Idempotency-Key per logical create, reused by the client across its retries: a retried create whose
  // first answer was lost gets that first key back instead of leaving an orphan key.
  const body: api.CreateAccessKeyRequest = inputs.label === undefined || inputs.label === null ? {} : { label: inputs.label };
  const created = (await client.createAccessKey(inputs.bucket, body, randomUUID())).data;
  const outs = plain({ ...liveFields(created, config), secretAccessKey: created.secretAccessKey, rotationTrigger: inputs.rotationTrigger, ...credentialOutputs(inputs) });
  // Return only once the S3 endpoint accepts the key; a timeout reports the key as created-but-not-ready, with
  // outputs the engine will store — `__provider` included, or no later Read/Delete could load this provider.
  const provider = (inputs as { __provider?: unknown }).__provider;
  await ensureReady({ ...created, id: created.accessKeyId }, inputs.readiness, provider === undefined ? outs : { ...outs, __provider: provider });
  return { id: created.accessKeyId, outs };
}

export async function read(id: string, props: AccessKeyOutputs): Promise<ReadResult<AccessKeyOutputs>> {
  const { config, client } = connect();
  let live: api.AccessKey;
  try {
    live = (await client.getAccessKey(props.bucket, id)).data;
  } catch (e) {
    // Revoked or unknown key, or its bucket is gone: the key is gone. Everything else fails the refresh.
    if (e instanceof OtterStorageError && (e.code === "AccessKeyNotFound" || e.code === "BucketNotFound")) return { id: "", props: {} as AccessKeyOutputs };
    throw e;
  }
  return { id: live.accessKeyId, props: plain({ ...strip(props), ...liveFields(live, config), secretAccessKey: props.secretAccessKey }) };
}

export async function update(id: string, olds: AccessKeyOutputs, news: AccessKeyInputs): Promise<UpdateResult<AccessKeyOutputs>> {
  const { config, client } = connect();
  // A corrected adopt.secretAccessKey is verified before it replaces the secret in the state.
  const secretAccessKey = (await correctedSecret(client, olds.bucket, olds, news)) ?? olds.secretAccessKey;
  if (!secretAccessKey) {
    throw new OtterStorageError({
      code: "SecretMissingFromState",
      status: 0,
      operation: "update",
      detail: `the stack state has no secretAccessKey for access key ${id}, and OtterStorage never shows a secret twice.`,
      hint: PROVIDER_ERRORS.SecretMissingFromState.hint,
    });
  }
  const label = wantedLabel(olds, news);
  const live = label !== (olds.label ?? null)
    ? (await client.updateAccessKey(olds.bucket, id, { label })).data
    : (await client.getAccessKey(olds.bucket, id)).data;
  // A key whose create timed out on readiness comes back here on the next `up`: probe again.
  await ensureReady({ ...live, id, secretAccessKey }, news.readiness);
  // Keep every output: the secret in particular exists nowhere else.
  return { outs: plain({ ...strip(olds), ...liveFields(live, config), secretAccessKey, rotationTrigger: news.rotationTrigger, ...credentialOutputs(news) }) };
}

export async function remove(id: string, props: AccessKeyOutputs): Promise<void> {
  const { client } = connect();
  try {
    await client.revokeAccessKey(props.bucket, id);
  } catch (e) {
    // Already revoked (or its bucket deleted): done. Any other failure must fail, so Pulumi keeps the key.
    if (e instanceof OtterStorageError && (e.code === "AccessKeyNotFound" || e.code === "BucketNotFound")) return;
    throw e;
  }
}

function liveFields(k: api.AccessKey, config: ProviderConfig) {
  return {
    accessKeyId: k.accessKeyId,
    bucket: k.bucket,
    label: k.label,
    endpoint: s3EndpointFor(config, k.endpoint),
    region: k.region,
    createdAt: k.createdAt,
  };
}

function strip(props: AccessKeyOutputs): AccessKeyOutputs {
  const { __provider: _p, ...rest } = props as AccessKeyOutputs & { __provider?: unknown };
  return rest as AccessKeyOutputs;
}
