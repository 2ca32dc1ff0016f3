/**
 * The Control API client against a scripted loopback server: retries, Retry-After, idempotency keys, timeouts,
 * schema validation, and error messages that say what to do and never carry the token.
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import fc from "fast-check";
import { OtterStorageClient } from "../provider/client";
import { OtterStorageError } from "../provider/errors";
import { pulumiHowToSet } from "../provider/config";
import { ProviderContext } from "../provider/context";
import { configure, context, resetConfiguration } from "../provider/dynamic/host";

/** The configuration the dynamic host's context resolves now (or, given an environment, a fresh context's over it). */
const resolveConfig = (env?: NodeJS.ProcessEnv) => (env ? new ProviderContext({}, { env, howToSet: pulumiHowToSet }) : context()).config();
import { DEFAULT_RETRY_POLICY, nextDelay, parseRetryAfter, RetryPolicy } from "../provider/retry";

const TOKEN = "ottk_test_7Q2mVb9xLw4KpZr8TnC3";
const SECRET = "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL";

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }
type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | "hang";

async function scripted(replies: Reply[]): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const r = replies[Math.min(seen.length - 1, replies.length - 1)];
      if (r === "hang") return; // never answers: the client's timeout must fire
      res.writeHead(r.status, { "content-type": r.status >= 400 ? "application/problem+json" : "application/json", ...r.headers });
      res.end(r.body === undefined ? "" : typeof r.body === "string" ? r.body : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 5_000, totalBudgetMs: 60_000, timeoutMs: 2_000 };
const problem = (code: string, status: number, detail = "it failed", extra: Record<string, unknown> = {}) => ({
  status, body: { type: `urn:otterstorage:problem:${code}`, title: code, status, detail, code, requestId: "req-123", ...extra },
});
const key = (over: Record<string, unknown> = {}) => ({
  accessKeyId: "OTTR4XMPL7KEY9QZ2A0B", bucket: "media", label: "ci", status: "Active", endpoint: "http://s3", region: "eu-mad",
  createdAt: "2026-01-01T00:00:00Z", lastUsedAt: null, secretAccessKey: SECRET, ...over,
});

