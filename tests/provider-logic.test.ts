/**
 * Resource logic called directly (no Pulumi) against Local OtterStorage over real HTTP: check / diff / create /
 * read / update / delete for Bucket and AccessKey, with the drift and replace rules of docs/resources.md "Check, refresh, replace and drift".
 */
import * as assert from "node:assert/strict";
import * as bucket from "../provider/bucket";
import * as accessKey from "../provider/accessKey";
import { ProviderContext } from "../provider/context";
import { OtterStorageClient } from "../provider/client";
import { OtterStorageError } from "../provider/errors";
import { UNKNOWN } from "../provider/common";
import { ACCESS_KEY } from "../provider/accessKeyFields";
import { outputNames } from "../provider/fields";
import { useEmulator } from "./support/emulator";
import { flakyProxy } from "./support/host-scenario";
import type { OtterStorage } from "otterstorage-local";

/** The provider context the calls below run in (a host makes one per configuration; these tests make their own). */
let current = new ProviderContext();
const ctx = () => current;
const resetConfiguration = () => (current = new ProviderContext());

function useConfig(os: () => OtterStorage, over: { s3Endpoint?: string; token?: string } = {}) {
  current = new ProviderContext({ endpoint: os().controlUrl, token: os().token, ...over });
}

/** Bucket's check with the logical name the hosts pass (the dynamic SDK sends it as `__logicalName`). */
const checkBucket = (olds: Partial<bucket.BucketInputs>, news: bucket.BucketInputs) => bucket.check(ctx(), olds, news, { logicalName: news.__logicalName });

function putObject(os: OtterStorage, name: string, key = "a.txt") {
  os.objects.putVersion(name, key, "Unversioned", { size: 0, etag: '"d41d8cd98f00b204e9800998ecf8427e"', contentType: null, meta: {}, body: null });
}

const isJson = (v: unknown) => assert.deepEqual(JSON.parse(JSON.stringify(v)), v);

