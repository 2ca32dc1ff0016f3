import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONTROL_ERRORS, PROBLEM_CONTENT_TYPE, problemType, Health, Problem, buildOpenApi } from "otterstorage-api";
import { ROUTES, type RouteSpec } from "otterstorage-api";
import { ManualClock } from "otterstorage-local/dist/clock";
import { startControlServer, ControlServer } from "otterstorage-local/dist/control/server";
import { Store } from "otterstorage-local/dist/store";
import { Logger } from "otterstorage-local/dist/log";
import { control, useEmulator } from "./support/emulator";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * "METHOD /path" for every route in fastify's printRoutes() tree (one node a line, four columns of tree drawing a level,
 * methods in parentheses), HEAD left out: fastify adds it to every GET by itself (exposeHeadRoutes).
 */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^([\s│├└─]*)(\S+) \(([^)]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack[depth] = (depth > 1 ? stack[depth - 1] : "") + m[2];
    for (const method of m[3].split(",").map((x) => x.trim())) if (method !== "HEAD") out.push(`${method} ${stack[depth]}`);
  }
  return out.sort();
}

function assertProblem(res: { status: number; headers: Headers; body: unknown }, code: keyof typeof CONTROL_ERRORS) {
  assert.equal(res.status, CONTROL_ERRORS[code].status, JSON.stringify(res.body));
  assert.equal(res.headers.get("content-type")?.split(";")[0], PROBLEM_CONTENT_TYPE);
  const p = Problem.parse(res.body);
  assert.equal(p.code, code);
  assert.equal(p.type, problemType(code));
  assert.equal(p.title, CONTROL_ERRORS[code].title);
  assert.equal(p.status, res.status);
  assert.ok(p.requestId && p.detail.length > 0);
  assert.equal(res.headers.get("x-request-id"), p.requestId);
  return p;
}

describe("Control API v1: authentication", () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 3, 4, 5, 6));
  const os = useEmulator({ clock });

  it("answers GET /v1/health without a token, with the service clock", async () => {
    const res = await control(os()).get("/v1/health", { token: null });
    assert.equal(res.status, 200);
    const h = Health.parse(res.body);
    assert.equal(h.time, "2026-03-03T04:05:06.000Z");
    assert.equal(h.region, "eu-mad");
  });

  it("refuses every authenticated route with 401 when the token is missing or wrong, before reading the body", async () => {
    for (const r of ROUTES.filter((r) => r.auth)) {
      const p = r.path.replace(":bucket", "some-bucket").replace(":accessKeyId", "OTTRAAAAAAAAAAAAAAAA");
      for (const token of [null, "wrong-token-value", os().token + "x"]) {
        const res = await control(os()).call(r.method, p, undefined, { token, raw: r.method === "GET" || r.method === "DELETE" ? undefined : "{not json" });
        const prob = assertProblem(res, "Unauthorized");
        assert.ok(!JSON.stringify(prob).includes(os().token), "the problem must not echo the token");
        assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      }
    }
    const basic = await control(os()).get("/v1/buckets", { token: null, headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } });
    assertProblem(basic, "Unauthorized");
  });

  it("accepts the token case-insensitively on the scheme (bearer/Bearer)", async () => {
    const res = await control(os()).get("/v1/buckets", { token: null, headers: { authorization: `bearer ${os().token}` } });
    assert.equal(res.status, 200);
  });
});

