/**
 * The main engine-ordered scenario through the real dynamic-provider host, shared by tests/host-scenario.test.ts
 * (Node 20 + the lockfile's @pulumi/pulumi) and tests/host-compat.test.ts (Node 22 + the newest 3.x).
 *
 * create bucket + key → the key works with @aws-sdk/client-s3 → no-op diff → relabel in place keeps the secret →
 * rotation (replace, create-before-delete: both keys work, old revoked and refused, new works) → refresh after a
 * transient 500 (error, state kept; one 500 is absorbed by a retry) → refresh after an out-of-band revoke (gone)
 * → destroy (a non-empty bucket refuses until forceDestroy).
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { OtterStorageClient } from "../../provider/client";
import { engineUp, HostOptions, ProviderHost, ResourceState, serializedProviders } from "./host";
import { s3For, type Creds } from "./s3";
import { skipBecause } from "./skip";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * A loopback proxy in front of the Control API; `count("GET /v1/health")` says how many requests of a route it saw.
 * `failNext(n)`: answer 500 to the next n requests without
 * forwarding them. `loseNext(n)`: forward the next n requests, let the service act, then drop its answer and
 * say 502 — the "create succeeded but the answer was lost" case that Idempotency-Key exists for.
 */
export async function flakyProxy(target: string): Promise<{ url: string; failNext(n: number): void; loseNext(n: number): void; seen: number; count(route: string): number; close(): Promise<void> }> {
  const t = new URL(target);
  let failures = 0;
  let losses = 0;
  const state = { seen: 0 };
  const routes = new Map<string, number>(); // `METHOD /path` -> requests seen
  const server = http.createServer((req, res) => {
    state.seen++;
    const route = `${req.method} ${(req.url ?? "").split("?")[0]}`;
    routes.set(route, (routes.get(route) ?? 0) + 1);
    if (failures > 0) {
      failures--;
      req.resume();
      res.writeHead(500, { "content-type": "application/problem+json" });
      res.end(JSON.stringify({ type: "urn:otterstorage:problem:InternalError", title: "Internal error", status: 500, detail: "Injected by the test proxy.", code: "InternalError" }));
      return;
    }
    const lose = losses > 0;
    if (lose) losses--;
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      if (lose) {
        r.resume();
        r.on("end", () => { res.writeHead(502); res.end(); });
        return;
      }
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on("error", () => { res.writeHead(502); res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failNext: (n) => { failures = n; },
    loseNext: (n) => { losses = n; },
    get seen() { return state.seen; },
    count: (route) => routes.get(route) ?? 0,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function roundTrip(outs: Record<string, any>, bucket: string, key: string, body: string): Promise<string> {
  const s3 = s3For(outs as Creds);
  try {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await got.Body!.transformToString();
  } finally {
    s3.destroy();
  }
}

/**
 * Defines the scenario as ordered `it`s. `hostOptions()` returning undefined skips the suite, reported with
 * `skipReason` (tests/support/skip.ts).
 */
export function describeHostScenario(title: string, hostOptions: () => HostOptions | undefined, expectVersion: RegExp = /^3\./,
  skipReason = "the host's toolchain is not available"): void {
  describe(title, function () {
    let os: OtterStorage;
    let proxy: Awaited<ReturnType<typeof flakyProxy>>;
    let host: ProviderHost;
    let text: { bucket: string; accessKey: string };
    let bucket: ResourceState;
    let key: ResourceState;
    let rotatedFrom: ResourceState;
    const secrets: string[] = [];
    let bUrn: string;
    let kUrn: string;

    before(async function () {
      const opts = hostOptions();
      if (!opts) return skipBecause(this, skipReason);
      os = await startOtterStorage({ memory: true });
      proxy = await flakyProxy(os.controlUrl);
      // Two attempts per call so a 500 on two consecutive requests exhausts the retries; a short backoff.
      host = await ProviderHost.start({ ...opts, env: { ...opts.env, OTTERSTORAGE_MAX_ATTEMPTS: "2", OTTERSTORAGE_RETRY_BASE_MS: "5" } });
      await host.configure({ "otterstorage:endpoint": proxy.url, "otterstorage:token": os.token, "aws:region": "us-east-1" });
      text = await serializedProviders();
      bUrn = host.urn("Bucket", "media");
      kUrn = host.urn("AccessKey", "ci");
    });
    after(async () => {
      await host?.stop();
      await proxy?.close();
      await os?.stop();
    });

    it("runs the expected @pulumi/pulumi host (GetPluginInfo)", async () => {
      assert.match(await host.pluginVersion(), expectVersion);
    });

    it("previews a new key with an unknown bucket without check failures", async () => {
      const r = await host.check(kUrn, {}, { __provider: text.accessKey, bucket: UNKNOWN, label: "ci" });
      assert.deepEqual(r.failures, []);
    });

    it("reports check failures per field through the host", async () => {
      const r = await host.check(kUrn, {}, { __provider: text.accessKey, bucket: "media", label: "" });
      assert.deepEqual(r.failures.map((f) => f.property), ["label"]);
    });

    it("creates a bucket (auto-named) and a key; the key works with @aws-sdk/client-s3", async () => {
      const b = await engineUp(host, bUrn, { __provider: text.bucket, __logicalName: "media" });
      bucket = b.state;
      assert.match(bucket.id, /^media-[a-z]{7}$/);
      assert.equal(bucket.outputs.__provider, text.bucket);
      const k = await engineUp(host, kUrn, { __provider: text.accessKey, bucket: bucket.id, label: "ci" });
      key = k.state;
      assert.equal(k.op, "create");
      assert.equal(key.id, key.outputs.accessKeyId);
      assert.match(key.outputs.secretAccessKey, /^[A-Za-z0-9]{40}$/);
      secrets.push(key.outputs.secretAccessKey);
      assert.equal(await roundTrip(key.outputs, bucket.id, "hello.txt", "hi from key 1"), "hi from key 1");
    });

    it("keeps the auto-generated name on the next update (check gets the old inputs)", async () => {
      const again = await engineUp(host, bUrn, { __provider: text.bucket, __logicalName: "media" }, bucket);
      assert.equal(again.op, "same");
      assert.equal(again.state.id, bucket.id);
    });

    it("diffs an unchanged key to no change", async () => {
      const r = await engineUp(host, kUrn, { __provider: text.accessKey, bucket: bucket.id, label: "ci" }, key);
      assert.equal(r.op, "same");
      assert.equal(r.diff!.changes, "none");
    });

    it("relabels in place and keeps every output, the secret included", async () => {
      const r = await engineUp(host, kUrn, { __provider: text.accessKey, bucket: bucket.id, label: "ci-deploy" }, key);
      assert.equal(r.op, "update");
      assert.equal(r.state.id, key.id);
      assert.equal(r.state.outputs.label, "ci-deploy");
      assert.equal(r.state.outputs.secretAccessKey, key.outputs.secretAccessKey);
      for (const k of ["accessKeyId", "bucket", "endpoint", "region", "createdAt"]) assert.equal(r.state.outputs[k], key.outputs[k], k);
      key = r.state;
    });

    it("rotates: diff says replace (create-before-delete) and a new key is created while the old one still works", async () => {
      const r = await engineUp(host, kUrn, { __provider: text.accessKey, bucket: bucket.id, label: "ci-deploy", rotationTrigger: 2 }, key);
      assert.equal(r.op, "replace");
      assert.deepEqual(r.diff!.replaces, ["rotationTrigger"]);
      assert.equal(r.diff!.deleteBeforeReplace, false);
      rotatedFrom = r.replacedState!;
      key = r.state;
      assert.notEqual(key.id, rotatedFrom.id);
      secrets.push(key.outputs.secretAccessKey);
      assert.equal(await roundTrip(rotatedFrom.outputs, bucket.id, "old.txt", "old"), "old");
      assert.equal(await roundTrip(key.outputs, bucket.id, "new.txt", "new"), "new");
    });

    it("deletes the old key: the old key is refused (InvalidAccessKeyId), the new one works", async () => {
      await host.delete(kUrn, rotatedFrom.id, rotatedFrom.outputs);
      await assert.rejects(roundTrip(rotatedFrom.outputs, bucket.id, "old.txt", "x"), (e: Error) => e.name === "InvalidAccessKeyId");
      assert.equal(await roundTrip(key.outputs, bucket.id, "new.txt", "still new"), "still new");
      await host.delete(kUrn, rotatedFrom.id, rotatedFrom.outputs); // already revoked: done
    });

    it("refresh survives one transient 500 (retried) and fails on a 500 that outlasts the retries, keeping the state", async () => {
      proxy.failNext(1);
      const ok = await host.read(kUrn, key.id, key.outputs, key.inputs);
      assert.equal(ok.id, key.id);
      proxy.failNext(2);
      await assert.rejects(host.read(kUrn, key.id, key.outputs, key.inputs), /InternalError.*gave up after 2 attempts/);
      // The engine keeps the old state when Read fails; the next refresh sees the key, secret intact.
      const again = await host.read(kUrn, key.id, key.outputs, key.inputs);
      assert.equal(again.id, key.id);
      assert.equal(again.properties.secretAccessKey, key.outputs.secretAccessKey);
    });

    it("refresh after an out-of-band revoke reports the key gone (blank id)", async () => {
      await new OtterStorageClient({ endpoint: os.controlUrl, token: os.token }).revokeAccessKey(bucket.id, key.id);
      const r = await host.read(kUrn, key.id, key.outputs, key.inputs);
      assert.equal(r.id, "");
    });

    it("fails the preview (Diff) of a change that would replace the non-empty bucket, saying what to do", async () => {
      const news = { __provider: text.bucket, __logicalName: "media", name: `${bucket.id}-renamed` };
      const checked = await host.check(bUrn, bucket.inputs, news);
      await assert.rejects(host.diff(bUrn, bucket.id, bucket.outputs, checked.inputs, bucket.inputs), /ReplacementWouldDestroyData.*object\(s\) that would be deleted.*forceDestroy: true/);
    });

    it("destroy: a non-empty bucket refuses with a forceDestroy hint; after forceDestroy (in place) it goes", async () => {
      await host.delete(kUrn, key.id, key.outputs); // gone already: done
      await assert.rejects(host.delete(bUrn, bucket.id, bucket.outputs), /BucketNotEmpty.*forceDestroy: true/);
      const u = await engineUp(host, bUrn, { __provider: text.bucket, __logicalName: "media", forceDestroy: true }, bucket);
      assert.equal(u.op, "update");
      bucket = u.state;
      await host.delete(bUrn, bucket.id, bucket.outputs);
      assert.equal((await host.read(bUrn, bucket.id, bucket.outputs)).id, "");
    });

    it("the host never logged the token or a secret", () => {
      assert.ok(!host.stderr.includes(os.token));
      for (const s of secrets) assert.ok(!host.stderr.includes(s));
    });
  });
}
