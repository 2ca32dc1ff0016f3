/**
 * Small protocol points real clients depend on: url-encoded listings that clients decode, a retried
 * CompleteMultipartUpload, Expect headers, non-ASCII user metadata; and two refusals the one-key-one-bucket model
 * decides (a copy from another bucket, no bucket-existence oracle).
 */
import * as assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand,
  UploadPartCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, errorOf, raw, sdk, signed, type BucketKey } from "./s3-support";
import { boto3, boto3Missing } from "./s3-clients";
import { skipBecause } from "./support/skip";

describe("S3 protocol points real clients depend on", function () {
  this.timeout(120_000);
  const emu = useEmulator();
  let key: BucketKey;
  let s3: S3Client;

  before(async () => {
    key = await bucketWithKey(emu(), "points", { versioning: "Enabled" });
    s3 = sdk(emu(), key);
  });

  it("boto3: list_object_versions and list_objects show keys and prefixes with ':' as stored, not %3A", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const out = await boto3(emu(), key, `
s3.put_object(Bucket=B, Key='a:b/c d+e', Body=b'x')
v = s3.list_object_versions(Bucket=B, Prefix='a:')
out['versions'] = [x['Key'] for x in v['Versions']]
out['versionsPrefix'] = v['Prefix']
l = s3.list_objects(Bucket=B, Prefix='a:')
out['v1'] = [x['Key'] for x in l['Contents']]
out['v1Prefix'] = l['Prefix']
out['v2'] = [x['Key'] for x in s3.list_objects_v2(Bucket=B, Prefix='a:')['Contents']]
`);
    assert.deepEqual(out, { versions: ["a:b/c d+e"], versionsPrefix: "a:", v1: ["a:b/c d+e"], v1Prefix: "a:", v2: ["a:b/c d+e"] });
  });

  it("a retried CompleteMultipartUpload of a completed upload answers 200 with the same ETag and version (SDK)", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: key.bucket, Key: "retry.bin" }));
    const p = await s3.send(new UploadPartCommand({ Bucket: key.bucket, Key: "retry.bin", UploadId, PartNumber: 1, Body: "only part" }));
    const complete = () => s3.send(new CompleteMultipartUploadCommand({ Bucket: key.bucket, Key: "retry.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } }));
    const first = await complete();
    const again = await complete();
    assert.deepEqual([again.ETag, again.VersionId, again.Key], [first.ETag, first.VersionId, first.Key]);
    await s3.send(new PutObjectCommand({ Bucket: key.bucket, Key: "retry.bin", Body: "newer" }));
    const stillThere = await complete();
    assert.equal(stillThere.VersionId, first.VersionId, "the version it made still exists, so the answer stands");
    const other = await errorOf(s3.send(new CompleteMultipartUploadCommand({ Bucket: key.bucket, Key: "other-key", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } })));
    assert.equal(other.code, "NoSuchUpload", "only for the key it completed");
  });

  it("an Expect header other than 100-continue is ignored (the PUT succeeds), not answered 417", async () => {
    const req = await signed(emu(), key, "PUT", `/${key.bucket}/expect.txt`, { headers: { expect: "202-accepted" } });
    const r = await raw(req.url, { method: "PUT", headers: { ...req.headers, "content-length": "5" }, body: "hello" });
    assert.equal(r.status, 200, r.body);
    const got = await s3.send(new GetObjectCommand({ Bucket: key.bucket, Key: "expect.txt" }));
    assert.equal(await got.Body!.transformToString(), "hello");
  });

  it("non-ASCII x-amz-meta-* values round-trip through the SDK (UTF-8 on the wire) and boto3 (Latin-1) without a signature error", async function () {
    await s3.send(new PutObjectCommand({ Bucket: key.bucket, Key: "meta-sdk", Body: "x", Metadata: { meta1: "Hello World\u00e9" } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: key.bucket, Key: "meta-sdk" }));
    assert.equal(head.Metadata?.meta1, "Hello World\u00e9");
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const out = await boto3(emu(), key, `
def set_unicode_metadata(**kwargs):
    kwargs['params']['headers']['x-amz-meta-meta1'] = u"Hello World\\xe9"
s3.meta.events.register('before-call.s3.PutObject', set_unicode_metadata)
out['put'] = call(s3.put_object, Bucket=B, Key='meta-boto3', Body=b'bar')
out['got'] = s3.get_object(Bucket=B, Key='meta-boto3')['Metadata'].get('meta1')
`);
    assert.deepEqual(out.put.error, undefined, JSON.stringify(out.put));
    assert.equal(out.got, "Hello World\u00e9");
    // The AWS CLI refuses non-ASCII metadata itself ("S3 metadata can only contain ASCII characters"), before sending.
  });

  it("boto3: a Suspended bucket's PUT names no version, Content-Encoding is kept as sent, an empty continuation token is page one, tags come back in key order, a wrong object checksum on Complete is BadDigest", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const sus = await bucketWithKey(emu(), "points-suspended", { versioning: "Suspended" });
    const out = await boto3(emu(), sus, `
out['suspendedPut'] = 'VersionId' in s3.put_object(Bucket=B, Key='k', Body=b'x')
s3.put_object(Bucket=B, Key='enc', Body=b'x', ContentEncoding='deflate, gzip')
out['enc'] = s3.head_object(Bucket=B, Key='enc')['ContentEncoding']
l = s3.list_objects_v2(Bucket=B, ContinuationToken='')
out['page'] = [l.get('ContinuationToken'), [o['Key'] for o in l['Contents']]]
s3.meta.events.register('before-call.s3.PutObject', lambda **kw: kw['params']['headers'].update({'x-amz-tagging': 'foo=bar&bar'}))
s3.put_object(Bucket=B, Key='tagged', Body=b'x')
out['tags'] = s3.get_object_tagging(Bucket=B, Key='tagged')['TagSet']
u = s3.create_multipart_upload(Bucket=B, Key='mp', ChecksumAlgorithm='SHA256')['UploadId']
p = s3.upload_part(Bucket=B, Key='mp', UploadId=u, PartNumber=1, Body=b'abc', ChecksumAlgorithm='SHA256')
out['badSum'] = call(s3.complete_multipart_upload, Bucket=B, Key='mp', UploadId=u, ChecksumSHA256='bad',
  MultipartUpload={'Parts': [{'PartNumber': 1, 'ETag': p['ETag'], 'ChecksumSHA256': p['ChecksumSHA256']}]})
`);
    assert.equal(out.suspendedPut, false);
    assert.equal(out.enc, "deflate, gzip");
    assert.deepEqual(out.page, ["", ["enc", "k"]]);
    assert.deepEqual(out.tags, [{ Key: "bar", Value: "" }, { Key: "foo", Value: "bar" }]);
    assert.deepEqual([out.badSum.error, out.badSum.status], ["BadDigest", 400]);
  });

  it("a conditional delete (If-Match on DeleteObject, ETag in DeleteObjects) removes the object only while its ETag matches", async () => {
    const plain = await bucketWithKey(emu(), "points-conditional-delete");
    const c = sdk(emu(), plain);
    const put = await c.send(new PutObjectCommand({ Bucket: plain.bucket, Key: "k", Body: "v1" }));
    const bad = await errorOf(c.send(new DeleteObjectCommand({ Bucket: plain.bucket, Key: "k", IfMatch: '"0123456789abcdef0123456789abcdef"' })));
    assert.deepEqual([bad.code, bad.status], ["PreconditionFailed", 412]);
    await c.send(new HeadObjectCommand({ Bucket: plain.bucket, Key: "k" }));
    await c.send(new DeleteObjectCommand({ Bucket: plain.bucket, Key: "k", IfMatch: put.ETag }));
    assert.equal((await errorOf(c.send(new HeadObjectCommand({ Bucket: plain.bucket, Key: "k" })))).status, 404);
    const again = await c.send(new DeleteObjectCommand({ Bucket: plain.bucket, Key: "k", IfMatch: "*" }));
    assert.equal(again.$metadata.httpStatusCode, 204, "a key with no object is deleted as without the condition");
    await c.send(new PutObjectCommand({ Bucket: plain.bucket, Key: "m", Body: "v1" }));
    const multi = await c.send(new DeleteObjectsCommand({ Bucket: plain.bucket, Delete: { Objects: [{ Key: "m", ETag: '"0123456789abcdef0123456789abcdef"' }] } }));
    assert.equal(multi.Errors?.[0]?.Code, "PreconditionFailed");
    await c.send(new HeadObjectCommand({ Bucket: plain.bucket, Key: "m" }));
  });

  it("a copy whose source is another bucket is refused with AccessDenied, even when this bucket's key could read a same-named object", async () => {
    const other = await bucketWithKey(emu(), "points-other");
    await sdk(emu(), other).send(new PutObjectCommand({ Bucket: other.bucket, Key: "secret", Body: "not yours" }));
    await s3.send(new PutObjectCommand({ Bucket: key.bucket, Key: "secret", Body: "mine" }));
    const e = await errorOf(s3.send(new CopyObjectCommand({ Bucket: key.bucket, Key: "stolen", CopySource: `${other.bucket}/secret` })));
    assert.deepEqual([e.code, e.status], ["AccessDenied", 403]);
    const absent = await errorOf(s3.send(new HeadObjectCommand({ Bucket: key.bucket, Key: "stolen" })));
    assert.equal(absent.status, 404);
  });

  it("a bucket the key does not belong to answers the same 403 whether or not it exists (no existence oracle)", async () => {
    const answers = [];
    for (const bucket of ["points-other", "points-never-created"]) {
      const req = await signed(emu(), key, "GET", `/${bucket}`, { query: { "list-type": "2" } });
      const r = await raw(req.url, { headers: req.headers });
      const msg = /<Message>([^<]*)<\/Message>/.exec(r.body)?.[1]?.replace(bucket, "<bucket>");
      answers.push([r.status, codeOf(r.body), msg]);
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(answers[0].slice(0, 2), [403, "AccessDenied"]);
  });
});
