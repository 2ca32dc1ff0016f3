/**
 * Local OtterStorage's SigV4 verifier (emulator/s3/auth/sigv4.ts) held to data it did not produce: the cases of
 * AWS's published SigV4 test suite (tests/fixtures/sigv4/aws-test-suite.ts) and requests captured from real
 * clients (tests/fixtures/sigv4/clients.ts, recorded by scripts/capture-sigv4-clients.js). The rest of the S3
 * tests sign with @smithy/signature-v4, the library the verifier itself builds on, so they alone could not show
 * that both share a mistake.
 */
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as http from "node:http";
import { authorizationSigns, signatureOf, verifyRequest, type SignedRequest } from "otterstorage-local/dist/s3/auth/sigv4";
import type { StoreLike } from "otterstorage-local/dist/s3/contract";
import { parseQuery } from "otterstorage-local/dist/s3/server";
import { AWS_SIGV4_CASES, AWS_SIGV4_CREDENTIALS as K } from "./fixtures/sigv4/aws-test-suite";
import { useEmulator } from "./support/emulator";
import { bucketWithKey } from "./s3-support";
import { CAPTURED_REQUESTS, CAPTURE_CREDENTIAL, type CapturedRequest } from "./fixtures/sigv4/clients";

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

describe("SigV4 verifier against requests captured from real clients (AWS CLI, boto3, rclone, restic)", () => {
  const C = CAPTURE_CREDENTIAL;
  /** The two things the header mode reads from the store: the key, and the clock (set to when it was received). */
  const storeAt = (now: number) => ({
    clock: { now: () => now },
    resolveCredential: (id: string) => (id === C.accessKeyId ? { kind: "permanent", accessKeyId: id, bucket: "capture-demo", secretAccessKey: C.secretAccessKey } : undefined),
  }) as unknown as StoreLike;
  const asReceived = (r: CapturedRequest, target = r.target): SignedRequest => {
    const qi = target.indexOf("?");
    return { method: r.method, rawPath: qi < 0 ? target : target.slice(0, qi), query: parseQuery(qi < 0 ? "" : target.slice(qi + 1)), headers: r.headers };
  };
  const codeOf = (p: Promise<unknown>) => p.then(() => "accepted", (e: { code?: string }) => e.code ?? String(e));

  it("holds 2-3 requests from each client (fixture sanity)", () => {
    for (const client of ["aws-cli", "boto3", "rclone", "restic"]) {
      const n = CAPTURED_REQUESTS.filter((r) => r.client === client).length;
      assert.ok(n >= 2 && n <= 3, `${client}: ${n}`);
    }
  });

  for (const r of CAPTURED_REQUESTS) {
    describe(`${r.client} ${r.method} ${r.target}`, () => {
      it("is accepted at the time it was received, with the key that signed it", async () => {
        const auth = await verifyRequest(asReceived(r), { store: storeAt(r.receivedAt), regions: [C.region] });
        assert.equal(auth.credential.accessKeyId, C.accessKeyId);
        if (auth.payload.kind === "hash") assert.equal(auth.payload.sha256, r.bodySha256, "the signed payload hash is the body's");
      });

      it("is refused with one byte of the signature changed, of the path, or of a signed header", async () => {
        const authz = r.headers.authorization[0];
        const sigAt = authz.indexOf("Signature=") + "Signature=".length + 5;
        const bad = { ...r, headers: { ...r.headers, authorization: [flip(authz, sigAt)] } };
        assert.equal(await codeOf(verifyRequest(asReceived(bad), { store: storeAt(r.receivedAt), regions: [C.region] })), "SignatureDoesNotMatch");
        const pathAt = r.target.lastIndexOf("/") + 1;
        assert.equal(await codeOf(verifyRequest(asReceived(r, flip(r.target, pathAt)), { store: storeAt(r.receivedAt), regions: [C.region] })), "SignatureDoesNotMatch");
        const host = { ...r, headers: { ...r.headers, host: [flip(r.headers.host[0], 0)] } };
        assert.equal(await codeOf(verifyRequest(asReceived(host), { store: storeAt(r.receivedAt), regions: [C.region] })), "SignatureDoesNotMatch");
      });

      it("is refused an hour after it was received (the injected clock is what the verifier reads)", async () => {
        assert.equal(await codeOf(verifyRequest(asReceived(r), { store: storeAt(r.receivedAt + 3600_000), regions: [C.region] })), "RequestTimeTooSkewed");
      });
    });
  }
});

describe("SigV4 through the real S3 listener: a repeated signed header (as in the suite's get-header-key-duplicate)", () => {
  const os = useEmulator();

  it("accepts a request that signs a header sent twice (canonical value 'v2,v1', not node's joined 'v2, v1')", async () => {
    const key = await bucketWithKey(os(), "dup-header");
    const u = new URL(os().s3Url);
    const longDate = new Date(os().clock.now()).toISOString().replace(/[-:]|\.\d{3}/g, "");
    const headers = { host: [u.host], "x-amz-content-sha256": ["UNSIGNED-PAYLOAD"], "x-amz-date": [longDate], "x-otter-repeated": ["v2", "v1"] };
    const signedHeaders = Object.keys(headers).sort();
    // Signed with the verifier's own canonicalization, which the get-header-key-duplicate case above holds to AWS's.
    const { signature } = await signatureOf({ method: "GET", rawPath: `/${key.bucket}`, query: { "list-type": "2" }, headers }, {
      signedHeaders, payloadHash: "UNSIGNED-PAYLOAD", longDate, shortDate: longDate.slice(0, 8), region: "eu-mad", service: "s3", secretAccessKey: key.secretAccessKey,
    });
    const authorization = `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${longDate.slice(0, 8)}/eu-mad/s3/aws4_request, SignedHeaders=${signedHeaders.join(";")}, Signature=${signature}`;
    const status = await new Promise<number>((resolve, reject) => {
      // An array value makes node send the header twice, as two lines.
      const req = http.request(`${os().s3Url}/${key.bucket}?list-type=2`, { headers: { ...headers, host: u.host, authorization } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 200);
  });
});
