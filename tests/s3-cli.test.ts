import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, type BucketKey } from "./s3-support";
import { baseEnv, keyEnv, run, which } from "./support/cli";
import { skipBecause } from "./support/skip";

describe("S3 with the AWS CLI, boto3 and curl, as the OtterStorage key page shows", function () {
  this.timeout(120_000);
  const emu = useEmulator();
  let key: BucketKey;
  let dir: string;
  const B = "mi-primer-bucket";

  before(async function () {
    if (!which("aws")) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-cli-"));
    key = await bucketWithKey(emu(), B);
    // Option A of the OtterStorage guide "Configure access keys": a named profile with endpoint_url in ~/.aws/config.
    fs.writeFileSync(path.join(dir, "credentials"), `[otter]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, "config"), `[profile otter]\nregion = eu-mad\noutput = json\nendpoint_url = ${emu().s3Url}\n`);
    fs.writeFileSync(path.join(dir, "informe.pdf"), "%PDF-1.4 not really\n");
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("uploads and lists with a profile that carries endpoint_url (aws --profile otter s3 ls)", async () => {
    const env = baseEnv(dir);
    const cp = await run("aws", ["--profile", "otter", "s3", "cp", path.join(dir, "informe.pdf"), `s3://${B}/docs/informe.pdf`], env);
    assert.equal(cp.code, 0, cp.stderr);
    const ls = await run("aws", ["--profile", "otter", "s3", "ls", `s3://${B}/docs/`], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /informe\.pdf/);
  });

  it("works with environment variables only (AWS_ENDPOINT_URL, no profile)", async () => {
    const env = keyEnv(dir, emu().s3Url, key);
    const ls = await run("aws", ["s3", "ls", `s3://${B}`, "--recursive"], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, /docs\/informe\.pdf/);
    const api = await run("aws", ["s3api", "list-objects-v2", "--bucket", B], env);
    assert.equal(api.code, 0, api.stderr);
    assert.equal(JSON.parse(api.stdout).Contents[0].Key, "docs/informe.pdf");
  });

  it("downloads through `aws s3 presign` + curl without the secret", async function () {
    if (!which("curl")) return skipBecause(this, "curl not installed");
    const env = baseEnv(dir);
    const p = await run("aws", ["--profile", "otter", "s3", "presign", `s3://${B}/docs/informe.pdf`, "--expires-in", "600"], env);
    assert.equal(p.code, 0, p.stderr);
    const url = p.stdout.trim();
    assert.doesNotMatch(url, new RegExp(key.secretAccessKey));
    const out = path.join(dir, "downloaded.pdf");
    const c = await run("curl", ["-sS", "-f", "-o", out, url], env);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(fs.readFileSync(out, "utf8"), "%PDF-1.4 not really\n");
  });

  it("lists with boto3 list_objects_v2 using endpoint_url and the key pair", async function () {
    const probe = await run("python3", ["-c", "import boto3"], baseEnv(dir));
    if (probe.code !== 0) return skipBecause(this, "python3 with boto3 not installed (pip install boto3)");
    const script = [
      "import boto3, os, json",
      "s3 = boto3.client('s3', endpoint_url=os.environ['EP'], region_name='eu-mad',",
      "  aws_access_key_id=os.environ['AK'], aws_secret_access_key=os.environ['SK'])",
      `resp = s3.list_objects_v2(Bucket='${B}')`,
      "print(json.dumps([[o['Key'], o['Size']] for o in resp.get('Contents', [])]))",
    ].join("\n");
    const r = await run("python3", ["-c", script], { ...baseEnv(dir), EP: emu().s3Url, AK: key.accessKeyId, SK: key.secretAccessKey });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [["docs/informe.pdf", 20]]);
  });

  it("uploads 24 MiB as a multipart `aws s3 cp` and reads it back byte-identical", async () => {
    const env = baseEnv(dir);
    const src = path.join(dir, "big.bin");
    const back = path.join(dir, "big.back");
    const fd = fs.openSync(src, "w");
    for (let i = 0; i < 24; i++) fs.writeSync(fd, randomBytes(1024 * 1024));
    fs.closeSync(fd);
    const up = await run("aws", ["--profile", "otter", "s3", "cp", src, `s3://${B}/big.bin`], env);
    assert.equal(up.code, 0, up.stderr);
    const head = await run("aws", ["--profile", "otter", "s3api", "head-object", "--bucket", B, "--key", "big.bin"], env);
    assert.equal(head.code, 0, head.stderr);
    assert.match(JSON.parse(head.stdout).ETag, /-\d+"$/, "a multipart ETag");
    const down = await run("aws", ["--profile", "otter", "s3", "cp", `s3://${B}/big.bin`, back], env);
    assert.equal(down.code, 0, down.stderr);
    assert.ok(fs.readFileSync(src).equals(fs.readFileSync(back)));
  });

  it("fails with a readable error for a key of another bucket", async () => {
    const other = await bucketWithKey(emu(), "otro-bucket");
    const env = { ...baseEnv(dir), AWS_CONFIG_FILE: path.join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none2"),
      AWS_ACCESS_KEY_ID: other.accessKeyId, AWS_SECRET_ACCESS_KEY: other.secretAccessKey, AWS_DEFAULT_REGION: "eu-mad", AWS_ENDPOINT_URL: emu().s3Url };
    const r = await run("aws", ["s3", "ls", `s3://${B}`], env);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AccessDenied/);
  });
});
