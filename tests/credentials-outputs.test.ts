/**
 * Ready-to-use outputs, each used by a real client against Local OtterStorage with a key issued through the real
 * dynamic-provider host: the environment map with the AWS CLI (`aws s3 ls`), the profile with `aws --profile` (temp
 * AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), the client config with @aws-sdk/client-s3, the rclone remote
 * (with rclone when installed). Under setMocks: the SDK's AccessKey outputs are exactly these forms, all secret.
 */
import * as assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { awsProfileOf, environmentOf, rcloneRemoteOf, s3ClientConfigOf, Credentials } from "../sdk/outputs";
import { engineUp, ResourceState } from "./support/host";
import { Rig, startRig } from "./credentials-support";
import { skipBecause } from "./support/skip";

const run = promisify(execFile);
const has = (bin: string) => {
  try {
    execFileSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

/** The test runner's own AWS_* variables must not leak into the client runs. */
function cleanEnv(extra: Record<string, string>, home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("AWS_")) env[k] = v;
  return { ...env, HOME: home, AWS_CONFIG_FILE: path.join(home, "none-config"), AWS_SHARED_CREDENTIALS_FILE: path.join(home, "none-credentials"), AWS_EC2_METADATA_DISABLED: "true", ...extra };
}

describe("ready-to-use credential outputs with real clients", function () {
  let rig: Rig;
  let bucket: ResourceState;
  let c: Credentials;
  let dir: string;

  before(async () => {
    rig = await startRig();
    bucket = await rig.bucket("forms");
    const k = await engineUp(rig.host, rig.keyUrn("forms"), { __provider: rig.text.accessKey, bucket: bucket.id, label: "forms" });
    c = { accessKeyId: k.state.outputs.accessKeyId, secretAccessKey: k.state.outputs.secretAccessKey, endpoint: k.state.outputs.endpoint, region: k.state.outputs.region };
    const s3 = new S3Client({ ...s3ClientConfigOf(c), maxAttempts: 1 });
    await s3.send(new PutObjectCommand({ Bucket: bucket.id, Key: "hello.txt", Body: "hi" }));
    s3.destroy();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-forms-"));
  });
  after(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await rig?.stop();
  });

  it("environment: `aws s3 ls` with only the env map lists the bucket", async function () {
    if (!has("aws")) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    const { stdout } = await run("aws", ["s3", "ls", `s3://${bucket.id}`], { env: cleanEnv(environmentOf(c), dir) });
    assert.match(stdout, /hello\.txt/);
  });

  it("awsProfile: `aws --profile otter s3 ls` with the two snippets as the config and credentials files", async function () {
    if (!has("aws")) return skipBecause(this, "AWS CLI not installed (pip install awscli)");
    const p = awsProfileOf(c, "otter");
    fs.writeFileSync(path.join(dir, "config"), p.config);
    fs.writeFileSync(path.join(dir, "credentials"), p.credentials, { mode: 0o600 });
    const env = cleanEnv({ AWS_CONFIG_FILE: path.join(dir, "config"), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials") }, dir);
    const { stdout } = await run("aws", ["--profile", "otter", "s3", "ls", `s3://${bucket.id}`], { env });
    assert.match(stdout, /hello\.txt/);
    assert.match(p.config, /^\[profile otter\]\nregion = eu-mad\noutput = json\nendpoint_url = http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it("s3ClientConfig: new S3Client(config) from @aws-sdk/client-s3 lists the bucket", async () => {
    const s3 = new S3Client(s3ClientConfigOf(c));
    try {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket.id }));
      assert.deepEqual(r.Contents?.map((o) => o.Key), ["hello.txt"]);
    } finally {
      s3.destroy();
    }
  });

  it("rcloneRemote: an s3 remote (provider Other, path-style) with the key, region and endpoint", () => {
    const text = rcloneRemoteOf(c, "otter");
    const fields = Object.fromEntries(text.split("\n").slice(1).filter(Boolean).map((l) => l.split(" = ") as [string, string]));
    assert.ok(text.startsWith("[otter]\n"));
    assert.deepEqual(fields, { type: "s3", provider: "Other", access_key_id: c.accessKeyId, secret_access_key: c.secretAccessKey, region: c.region, endpoint: c.endpoint, force_path_style: "true" });
  });

  it("rcloneRemote with rclone itself: `rclone ls otter:<bucket>`", async function () {
    if (!has("rclone")) return skipBecause(this, "rclone not installed (apt-get install -y rclone)");
    fs.writeFileSync(path.join(dir, "rclone.conf"), rcloneRemoteOf(c, "otter"));
    // Only the remote section: no AWS_* variables (rclone 1.60 cannot use this machine's AWS_CA_BUNDLE at all).
    const { stdout } = await run("rclone", ["--config", path.join(dir, "rclone.conf"), "ls", `otter:${bucket.id}`], { env: cleanEnv({}, dir) });
    assert.match(stdout, /hello\.txt/);
  });
});

const { AccessKey } = require("pulumi-otterstorage") as typeof import("../sdk");

describe("AccessKey ready-to-use outputs under setMocks", () => {
  const state = { accessKeyId: "OTTR4XMPL7KEY9QZ2A0B", secretAccessKey: "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL", endpoint: "https://es-mad-1.s3.otterstorage.io", region: "eu-mad" };
  let key: InstanceType<typeof AccessKey>;
  const settle = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => r(v)));

  before(async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: state.accessKeyId, state: { ...a.inputs, ...state } }), call: () => ({}) }, "p", "s", false);
    key = new AccessKey("ci", { bucket: "mi-primer-bucket", profileName: "ci" });
  });

  it("are secret: environment, awsProfile, s3ClientConfig and rcloneRemote", async () => {
    for (const o of [key.environment, key.awsProfile, key.s3ClientConfig, key.rcloneRemote]) assert.equal(await pulumi.isSecret(o as pulumi.Output<unknown>), true);
  });

  it("equal the OtterStorage guide's forms for the key (profile name from profileName)", async () => {
    assert.deepEqual(await settle(key.environment), environmentOf(state));
    assert.deepEqual(await settle(key.awsProfile), awsProfileOf(state, "ci"));
    assert.deepEqual(await settle(key.s3ClientConfig), s3ClientConfigOf(state));
    assert.equal(await settle(key.rcloneRemote), rcloneRemoteOf(state, "ci"));
    assert.equal((await settle(key.awsProfile)).config, "[profile ci]\nregion = eu-mad\noutput = json\nendpoint_url = https://es-mad-1.s3.otterstorage.io\n");
  });
});
