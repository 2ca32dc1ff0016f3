/**
 * Object lock per object over S3, with the clients users run: retention (GOVERNANCE / COMPLIANCE, extend, shorten,
 * bypass), legal hold, the x-amz-object-lock-* headers of PutObject, CreateMultipartUpload and CopyObject, deletes of
 * protected versions, and the bucket's default retention (Get/PutObjectLockConfiguration).
 */
import * as assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectRetentionCommand,
  HeadObjectCommand, PutObjectCommand, PutObjectLegalHoldCommand, UploadPartCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { ManualClock } from "otterstorage-local";
import { control, useEmulator } from "./support/emulator";
import { s3For } from "./support/s3";
import { bucketWithKey, codeOf, errorOf, raw, sdk, signed, type BucketKey } from "./s3-support";
import { awsMissing, boto3, boto3Missing, s3api, tempFile } from "./s3-clients";
import { skipBecause } from "./support/skip";

const Y2030 = new Date("2030-01-01T00:00:00.000Z");
const DAY = 86_400_000;

describe("S3 object lock per object (retention, legal hold, lock headers, default retention)", function () {
  this.timeout(120_000);
  const emu = useEmulator();
  let gov: BucketKey;
  let plain: BucketKey;
  let s3: S3Client;

  before(async () => {
    gov = await bucketWithKey(emu(), "lock-gov", { objectLock: { mode: "GOVERNANCE", days: 1 } });
    plain = await bucketWithKey(emu(), "no-lock");
    s3 = sdk(emu(), gov);
  });

  it("a PutObject with lock headers stores a protected version: HEAD shows mode, date and hold; deleting that version is refused", async () => {
    const put = await s3.send(new PutObjectCommand({
      Bucket: gov.bucket, Key: "contract.pdf", Body: "signed",
      ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: Y2030, ObjectLockLegalHoldStatus: "ON",
    }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: gov.bucket, Key: "contract.pdf" }));
    assert.equal(head.ObjectLockMode, "COMPLIANCE");
    assert.equal(head.ObjectLockRetainUntilDate?.toISOString(), Y2030.toISOString());
    assert.equal(head.ObjectLockLegalHoldStatus, "ON");
    const del = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: gov.bucket, Key: "contract.pdf", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.equal(del.code, "AccessDenied");
    assert.equal(del.status, 403);
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: gov.bucket, Key: "contract.pdf", LegalHold: { Status: "OFF" } }));
    const still = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: gov.bucket, Key: "contract.pdf", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.equal(still.code, "AccessDenied", "COMPLIANCE is not bypassed");
    assert.match(still.message, /COMPLIANCE/);
  });

  it("a version written without lock headers gets the bucket's default retention (mode and days from the bucket)", async () => {
    const before = emu().clock.now();
    const put = await s3.send(new PutObjectCommand({ Bucket: gov.bucket, Key: "default.txt", Body: "x" }));
    const r = await s3.send(new GetObjectRetentionCommand({ Bucket: gov.bucket, Key: "default.txt", VersionId: put.VersionId }));
    assert.equal(r.Retention?.Mode, "GOVERNANCE");
    const until = r.Retention?.RetainUntilDate?.getTime() ?? 0;
    assert.ok(until >= before + DAY && until <= emu().clock.now() + DAY, `retain-until ${new Date(until).toISOString()} is one day after the write`);
    const del = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: gov.bucket, Key: "default.txt", VersionId: put.VersionId })));
    assert.equal(del.code, "AccessDenied");
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: gov.bucket, Key: "default.txt" }));
    assert.equal(marker.DeleteMarker, true, "a delete without a version id adds a delete marker");
    await s3.send(new DeleteObjectCommand({ Bucket: gov.bucket, Key: "default.txt", VersionId: put.VersionId, BypassGovernanceRetention: true }));
  });

  it("boto3: a GOVERNANCE retention extends freely, shortens or changes mode only with the bypass header; COMPLIANCE never shortens", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const out = await boto3(emu(), gov, `
v = s3.put_object(Bucket=B, Key='r.txt', Body=b'abc')['VersionId']
R = lambda y, m, d, mode='GOVERNANCE': {'Mode': mode, 'RetainUntilDate': datetime.datetime(y, m, d, tzinfo=UTC)}
out['set'] = call(s3.put_object_retention, Bucket=B, Key='r.txt', Retention=R(2030, 1, 3))
out['get'] = call(s3.get_object_retention, Bucket=B, Key='r.txt')
out['extend'] = call(s3.put_object_retention, Bucket=B, Key='r.txt', Retention=R(2030, 3, 1))
out['shorten'] = call(s3.put_object_retention, Bucket=B, Key='r.txt', Retention=R(2030, 1, 1))
out['toCompliance'] = call(s3.put_object_retention, Bucket=B, Key='r.txt', Retention=R(2030, 3, 1, 'COMPLIANCE'))
out['shortenBypass'] = call(s3.put_object_retention, Bucket=B, Key='r.txt', Retention=R(2030, 1, 1), BypassGovernanceRetention=True)
out['afterBypass'] = call(s3.get_object_retention, Bucket=B, Key='r.txt')
out['del'] = call(s3.delete_object, Bucket=B, Key='r.txt', VersionId=v)
out['multi'] = call(s3.delete_objects, Bucket=B, Delete={'Objects': [{'Key': 'r.txt', 'VersionId': v}]})
out['delBypass'] = call(s3.delete_object, Bucket=B, Key='r.txt', VersionId=v, BypassGovernanceRetention=True)
c = s3.put_object(Bucket=B, Key='c.txt', Body=b'abc', ObjectLockMode='COMPLIANCE', ObjectLockRetainUntilDate=datetime.datetime(2030, 3, 1, tzinfo=UTC))['VersionId']
out['cShorten'] = call(s3.put_object_retention, Bucket=B, Key='c.txt', Retention=R(2030, 1, 1, 'COMPLIANCE'), BypassGovernanceRetention=True)
out['cToGov'] = call(s3.put_object_retention, Bucket=B, Key='c.txt', Retention=R(2031, 1, 1), BypassGovernanceRetention=True)
out['cExtend'] = call(s3.put_object_retention, Bucket=B, Key='c.txt', Retention=R(2031, 1, 1, 'COMPLIANCE'))
out['cGet'] = call(s3.get_object_retention, Bucket=B, Key='c.txt', VersionId=c)
out['badMode'] = call(s3.put_object_retention, Bucket=B, Key='c.txt', Retention={'Mode': 'governance', 'RetainUntilDate': datetime.datetime(2032, 1, 1, tzinfo=UTC)})
`);
    assert.deepEqual(out.set, {});
    assert.deepEqual(out.get.Retention, { Mode: "GOVERNANCE", RetainUntilDate: "2030-01-03T00:00:00+00:00" });
    assert.deepEqual(out.extend, {});
    assert.deepEqual([out.shorten.error, out.shorten.status], ["AccessDenied", 403]);
    assert.deepEqual([out.toCompliance.error, out.toCompliance.status], ["AccessDenied", 403]);
    assert.deepEqual(out.shortenBypass, {});
    assert.equal(out.afterBypass.Retention.RetainUntilDate, "2030-01-01T00:00:00+00:00");
    assert.deepEqual([out.del.error, out.del.status], ["AccessDenied", 403]);
    assert.equal(out.multi.Errors[0].Code, "AccessDenied");
    assert.equal(out.multi.Deleted, undefined);
    assert.equal(out.delBypass.error, undefined);
    assert.deepEqual([out.cShorten.error, out.cToGov.error], ["AccessDenied", "AccessDenied"]);
    assert.deepEqual(out.cExtend, {});
    assert.deepEqual(out.cGet.Retention, { Mode: "COMPLIANCE", RetainUntilDate: "2031-01-01T00:00:00+00:00" });
    assert.deepEqual([out.badMode.error, out.badMode.status], ["MalformedXML", 400]);
  });

  it("boto3: a legal hold blocks deleting its version, even with the bypass header, until it is turned OFF", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const out = await boto3(emu(), gov, `
v = s3.put_object(Bucket=B, Key='held.txt', Body=b'abc')['VersionId']
s3.put_object_retention(Bucket=B, Key='held.txt', Retention={'Mode': 'GOVERNANCE', 'RetainUntilDate': datetime.datetime.now(UTC) + datetime.timedelta(seconds=1)}, BypassGovernanceRetention=True)
out['on'] = call(s3.put_object_legal_hold, Bucket=B, Key='held.txt', LegalHold={'Status': 'ON'})
out['get'] = call(s3.get_object_legal_hold, Bucket=B, Key='held.txt')
out['head'] = call(s3.head_object, Bucket=B, Key='held.txt')
out['del'] = call(s3.delete_object, Bucket=B, Key='held.txt', VersionId=v, BypassGovernanceRetention=True)
out['bad'] = call(s3.put_object_legal_hold, Bucket=B, Key='held.txt', LegalHold={'Status': 'abc'})
out['off'] = call(s3.put_object_legal_hold, Bucket=B, Key='held.txt', LegalHold={'Status': 'OFF'})
out['getOff'] = call(s3.get_object_legal_hold, Bucket=B, Key='held.txt')
out['delOff'] = call(s3.delete_object, Bucket=B, Key='held.txt', VersionId=v, BypassGovernanceRetention=True)
`);
    assert.deepEqual(out.on, {});
    assert.deepEqual(out.get.LegalHold, { Status: "ON" });
    assert.equal(out.head.ObjectLockLegalHoldStatus, "ON");
    assert.deepEqual([out.del.error, out.del.status], ["AccessDenied", 403]);
    assert.deepEqual([out.bad.error, out.bad.status], ["MalformedXML", 400]);
    assert.deepEqual(out.getOff.LegalHold, { Status: "OFF" });
    assert.equal(out.delOff.error, undefined, JSON.stringify(out.delOff));
  });

  it("CreateMultipartUpload's lock headers protect the completed object; CopyObject's protect the copy", async () => {
    const mp = await s3.send(new CreateMultipartUploadCommand({ Bucket: gov.bucket, Key: "mp.bin", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: Y2030 }));
    const part = await s3.send(new UploadPartCommand({ Bucket: gov.bucket, Key: "mp.bin", UploadId: mp.UploadId, PartNumber: 1, Body: "abc" }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: gov.bucket, Key: "mp.bin", UploadId: mp.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: gov.bucket, Key: "mp.bin", VersionId: done.VersionId }));
    assert.equal(head.ObjectLockMode, "COMPLIANCE");
    assert.equal(head.ObjectLockRetainUntilDate?.toISOString(), Y2030.toISOString());
    const copy = await s3.send(new CopyObjectCommand({ Bucket: gov.bucket, Key: "mp-copy.bin", CopySource: `${gov.bucket}/mp.bin`, ObjectLockLegalHoldStatus: "ON" }));
    const ch = await s3.send(new HeadObjectCommand({ Bucket: gov.bucket, Key: "mp-copy.bin", VersionId: copy.VersionId }));
    assert.equal(ch.ObjectLockLegalHoldStatus, "ON");
    assert.equal(ch.ObjectLockMode, "GOVERNANCE", "the copy gets the bucket default, not the source's retention");
    const del = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: gov.bucket, Key: "mp-copy.bin", VersionId: copy.VersionId, BypassGovernanceRetention: true })));
    assert.equal(del.code, "AccessDenied");
  });

  it("lock headers on a bucket without object lock are refused with InvalidRequest and nothing is stored", async () => {
    const p = sdk(emu(), plain);
    const e = await errorOf(p.send(new PutObjectCommand({ Bucket: plain.bucket, Key: "k", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: Y2030 })));
    assert.deepEqual([e.code, e.status], ["InvalidRequest", 400]);
    assert.match(e.message, /Object Lock/);
    const head = await errorOf(p.send(new HeadObjectCommand({ Bucket: plain.bucket, Key: "k" })));
    assert.equal(head.status, 404);
    const mp = await errorOf(p.send(new CreateMultipartUploadCommand({ Bucket: plain.bucket, Key: "k", ObjectLockLegalHoldStatus: "ON" })));
    assert.equal(mp.code, "InvalidRequest");
    const r = await errorOf(p.send(new GetObjectRetentionCommand({ Bucket: plain.bucket, Key: "k" })));
    assert.deepEqual([r.code, r.status], ["InvalidRequest", 400]);
  });

  it("a retain-until date in the past or a lone mode header is refused with InvalidArgument", async () => {
    const past = await errorOf(s3.send(new PutObjectCommand({ Bucket: gov.bucket, Key: "p", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(emu().clock.now() - DAY) })));
    assert.deepEqual([past.code, past.status], ["InvalidArgument", 400]);
    const lone = await errorOf(s3.send(new PutObjectCommand({ Bucket: gov.bucket, Key: "p", Body: "x", ObjectLockMode: "GOVERNANCE" })));
    assert.equal(lone.code, "InvalidArgument");
  });

  it("PutObjectRetention without Content-MD5 or a checksum is refused, as S3 requires one", async () => {
    await s3.send(new PutObjectCommand({ Bucket: gov.bucket, Key: "nosum", Body: "x" }));
    const body = `<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2031-01-01T00:00:00Z</RetainUntilDate></Retention>`;
    const req = await signed(emu(), gov, "PUT", `/${gov.bucket}/nosum`, { body, query: { retention: "" } });
    const r = await raw(req.url, { method: "PUT", headers: req.headers, body });
    assert.equal(r.status, 400);
    assert.equal(codeOf(r.body), "InvalidRequest");
    assert.match(r.body, /Content-MD5/);
  });

  it("AWS CLI: put-object-lock-configuration changes the default retention new versions get; S3's validation errors come first", async function () {
    const missing = awsMissing();
    if (missing) return skipBecause(this, missing);
    const key = await bucketWithKey(emu(), "lock-config", { objectLock: { mode: "GOVERNANCE", days: 1 } });
    const conf = (dr: string) => tempFile(`conf-${Math.random()}.json`, `{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":${dr}}}`);
    const put = await s3api(emu(), key, ["put-object-lock-configuration", "--bucket", key.bucket, "--object-lock-configuration", `file://${conf(`{"Mode":"COMPLIANCE","Days":30}`)}`]);
    assert.equal(put.code, 0, put.stderr);
    const get = await s3api(emu(), key, ["get-object-lock-configuration", "--bucket", key.bucket]);
    assert.deepEqual(get.json.ObjectLockConfiguration, { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } } });
    const bucket = await control(emu()).get(`/v1/buckets/${key.bucket}`);
    assert.deepEqual(bucket.body.objectLock, { mode: "COMPLIANCE", days: 30 }, "the Control API shows the same default retention");
    const obj = await s3api(emu(), key, ["put-object", "--bucket", key.bucket, "--key", "after.txt", "--body", tempFile("after.txt", "x")]);
    assert.equal(obj.code, 0, obj.stderr);
    const ret = await s3api(emu(), key, ["get-object-retention", "--bucket", key.bucket, "--key", "after.txt"]);
    assert.equal(ret.json.Retention.Mode, "COMPLIANCE");
    for (const [dr, code] of [[`{"Mode":"GOVERNANCE","Days":1,"Years":1}`, "MalformedXML"], [`{"Mode":"GOVERNANCE","Days":0}`, "InvalidRetentionPeriod"], [`{"Mode":"governance","Days":1}`, "MalformedXML"]]) {
      const bad = await s3api(emu(), key, ["put-object-lock-configuration", "--bucket", key.bucket, "--object-lock-configuration", `file://${conf(dr)}`]);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, new RegExp(`\\(${code}\\)`), bad.stderr);
    }
    const onPlain = await s3api(emu(), plain, ["put-object-lock-configuration", "--bucket", plain.bucket, "--object-lock-configuration", `file://${conf(`{"Mode":"GOVERNANCE","Days":1}`)}`]);
    assert.match(onPlain.stderr, /\(InvalidBucketState\)/);
    const badOnPlain = await s3api(emu(), plain, ["put-object-lock-configuration", "--bucket", plain.bucket, "--object-lock-configuration", `file://${conf(`{"Mode":"GOVERNANCE","Days":0}`)}`]);
    assert.match(badOnPlain.stderr, /\(InvalidRetentionPeriod\)/, "a 400 validation error comes before the bucket's state");
    const getPlain = await s3api(emu(), plain, ["get-object-lock-configuration", "--bucket", plain.bucket]);
    assert.match(getPlain.stderr, /\(ObjectLockConfigurationNotFoundError\)/);
  });

  it("the Control API's bucket legal hold still refuses retention changes and version deletes", async () => {
    const key = await bucketWithKey(emu(), "lock-held", { objectLock: { mode: "GOVERNANCE", days: 1 } });
    const c = sdk(emu(), key);
    const put = await c.send(new PutObjectCommand({ Bucket: key.bucket, Key: "k", Body: "x" }));
    const api = control(emu());
    assert.equal((await api.patch(`/v1/buckets/${key.bucket}`, { legalHold: true })).status, 200);
    const del = await errorOf(c.send(new DeleteObjectCommand({ Bucket: key.bucket, Key: "k", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.equal(del.code, "AccessDenied");
    assert.match(del.message, /legal hold/);
    const hold = await errorOf(c.send(new PutObjectLegalHoldCommand({ Bucket: key.bucket, Key: "k", LegalHold: { Status: "OFF" } })));
    assert.equal(hold.code, "AccessDenied");
    assert.equal((await api.patch(`/v1/buckets/${key.bucket}`, { legalHold: false })).status, 200);
  });
});

describe("S3 object lock survives a restart and an upgrade", function () {
  this.timeout(60_000);
  it("a version's retention and legal hold are still there after the service restarts on the same data", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { startOtterStorage } = await import("otterstorage-local");
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-lock-"));
    try {
      let emu = await startOtterStorage({ dataDir });
      const key = await bucketWithKey(emu, "lock-restart", { objectLock: { mode: "GOVERNANCE", days: 1 } });
      const put = await sdk(emu, key).send(new PutObjectCommand({ Bucket: key.bucket, Key: "k", Body: "x", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: Y2030, ObjectLockLegalHoldStatus: "ON" }));
      await emu.stop();
      emu = await startOtterStorage({ dataDir });
      try {
        const head = await sdk(emu, key).send(new HeadObjectCommand({ Bucket: key.bucket, Key: "k", VersionId: put.VersionId }));
        assert.deepEqual([head.ObjectLockMode, head.ObjectLockRetainUntilDate?.toISOString(), head.ObjectLockLegalHoldStatus], ["COMPLIANCE", Y2030.toISOString(), "ON"]);
      } finally {
        await emu.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("versions retained before per-version lock existed keep their protection, in their bucket's mode, after the upgrade", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { default: Database } = await import("better-sqlite3");
    const { startOtterStorage } = await import("otterstorage-local");
    const { DB_FILE } = await import("otterstorage-local/dist/store");
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-lock-upgrade-"));
    try {
      let emu = await startOtterStorage({ dataDir });
      const key = await bucketWithKey(emu, "lock-upgrade", { objectLock: { mode: "COMPLIANCE", days: 30 } });
      const put = await sdk(emu, key).send(new PutObjectCommand({ Bucket: key.bucket, Key: "k", Body: "x" }));
      await emu.stop();
      // The tables as the previous version left them: a retain_until date, no lock_mode or legal_hold columns.
      const db = new Database(path.join(dataDir, DB_FILE));
      db.exec("ALTER TABLE s3_objects DROP COLUMN lock_mode; ALTER TABLE s3_objects DROP COLUMN legal_hold; DELETE FROM schema_migrations WHERE name = 's3-objects-v3-lock'");
      db.close();
      emu = await startOtterStorage({ dataDir });
      try {
        const s3 = sdk(emu, key);
        const head = await s3.send(new HeadObjectCommand({ Bucket: key.bucket, Key: "k", VersionId: put.VersionId }));
        assert.equal(head.ObjectLockMode, "COMPLIANCE");
        const del = await errorOf(s3.send(new DeleteObjectCommand({ Bucket: key.bucket, Key: "k", VersionId: put.VersionId, BypassGovernanceRetention: true })));
        assert.equal(del.code, "AccessDenied");
      } finally {
        await emu.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("S3 object lock outranks a forced bucket delete", function () {
  this.timeout(120_000);
  const emu = useEmulator({ clock: new ManualClock() });

  it("a forced bucket delete cannot destroy versions under retention or legal hold; once retention passes and the hold is off it can", async () => {
    const key = await bucketWithKey(emu(), "lock-force", { objectLock: { mode: "COMPLIANCE", days: 1 } });
    const c = sdk(emu(), key);
    await c.send(new PutObjectCommand({ Bucket: key.bucket, Key: "ledger.csv", Body: "2026,1" }));
    const held = await c.send(new PutObjectCommand({ Bucket: key.bucket, Key: "evidence.bin", Body: "x", ObjectLockLegalHoldStatus: "ON" }));
    const api = control(emu());
    const refused = await api.delete(`/v1/buckets/${key.bucket}?force=true`);
    assert.equal(refused.status, 409);
    assert.match(JSON.stringify(refused.body), /object-lock retention or legal hold/);
    assert.equal((await api.get(`/v1/buckets/${key.bucket}`)).body.objectCount, 2, "nothing was deleted");
    (emu().clock as ManualClock).advance(2 * DAY);
    assert.equal((await api.delete(`/v1/buckets/${key.bucket}?force=true`)).status, 409, "the legal hold still protects its version");
    // Signed on the service clock, which this suite moved two days on.
    await s3For({ ...key, endpoint: emu().s3Url, region: "eu-mad" }, emu()).send(new PutObjectLegalHoldCommand({ Bucket: key.bucket, Key: "evidence.bin", VersionId: held.VersionId, LegalHold: { Status: "OFF" } }));
    assert.equal((await api.delete(`/v1/buckets/${key.bucket}?force=true`)).status, 204);
  });
});