describe("Bucket logic against Local OtterStorage", () => {
  const os = useEmulator();
  beforeEach(() => useConfig(os));
  after(() => resetConfiguration());

  it("auto-names a new bucket <logical>-<7 lowercase letters> in check, and keeps the old name afterwards", async () => {
    const first = await checkBucket({}, { __logicalName: "Team Media" });
    assert.match(first.inputs!.name!, /^team-media-[a-z]{7}$/);
    const again = await checkBucket(first.inputs!, { __logicalName: "Team Media" });
    assert.equal(again.inputs!.name, first.inputs!.name);
    const explicit = await checkBucket(first.inputs!, { name: "chosen-name", __logicalName: "Team Media" });
    assert.equal(explicit.inputs!.name, "chosen-name");
  });

  it("names every bad field in check failures, and skips values unknown during preview", async () => {
    const r = await checkBucket({}, {
      name: "Bad_Name", storageClass: "Fast" as never, legalHold: "yes" as never, objectLock: { mode: "GOVERNANCE", days: 0 },
      lifecycleRules: [{ id: "a", expirationDays: 1 }, { id: "a", expirationDays: 2 }], tags: { "bad key!": "v" }, colour: "red",
    } as never);
    const props = r.failures!.map((f) => f.property).sort();
    assert.deepEqual(props, ["colour", "legalHold", "lifecycleRules", "name", "objectLock.days", "storageClass", "tags.bad key!"]);
    assert.ok(r.failures!.every((f) => f.reason.length > 5));
    const unknown = await checkBucket({}, { name: UNKNOWN, region: UNKNOWN, __logicalName: "x" });
    assert.equal(unknown.failures, undefined);
  });

  it("creates with plain-JSON outputs, diffs to no change, updates in place, and reads back", async () => {
    const inputs = (await checkBucket({}, { __logicalName: "logic", storageClass: "SSD", tags: { env: "test" } })).inputs!;
    const created = await bucket.create(ctx(), inputs);
    assert.equal(created.id, inputs.name);
    isJson(created.outs);
    assert.equal(created.outs!.storageClass, "SSD");
    assert.equal(created.outs!.forceDestroy, false);
    assert.deepEqual(await bucket.diff(ctx(), created.id, created.outs!, inputs), { changes: false, replaces: [], deleteBeforeReplace: undefined });

    const news = { ...inputs, storageClass: "NVMe" as const, versioning: "Enabled" as const, lifecycleRules: [{ id: "expire", expirationDays: 7 }], forceDestroy: true };
    const d = await bucket.diff(ctx(), created.id, created.outs!, news);
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, []);
    const updated = await bucket.update(ctx(), created.id, created.outs!, news);
    assert.equal(updated.outs!.storageClass, "NVMe");
    assert.equal(updated.outs!.versioning, "Enabled");
    assert.equal(updated.outs!.lifecycleRules[0].status, "Enabled");
    assert.equal(updated.outs!.forceDestroy, true);
    assert.equal((await bucket.diff(ctx(), created.id, updated.outs!, news)).changes, false);

    const read = await bucket.read(ctx(), created.id, updated.outs!);
    assert.equal(read.id, created.id);
    assert.deepEqual(read.props, updated.outs);
    await bucket.remove(ctx(), created.id, updated.outs!);
  });

  it("replaces on a name change (create-before-delete) and on an objectLock change (delete-before-replace only when the name is the program's)", async () => {
    const inputs = (await checkBucket({}, { __logicalName: "repl" })).inputs!;
    const { id, outs } = await bucket.create(ctx(), inputs);
    const renamed = await bucket.diff(ctx(), id, outs!, { ...inputs, __autoName: undefined, name: `${inputs.name}-2` });
    assert.deepEqual(renamed.replaces, ["name"]);
    assert.equal(renamed.deleteBeforeReplace, undefined);
    // Auto-named: the engine re-runs check without olds for the replacement, which picks a fresh name.
    const locked = await bucket.diff(ctx(), id, outs!, { ...inputs, objectLock: { mode: "GOVERNANCE", days: 1 } });
    assert.deepEqual(locked.replaces, ["objectLock"]);
    assert.equal(locked.deleteBeforeReplace, undefined);
    const named = (await checkBucket(inputs, { __logicalName: "repl", name: inputs.name, objectLock: { mode: "GOVERNANCE", days: 1 } })).inputs!;
    assert.equal((await bucket.diff(ctx(), id, outs!, named)).deleteBeforeReplace, true);
    await bucket.remove(ctx(), id, outs!);
  });

  it("refuses at preview to replace a non-empty bucket, explaining what to do", async () => {
    const inputs = (await checkBucket({}, { __logicalName: "full" })).inputs!;
    const { id, outs } = await bucket.create(ctx(), inputs);
    putObject(os(), id);
    await assert.rejects(bucket.diff(ctx(), id, outs!, { ...inputs, name: "somewhere-else" }), (e: OtterStorageError) => {
      assert.equal(e.code, "ReplacementWouldDestroyData");
      assert.match(e.message, /1 object/);
      assert.match(e.message, /forceDestroy: true/);
      assert.match(e.message, /empty the bucket/);
      return true;
    });
    // With forceDestroy already true in state, the replacement is allowed (the user asked for it).
    const d = await bucket.diff(ctx(), id, { ...outs!, forceDestroy: true }, { ...inputs, name: "somewhere-else", forceDestroy: true });
    assert.deepEqual(d.replaces, ["name"]);
    // In-place changes never need the guard.
    assert.deepEqual((await bucket.diff(ctx(), id, outs!, { ...inputs, storageClass: "SSD" })).replaces, []);

    await assert.rejects(bucket.remove(ctx(), id, outs!), (e: OtterStorageError) => {
      assert.equal(e.code, "BucketNotEmpty");
      assert.match(e.message, /forceDestroy: true/);
      return true;
    });
    await bucket.remove(ctx(), id, { ...outs!, forceDestroy: true });
    assert.deepEqual(await bucket.read(ctx(), id, outs!), { id: "", props: {} });
    await bucket.remove(ctx(), id, outs!); // 404 = done
  });

  it("reports a taken name as BucketAlreadyExists with what to do", async () => {
    const inputs = (await checkBucket({}, { __logicalName: "taken" })).inputs!;
    const { id, outs } = await bucket.create(ctx(), inputs);
    await assert.rejects(bucket.create(ctx(), inputs), (e: OtterStorageError) => e.code === "BucketAlreadyExists" && /omit it/.test(e.message));
    await bucket.remove(ctx(), id, outs!);
  });
});

