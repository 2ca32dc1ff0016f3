/**
 * Program level with pulumi.runtime.setMocks: what the SDK classes send to the engine — type tokens, inputs,
 * seeded outputs and the resource options (additionalSecretOutputs forced, even against the caller).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket } from "pulumi-otterstorage";

const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

interface Sent { type: string; name: string; inputs: Record<string, any>; additionalSecretOutputs: string[]; deleteBeforeReplace: boolean; replaceOnChanges: string[] }

describe("SDK classes under setMocks", () => {
  const sent: Sent[] = [];
  let original: any;
  before(async () => {
    original = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, cb: any) {
      sent.push({
        type: req.getType(),
        name: req.getName(),
        inputs: req.getObject().toJavaScript(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        replaceOnChanges: req.getReplaceonchangesList(),
      });
      return original.call(this, req, cb);
    };
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => ({ id: a.name === "media" ? "media-abcdefg" : "OTTR4XMPL7KEY9QZ2A0B", state: { ...a.inputs, ...(a.type.endsWith(":Bucket") ? { name: "media-abcdefg" } : {}), secretAccessKey: a.type.endsWith(":AccessKey") ? "s3cr3t" : undefined } }),
        call: () => ({}),
      },
      "p",
      "s",
      false,
    );
    const bucket = new Bucket("media", { storageClass: "SSD", tags: { env: "test" } });
    const ci = new AccessKey("ci", { bucket: bucket.name, label: "ci-deploy", rotationTrigger: 1 });
    // A caller who tries to pass their own list cannot drop the secret flag.
    const app = new AccessKey("app", { bucket: bucket.name, label: "app-web" }, { additionalSecretOutputs: ["label"] });
    await new Promise<void>((r) => pulumi.all([bucket.urn, ci.id, app.id]).apply(() => r()));
  });
  after(() => { MockMonitor.prototype.registerResource = original; });

  const byName = (n: string) => sent.find((s) => s.name === n)!;

  it("registers custom type tokens pulumi-nodejs:dynamic/otterstorage:Bucket and :AccessKey", () => {
    assert.equal(byName("media").type, "pulumi-nodejs:dynamic/otterstorage:Bucket");
    assert.equal(byName("ci").type, "pulumi-nodejs:dynamic/otterstorage:AccessKey");
  });

  it("sends the Bucket inputs plus the logical name, and computes no random name in the program", () => {
    const i = byName("media").inputs;
    assert.equal(i.storageClass, "SSD");
    assert.deepEqual(i.tags, { env: "test" });
    assert.equal(i.__logicalName, "media");
    assert.equal(i.name, undefined);
    assert.equal(typeof i.__provider, "string");
  });

  it("sends the AccessKey inputs with the bucket resolved from the Bucket's output", () => {
    const i = byName("ci").inputs;
    assert.equal(i.bucket, "media-abcdefg");
    assert.equal(i.label, "ci-deploy");
    assert.equal(i.rotationTrigger, 1);
    assert.ok(!("secretAccessKey" in i) || i.secretAccessKey === null);
  });

  it("always asks for additionalSecretOutputs: [secretAccessKey], merged with the caller's options", () => {
    assert.deepEqual(byName("ci").additionalSecretOutputs, ["secretAccessKey"]);
    assert.deepEqual([...byName("app").additionalSecretOutputs].sort(), ["label", "secretAccessKey"]);
  });

  it("never asks for delete-before-replace on keys (rotation is create-before-delete)", () => {
    assert.equal(byName("ci").deleteBeforeReplace, false);
    assert.equal(byName("app").deleteBeforeReplace, false);
  });

  it("sends no Bucket secret options", () => {
    assert.deepEqual(byName("media").additionalSecretOutputs, []);
  });
});
