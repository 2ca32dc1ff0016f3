/**
 * Program level with an engine-like monitor (tests/support/engine.ts): the real providers run against Local
 * OtterStorage, the engine's secret rules are applied, and the secret is a secret in the program and in the
 * recorded state.
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
  after(() => require("../provider/config").resetConfiguration());

  it("marks secretAccessKey secret (pulumi.isSecret) and leaves the id and label plain", async () => {
    assert.equal(await pulumi.isSecret(ci.secretAccessKey), true);
    assert.equal(await pulumi.isSecret(app.secretAccessKey), true);
    assert.equal(await pulumi.isSecret(ci.accessKeyId), false);
    assert.equal(await pulumi.isSecret(ci.label), false);
  });

  it("resolves outputs from the real create: auto-named bucket, labelled keys on it", async () => {
    const name = await settled(bucket.name);
    assert.match(name, /^media-[a-z]{7}$/);
    assert.equal(await settled(ci.bucket), name);
    assert.equal(await settled(ci.label), "ci-deploy");
    assert.match(await settled(ci.accessKeyId), /^OTTR[A-Z0-9]{16}$/);
    assert.match(await settled(ci.secretAccessKey), /^[A-Za-z0-9]{40}$/);
  });

  it("records state in which each secret appears only inside a secret wrapper", async () => {
    const secrets = [await settled(ci.secretAccessKey), await settled(app.secretAccessKey)];
    assert.equal(state.length, 3);
    for (const s of secrets) assert.deepEqual(plaintextOutsideWrappers(state, s), []);
    const keyState = state.find((r) => r.name === "ci")!;
    assert.equal(keyState.type, "pulumi-nodejs:dynamic/otterstorage:AccessKey");
    assert.deepEqual(keyState.additionalSecretOutputs, ["secretAccessKey"]);
    assert.ok(JSON.stringify(keyState.outputs.secretAccessKey).includes("4dabf18193072939515e22adb298388d"));
  });

  it("records no token or endpoint anywhere in state (not even in __provider)", () => {
    const all = JSON.stringify(state);
    assert.ok(!all.includes(os().token));
    assert.ok(!all.includes(os().controlUrl));
  });
});
