import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as http from "node:http";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, type OtterStorage } from "otterstorage-local";
import { bucketWithKey, sdk, signed } from "./s3-support";

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 6) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

describe("S3 persistence and durability on a data dir", function () {
  let dataDir: string;
  let running: OtterStorage | undefined;

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-s3-persist-"));
  });
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("keeps objects, metadata and keys across a restart on the same data dir", async () => {
    running = await startOtterStorage({ dataDir });
    const key = await bucketWithKey(running, "persist-bucket");
    let s3 = sdk(running, key);
    await s3.send(new PutObjectCommand({ Bucket: "persist-bucket", Key: "../outside/attempt", Body: "still inside", Metadata: { n: "1" } }));
    await s3.send(new PutObjectCommand({ Bucket: "persist-bucket", Key: "b", Body: Buffer.alloc(300_000, 7) }));
    s3.destroy();
    await running.stop();

    // Leftovers of a crash: a half-written temp file and a body file whose row was never committed.
    fs.writeFileSync(path.join(dataDir, "objects", "tmp", "interrupted"), "partial");
    fs.writeFileSync(path.join(dataDir, "objects", "data", "00", "never-committed"), "orphan");

    running = await startOtterStorage({ dataDir });
    s3 = sdk(running, key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "persist-bucket" }));
    assert.deepEqual(listed.Contents?.map((o) => [o.Key, o.Size]), [["../outside/attempt", 12], ["b", 300_000]]);
    const got = await s3.send(new GetObjectCommand({ Bucket: "persist-bucket", Key: "../outside/attempt" }));
    assert.equal(await got.Body!.transformToString(), "still inside");
    assert.equal(got.Metadata?.n, "1");
    s3.destroy();
    assert.deepEqual(fs.readdirSync(path.join(dataDir, "objects", "tmp")), [], "orphan temp files are removed on start");
    assert.ok(!fs.existsSync(path.join(dataDir, "objects", "data", "00", "never-committed")), "unreferenced bodies are removed on start");
    // Small bodies live inline in their row; larger ones under objects/data with a random name; no key is a path.
    const bodies = listFiles(path.join(dataDir, "objects"));
    assert.equal(bodies.length, 1);
    const big = await sdk(running, key).send(new GetObjectCommand({ Bucket: "persist-bucket", Key: "b" }));
    assert.ok(Buffer.from(await big.Body!.transformToByteArray()).equals(Buffer.alloc(300_000, 7)));
    assert.ok(bodies.every((f) => !f.includes("outside")));
    assert.ok(!fs.existsSync(path.join(dataDir, "outside")) && !fs.existsSync(path.join(dataDir, "..", "outside")));
  });

  it("shows no trace of an upload cut off by a crash (SIGKILL mid-body) after a restart", async function () {
    const crashDir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-s3-crash-"));
    const entry = require.resolve("otterstorage-local");
    const child = spawn(process.execPath, ["-e", `
      require(${JSON.stringify(entry)}).startOtterStorage({ dataDir: ${JSON.stringify(crashDir)} })
        .then((o) => console.log(JSON.stringify({ s3Url: o.s3Url, controlUrl: o.controlUrl, token: o.token })));`], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        let buf = "";
        child.stdout!.on("data", (c: Buffer) => {
          buf += c.toString();
          if (buf.includes("\n")) resolve(buf.split("\n")[0]);
        });
        child.once("exit", () => reject(new Error("the emulator child exited before it was ready")));
      });
      const info = JSON.parse(first) as { s3Url: string; controlUrl: string; token: string };
      const fake = { ...info, clock: { now: () => Date.now() } } as unknown as OtterStorage;
      const key = await bucketWithKey(fake, "crash-bucket");
      const size = 8 * 1024 * 1024;
      const { url, headers } = await signed(fake, key, "PUT", "/crash-bucket/half.bin", { headers: { "content-length": String(size) } });
      await new Promise<void>((resolve) => {
        const req = http.request(url, { method: "PUT", headers });
        req.on("error", () => resolve());
        req.on("response", () => resolve());
        req.write(Buffer.alloc(3 * 1024 * 1024, 1), () => {
          // A third of the body is on its way: kill the service without any chance to clean up.
          setTimeout(() => {
            child.kill("SIGKILL");
            req.destroy();
            resolve();
          }, 200);
        });
      });
      await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r)));
      assert.equal(fs.readdirSync(path.join(crashDir, "objects", "tmp")).length, 1, "the crash left a partial temp file");
      running = await startOtterStorage({ dataDir: crashDir });
      const s3 = sdk(running, key);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: "crash-bucket" }));
      assert.equal(listed.KeyCount, 0, "the cut-off upload is not visible");
      s3.destroy();
      assert.deepEqual(fs.readdirSync(path.join(crashDir, "objects", "tmp")), [], "its temp file was removed on start");
      assert.deepEqual(listFiles(path.join(crashDir, "objects", "data")), []);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await running?.stop();
      running = undefined;
      fs.rmSync(crashDir, { recursive: true, force: true });
    }
  });

  it("removes the throw-away body directory of an in-memory instance when it stops", async () => {
    running = await startOtterStorage({ memory: true });
    const root = running.objects.root;
    assert.ok(fs.existsSync(root));
    await running.stop();
    running = undefined;
    assert.ok(!fs.existsSync(root));
  });
});
