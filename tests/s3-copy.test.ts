/**
 * Server-side copies of any size: CopyObject for small objects, CreateMultipartUpload + UploadPartCopy (with
 * x-amz-copy-source-range and the x-amz-copy-source-if-* conditions) for large ones, exercised with the AWS SDK,
 * the AWS CLI (`aws s3 cp/mv s3://… s3://…`, which switches to UploadPartCopy at 8 MiB) and boto3's managed copy.
 */
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, UploadPartCopyCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { baseEnv, keyEnv, run, which } from "./support/cli";
import { bucketWithKey, errorOf, sdk, type BucketKey } from "./s3-support";
import { skipBecause } from "./support/skip";

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

describe("S3 server-side copy of any size (UploadPartCopy)", function () {
  this.timeout(120_000);
  const emu = useEmulator();
  const B = "copy-bucket";
  let key: BucketKey;
  let s3: S3Client;
  let dir: string;
  const big = randomBytes(10 * MiB + 123);

  before(async () => {
    key = await bucketWithKey(emu(), B);
    s3 = sdk(emu(), key);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-copy-"));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "src/big.bin", Body: big }));
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "src/small.txt", Body: "0123456789abcdefghij" }));
  });
  after(() => {
    s3?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const body = async (k: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: k }))).Body!.transformToByteArray());

  it("assembles an object from byte ranges of file-backed and inline sources (SDK UploadPartCopy)", async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "dst/assembled.bin" }));
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: "dst/assembled.bin", UploadId: up.UploadId, PartNumber: 1, CopySource: `${B}/src/big.bin`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    const p2 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: "dst/assembled.bin", UploadId: up.UploadId, PartNumber: 2, CopySource: `${B}/src/big.bin`, CopySourceRange: `bytes=${5 * MiB}-${big.length - 1}` }));
    const p3 = await s3.send(new UploadPartCopyCommand({ Bucket: B, Key: "dst/assembled.bin", UploadId: up.UploadId, PartNumber: 3, CopySource: `${B}/src/small.txt`, CopySourceRange: "bytes=10-19" }));
    assert.equal(p1.CopyPartResult?.ETag, `"${md5(big.subarray(0, 5 * MiB))}"`);
    assert.equal(p3.CopyPartResult?.ETag, `"${md5(Buffer.from("abcdefghij"))}"`);
    assert.ok(p2.CopyPartResult?.LastModified instanceof Date);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "dst/assembled.bin", UploadId: up.UploadId, MultipartUpload: { Parts: [
      { PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }, { PartNumber: 3, ETag: p3.CopyPartResult!.ETag },
    ] } }));
    assert.ok((await body("dst/assembled.bin")).equals(Buffer.concat([big, Buffer.from("abcdefghij")])));
  });

  it("applies x-amz-copy-source-if-* (412) and refuses malformed or out-of-bounds ranges by name", async () => {
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "src/small.txt" }));
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "dst/cond.bin" }));
    const part = (extra: Record<string, unknown>) => s3.send(new UploadPartCopyCommand({ Bucket: B, Key: "dst/cond.bin", UploadId: up.UploadId, PartNumber: 1, CopySource: `${B}/src/small.txt`, ...extra }));
    assert.equal((await part({ CopySourceIfMatch: head.ETag })).CopyPartResult?.ETag, head.ETag);
    for (const bad of [{ CopySourceIfMatch: '"0000"' }, { CopySourceIfNoneMatch: head.ETag }, { CopySourceIfUnmodifiedSince: new Date(Date.now() - 3600_000) },
      { CopySourceIfModifiedSince: new Date(Date.now() + 3600_000) }]) {
      const e = await errorOf(part(bad));
      assert.deepEqual([e.code, e.status], ["PreconditionFailed", 412], JSON.stringify(bad));
    }
    const copyFail = await errorOf(s3.send(new CopyObjectCommand({ Bucket: B, Key: "dst/c.txt", CopySource: `${B}/src/small.txt`, CopySourceIfMatch: '"0000"' })));
    assert.equal(copyFail.status, 412, "CopyObject honours the same conditions");
    for (const range of ["bytes=5-", "bytes=0-20", "bytes=9-3", "items=0-1"]) {
      const e = await errorOf(part({ CopySourceRange: range }));
      assert.deepEqual([e.code, e.status], ["InvalidArgument", 400], range);
      assert.match(e.message, /x-amz-copy-source-range|Range specified is not valid/, range);
    }
    const foreign = await bucketWithKey(emu(), "copy-other");
    const e = await errorOf(part({ CopySource: `copy-other/anything` }));
    assert.equal(e.code, "AccessDenied", "a part cannot be copied from another bucket");
    void foreign;
  });

  it("`aws s3 cp` and `aws s3 mv` between S3 paths copy a 10 MiB object (multipart copy)", async function () {
    if (!which("aws")) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    const env = keyEnv(dir, emu().s3Url, key);
    const cp = await run("aws", ["s3", "cp", `s3://${B}/src/big.bin`, `s3://${B}/cli/copy.bin`], env);
    assert.equal(cp.code, 0, cp.stderr);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "cli/copy.bin" }));
    assert.match(head.ETag ?? "", /-\d+"$/, "copied part by part (UploadPartCopy), not with one CopyObject");
    assert.ok((await body("cli/copy.bin")).equals(big));
    const mv = await run("aws", ["s3", "mv", `s3://${B}/cli/copy.bin`, `s3://${B}/cli/moved.bin`], env);
    assert.equal(mv.code, 0, mv.stderr);
    assert.ok((await body("cli/moved.bin")).equals(big));
    assert.equal((await errorOf(s3.send(new HeadObjectCommand({ Bucket: B, Key: "cli/copy.bin" })))).status, 404);
  });

  it("boto3's managed copy (s3.copy with a 5 MiB multipart threshold) copies part by part", async function () {
    const probe = await run("python3", ["-c", "import boto3"], baseEnv(dir));
    if (probe.code !== 0) return skipBecause(this, "python3 with boto3 not installed (pip install boto3)");
    const script = [
      "import boto3, os",
      "from boto3.s3.transfer import TransferConfig",
      "s3 = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'], region_name='eu-mad')",
      "cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)",
      `s3.copy({'Bucket': '${B}', 'Key': 'src/big.bin'}, '${B}', 'boto/copy.bin', Config=cfg)`,
    ].join("\n");
    const r = await run("python3", ["-c", script], keyEnv(dir, emu().s3Url, key));
    assert.equal(r.code, 0, r.stderr);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "boto/copy.bin" }));
    assert.match(head.ETag ?? "", /-3"$/, "three 5 MiB-or-less parts");
    assert.ok((await body("boto/copy.bin")).equals(big));
  });
});
