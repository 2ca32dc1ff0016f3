/**
 * The deploy job's credentials. Through a StackReference it reads the storage stack that examples/environments
 * manages, and hands the job one secret env file, in one of two modes (config `credentials`):
 *
 * - "key" (default): the storage stack's `ci-deploy` key, which that stack rotates (rotateAfterDays); the job gets
 *   the current pair on every run. Needs read access to the storage stack only.
 * - "temporary": credentials for the deploy bucket that expire after `durationSeconds` (15 minutes by default),
 *   issued on every run. Needs the OtterStorage endpoint and account token (OTTERSTORAGE_ENDPOINT/TOKEN) in the
 *   step that runs Pulumi, never in the step that uses the credentials.
 *
 * It creates no bucket and no key: the storage stack stays the one place keys are issued, rotated and revoked.
 */
import * as pulumi from "@pulumi/pulumi";
import { issueTemporaryCredentials } from "pulumi-otterstorage";

const config = new pulumi.Config();
const project = pulumi.getProject();
/** The storage stack, e.g. `organization/otterstorage-environments/staging` (self-managed backend) or `acme/otterstorage-environments/staging`. */
const storageStackName = config.require("storageStack");
/** Which integration's key the job gets ("key" mode), and which of the storage stack's buckets it deploys to. */
const integration = config.get("integration") ?? "ci-deploy";
const bucketPurpose = config.get("bucket") ?? "assets";
const mode = config.get("credentials") ?? "key";
if (mode !== "key" && mode !== "temporary") throw new Error(`${project}:credentials must be "key" or "temporary"; got "${mode}"`);
const durationSeconds = config.getNumber("durationSeconds") ?? 900;

const storage = new pulumi.StackReference(storageStackName);

function pick(output: string, name: string, setting: string) {
  return storage.requireOutput(output).apply((all: Record<string, string>) => {
    if (!all || !(name in all)) {
      throw new Error(`stack ${storageStackName} has no ${output}["${name}"] (it has: ${Object.keys(all ?? {}).join(", ") || "none"}); set ${project}:${setting} to one of those`);
    }
    return all[name];
  });
}

const bucket = pick("bucketNames", bucketPurpose, "bucket");
const endpoint = storage.requireOutput("endpoint") as pulumi.Output<string>;
const region = storage.getOutput("region").apply((r) => (r as string | undefined) ?? "eu-mad");

interface JobCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  endpoint: string;
  region: string;
  expiresAt?: string;
}

// Secret as a whole; only the fields that are safe to show are unwrapped below.
const credentials: pulumi.Output<JobCredentials> = pulumi.secret(
  mode === "key"
    ? pulumi.all([pick("accessKeyIds", integration, "integration"), pick("secretAccessKeys", integration, "integration"), endpoint, region]).apply(
        ([accessKeyId, secretAccessKey, e, r]) => ({ accessKeyId, secretAccessKey, endpoint: e, region: r }),
      )
    : bucket.apply((b) => issueTemporaryCredentials({ bucket: b, durationSeconds })),
);

export const credentialsMode = mode;
export const deployBucket = bucket;
export const deployEndpoint = pulumi.unsecret(credentials.apply((c) => c.endpoint));
export const deployAccessKeyId = pulumi.unsecret(credentials.apply((c) => c.accessKeyId));
/** When the credentials stop working ("temporary" mode; service clock). */
export const deployExpiresAt = pulumi.unsecret(credentials.apply((c) => c.expiresAt ?? "never (rotated by the storage stack)"));
/** `NAME=value` lines for $GITHUB_ENV (a stack secret; the workflow masks every value before using it). */
export const deployEnv = pulumi.secret(
  pulumi.all([credentials, bucket]).apply(([c, b]: [JobCredentials, string]) =>
    [
      `AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
      ...(c.sessionToken ? [`AWS_SESSION_TOKEN=${c.sessionToken}`] : []),
      `AWS_DEFAULT_REGION=${c.region}`,
      `AWS_ENDPOINT_URL=${c.endpoint}`,
      `DEPLOY_BUCKET=${b}`,
      "",
    ].join("\n"),
  ),
);