describe("provider client (Control API v1 over HTTP)", () => {
  let waits: number[];
  const make = (url: string, p: RetryPolicy = policy) => new OtterStorageClient({ endpoint: url, token: TOKEN, policy: p, sleep: async (ms) => { waits.push(ms); } });
  beforeEach(() => { waits = []; });

  it("retries a create after 503 and sends the same Idempotency-Key on every attempt", async () => {
    const srv = await scripted([problem("ServiceUnavailable", 503), problem("InternalError", 500), { status: 201, body: key() }]);
    try {
      const ans = await make(srv.url).createAccessKey("media", { label: "ci" });
      assert.equal(ans.attempts, 3);
      assert.equal(ans.data.secretAccessKey, SECRET);
      const keys = srv.seen.map((s) => s.headers["idempotency-key"]);
      assert.equal(keys.length, 3);
      assert.ok(keys[0] && /^[0-9a-f-]{36}$/.test(String(keys[0])));
      assert.ok(keys.every((k) => k === keys[0]));
      assert.equal(srv.seen[0].headers.authorization, `Bearer ${TOKEN}`);
    } finally { await srv.close(); }
  });

  it("uses a different Idempotency-Key for each logical create", async () => {
    const srv = await scripted([{ status: 201, body: key() }]);
    try {
      const c = make(srv.url);
      await c.createAccessKey("media", {});
      await c.createAccessKey("media", {});
      assert.notEqual(srv.seen[0].headers["idempotency-key"], srv.seen[1].headers["idempotency-key"]);
    } finally { await srv.close(); }
  });

  it("waits what Retry-After says on 429 instead of its own backoff", async () => {
    const srv = await scripted([{ ...problem("RateLimited", 429), headers: { "retry-after": "2" } }, { status: 200, body: key() }]);
    try {
      await make(srv.url).getAccessKey("media", "OTTR4XMPL7KEY9QZ2A0B");
      assert.deepEqual(waits, [2000]);
    } finally { await srv.close(); }
  });

  it("gives up after the attempt bound with an error that names the code, the attempts and what to do", async () => {
    const srv = await scripted([problem("InternalError", 500, "the disk is on fire")]);
    try {
      await assert.rejects(make(srv.url).getBucket("media"), (e: unknown) => {
        assert.ok(e instanceof OtterStorageError);
        assert.equal(e.code, "InternalError");
        assert.equal(e.status, 500);
        assert.equal(e.operation, "getBucket");
        assert.equal(e.requestId, "req-123");
        assert.match(e.message, /getBucket failed \(500 InternalError\): the disk is on fire \(gave up after 4 attempts\)\. .*retry later/);
        return true;
      });
      assert.equal(srv.seen.length, 4);
      assert.equal(waits.length, 3);
    } finally { await srv.close(); }
  });

  it("does not retry a 4xx and reports the field errors of ValidationFailed", async () => {
    const srv = await scripted([problem("ValidationFailed", 400, "The request is not valid", { errors: [{ path: "label", message: "must not be empty" }] })]);
    try {
      await assert.rejects(make(srv.url).createAccessKey("media", { label: "x" }), (e: OtterStorageError) => {
        assert.equal(e.code, "ValidationFailed");
        assert.match(e.message, /label: must not be empty/);
        assert.match(e.message, /Fix the fields/);
        return true;
      });
      assert.equal(srv.seen.length, 1);
    } finally { await srv.close(); }
  });

  it("never puts the token or a secret into an error message, even when the service echoes them", async () => {
    const srv = await scripted([problem("Unauthorized", 401, `token ${TOKEN} rejected; Authorization: Bearer ${TOKEN}`)]);
    try {
      await assert.rejects(make(srv.url).getBucket("media"), (e: OtterStorageError) => {
        assert.equal(e.code, "Unauthorized");
        assert.ok(!e.message.includes(TOKEN), e.message);
        assert.ok(!JSON.stringify({ ...e }).includes(TOKEN));
        assert.match(e.message, /pulumi config set --secret otterstorage:token/);
        return true;
      });
    } finally { await srv.close(); }
  });

  it("rejects an answer that does not match the zod schema as InvalidResponse, without retrying", async () => {
    const srv = await scripted([{ status: 201, body: key({ secretAccessKey: "short" }) }]);
    try {
      await assert.rejects(make(srv.url).createAccessKey("media", {}), (e: OtterStorageError) => {
        assert.equal(e.code, "InvalidResponse");
        assert.match(e.message, /secretAccessKey/);
        assert.ok(!e.message.includes("short"), "the offending value is not echoed");
        return true;
      });
      assert.equal(srv.seen.length, 1);
    } finally { await srv.close(); }
  });

  it("times out a request that never answers and retries it", async () => {
    const srv = await scripted(["hang", { status: 200, body: key() }]);
    try {
      const ans = await make(srv.url, { ...policy, timeoutMs: 150 }).getAccessKey("media", "OTTR4XMPL7KEY9QZ2A0B");
      assert.equal(ans.attempts, 2);
    } finally { await srv.close(); }
  });

  it("reports an unreachable endpoint as NetworkError naming the endpoint and the config key", async () => {
    const srv = await scripted([{ status: 200 }]);
    const url = srv.url;
    await srv.close();
    await assert.rejects(make(url, { ...policy, maxAttempts: 2 }).getBucket("media"), (e: OtterStorageError) => {
      assert.equal(e.code, "NetworkError");
      assert.equal(e.status, 0);
      assert.ok(e.message.includes(url));
      assert.match(e.message, /otterstorage:endpoint/);
      return true;
    });
  });

  it("sends ?force=true only when asked to force a bucket delete", async () => {
    const srv = await scripted([{ status: 204 }]);
    try {
      const c = make(srv.url);
      await c.deleteBucket("media");
      await c.deleteBucket("media", true);
      assert.deepEqual(srv.seen.map((s) => s.url), ["/v1/buckets/media", "/v1/buckets/media?force=true"]);
    } finally { await srv.close(); }
  });
});

