/**
 * Temporary credentials and presigned URLs against Local OtterStorage on a ManualClock: issued with the
 * provider's configuration resolution (config/env), they work with @aws-sdk/client-s3 and curl, and are refused
 * once the service clock passes their expiry. Under setMocks, getTemporaryCredentials' outputs are secret.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, ManualClock, OtterStorage } from "otterstorage-local";
import { OtterStorageClient } from "../provider/client";
import { issueTemporaryCredentials, getTemporaryCredentials } from "../sdk/temporaryCredentials";
import { presignUrl } from "../sdk/presign";
import { s3For, tryList } from "./credentials-support";

const run = promisify(execFile);

async function curl(url: string): Promise<{ status: number; body: string }> {
  const { stdout } = await run("curl", ["-s", "-w", "\n%{http_code}", url]);
  const i = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

describe("temporary credentials and presigned URLs (service clock)", function () {
  let os: OtterStorage;
  let clock: ManualClock;
  let bucket: string;
  let key: { accessKeyId: string; secretAccessKey: string; endpoint: string; region: string };
  const saved = { e: process.env.OTTERSTORAGE_ENDPOINT, t: process.env.OTTERSTORAGE_TOKEN };

  before(async () => {
    clock = new ManualClock(Date.now());
    os = await startOtterStorage({ memory: true, clock });
    const api = new OtterStorageClient({ endpoint: os.controlUrl, token: os.token });
    bucket = (await api.createBucket({ name: "temp-creds" })).data.name;
    key = (await api.createAccessKey(bucket, { label: "owner" })).data;
    const s3 = s3For(key, os);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "docs/informe final.pdf", Body: "report" }));
    s3.destroy();
    process.env.OTTERSTORAGE_ENDPOINT = os.controlUrl;
    process.env.OTTERSTORAGE_TOKEN = os.token;
  });
  after(async () => {
    for (const [k, v] of [["OTTERSTORAGE_ENDPOINT", saved.e], ["OTTERSTORAGE_TOKEN", saved.t]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await os?.stop();
  });

  it("issues bucket-scoped credentials from the environment's config; they work, then are refused after expiry (ExpiredToken)", async () => {
    const t = await issueTemporaryCredentials({ bucket, durationSeconds: 900 });
    assert.match(t.accessKeyId, /^STS/);
    assert.equal(Date.parse(t.expiresAt), clock.now() + 900_000);
    assert.equal(await tryList(t, bucket, os), "ok");
    clock.advance(899_000);
    assert.equal(await tryList(t, bucket, os), "ok");
    clock.advance(1_000);
    assert.equal(await tryList(t, bucket, os), "ExpiredToken");
  });

  it("rejects a bad duration naming durationSeconds and the range, before calling the service", async () => {
    await assert.rejects(issueTemporaryCredentials({ bucket, durationSeconds: 60 }), /durationSeconds must be a whole number of seconds from 900/);
    await assert.rejects(issueTemporaryCredentials({ bucket, durationSeconds: 1.5 }), /durationSeconds/);
    await assert.rejects(issueTemporaryCredentials({ bucket: "No_Such" }), /bucket must be/);
  });

  it("presign: curl downloads the object with the URL, and is refused once the service clock passes the expiry", async () => {
    const url = await presignUrl({ ...key, bucket, key: "docs/informe final.pdf", expiresInSeconds: 600, signingDate: new Date(clock.now()) });
    assert.ok(!url.includes(key.secretAccessKey));
    const ok = await curl(url);
    assert.equal(ok.status, 200);
    assert.equal(ok.body, "report");
    clock.advance(601_000);
    const expired = await curl(url);
    assert.equal(expired.status, 403);
    assert.match(expired.body, /AccessDenied/);
  });

  it("presign with temporary credentials carries the session token and works", async () => {
    const t = await issueTemporaryCredentials({ bucket, durationSeconds: 900 });
    const url = await presignUrl({ ...t, key: "docs/informe final.pdf", signingDate: new Date(clock.now()) });
    assert.match(url, /X-Amz-Security-Token=/);
    assert.equal((await curl(url)).body, "report");
  });

  it("presign refuses expiries beyond 7 days, naming expiresInSeconds", async () => {
    await assert.rejects(presignUrl({ ...key, bucket, key: "a", expiresInSeconds: 7 * 24 * 3600 + 1 }), /expiresInSeconds must be a whole number from 1 to 604800/);
  });

  it("getTemporaryCredentials returns secret outputs (secret, token, environment) with a plain expiresAt", async () => {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: () => ({}) }, "p", "s", false);
    const t = getTemporaryCredentials({ bucket, durationSeconds: 900 });
    for (const o of [t.secretAccessKey, t.sessionToken, t.environment, t.s3ClientConfig]) assert.equal(await pulumi.isSecret(o as pulumi.Output<unknown>), true);
    assert.equal(await pulumi.isSecret(t.expiresAt), false);
    const env = await new Promise<Record<string, string>>((r) => t.environment.apply(r));
    assert.match(env.AWS_SESSION_TOKEN, /.{16,}/);
    assert.equal(env.AWS_ENDPOINT_URL, os.s3Url);
  });
});
