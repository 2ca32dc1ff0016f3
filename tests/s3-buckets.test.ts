import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteBucketLifecycleCommand,
  DeleteObjectCommand, DeleteObjectsCommand, GetBucketLifecycleConfigurationCommand, GetBucketVersioningCommand, GetObjectCommand,
  GetObjectLockConfigurationCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListObjectVersionsCommand,
  ListPartsCommand, PutBucketLifecycleConfigurationCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { ManualClock } from "otterstorage-local/dist/clock";
import { control, useEmulator } from "./support/emulator";
import { bucketWithKey, errorOf, sdk } from "./s3-support";

const DAY = 86_400_000;
const MiB = 1024 * 1024;

describe("S3 bucket features: multipart, versioning, lifecycle, object lock, legal hold", function () {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 8, 0, 0));
  const os = useEmulator({ clock });
  const clients: S3Client[] = [];
  const client = async (bucket: string, body: Record<string, unknown> = {}) => {
    const k = await bucketWithKey(os(), bucket, body);
    const c = sdk(os(), k);
    c.config.systemClockOffset = clock.now() - Date.now();
    clients.push(c);
    return c;
  };
  const resync = () => clients.forEach((c) => (c.config.systemClockOffset = clock.now() - Date.now()));
  after(() => clients.forEach((c) => c.destroy()));

  it("completes a multipart upload with the md5-of-md5s-N ETag and lists parts and uploads on the way", async () => {
    const s3 = await client("mp-bucket");
    const p1 = randomBytes(5 * MiB);
    const p2 = Buffer.from("tail");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "mp-bucket", Key: "big.bin", ContentType: "application/x-test" }));
    const e1 = await s3.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId, PartNumber: 1, Body: p1 }));
    const e2 = await s3.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId, PartNumber: 2, Body: p2 }));
    const parts = await s3.send(new ListPartsCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId }));
    assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.Size]), [[1, 5 * MiB], [2, 4]]);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: "mp-bucket" }));
    assert.deepEqual(uploads.Uploads?.map((u) => u.Key), ["big.bin"]);
    const order = await errorOf(s3.send(new CompleteMultipartUploadCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 2, ETag: e2.ETag }, { PartNumber: 1, ETag: e1.ETag }] } })));
    assert.equal(order.code, "InvalidPartOrder");
    const part = await errorOf(s3.send(new CompleteMultipartUploadCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }] } })));
    assert.equal(part.code, "InvalidPart");
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: "mp-bucket", Key: "big.bin", UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1.ETag }, { PartNumber: 2, ETag: e2.ETag }] } }));
    const md5s = createHash("md5").update(createHash("md5").update(p1).digest()).update(createHash("md5").update(p2).digest()).digest("hex");
    assert.equal(done.ETag, `"${md5s}-2"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "mp-bucket", Key: "big.bin" }));
    const bytes = Buffer.from(await got.Body!.transformToByteArray());
    assert.ok(bytes.equals(Buffer.concat([p1, p2])));
    assert.equal(got.ContentType, "application/x-test");
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: "mp-bucket" }))).Uploads, undefined);
  });

  it("refuses parts under 5 MiB except the last (EntityTooSmall) and forgets aborted uploads (NoSuchUpload)", async () => {
    const s3 = clients[0];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "mp-bucket", Key: "small.bin" }));
    const a = await s3.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "small.bin", UploadId, PartNumber: 1, Body: "aaa" }));
    const b = await s3.send(new UploadPartCommand({ Bucket: "mp-bucket", Key: "small.bin", UploadId, PartNumber: 2, Body: "bbb" }));
    const e = await errorOf(s3.send(new CompleteMultipartUploadCommand({ Bucket: "mp-bucket", Key: "small.bin", UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }] } })));
    assert.equal(e.code, "EntityTooSmall");
    await s3.send(new AbortMultipartUploadCommand({ Bucket: "mp-bucket", Key: "small.bin", UploadId }));
    assert.equal((await errorOf(s3.send(new ListPartsCommand({ Bucket: "mp-bucket", Key: "small.bin", UploadId })))).code, "NoSuchUpload");
  });

  it("keeps versions: version ids, delete markers, GET/HEAD/DELETE by versionId and ListObjectVersions", async () => {
    const s3 = await client("ver-bucket");
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "ver-bucket" }))).Status, undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket: "ver-bucket", VersioningConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: "ver-bucket" }))).Status, "Enabled");
    assert.equal((await control(os()).get("/v1/buckets/ver-bucket")).body.versioning, "Enabled");
    const v1 = await s3.send(new PutObjectCommand({ Bucket: "ver-bucket", Key: "doc", Body: "one" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: "ver-bucket", Key: "doc", Body: "two" }));
    assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);
    const old = await s3.send(new GetObjectCommand({ Bucket: "ver-bucket", Key: "doc", VersionId: v1.VersionId }));
    assert.equal(await old.Body!.transformToString(), "one");
    const del = await s3.send(new DeleteObjectCommand({ Bucket: "ver-bucket", Key: "doc" }));
    assert.equal(del.DeleteMarker, true);
    assert.equal((await errorOf(s3.send(new GetObjectCommand({ Bucket: "ver-bucket", Key: "doc" })))).code, "NoSuchKey");
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "ver-bucket" }));
    assert.equal(versions.Versions?.length, 2);
    assert.equal(versions.DeleteMarkers?.length, 1);
    assert.equal(versions.DeleteMarkers?.[0].IsLatest, true);
    await s3.send(new DeleteObjectCommand({ Bucket: "ver-bucket", Key: "doc", VersionId: del.VersionId }));
    const back = await s3.send(new GetObjectCommand({ Bucket: "ver-bucket", Key: "doc" }));
    assert.equal(await back.Body!.transformToString(), "two");
    await s3.send(new DeleteObjectCommand({ Bucket: "ver-bucket", Key: "doc", VersionId: v2.VersionId }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: "ver-bucket", Key: "doc" }));
    assert.equal(head.VersionId, v1.VersionId);
  });

  it("maps lifecycle configuration onto the bucket's lifecycleRules, refuses transitions, and deletes it", async () => {
    const s3 = await client("lc-bucket");
    assert.equal((await errorOf(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "lc-bucket" })))).code, "NoSuchLifecycleConfiguration");
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: "lc-bucket", LifecycleConfiguration: { Rules: [
      { ID: "expirar-tmp-30d", Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 30 } },
      { ID: "abort-mpu", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } },
    ] } }));
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: "lc-bucket" }));
    assert.deepEqual(got.Rules?.map((r) => [r.ID, r.Filter?.Prefix, r.Expiration?.Days]), [["expirar-tmp-30d", "tmp/", 30], ["abort-mpu", "", undefined]]);
    const viaControl = (await control(os()).get("/v1/buckets/lc-bucket")).body.lifecycleRules;
    assert.deepEqual(viaControl[0], { id: "expirar-tmp-30d", status: "Enabled", prefix: "tmp/", expirationDays: 30 });
    const t = await errorOf(s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: "lc-bucket", LifecycleConfiguration: { Rules: [
      { ID: "to-glacier", Status: "Enabled", Filter: { Prefix: "" }, Transitions: [{ Days: 1, StorageClass: "GLACIER" }] },
    ] } })));
    assert.equal(t.code, "NotImplemented");
    assert.match(t.message, /Transition/);
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: "lc-bucket" }));
    assert.deepEqual((await control(os()).get("/v1/buckets/lc-bucket")).body.lifecycleRules, []);
  });

  it("expires objects, noncurrent versions and stale uploads in whole days when the lifecycle runs", async () => {
    const s3 = await client("lc-run", { versioning: "Enabled", lifecycleRules: [
      { id: "tmp", prefix: "tmp/", expirationDays: 2 },
      { id: "old", noncurrentVersionExpirationDays: 1 },
      { id: "mpu", abortIncompleteMultipartUploadDays: 3 },
    ] });
    await s3.send(new PutObjectCommand({ Bucket: "lc-run", Key: "tmp/a", Body: "a" }));
    await s3.send(new PutObjectCommand({ Bucket: "lc-run", Key: "keep/b", Body: "b1" }));
    await s3.send(new PutObjectCommand({ Bucket: "lc-run", Key: "keep/b", Body: "b2" }));
    await s3.send(new CreateMultipartUploadCommand({ Bucket: "lc-run", Key: "stale" }));
    clock.advance(DAY + 1000);
    await os().runLifecycle();
    resync();
    let versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "lc-run", Prefix: "keep/" }));
    assert.equal(versions.Versions?.length, 1, "the noncurrent b1 is gone after one whole day");
    assert.ok(await s3.send(new HeadObjectCommand({ Bucket: "lc-run", Key: "tmp/a" })), "tmp/a is 1 day old: kept");
    clock.advance(2 * DAY);
    await os().runLifecycle();
    resync();
    assert.equal((await errorOf(s3.send(new HeadObjectCommand({ Bucket: "lc-run", Key: "tmp/a" })))).status, 404);
    assert.ok(await s3.send(new HeadObjectCommand({ Bucket: "lc-run", Key: "keep/b" })), "no rule for keep/: kept");
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: "lc-run" }))).Uploads, undefined);
    versions = await s3.send(new ListObjectVersionsCommand({ Bucket: "lc-run", Prefix: "tmp/" }));
    assert.equal(versions.DeleteMarkers?.length, 1, "a versioned bucket expires into a delete marker");
  });

  it("reports object lock configuration, and refuses deleting a retained version by versionId", async () => {
    const plain = clients[0];
    assert.equal((await errorOf(plain.send(new GetObjectLockConfigurationCommand({ Bucket: "mp-bucket" })))).code, "ObjectLockConfigurationNotFoundError");
    const s3 = await client("worm-bucket", { objectLock: { mode: "COMPLIANCE", days: 10 } });
    const cfg = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: "worm-bucket" }));
    assert.equal(cfg.ObjectLockConfiguration?.ObjectLockEnabled, "Enabled");
    assert.deepEqual(cfg.ObjectLockConfiguration?.Rule?.DefaultRetention, { Mode: "COMPLIANCE", Days: 10 });
    const put = await s3.send(new PutObjectCommand({ Bucket: "worm-bucket", Key: "evidence", Body: "x" }));
    const e = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: "worm-bucket", Key: "evidence", VersionId: put.VersionId })));
    assert.equal(e.code, "AccessDenied");
    assert.match(e.message, /retained until/);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: "worm-bucket", Key: "evidence" }));
    assert.equal(marker.DeleteMarker, true, "a plain delete only adds a marker");
    const suspend = await errorOf(s3.send(new PutBucketVersioningCommand({ Bucket: "worm-bucket", VersioningConfiguration: { Status: "Suspended" } })));
    assert.equal(suspend.code, "InvalidBucketState");
    clock.advance(11 * DAY);
    resync();
    await s3.send(new DeleteObjectCommand({ Bucket: "worm-bucket", Key: "evidence", VersionId: put.VersionId }));
  });

  it("denies writes under legal hold with a message that says so, while reads keep working", async () => {
    const s3 = await client("hold-bucket");
    await s3.send(new PutObjectCommand({ Bucket: "hold-bucket", Key: "kept", Body: "evidence" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "hold-bucket", Key: "mpu" }));
    assert.equal((await control(os()).patch("/v1/buckets/hold-bucket", { legalHold: true })).status, 200);
    const B = "hold-bucket";
    const writes: Array<[string, () => Promise<unknown>]> = [
      ["PutObject", () => s3.send(new PutObjectCommand({ Bucket: B, Key: "new", Body: "x" }))],
      ["PutObject overwrite", () => s3.send(new PutObjectCommand({ Bucket: B, Key: "kept", Body: "x" }))],
      ["CopyObject", () => s3.send(new CopyObjectCommand({ Bucket: B, Key: "copy", CopySource: `${B}/kept` }))],
      ["DeleteObject", () => s3.send(new DeleteObjectCommand({ Bucket: B, Key: "kept" }))],
      ["DeleteObjects", () => s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: "kept" }] } }))],
      ["CreateMultipartUpload", () => s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mpu2" }))],
      ["UploadPart", () => s3.send(new UploadPartCommand({ Bucket: B, Key: "mpu", UploadId, PartNumber: 1, Body: "x" }))],
      ["PutBucketLifecycleConfiguration", () => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [{ ID: "r", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } }] } }))],
      ["DeleteBucketLifecycle", () => s3.send(new DeleteBucketLifecycleCommand({ Bucket: B }))],
      ["PutBucketVersioning", () => s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: "Enabled" } }))],
    ];
    for (const [name, op] of writes) {
      const e = await errorOf(op());
      assert.equal(e.code, "AccessDenied", name);
      assert.match(e.message, /legal hold/, name);
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "kept" }));
    assert.equal(await got.Body!.transformToString(), "evidence");
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: B }))).KeyCount, 1);
    await control(os()).patch("/v1/buckets/hold-bucket", { legalHold: false });
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "new", Body: "x" }));
  });
});
