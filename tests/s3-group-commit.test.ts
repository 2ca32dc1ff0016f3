/**
 * Group commit (emulator/s3/groupCommit.ts, docs/s3-compatibility.md "Storage and durability"): the metadata writes of
 * concurrent requests share one SQLite transaction, one savepoint per request. These tests drive ObjectStore's own
 * API on a data dir: several `commit()` calls made in the same tick form one batch; one item writes and then
 * throws inside its savepoint. Only that item may roll back; the others must be committed, acknowledged, readable
 * over S3 (also after a restart), and the database must pass PRAGMA integrity_check.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startOtterStorage, type OtterStorage } from "otterstorage-local";
import type { ObjectStore } from "otterstorage-local/dist/s3/objects";
import type { DurableBody, ObjectVersion } from "otterstorage-local/dist/s3/objectSchema";
import { bucketWithKey, errorOf, sdk, type BucketKey } from "./s3-support";

const BUCKET = "group-commit";
const FILE_SIZE = 200_000; // above INLINE_MAX_BYTES: a body file, not an inline row

function md5(b: Buffer): string {
  return createHash("md5").update(b).digest("hex");
}

/** A body as the handlers make one: inline when small, else a temp file installed into objects/data. */
async function durable(objects: ObjectStore, bytes: Buffer): Promise<DurableBody> {
  if (bytes.length <= 128 * 1024) return { file: null, inline: bytes, size: bytes.length, md5: md5(bytes) };
  const tmp = objects.tempPath();
  fs.writeFileSync(tmp, bytes);
  return objects.install(tmp, bytes.length, md5(bytes));
}

function put(objects: ObjectStore, key: string, body: DurableBody): ObjectVersion {
  return objects.putVersion(BUCKET, key, "Unversioned", { size: body.size, etag: body.md5, contentType: "application/octet-stream", meta: {}, body });
}

function integrity(h: OtterStorage): string {
  return (h.store.db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join("; ");
}

async function read(s3: S3Client, key: string): Promise<Buffer> {
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await got.Body!.transformToByteArray());
}

interface Item {
  key: string;
  /** Runs inside the item's savepoint. */
  fn: () => unknown;
}

/**
 * Queue every item in the same tick (so one flush takes them all) and settle them. `events` records when each
 * item's work ran and when its caller was answered: all runs before any answer shows they shared one batch.
 */
async function batch(objects: ObjectStore, items: Item[]): Promise<{ settled: PromiseSettledResult<unknown>[]; events: string[] }> {
  const events: string[] = [];
  const settled = await Promise.allSettled(items.map((it) =>
    objects.commit(() => {
      events.push(`run ${it.key}`);
      return it.fn();
    }).finally(() => events.push(`answer ${it.key}`))));
  return { settled, events };
}

function assertOneBatch(events: string[], n: number): void {
  assert.equal(events.length, 2 * n);
  assert.ok(events.slice(0, n).every((e) => e.startsWith("run ")), `every item ran before any caller was answered: ${events.join(", ")}`);
}

const injected = () => new Error("injected failure after the item's write");

