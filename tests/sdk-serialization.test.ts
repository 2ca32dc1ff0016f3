/**
 * The serialized providers, produced exactly as a program produces them (the SDK imported as
 * "pulumi-otterstorage", i.e. the node_modules mirror, and through a symlink to this checkout, as `npm link` and
 * workspaces install it): one `require` of the package module by name, within budget, no secrets, no token or
 * endpoint text, and rebuildable the way the host rebuilds them (sdk/providerByName.ts).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as sdk from "pulumi-otterstorage";
import { REPO_ROOT } from "./support/host";

const requireFromString = require("require-from-string");
const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

const TOKEN = "ottk_serialization_test_token_9c1e";
const ENDPOINT = "http://127.0.0.1:59999/serialization-endpoint";
/** Stored twice per resource (inputs and outputs) and rewritten at every checkpoint: docs/benchmarks.md. */
const BUDGET = 1024;

const MODULES = {
  Bucket: "pulumi-otterstorage/dist/provider/dynamic/bucket.js",
  AccessKey: "pulumi-otterstorage/dist/provider/dynamic/accessKey.js",
} as const;

/** What `new Bucket(...)` / `new AccessKey(...)` send as `__provider`, captured from the monitor. */
async function providerTextsSentByTheSdk({ AccessKey, Bucket }: typeof sdk = sdk): Promise<Record<string, string>> {
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

      it(`fits the ${BUDGET}-byte budget: one require of the package module by name, nothing captured`, () => {
        assert.ok(Buffer.byteLength(text) <= BUDGET, `${Buffer.byteLength(text)} bytes`);
        // The package's code is never copied by value, whatever the install (sdk/providerByName.ts).
        assert.deepEqual([...new Set(text.match(/require\([^)]*\)/g))], [`require(${JSON.stringify(mod)})`]);
        assert.deepEqual([...text.matchAll(/^function /gm)].length, 1, "only Pulumi's own handler is a function");
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

  it("a symlinked checkout (npm link, npm install ../checkout, workspaces) serializes to the same one line", async () => {
    // The program reaches the package through node_modules/pulumi-otterstorage, a symlink to this checkout; Node
    // loads the SDK from the checkout's real path, outside any node_modules.
    const program = fs.mkdtempSync(path.join(REPO_ROOT, ".cache", "ser-link-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    fs.symlinkSync(REPO_ROOT, path.join(program, "node_modules", "pulumi-otterstorage"), "dir");
    const cwd = process.cwd();
    try {
      process.chdir(program);
      const linked: typeof sdk = require(path.join(program, "node_modules", "pulumi-otterstorage"));
      assert.ok(!require.resolve(path.join(program, "node_modules", "pulumi-otterstorage")).includes("node_modules"), "loaded from the checkout's real path");
      const texts = await providerTextsSentByTheSdk(linked);
      for (const type of Object.keys(MODULES)) {
        const text = texts[`pulumi-nodejs:dynamic/otterstorage:${type}`];
        assert.ok(Buffer.byteLength(text) <= BUDGET, `${type}: ${Buffer.byteLength(text)} bytes`);
        assert.equal(text, sent[`pulumi-nodejs:dynamic/otterstorage:${type}`], type);
      }
    } finally {
      process.chdir(cwd);
      fs.rmSync(program, { recursive: true, force: true });
    }
  });

  it("without the one-line form (a serializer that does not read require.cache), the by-name methods still rebuild and work", async () => {
    const { providerByName } = require("../sdk/providerByName");
    const program = fs.mkdtempSync(path.join(REPO_ROOT, ".cache", "ser-byvalue-"));
    fs.mkdirSync(path.join(program, "node_modules"));
    fs.symlinkSync(REPO_ROOT, path.join(program, "node_modules", "pulumi-otterstorage"), "dir");
    const cwd = process.cwd();
    try {
      process.chdir(program);
      const provider = providerByName("pulumi-otterstorage/dist/provider/dynamic/accessKey.js", ["configure", "check", "diff", "create", "read", "update", "delete"])();
      for (const k of Object.keys(require.cache)) if (require.cache[k]?.exports === provider) delete require.cache[k];
      const text = (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
      assert.ok(!/zod|axios/.test(text), "names no dependency: the methods only require the module by name");
      const rebuilt = requireFromString(text).handler();
      const r = await rebuilt.check({}, { bucket: "media", label: "", rotationTrigger: true });
      assert.deepEqual(r.failures.map((f: { property: string }) => f.property).sort(), ["label", "rotationTrigger"]);
    } finally {
      process.chdir(cwd);
      fs.rmSync(program, { recursive: true, force: true });
    }
  });
});
