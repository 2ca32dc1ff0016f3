/**
 * Presigned URLs grant exactly what was signed. A presigned request carrying x-amz-* headers that are not in
 * X-Amz-SignedHeaders is refused, as AWS refuses it (AccessDenied "There were headers present in the request which
 * were not signed"): otherwise the holder of a presigned PUT could add x-amz-copy-source and copy any object of the
 * bucket into the upload key, or add x-amz-bypass-governance-retention to a presigned DELETE.
 */
import * as assert from "node:assert/strict";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, raw, s3Error, sdk, type BucketKey } from "./s3-support";

describe("S3 presigned URLs refuse unsigned x-amz-* headers", function () {
  const os = useEmulator();
  const B = "presign-bucket";
  const G = "presign-governed";
  let key: BucketKey;
  let s3: S3Client;

  before(async () => {
    key = await bucketWithKey(os(), B);
    s3 = sdk(os(), key);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "private/payroll.csv", Body: "secret rows" }));
  });
  after(() => s3?.destroy());

  it("a presigned PUT with an unsigned x-amz-copy-source copies nothing", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: B, Key: "uploads/mine.txt" }), { expiresIn: 300 });
    const r = await raw(url, { method: "PUT", headers: { "x-amz-copy-source": `${B}/private/payroll.csv` }, body: "" });
    assert.equal(r.status, 403, r.body);
    assert.equal(codeOf(r.body), "AccessDenied");
    assert.match(r.body, /There were headers present in the request which were not signed/);
    assert.match(r.body, /<HeadersNotSigned>x-amz-copy-source<\/HeadersNotSigned>/);
    assert.equal((await s3Error(s3.send(new HeadObjectCommand({ Bucket: B, Key: "uploads/mine.txt" })))).name, "NotFound");
  });

  it("a presigned PUT with unsigned x-amz-meta-* stores nothing; the same URL without them works", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: B, Key: "uploads/meta.txt" }), { expiresIn: 300 });
    const r = await raw(url, { method: "PUT", headers: { "x-amz-meta-owner": "mallory" }, body: "x" });
    assert.equal(r.status, 403, r.body);
    assert.match(r.body, /x-amz-meta-owner/);
    const ok = await raw(url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "hello" });
    assert.equal(ok.status, 200, ok.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "uploads/meta.txt" }));
    assert.equal(await got.Body!.transformToString(), "hello");
    assert.deepEqual(got.Metadata, {});
  });

  it("a presigned DELETE with an unsigned x-amz-bypass-governance-retention does not delete a retained version", async () => {
    const g = await bucketWithKey(os(), G, { objectLock: { mode: "GOVERNANCE", days: 1 } });
    const c = sdk(os(), g);
    try {
      const put = await c.send(new PutObjectCommand({ Bucket: G, Key: "ledger", Body: "2026" }));
      const url = await getSignedUrl(c, new DeleteObjectCommand({ Bucket: G, Key: "ledger", VersionId: put.VersionId }), { expiresIn: 300 });
      const r = await raw(url, { method: "DELETE", headers: { "x-amz-bypass-governance-retention": "true" } });
      assert.equal(r.status, 403, r.body);
      assert.match(r.body, /which were not signed/);
      const still = await c.send(new GetObjectCommand({ Bucket: G, Key: "ledger", VersionId: put.VersionId }));
      assert.equal(await still.Body!.transformToString(), "2026");
    } finally {
      c.destroy();
    }
  });

  it("headers the signer did sign are accepted, and a signed header missing from the request is a query-auth error", async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: B, Key: "uploads/signed-meta.txt", Metadata: { team: "otters" } }), {
      expiresIn: 300, unhoistableHeaders: new Set(["x-amz-meta-team"]),
    });
    assert.match(url, /X-Amz-SignedHeaders=[^&]*x-amz-meta-team/);
    const ok = await raw(url, { method: "PUT", headers: { "x-amz-meta-team": "otters" }, body: "ok" });
    assert.equal(ok.status, 200, ok.body);
    const missing = await raw(url, { method: "PUT", body: "ok" });
    assert.equal(missing.status, 400, missing.body);
    assert.equal(codeOf(missing.body), "AuthorizationQueryParametersError");
    assert.match(missing.body, /x-amz-meta-team/);
  });
});
