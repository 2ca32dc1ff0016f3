/**
 * One program, one stack per environment (dev, staging, prod). Every stack gets its own buckets and its own keys,
 * one per integration, so a leaked staging key can never read production data: OtterStorage keys are per bucket.
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket, BucketArgs } from "pulumi-otterstorage";

const env = pulumi.getStack();
const config = new pulumi.Config();
const org = config.get("org") ?? "acme";
const isProd = env === "prod";

/**
 * Rotation: the first `pulumi up` after a key turns `rotateAfterDays` old (service clock) replaces it, new key
 * first, old one revoked after. Set `rotation` to any new value to rotate every key now (e.g. after someone leaves).
 */
const rotateAfterDays = config.getNumber("rotateAfterDays") ?? 90;
const rotation = config.get("rotation");

// Bucket names are global across OtterStorage. With no `name`, a Bucket is named after its logical name plus 7
// random letters, chosen once and kept in state (acme-assets-prod-qkzvbxw): no extra provider plugin needed.
function bucket(purpose: string, args: BucketArgs = {}): Bucket {
  return new Bucket(
    `${org}-${purpose}-${env}`,
    {
      tags: { environment: env, purpose },
      // Production data survives a mistaken `pulumi destroy`; dev and staging can be torn down with their objects.
      forceDestroy: !isProd,
      ...args,
    },
    { protect: isProd },
  );
}

const assets = bucket("assets", { versioning: isProd ? "Enabled" : undefined });
const backups = bucket("backups", { versioning: "Enabled", lifecycleRules: [{ id: "abort-stale-uploads", abortIncompleteMultipartUploadDays: 7 }] });

/** One key per integration, labelled after it, on the one bucket it needs. */
const integrations: Record<string, Bucket> = {
  "app-web": assets,
  "ci-deploy": assets,
  "backups-restic": backups,
};
const keys = Object.entries(integrations).map(([label, b]) => ({ label, b, key: new AccessKey(label, { bucket: b.name, label, rotateAfterDays, rotationTrigger: rotation }) }));

export const environment = env;
export const bucketNames = { assets: assets.name, backups: backups.name };
export const endpoint = assets.endpoint;
export const region = assets.region;
export const accessKeyIds = Object.fromEntries(keys.map(({ label, key }) => [label, key.accessKeyId]));
/** Stack secrets: `pulumi stack output secretAccessKeys --show-secrets`. */
export const secretAccessKeys = pulumi.secret(Object.fromEntries(keys.map(({ label, key }) => [label, key.secretAccessKey])));

const profile = (label: string) => `otter-${env}-${label}`;
/** Append to ~/.aws/config: one profile per integration, with region and endpoint (no secrets). */
export const awsConfig = pulumi
  .all(keys.map(({ label, key }) => pulumi.interpolate`[profile ${profile(label)}]\nregion = ${key.region}\nendpoint_url = ${key.endpoint}\n`))
  .apply((sections) => sections.join("\n"));
/** Append to ~/.aws/credentials (a secret): `pulumi stack output awsCredentials --show-secrets >> ~/.aws/credentials`. */
export const awsCredentials = pulumi.secret(
  pulumi
    .all(keys.map(({ label, key }) => pulumi.interpolate`[${profile(label)}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`))
    .apply((sections) => sections.join("\n")),
);
