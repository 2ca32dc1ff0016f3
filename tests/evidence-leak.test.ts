/**
 * Evidence suite 4 of 5 (docs/benchmarks.md "Evidence suites"): secret-leak scan. Keys are created, relabelled, rotated (replace, create-before-delete),
 * refreshed, used (signed, presigned, temporary credentials, a wrong secret), made to fail and deleted through the
 * real dynamic-provider host against the CLI as a child process; then everything that persists or prints is
 * scanned for every secret access key, the session token and the account token (plain, base64, hex, UTF-16,
 * URL-encoded): the recorded state outside its secret wrappers, the serialized providers, every file in the data
 * dir (SQLite + WAL + SHM + object bodies + master.key) while running and after shutdown, the service's stdout and
 * stderr, the host's stderr and every error message of a failed operation. Expected: 0 hits. The scanner is shown
 * to find a secret planted in a data-dir file and in a log first, so the 0 is not vacuous.
 *
 * The one line deliberately excluded is the CLI's JSON ready line, which exists to hand the account token to the
 * process that launched the service (docs/local-otterstorage.md).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { CliProcess, filesUnder, scanForSecrets, startCli } from "./evidence-support";
import { control } from "./support/emulator";
import { systemClock, type OtterStorage } from "otterstorage-local";
import { heldRequest } from "./s3-support";
import { engineUp, ProviderHost, ResourceState, serializedProviders } from "./support/host";

function s3(endpoint: string, c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): S3Client {
  return new S3Client({ endpoint, region: "eu-mad", forcePathStyle: true, credentials: c, maxAttempts: 1 });
}

describe("evidence: secret-leak scan (create, rotate, refresh, use, fail, delete; then scan everything)", function () {
  this.timeout(120_000);
  let dir: string;
  let cli: CliProcess;
  let host: ProviderHost;
  let wrongHost: ProviderHost | undefined;
  const secrets: string[] = [];
  const errors: string[] = [];
  const states: ResourceState[] = [];
  let providers: { bucket: string; accessKey: string };
  let dataFilesWhileRunning: Map<string, Buffer>;

  /** Runs a step that must fail and keeps its message (the thing a user would paste into an issue). */
  async function failing(what: string, p: Promise<unknown>): Promise<void> {
    try {
      await p;
    } catch (e) {
      errors.push(`${what}: ${String(e)} ${(e as Error).stack ?? ""}`);
      return;
    }
    throw new Error(`${what} was expected to fail`);
  }

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-leak-"));
    cli = await startCli(["--data-dir", path.join(dir, "data")]);
    const { controlUrl, s3Url, token } = cli.ready;
    secrets.push(token);
    host = await ProviderHost.start({ env: { OTTERSTORAGE_MAX_ATTEMPTS: "2", OTTERSTORAGE_RETRY_BASE_MS: "5" } });
    await host.configure({ "otterstorage:endpoint": controlUrl, "otterstorage:token": token });
    providers = await serializedProviders();
    const bUrn = host.urn("Bucket", "leaky");
    const kUrn = (n: string) => host.urn("AccessKey", n);

    // Create a bucket and two keys.
    let bucket = (await engineUp(host, bUrn, { __provider: providers.bucket, name: "leak-scan-bucket" })).state;
    let k1 = (await engineUp(host, kUrn("k1"), { __provider: providers.accessKey, bucket: bucket.id, label: "ci" })).state;
    const k2 = (await engineUp(host, kUrn("k2"), { __provider: providers.accessKey, bucket: bucket.id, label: "backups" })).state;
    secrets.push(k1.outputs.secretAccessKey, k2.outputs.secretAccessKey);
    states.push(bucket, k1, k2);

    // Use them: signed PUT/GET, a presigned GET, a request with a wrong secret.
    const c1 = s3(s3Url, k1.outputs as never);
    await c1.send(new PutObjectCommand({ Bucket: bucket.id, Key: "a.txt", Body: "hello" }));
    await c1.send(new PutObjectCommand({ Bucket: bucket.id, Key: "big.bin", Body: Buffer.alloc(300 * 1024, 1) })); // a body file, not inline
    await (await c1.send(new GetObjectCommand({ Bucket: bucket.id, Key: "a.txt" }))).Body!.transformToString();
    const url = await getSignedUrl(c1, new GetObjectCommand({ Bucket: bucket.id, Key: "a.txt" }), { expiresIn: 300 });
    assert.equal((await fetch(url)).status, 200);
    c1.destroy();
    const wrong = s3(s3Url, { accessKeyId: k2.outputs.accessKeyId, secretAccessKey: k1.outputs.secretAccessKey });
    await failing("S3 GET with the wrong secret", wrong.send(new GetObjectCommand({ Bucket: bucket.id, Key: "a.txt" })));
    wrong.destroy();

    // Refusals whose answers are scanned too: a presigned PUT with unsigned x-amz-* headers, and two writes held
    // open past their key's revocation (a third key, issued for this).
    const api = control({ controlUrl, token });
    const c1b = s3(s3Url, k1.outputs as never);
    const putUrl = await getSignedUrl(c1b, new PutObjectCommand({ Bucket: bucket.id, Key: "presigned.txt" }), { expiresIn: 300 });
    c1b.destroy();
    const unsigned = await fetch(putUrl, { method: "PUT", headers: { "x-amz-meta-note": "unsigned", "x-amz-copy-source": `${bucket.id}/a.txt` }, body: "x" });
    assert.equal(unsigned.status, 403);
    errors.push(`presigned PUT with unsigned headers: ${await unsigned.text()}`);
    const k3 = await api.post(`/v1/buckets/${bucket.id}/access-keys`, { label: "revoked-in-flight" });
    secrets.push(k3.body.secretAccessKey);
    const inflight = { s3Url, clock: systemClock } as unknown as OtterStorage;
    const heldWrites = [
      await heldRequest(inflight, { bucket: bucket.id, ...k3.body }, "PUT", `/${bucket.id}/late-small.txt`, "late"),
      await heldRequest(inflight, { bucket: bucket.id, ...k3.body }, "PUT", `/${bucket.id}/late-large.bin`, Buffer.alloc(200 * 1024, 4)),
    ];
    assert.equal((await api.delete(`/v1/buckets/${bucket.id}/access-keys/${k3.body.accessKeyId}`)).status, 204);
    for (const w of heldWrites) {
      const r = await w.finish();
      assert.equal(r.status, 403, r.body);
      errors.push(`write in flight at its key's revocation: ${r.body}`);
    }

    // Temporary credentials, used once.
    const temp = await api.post(`/v1/buckets/${bucket.id}/temporary-credentials`, { durationSeconds: 900 });
    assert.equal(temp.status, 201);
    secrets.push(temp.body.secretAccessKey, temp.body.sessionToken);
    const ct = s3(s3Url, temp.body);
    await ct.send(new PutObjectCommand({ Bucket: bucket.id, Key: "t.txt", Body: "temp" }));
    ct.destroy();

    // Relabel in place, rotate k1 (create the new key, then delete the old), refresh everything.
    k1 = (await engineUp(host, kUrn("k1"), { __provider: providers.accessKey, bucket: bucket.id, label: "ci-deploy" }, k1)).state;
    const rotated = await engineUp(host, kUrn("k1"), { __provider: providers.accessKey, bucket: bucket.id, label: "ci-deploy", rotationTrigger: "2026-q4" }, k1);
    assert.equal(rotated.op, "replace");
    await host.delete(kUrn("k1"), rotated.replacedState!.id, rotated.replacedState!.outputs);
    k1 = rotated.state;
    secrets.push(k1.outputs.secretAccessKey);
    states.push(k1);
    for (const s of [k1, k2]) states.push({ ...s, outputs: (await host.read(s.urn, s.id, s.outputs, s.inputs)).properties });
    states.push({ ...bucket, outputs: (await host.read(bUrn, bucket.id, bucket.outputs)).properties });

    // Failures whose messages a user would see.
    await failing("create a key for a missing bucket", host.create(kUrn("k3"), { __provider: providers.accessKey, bucket: "no-such-bucket-here" }));
    await failing("delete a non-empty bucket", host.delete(bUrn, bucket.id, bucket.outputs));
    await failing("check with a bad label", engineUp(host, kUrn("k4"), { __provider: providers.accessKey, bucket: bucket.id, label: "" }));
    const wrongToken = "wrong-" + token.slice(6).split("").reverse().join("");
    secrets.push(wrongToken);
    // The host configures each provider once, so a wrong token needs a host of its own (a second `pulumi refresh`).
    wrongHost = await ProviderHost.start({ env: { OTTERSTORAGE_MAX_ATTEMPTS: "2", OTTERSTORAGE_RETRY_BASE_MS: "5" } });
    await wrongHost.configure({ "otterstorage:endpoint": controlUrl, "otterstorage:token": wrongToken });
    await failing("refresh with a wrong account token", wrongHost.read(k2.urn, k2.id, k2.outputs, k2.inputs));
    await wrongHost.stop();

    const snapshot = (label: string) => {
      for (const f of filesUnder(path.join(dir, "data"))) dataFilesWhileRunning.set(`${label}:${path.relative(dir, f)}`, fs.readFileSync(f));
    };
    dataFilesWhileRunning = new Map();
    snapshot("running, before destroy");

    // Destroy.
    await host.delete(kUrn("k1"), k1.id, k1.outputs);
    await host.delete(kUrn("k2"), k2.id, k2.outputs);
    bucket = (await engineUp(host, bUrn, { __provider: providers.bucket, name: "leak-scan-bucket", forceDestroy: true }, bucket)).state;
    await host.delete(bUrn, bucket.id, bucket.outputs);

    snapshot("running, after destroy");
    await cli.stop();
    await host.stop();
  });

  after(async () => {
    await host?.stop();
    await wrongHost?.stop();
    await cli?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Everything that persists or prints, by name. */
  function everything(): Map<string, string | Buffer> {
    const sources = new Map<string, string | Buffer>(dataFilesWhileRunning);
    for (const f of filesUnder(path.join(dir, "data"))) sources.set(`stopped:${path.relative(dir, f)}`, fs.readFileSync(f));
    // Recorded state as the engine keeps it: secretAccessKey is a secret output (additionalSecretOutputs), so it
    // is stored encrypted; everything else is plaintext and scanned.
    sources.set("recorded state", JSON.stringify(states.map((s) => ({ ...s, outputs: { ...s.outputs, secretAccessKey: "[secret]" } }))));
    sources.set("serialized providers", providers.bucket + providers.accessKey);
    const [readyLine, ...logLines] = cli.stdout().split("\n");
    void readyLine;
    sources.set("service stdout (after the ready line)", logLines.join("\n"));
    sources.set("service stderr", cli.stderr());
    sources.set("host stderr", host.stderr + (wrongHost?.stderr ?? ""));
    sources.set("error messages", errors.join("\n"));
    return sources;
  }

  it("exercised what it claims: 5 secret access keys (one temporary, one revoked with writes in flight), a session token, 2 account tokens, failed operations and refused writes, a service log and object bodies", () => {
    assert.equal(secrets.length, 8);
    assert.equal(errors.length, 8);
    assert.ok(errors.some((e) => /headers present in the request which were not signed/.test(e)));
    assert.equal(errors.filter((e) => /InvalidAccessKeyId/.test(e)).length, 2);
    assert.ok(cli.stdout().split("\n").length > 20, "the service logged its requests");
    assert.ok([...dataFilesWhileRunning.keys()].some((k) => k.endsWith("otterstorage.db-wal")), "the WAL was scanned while running");
    assert.ok([...dataFilesWhileRunning.keys()].some((k) => k.includes("objects")), "object bodies were scanned");
    assert.ok(errors.some((e) => /Unauthorized/.test(e)) && errors.some((e) => /BucketNotEmpty/.test(e)));
  });

  it("the scan finds a planted secret (in a data-dir file, base64 in a log), so zero hits means zero leaks", () => {
    const planted = new Map(everything());
    planted.set("planted file", Buffer.concat([Buffer.from([0, 1, 2, 255]), Buffer.from(secrets[1]), Buffer.from([9, 9])]));
    planted.set("planted log", `line ${Buffer.from(secrets[0]).toString("base64")} end`);
    const hits = scanForSecrets(planted, secrets);
    assert.deepEqual(hits.map((h) => `${h.source}/${h.encoding}`).sort(), ["planted file/plain", "planted log/base64"]);
  });

  it("0 hits: no secret, session token or account token anywhere that persists or prints", () => {
    const sources = everything();
    assert.ok(sources.size > 8);
    assert.deepEqual(scanForSecrets(sources, secrets), []);
  });
});
