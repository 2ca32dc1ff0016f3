/**
 * A multipart upload belongs to one incarnation of its bucket (BucketRecord.incarnation, docs/architecture.md):
 * deleting the bucket through the Control API, with or without `?force=true`, disposes of its unfinished uploads,
 * their parts and part files, and a bucket created again under the same name starts with none. Driven with the AWS
 * SDK v3 as a user's client, against a data dir whose files the test inspects.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, S3Client, UploadPartCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { spawnSync } from "node:child_process";
import { startOtterStorage, type OtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { runCommand } from "./support/run";
import { skipBecause } from "./support/skip";
import { bucketWithKey, sdk } from "./s3-support";

/** Every body file under <dataDir>/objects (temp files aside). */
function bodyFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== "tmp") walk(p);
      } else out.push(path.relative(dataDir, p));
    }
  };
  walk(path.join(dataDir, "objects"));
  return out.sort();
}

async function errorName(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { name: string }).name;
  }
  return "no error";
}

describe("emulator: multipart uploads do not outlive their bucket", function () {
  this.timeout(60_000);
  let svc: OtterStorage;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-uploads-"));
    svc = await startOtterStorage({ dataDir: dir });
  });
  after(async () => {
    await svc?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A bucket with one unfinished upload of one 1 MiB part; returns the client, the upload id and the part's ETag. */
  async function unfinished(bucket: string): Promise<{ s3: S3Client; uploadId: string; etag: string }> {
    const key = await bucketWithKey(svc, bucket);
    const s3 = sdk(svc, key);
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "old.bin" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "old.bin", UploadId: up.UploadId, PartNumber: 1, Body: Buffer.alloc(1024 * 1024, 7) }));
    return { s3, uploadId: up.UploadId as string, etag: part.ETag as string };
  }

  for (const force of [false, true]) {
    it(`DELETE${force ? "?force=true" : ""} of a bucket holding only an unfinished upload answers 204, removes its part files, and the re-created bucket's key finds no upload, no part and nothing to complete`, async () => {
      const bucket = force ? "mpu-forced" : "mpu-plain";
      const before = bodyFiles(dir);
      const old = await unfinished(bucket);
      const withPart = bodyFiles(dir);
      assert.equal(withPart.length, before.length + 1, "the part is a file in the data dir");
      const partFile = withPart.find((f) => !before.includes(f)) as string;

      const api = control(svc);
      assert.equal((await api.delete(`/v1/buckets/${bucket}${force ? "?force=true" : ""}`)).status, 204);
      await svc.objects.unlinksSettled();
      assert.ok(!fs.existsSync(path.join(dir, partFile)), `the part file ${partFile} is gone with the bucket`);
      assert.deepEqual(bodyFiles(dir), before);
      old.s3.destroy();

      const fresh = sdk(svc, await bucketWithKey(svc, bucket));
      try {
        const listed = await fresh.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
        assert.deepEqual(listed.Uploads ?? [], [], "the new bucket lists no upload");
        assert.equal(await errorName(fresh.send(new ListPartsCommand({ Bucket: bucket, Key: "old.bin", UploadId: old.uploadId }))), "NoSuchUpload");
        assert.equal(await errorName(fresh.send(new UploadPartCommand({ Bucket: bucket, Key: "old.bin", UploadId: old.uploadId, PartNumber: 2, Body: Buffer.from("x") }))), "NoSuchUpload");
        assert.equal(
          await errorName(fresh.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "old.bin", UploadId: old.uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: old.etag }] } }))),
          "NoSuchUpload",
        );
        assert.equal(await errorName(fresh.send(new GetObjectCommand({ Bucket: bucket, Key: "old.bin" }))), "NoSuchKey", "the old bytes are nowhere");
        await svc.objects.unlinksSettled();
        assert.deepEqual(bodyFiles(dir), before, "a refused UploadPart leaves no file behind");
      } finally {
        fresh.destroy();
      }
    });
  }

  it("the AWS CLI sees the same: after delete and re-create, list-multipart-uploads is empty and the old upload id is NoSuchUpload", async function () {
    if (spawnSync("aws", ["--version"], { encoding: "utf8" }).status !== 0) return skipBecause(this, "the AWS CLI is not installed (pip install awscli)");
    const bucket = "mpu-cli";
    const env = (k: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv => {
      const e: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: k.accessKeyId, AWS_SECRET_ACCESS_KEY: k.secretAccessKey, AWS_DEFAULT_REGION: "eu-mad", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
      for (const v of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"]) delete e[v];
      return e;
    };
    const aws = (k: { accessKeyId: string; secretAccessKey: string }, ...args: string[]) => runCommand("aws", ["--endpoint-url", svc.s3Url, "--output", "json", "s3api", ...args], env(k));
    const before = bodyFiles(dir);
    const oldKey = await bucketWithKey(svc, bucket);
    const created = await aws(oldKey, "create-multipart-upload", "--bucket", bucket, "--key", "old.bin");
    assert.equal(created.code, 0, created.stderr);
    const uploadId = JSON.parse(created.stdout).UploadId as string;
    const partFile = path.join(dir, "part.bin");
    fs.writeFileSync(partFile, Buffer.alloc(64 * 1024, 3));
    try {
      const part = await aws(oldKey, "upload-part", "--bucket", bucket, "--key", "old.bin", "--upload-id", uploadId, "--part-number", "1", "--body", partFile);
      assert.equal(part.code, 0, part.stderr);
    } finally {
      fs.rmSync(partFile);
    }
    assert.equal((await control(svc).delete(`/v1/buckets/${bucket}`)).status, 204);
    const newKey = await bucketWithKey(svc, bucket);
    const listed = await aws(newKey, "list-multipart-uploads", "--bucket", bucket);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(listed.stdout.trim() === "" ? [] : (JSON.parse(listed.stdout).Uploads ?? []), []);
    const parts = await aws(newKey, "list-parts", "--bucket", bucket, "--key", "old.bin", "--upload-id", uploadId);
    assert.notEqual(parts.code, 0);
    assert.match(parts.stderr, /NoSuchUpload/);
    await svc.objects.unlinksSettled();
    assert.deepEqual(bodyFiles(dir), before, "the part file went with the bucket");
  });

  it("a bucket with objects still answers 409 BucketNotEmpty without force, and keeps its unfinished upload", async () => {
    const old = await unfinished("mpu-with-object");
    const api = control(svc);
    const { PutObjectCommand } = await import("@aws-sdk/client-s3");
    await old.s3.send(new PutObjectCommand({ Bucket: "mpu-with-object", Key: "kept.txt", Body: "kept" }));
    const refused = await api.delete("/v1/buckets/mpu-with-object");
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, "BucketNotEmpty");
    const listed = await old.s3.send(new ListMultipartUploadsCommand({ Bucket: "mpu-with-object" }));
    assert.deepEqual((listed.Uploads ?? []).map((u) => u.UploadId), [old.uploadId], "a refused delete loses nothing");
    old.s3.destroy();
  });

  it("an upload left in the database by an older version for a since re-created bucket is dropped on start, and its part file with it", async () => {
    // Reproduce the state an older version left behind: an upload whose bucket was deleted and created again, then
    // restart the service on that data dir.
    const old = await unfinished("mpu-legacy");
    old.s3.destroy();
    const db = svc.store.db;
    const files = bodyFiles(dir);
    db.prepare("UPDATE s3_uploads SET incarnation = NULL, initiated = initiated - 60000 WHERE bucket = 'mpu-legacy'").run();
    db.prepare("DELETE FROM schema_migrations WHERE name = 's3-objects-v3-upload-incarnation'").run();
    db.exec("CREATE TABLE s3_uploads_old AS SELECT upload_id, bucket, key, initiated, content_type, meta FROM s3_uploads; DROP TABLE s3_uploads; ALTER TABLE s3_uploads_old RENAME TO s3_uploads;");
    // The bucket is re-created: its incarnation is newer than the upload.
    db.prepare("UPDATE buckets SET created_at = ? WHERE name = 'mpu-legacy'").run(Date.now());
    await svc.stop();
    svc = await startOtterStorage({ dataDir: dir });
    const s3 = sdk(svc, await bucketWithKey(svc, "mpu-legacy-2"));
    s3.destroy();
    const row = svc.store.db.prepare("SELECT COUNT(*) AS n FROM s3_uploads WHERE bucket = 'mpu-legacy'").get() as { n: number };
    assert.equal(row.n, 0);
    assert.equal(bodyFiles(dir).length, files.length - 1, "its part file was swept as an orphan");
  });
});
