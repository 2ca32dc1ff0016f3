/**
 * AccessKey resource logic. The secret is born once (create) and then kept: read and update carry it over,
 * because the service never returns it again. id = accessKeyId, unique per key, so in a create-before-delete
 * rotation `delete(oldId)` can never revoke the new key. What each input is (schema, default, change rule, output)
 * is the table in provider/accessKeyFields.ts; this file is the logic on top of it.
 */
import { randomUUID } from "crypto";
import * as api from "otterstorage-api";
import { ACCESS_KEY, AccessKeyInputs, AccessKeyOutputs } from "./accessKeyFields";
import { changeSet, checkFields, checkSchema, differs, echo, inputNames } from "./fields";
import { OtterStorageError, PROVIDER_ERRORS } from "./errors";
import type { ProviderConfig, ProviderContext } from "./context";
import {
  CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult,
  containsUnknown, endpointOutdated, isUnknown, plain, s3EndpointFor,
} from "./common";
import { adoptOnCreate, correctedSecret, ensureReady, credentialDiff } from "./credentials";

export { ACCESS_KEY } from "./accessKeyFields";
export type { AccessKeyInputs, AccessKeyOutputs } from "./accessKeyFields";

/** The input names `check` accepts (schema.json and the SDK's AccessKeyArgs come from the same table). */
export const ACCESS_KEY_INPUTS = inputNames(ACCESS_KEY);
/** Inputs whose change issues a new key, from the table (adopt: only a different accessKeyId, see credentialDiff). */
export const ACCESS_KEY_REPLACE_KEYS = changeSet(ACCESS_KEY, "replace");
/** Inputs changed in place, from the table (label: see wantedLabel). */
export const ACCESS_KEY_UPDATE_KEYS = changeSet(ACCESS_KEY, "in-place", "provider-only");
const CHECK_SCHEMA = checkSchema(ACCESS_KEY);

export async function check(_ctx: ProviderContext, _olds: Partial<AccessKeyInputs>, news: AccessKeyInputs): Promise<CheckResult<AccessKeyInputs>> {
  const failures = checkFields(ACCESS_KEY, CHECK_SCHEMA, news);
  return failures.length ? { inputs: news, failures } : { inputs: news };
}

/**
 * A change of bucket, rotationTrigger or adopt issues a new key (create-before-delete: never deleteBeforeReplace);
 * rotateAfterDays replaces by age. In place: label, the credential settings, a corrected adopted secret, and an
 * `endpoint` output that otterstorage:s3Endpoint no longer agrees with.
 */
export async function diff(ctx: ProviderContext, _id: string, olds: AccessKeyOutputs, news: AccessKeyInputs): Promise<DiffResult> {
  const o = olds as unknown as Record<string, unknown>;
  const n = news as unknown as Record<string, unknown>;
  const replaces: string[] = [];
  // A key's bucket or trigger not known yet is a replacement (a replaced bucket takes its keys with it).
  for (const key of ACCESS_KEY_REPLACE_KEYS) if (key !== "adopt" && (containsUnknown(n[key]) || differs(ACCESS_KEY, key, o, n))) replaces.push(key);
  const relabel = isUnknown(news.label) || wantedLabel(olds, news) !== (olds.label ?? null);
  const inPlace = ACCESS_KEY_UPDATE_KEYS.some((key) => key !== "label" && (containsUnknown(n[key]) || differs(ACCESS_KEY, key, o, n)));
  const credential = await credentialDiff(ctx, olds, news, replaces);
  const changedInPlace = relabel || inPlace || credential.inPlace;
  const endpointMoved = replaces.length === 0 && !changedInPlace && (await endpointOutdated(ctx, olds.endpoint, olds.bucket));
  return { changes: replaces.length > 0 || changedInPlace || endpointMoved, replaces };
}

/**
 * The label the key should have. An adopted key keeps the label it came with while the program sets none (the
 * key is someone's existing key: adoption must not rename it, and the next preview must show no change).
 */
function wantedLabel(olds: Partial<AccessKeyOutputs>, news: AccessKeyInputs): string | null {
  if ((news.label === undefined || news.label === null) && olds.adopted === true) return olds.label ?? null;
  return news.label ?? null;
}

export async function create(ctx: ProviderContext, inputs: AccessKeyInputs): Promise<CreateResult<AccessKeyOutputs>> {
  const config = ctx.config();
  const client = ctx.client();
  const adopted = await adoptOnCreate(client, inputs.bucket, inputs);
  if (adopted) {
    let live = adopted.live;
    // A `label` input relabels the adopted key now, so the next preview shows no change.
    if (inputs.label !== undefined && inputs.label !== null && inputs.label !== live.label) {
      live = (await client.updateAccessKey(inputs.bucket, live.accessKeyId, { label: inputs.label })).data;
    }
    return { id: live.accessKeyId, outs: plain({ ...liveFields(live, config), secretAccessKey: adopted.secretAccessKey, ...echo(ACCESS_KEY, inputs), adopted: true }) };
  }
  // One Idempotency-Key per logical create, reused by the client across its retries: a retried create whose
  // first answer was lost gets that first key back instead of leaving an orphan key.
  const body: api.CreateAccessKeyRequest = inputs.label === undefined || inputs.label === null ? {} : { label: inputs.label };
  const created = (await client.createAccessKey(inputs.bucket, body, randomUUID())).data;
  const outs = plain({ ...liveFields(created, config), secretAccessKey: created.secretAccessKey, ...echo(ACCESS_KEY, inputs) });
  // Return only once the S3 endpoint accepts the key; a timeout reports the key as created-but-not-ready
  // (PartialCreateError), with the outputs the host must record.
  await ensureReady({ ...created, id: created.accessKeyId }, inputs.readiness, outs);
  return { id: created.accessKeyId, outs };
}

export async function read(ctx: ProviderContext, id: string, props: AccessKeyOutputs): Promise<ReadResult<AccessKeyOutputs>> {
  const config = ctx.config();
  const client = ctx.client();
  let live: api.AccessKey;
  try {
    live = (await client.getAccessKey(props.bucket, id)).data;
  } catch (e) {
    // Revoked or unknown key, or its bucket is gone: the key is gone. Everything else fails the refresh.
    if (e instanceof OtterStorageError && (e.code === "AccessKeyNotFound" || e.code === "BucketNotFound")) return { id: "", props: {} as AccessKeyOutputs };
    throw e;
  }
  return { id: live.accessKeyId, props: plain({ ...props, ...liveFields(live, config), secretAccessKey: props.secretAccessKey }) };
}

export async function update(ctx: ProviderContext, id: string, olds: AccessKeyOutputs, news: AccessKeyInputs): Promise<UpdateResult<AccessKeyOutputs>> {
  const config = ctx.config();
  const client = ctx.client();
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
  return { outs: plain({ ...olds, ...liveFields(live, config), secretAccessKey, ...echo(ACCESS_KEY, news) }) };
}

export async function remove(ctx: ProviderContext, id: string, props: AccessKeyOutputs): Promise<void> {
  const client = ctx.client();
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
