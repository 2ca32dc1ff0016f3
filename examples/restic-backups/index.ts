/**
 * A bucket for restic backups and the one key restic uses, with the exact environment restic needs.
 * `pulumi stack output resticEnv --show-secrets > restic.env && . ./restic.env && restic init`
 */
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket } from "pulumi-otterstorage";

const config = new pulumi.Config();
/** Folder inside the bucket, one per backed-up host. */
const host = config.get("host") ?? "server-1";

const backups = new Bucket("backups", {
  tags: { environment: pulumi.getStack(), purpose: "restic" },
  // restic writes immutable pack files; failed uploads leave incomplete multipart uploads behind.
  lifecycleRules: [{ id: "abort-stale-uploads", abortIncompleteMultipartUploadDays: 7 }],
});

// Replaced by the first `pulumi up` once 90 days old: write restic.env again after such an up.
const restic = new AccessKey("backups-restic", {
  bucket: backups.name,
  label: "backups-restic",
  rotateAfterDays: config.getNumber("rotateAfterDays") ?? 90,
  rotationTrigger: config.get("rotation"),
});

export const bucketName = backups.name;
export const resticRepository = pulumi.interpolate`s3:${restic.endpoint}/${backups.name}/${host}`;
export const accessKeyId = restic.accessKeyId;
export const secretAccessKey = restic.secretAccessKey;

/**
 * Everything restic needs except the repository password, which never belongs in infrastructure state: keep it
 * in your secrets manager and point RESTIC_PASSWORD_FILE (or RESTIC_PASSWORD_COMMAND) at it.
 */
export const resticEnv = pulumi.secret(
  pulumi.interpolate`export AWS_ACCESS_KEY_ID=${restic.accessKeyId}
export AWS_SECRET_ACCESS_KEY=${restic.secretAccessKey}
export AWS_DEFAULT_REGION=${restic.region}
export RESTIC_REPOSITORY=s3:${restic.endpoint}/${backups.name}/${host}
export RESTIC_PASSWORD_FILE="$HOME/.config/restic/${host}.password"
`,
);
