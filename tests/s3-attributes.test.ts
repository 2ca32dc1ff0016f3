/**
 * GetObjectAttributes, GET/HEAD ?partNumber=N and the multipart checksum settings of CreateMultipartUpload, with
 * boto3, the AWS CLI and the AWS SDK v3.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectAttributesCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, UploadPartCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, errorOf, sdk, type BucketKey } from "./s3-support";
import { awsMissing, boto3, boto3Missing, s3api } from "./s3-clients";
import { skipBecause } from "./support/skip";

const MiB = 1024 * 1024;

describe("S3 GetObjectAttributes, parts of multipart objects and multipart checksum settings", function () {
  this.timeout(180_000);
  const emu = useEmulator();
  let key: BucketKey;
  let s3: S3Client;
  const part1 = Buffer.alloc(5 * MiB, "a");
  const part2 = Buffer.alloc(5 * MiB, "b");
  const part3 = Buffer.from("the last part");
  let etag: string;

  before(async () => {
    key = await bucketWithKey(emu(), "attrs");
    s3 = sdk(emu(), key);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: key.bucket, Key: "big.bin", ChecksumAlgorithm: "SHA256" }));
    const parts = [];
    for (const [i, body] of [part1, part2, part3].entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: key.bucket, Key: "big.bin", UploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: "SHA256" }));
      parts.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumSHA256: r.ChecksumSHA256 });
    }
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: key.bucket, Key: "big.bin", UploadId, MultipartUpload: { Parts: parts } }));
    etag = (done.ETag as string).replace(/"/g, "");
    await s3.send(new PutObjectCommand({ Bucket: key.bucket, Key: "small.txt", Body: "foo", ChecksumAlgorithm: "SHA256" }));
  });

  it("SDK: GetObjectAttributes answers ETag, Checksum, StorageClass, ObjectSize, and ObjectParts only for multipart objects", async () => {
    const small = await s3.send(new GetObjectAttributesCommand({ Bucket: key.bucket, Key: "small.txt", ObjectAttributes: ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"] }));
    assert.equal(small.ETag, createHash("md5").update("foo").digest("hex"));
    assert.equal(small.Checksum?.ChecksumSHA256, createHash("sha256").update("foo").digest("base64"));
    assert.equal(small.StorageClass, "STANDARD");
    assert.equal(small.ObjectSize, 3);
    assert.equal(small.ObjectParts, undefined);
    assert.equal(small.VersionId, undefined, "an unversioned bucket names no version");
    const big = await s3.send(new GetObjectAttributesCommand({ Bucket: key.bucket, Key: "big.bin", ObjectAttributes: ["ETag", "ObjectParts", "ObjectSize"] }));
    assert.equal(big.ETag, etag);
    assert.equal(big.ObjectSize, part1.length + part2.length + part3.length);
    assert.equal(big.ObjectParts?.TotalPartsCount, 3);
    assert.deepEqual(big.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256]), [
      [1, part1.length, createHash("sha256").update(part1).digest("base64")],
      [2, part2.length, createHash("sha256").update(part2).digest("base64")],
      [3, part3.length, createHash("sha256").update(part3).digest("base64")],
    ]);
    const none = await errorOf(s3.send(new GetObjectAttributesCommand({ Bucket: key.bucket, Key: "absent", ObjectAttributes: ["ETag"] })));
    assert.deepEqual([none.code, none.status], ["NoSuchKey", 404]);
  });

  it("boto3: ObjectParts pages with MaxParts and PartNumberMarker; versioned objects name their version", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const out = await boto3(emu(), key, `
A = ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']
out['page'] = call(s3.get_object_attributes, Bucket=B, Key='big.bin', ObjectAttributes=A, MaxParts=1, PartNumberMarker=1)
out['rest'] = call(s3.get_object_attributes, Bucket=B, Key='big.bin', ObjectAttributes=A, MaxParts=10, PartNumberMarker=2)
out['bad'] = call(s3.get_object_attributes, Bucket=B, Key='big.bin', ObjectAttributes=['Colour'])
`);
    assert.deepEqual(
      [out.page.ObjectParts.MaxParts, out.page.ObjectParts.PartNumberMarker, out.page.ObjectParts.IsTruncated, out.page.ObjectParts.NextPartNumberMarker, out.page.ObjectParts.TotalPartsCount],
      [1, 1, true, 2, 3],
    );
    assert.deepEqual(out.page.ObjectParts.Parts.map((p: any) => p.PartNumber), [2]);
    assert.equal(out.rest.ObjectParts.IsTruncated, false);
    assert.deepEqual(out.rest.ObjectParts.Parts.map((p: any) => p.PartNumber), [3]);
    assert.equal(out.page.ETag, etag);
    assert.deepEqual([out.bad.error, out.bad.status], ["InvalidArgument", 400]);
    const v = await bucketWithKey(emu(), "attrs-versioned", { versioning: "Enabled" });
    const vout = await boto3(emu(), v, `
first = s3.put_object(Bucket=B, Key='obj', Body=b'foo')['VersionId']
s3.put_object(Bucket=B, Key='obj', Body=b'longer body')
out['first'] = call(s3.get_object_attributes, Bucket=B, Key='obj', VersionId=first, ObjectAttributes=['ObjectSize', 'ETag'])
out['firstId'] = first
s3.delete_object(Bucket=B, Key='obj')
out['marker'] = call(s3.get_object_attributes, Bucket=B, Key='obj', ObjectAttributes=['ObjectSize'])
`);
    assert.equal(vout.first.VersionId, vout.firstId);
    assert.equal(vout.first.ObjectSize, 3);
    assert.deepEqual([vout.marker.error, vout.marker.status], ["NoSuchKey", 404]);
  });

  it("AWS CLI: get-object-attributes lists the parts of a multipart object", async function () {
    const missing = awsMissing();
    if (missing) return skipBecause(this, missing);
    const r = await s3api(emu(), key, ["get-object-attributes", "--bucket", key.bucket, "--key", "big.bin", "--object-attributes", "ObjectParts", "ObjectSize"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.ObjectParts.TotalPartsCount, 3);
    assert.equal(r.json.ObjectSize, part1.length + part2.length + part3.length);
  });

  it("SDK: GET and HEAD with PartNumber return that part's bytes and the parts count; a part the object lacks is 400 InvalidPart", async () => {
    for (const [n, body] of [[1, part1], [2, part2], [3, part3]] as const) {
      const got = await s3.send(new GetObjectCommand({ Bucket: key.bucket, Key: "big.bin", PartNumber: n }));
      assert.equal(got.PartsCount, 3);
      assert.equal(got.ETag, `"${etag}"`, "the whole object's ETag, as S3 answers");
      assert.equal(got.ContentLength, body.length);
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body), `part ${n} bytes`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: key.bucket, Key: "big.bin", PartNumber: n }));
      assert.deepEqual([head.PartsCount, head.ContentLength], [3, body.length]);
    }
    const bad = await errorOf(s3.send(new GetObjectCommand({ Bucket: key.bucket, Key: "big.bin", PartNumber: 4 })));
    assert.deepEqual([bad.code, bad.status], ["InvalidPart", 400]);
    const whole = await s3.send(new GetObjectCommand({ Bucket: key.bucket, Key: "small.txt", PartNumber: 1 }));
    assert.equal(await whole.Body!.transformToString(), "foo", "part 1 of a single-part object is the object");
    const two = await errorOf(s3.send(new GetObjectCommand({ Bucket: key.bucket, Key: "small.txt", PartNumber: 2 })));
    assert.equal(two.code, "InvalidPart");
    const both = await errorOf(s3.send(new GetObjectCommand({ Bucket: key.bucket, Key: "big.bin", PartNumber: 1, Range: "bytes=0-1" })));
    assert.equal(both.code, "InvalidRequest");
  });

  it("boto3: CreateMultipartUpload echoes the checksum algorithm and type; ListParts and GET ?partNumber report part checksums", async function () {
    const missing = await boto3Missing();
    if (missing) return skipBecause(this, missing);
    const out = await boto3(emu(), key, `
c = s3.create_multipart_upload(Bucket=B, Key='sums', ChecksumAlgorithm='SHA256')
out['create'] = {'alg': c.get('ChecksumAlgorithm'), 'type': c.get('ChecksumType')}
u = c['UploadId']
p1 = s3.upload_part(Bucket=B, Key='sums', UploadId=u, PartNumber=1, Body=b'A' * (5 * 1024 * 1024), ChecksumAlgorithm='SHA256')
p2 = s3.upload_part(Bucket=B, Key='sums', UploadId=u, PartNumber=2, Body=b'B' * 10, ChecksumAlgorithm='SHA256')
lp = s3.list_parts(Bucket=B, Key='sums', UploadId=u)
out['list'] = {'alg': lp.get('ChecksumAlgorithm'), 'type': lp.get('ChecksumType'), 'parts': [p.get('ChecksumSHA256') for p in lp['Parts']]}
out['sent'] = [p1['ChecksumSHA256'], p2['ChecksumSHA256']]
s3.complete_multipart_upload(Bucket=B, Key='sums', UploadId=u, MultipartUpload={'Parts': [
  {'PartNumber': 1, 'ETag': p1['ETag'], 'ChecksumSHA256': p1['ChecksumSHA256']}, {'PartNumber': 2, 'ETag': p2['ETag'], 'ChecksumSHA256': p2['ChecksumSHA256']}]})
g = s3.get_object(Bucket=B, Key='sums', PartNumber=2, ChecksumMode='ENABLED')
out['part2'] = {'sum': g.get('ChecksumSHA256'), 'type': g.get('ChecksumType'), 'body': g['Body'].read().decode()}
f = s3.create_multipart_upload(Bucket=B, Key='full', ChecksumAlgorithm='CRC32', ChecksumType='FULL_OBJECT')
out['full'] = {'alg': f.get('ChecksumAlgorithm'), 'type': f.get('ChecksumType')}
out['badCombo'] = call(s3.create_multipart_upload, Bucket=B, Key='x', ChecksumAlgorithm='CRC64NVME', ChecksumType='COMPOSITE')
`);
    assert.deepEqual(out.create, { alg: "SHA256", type: "COMPOSITE" });
    assert.deepEqual(out.list, { alg: "SHA256", type: "COMPOSITE", parts: out.sent });
    assert.deepEqual(out.part2, { sum: out.sent[1], type: "COMPOSITE", body: "BBBBBBBBBB" });
    assert.deepEqual(out.full, { alg: "CRC32", type: "FULL_OBJECT" });
    assert.deepEqual([out.badCombo.error, out.badCombo.status], ["InvalidRequest", 400]);
  });

  it("SDK: a FULL_OBJECT CRC32 upload reports the CRC32 of the whole object", async () => {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: key.bucket, Key: "full.bin", ChecksumAlgorithm: "CRC32", ChecksumType: "FULL_OBJECT" }));
    const a = await s3.send(new UploadPartCommand({ Bucket: key.bucket, Key: "full.bin", UploadId, PartNumber: 1, Body: part1, ChecksumAlgorithm: "CRC32" }));
    const b = await s3.send(new UploadPartCommand({ Bucket: key.bucket, Key: "full.bin", UploadId, PartNumber: 2, Body: part3, ChecksumAlgorithm: "CRC32" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: key.bucket, Key: "full.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }] } }));
    const { crc32 } = await import("node:zlib");
    const want = Buffer.alloc(4);
    want.writeUInt32BE(crc32(Buffer.concat([part1, part3])) >>> 0);
    const head = await s3.send(new HeadObjectCommand({ Bucket: key.bucket, Key: "full.bin", ChecksumMode: "ENABLED" }));
    assert.deepEqual([head.ChecksumCRC32, head.ChecksumType], [want.toString("base64"), "FULL_OBJECT"]);
  });
});
