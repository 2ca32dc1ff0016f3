/**
 * The deploy job's view of the storage stack. Through a StackReference it reads the bucket and the `ci-deploy`
 * key that examples/environments manages (and rotates), and hands them to the job as one secret env file.
 * It creates nothing: the storage stack stays the one place keys are issued, rotated and revoked.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
/** The storage stack, e.g. `organization/otterstorage-environments/staging` (self-managed backend) or `acme/otterstorage-environments/staging`. */
const storageStackName = config.require("storageStack");
/** Which integration's key the job gets, and which of the storage stack's buckets it deploys to. */
const integration = config.get("integration") ?? "ci-deploy";
const bucketPurpose = config.get("bucket") ?? "assets";

const storage = new pulumi.StackReference(storageStackName);

function pick(output: string, name: string) {
  return storage.requireOutput(output).apply((all: Record<string, string>) => {
    if (!all || !(name in all)) {
      throw new Error(`stack ${storageStackName} has no ${output}["${name}"] (it has: ${Object.keys(all ?? {}).join(", ") || "none"}); set ${pulumi.getProject()}:${output === "bucketNames" ? "bucket" : "integration"} to one of those`);
    }
    return all[name];
  });
}

const bucket = pick("bucketNames", bucketPurpose);
const accessKeyId = pick("accessKeyIds", integration);
const secretAccessKey = pick("secretAccessKeys", integration); // stays a secret: the reference keeps secretness
const endpoint = storage.requireOutput("endpoint");
const region = storage.getOutput("region").apply((r) => (r as string | undefined) ?? "eu-mad");

export const deployBucket = bucket;
export const deployEndpoint = endpoint;
export const deployAccessKeyId = accessKeyId;
/** `NAME=value` lines for $GITHUB_ENV (a stack secret; the workflow masks every value before using it). */
export const deployEnv = pulumi.secret(
  pulumi.interpolate`AWS_ACCESS_KEY_ID=${accessKeyId}
AWS_SECRET_ACCESS_KEY=${secretAccessKey}
AWS_DEFAULT_REGION=${region}
AWS_ENDPOINT_URL=${endpoint}
DEPLOY_BUCKET=${bucket}
`,
);
