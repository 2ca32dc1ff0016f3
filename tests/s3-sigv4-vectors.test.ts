/**
 * Local OtterStorage's SigV4 verifier (emulator/s3/auth/sigv4.ts) held to data it did not produce: the cases of
 * AWS's published SigV4 test suite (tests/fixtures/sigv4/aws-test-suite.ts) and requests captured from real
 * clients (tests/fixtures/sigv4/clients.ts, recorded by scripts/capture-sigv4-clients.js). The rest of the S3
 * tests sign with @smithy/signature-v4, the library the verifier itself builds on, so they alone could not show
 * that both share a mistake.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { authorizationSigns, signatureOf, verifyRequest, type SignedRequest } from "../emulator/s3/auth/sigv4";
import type { StoreLike } from "../emulator/s3/contract";
import { parseQuery } from "../emulator/s3/server";
import { AWS_SIGV4_CASES, AWS_SIGV4_CREDENTIALS as K } from "./fixtures/sigv4/aws-test-suite";

const sha256 = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * A test-suite .req as node's HTTP server hands it over: method, raw path, the query as the S3 server parses it,
 * header values trimmed of surrounding whitespace and repeated headers kept apart (IncomingMessage.headersDistinct,
 * what emulator/s3/server.ts passes to the verifier).
 */
function parseReq(text: string): { req: SignedRequest; body: string } {
  const cut = text.indexOf("\n\n");
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? "" : text.slice(cut + 2);
  const [requestLine, ...lines] = head.split("\n");
  const m = /^(\S+) (.+) HTTP\/1\.1$/.exec(requestLine);
  if (!m) throw new Error(`not a request line: ${requestLine}`);
  const target = m[2];
  const qi = target.indexOf("?");
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  return { req: { method: m[1], rawPath: qi < 0 ? target : target.slice(0, qi), query: parseQuery(qi < 0 ? "" : target.slice(qi + 1)), headers }, body };
}

/** The same text with the byte at `i` replaced by another printable one. */
function flip(s: string, i: number): string {
  return s.slice(0, i) + (s[i] === "a" ? "b" : "a") + s.slice(i + 1);
}

describe("SigV4 verifier against AWS's published SigV4 test suite (aws-sig-v4-test-suite)", () => {
  it("holds at least a dozen cases (fixture sanity)", () => {
    assert.ok(AWS_SIGV4_CASES.length >= 12, `${AWS_SIGV4_CASES.length} cases`);
  });

  for (const c of AWS_SIGV4_CASES) {
    describe(c.name, () => {
      const { req, body } = parseReq(c.req);
      const input = {
        signedHeaders: /SignedHeaders=([^,]+)/.exec(c.authz)![1].split(";"),
        payloadHash: sha256(body), longDate: K.longDate, shortDate: K.longDate.slice(0, 8),
        region: K.region, service: K.service, secretAccessKey: K.secretAccessKey,
      };

      it("builds the suite's canonical request and string to sign", async () => {
        const r = await signatureOf(req, input);
        assert.equal(r.canonicalRequest, c.creq);
        assert.equal(r.stringToSign, c.sts);
      });

      it("accepts the suite's Authorization header", async () => {
        assert.equal(await authorizationSigns(req, c.authz, K.secretAccessKey, sha256(body), K.service), true);
      });

      it("refuses it with one byte of the signature changed, or one byte of the request", async () => {
        const sigAt = c.authz.indexOf("Signature=") + "Signature=".length + 10;
        assert.equal(await authorizationSigns(req, flip(c.authz, sigAt), K.secretAccessKey, sha256(body), K.service), false, "signature byte");
        const host = (req.headers.host as string[])[0];
        const otherHost = { ...req, headers: { ...req.headers, host: [flip(host, 0)] } };
        assert.equal(await authorizationSigns(otherHost, c.authz, K.secretAccessKey, sha256(body), K.service), false, "host byte");
        const otherMethod = { ...req, method: req.method === "GET" ? "PUT" : "GET" };
        assert.equal(await authorizationSigns(otherMethod, c.authz, K.secretAccessKey, sha256(body), K.service), false, "method");
        if (body) assert.equal(await authorizationSigns(req, c.authz, K.secretAccessKey, sha256(flip(body, 0)), K.service), false, "body byte");
        assert.equal(await authorizationSigns(req, c.authz, flip(K.secretAccessKey, 3), sha256(body), K.service), false, "secret byte");
      });
    });
  }
});
