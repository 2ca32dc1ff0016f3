/**
 * Rotation by age (`rotateAfterDays` on AccessKey) through the real dynamic-provider host against Local
 * OtterStorage on a ManualClock: ages are measured on the service clock, the plan shows a create-before-delete
 * replacement only once the age is reached, bad ages fail check naming the field, and nothing is revoked by a
 * failed operation.
 */
import * as assert from "node:assert/strict";
import { engineUp, ResourceState } from "./support/host";
import { control } from "./support/emulator";
import { credsOf, DAY, Rig, startRig, tryList } from "./credentials-support";

describe("AccessKey rotateAfterDays through the real host (service clock)", function () {
  let rig: Rig;
  let bucket: ResourceState;
  let key: ResourceState;
  let old: ResourceState;
  const urn = () => rig.keyUrn("aged");
  const inputs = (extra: Record<string, unknown> = {}) => ({ __provider: rig.text.accessKey, bucket: bucket.id, label: "aged", rotateAfterDays: 30, ...extra });

  before(async () => {
    rig = await startRig();
    bucket = await rig.bucket("ages");
  });
  after(async () => rig?.stop());

  it("fails check for ages that are not positive whole days, naming rotateAfterDays and what to do", async () => {
    for (const bad of [0, -5, 1.5, "30", true]) {
      const r = await rig.host.check(urn(), {}, inputs({ rotateAfterDays: bad }));
      assert.deepEqual(r.failures.map((f) => f.property), ["rotateAfterDays"], `value ${JSON.stringify(bad)}`);
      assert.match(r.failures[0].reason, /day|number/);
    }
  });

  it("creates the key (the service clock says day 0)", async () => {
    const r = await engineUp(rig.host, urn(), inputs());
    assert.equal(r.op, "create");
    key = r.state;
    assert.equal(key.outputs.rotateAfterDays, 30);
    assert.equal(await tryList(credsOf(key.outputs), bucket.id, rig.os), "ok");
  });

  it("plans no replacement before the age is reached (29 days 23 hours on the service clock)", async () => {
    rig.clock.advance(30 * DAY - 60 * 60 * 1000);
    await rig.newRun();
    const r = await engineUp(rig.host, urn(), inputs(), key);
    assert.equal(r.op, "same");
    assert.deepEqual(r.diff!.replaces, []);
  });

  it("plans a create-before-delete replacement once the key is 30 days old, and the new key works before the old is revoked", async () => {
    rig.clock.advance(60 * 60 * 1000);
    await rig.newRun();
    const r = await engineUp(rig.host, urn(), inputs(), key);
    assert.equal(r.op, "replace");
    assert.deepEqual(r.diff!.replaces, ["rotateAfterDays"]);
    assert.equal(r.diff!.deleteBeforeReplace, false);
    old = r.replacedState!;
    key = r.state;
    assert.notEqual(key.id, old.id);
    // Readiness signed the probe on the service clock (30 days ahead of this machine) and the key is live.
    assert.equal(await tryList(credsOf(key.outputs), bucket.id, rig.os), "ok");
    assert.equal(await tryList(credsOf(old.outputs), bucket.id, rig.os), "ok", "the old key still works until the engine deletes it");
    await rig.host.delete(urn(), old.id, old.outputs);
    assert.equal(await tryList(credsOf(old.outputs), bucket.id, rig.os), "InvalidAccessKeyId");
    assert.equal(await tryList(credsOf(key.outputs), bucket.id, rig.os), "ok");
  });

  it("does not replace the fresh key on the next run, and changing the age is an in-place update", async () => {
    const same = await engineUp(rig.host, urn(), inputs(), key);
    assert.equal(same.op, "same");
    const r = await engineUp(rig.host, urn(), inputs({ rotateAfterDays: 90 }), key);
    assert.equal(r.op, "update");
    assert.equal(r.state.id, key.id);
    assert.equal(r.state.outputs.rotateAfterDays, 90);
    assert.equal(r.state.outputs.secretAccessKey, key.outputs.secretAccessKey);
    key = r.state;
  });

  it("a failed check revokes nothing: the key still works and is still listed", async () => {
    const r = await rig.host.check(urn(), key.inputs, inputs({ rotateAfterDays: 0 }));
    assert.equal(r.failures.length, 1);
    assert.equal(await tryList(credsOf(key.outputs), bucket.id, rig.os), "ok");
    const listed = await control(rig.os).get<{ accessKeys: { accessKeyId: string }[] }>(`/v1/buckets/${bucket.id}/access-keys`);
    assert.ok(listed.body.accessKeys.some((k) => k.accessKeyId === key.id));
  });

  it("the host never logged a secret or the token", () => {
    assert.ok(!rig.host.stderr.includes(rig.os.token));
    assert.ok(!rig.host.stderr.includes(key.outputs.secretAccessKey));
  });
});