describe("Control API v1: HTTP-level errors", () => {
  const os = useEmulator();
  const api = () => control(os());

  it("answers an unknown route with 404 RouteNotFound", async () => {
    assertProblem(await api().get("/v1/nothing-here"), "RouteNotFound");
    assertProblem(await api().get("/v2/buckets"), "RouteNotFound");
    assertProblem(await api().get("/"), "RouteNotFound");
  });

  it("answers a path with broken percent-encoding with a ValidationFailed problem naming path", async () => {
    for (const p of ["/v1/buckets/%", "/x/%E0%A4%A", "/4Ns%2B%5Cbq/%"]) {
      const prob = assertProblem(await api().get(p), "ValidationFailed");
      assert.equal(prob.errors?.[0].path, "path");
    }
  });

  it("answers a wrong method with 405 MethodNotAllowed and an Allow header", async () => {
    const res = await api().call("PUT", "/v1/buckets/some-bucket", { x: 1 });
    assertProblem(res, "MethodNotAllowed");
    assert.deepEqual(res.headers.get("allow")?.split(", ").sort(), ["DELETE", "GET", "HEAD", "PATCH"]);
    assertProblem(await api().call("POST", "/v1/health"), "MethodNotAllowed");
  });

  it("answers a body that is not JSON with 400 MalformedJson", async () => {
    assertProblem(await api().post("/v1/buckets", undefined, { raw: '{"name": ' }), "MalformedJson");
    const secret = "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL";
    const p = assertProblem(await api().post("/v1/buckets", undefined, { raw: `{"name": ${secret}}` }), "MalformedJson");
    assert.ok(!JSON.stringify(p).includes(secret.slice(0, 10)), "the problem must not quote the body");
  });

  it("answers a non-JSON content type with 415 UnsupportedMediaType", async () => {
    const res = await api().post("/v1/buckets", undefined, { raw: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assertProblem(res, "UnsupportedMediaType");
  });

  it("accepts application/json with a charset parameter", async () => {
    const res = await api().post("/v1/buckets", undefined, { raw: JSON.stringify({ name: "charset-ok" }), headers: { "content-type": "application/json; charset=utf-8" } });
    assert.equal(res.status, 201);
  });

  it("answers a body over 1 MiB with 413 PayloadTooLarge", async () => {
    const res = await api().post("/v1/buckets", { name: "big-body", tags: { a: "x".repeat(1024 * 1024 + 10) } });
    assertProblem(res, "PayloadTooLarge");
  });

  it("answers a JSON body that is not an object with a validation error on body", async () => {
    for (const raw of ["[]", "42", '"name"', "null"]) {
      const p = assertProblem(await api().post("/v1/buckets", undefined, { raw }), "ValidationFailed");
      assert.equal(p.errors?.[0].path, "body", raw);
    }
  });
});

describe("Control API v1: internal errors", () => {
  const lines: string[] = [];
  const log: Logger = { info() {}, warn() {}, request() {}, error: (m, e) => void lines.push(`${m} ${(e as Error).message}`) };
  let store: Store;
  let server: ControlServer;
  before(async () => {
    store = new Store({ memory: true });
    const objects = { stats: () => { throw new Error("disk /var/lib/secret-path exploded"); }, isEmpty: () => true, lockedVersions: () => 0, purgeBucket: () => {} };
    server = await startControlServer({ store, objects, token: "internal-token", s3Url: "http://127.0.0.1:1", region: "eu-mad", log });
  });
  after(async () => {
    await server.close();
    store.close();
  });

  it("answers 500 InternalError naming the request id, never the internal message, and logs the cause", async () => {
    const api = control({ controlUrl: server.url, token: "internal-token" });
    const res = await api.post("/v1/buckets", { name: "explodes" });
    const p = assertProblem(res, "InternalError");
    assert.ok(!JSON.stringify(p).includes("secret-path"));
    assert.ok(p.detail.includes(p.requestId!));
    assert.ok(lines.some((l) => l.includes("exploded") && l.includes(p.requestId!)));
  });
});

describe("Control API v1: rate limit", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const os = useEmulator({ clock, rateLimit: { requestsPerSecond: 3 } });

  it("answers 429 RateLimited with Retry-After beyond the limit, and serves again once time has passed", async () => {
    const api = control(os());
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await api.get("/v1/buckets");
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    assertProblem(last!, "RateLimited");
    assert.equal(last!.headers.get("retry-after"), "1");
    assert.equal((await api.get("/v1/health")).status, 200, "health is not rate limited");
    clock.advance(1000);
    assert.equal((await api.get("/v1/buckets")).status, 200);
  });

  it("keeps a separate, smaller budget for requests without the token: they cannot lock the account's clients out", async () => {
    clock.advance(10_000);
    const api = control(os());
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.get("/v1/buckets", { token: "not-the-account-token" })).status);
    assert.deepEqual(statuses, [401, 429, 429, 429], "one failed attempt per second at rate 3 (10%, at least 1)");
    const r = await api.get("/v1/buckets", { token: null });
    assertProblem(r, "RateLimited");
    assert.match(r.body.detail, /without a valid account token/);
    for (let i = 0; i < 3; i++) assert.equal((await api.get("/v1/buckets")).status, 200, "the token's own budget is untouched");
  });
});