describe("S3 group commit: one failing item of a batch", function () {
  let dataDir: string;
  let running: OtterStorage | undefined;
  let key: BucketKey;
  let s3: S3Client | undefined;

  async function start(): Promise<OtterStorage> {
    running = await startOtterStorage({ dataDir });
    s3 = sdk(running, key);
    return running;
  }

  async function stop(): Promise<void> {
    s3?.destroy();
    s3 = undefined;
    await running?.stop();
    running = undefined;
  }

  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-s3-group-commit-"));
    running = await startOtterStorage({ dataDir });
    key = await bucketWithKey(running, BUCKET);
    s3 = sdk(running, key);
  });

  afterEach(async () => {
    await stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("rolls back only the failing item: the others of the same batch are committed, acknowledged and readable, also after a restart", async () => {
    const h = running!;
    const bodies = [0, 1, 2, 3, 4].map((i) => (i % 2 === 1 ? Buffer.alloc(FILE_SIZE, 0x30 + i) : Buffer.from(`small body ${i}`)));
    const ready = await Promise.all(bodies.map((b) => durable(h.objects, b)));
    const items: Item[] = ready.map((body, i) => ({
      key: `k${i}`,
      fn: i === 2
        ? () => { put(h.objects, "k2", body); throw injected(); }
        : () => put(h.objects, `k${i}`, body),
    }));

    const { settled, events } = await batch(h.objects, items);
    assertOneBatch(events, items.length);

    assert.deepEqual(settled.map((s) => s.status), ["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    assert.match(String((settled[2] as PromiseRejectedResult).reason), /injected failure/, "the failing item's caller gets its own error");
    for (const i of [0, 1, 3, 4]) {
      const v = (settled[i] as PromiseFulfilledResult<ObjectVersion>).value;
      assert.equal(v.key, `k${i}`);
      assert.equal(v.etag, md5(bodies[i]));
      assert.equal(h.objects.get(BUCKET, `k${i}`)?.etag, md5(bodies[i]), `k${i} is stored`);
      assert.deepEqual(await read(s3!, `k${i}`), bodies[i], `k${i} is readable over S3`);
    }
    assert.equal(h.objects.get(BUCKET, "k2"), undefined, "the failing item's row is rolled back");
    assert.equal((await errorOf(s3!.send(new GetObjectCommand({ Bucket: BUCKET, Key: "k2" })))).code, "NoSuchKey");
    assert.deepEqual(h.objects.stats(BUCKET), { objectCount: 4, versionCount: 4, sizeBytes: bodies[0].length + bodies[1].length + bodies[3].length + bodies[4].length });
    assert.equal(integrity(h), "ok");

    await stop();
    const again = await start();
    for (const i of [0, 1, 3, 4]) assert.deepEqual(await read(s3!, `k${i}`), bodies[i], `k${i} survives a restart`);
    assert.equal(again.objects.get(BUCKET, "k2"), undefined);
    assert.equal(integrity(again), "ok");
  });

  for (const failing of ["overwritten", "deleted"] as const) {
    it(`leaves the object a failing item had ${failing} current and readable, its body file included, while the rest of the batch commits`, async () => {
      const h = running!;
      const original = Buffer.alloc(FILE_SIZE, 0x61);
      const first = await durable(h.objects, original);
      const old = await h.objects.commit(() => put(h.objects, "shared", first));
      assert.ok(old.file, "the object under test has a body file");
      const replacement = await durable(h.objects, Buffer.alloc(FILE_SIZE, 0x62));
      const a = Buffer.from("neighbour a");
      const c = Buffer.alloc(FILE_SIZE, 0x63);
      const c2 = Buffer.alloc(FILE_SIZE, 0x64);
      const [bodyA, bodyC, bodyC2] = await Promise.all([durable(h.objects, a), durable(h.objects, c), durable(h.objects, c2)]);

      const { settled, events } = await batch(h.objects, [
        { key: "a", fn: () => put(h.objects, "a", bodyA) },
        {
          key: "shared",
          fn: () => {
            if (failing === "overwritten") put(h.objects, "shared", replacement);
            else h.objects.deleteCurrent(BUCKET, "shared", "Unversioned");
            throw injected();
          },
        },
        { key: "c", fn: () => put(h.objects, "c", bodyC) },
      ]);
      assertOneBatch(events, 3);
      assert.deepEqual(settled.map((s) => s.status), ["fulfilled", "rejected", "fulfilled"]);
      assert.match(String((settled[1] as PromiseRejectedResult).reason), /injected failure/);

      assert.deepEqual(await read(s3!, "a"), a);
      assert.deepEqual(await read(s3!, "c"), c);
      const cur = h.objects.get(BUCKET, "shared");
      assert.equal(cur?.versionId, old.versionId);
      assert.equal(cur?.etag, md5(original));
      assert.equal(cur?.file, old.file);
      // Unlinks start after the fsync that follows the commit, before the callers are answered; wait until every
      // one started so far has finished, so a wrong unlink of the rolled-back item's file would have happened.
      await h.objects.unlinksSettled();
      assert.ok(fs.existsSync(h.objects.filePath(old.file)), "the rolled-back item's replaced body file is not unlinked");
      assert.deepEqual(await read(s3!, "shared"), original, "the object the failing item touched is still readable");
      assert.equal(integrity(h), "ok");
      // The same wait does see an unlink that should happen: overwriting c unlinks c's old body file.
      const cFile = h.objects.get(BUCKET, "c")!.file!;
      await h.objects.commit(() => put(h.objects, "c", bodyC2));
      await h.objects.unlinksSettled();
      assert.ok(!fs.existsSync(h.objects.filePath(cFile)), "a committed overwrite unlinks the replaced body file");

      await stop();
      const again = await start();
      assert.deepEqual(await read(s3!, "shared"), original, "and still readable after a restart");
      assert.deepEqual(await read(s3!, "a"), a);
      assert.deepEqual(await read(s3!, "c"), c2);
      assert.equal(integrity(again), "ok");
    });
  }
});
