/**
 * terraform-provider-otterstorage's handshake and values, checked from outside the process as a go-plugin client
 * sees them (the full protocol runs through a real OpenTofu in the other tests/opentofu-*.test.ts suites): it refuses
 * to run without OpenTofu's magic cookie, prints exactly one go-plugin handshake line, serves only the client whose
 * certificate OpenTofu handed it (AutoMTLS), and reads every msgpack extension as an unknown value.
 */
import * as assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { encode, ExtData } from "@msgpack/msgpack";
import { selfSignedLocalhost, type ServerCertificate } from "../terraform/cert";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTO_DIR } from "../terraform/server";
import { decodeDynamic, encodeDynamic, UNKNOWN_TF } from "../terraform/values";
import { MIRROR } from "./opentofu-support";

function launcher(): string {
  const base = path.join(MIRROR, "registry.opentofu.org", "otterstorage", "otterstorage");
  const version = fs.readdirSync(base)[0];
  const platform = fs.readdirSync(path.join(base, version))[0];
  return path.join(base, version, platform, "terraform-provider-otterstorage");
}

async function start(client: ServerCertificate): Promise<{ child: ChildProcess; line: string; stdoutRest: () => string }> {
  const child = spawn(launcher(), [], {
    env: { PATH: process.env.PATH, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_MIN_PORT: "10000", PLUGIN_MAX_PORT: "25000", PLUGIN_CLIENT_CERT: client.certPem },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.once("exit", (c) => reject(new Error(`provider exited ${c}`)));
  });
  return { child, line, stdoutRest: () => out.slice(line.length + 1) };
}

function stub(addr: string, serverDer: Buffer, client: ServerCertificate) {
  const pem = new X509Certificate(serverDer).toString();
  const def = protoLoader.loadSync("tfplugin6.10.proto", { keepCase: true, includeDirs: [PROTO_DIR] });
  const Provider = (grpc.loadPackageDefinition(def) as any).tfplugin6.Provider;
  return new Provider(addr, grpc.credentials.createSsl(Buffer.from(pem), Buffer.from(client.keyPem), Buffer.from(client.certPem)), {
    "grpc.ssl_target_name_override": "localhost",
  });
}

const call = (s: any, method: string, req: object) =>
  new Promise<any>((resolve, reject) => s[method](req, { deadline: Date.now() + 15_000 }, (err: Error | null, res: unknown) => (err ? reject(err) : resolve(res))));

describe("terraform-provider-otterstorage: handshake, mutual TLS and values", function () {
  this.timeout(60_000);

  it("run by hand (no magic cookie) it says it is a plugin, prints nothing on stdout and exits 1", function () {
    const r = spawnSync(launcher(), [], { encoding: "utf8", env: { PATH: process.env.PATH } });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /This binary is a plugin/);
  });

  it("refuses a client that does not offer protocol 6", function () {
    const r = spawnSync(launcher(), [], { encoding: "utf8", env: { PATH: process.env.PATH, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5" } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /speaks plugin protocol 6 only; the client offered 5/);
  });

  it("prints one go-plugin handshake line with a localhost certificate, then serves only the client whose certificate it was given", async function () {
    const client = await selfSignedLocalhost();
    const stranger = await selfSignedLocalhost();
    const p = await start(client);
    try {
      const m = /^1\|6\|tcp\|127\.0\.0\.1:(\d+)\|grpc\|([A-Za-z0-9+/]+)$/.exec(p.line);
      assert.ok(m, `handshake line: ${p.line}`);
      const port = Number(m[1]);
      assert.ok(port >= 10000 && port <= 25000, "a port in PLUGIN_MIN_PORT..PLUGIN_MAX_PORT");
      const der = Buffer.from(m[2], "base64");
      const cert = new X509Certificate(der);
      assert.match(cert.subjectAltName ?? "", /DNS:localhost/);
      assert.ok(cert.checkHost("localhost"));

      const schema = await call(stub(`127.0.0.1:${port}`, der, client), "GetProviderSchema", {});
      assert.deepEqual(Object.keys(schema.resource_schemas).sort(), ["otterstorage_access_key", "otterstorage_bucket"]);
      assert.deepEqual(Object.keys(schema.data_source_schemas).sort(), ["otterstorage_access_keys", "otterstorage_bucket"]);

      await assert.rejects(call(stub(`127.0.0.1:${port}`, der, stranger), "GetProviderSchema", {}), "a client with another certificate is refused");
      assert.equal(p.stdoutRest(), "", "nothing after the handshake line on stdout");
    } finally {
      p.child.kill("SIGKILL");
    }
  });

  it("reads msgpack extension type 0 and refined unknowns (type 12) as unknown, nil as null, and writes unknown as extension 0", function () {
    const wire = encode({ a: new ExtData(0, new Uint8Array(1)), b: new ExtData(12, encode({ 1: false })), c: null, d: ["x", new ExtData(0, new Uint8Array(1))] });
    assert.deepEqual(decodeDynamic({ msgpack: wire }), { a: UNKNOWN_TF, b: UNKNOWN_TF, c: null, d: ["x", UNKNOWN_TF] });
    const out = encodeDynamic({ v: UNKNOWN_TF });
    assert.deepEqual([...out.msgpack], [0x81, 0xa1, 0x76, 0xd4, 0x00, 0x00], "fixmap { v: fixext1 type 0 }");
  });
});
