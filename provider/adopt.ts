/**
 * Adoption: bring a key issued elsewhere (the console, a script) under management without rotating it. Dynamic
 * providers cannot take part in `pulumi import` (https://github.com/pulumi/pulumi/issues/7534,
 * https://github.com/pulumi/pulumi/issues/16175: the engine has no provider to Read with before the program runs,
 * and the secret could not be imported anyway), so `adopt` on AccessKey is the
 * supported path. Create checks, before managing anything:
 *   1. the Control API knows the key as an active key OF THAT BUCKET (otherwise: error naming adopt.accessKeyId);
 *   2. the secret signs a request the S3 endpoint accepts (signed HeadBucket; otherwise: error naming
 *      adopt.secretAccessKey).
 * Nothing is issued or revoked by a failed adoption.
 */
import * as api from "otterstorage-api";
import type { OtterStorageClient } from "./client";
import { OtterStorageError, type ProviderErrorCode } from "./errors";
import { headBucket } from "./readiness";
import type { AdoptInput } from "./inputSchemas";


function adoptError(field: "accessKeyId" | "secretAccessKey", code: ProviderErrorCode & `Adopt${string}`, detail: string, hint: string): OtterStorageError {
  return new OtterStorageError({ code, status: 0, operation: "adopt", detail: `adopt.${field}: ${detail}`, hint });
}

/** Verifies the key and returns its live view. `verifySecret: false` skips step 2 (readiness disabled). */
export async function verifyAdoption(client: OtterStorageClient, bucket: string, adopt: AdoptInput, verifySecret: boolean): Promise<api.AccessKey> {
  let live: api.AccessKey;
  try {
    live = (await client.getAccessKey(bucket, adopt.accessKeyId)).data;
  } catch (e) {
    if (e instanceof OtterStorageError && e.code === "AccessKeyNotFound") {
      throw adoptError(
        "accessKeyId",
        "AdoptedKeyNotOnBucket",
        `access key ${adopt.accessKeyId} is not an active key of bucket ${bucket} (keys are isolated per bucket: it belongs to another bucket, was revoked, or never existed).`,
        `Use a key listed on ${bucket}'s Access keys tab, or omit \`adopt\` to issue a new key.`,
      );
    }
    throw e;
  }
  if (!verifySecret) return live;
  let offset = 0;
  let answer = await headBucket({ endpoint: live.endpoint, region: live.region, bucket, accessKeyId: adopt.accessKeyId, secretAccessKey: adopt.secretAccessKey }, offset);
  if (answer.offsetMs !== offset) {
    offset = answer.offsetMs; // our clock is off: re-sign with the data plane's time once
    answer = await headBucket({ endpoint: live.endpoint, region: live.region, bucket, accessKeyId: adopt.accessKeyId, secretAccessKey: adopt.secretAccessKey }, offset);
  }
  if (answer.status === 200) return live;
  if (answer.status === 403) {
    throw adoptError(
      "secretAccessKey",
      "AdoptedSecretInvalid",
      `the secret does not sign valid requests for access key ${adopt.accessKeyId} (the S3 endpoint ${live.endpoint} answered 403 to a signed HeadBucket on ${bucket}).`,
      "Pass the secret that was shown when this key was created; if it is lost, it cannot be recovered: omit `adopt` to issue a new key, then revoke the old one.",
    );
  }
  throw adoptError(
    "secretAccessKey",
    "AdoptionUnverified",
    `could not verify the secret of ${adopt.accessKeyId}: the S3 endpoint ${live.endpoint} ${answer.status ? `answered HTTP ${answer.status}` : `could not be reached (${answer.error ?? "no answer"})`}.`,
    "Retry when the S3 endpoint is reachable, or set `readiness: { disabled: true }` to adopt without verifying the secret.",
  );
}
