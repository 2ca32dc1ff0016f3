/**
 * Lifecycle configurations as S3 clients send them (PutBucketLifecycleConfiguration): Expiration.Date, rules whose
 * only action is ExpiredObjectDeleteMarker, an empty Filter, the legacy top-level Prefix answered as sent, S3's
 * validation errors; the same rules through the Control API's lifecycleRules, and what the lifecycle run does with them.
 */
import * as assert from "node:assert/strict";
import {
  DeleteObjectCommand, HeadObjectCommand, ListObjectVersionsCommand, PutBucketLifecycleConfigurationCommand, PutObjectCommand,
  PutObjectLegalHoldCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { ManualClock } from "otterstorage-local/dist/clock";
import { control, useEmulator } from "./support/emulator";
import { bucketWithKey, errorOf, sdk } from "./s3-support";
import { awsMissing, boto3, boto3Missing, s3api, tempFile } from "./s3-clients";
import { skipBecause } from "./support/skip";

const DAY = 86_400_000;

describe("S3 lifecycle configurations the way clients send them", function () {
  this.timeout(120_000);
  const emu = useEmulator();

  it("boto3: a legacy top-level Prefix comes back as sent; Date, ExpiredObjectDeleteMarker-only and empty-Filter rules are accepted", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const key = await bucketWithKey(emu(), "lc-shapes", { versioning: "Enabled" });
    const out = await boto3(emu(), key, `
legacy = [{'ID': 'test1/', 'Expiration': {'Days': 31}, 'Prefix': 'test1/', 'Status': 'Enabled'},
          {'ID': 'test2/', 'Expiration': {'Days': 120}, 'Prefix': 'test2/', 'Status': 'Disabled'}]
out['put'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': legacy})
out['same'] = s3.get_bucket_lifecycle_configuration(Bucket=B)['Rules'] == legacy
out['date'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'by-date', 'Filter': {'Prefix': 'tmp/'}, 'Status': 'Enabled', 'Expiration': {'Date': datetime.datetime(2030, 1, 1, tzinfo=UTC)}}]})
out['dateBack'] = s3.get_bucket_lifecycle_configuration(Bucket=B)['Rules'][0]['Expiration']
out['marker'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'markers', 'Filter': {'Prefix': ''}, 'Status': 'Enabled', 'Expiration': {'ExpiredObjectDeleteMarker': True}}]})
out['markerBack'] = s3.get_bucket_lifecycle_configuration(Bucket=B)['Rules'][0]['Expiration']
out['emptyFilter'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'all', 'Filter': {}, 'Status': 'Enabled', 'Expiration': {'Days': 2}}]})
out['longId'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'x' * 256, 'Prefix': '', 'Status': 'Enabled', 'Expiration': {'Days': 2}}]})
out['badDate'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'rule1', 'Prefix': 'test1/', 'Status': 'Enabled', 'Expiration': {'Date': '20200101'}}]})
out['badStatus'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'rule1', 'Prefix': 'test1/', 'Status': 'ENABLED', 'Expiration': {'Days': 2}}]})
out['transitionBadDate'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'rule1', 'Prefix': 'test1/', 'Status': 'Enabled', 'Transitions': [{'Date': '20220101', 'StorageClass': 'GLACIER'}]}]})
out['sameId'] = call(s3.put_bucket_lifecycle_configuration, Bucket=B, LifecycleConfiguration={'Rules': [
  {'ID': 'rule1', 'Prefix': 'a/', 'Status': 'Enabled', 'Expiration': {'Days': 2}}, {'ID': 'rule1', 'Prefix': 'b/', 'Status': 'Enabled', 'Expiration': {'Days': 2}}]})
`);
    assert.deepEqual(out.put, {});
    assert.equal(out.same, true, "get_bucket_lifecycle_configuration answers the rules as they were put");
    assert.deepEqual(out.date, {});
    assert.deepEqual(out.dateBack, { Date: "2030-01-01T00:00:00+00:00" });
    assert.deepEqual(out.marker, {});
    assert.deepEqual(out.markerBack, { ExpiredObjectDeleteMarker: true });
    assert.deepEqual(out.emptyFilter, {});
    assert.deepEqual([out.longId.error, out.longId.status], ["InvalidArgument", 400]);
    assert.equal(out.badDate.status, 400, JSON.stringify(out.badDate));
    assert.deepEqual([out.badStatus.error, out.badStatus.status], ["MalformedXML", 400]);
    assert.deepEqual([out.sameId.error, out.sameId.status], ["InvalidArgument", 400]);
    assert.equal(out.transitionBadDate.status, 400, "a bad date is a 400 even where transitions are not served");
  });

  it("AWS CLI: a rule with Expiration.Date shows up in the Control API's lifecycleRules as expirationDate", async function () {
    const missing = awsMissing();
    if (missing) return skipBecause(this, missing);
    const key = await bucketWithKey(emu(), "lc-cli");
    const file = tempFile("lc.json", JSON.stringify({ Rules: [{ ID: "end-of-2029", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Date: "2030-01-01T00:00:00Z" } }] }));
    const put = await s3api(emu(), key, ["put-bucket-lifecycle-configuration", "--bucket", key.bucket, "--lifecycle-configuration", `file://${file}`]);
    assert.equal(put.code, 0, put.stderr);
    const rules = (await control(emu()).get(`/v1/buckets/${key.bucket}`)).body.lifecycleRules;
    assert.deepEqual(rules, [{ id: "end-of-2029", status: "Enabled", prefix: "logs/", expirationDate: "2030-01-01T00:00:00.000Z" }]);
    const noon = tempFile("lc-noon.json", JSON.stringify({ Rules: [{ ID: "noon", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Date: "2030-01-01T12:00:00Z" } }] }));
    const bad = await s3api(emu(), key, ["put-bucket-lifecycle-configuration", "--bucket", key.bucket, "--lifecycle-configuration", `file://${noon}`]);
    assert.match(bad.stderr, /\(InvalidArgument\).*midnight/);
  });

  it("the Control API takes the same rule shapes and names the field of a date that is not midnight UTC", async () => {
    const api = control(emu());
    const ok = await api.post("/v1/buckets", { name: "lc-control", versioning: "Enabled", lifecycleRules: [
      { id: "markers", expiredObjectDeleteMarker: true }, { id: "dated", expirationDate: "2031-06-01T00:00:00Z" },
    ] });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    const bad = await api.post("/v1/buckets", { name: "lc-control-bad", lifecycleRules: [{ id: "noon", expirationDate: "2031-06-01T12:00:00Z" }] });
    assert.equal(bad.status, 400);
    assert.ok(JSON.stringify(bad.body).includes("lifecycleRules.0.expirationDate"), JSON.stringify(bad.body));
  });
});

