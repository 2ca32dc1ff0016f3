/**
 * Readiness through the real dynamic-provider host: Local OtterStorage's s3KeyGate hook (emulator/keyDelay.ts)
 * holds every new key back from the S3 plane (InvalidAccessKeyId meanwhile), as a distributed service may, until
 * the test releases it; no test depends on how long anything takes. Create returns only once a
 * signed HeadBucket with the key answers 200; with readiness disabled it returns at once (and the key is refused
 * right after, which is what readiness protects against); a readiness timeout fails naming the field, records the
 * key (init failure with its id) and revokes nothing.
 */
import * as assert from "node:assert/strict";
import * as accessKey from "../provider/accessKey";
import { ProviderContext } from "../provider/context";
import { PartialCreateError } from "../provider/errors";
import { waitUntilReady } from "../provider/readiness";
import { engineUp, ResourceState } from "./support/host";
import { control } from "./support/emulator";
import { credsOf, Rig, startRig, tryList } from "./credentials-support";
import { KeyGate } from "otterstorage-local/dist/keyDelay";

/** Settles with "settled" once `p` has, or "pending" if it has not when asked. */
function track<T>(p: Promise<T>): { promise: Promise<T>; state: () => "pending" | "settled" } {
  let settled = false;
  const promise = p.finally(() => { settled = true; });
  return { promise, state: () => (settled ? "settled" : "pending") };
}

describe("AccessKey readiness through the real host (new keys reach the S3 plane late)", function () {
  let rig: Rig;
  let bucket: ResourceState;
  const gate = new KeyGate();

  before(async () => {
    rig = await startRig({ s3KeyGate: gate });
    bucket = await rig.bucket("ready");
  });
  after(async () => {
    await rig?.stop();
  });

  it("with readiness disabled, create returns while the data plane still refuses the key (the 403 peers' users sleep around)", async () => {
    const r = await engineUp(rig.host, rig.keyUrn("eager"), { __provider: rig.text.accessKey, bucket: bucket.id, readiness: { disabled: true } });
    assert.equal(await tryList(credsOf(r.state.outputs), bucket.id, rig.os), "InvalidAccessKeyId");
    gate.release();
  });

  it("by default, create waits until the key is accepted: still waiting after a refused probe, done once released, and the key works right after", async () => {
    const refused = gate.nextRefusal();
    const up = track(engineUp(rig.host, rig.keyUrn("patient"), { __provider: rig.text.accessKey, bucket: bucket.id, label: "patient" }));
    const id = await refused;
    assert.match(id, /^OTTR/);
    assert.equal(up.state(), "pending", "create returned while the data plane refused its key");
    gate.release(id);
    const r = await up.promise;
    assert.equal(r.op, "create");
    assert.equal(r.state.outputs.accessKeyId, id);
    assert.equal(await tryList(credsOf(r.state.outputs), bucket.id, rig.os), "ok");
  });

  it("the probe backs off and retries: it took more than one signed HeadBucket", async () => {
    const created = await accessKey.create(new ProviderContext({ endpoint: rig.os.controlUrl, token: rig.os.token }), { bucket: bucket.id, readiness: { disabled: true } } as never);
    const o = created.outs!;
    const refused = gate.nextRefusal();
    const ready = waitUntilReady({ endpoint: rig.os.s3Url, region: o.region, bucket: bucket.id, accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey }, { timeoutSeconds: 30 });
    assert.equal(await refused, o.accessKeyId);
    gate.release(o.accessKeyId);
    const r = await ready;
    assert.ok(r.attempts > 1, `attempts ${r.attempts}`);
  });

  it("fails check for bad readiness settings, naming the field", async () => {
    const r = await rig.host.check(rig.keyUrn("bad"), {}, { __provider: rig.text.accessKey, bucket: bucket.id, readiness: { timeoutSeconds: 0, disabled: "no" } });
    assert.deepEqual(r.failures.map((f) => f.property).sort(), ["readiness.disabled", "readiness.timeoutSeconds"]);
  });
});

describe("AccessKey readiness timeout (a key that never becomes ready)", function () {
  let rig: Rig;
  let bucket: ResourceState;
  before(async () => {
    rig = await startRig({ s3KeyGate: new KeyGate() }); // never released
    bucket = await rig.bucket("never");
  });
  after(async () => {
    await rig?.stop();
  });

  it("fails through the host naming readiness.timeoutSeconds and what to do", async () => {
    await assert.rejects(
      engineUp(rig.host, rig.keyUrn("slow"), { __provider: rig.text.accessKey, bucket: bucket.id, label: "slow", readiness: { timeoutSeconds: 1 } }),
      (e: Error) => /KeyNotReady/.test(e.message) && /readiness\.timeoutSeconds/.test(e.message) && /pulumi up/.test(e.message),
    );
  });

  it("revokes nothing: the key is still listed, and the failure carries its id and outputs so Pulumi records it", async () => {
    const keys = (await control(rig.os).get<{ accessKeys: { label: string | null }[] }>(`/v1/buckets/${bucket.id}/access-keys`)).body.accessKeys;
    assert.deepEqual(keys.map((k) => k.label), ["slow"]);

    const err = await accessKey.create(new ProviderContext({ endpoint: rig.os.controlUrl, token: rig.os.token }), { bucket: bucket.id, label: "slow-2", readiness: { timeoutSeconds: 1 } } as never).then(
      () => assert.fail("create should fail"),
      (e) => e as PartialCreateError,
    );
    assert.ok(err instanceof PartialCreateError, "a created-but-not-ready key is a PartialCreateError, which each host records");
    assert.match(err.id, /^OTTR/);
    assert.equal(err.outputs.accessKeyId, err.id);
    assert.match(String(err.outputs.secretAccessKey), /^[A-Za-z0-9]{40}$/);
    assert.ok(!err.message.includes(String(err.outputs.secretAccessKey)), "the message never carries the secret");
    assert.equal(err.reasons.length, 1);
  });
});
