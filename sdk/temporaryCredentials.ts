/**
 * Temporary credentials for CI jobs: bucket-scoped, expiring credentials issued by the Control API
 * (POST /v1/buckets/{bucket}/temporary-credentials), returned as secrets with their expiry.
 *
 * Configuration is resolved as the provider resolves it — stack config `otterstorage:endpoint` /
 * `otterstorage:token` / `otterstorage:s3Endpoint`, then OTTERSTORAGE_ENDPOINT / OTTERSTORAGE_TOKEN /
 * OTTERSTORAGE_S3_ENDPOINT — but in the program, because this is a function, not a resource: every run (preview
 * included) issues a fresh set; they are never stored as resource state and simply expire.
 */
import * as pulumi from "@pulumi/pulumi";
import { ProviderContext } from "../provider/context";
import { issueTemporaryCredentials as issue, validateTemporaryCredentialsArgs } from "../provider/temporaryCredentials";
import { CONFIG_KEYS, ENV_KEYS } from "../provider/config";
import { OtterStorageError } from "../provider/errors";
import { Credentials, environmentOf, EnvironmentMap, s3ClientConfigOf, S3ClientConfig } from "./outputs";

export interface ProgramConfig {
  endpoint: string;
  token: string;
  s3Endpoint?: string;
}

/** Stack config first, then the environment (the provider's order). Throws naming both ways when incomplete. */
export async function programConfig(): Promise<ProgramConfig> {
  let endpoint: string | undefined;
  let token: string | undefined;
  let s3Endpoint: string | undefined;
  try {
    const cfg = new pulumi.Config("otterstorage");
    endpoint = cfg.get("endpoint");
    s3Endpoint = cfg.get("s3Endpoint");
    const secret = cfg.getSecret("token");
    if (secret) token = await new Promise<string>((resolve) => secret.apply((t) => resolve(t)));
  } catch {
    /* outside a Pulumi program: the environment only */
  }
  endpoint ||= process.env[ENV_KEYS.endpoint] || undefined;
  token ||= process.env[ENV_KEYS.token] || undefined;
  s3Endpoint ||= process.env[ENV_KEYS.s3Endpoint] || undefined;
  if (!endpoint || !token) {
    throw new OtterStorageError({
      code: "ConfigurationMissing",
      status: 0,
      operation: "configure",
      detail: `the program has no ${[!endpoint && "endpoint", !token && "token"].filter(Boolean).join(" and no ")}.`,
      hint: `Set \`pulumi config set ${CONFIG_KEYS.endpoint} <url>\` and \`pulumi config set --secret ${CONFIG_KEYS.token} <token>\` (or ${ENV_KEYS.endpoint} and ${ENV_KEYS.token}).`,
    });
  }
  return { endpoint: endpoint.replace(/\/+$/, ""), token, s3Endpoint };
}

export type { TemporaryCredentialsArgs } from "../provider/temporaryCredentials";
import type { TemporaryCredentialsArgs } from "../provider/temporaryCredentials";

export interface IssuedTemporaryCredentials extends Credentials {
  sessionToken: string;
  bucket: string;
  /** RFC 3339, on the service clock. */
  expiresAt: string;
}

/** Plain async form (no Pulumi needed): issues the credentials now. `config` defaults to programConfig(). */
export async function issueTemporaryCredentials(args: TemporaryCredentialsArgs, config?: ProgramConfig): Promise<IssuedTemporaryCredentials> {
  validateTemporaryCredentialsArgs(args);
  const cfg = config ?? (await programConfig());
  return issue(new ProviderContext({ endpoint: cfg.endpoint, token: cfg.token, s3Endpoint: cfg.s3Endpoint }), args);
}

export interface TemporaryCredentialsResult {
  accessKeyId: pulumi.Output<string>;
  /** Secret. */
  secretAccessKey: pulumi.Output<string>;
  /** Secret. */
  sessionToken: pulumi.Output<string>;
  bucket: pulumi.Output<string>;
  endpoint: pulumi.Output<string>;
  region: pulumi.Output<string>;
  /** RFC 3339 expiry (service clock). Not secret. */
  expiresAt: pulumi.Output<string>;
  /** Secret. AWS_* variables including AWS_SESSION_TOKEN. */
  environment: pulumi.Output<EnvironmentMap>;
  /** Secret. For @aws-sdk/client-s3. */
  s3ClientConfig: pulumi.Output<S3ClientConfig>;
}

/**
 * Issues bucket-scoped, expiring credentials, e.g. to hand a CI job for one run.
 *
 * @example
 * ```ts
 * const tmp = getTemporaryCredentials({ bucket: "media-abcdefg", durationSeconds: 900 });
 * export const ciEnv = tmp.environment;     // [secret]
 * export const expiresAt = tmp.expiresAt;
 * ```
 */
export function getTemporaryCredentials(args: TemporaryCredentialsArgs): TemporaryCredentialsResult {
  const issued = pulumi.output(issueTemporaryCredentials(args));
  const pick = <K extends keyof IssuedTemporaryCredentials>(k: K) => issued.apply((t) => t[k]);
  return {
    accessKeyId: pick("accessKeyId"),
    secretAccessKey: pulumi.secret(pick("secretAccessKey")),
    sessionToken: pulumi.secret(pick("sessionToken")),
    bucket: pick("bucket"),
    endpoint: pick("endpoint"),
    region: pick("region"),
    expiresAt: pick("expiresAt"),
    environment: pulumi.secret(issued.apply(environmentOf)),
    s3ClientConfig: pulumi.secret(issued.apply(s3ClientConfigOf)),
  };
}