describe("the lifecycle run applies Expiration.Date and ExpiredObjectDeleteMarker, and keeps held versions", function () {
  this.timeout(60_000);
  const clock = new ManualClock(Date.UTC(2029, 11, 30, 12, 0, 0));
  const emu = useEmulator({ clock });
  let s3: S3Client;
  const B = "lc-run";

  before(async () => {
    const key = await bucketWithKey(emu(), B, { objectLock: { mode: "GOVERNANCE", days: 1 } });
    s3 = sdk(emu(), key);
    s3.config.systemClockOffset = clock.now() - Date.now();
  });
  const tick = (ms: number) => {
    clock.advance(ms);
    s3.config.systemClockOffset = clock.now() - Date.now();
  };

  it("objects under a dated rule stay until the date and expire from it on; a lone delete marker goes, a marker hiding a version stays", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "logs/a", Body: "a" }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "keep/b", Body: "b" }));
    const gone = await s3.send(new PutObjectCommand({ Bucket: B, Key: "lone", Body: "c" }));
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "lone" }));
    tick(2 * DAY); // past the default retention
    await s3.send(new DeleteObjectCommand({ Bucket: B, Key: "lone", VersionId: gone.VersionId }));
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [
      { ID: "dated", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Date: new Date(Date.UTC(2030, 0, 3)) } },
      { ID: "markers", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { ExpiredObjectDeleteMarker: true } },
    ] } }));
    clock.set(Date.UTC(2030, 0, 2, 12));
    s3.config.systemClockOffset = clock.now() - Date.now();
    const before = await emu().runLifecycle();
    assert.equal(before.expired, 0, "the date has not come yet");
    assert.equal(before.expiredDeleteMarkers, 1, "the delete marker of 'lone' hides nothing any more");
    tick(DAY);
    const after = await emu().runLifecycle();
    assert.equal(after.expired, 1);
    const head = await errorOf(s3.send(new HeadObjectCommand({ Bucket: B, Key: "logs/a" })));
    assert.equal(head.status, 404);
    await s3.send(new HeadObjectCommand({ Bucket: B, Key: "keep/b" }));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: B }));
    assert.deepEqual(versions.DeleteMarkers?.map((m) => m.Key), ["logs/a"], "the marker that hides logs/a's version stays; the lone one is gone");
  });

  it("NoncurrentVersionExpiration does not remove a noncurrent version under legal hold", async () => {
    const v1 = await s3.send(new PutObjectCommand({ Bucket: B, Key: "held", Body: "1", ObjectLockLegalHoldStatus: "ON" }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "held", Body: "2" }));
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [
      { ID: "old", Status: "Enabled", Filter: { Prefix: "held" }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
    ] } }));
    tick(3 * DAY);
    await emu().runLifecycle();
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: "held" }));
    assert.ok(versions.Versions?.some((v) => v.VersionId === v1.VersionId), "the held version is still there");
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: B, Key: "held", VersionId: v1.VersionId, LegalHold: { Status: "OFF" } }));
    await emu().runLifecycle();
    const later = await s3.send(new ListObjectVersionsCommand({ Bucket: B, Prefix: "held" }));
    assert.ok(!later.Versions?.some((v) => v.VersionId === v1.VersionId), "once released it expires");
  });
});
