/**
 * Bad input gets a clear 4xx naming what is wrong, never a 500 (found by review: each case below answered
 * InternalError and logged a stack trace).
 */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { RequestLogEntry } from "otterstorage-local/dist/log";
import { useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, raw, sdk, signed, type BucketKey } from "./s3-support";

describe("S3 bad input answers 4xx, not 500", function () {
  const entries: RequestLogEntry[] = [];
  const errors: string[] = [];
  const waiters: Array<() => void> = [];
  const log = {
    info() {}, warn() {},
    error: (m: string) => void errors.push(m),
    request: (e: RequestLogEntry) => {
      entries.push(e);
      for (const w of waiters.splice(0)) w();
    },
  };
  const os = useEmulator({ log });
  const B = "bad-input";
  let key: BucketKey;
  let s3: S3Client;
  before(async () => {
    key = await bucketWithKey(os(), B);
    s3 = sdk(os(), key);
    await s3.send(new PutObjectCommand({ Bucket: B, Key: "src.txt", Body: "source" }));
  });
  after(() => s3?.destroy());

  it("x-amz-copy-source with a versionId that is not valid percent-encoding: InvalidArgument naming the header", async () => {
    const { url, headers } = await signed(os(), key, "PUT", `/${B}/dst.txt`, { headers: { "x-amz-copy-source": `${B}/src.txt?versionId=%E0` } });
    const r = await raw(url, { method: "PUT", headers });
    assert.equal(r.status, 400, r.body);
    assert.equal(codeOf(r.body), "InvalidArgument");
    assert.match(r.body, /x-amz-copy-source/);
  });

  it("response-content-type (and the other response-* overrides) with characters a header cannot carry: InvalidArgument naming the parameter", async () => {
    for (const value of ["☃", "text/plain\r\nSet-Cookie: x=1", "a\nb"]) {
      const { url, headers } = await signed(os(), key, "GET", `/${B}/src.txt`, { query: { "response-content-type": value } });
      const r = await raw(url, { headers });
      assert.equal(r.status, 400, `${JSON.stringify(value)}: ${r.body}`);
      assert.equal(codeOf(r.body), "InvalidArgument");
      assert.match(r.body, /response-content-type/);
      assert.equal(r.headers["set-cookie"], undefined);
    }
    const { url, headers } = await signed(os(), key, "GET", `/${B}/src.txt`, { query: { "response-content-disposition": 'attachment; filename="informe.pdf"' } });
    const ok = await raw(url, { headers });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers["content-disposition"], 'attachment; filename="informe.pdf"');
  });

  it("a client that hangs up in the middle of a small (inline-size) body: IncompleteBody in the log, no error, nothing stored", async () => {
    const { headers } = await signed(os(), key, "PUT", `/${B}/dropped.txt`);
    const u = new URL(os().s3Url);
    const logged = new Promise<void>((r) => waiters.push(r));
    const socket = net.connect(Number(u.port), u.hostname);
    await new Promise((r) => socket.once("connect", r));
    const head = Object.entries({ ...headers, "content-length": "1000" }).map(([k, v]) => `${k}: ${v}`).join("\r\n");
    socket.write(`PUT /${B}/dropped.txt HTTP/1.1\r\n${head}\r\n\r\n` + "x".repeat(400), () => socket.destroy());
    await logged;
    const e = entries.find((x) => x.url === `/${B}/dropped.txt`);
    assert.ok(e, "the request was logged");
    assert.equal(e.code, "IncompleteBody");
    assert.deepEqual(errors, [], "no stack trace, no error line");
    const { url, headers: h2 } = await signed(os(), key, "HEAD", `/${B}/dropped.txt`);
    assert.equal((await raw(url, { method: "HEAD", headers: h2 })).status, 404);
  });
});
