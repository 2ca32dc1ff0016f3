import * as assert from "node:assert/strict";
import { Bucket, BucketList, Problem } from "otterstorage-api";
import { startControlServer, ControlServer } from "otterstorage-local/dist/control/server";
import type { ObjectStats } from "otterstorage-local/dist/control/context";
import { Store } from "otterstorage-local/dist/store";
import { control, useEmulator } from "./support/emulator";

describe("Control API v1: buckets", () => {
  const os = useEmulator();

  it("creates a bucket with defaults and answers 201 with the Bucket shape and this instance's S3 endpoint", async () => {
    const api = control(os());
    const res = await api.post("/v1/buckets", { name: "photos-2026" });
    assert.equal(res.status, 201);
    const b = Bucket.parse(res.body);
    assert.equal(b.name, "photos-2026");
    assert.equal(b.region, "eu-mad");
    assert.equal(b.storageClass, "HDD");
    assert.equal(b.versioning, "Unversioned");
    assert.equal(b.objectLock, null);
    assert.equal(b.legalHold, false);
    assert.deepEqual(b.lifecycleRules, []);
    assert.equal(b.objectCount, 0);
    assert.equal(b.sizeBytes, 0);
    assert.equal(b.endpoint, os().s3Url);
  });

  it("refuses a taken name with 409 BucketAlreadyExists", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "taken-name" });
    const res = await api.post("/v1/buckets", { name: "taken-name" });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "BucketAlreadyExists");
  });

  it("turns versioning on when a bucket is created with object lock, and refuses Suspended with it (naming versioning)", async () => {
    const api = control(os());
    const res = await api.post("/v1/buckets", { name: "locked-one", objectLock: { mode: "COMPLIANCE", days: 30 } });
    assert.equal(res.status, 201);
    assert.equal(res.body.versioning, "Enabled");
    assert.deepEqual(res.body.objectLock, { mode: "COMPLIANCE", days: 30 });
    const bad = await api.post("/v1/buckets", { name: "locked-two", objectLock: { mode: "GOVERNANCE", days: 1 }, versioning: "Suspended" });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path), ["versioning"]);
  });

  it("names each bad field of a create request in one ValidationFailed answer", async () => {
    const api = control(os());
    const res = await api.post("/v1/buckets", {
      name: "Bad_Name",
      storageClass: "Tape",
      objectLock: { mode: "FOREVER", days: 0 },
      lifecycleRules: [{ id: "r1" }, { id: "r2", expirationDays: -1 }],
      colour: "blue",
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("content-type")?.split(";")[0], "application/problem+json");
    const p = Problem.parse(res.body);
    assert.equal(p.code, "ValidationFailed");
    const paths = new Set(p.errors!.map((e) => e.path));
    for (const want of ["name", "storageClass", "objectLock.mode", "objectLock.days", "lifecycleRules.0", "lifecycleRules.1.expirationDays", "colour"]) {
      assert.ok(paths.has(want), `missing ${want} in ${[...paths].join(", ")}`);
    }
    assert.match(p.detail, /name/);
  });

  it("refuses a tag named __proto__ (it would vanish from the stored tags) on create and PATCH, naming the tag", async () => {
    const api = control(os());
    const body = '{"name":"proto-tags","tags":{"env":"dev","__proto__":"x"}}';
    const res = await api.call("POST", "/v1/buckets", undefined, { raw: body });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    const p = Problem.parse(res.body);
    assert.equal(p.code, "ValidationFailed");
    assert.ok(p.errors!.some((e) => e.path.startsWith("tags") && /__proto__.*reserved/.test(e.message)), JSON.stringify(p.errors));
    assert.equal((await api.get("/v1/buckets/proto-tags")).status, 404, "nothing created");
    assert.equal((await api.post("/v1/buckets", { name: "proto-patch", tags: { env: "dev" } })).status, 201);
    const patch = await api.call("PATCH", "/v1/buckets/proto-patch", undefined, { raw: '{"tags":{"__proto__":"x"}}' });
    assert.equal(patch.status, 400, JSON.stringify(patch.body));
    assert.match(JSON.stringify(patch.body.errors), /__proto__/);
    assert.deepEqual((await api.get("/v1/buckets/proto-patch")).body.tags, { env: "dev" }, "unchanged");
  });

  it("refuses a region this instance does not serve, naming region", async () => {
    const res = await control(os()).post("/v1/buckets", { name: "far-away", region: "us-east-1" });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].path, "region");
    assert.match(res.body.errors[0].message, /eu-mad/);
  });

  it("gets a bucket by name and answers 404 BucketNotFound for an unknown one", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "get-me", storageClass: "NVMe", tags: { env: "dev" } });
    const res = await api.get("/v1/buckets/get-me");
    assert.equal(res.status, 200);
    assert.equal(res.body.storageClass, "NVMe");
    assert.deepEqual(res.body.tags, { env: "dev" });
    const missing = await api.get("/v1/buckets/no-such-bucket");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "BucketNotFound");
  });

  it("pages through buckets with an opaque cursor, in name order, without repeats or gaps", async () => {
    const api = control(os());
    const names = Array.from({ length: 7 }, (_, i) => `page-${String(i).padStart(2, "0")}`);
    for (const name of names) assert.equal((await api.post("/v1/buckets", { name })).status, 201);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res: { status: number; body: BucketList } = await api.get(`/v1/buckets?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      assert.equal(res.status, 200);
      const page = BucketList.parse(res.body);
      assert.ok(page.buckets.length <= 3);
      seen.push(...page.buckets.map((b) => b.name));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    assert.equal(cursor, null, "pagination did not finish");
    assert.deepEqual(seen.filter((n) => n.startsWith("page-")), names);
    assert.deepEqual(seen, [...seen].sort());
  });

  it("rejects a forged cursor and an out-of-range limit, naming query.cursor and query.limit", async () => {
    const api = control(os());
    const res = await api.get("/v1/buckets?limit=5000&cursor=not-a-cursor");
    assert.equal(res.status, 400);
    assert.ok(res.body.errors.some((e: { path: string }) => e.path === "query.limit"));
    const res2 = await api.get("/v1/buckets?cursor=not-a-cursor");
    assert.equal(res2.status, 400);
    assert.equal(res2.body.errors[0].path, "query.cursor");
    const res3 = await api.get("/v1/buckets?colour=blue");
    assert.equal(res3.status, 400);
    assert.equal(res3.body.errors[0].path, "query.colour");
  });

  it("patches versioning, storage class, tags and lifecycle rules in place", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "patch-me" });
    const rules = [{ id: "expire-logs", prefix: "logs/", expirationDays: 30 }];
    const res = await api.patch("/v1/buckets/patch-me", { versioning: "Enabled", storageClass: "SSD", tags: { team: "data" }, lifecycleRules: rules });
    assert.equal(res.status, 200);
    assert.equal(res.body.versioning, "Enabled");
    assert.equal(res.body.storageClass, "SSD");
    assert.deepEqual(res.body.tags, { team: "data" });
    assert.deepEqual(res.body.lifecycleRules, [{ id: "expire-logs", status: "Enabled", prefix: "logs/", expirationDays: 30 }]);
    const again = await api.get("/v1/buckets/patch-me");
    assert.deepEqual(again.body.lifecycleRules, res.body.lifecycleRules);
  });

  it("refuses objectLock in a PATCH with 409 ObjectLockImmutable and a detail that says what to do", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "no-lock-later" });
    const res = await api.patch("/v1/buckets/no-lock-later", { objectLock: { mode: "GOVERNANCE", days: 5 } });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "ObjectLockImmutable");
    assert.match(res.body.detail, /only be set when the bucket is created/);
  });

  it("refuses to suspend versioning on an object-lock bucket", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "lock-versioned", objectLock: { mode: "GOVERNANCE", days: 5 } });
    const res = await api.patch("/v1/buckets/lock-versioned", { versioning: "Suspended" });
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "ObjectLockImmutable");
    assert.equal((await api.get("/v1/buckets/lock-versioned")).body.versioning, "Enabled");
  });

  it("names fields that PATCH cannot change (name, region) and unknown ones", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "fixed-fields" });
    const res = await api.patch("/v1/buckets/fixed-fields", { name: "other", region: "eu-mad", colour: "red", versioning: "Sometimes" });
    assert.equal(res.status, 400);
    const byPath = Object.fromEntries(res.body.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    assert.match(byPath.name, /cannot be changed/);
    assert.match(byPath.region, /cannot be changed/);
    assert.match(byPath.colour, /not a known field/);
    assert.ok(byPath.versioning);
  });

  it("under legal hold refuses lifecycle changes and deletion with 409 LegalHoldActive, and always lets the hold be turned off", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "on-hold", legalHold: true });
    const lc = await api.patch("/v1/buckets/on-hold", { lifecycleRules: [{ id: "r", expirationDays: 1 }] });
    assert.equal(lc.status, 409);
    assert.equal(lc.body.code, "LegalHoldActive");
    assert.match(lc.body.detail, /legalHold": false/);
    const del = await api.delete("/v1/buckets/on-hold?force=true");
    assert.equal(del.status, 409);
    assert.equal(del.body.code, "LegalHoldActive");
    // Same rules again is not a change; other settings stay changeable.
    assert.equal((await api.patch("/v1/buckets/on-hold", { lifecycleRules: [], storageClass: "SSD" })).status, 200);
    const off = await api.patch("/v1/buckets/on-hold", { legalHold: false, lifecycleRules: [{ id: "r", expirationDays: 1 }] });
    assert.equal(off.status, 200);
    assert.equal(off.body.legalHold, false);
    assert.equal(off.body.lifecycleRules.length, 1);
    assert.equal((await api.delete("/v1/buckets/on-hold")).status, 204);
  });

  it("deletes an empty bucket (204), after which it answers 404 and its name can be reused", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "short-lived" });
    const res = await api.delete("/v1/buckets/short-lived");
    assert.equal(res.status, 204);
    assert.equal(res.body, undefined);
    assert.equal((await api.get("/v1/buckets/short-lived")).status, 404);
    assert.equal((await api.delete("/v1/buckets/short-lived")).status, 404);
    assert.equal((await api.post("/v1/buckets", { name: "short-lived" })).status, 201);
  });

  it("validates the force flag of DELETE, naming query.force", async () => {
    const api = control(os());
    await api.post("/v1/buckets", { name: "force-flag" });
    const res = await api.delete("/v1/buckets/force-flag?force=yes");
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].path, "query.force");
  });
});

describe("Control API v1: deleting a bucket that holds objects", () => {
  // A stand-in for the S3 plane's ObjectStore, so this suite does not depend on it.
  const objects = new Map<string, number>();
  const fake: ObjectStats = {
    stats: (b) => ({ objectCount: objects.get(b) ?? 0, versionCount: objects.get(b) ?? 0, sizeBytes: (objects.get(b) ?? 0) * 10 }),
    isEmpty: (b) => !objects.get(b),
    lockedVersions: () => 0,
    purgeBucket: async (b) => void objects.delete(b),
  };
  let store: Store;
  let server: ControlServer;
  const api = () => control({ controlUrl: server.url, token: "test-token-123" });

  before(async () => {
    store = new Store({ memory: true });
    server = await startControlServer({ store, objects: fake, token: "test-token-123", s3Url: "http://127.0.0.1:1", region: "eu-mad" });
  });
  after(async () => {
    await server.close();
    store.close();
  });

  it("reports objectCount and sizeBytes from the object store", async () => {
    await api().post("/v1/buckets", { name: "full-bucket" });
    objects.set("full-bucket", 3);
    const res = await api().get("/v1/buckets/full-bucket");
    assert.equal(res.body.objectCount, 3);
    assert.equal(res.body.sizeBytes, 30);
  });

  it("refuses with 409 BucketNotEmpty without ?force=true, and purges then deletes with it", async () => {
    const res = await api().delete("/v1/buckets/full-bucket");
    assert.equal(res.status, 409);
    assert.equal(res.body.code, "BucketNotEmpty");
    assert.match(res.body.detail, /force=true/);
    assert.equal((await api().delete("/v1/buckets/full-bucket?force=false")).status, 409);
    assert.equal((await api().delete("/v1/buckets/full-bucket?force=true")).status, 204);
    assert.equal(objects.has("full-bucket"), false);
    assert.equal((await api().get("/v1/buckets/full-bucket")).status, 404);
  });
});