describe("AccessKey logic against Local OtterStorage", () => {
  const os = useEmulator();
  let bucketName: string;
  before(async () => {
    useConfig(os);
    bucketName = (await bucket.create(ctx(), (await checkBucket({}, { __logicalName: "keys" })).inputs!)).id;
  });
  beforeEach(() => useConfig(os));
  after(() => resetConfiguration());

  it("validates every field in check before any side effect", async () => {
    const r = await accessKey.check(ctx(), {}, { bucket: "", label: "-bad", rotationTrigger: { a: 1 } as never, extra: 1 } as never);
    assert.deepEqual(r.failures!.map((f) => f.property).sort(), ["bucket", "extra", "label", "rotationTrigger"]);
    assert.equal((await accessKey.check(ctx(), {}, { bucket: UNKNOWN, label: "ok" })).failures, undefined);
  });

  it("creates a key whose id is the access key id and whose outputs carry the secret once, as plain JSON", async () => {
    const { id, outs } = await accessKey.create(ctx(), { bucket: bucketName, label: "ci", rotationTrigger: 1 });
    assert.match(id, /^OTTR[A-Z0-9]{16}$/);
    assert.equal(outs!.accessKeyId, id);
    assert.match(outs!.secretAccessKey, /^[A-Za-z0-9]{40}$/);
    assert.equal(outs!.label, "ci");
    assert.equal(outs!.rotationTrigger, 1);
    isJson(outs);
    // Every output is one the field table declares (provider/accessKeyFields.ts), and these are all there.
    const declared = new Set(outputNames(ACCESS_KEY));
    for (const k of Object.keys(outs!)) assert.ok(declared.has(k), `${k} is an output of the AccessKey table`);
    for (const k of ["accessKeyId", "bucket", "createdAt", "endpoint", "label", "region", "rotationTrigger", "secretAccessKey"]) assert.ok(k in outs!, k);
  });

  it("diffs: label → in place; rotationTrigger or bucket → replace, never delete-before-replace", async () => {
    const { outs } = await accessKey.create(ctx(), { bucket: bucketName, label: "d" });
    const base = { bucket: bucketName, label: "d" };
    assert.deepEqual(await accessKey.diff(ctx(), outs!.accessKeyId, outs!, base), { changes: false, replaces: [] });
    assert.deepEqual(await accessKey.diff(ctx(), outs!.accessKeyId, outs!, { ...base, label: "e" }), { changes: true, replaces: [] });
    assert.deepEqual(await accessKey.diff(ctx(), outs!.accessKeyId, outs!, { ...base, rotationTrigger: "2026-q3" }), { changes: true, replaces: ["rotationTrigger"] });
    assert.deepEqual(await accessKey.diff(ctx(), outs!.accessKeyId, outs!, { ...base, bucket: UNKNOWN }), { changes: true, replaces: ["bucket"] });
  });

  it("relabels in place keeping every output, the secret included", async () => {
    const { id, outs } = await accessKey.create(ctx(), { bucket: bucketName, label: "before" });
    const updated = await accessKey.update(ctx(), id, outs!, { bucket: bucketName, label: "after" });
    assert.deepEqual(updated.outs, { ...outs, label: "after" });
    const unlabelled = await accessKey.update(ctx(), id, updated.outs!, { bucket: bucketName });
    assert.equal(unlabelled.outs!.label, null);
    assert.equal(unlabelled.outs!.secretAccessKey, outs!.secretAccessKey);
  });

  it("refuses to update a key whose secret is missing from state, saying how to get a new one", async () => {
    const { id, outs } = await accessKey.create(ctx(), { bucket: bucketName });
    const { secretAccessKey: _s, ...noSecret } = outs!;
    await assert.rejects(accessKey.update(ctx(), id, noSecret as never, { bucket: bucketName, label: "x" }), /rotationTrigger/);
  });

  it("read keeps the stored secret; a revoked key reads as gone (blank id); delete of a gone key is done", async () => {
    const { id, outs } = await accessKey.create(ctx(), { bucket: bucketName, label: "r" });
    const read = await accessKey.read(ctx(), id, outs!);
    assert.equal(read.id, id);
    assert.equal(read.props!.secretAccessKey, outs!.secretAccessKey);
    const client = new OtterStorageClient({ endpoint: os().controlUrl, token: os().token });
    await client.revokeAccessKey(bucketName, id);
    assert.deepEqual(await accessKey.read(ctx(), id, outs!), { id: "", props: {} });
    await accessKey.remove(ctx(), id, outs!);
  });

  it("a failing refresh or revoke throws (never 'gone'): e.g. a rejected token", async () => {
    const { id, outs } = await accessKey.create(ctx(), { bucket: bucketName });
    useConfig(os, { token: "wrong-token-123" });
    await assert.rejects(accessKey.read(ctx(), id, outs!), (e: OtterStorageError) => e.code === "Unauthorized" && !e.message.includes("wrong-token-123"));
    await assert.rejects(accessKey.remove(ctx(), id, outs!), (e: OtterStorageError) => e.code === "Unauthorized");
    useConfig(os);
    assert.equal((await accessKey.read(ctx(), id, outs!)).id, id);
  });

  it("hands out otterstorage:s3Endpoint as the endpoint output when it is configured", async () => {
    useConfig(os, { s3Endpoint: "https://es-mad-1.s3.otterstorage.io" });
    const { outs } = await accessKey.create(ctx(), { bucket: bucketName, label: "public" });
    assert.equal(outs!.endpoint, "https://es-mad-1.s3.otterstorage.io");
    const read = await accessKey.read(ctx(), outs!.accessKeyId, outs!);
    assert.equal(read.props!.endpoint, "https://es-mad-1.s3.otterstorage.io");
  });

  it("the service replays a create retried with the same Idempotency-Key (no orphan key)", async () => {
    const client = new OtterStorageClient({ endpoint: os().controlUrl, token: os().token });
    const a = await client.createAccessKey(bucketName, { label: "idem" }, "c0ffee00-0000-4000-8000-000000000001");
    const b = await client.createAccessKey(bucketName, { label: "idem" }, "c0ffee00-0000-4000-8000-000000000001");
    assert.equal(a.data.accessKeyId, b.data.accessKeyId);
  });
});

