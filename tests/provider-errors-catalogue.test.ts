/**
 * The provider's error catalogue (provider/errors.ts ERRORS) against what the code throws and what the docs say:
 * every code thrown in provider/ and sdk/ is catalogued (and nothing there throws a plain Error); README.md
 * "Troubleshooting" and docs/resources.md "Errors you may see" name every provider code and no code that does not
 * exist; the real client maps an uncatalogued answer to UnknownProblem; and error messages carry no secret the
 * scrubber was given — a secret access key, a session token, the account token — in any form an echo may take.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { CONTROL_ERRORS } from "otterstorage-api";
import { S3_ERRORS } from "otterstorage-local/dist/s3/errors";
import { OtterStorageClient } from "../provider/client";
import { ERRORS, HINTS, isErrorCode, OtterStorageError, PROVIDER_ERRORS, scrub, type OtterStorageErrorCode } from "../provider/errors";
import { RotatingAccessKey } from "../sdk/rotatingAccessKey";

const ROOT = path.resolve(__dirname, "..", "..");
const PROVIDER_CODES = Object.keys(PROVIDER_ERRORS);

/** The .ts sources of a folder, recursively. */
function sources(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    if (d.isDirectory()) return sources(rel);
    return d.name.endsWith(".ts") && !d.name.endsWith(".d.ts") ? [{ file: rel, text: fs.readFileSync(path.join(ROOT, rel), "utf8") }] : [];
  });
}

/** The lines of a markdown section, from its heading to the next heading of the same level. */
function section(file: string, heading: string): string {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  const at = text.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `${file} has a "${heading}" section`);
  const level = heading.split(" ")[0];
  const rest = text.slice(at + heading.length + 2);
  const end = rest.search(new RegExp(`^${level} `, "m"));
  return end < 0 ? rest : rest.slice(0, end);
}

/** First cells of a markdown table's body rows (escaped pipes `\|` stay inside the cell). */
function firstCells(md: string): string[] {
  return md.split("\n").filter((l) => l.startsWith("|") && !/^\|\s*-/.test(l)).slice(1)
    .map((l) => l.slice(1).split(/(?<!\\)\|/)[0].trim());
}

/**
 * Code names inside the `code spans` of a cell: words of two or more capitalised parts (KeyNotReady: a code, or a
 * typo of one), and one-part words that are codes (Timeout).
 */
