/**
 * Program level with an engine-like monitor (tests/support/engine.ts): the real providers run against Local
 * OtterStorage and the program's requests are recorded. Assertions are on what the SDK sends (RegisterResource's
 * additionalSecretOutputs) and what the provider answers, never on the secret wrapping the mock applies itself.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AccessKey, Bucket } from "pulumi-otterstorage";
import { installEngineLikeMonitor, plaintextOutsideWrappers, RecordedResource } from "./support/engine";
import { useEmulator } from "./support/emulator";

const settled = <T>(o: pulumi.Output<T>) => new Promise<T>((r) => o.apply((v) => { r(v); return v; }));

describe("program with Bucket + two AccessKeys through an engine-like monitor", () => {
  const os = useEmulator();
  let state: RecordedResource[];
  let ci: AccessKey;
  let app: AccessKey;
  let bucket: Bucket;

  before(async () => {
    state = await installEngineLikeMonitor({ "otterstorage:endpoint": os().controlUrl, "otterstorage:token": os().token });
    bucket = new Bucket("media");
    ci = new AccessKey("ci", { bucket: bucket.name, label: "ci-deploy" });
    app = new AccessKey("app", { bucket: bucket.name, label: "app-web" });
    await settled(pulumi.all([ci.accessKeyId, app.accessKeyId]));
  });
  after(() => require("../provider/dynamic/host").resetConfiguration());

  // What the SDK itself sends: the mock only copies the request's additionalSecretOutputs into the record. Whether
  // the engine then keeps the value secret is the engine's rule, checked under the real Pulumi CLI by
  // tests/engine-keys.test.ts "secrets: no secret key and no account token in plaintext...".
  it("asks the engine to keep secretAccessKey secret: additionalSecretOutputs in each AccessKey's RegisterResource request", () => {
    const sent = Object.fromEntries(state.map((r) => [r.name, r.additionalSecretOutputs]));
    assert.deepEqual(sent, { media: [], ci: ["secretAccessKey"], app: ["secretAccessKey"] });
  });

  it("resolves outputs from the real create: auto-named bucket, labelled keys on it", async () => {
    const name = await settled(bucket.name);
    assert.match(name, /^media-[a-z]{7}$/);
    assert.equal(await settled(ci.bucket), name);
    assert.equal(await settled(ci.label), "ci-deploy");
    assert.match(await settled(ci.accessKeyId), /^OTTR[A-Z0-9]{16}$/);
    assert.match(await settled(ci.secretAccessKey), /^[A-Za-z0-9]{40}$/);
  });

  // The mock wraps only the keys the request named (above); a secret the provider also put under another output,
  // into an input or into the serialized __provider would show up here in plaintext.
  it("sends and gets back each secret only under secretAccessKey: nowhere else in inputs, outputs or __provider", async () => {
    const secrets = [await settled(ci.secretAccessKey), await settled(app.secretAccessKey)];
    assert.equal(state.length, 3);
    for (const s of secrets) assert.deepEqual(plaintextOutsideWrappers(state, s), []);
    assert.equal(state.find((r) => r.name === "ci")!.type, "pulumi-nodejs:dynamic/otterstorage:AccessKey");
  });

  it("records no token or endpoint anywhere in state (not even in __provider)", () => {
    const all = JSON.stringify(state);
    assert.ok(!all.includes(os().token));
    assert.ok(!all.includes(os().controlUrl));
  });
});
