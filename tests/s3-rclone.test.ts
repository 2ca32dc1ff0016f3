/**
 * rclone (Debian's 1.60, `apt-get install rclone`) with the SDK's rcloneRemote output as is: copyto of one file
 * (rclone first "creates" the bucket: CreateBucket of the key's own bucket must answer BucketAlreadyOwnedByYou),
 * copy of a directory, a server-side copy of a 10 MiB object within the bucket (UploadPartCopy), and cat.
 * rclone 1.60 cannot load this machine's AWS_CA_BUNDLE, so it runs without the runner's AWS_* variables.
 */
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { rcloneRemoteOf } from "../sdk/outputs";
import { useEmulator } from "./support/emulator";
import { run, which } from "./support/cli";
import { bucketWithKey, sdk, type BucketKey } from "./s3-support";
import { skipBecause } from "./support/skip";

describe("S3 with rclone and the rcloneRemote output", function () {
  this.timeout(120_000);
  const emu = useEmulator();
  const B = "rclone-bucket";
  let key: BucketKey;
  let s3: S3Client;
  let dir: string;
  let env: Record<string, string>;
  let conf: string;

  before(async function () {
    if (!which("rclone")) {
      return skipBecause(this, "rclone not installed (apt-get install -y rclone)");
    }
    key = await bucketWithKey(emu(), B);
    s3 = sdk(emu(), key);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-rclone-"));
    conf = path.join(dir, "rclone.conf");
    fs.writeFileSync(conf, rcloneRemoteOf({ ...key, endpoint: emu().s3Url, region: "eu-mad" }, "otter"), { mode: 0o600 });
    env = { PATH: process.env.PATH ?? "", HOME: dir };
  });
  after(() => {
    s3?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const rclone = (...args: string[]) => run("rclone", ["--config", conf, ...args], env);
  const body = async (k: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: B, Key: k }))).Body!.transformToByteArray());

  it("copyto of a single file works (rclone's CreateBucket of its own bucket is BucketAlreadyOwnedByYou)", async () => {
    fs.writeFileSync(path.join(dir, "nota.txt"), "hola rclone\n");
    const r = await rclone("copyto", path.join(dir, "nota.txt"), `otter:${B}/notas/nota.txt`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await body("notas/nota.txt")).toString(), "hola rclone\n");
    const cat = await rclone("cat", `otter:${B}/notas/nota.txt`);
    assert.equal(cat.stdout, "hola rclone\n");
  });

  it("copies a directory, and copies a 10 MiB object server-side within the bucket", async () => {
    const src = path.join(dir, "tree");
    fs.mkdirSync(path.join(src, "sub"), { recursive: true });
    fs.writeFileSync(path.join(src, "a.txt"), "a");
    const big = randomBytes(10 * 1024 * 1024);
    fs.writeFileSync(path.join(src, "sub", "big.bin"), big);
    const up = await rclone("copy", src, `otter:${B}/tree`);
    assert.equal(up.code, 0, up.stderr);
    const server = await rclone("copyto", "--s3-copy-cutoff", "5M", `otter:${B}/tree/sub/big.bin`, `otter:${B}/copies/big.bin`);
    assert.equal(server.code, 0, server.stderr);
    const head = await s3.send(new HeadObjectCommand({ Bucket: B, Key: "copies/big.bin" }));
    assert.match(head.ETag ?? "", /-\d+"$/, "copied in parts (UploadPartCopy), server-side");
    assert.ok((await body("copies/big.bin")).equals(big));
    const ls = await rclone("lsf", "-R", `otter:${B}/tree`);
    assert.deepEqual(ls.stdout.trim().split("\n").sort(), ["a.txt", "sub/", "sub/big.bin"]);
  });
});