function codesIn(cell: string): string[] {
  const spans = [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
  return spans.flatMap((s) => [...s.matchAll(/\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*\b/g)].map((m) => m[0]))
    .filter((w) => /^[A-Z][a-z0-9]+[A-Z]/.test(w) || isErrorCode(w) || w in S3_ERRORS);
}

describe("provider error catalogue", () => {
  it("holds the Control API codes and the provider's own, disjoint, each with a meaning; every provider code has a hint", () => {
    for (const c of Object.keys(CONTROL_ERRORS)) assert.ok(c in ERRORS, c);
    for (const c of PROVIDER_CODES) assert.ok(!(c in CONTROL_ERRORS), `${c} is both a provider and a Control API code`);
    assert.equal(Object.keys(ERRORS).length, Object.keys(CONTROL_ERRORS).length + PROVIDER_CODES.length);
    for (const [c, e] of Object.entries(ERRORS)) assert.match(e.meaning, /\S.*\.$/, `${c}: meaning is one sentence`);
    for (const c of PROVIDER_CODES) assert.ok(HINTS[c as OtterStorageErrorCode], `${c} has a hint`);
    // The texts users already see are the catalogue's.
    assert.equal(HINTS.Unauthorized, "Check the account token: `pulumi config set --secret otterstorage:token <token>` or the OTTERSTORAGE_TOKEN environment variable.");
    assert.match(HINTS.LegalHoldActive!, /set `legalHold: false`, run `pulumi up`/);
  });

  it("is the type of OtterStorageError.code: a code that is not catalogued does not compile", () => {
    const make = (code: OtterStorageErrorCode) => new OtterStorageError({ code, status: 0, operation: "test", detail: "x." });
    assert.equal(make("KeyNotReady").code, "KeyNotReady");
    // @ts-expect-error a typo is not a code: this file would not compile if the type accepted it
    const typo: OtterStorageErrorCode = "KeyNotRedy";
    assert.equal(isErrorCode(typo), false);
  });

  it("covers every code thrown in provider/ and sdk/, and nothing there throws anything but an OtterStorageError (or its PartialCreateError)", () => {
    const thrown = new Set<string>();
    for (const { file, text } of [...sources("provider"), ...sources("sdk")]) {
      for (const m of text.matchAll(/\bcode: "([A-Za-z]+)"/g)) thrown.add(m[1]);
      for (const m of text.matchAll(/adoptError\(\s*"\w+",\s*"([A-Za-z]+)"/g)) thrown.add(m[1]);
      // provider/codegen.ts runs in `npm run schema` only (it writes the generated files), never in a program or host.
      if (file === path.join("provider", "codegen.ts")) continue;
      // PartialCreateError is an OtterStorageError carrying its cause's code (provider/errors.ts).
      for (const m of text.matchAll(/\bthrow new (\w+)\(/g)) assert.ok(["OtterStorageError", "PartialCreateError"].includes(m[1]), `${file} throws a ${m[1]}`);
    }
    // The native plugin (an adapter over provider/) raises catalogued codes too.
    for (const { text } of sources("plugin")) for (const m of text.matchAll(/\bcode: "([A-Za-z]+)"/g)) thrown.add(m[1]);
    for (const c of thrown) assert.ok(isErrorCode(c), `${c} is thrown but not catalogued`);
    const elsewhere = [...sources("provider"), ...sources("sdk"), ...sources("plugin")].filter((s) => s.file !== path.join("provider", "errors.ts")).map((s) => s.text).join("\n");
    for (const c of PROVIDER_CODES) assert.ok(elsewhere.includes(`"${c}"`), `${c} is catalogued but no provider/, sdk/ or plugin/ code raises it`);
  });

  it("README.md Troubleshooting names every provider code, and every code it names exists", () => {
    const cells = firstCells(section("README.md", "## Troubleshooting"));
    const named = new Set(cells.flatMap(codesIn));
    const exists = (c: string) => isErrorCode(c) || c in S3_ERRORS || c === "OtterStorage"; // "OtterStorage <op> failed (…)"
    for (const c of named) assert.ok(exists(c), `README Troubleshooting names ${c}, which is no provider, Control API or S3 code`);
    const missing = PROVIDER_CODES.filter((c) => !named.has(c));
    assert.deepEqual(missing, [], `README Troubleshooting lacks ${missing.join(", ")}`);
  });

  it("docs/resources.md \"Errors you may see\" names every provider code, and every code it names exists", () => {
    const cells = firstCells(section("docs/resources.md", "## Errors you may see"));
    const named = new Set(cells.flatMap((c) => [...c.matchAll(/`([^`]*)`/g)].map((m) => m[1])));
    for (const c of named) assert.ok(isErrorCode(c), `docs/resources.md names ${c}, which is not in provider/errors.ts ERRORS`);
    const missing = PROVIDER_CODES.filter((c) => !named.has(c));
    assert.deepEqual(missing, [], `docs/resources.md lacks ${missing.join(", ")}`);
  });

  it("RotatingAccessKey's bad arguments are OtterStorageError ValidationFailed naming the field, before anything registers", () => {
    const bad: [object, string][] = [
      [{ bucket: "b-1", rotationTrigger: -1 }, "rotationTrigger"],
      [{ bucket: "b-1", rotateAfterDays: 0 }, "rotateAfterDays"],
      [{ bucket: "b-1", rotationAnchor: "soon" }, "rotationAnchor"],
      [{ bucket: "b-1", retirePrevious: "yes" }, "retirePrevious"],
      [{ bucket: "" }, "bucket"],
    ];
    for (const [args, field] of bad) {
      assert.throws(() => new RotatingAccessKey("x", args as never), (e: unknown) => {
        assert.ok(e instanceof OtterStorageError, `${field}: ${String(e)}`);
        assert.equal(e.code, "ValidationFailed");
        assert.equal(e.operation, "RotatingAccessKey");
        assert.ok(e.detail.startsWith(`${field} `), e.detail);
        assert.match(e.message, new RegExp(`^OtterStorage RotatingAccessKey failed \\(ValidationFailed\\): ${field} `));
        return true;
      });
    }
  });
});

describe("provider error catalogue: the real client", () => {
  let server: http.Server;
  let url = "";
  /** Answers per path: /v1/buckets/<case>. */
  const answers: Record<string, { status: number; type: string; body: (auth: string) => string }> = {};
  before(async () => {
    server = http.createServer((req, res) => {
      const a = answers[req.url!.split("/").pop()!];
      res.writeHead(a.status, { "content-type": a.type });
      res.end(a.body(String(req.headers.authorization ?? "").replace(/^Bearer /, "")));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const client = (token: string) => new OtterStorageClient({ endpoint: url, token, policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalBudgetMs: 1000, timeoutMs: 5000 } });

  it("an uncatalogued problem code is UnknownProblem, and the detail keeps the service's code", async () => {
    answers["newer-code"] = { status: 409, type: "application/problem+json", body: () => JSON.stringify({ type: "urn:x", title: "Quota", status: 409, code: "QuotaExceeded", detail: "The account is over its quota." }) };
    await assert.rejects(client("tok-0123456789").getBucket("newer-code"), (e: unknown) => {
      assert.ok(e instanceof OtterStorageError);
      assert.equal(e.code, "UnknownProblem");
      assert.equal(e.status, 409);
      assert.match(e.message, /^OtterStorage getBucket failed \(409 UnknownProblem\): the service answered code QuotaExceeded: The account is over its quota\. /);
      assert.ok(e.message.includes(PROVIDER_ERRORS.UnknownProblem.hint), e.message);
      return true;
    });
  });

  it("an error status without a problem document is UnknownProblem (was the uncatalogued \"HTTP418\")", async () => {
    answers["teapot"] = { status: 418, type: "text/plain", body: () => "I'm a teapot" };
    await assert.rejects(client("tok-0123456789").getBucket("teapot"), (e: unknown) => {
      assert.ok(e instanceof OtterStorageError);
      assert.equal(e.code, "UnknownProblem");
      assert.match(e.message, /\(418 UnknownProblem\): HTTP 418 without a problem document\./);
      return true;
    });
  });

  it("a secret key and a session token the answer carries never reach the error text (an answer echoing them in its detail)", async () => {
    const secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const session = 'FwoGZXIvYXdzE"quoted"\\session/token+=';
    answers["echo-secrets"] = {
      status: 409,
      type: "application/problem+json",
      body: () => JSON.stringify({
        type: "urn:x", title: "Conflict", status: 409, code: "BucketNotEmpty",
        detail: `cannot proceed with ${secret} and ${JSON.stringify(session)} / ${encodeURIComponent(session)}`,
        secretAccessKey: secret, sessionToken: session,
      }),
    };
    await assert.rejects(client("tok-0123456789").getBucket("echo-secrets"), (e: unknown) => {
      assert.ok(e instanceof OtterStorageError);
      for (const f of [secret, session, JSON.stringify(session).slice(1, -1), encodeURIComponent(session), "quoted"]) assert.ok(!e.message.includes(f), `${f} in ${e.message}`);
      assert.match(e.message, /cannot proceed with \[redacted\] and "\[redacted\]" \/ \[redacted\]/);
      return true;
    });
  });

  it("an account token echoed raw, URL-encoded and JSON-escaped, in detail, field path and field message, is redacted", async () => {
    const token = 'ottk_"quoted"\\back/sl+sh=';
    const forms = [token, encodeURIComponent(token), JSON.stringify(token).slice(1, -1)];
    answers["echo"] = {
      status: 400,
      type: "application/problem+json",
      body: (t) => JSON.stringify({
        type: "urn:x", title: "The request is not valid", status: 400, code: "ValidationFailed",
        detail: `Token ${t} / ${encodeURIComponent(t)} / ${JSON.stringify(t)} is odd.`,
        errors: [{ path: `label.${t}`, message: `not ${JSON.stringify(t).slice(1, -1)}` }],
      }),
    };
    await assert.rejects(client(token).getBucket("echo"), (e: unknown) => {
      assert.ok(e instanceof OtterStorageError);
      assert.equal(e.code, "ValidationFailed");
      for (const f of forms) assert.ok(!e.message.includes(f), `${f} in ${e.message}`);
      assert.ok(!e.message.includes("quoted"), e.message);
      assert.match(e.message, /Token \[redacted\] \/ \[redacted\] \/ "\[redacted\]" is odd\./);
      assert.match(e.message, /\[label\.\[redacted\]: not \[redacted\]\]/);
      return true;
    });
  });
});

describe("provider error catalogue: scrub", () => {
  const secretAccessKey = "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL";
  const sessionToken = "FwoGZXIvYXdzEJr//////////wEaDH7+sess/ion=token==";
  const accountToken = 'ottk_acc"ount\\tok/en+=';
  const all = [secretAccessKey, sessionToken, accountToken];
  const formsOf = (s: string) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)];

  it("an OtterStorageError built from scrubbed texts holds none of a secret key, a session token and the account token, in any form", () => {
    const echo = (s: string) => `raw ${s} url ${encodeURIComponent(s)} json ${JSON.stringify(s)} end`;
    const detail = scrub(`the service said: ${all.map(echo).join(" | ")}.`, all);
    const e = new OtterStorageError({
      code: "ValidationFailed", status: 400, operation: "createAccessKey", detail,
      fieldErrors: [{ path: scrub(`x.${sessionToken}`, all), message: scrub(echo(secretAccessKey), all) }],
      hint: HINTS.ValidationFailed,
    });
    for (const s of all) for (const f of formsOf(s)) assert.ok(!e.message.includes(f), `${f} in ${e.message}`);
    // It scrubs values, not words: everything around them is intact.
    assert.equal((e.message.match(/raw \[redacted\] url \[redacted\] json "\[redacted\]" end/g) ?? []).length, 4, e.message);
    assert.ok(e.message.startsWith("OtterStorage createAccessKey failed (400 ValidationFailed): the service said: raw [redacted]"), e.message);
  });

  it("matches values it is given, not shapes: a secret it was not given passes, as its comment says", () => {
    assert.equal(scrub(`key ${secretAccessKey}`, [accountToken]), `key ${secretAccessKey}`);
    assert.equal(scrub("Send Authorization: Bearer <account token>", [accountToken]), "Send Authorization: Bearer <account token>");
    assert.equal(scrub("abc abc", ["abc"]), "abc abc", "values under 4 characters are left alone");
  });
});