describe("retry policy (pure)", () => {
  it("keeps every backoff within [0, min(maxDelay, base*2^(n-1))] and stops at the attempt bound", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const d = nextDelay(DEFAULT_RETRY_POLICY, n, 0, undefined, () => r);
        if (n >= DEFAULT_RETRY_POLICY.maxAttempts) return d === undefined;
        const ceiling = Math.min(DEFAULT_RETRY_POLICY.maxDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (n - 1));
        return d !== undefined && d >= 0 && d <= ceiling;
      }),
      { numRuns: 200 },
    );
  });

  it("stops when the next wait would overrun the total time budget", () => {
    assert.equal(nextDelay({ ...DEFAULT_RETRY_POLICY, totalBudgetMs: 1000 }, 1, 900, 500), undefined);
    assert.equal(nextDelay({ ...DEFAULT_RETRY_POLICY, totalBudgetMs: 1000 }, 1, 100, 500), 500);
  });

  it("reads Retry-After as seconds or as an HTTP date, and caps it", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:07 GMT", now), 7000);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(nextDelay(DEFAULT_RETRY_POLICY, 1, 0, 3_600_000), DEFAULT_RETRY_POLICY.maxDelayMs);
  });
});

describe("provider configuration", () => {
  const saved = { ...process.env };
  afterEach(() => {
    resetConfiguration();
    for (const k of Object.keys(process.env)) if (k.startsWith("OTTERSTORAGE_")) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("names both ways to set endpoint and token in one error when neither is set", () => {
    assert.throws(() => resolveConfig({}), (e: OtterStorageError) => {
      assert.equal(e.code, "ConfigurationMissing");
      assert.match(e.message, /pulumi config set otterstorage:endpoint/);
      assert.match(e.message, /OTTERSTORAGE_ENDPOINT/);
      assert.match(e.message, /pulumi config set --secret otterstorage:token/);
      assert.match(e.message, /OTTERSTORAGE_TOKEN/);
      return true;
    });
  });

  it("falls back to the environment, read at call time", () => {
    assert.throws(() => resolveConfig());
    process.env.OTTERSTORAGE_ENDPOINT = "http://127.0.0.1:1/";
    process.env.OTTERSTORAGE_TOKEN = TOKEN;
    const c = resolveConfig();
    assert.equal(c.endpoint, "http://127.0.0.1:1");
    assert.equal(c.region, "eu-mad");
  });

  it("prefers the stack config received through configure over the environment", () => {
    process.env.OTTERSTORAGE_ENDPOINT = "http://env";
    process.env.OTTERSTORAGE_TOKEN = "env-token";
    const cfg: Record<string, string> = { "otterstorage:endpoint": "http://stack", "otterstorage:token": TOKEN, "otterstorage:region": "eu-bcn", "aws:region": "x" };
    configure({ config: { get: (k) => cfg[k] } });
    const c = resolveConfig();
    assert.deepEqual([c.endpoint, c.token, c.region], ["http://stack", TOKEN, "eu-bcn"]);
  });

  it("treats a host Config that cannot be read (no Configure call) as empty", () => {
    configure({ config: { get: () => { throw new TypeError("Cannot read properties of undefined"); } } });
    process.env.OTTERSTORAGE_ENDPOINT = "http://env";
    process.env.OTTERSTORAGE_TOKEN = "env-token";
    assert.equal(resolveConfig().endpoint, "http://env");
  });
});

describe("provider/ stands alone", () => {
  it("loads every provider module with @pulumi/* made unresolvable (no run-time dependency on Pulumi)", () => {
    const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
    const path = require("node:path") as typeof import("node:path");
    const dir = path.resolve(__dirname, "..", "provider");
    const code = `
      const Module = require("module");
      const resolve = Module._resolveFilename;
      Module._resolveFilename = function (req, ...rest) {
        if (req.startsWith("@pulumi/")) throw new Error("provider/ required " + req);
        return resolve.call(this, req, ...rest);
      };
      for (const m of ["index", "dynamic/bucket", "dynamic/accessKey", "schema"]) require(${JSON.stringify(dir)} + "/" + m);
      console.log("ok");`;
    const r = spawnSync(process.execPath, ["-e", code], { encoding: "utf8" });
    assert.equal(r.stdout.trim(), "ok", r.stderr);
  });
});
