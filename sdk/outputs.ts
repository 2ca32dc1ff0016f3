/**
 * Ready-to-use credential outputs: the forms clients actually consume (Option A profile and Option B environment
 * of the OtterStorage guide "Configure access keys", an SDK client config, an rclone remote). Computed in the program from a key's outputs with
 * pulumi.all/apply and wrapped with pulumi.secret, so nothing new is stored in state and every form that holds the
 * secret is a secret. The plain `…Of` functions do the same for values you already hold (e.g. temporary
 * credentials outside Pulumi).
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PROFILE_NAME, awsProfileOf, environmentOf, rcloneRemoteOf, s3ClientConfigOf } from "otterstorage-api";

export { awsProfileOf, environmentOf, rcloneRemoteOf, s3ClientConfigOf } from "otterstorage-api";
export type { AwsProfile, Credentials, EnvironmentMap, S3ClientConfig } from "otterstorage-api";
import type { AwsProfile, Credentials, EnvironmentMap, S3ClientConfig } from "otterstorage-api";

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
