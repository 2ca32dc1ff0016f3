/**
 * Holes and rough edges of Local OtterStorage's control/console listener and its log, each against a running
 * service over real HTTP: the rate limit covers every request without the account token (the console's sign-in,
 * unknown paths, wrong methods); the log masks the secrets by their shapes wherever they stand, raw or
 * percent-encoded; deeply nested JSON is a 400 without a stack trace; the console refuses a repeated query field and
 * shows only its own notices; names shown to people refuse control and bidirectional formatting characters, in the
 * Control API, the console and the provider's check alike (one schema, api/schemas.ts).
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { createLogger, ManualClock, startOtterStorage, type OtterStorage } from "otterstorage-local";
import { redactText } from "otterstorage-local/dist/log";
import { BUCKET } from "../provider/bucketFields";
import { checkFields, checkSchema } from "../provider/fields";
import { consoleSession, setCookies, signInForm } from "./support/console";
import { control } from "./support/emulator";

/** Sends a request exactly as written (no URL normalisation by a client library). */
function rawRequest(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers: body !== undefined ? { "content-length": String(Buffer.byteLength(body)), ...headers } : headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const everyByte = (s: string) => [...Buffer.from(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");

describe("emulator: --rate-limit covers every request without the account token", function () {
  this.timeout(30_000);
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let svc: OtterStorage;
  before(async () => {
    svc = await startOtterStorage({ memory: true, clock, rateLimit: { requestsPerSecond: 10 } });
  });
  after(() => svc?.stop());

  it("wrong-token POST /console/sign-in shares the anonymous budget: the second guess in the same second answers 429 with Retry-After", async () => {
    const form = await signInForm(svc.consoleUrl as string);
    clock.advance(1000);
    const guess = () => fetch(`${svc.consoleUrl}sign-in`, { method: "POST", headers: { cookie: form.cookie }, body: new URLSearchParams({ _csrf: form.csrf, token: "otk_not-the-token" }), redirect: "manual" });
    assert.equal((await guess()).status, 401);
    const limited = await guess();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "1");
    assert.match(await limited.text(), /Too many requests without a valid account token/);
    clock.advance(1000);
    assert.equal((await guess()).status, 401, "one guess per second at rate 10 (10%, at least 1)");
  });

  it("unknown paths and wrong methods without the token share it too; with the token they use the account's budget", async () => {
    clock.advance(10_000);
    const api = control(svc);
    const anon = [await api.get("/nope", { token: null }), await api.call("PUT", "/v1/buckets", undefined, { token: null }), await api.get("/console/nope", { token: null })];
    assert.deepEqual(anon.map((r) => r.status), [404, 429, 429]);
    assert.equal(anon[1].body.code, "RateLimited");
    clock.advance(10_000);
    const withToken = [await api.get("/nope"), await api.call("PUT", "/v1/buckets"), await api.get("/v1/buckets")];
    assert.deepEqual(withToken.map((r) => r.status), [404, 405, 200]);
    assert.equal((await api.get("/v1/health", { token: null })).status, 200, "health is never limited");
    clock.advance(10_000);
    const badUrl = [await rawRequest(svc.controlUrl, "GET", "/v1/buckets/%zz"), await rawRequest(svc.controlUrl, "GET", "/v1/buckets/%zz")];
    assert.deepEqual(badUrl.map((r) => r.status), [400, 429], "a path answered before routing (bad percent-encoding) is limited too");
  });

  it("a signed-in console session browses on the account's budget, not the anonymous one", async () => {
    clock.advance(10_000);
    const form = await signInForm(svc.consoleUrl as string);
    for (const asset of ["console.css", "console.js"]) assert.equal((await fetch(`${svc.consoleUrl}assets/${asset}`)).status, 200, "the sign-in page's assets spend nothing");
    clock.advance(1000);
    const signedIn = await fetch(`${svc.consoleUrl}sign-in`, { method: "POST", headers: { cookie: form.cookie }, body: new URLSearchParams({ _csrf: form.csrf, token: svc.token }), redirect: "manual" });
    assert.equal(signedIn.status, 303);
    const cookie = setCookies(signedIn).find((c) => c.startsWith("otterstorage_console="))!;
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${svc.consoleUrl}keys`, { headers: { cookie } })).status, 200);
    assert.equal((await fetch(`${svc.consoleUrl}keys`)).status, 429, "without the session the same page is anonymous, and the budget is spent");
  });
});

describe("emulator: the log masks secrets by their shapes, raw or percent-encoded", function () {
  this.timeout(30_000);
  const lines: string[] = [];
  let svc: OtterStorage;
  let secret: string;
  let sessionToken: string;
  before(async () => {
    svc = await startOtterStorage({ memory: true, log: createLogger({ write: (l) => void lines.push(l) }) });
    const api = control(svc);
    await api.post("/v1/buckets", { name: "redact-me" });
    secret = (await api.post("/v1/buckets/redact-me/access-keys", {})).body.secretAccessKey;
    sessionToken = (await api.post("/v1/buckets/redact-me/temporary-credentials", {})).body.sessionToken;
  });
  after(() => svc?.stop());

  /** Every form a secret could be written in a URL. */
  const forms = (s: string) => [s, encodeURIComponent(s), everyByte(s), everyByte(s).toLowerCase(), encodeURIComponent(encodeURIComponent(s))];

  it("the account token under any parameter name, unnamed, behind Bearer, in a path, once or twice encoded: never in the log", async () => {
    const t = svc.token;
    assert.match(t, /^otk_[A-Za-z0-9]{43}$/);
    const paths = [
      `/v1/buckets?api_key=${t}`, `/v1/buckets?auth=${t}`, `/v1/buckets?t=${t}`, `/v1/buckets?q=Bearer%20${t}`, `/v1/buckets?${t}`,
      `/v1/${t}`, `/console/${t}`, `/v1/buckets?x=${everyByte(t)}`, `/v1/buckets?x=${encodeURIComponent(encodeURIComponent(t))}`, `/v1/${everyByte(t)}`,
    ];
    for (const p of paths) await rawRequest(svc.controlUrl, "GET", p);
    const log = lines.join("");
    for (const f of forms(t)) assert.ok(!log.includes(f), `the token appears in the log as ${f.slice(0, 12)}…`);
    assert.ok(!log.includes(t.slice(4)), "not even the token's random part");
    assert.match(log, /GET \/v1\/buckets\?api_key=REDACTED 401/);
    assert.match(log, /GET \/v1\/REDACTED 404/);
  });

  it("a secret access key and a URL-encoded session token in an S3 path, a named or an unnamed parameter: never in the log", async () => {
    const paths = [
      `/redact-me/${secret}`, `/redact-me/x?${secret}`, `/redact-me/x?v=%2F${secret}`, `/redact-me/${everyByte(secret)}`,
      `/redact-me/${encodeURIComponent(sessionToken)}`, `/redact-me/x?${encodeURIComponent(sessionToken)}`, `/redact-me/x?token2=${encodeURIComponent(sessionToken)}`, `/redact-me/${sessionToken}`,
    ];
    for (const p of paths) await rawRequest(svc.s3Url, "GET", p);
    await rawRequest(svc.controlUrl, "GET", `/v1/buckets?k=${encodeURIComponent(secret)}&s=${encodeURIComponent(sessionToken)}`);
    const log = lines.join("");
    for (const s of [secret, sessionToken]) for (const f of forms(s)) assert.ok(!log.includes(f), `a secret appears in the log as ${f.slice(0, 12)}…`);
    for (const part of sessionToken.split("/")) if (part.length >= 40) assert.ok(!log.includes(part), "no long piece of the session token");
    assert.match(log, /s3 GET \/redact-me\/REDACTED 403/);
  });

  it("ordinary lines pass unchanged: hex object names, access key ids, request ids, encoded spaces and slashes", () => {
    const hex = "3f4e".repeat(16);
    const ordinary = [
      `s3 PUT /restic-repo/data/3f/${hex} 200 3ms req=9f1c2a7d3e4b5a60 key=OTTR4XMPL7KEY9QZ2A0B op=PutObject`,
      "s3 GET /photos/2024/summer%20trip/IMG%200001.jpg?prefix=a%2Fb&max-keys=1000 200 2ms req=0123456789abcdef op=GetObject",
      `control GET /v1/buckets/backups/access-keys/OTTR4XMPL7KEY9QZ2A0B 200 1ms req=${"ab".repeat(8)} op=getAccessKey`,
      `s3 GET /b/${"very-long-directory-name/".repeat(8)}file.txt 200 1ms`,
    ];
    for (const line of ordinary) assert.equal(redactText(line), line);
  });

  it("an account token of the user's own shape (OTTERSTORAGE_TOKEN) is masked literally, in any encoding", async () => {
    const own: string[] = [];
    const token = "my.own-token:2026!";
    const mine = await startOtterStorage({ memory: true, token, log: createLogger({ write: (l) => void own.push(l) }) });
    try {
      for (const p of [`/v1/buckets?api_key=${encodeURIComponent(token)}`, `/v1/${encodeURIComponent(token)}`, `/v1/buckets?${everyByte(token)}`, `/console/${token}`]) await rawRequest(mine.controlUrl, "GET", p);
      const log = own.join("");
      for (const f of forms(token)) assert.ok(!log.includes(f), `the token appears in the log as ${f}`);
      assert.ok(own.length >= 4);
    } finally {
      await mine.stop();
    }
  });
});

describe("emulator: rough edges of the control/console listener", function () {
  this.timeout(30_000);
  const lines: string[] = [];
  let svc: OtterStorage;
  before(async () => {
    svc = await startOtterStorage({ memory: true, log: createLogger({ write: (l) => void lines.push(l) }) });
  });
  after(() => svc?.stop());

  it("a 20,000-level nested JSON body answers 400 on known and unknown paths, with or without the token, and logs no stack trace", async () => {
    const deep = "[".repeat(20_000) + "]".repeat(20_000);
    const deepObject = '{"a":'.repeat(20_000) + "1" + "}".repeat(20_000);
    const json = { "content-type": "application/json" };
    const auth = { authorization: `Bearer ${svc.token}` };
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ["POST", "/v1/buckets", { ...json, ...auth }, deep],
      ["POST", "/v1/buckets", { ...json, ...auth }, deepObject],
      ["PATCH", "/v1/buckets/nope", { ...json, ...auth }, deepObject],
      ["POST", "/v1/nope", json, deep],
      ["POST", "/nope", json, deepObject],
      ["POST", "/console/sign-in", json, deep],
    ];
    for (const [method, path, headers, body] of cases) {
      const r = await rawRequest(svc.controlUrl, method, path, headers, body);
      assert.equal(r.status, 400, `${method} ${path}: ${r.body.slice(0, 200)}`);
      assert.doesNotMatch(r.body, /RangeError|Maximum call stack|at .*\.js/);
    }
    const log = lines.join("");
    assert.doesNotMatch(log, / error /, "nothing was logged as an internal error");
    assert.doesNotMatch(log, /RangeError|Maximum call stack|\n\s+at /);
    const r = await control(svc).call("POST", "/v1/buckets", undefined, { raw: deepObject });
    assert.equal(r.body.code, "MalformedJson");
    assert.match(r.body.detail, /more than 32 levels deep/);
  });

  it("the console answers ?max-age-days given twice with 400 and a field error, and shows only its own notices", async () => {
    const session = await consoleSession(svc.consoleUrl as string, svc.token);
    const get = (path: string) => fetch(`${svc.consoleUrl}${path}`, { headers: { cookie: session.cookie } });
    const twice = await get("keys?max-age-days=1&max-age-days=2");
    assert.equal(twice.status, 400);
    assert.match(await twice.text(), /<p class="field-error" id="max-age-days-error">Rotation age \(days\): is given 2 times; give it once<\/p>/);
    for (const notice of ["constructor", "__proto__", "toString", "hasOwnProperty", "nope"]) {
      const r = await get(`?notice=${notice}`);
      assert.equal(r.status, 200);
      const text = await r.text();
      assert.doesNotMatch(text, /class="notice"/, `?notice=${notice} shows nothing`);
      assert.doesNotMatch(text, /native code|function Object/);
    }
    assert.match(await (await get("?notice=created")).text(), /<p class="notice" role="status">Bucket created\.<\/p>/);
  });

  it("lifecycle rule ids and tag values with control or bidirectional formatting characters are refused, naming the field, by the Control API and the provider's check", async () => {
    const api = control(svc);
    const bad: Array<[string, Record<string, unknown>, string, string]> = [
      ["bidi-id", { lifecycleRules: [{ id: "expire-\u202Egpj.exe", expirationDays: 1 }] }, "lifecycleRules.0.id", "U+202E"],
      ["isolate-id", { lifecycleRules: [{ id: "a\u2066b", expirationDays: 1 }] }, "lifecycleRules.0.id", "U+2066"],
      ["mark-id", { lifecycleRules: [{ id: "\u200Fold", expirationDays: 1 }] }, "lifecycleRules.0.id", "U+200F"],
      ["c0-tag", { tags: { team: "ops\u0007" } }, "tags.team", "U+0007"],
      ["c1-tag", { tags: { team: "ops\u0085" } }, "tags.team", "U+0085"],
    ];
    for (const [name, extra, path, code] of bad) {
      const r = await api.post("/v1/buckets", { name, ...extra });
      assert.equal(r.status, 400, name);
      const e = (r.body.errors as Array<{ path: string; message: string }>).find((x) => x.path === path);
      assert.ok(e, `${name}: an error at ${path}: ${JSON.stringify(r.body.errors)}`);
      assert.equal(e.message, `must not contain control or bidirectional formatting characters (found ${code}); remove it`);
      const failures = checkFields(BUCKET, checkSchema(BUCKET), { name, ...extra });
      assert.ok(failures.some((f) => f.property.startsWith(path.split(".")[0]) && f.reason.includes(`found ${code}`)), `provider check: ${JSON.stringify(failures)}`);
    }
    assert.equal((await api.post("/v1/buckets", { name: "plain-names" })).status, 201);
    const patch = await api.patch("/v1/buckets/plain-names", { tags: { note: "\u202Aleft" } });
    assert.equal(patch.status, 400);
    assert.equal(patch.body.errors[0].path, "tags.note");
    const label = await api.post("/v1/buckets/plain-names/access-keys", { label: "ci\u202Edeploy" });
    assert.equal(label.status, 400, "labels keep their ASCII character set");
    assert.equal(label.body.errors[0].path, "label");
    const ok = await api.post("/v1/buckets", { name: "unicode-ok", tags: { owner: "Zoë Müller" }, lifecycleRules: [{ id: "caducar-año", expirationDays: 1 }] });
    assert.equal(ok.status, 201, "ordinary non-ASCII text stays allowed");
  });
});
