import * as assert from "node:assert/strict";
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand, GetBucketVersioningCommand, GetObjectCommand, GetObjectLockConfigurationCommand, HeadBucketCommand,
  HeadObjectCommand, ListBucketsCommand, ListMultipartUploadsCommand, ListObjectsCommand, ListObjectsV2Command,
  ListObjectVersionsCommand, ListPartsCommand, PutBucketLifecycleConfigurationCommand, PutBucketVersioningCommand,
  PutObjectCommand, S3Client, UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ManualClock } from "otterstorage-local/dist/clock";
import { control, useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, errorOf, raw, sdk, signed, type BucketKey } from "./s3-support";

describe("S3 auth: bucket-bound keys, revocation, temporary credentials, presigned URLs", function () {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const os = useEmulator({ clock });
  let mine: BucketKey;
  let other: BucketKey;
  let s3: S3Client;

  /** An SDK client whose clock agrees with the emulator's ManualClock. */
  const client = (k: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => {
    const c = sdk(os(), k);
    c.config.systemClockOffset = clock.now() - Date.now();
    return c;
  };

  before(async () => {
    mine = await bucketWithKey(os(), "auth-mine");
    other = await bucketWithKey(os(), "auth-other");
    s3 = client(mine);
    await s3.send(new PutObjectCommand({ Bucket: "auth-mine", Key: "hello.txt", Body: "hi" }));
    const o = client(other);
    await o.send(new PutObjectCommand({ Bucket: "auth-other", Key: "theirs.txt", Body: "secret data" }));
    o.destroy();
  });
  after(() => s3?.destroy());

  it("refuses every data-plane operation on another bucket with AccessDenied", async () => {
    const B = "auth-other";
    const ops: Array<[string, () => Promise<unknown>]> = [
      ["HeadBucket", () => s3.send(new HeadBucketCommand({ Bucket: B }))],
      ["GetBucketLocation", () => s3.send(new GetBucketLocationCommand({ Bucket: B }))],
      ["ListObjects", () => s3.send(new ListObjectsCommand({ Bucket: B }))],
      ["ListObjectsV2", () => s3.send(new ListObjectsV2Command({ Bucket: B }))],
      ["ListObjectVersions", () => s3.send(new ListObjectVersionsCommand({ Bucket: B }))],
      ["GetObject", () => s3.send(new GetObjectCommand({ Bucket: B, Key: "theirs.txt" }))],
      ["HeadObject", () => s3.send(new HeadObjectCommand({ Bucket: B, Key: "theirs.txt" }))],
      ["PutObject", () => s3.send(new PutObjectCommand({ Bucket: B, Key: "x", Body: "x" }))],
      ["DeleteObject", () => s3.send(new DeleteObjectCommand({ Bucket: B, Key: "theirs.txt" }))],
      ["DeleteObjects", () => s3.send(new DeleteObjectsCommand({ Bucket: B, Delete: { Objects: [{ Key: "theirs.txt" }] } }))],
      ["CopyObject", () => s3.send(new CopyObjectCommand({ Bucket: B, Key: "y", CopySource: "auth-other/theirs.txt" }))],
      ["CopyObject into mine from theirs", () => s3.send(new CopyObjectCommand({ Bucket: "auth-mine", Key: "y", CopySource: "auth-other/theirs.txt" }))],
      ["CreateMultipartUpload", () => s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "m" }))],
      ["UploadPart", () => s3.send(new UploadPartCommand({ Bucket: B, Key: "m", UploadId: "x", PartNumber: 1, Body: "x" }))],
      ["CompleteMultipartUpload", () => s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "m", UploadId: "x", MultipartUpload: { Parts: [{ PartNumber: 1, ETag: "x" }] } }))],
      ["AbortMultipartUpload", () => s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: "m", UploadId: "x" }))],
      ["ListParts", () => s3.send(new ListPartsCommand({ Bucket: B, Key: "m", UploadId: "x" }))],
      ["ListMultipartUploads", () => s3.send(new ListMultipartUploadsCommand({ Bucket: B }))],
      ["GetBucketVersioning", () => s3.send(new GetBucketVersioningCommand({ Bucket: B }))],
      ["PutBucketVersioning", () => s3.send(new PutBucketVersioningCommand({ Bucket: B, VersioningConfiguration: { Status: "Enabled" } }))],
      ["GetBucketLifecycleConfiguration", () => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: B }))],
      ["PutBucketLifecycleConfiguration", () => s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: B, LifecycleConfiguration: { Rules: [{ ID: "r", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 } }] } }))],
      ["DeleteBucketLifecycle", () => s3.send(new DeleteBucketLifecycleCommand({ Bucket: B }))],
      ["GetObjectLockConfiguration", () => s3.send(new GetObjectLockConfigurationCommand({ Bucket: B }))],
      ["a bucket that does not exist", () => s3.send(new ListObjectsV2Command({ Bucket: "no-such-bucket-anywhere" }))],
    ];
    for (const [name, op] of ops) {
      const e = await errorOf(op());
      assert.equal(e.status, 403, `${name}: ${e.code}`);
      if (!name.startsWith("Head")) assert.equal(e.code, "AccessDenied", name);
    }
  });

  it("lists only the key's own bucket and refuses CreateBucket, except its own bucket: BucketAlreadyOwnedByYou", async () => {
    const list = await s3.send(new ListBucketsCommand({}));
    assert.deepEqual(list.Buckets?.map((b) => b.Name), ["auth-mine"]);
    const e = await errorOf(s3.send(new CreateBucketCommand({ Bucket: "made-by-a-key" })));
    assert.equal(e.code, "AccessDenied");
    assert.match(e.message, /Control API/);
    const taken = await errorOf(s3.send(new CreateBucketCommand({ Bucket: "auth-other" })));
    assert.equal(taken.code, "AccessDenied", "another key's bucket: still AccessDenied, nothing said about it");
    const own = await errorOf(s3.send(new CreateBucketCommand({ Bucket: "auth-mine", CreateBucketConfiguration: { LocationConstraint: "eu-mad" as never } })));
    assert.deepEqual([own.code, own.status], ["BucketAlreadyOwnedByYou", 409]);
  });

  it("fails the very next request after the key is revoked (InvalidAccessKeyId)", async () => {
    const api = control(os());
    const k = await api.post("/v1/buckets/auth-mine/access-keys", { label: "short-lived" });
    const c = client(k.body);
    await c.send(new HeadObjectCommand({ Bucket: "auth-mine", Key: "hello.txt" }));
    assert.equal((await api.delete(`/v1/buckets/auth-mine/access-keys/${k.body.accessKeyId}`)).status, 204);
    const e = await errorOf(c.send(new GetObjectCommand({ Bucket: "auth-mine", Key: "hello.txt" })));
    assert.equal(e.code, "InvalidAccessKeyId");
    assert.equal(e.status, 403);
    c.destroy();
  });

  it("answers InvalidAccessKeyId for an unknown key and SignatureDoesNotMatch for a wrong secret", async () => {
    const unknown = client({ accessKeyId: "OTTR0000000000000000", secretAccessKey: mine.secretAccessKey });
    assert.equal((await errorOf(unknown.send(new ListObjectsV2Command({ Bucket: "auth-mine" })))).code, "InvalidAccessKeyId");
    const wrong = client({ accessKeyId: mine.accessKeyId, secretAccessKey: "x".repeat(40) });
    assert.equal((await errorOf(wrong.send(new ListObjectsV2Command({ Bucket: "auth-mine" })))).code, "SignatureDoesNotMatch");
    unknown.destroy();
    wrong.destroy();
  });

  it("records lastUsedAt for a key after successful requests", async () => {
    await s3.send(new ListObjectsV2Command({ Bucket: "auth-mine" }));
    const k = await control(os()).get(`/v1/buckets/auth-mine/access-keys/${mine.accessKeyId}`);
    assert.ok(k.body.lastUsedAt, JSON.stringify(k.body));
  });

  it("accepts temporary credentials with their session token, then ExpiredToken after the clock passes expiry", async () => {
    const api = control(os());
    const t = await api.post("/v1/buckets/auth-mine/temporary-credentials", { durationSeconds: 900 });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const temp = client(t.body);
    const got = await temp.send(new GetObjectCommand({ Bucket: "auth-mine", Key: "hello.txt" }));
    assert.equal(await got.Body!.transformToString(), "hi");
    assert.equal((await errorOf(temp.send(new ListObjectsV2Command({ Bucket: "auth-other" })))).code, "AccessDenied");
    const noToken = client({ accessKeyId: t.body.accessKeyId, secretAccessKey: t.body.secretAccessKey });
    assert.equal((await errorOf(noToken.send(new ListObjectsV2Command({ Bucket: "auth-mine" })))).code, "InvalidToken");
    clock.advance(901_000);
    temp.config.systemClockOffset = clock.now() - Date.now();
    const e = await errorOf(temp.send(new GetObjectCommand({ Bucket: "auth-mine", Key: "hello.txt" })));
    assert.equal(e.code, "ExpiredToken");
    assert.equal(e.status, 403);
    temp.destroy();
    noToken.destroy();
    s3.config.systemClockOffset = clock.now() - Date.now();
  });

  it("refuses requests signed more than 15 minutes away from the service clock (RequestTimeTooSkewed)", async () => {
    const { url, headers } = await signed(os(), mine, "GET", "/auth-mine/hello.txt", { at: clock.now() - 16 * 60_000 });
    const r = await raw(url, { headers });
    assert.equal(r.status, 403);
    assert.equal(codeOf(r.body), "RequestTimeTooSkewed");
  });

  it("serves presigned GETs, then AccessDenied 'Request has expired' after X-Amz-Expires", async () => {
    s3.config.systemClockOffset = clock.now() - Date.now();
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "auth-mine", Key: "hello.txt" }), { expiresIn: 600, signingDate: new Date(clock.now()) });
    const ok = await raw(url);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, "hi");
    clock.advance(601_000);
    const late = await raw(url);
    assert.equal(late.status, 403);
    assert.equal(codeOf(late.body), "AccessDenied");
    assert.match(late.body, /Request has expired/);
  });

  it("answers SignatureDoesNotMatch for a tampered presigned URL and rejects bad X-Amz-Expires values by name", async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "auth-mine", Key: "hello.txt" }), { expiresIn: 600, signingDate: new Date(clock.now()) });
    const tampered = url.replace("hello.txt", "hello2.txt");
    assert.equal(codeOf((await raw(tampered)).body), "SignatureDoesNotMatch");
    const longer = url.replace("X-Amz-Expires=600", "X-Amz-Expires=6000");
    assert.equal(codeOf((await raw(longer)).body), "SignatureDoesNotMatch");
    for (const bad of ["NaN", "-5", "604801", ""]) {
      const r = await raw(url.replace("X-Amz-Expires=600", `X-Amz-Expires=${bad}`));
      assert.equal(r.status, 400, bad);
      assert.equal(codeOf(r.body), "AuthorizationQueryParametersError", bad);
      assert.match(r.body, /X-Amz-Expires/);
    }
    const missing = await raw(url.replace(/X-Amz-Expires=600&?/, ""));
    assert.equal(codeOf(missing.body), "AuthorizationQueryParametersError");
  });

  it("refuses anonymous requests and malformed Authorization headers with messages that say what to fix", async () => {
    const anon = await raw(`${os().s3Url}/auth-mine/hello.txt`);
    assert.equal(anon.status, 403);
    assert.equal(codeOf(anon.body), "AccessDenied");
    const { url, headers } = await signed(os(), mine, "GET", "/auth-mine/hello.txt");
    const broken = await raw(url, { headers: { ...headers, authorization: "AWS4-HMAC-SHA256 Credential=OTTR/bad" } });
    assert.equal(broken.status, 400);
    assert.equal(codeOf(broken.body), "AuthorizationHeaderMalformed");
    assert.match(broken.body, /Credential, SignedHeaders, and Signature/);
    const v2 = await raw(url, { headers: { ...headers, authorization: "AWS OTTR:abc" } });
    assert.equal(codeOf(v2.body), "InvalidRequest");
    const region = await raw(url, { headers: { ...headers, authorization: headers.authorization.replace("/eu-mad/", "/us-east-1/") } });
    assert.equal(codeOf(region.body), "AuthorizationHeaderMalformed");
    assert.match(region.body, /expecting &apos;eu-mad&apos;|expecting 'eu-mad'/);
    assert.doesNotMatch(broken.body + region.body, new RegExp(mine.secretAccessKey));
  });
});
