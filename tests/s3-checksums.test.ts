/**
 * Composite checksums of multipart objects, as AWS reports them: with ChecksumMode ENABLED, HEAD and GET return
 * the checksum of the parts' checksums, "-<parts>", and x-amz-checksum-type COMPOSITE
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html). Expected values are
 * computed here independently with node:zlib's crc32.
 */
import * as assert from "node:assert/strict";
import * as zlib from "node:zlib";
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, UploadPartCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, sdk } from "./s3-support";

const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

describe("S3 checksums of multipart objects (COMPOSITE) on HEAD/GET with ChecksumMode", function () {
  const emu = useEmulator();
  const B = "checksum-bucket";
  let s3: S3Client;
  before(async () => {
    s3 = sdk(emu(), await bucketWithKey(emu(), B));
  });
  after(() => s3?.destroy());

  it("reports base64(CRC32(part CRC32s))-N as ChecksumCRC32 with ChecksumType COMPOSITE, on Complete, HEAD and GET", async () => {
    const parts = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from("the last part")];
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp.bin", ChecksumAlgorithm: "CRC32" }));
    const done = [];
    for (const [i, Body] of parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: B, Key: "mp.bin", UploadId: up.UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: "CRC32" }));
      assert.equal(r.ChecksumCRC32, be32(zlib.crc32(Body)).toString("base64"));
      done.push({ PartNumber: i + 1, ETag: r.ETag, ChecksumCRC32: r.ChecksumCRC32 });
    }
    const expected = `${be32(zlib.crc32(Buffer.concat(parts.map((p) => be32(zlib.crc32(p)))))).toString("base64")}-2`;
    const complete = await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "mp.bin", UploadId: up.UploadId, MultipartUpload: { Parts: done } }));
    assert.equal(complete.ChecksumCRC32, expected);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "mp.bin", ChecksumMode: "ENABLED" }));
    assert.equal(head.ChecksumCRC32, expected);
    assert.equal(head.ChecksumType, "COMPOSITE");
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "mp.bin", ChecksumMode: "ENABLED" }));
    assert.equal(got.ChecksumCRC32, expected);
    assert.equal((await got.Body!.transformToByteArray()).length, parts[0].length + parts[1].length);
    const plain = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "mp.bin" }));
    assert.equal(plain.ChecksumCRC32, undefined, "only with ChecksumMode ENABLED");
  });

  it("single-part objects keep their FULL_OBJECT checksum", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "one.txt", Body: "one", ChecksumAlgorithm: "CRC32" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "one.txt", ChecksumMode: "ENABLED" }));
    assert.equal(head.ChecksumCRC32, be32(zlib.crc32(Buffer.from("one"))).toString("base64"));
    assert.equal(head.ChecksumType, "FULL_OBJECT");
  });
});
