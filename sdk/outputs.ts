/**
 * Ready-to-use credential outputs: the forms clients actually consume (the seed's Option A profile, Option B
 * environment, an SDK client config, an rclone remote). Computed in the program from a key's outputs with
 * pulumi.all/apply and wrapped with pulumi.secret, so nothing new is stored in state and every form that holds the
 * secret is a secret. The plain `…Of` functions do the same for values you already hold (e.g. temporary
 * credentials outside Pulumi).
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PROFILE_NAME } from "../provider/credentials";

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
  /** A section for ~/.aws/config, with endpoint_url (seed Option A), so no --endpoint-url is needed. */
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

export interface ReadyToUseOutputs {
  /** Secret. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, AWS_ENDPOINT_URL. */
  environment: pulumi.Output<EnvironmentMap>;
  /** Secret. Credentials + config snippets for `aws --profile`. */
  awsProfile: pulumi.Output<AwsProfile>;
  /** Secret. A config object for @aws-sdk/client-s3's S3Client. */
  s3ClientConfig: pulumi.Output<S3ClientConfig>;
  /** Secret. An rclone.conf remote section. */
  rcloneRemote: pulumi.Output<string>;
}

export interface CredentialInputs {
  accessKeyId: pulumi.Input<string>;
  secretAccessKey: pulumi.Input<string>;
  sessionToken?: pulumi.Input<string | undefined>;
  endpoint: pulumi.Input<string>;
  region: pulumi.Input<string>;
}

/** The four forms, each a secret Output. */
export function readyToUse(k: CredentialInputs, profileName?: pulumi.Input<string | undefined>): ReadyToUseOutputs {
  const creds = pulumi
    .all([k.accessKeyId, k.secretAccessKey, k.sessionToken, k.endpoint, k.region, profileName])
    .apply(([accessKeyId, secretAccessKey, sessionToken, endpoint, region, name]) => ({
      c: { accessKeyId, secretAccessKey, sessionToken: sessionToken ?? undefined, endpoint, region } as Credentials,
      name: name || DEFAULT_PROFILE_NAME,
    }));
  return {
    environment: pulumi.secret(creds.apply(({ c }) => environmentOf(c))),
    awsProfile: pulumi.secret(creds.apply(({ c, name }) => awsProfileOf(c, name))),
    s3ClientConfig: pulumi.secret(creds.apply(({ c }) => s3ClientConfigOf(c))),
    rcloneRemote: pulumi.secret(creds.apply(({ c, name }) => rcloneRemoteOf(c, name))),
  };
}
