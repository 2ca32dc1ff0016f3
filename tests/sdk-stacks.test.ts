/**
 * The SDK turns stack traces off while a Bucket or AccessKey registers (sdk/quietStacks.ts): what the engine still
 * gets (the resource's source position in the program) and what the program keeps (its own Error.stackTraceLimit,
 * also when a constructor throws).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket } from "pulumi-otterstorage";

const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

/** The line (in the running file) of the call to this function. */
function callerLine(): number {
  return Number(/:(\d+):\d+\)?$/.exec(new Error().stack!.split("\n")[2])![1]);
}

describe("sdk: stack traces during registration", () => {
  const positions: Record<string, { uri: string; line: number }> = {};
  const traces: Record<string, string[]> = {};
  let original: any;
  before(async () => {
    original = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, cb: any) {
      const pos = req.getSourceposition();
      if (pos) positions[req.getName()] = { uri: pos.getUri(), line: pos.getLine() };
      traces[req.getName()] = (req.getStacktrace()?.getFramesList() ?? []).map((f: any) => (f.getPc() ? `${f.getPc().getUri()}:${f.getPc().getLine()}` : ""));
      return original.call(this, req, cb);
    };
    await pulumi.runtime.setMocks({ newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }), call: () => ({}) }, "p", "s", false);
  });
  after(() => {
    MockMonitor.prototype.registerResource = original;
  });

  it("the engine still gets each resource's source position and its stack down to the program's line", async () => {
    const [b, line] = [new Bucket("pos-bucket"), callerLine()];
    const [k, keyLine] = [new AccessKey("pos-key", { bucket: b.name, label: "app" }), callerLine()];
    await new Promise<void>((r) => pulumi.all([b.urn, k.urn]).apply(() => r()));
    // The position is the SDK's constructor (Pulumi records the first frame outside @pulumi/pulumi), as before.
    assert.match(positions["pos-bucket"].uri, /dist\/sdk\/bucket\.js$/);
    assert.match(positions["pos-key"].uri, /dist\/sdk\/accessKey\.js$/);
    assert.ok(traces["pos-bucket"].some((f) => /sdk-stacks\.test\.js:/.test(f) && f.endsWith(`:${line}`)), traces["pos-bucket"].join("\n"));
    assert.ok(traces["pos-key"].some((f) => /sdk-stacks\.test\.js:/.test(f) && f.endsWith(`:${keyLine}`)), traces["pos-key"].join("\n"));
  });

  it("leaves the program's Error.stackTraceLimit as it was, also when the constructor throws", () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 17;
    try {
      new Bucket("limit-bucket");
      assert.equal(Error.stackTraceLimit, 17);
      // The base constructor refuses a parent that is not a resource.
      assert.throws(() => new AccessKey("limit-key", { bucket: "b" }, { parent: "not-a-resource" as any }), /parent is not a valid Resource/);
      assert.equal(Error.stackTraceLimit, 17);
    } finally {
      Error.stackTraceLimit = before;
    }
  });
});
