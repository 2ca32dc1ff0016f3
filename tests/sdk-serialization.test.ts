/**
 * The serialized providers, produced exactly as a program produces them (the SDK imported as
 * "pulumi-otterstorage", i.e. the node_modules mirror): methods that require the package module by name, within
 * budget, no secrets, no token or endpoint text, and rebuildable the way the host rebuilds them.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket } from "pulumi-otterstorage";

const requireFromString = require("require-from-string");
const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

const TOKEN = "ottk_serialization_test_token_9c1e";
const ENDPOINT = "http://127.0.0.1:59999/serialization-endpoint";
const BUDGET = 4096;

const MODULES = {
  Bucket: "pulumi-otterstorage/dist/provider/dynamic/bucket.js",
  AccessKey: "pulumi-otterstorage/dist/provider/dynamic/accessKey.js",
} as const;

/** What `new Bucket(...)` / `new AccessKey(...)` send as `__provider`, captured from the monitor. */
async function providerTextsSentByTheSdk(): Promise<Record<string, string>> {
  const sent: Record<string, string> = {};
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, cb: any) {
    sent[req.getType()] = req.getObject().toJavaScript().__provider;
    return original.call(this, req, cb);
  };
  try {
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "p", "s", false);
    const b = new Bucket("ser-bucket");
    const k = new AccessKey("ser-key", { bucket: b.name });
    await new Promise<void>((r) => pulumi.all([b.urn, k.urn]).apply(() => r()));
  } finally {
    MockMonitor.prototype.registerResource = original;
  }
  return sent;
}

describe("serialized dynamic providers (as the program serializes them)", () => {
  let sent: Record<string, string>;
  before(async () => {
    // Give the provider every chance to capture configuration: env and configure() both hold the values.
    process.env.OTTERSTORAGE_TOKEN = TOKEN;
    process.env.OTTERSTORAGE_ENDPOINT = ENDPOINT;
    for (const m of Object.values(MODULES)) {
      await require(m).configure({ config: { get: (k: string) => ({ "otterstorage:token": TOKEN, "otterstorage:endpoint": ENDPOINT } as Record<string, string>)[k] } });
    }
    sent = await providerTextsSentByTheSdk();
  });
  after(() => {
    delete process.env.OTTERSTORAGE_TOKEN;
    delete process.env.OTTERSTORAGE_ENDPOINT;
    require("../provider/dynamic/host").resetConfiguration();
  });

  for (const [type, mod] of Object.entries(MODULES)) {
    describe(type, () => {
      let text: string;
      before(() => {
        text = sent[`pulumi-nodejs:dynamic/otterstorage:${type}`];
        assert.ok(text, `the SDK registered a ${type}`);
      });

      it(`fits the ${BUDGET}-byte budget, and captures nothing but the package module's name`, () => {
        assert.ok(Buffer.byteLength(text) <= BUDGET, `${Buffer.byteLength(text)} bytes`);
        // Each method is `require(moduleName).<method>(…)`, moduleName bound to the package path: the package's code
        // is never copied by value, whatever the install (sdk/providerByName.ts).
        // (The handler Pulumi wraps around the provider object captures that object; nothing else is captured.)
        const captured = [...text.matchAll(/with\(\{ (.*?), this: undefined/g)].map((m) => m[1]).filter((c) => c !== "provider: __provider");
        assert.equal(captured.length, Object.keys(require(mod)).length, text);
        for (const c of captured) assert.equal(c, `moduleName: ${JSON.stringify(mod)}`);
        assert.deepEqual([...new Set(text.match(/require\([^)]*\)/g))], ["require(moduleName)"]);
      });

      it("contains no secrets and no token or endpoint text", () => {
        assert.ok(!text.includes(TOKEN));
        assert.ok(!text.includes(ENDPOINT));
        assert.ok(!text.includes("59999"));
      });

      it("rebuilds, as the host does, into a provider with every method of the package's module", async () => {
        const rebuilt = requireFromString(text).handler();
        const methods = Object.keys(require(mod)).sort();
        assert.deepEqual(Object.keys(rebuilt).sort(), methods);
        for (const m of methods) assert.equal(typeof rebuilt[m], "function", m);
      });
    });
  }

  it("rebuilt Bucket provider auto-names from the logical name in check", async () => {
    const p = requireFromString(sent["pulumi-nodejs:dynamic/otterstorage:Bucket"]).handler();
    const r = await p.check({}, { __logicalName: "Media_Files" });
    assert.match(r.inputs.name, /^media-files-[a-z]{7}$/);
  });

  it("rebuilt AccessKey provider names the bad field in check failures", async () => {
    const p = requireFromString(sent["pulumi-nodejs:dynamic/otterstorage:AccessKey"]).handler();
    const r = await p.check({}, { bucket: "media", label: "", rotationTrigger: true });
    assert.deepEqual(r.failures.map((f: { property: string }) => f.property).sort(), ["label", "rotationTrigger"]);
  });
});
