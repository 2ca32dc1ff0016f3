/**
 * The credential logic (docs/rotation.md) of AccessKey, kept out of provider/accessKey.ts so that file stays one resource in
 * one fixed order: `rotateAfterDays` (replacement by age on the service clock), `readiness` (create returns only
 * once the S3 endpoint accepts the key), `adopt` (manage an existing key), `profileName` (the name used by the SDK's
 * awsProfile / rcloneRemote outputs). Their table entries are in provider/accessKeyFields.ts; accessKey.ts calls
 * the hooks below.
 */
import * as api from "otterstorage-api";
import type { AccessKeyInputs } from "./accessKeyFields";
import type { OtterStorageClient } from "./client";
import type { ProviderContext } from "./context";
import { isUnknown } from "./common";
import { OtterStorageError, PartialCreateError, PROVIDER_ERRORS } from "./errors";
import { verifyAdoption } from "./adopt";
import { waitUntilReady } from "./readiness";
import { dueByAge } from "./rotation";
import type { ReadinessInput } from "./inputSchemas";

export const DEFAULT_READINESS_TIMEOUT_SECONDS = 60;

/** The credential inputs the hooks below read (their schemas: the table, provider/accessKeyFields.ts). */
type CredentialInputs = Pick<AccessKeyInputs, "rotateAfterDays" | "readiness" | "adopt" | "profileName">;

export interface KeyState { accessKeyId: string; createdAt: string; secretAccessKey?: string; rotateAfterDays?: number; readiness?: ReadinessInput; profileName?: string }

/**
 * Diff hook: adds "adopt" / "rotateAfterDays" to `replaces`, and says whether a corrected adopted secret changes in
 * place (the table's generic comparison covers the other credential fields: provider/accessKey.ts diff).
 * The age is asked of the service clock only when nothing else already replaces the key, at most once per run
 * (provider/rotation.ts dueByAge: frozen for the run; unreachable → only a key provably not due diffs on).
 * A corrected `adopt.secretAccessKey` for the same key is an in-place update (update verifies and stores it).
 */
export async function credentialDiff(ctx: ProviderContext, olds: KeyState, news: CredentialInputs, replaces: string[]): Promise<{ inPlace: boolean }> {
  if (news.adopt && (isUnknown(news.adopt.accessKeyId) || news.adopt.accessKeyId !== olds.accessKeyId)) replaces.push("adopt");
  const days = news.rotateAfterDays;
  if (replaces.length === 0 && typeof days === "number" && olds.createdAt && (await dueByAge(ctx, olds, days))) {
    replaces.push("rotateAfterDays");
  }
  if (replaces.length > 0 && news.adopt && news.adopt.accessKeyId === olds.accessKeyId) {
    // A replacement issues a new key and then revokes the old one; with `adopt` still naming the old key the
    // create would adopt the very key the delete is about to revoke.
    throw new OtterStorageError({
      code: "AdoptBlocksRotation",
      status: 0,
      operation: "diff",
      detail: `adopt.accessKeyId: this change (${replaces.join(", ")}) replaces adopted key ${olds.accessKeyId}, and \`adopt\` still names it.`,
      hint: PROVIDER_ERRORS.AdoptBlocksRotation.hint,
    });
  }
  return { inPlace: adoptedSecretChanged(olds, news) };
}

/** `adopt` still names this key but carries another secret than the state (a corrected secret). */
export function adoptedSecretChanged(olds: KeyState, news: CredentialInputs): boolean {
  const a = news.adopt;
  if (!a || isUnknown(a.accessKeyId) || a.accessKeyId !== olds.accessKeyId) return false;
  return isUnknown(a.secretAccessKey) || a.secretAccessKey !== olds.secretAccessKey;
}

/**
 * Update hook for a corrected `adopt.secretAccessKey`: verified like a new adoption (the key is an active key of
 * the bucket; the secret signs a HeadBucket the S3 endpoint accepts) before it replaces the secret in the state.
 * A 403 always refuses (the old secret stays); with readiness disabled an unreachable S3 endpoint does not.
 */
export async function correctedSecret(client: OtterStorageClient, bucket: string, olds: KeyState, news: CredentialInputs): Promise<string | undefined> {
  if (!adoptedSecretChanged(olds, news)) return undefined;
  try {
    await verifyAdoption(client, bucket, news.adopt!, true);
  } catch (e) {
    if (!(news.readiness?.disabled && e instanceof OtterStorageError && e.code === "AdoptionUnverified")) throw e;
  }
  return news.adopt!.secretAccessKey;
}

/** Create hook for `adopt`: verify, then manage the existing key. Undefined when the inputs do not adopt. */
export async function adoptOnCreate(client: OtterStorageClient, bucket: string, inputs: CredentialInputs): Promise<{ live: api.AccessKey; secretAccessKey: string } | undefined> {
  if (!inputs.adopt) return undefined;
  const live = await verifyAdoption(client, bucket, inputs.adopt, !inputs.readiness?.disabled);
  return { live, secretAccessKey: inputs.adopt.secretAccessKey };
}

/**
 * Readiness hook, after create (and again on update, so a key that timed out is confirmed by the next `up`).
 * On timeout during create (`created` given) it throws a PartialCreateError carrying the id and the outputs: each
 * host reports that the way its engine records a resource that exists but failed to become ready (Pulumi:
 * ErrorResourceInitFailed), so the key is kept (nothing is leaked or revoked) and the next run updates it,
 * which probes again.
 */
export async function ensureReady(
  key: { id: string; bucket: string; region: string; endpoint: string; secretAccessKey: string },
  readiness: ReadinessInput | undefined,
  created?: Record<string, unknown>,
): Promise<void> {
  if (readiness?.disabled) return;
  try {
    await waitUntilReady(
      { endpoint: key.endpoint, region: key.region, bucket: key.bucket, accessKeyId: key.id, secretAccessKey: key.secretAccessKey },
      { timeoutSeconds: readiness?.timeoutSeconds ?? DEFAULT_READINESS_TIMEOUT_SECONDS, field: "readiness.timeoutSeconds" },
    );
  } catch (e) {
    if (created !== undefined && e instanceof OtterStorageError) throw new PartialCreateError(e, key.id, created);
    throw e;
  }
}
