/**
 * The quickstart (root Pulumi.yaml): one bucket, two labelled keys — one per integration — and what you need to
 * use them. `npm run up` runs it as stack `dev` against Local OtterStorage; see README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket } from "pulumi-otterstorage";

const bucket = new Bucket("quickstart", {
  versioning: "Enabled",
  tags: { environment: pulumi.getStack(), project: pulumi.getProject() },
  // A quickstart: `pulumi destroy` may delete it with whatever you uploaded. Never in production.
  forceDestroy: true,
});

// One key per integration, labelled after it; each is replaced by the first `pulumi up` once 90 days old.
const appWeb = new AccessKey("app-web", { bucket: bucket.name, label: "app-web", rotateAfterDays: 90 });
const ciDeploy = new AccessKey("ci-deploy", { bucket: bucket.name, label: "ci-deploy", rotateAfterDays: 90 });

export const bucketName = bucket.name;
export const endpoint = bucket.endpoint;
export const region = bucket.region;
export const appWebAccessKeyId = appWeb.accessKeyId;
/** A stack secret: `pulumi stack output appWebSecretAccessKey --show-secrets`. */
export const appWebSecretAccessKey = appWeb.secretAccessKey;
export const ciDeployAccessKeyId = ciDeploy.accessKeyId;
export const ciDeploySecretAccessKey = ciDeploy.secretAccessKey;

/** Copy-paste: lists the bucket with the app-web key. Holds no secret; it asks Pulumi for it. */
export const awsCli = pulumi.interpolate`AWS_ACCESS_KEY_ID=$(pulumi stack output appWebAccessKeyId) AWS_SECRET_ACCESS_KEY=$(pulumi stack output appWebSecretAccessKey --show-secrets) AWS_DEFAULT_REGION=${appWeb.region} aws --endpoint-url ${appWeb.endpoint} s3 ls s3://${bucket.name}`;
