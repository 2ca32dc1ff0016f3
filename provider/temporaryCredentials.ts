/**
 * Temporary credentials for one bucket (POST /v1/buckets/{bucket}/temporary-credentials): validated arguments, the
 * call, and the answer with the S3 endpoint users should be handed. Shared by the SDK's getTemporaryCredentials
 * (sdk/temporaryCredentials.ts) and the native plugin's Invoke of `otterstorage:index:getTemporaryCredentials`.
 * Never state: every call issues fresh credentials.
 */
import * as api from "otterstorage-api";
import type { ProviderContext } from "./context";
import { OtterStorageError } from "./errors";
import { s3EndpointFor } from "./common";

export interface TemporaryCredentialsArgs {
  /** The bucket the credentials are for. */
  bucket: string;
  /** Lifetime in seconds, 900 to 43200. @default 3600 */
  durationSeconds?: number;
}

export interface IssuedTemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  bucket: string;
  endpoint: string;
  region: string;
  /** RFC 3339, on the service clock. */
  expiresAt: string;
}

/** The outputs that are secrets (schema.json and the plugin mark them). */
export const TEMPORARY_CREDENTIALS_SECRETS = ["secretAccessKey", "sessionToken"] as const;

/** Throws a ValidationFailed error naming the argument and what to pass. */
export function validateTemporaryCredentialsArgs(args: Partial<TemporaryCredentialsArgs> | undefined): asserts args is TemporaryCredentialsArgs {
  const bad = (property: string, reason: string) =>
    new OtterStorageError({ code: "ValidationFailed", status: 0, operation: "getTemporaryCredentials", detail: `${property} ${reason}.`, hint: "Fix that argument and run again." });
  if (typeof args?.bucket !== "string" || !api.BucketName.safeParse(args.bucket).success) throw bad("bucket", "must be an existing bucket's name, e.g. `bucket: myBucket.name`");
  const d = args.durationSeconds;
  if (d !== undefined && d !== null && (typeof d !== "number" || !Number.isInteger(d) || d < api.TEMP_CREDENTIALS_MIN_SECONDS || d > api.TEMP_CREDENTIALS_MAX_SECONDS)) {
    throw bad("durationSeconds", `must be a whole number of seconds from ${api.TEMP_CREDENTIALS_MIN_SECONDS} (15 minutes) to ${api.TEMP_CREDENTIALS_MAX_SECONDS} (12 hours); got ${String(d)}`);
  }
}

export async function issueTemporaryCredentials(ctx: ProviderContext, args: TemporaryCredentialsArgs): Promise<IssuedTemporaryCredentials> {
  validateTemporaryCredentialsArgs(args);
  const t = (await ctx.client().createTemporaryCredentials(args.bucket, { durationSeconds: args.durationSeconds ?? 3600 })).data;
  return {
    accessKeyId: t.accessKeyId,
    secretAccessKey: t.secretAccessKey,
    sessionToken: t.sessionToken,
    bucket: t.bucket,
    endpoint: s3EndpointFor(ctx.config(), t.endpoint),
    region: t.region,
    expiresAt: t.expiresAt,
  };
}
