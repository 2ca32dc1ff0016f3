/** Object tagging with the AWS SDK and the AWS CLI: per version, on PUT, multipart and copy, counted on GET/HEAD. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand, DeleteObjectTaggingCommand,
  GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, UploadPartCommand, type S3Client,
} from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { keyEnv, run, which } from "./support/cli";
import { bucketWithKey, errorOf, raw, sdk, signed, type BucketKey } from "./s3-support";
import { skipBecause } from "./support/skip";

describe("S3 object tagging", function () {
  const emu = useEmulator();
  const B = "tagging-bucket";
  const V = "tagging-versioned";
  let key: BucketKey;
  let s3: S3Client;

  before(async () => {
    key = await bucketWithKey(emu(), B);
    s3 = sdk(emu(), key);
  });
  after(() => s3?.destroy());

  const tagsOf = async (c: S3Client, Bucket: string, Key: string, VersionId?: string) =>
    Object.fromEntries(((await c.send(new GetObjectTaggingCommand({ Bucket, Key, VersionId }))).TagSet ?? []).map((t) => [t.Key, t.Value]));

  it("stores x-amz-tagging of a PUT, counts it on GET and HEAD, and Put/Get/DeleteObjectTagging change only the tags", async () => {
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "report.csv", Body: "a,b", Tagging: "team=otters&class=internal%20only" }));
    assert.deepEqual(await tagsOf(s3, B, "report.csv"), { team: "otters", class: "internal only" });
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "report.csv" }));
    const signedHead = await signed(emu(), key, "HEAD", `/${B}/report.csv`);
    assert.equal((await raw(signedHead.url, { method: "HEAD", headers: signedHead.headers })).headers["x-amz-tagging-count"], "2");
    const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "report.csv" }));
    assert.equal(got.TagCount, 2);
    await got.Body!.transformToString();
    await s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: "report.csv", Tagging: { TagSet: [{ Key: "team", Value: "beavers" }] } }));
    assert.deepEqual(await tagsOf(s3, B, "report.csv"), { team: "beavers" });
    const after = await s3.send(new GetObjectCommand({ Bucket: B, Key: "report.csv" }));
    assert.equal(await after.Body!.transformToString(), "a,b", "the body and ETag are untouched");
    assert.equal(after.ETag, head.ETag);
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: B, Key: "report.csv" }));
    assert.deepEqual(await tagsOf(s3, B, "report.csv"), {});
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: B, Key: "report.csv" }))).$metadata.httpStatusCode, 200);
  });

  it("refuses invalid tag sets by saying what is wrong, and tagging a missing key is NoSuchKey", async () => {
    const put = (TagSet: Array<{ Key: string; Value: string }>) => errorOf(s3.send(new PutObjectTaggingCommand({ Bucket: B, Key: "report.csv", Tagging: { TagSet } })));
    const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    for (const [set, why] of [[eleven, /at most 10 tags/], [[{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }], /more than once/],
      [[{ Key: "x".repeat(129), Value: "" }], /1 to 128 characters/], [[{ Key: "k", Value: "v".repeat(257) }], /longer than 256/]] as const) {
      const e = await put(set as unknown as Array<{ Key: string; Value: string }>);
      assert.deepEqual([e.code, e.status], ["InvalidTag", 400]);
      assert.match(e.message, why);
    }
    const header = await errorOf(s3.send(new PutObjectCommand({ Bucket: B, Key: "bad-tags", Body: "x", Tagging: "a=1&a=2" })));
    assert.equal(header.code, "InvalidTag");
    const missing = await errorOf(s3.send(new GetObjectTaggingCommand({ Bucket: B, Key: "nope" })));
    assert.equal(missing.code, "NoSuchKey");
  });

  it("keeps tags per version in a versioned bucket", async () => {
    const vk = await bucketWithKey(emu(), V, { versioning: "Enabled" });
    const c = sdk(emu(), vk);
    try {
      const v1 = await c.send(new PutObjectCommand({ Bucket: V, Key: "doc", Body: "one", Tagging: "rev=1" }));
      const v2 = await c.send(new PutObjectCommand({ Bucket: V, Key: "doc", Body: "two", Tagging: "rev=2" }));
      await c.send(new PutObjectTaggingCommand({ Bucket: V, Key: "doc", VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: "rev", Value: "1-archived" }] } }));
      assert.deepEqual(await tagsOf(c, V, "doc", v1.VersionId), { rev: "1-archived" });
      assert.deepEqual(await tagsOf(c, V, "doc"), { rev: "2" });
      const r = await c.send(new GetObjectTaggingCommand({ Bucket: V, Key: "doc", VersionId: v2.VersionId }));
      assert.equal(r.VersionId, v2.VersionId);
      await c.send(new DeleteObjectCommand({ Bucket: V, Key: "doc" }));
      const marker = await errorOf(c.send(new GetObjectTaggingCommand({ Bucket: V, Key: "doc" })));
      assert.equal(marker.status, 405, "a delete marker has no tags");
      assert.deepEqual(await tagsOf(c, V, "doc", v2.VersionId), { rev: "2" });
    } finally {
      c.destroy();
    }
  });

  it("carries tags through multipart uploads and copies (x-amz-tagging-directive COPY by default, REPLACE on request)", async () => {
    const up = await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: "mp.bin", Tagging: "source=multipart" }));
    const p = await s3.send(new UploadPartCommand({ Bucket: B, Key: "mp.bin", UploadId: up.UploadId, PartNumber: 1, Body: "part" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: "mp.bin", UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } }));
    assert.deepEqual(await tagsOf(s3, B, "mp.bin"), { source: "multipart" });
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: "copy-same", CopySource: `${B}/mp.bin` }));
    assert.deepEqual(await tagsOf(s3, B, "copy-same"), { source: "multipart" });
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: "copy-replaced", CopySource: `${B}/mp.bin`, TaggingDirective: "REPLACE", Tagging: "stage=copied" }));
    assert.deepEqual(await tagsOf(s3, B, "copy-replaced"), { stage: "copied" });
    await s3.send(new CopyObjectCommand({ Bucket: B, Key: "copy-meta-replaced", CopySource: `${B}/mp.bin`, MetadataDirective: "REPLACE", Metadata: { a: "b" } }));
    assert.deepEqual(await tagsOf(s3, B, "copy-meta-replaced"), { source: "multipart" }, "the tagging directive, not the metadata one, decides");
  });

  it("works with the AWS CLI (s3api put-object-tagging / get-object-tagging)", async function () {
    if (!which("aws")) {
      return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-tag-"));
    try {
      const env = keyEnv(dir, emu().s3Url, key);
      const put = await run("aws", ["s3api", "put-object-tagging", "--bucket", B, "--key", "report.csv", "--tagging", "TagSet=[{Key=owner,Value=ana}]"], env);
      assert.equal(put.code, 0, put.stderr);
      const get = await run("aws", ["s3api", "get-object-tagging", "--bucket", B, "--key", "report.csv"], env);
      assert.equal(get.code, 0, get.stderr);
      assert.deepEqual(JSON.parse(get.stdout).TagSet, [{ Key: "owner", Value: "ana" }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
