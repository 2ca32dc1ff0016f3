/**
 * Slow-request attacks (slowloris) against the S3 listener: half-sent request heads are closed after the head
 * timeout, stalled connections after the idle timeout, and connections beyond the cap are refused, while a slow
 * but honest upload (bytes keep moving) is never cut however long it takes (emulator/s3/server.ts S3Limits).
 * Limits are shortened here so the cases run in seconds; the defaults are documented in docs/local-otterstorage.md.
 */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, raw, sdk, signed, type BucketKey } from "./s3-support";

/** Opens a raw TCP connection to the S3 listener; `closed` resolves (with what the server sent) when it closes. */
function connect(url: string): Promise<{ socket: net.Socket; closed: Promise<string> }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(u.port), u.hostname, () => resolve({ socket, closed }));
    let got = "";
    socket.on("data", (d) => (got += d.toString("latin1")));
    const closed = new Promise<string>((r) => socket.on("close", () => r(got)));
    socket.on("error", () => {});
    socket.once("error", reject);
  });
}

/** Fails the test if `p` has not settled within `ms` (a guard for the failure case, not a timing assertion). */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("S3 listener limits against slow requests", function () {
  const os = useEmulator({ s3Limits: { headersTimeoutMs: 1000, idleTimeoutMs: 1500, maxConnections: 8 } });
  const B = "limits-bucket";
  let key: BucketKey;
  before(async () => {
    key = await bucketWithKey(os(), B);
  });

  it("closes connections whose request head never completes (408), all of them", async () => {
    const conns = await Promise.all(Array.from({ length: 5 }, () => connect(os().s3Url)));
    for (const c of conns) c.socket.write(`PUT /${B}/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
    const answers = await within(Promise.all(conns.map((c) => c.closed)), 20_000, "half-sent heads");
    for (const a of answers) assert.match(a, /^HTTP\/1\.1 408/);
  });

  it("closes a connection whose body stalls, and stores nothing", async () => {
    const { headers } = await signed(os(), key, "PUT", `/${B}/stalled.bin`);
    const c = await connect(os().s3Url);
    const head = Object.entries({ ...headers, "content-length": "1000000" }).map(([k, v]) => `${k}: ${v}`).join("\r\n");
    c.socket.write(`PUT /${B}/stalled.bin HTTP/1.1\r\n${head}\r\n\r\n` + "x".repeat(1000));
    await within(c.closed, 20_000, "stalled body");
    const s3 = sdk(os(), key);
    try {
      await assert.rejects(s3.send(new GetObjectCommand({ Bucket: B, Key: "stalled.bin" })), { name: "NoSuchKey" });
    } finally {
      s3.destroy();
    }
  });

  it("does not cut a slow but honest upload that takes longer than both timeouts", async () => {
    const body = Buffer.alloc(200_000, 9);
    const { headers } = await signed(os(), key, "PUT", `/${B}/slow-honest.bin`);
    const c = await connect(os().s3Url);
    const head = Object.entries({ ...headers, "content-length": String(body.length) }).map(([k, v]) => `${k}: ${v}`).join("\r\n");
    c.socket.write(`PUT /${B}/slow-honest.bin HTTP/1.1\r\n${head}\r\n\r\n`);
    const pieces = 8; // 8 pieces 400 ms apart: ~3.2 s in all, over both the 1 s head and the 1.5 s idle limits
    for (let i = 0; i < pieces; i++) {
      await tick(400);
      c.socket.write(body.subarray((i * body.length) / pieces, ((i + 1) * body.length) / pieces));
    }
    const answer = await new Promise<string>((resolve) => {
      let got = "";
      c.socket.on("data", (d) => {
        got += d.toString("latin1");
        if (got.includes("\r\n\r\n")) resolve(got);
      });
    });
    c.socket.destroy();
    assert.match(answer, /^HTTP\/1\.1 200/);
    const s3 = sdk(os(), key);
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: B, Key: "slow-honest.bin" }));
      assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(body));
    } finally {
      s3.destroy();
    }
  });

  it("refuses connections beyond the cap, and serves again once they are gone", async () => {
    const held = await Promise.all(Array.from({ length: 8 }, () => connect(os().s3Url)));
    for (const c of held) c.socket.write("GET /");
    const extra = await connect(os().s3Url);
    const refused = await within(extra.closed, 20_000, "connection over the cap");
    assert.equal(refused, "", "closed without an answer");
    for (const c of held) c.socket.destroy();
    await Promise.all(held.map((c) => c.closed));
    // The server notices the closed sockets on its next turn; retry until a request gets through.
    let status = 0;
    for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
      const { url, headers } = await signed(os(), key, "GET", `/${B}`, { query: { "list-type": "2" } });
      status = await raw(url, { headers }).then((r) => r.status, () => 0);
      if (status !== 200) await tick(20);
    }
    assert.equal(status, 200);
  });
});