describe("Control API v1: rate limit below 1 per second", () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const os = useEmulator({ clock, rateLimit: { requestsPerSecond: 0.5 } });

  it("serves one request, then one every 2 s (a rate below 1 no longer refuses everything)", async () => {
    const api = control(os());
    assert.equal((await api.get("/v1/buckets")).status, 200);
    const limited = await api.get("/v1/buckets");
    assertProblem(limited, "RateLimited");
    assert.equal(limited.headers.get("retry-after"), "2");
    clock.advance(2000);
    assert.equal((await api.get("/v1/buckets")).status, 200);
  });
});

describe("Control API v1: OpenAPI document and docs", () => {
  const os = useEmulator();

  it("serves GET /v1/openapi.json without auth, equal to buildOpenApi() and covering every route in ROUTES", async () => {
    const res = await control(os()).get("/v1/openapi.json", { token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, JSON.parse(JSON.stringify(buildOpenApi())));
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };
    assert.equal(doc.openapi, "3.1.0");
    for (const r of ROUTES) {
      const op = doc.paths[r.path.replace(/:(\w+)/g, "{$1}")]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.path} missing`);
      assert.equal(op.operationId, r.operationId);
      assert.ok(op.responses[String(r.status)]);
    }
  });

  it("answers every route of api/routes.ts with that route's own outcome (its status or an error it lists)", async () => {
    for (const r of ROUTES as readonly RouteSpec[]) {
      const p = r.path.replace(":bucket", "no-such-bucket").replace(":accessKeyId", "OTTRAAAAAAAAAAAAAAAA");
      const res = await control(os()).call(r.method, p, r.method === "POST" || r.method === "PATCH" ? {} : undefined);
      const code = (res.body as { code?: string } | undefined)?.code;
      assert.ok(res.status === r.status || (code !== undefined && r.errors.includes(code)),
        `${r.method} ${r.path}: ${res.status} ${code}; expected ${r.status} or one of ${r.errors.join(", ")}`);
    }
  });

  it("registers exactly the routes of api/routes.ts: none missing, none extra (read from fastify's own route table)", async () => {
    const store = new Store({ memory: true });
    const server = await startControlServer({ store, objects: undefined as never, token: "t", s3Url: "http://127.0.0.1:1", region: "eu-mad" });
    try {
      const served = registeredRoutes(server.app.printRoutes({ commonPrefix: false }));
      const contract = (ROUTES as readonly RouteSpec[]).map((r) => `${r.method} ${r.path}`).sort();
      assert.deepEqual(served, contract);
    } finally {
      await server.close();
      store.close();
    }
  });

  it("keeps the errors table in docs/control-api.md in step with api/errors.ts", () => {
    const md = fs.readFileSync(path.join(ROOT, "docs", "control-api.md"), "utf8");
    const m = /<!-- errors-table:start -->([\s\S]*?)<!-- errors-table:end -->/.exec(md);
    assert.ok(m, "docs/control-api.md has no errors table markers");
    const rows = m[1].split("\n").filter((l) => /^\|\s*[A-Z]\w+\s*\|\s*\d{3}/.test(l)).map((l) => l.split("|").slice(1, 4).map((c) => c.trim()));
    const documented = Object.fromEntries(rows.map(([code, status, title]) => [code, { status: Number(status), title }]));
    assert.deepEqual(documented, CONTROL_ERRORS);
  });
});