describe("retried creates whose first answer was lost (proxy drops the 201)", () => {
  const os = useEmulator();
  let proxy: Awaited<ReturnType<typeof flakyProxy>>;
  before(async () => {
    proxy = await flakyProxy(os().controlUrl);
    current = new ProviderContext({ endpoint: proxy.url, token: os().token });
    process.env.OTTERSTORAGE_RETRY_BASE_MS = "1";
  });
  after(async () => {
    delete process.env.OTTERSTORAGE_RETRY_BASE_MS;
    resetConfiguration();
    await proxy.close();
  });

  it("AccessKey.create leaves exactly one key: the retry replays the first answer (same Idempotency-Key)", async () => {
    const b = await bucket.create(ctx(), (await checkBucket({}, { __logicalName: "lost" })).inputs!);
    proxy.loseNext(1);
    const { id, outs } = await accessKey.create(ctx(), { bucket: b.id, label: "lost-answer" });
    const keys = (await new OtterStorageClient({ endpoint: os().controlUrl, token: os().token }).listAccessKeys(b.id)).data.accessKeys;
    assert.deepEqual(keys.map((k) => k.accessKeyId), [id]);
    assert.match(outs!.secretAccessKey, /^[A-Za-z0-9]{40}$/);
  });

  it("Bucket.create adopts the bucket its own lost first attempt created instead of failing on the name", async () => {
    const inputs = (await checkBucket({}, { __logicalName: "lost-bucket" })).inputs!;
    proxy.loseNext(1);
    const { id, outs } = await bucket.create(ctx(), inputs);
    assert.equal(id, inputs.name);
    assert.equal(outs!.name, inputs.name);
  });
});
