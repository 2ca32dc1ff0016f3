/**
 * The ready-to-use credential forms (the access-keys guide's Option A profile, Option B environment, an SDK client
 * config, an rclone remote) as plain functions of values already held. One source for the SDK's secret outputs
 * (sdk/outputs.ts in pulumi-otterstorage wraps these with pulumi.secret) and for the console's "new key" panel (emulator/console/), so
 * this module must not import Pulumi.
 */
/** The AWS profile name the credential forms use unless told otherwise (`[profile otter]`). */
export const DEFAULT_PROFILE_NAME = "otter";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials only. */
  sessionToken?: string;
  /** The S3 endpoint. */
  endpoint: string;
  region: string;
}

/** AWS_* variables read by the AWS CLI, boto3, the AWS SDKs, rclone (env_auth) and most S3 tools. */
export type EnvironmentMap = Record<string, string>;

export interface AwsProfile {
  /** The profile name, e.g. "otter" (`aws --profile otter …`). */
  name: string;
  /** A section for ~/.aws/credentials. */
  credentials: string;
  /** A section for ~/.aws/config, with endpoint_url (Option A of the OtterStorage guide "Configure access keys"), so no --endpoint-url is needed. */
  config: string;
}

/** Pass straight to `new S3Client(config)` from @aws-sdk/client-s3. */
export interface S3ClientConfig {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function environmentOf(c: Credentials): EnvironmentMap {
  const env: EnvironmentMap = {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_DEFAULT_REGION: c.region,
    AWS_ENDPOINT_URL: c.endpoint,
  };
  if (c.sessionToken) env.AWS_SESSION_TOKEN = c.sessionToken;
  return env;
}

export function awsProfileOf(c: Credentials, name = DEFAULT_PROFILE_NAME): AwsProfile {
  const token = c.sessionToken ? `aws_session_token = ${c.sessionToken}\n` : "";
  return {
    name,
    credentials: `[${name}]\naws_access_key_id = ${c.accessKeyId}\naws_secret_access_key = ${c.secretAccessKey}\n${token}`,
    config: `[profile ${name}]\nregion = ${c.region}\noutput = json\nendpoint_url = ${c.endpoint}\n`,
  };
}

export function s3ClientConfigOf(c: Credentials): S3ClientConfig {
  const credentials: S3ClientConfig["credentials"] = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
  if (c.sessionToken) credentials.sessionToken = c.sessionToken;
  return { endpoint: c.endpoint, region: c.region, forcePathStyle: true, credentials };
}

/** An rclone.conf section (`rclone lsd otter:`); provider Other, path-style. */
export function rcloneRemoteOf(c: Credentials, name = DEFAULT_PROFILE_NAME): string {
  const token = c.sessionToken ? `session_token = ${c.sessionToken}\n` : "";
  return (
    `[${name}]\ntype = s3\nprovider = Other\naccess_key_id = ${c.accessKeyId}\nsecret_access_key = ${c.secretAccessKey}\n${token}` +
    `region = ${c.region}\nendpoint = ${c.endpoint}\nforce_path_style = true\n`
  );
}
