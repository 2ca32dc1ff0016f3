/**
 * Slow-request attacks against the control/console listener: it has the S3 listener's limits (a head deadline, an
 * idle timeout, a connection cap; emulator/listen.ts) plus a deadline for a whole request, whose JSON bodies are
 * small. Limits are shortened so the cases run in seconds; the defaults are in docs/local-otterstorage.md.
 */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { startOtterStorage, DEFAULT_CONTROL_LIMITS } from "otterstorage-local";
import { parseCli } from "otterstorage-local/dist/cli";
import { control, useEmulator } from "./support/emulator";

/** A raw TCP connection to `url`; `closed` resolves (with what the server sent) when it closes. */
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

describe("emulator: the control/console listener's limits against slow requests", function () {
  this.timeout(30_000);
  const os = useEmulator({ controlLimits: { headersTimeoutMs: 800, idleTimeoutMs: 1500, requestTimeoutMs: 1200, maxConnections: 6 } });

  it("closes connections whose request head never completes, on the API and the console paths", async () => {
    const conns = await Promise.all(["/v1/buckets", "/console/sign-in", "/v1/health"].map(async (p) => {
      const c = await connect(os().controlUrl);
      c.socket.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `);
      return c;
    }));
    const answers = await within(Promise.all(conns.map((c) => c.closed)), 15_000, "half-sent heads");
    for (const a of answers) assert.match(a, /^(HTTP\/1\.1 408|$)/);
  });

  it("closes a connection that sent a complete head but never its body (no token needed)", async () => {
    const c = await connect(os().controlUrl);
    c.socket.write("POST /v1/buckets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    const answer = await within(c.closed, 15_000, "head without its body");
    assert.doesNotMatch(answer, /^HTTP\/1\.1 20/);
  });

  it("refuses connections beyond the cap, and serves again once they are gone", async () => {
    const held = await Promise.all(Array.from({ length: 6 }, () => connect(os().controlUrl)));
    const extra = await connect(os().controlUrl);
    extra.socket.write("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const answer = await within(extra.closed, 15_000, "a connection over the cap");
    assert.equal(answer, "", "closed on arrival, unanswered");
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    assert.equal((await control(os()).get("/v1/health")).status, 200);
  });

  it("validates the option, naming it, and the CLI flags set both listeners", async () => {
    await assert.rejects(startOtterStorage({ memory: true, controlLimits: { maxConnections: 0 } }), /controlLimits\.maxConnections must be a whole number >= 1; got 0/);
    await assert.rejects(startOtterStorage({ memory: true, controlLimits: { headersTimeoutMs: 5000, requestTimeoutMs: 1000 } }), /controlLimits\.requestTimeoutMs \(1000\) must be 0 or at least headersTimeoutMs \(5000\)/);
    const cfg = parseCli(["--memory", "--headers-timeout", "5", "--idle-timeout", "60", "--max-connections", "50", "--request-timeout", "10"]);
    assert.ok(!cfg.help);
    if (cfg.help) return;
    assert.deepEqual(cfg.s3Limits, { headersTimeoutMs: 5000, idleTimeoutMs: 60_000, maxConnections: 50 });
    assert.deepEqual(cfg.controlLimits, { headersTimeoutMs: 5000, idleTimeoutMs: 60_000, maxConnections: 50, requestTimeoutMs: 10_000 });
    assert.throws(() => parseCli(["--max-connections", "0"]), /--max-connections must be a whole number 1\.\.1000000; got '0'/);
    assert.throws(() => parseCli(["--headers-timeout", "soon"]), /--headers-timeout must be a number of seconds > 0/);
    assert.equal(DEFAULT_CONTROL_LIMITS.requestTimeoutMs, 30_000);
  });
});
