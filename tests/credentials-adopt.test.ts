/**
 * Adoption (`adopt: { accessKeyId, secretAccessKey }` on AccessKey) through the real dynamic-provider host: a key
 * issued out of band (as in the console) comes under management without rotation; a key of another bucket and a
 * wrong secret fail naming the field; a failed adoption revokes nothing; deleting an adopted key revokes it.
 */
import * as assert from "node:assert/strict";
import { OtterStorageClient } from "../provider/client";
import { engineUp, ResourceState } from "./support/host";
import { credsOf, Rig, startRig, tryList } from "./credentials-support";

describe("AccessKey adopt through the real host", function () {
  let rig: Rig;
  let bucket: ResourceState;
  let other: ResourceState;
  let api: OtterStorageClient;
  let consoleKey: { accessKeyId: string; secretAccessKey: string };
  let otherKey: { accessKeyId: string; secretAccessKey: string };
  let adopted: ResourceState;
  const urn = () => rig.keyUrn("adopted");
  const creds = (k: { accessKeyId: string; secretAccessKey: string }) => ({ ...k, endpoint: rig.os.s3Url, region: rig.os.region });
  const listed = async (b: string) => (await api.listAccessKeys(b)).data.accessKeys.map((k) => k.accessKeyId);

  before(async () => {
    rig = await startRig();
    bucket = await rig.bucket("adopt");
    other = await rig.bucket("adopt-other");
    api = new OtterStorageClient({ endpoint: rig.os.controlUrl, token: rig.os.token });
    const pair = (k: { accessKeyId: string; secretAccessKey: string }) => ({ accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey });
    consoleKey = pair((await api.createAccessKey(bucket.id, { label: "made-in-console" })).data);
    otherKey = pair((await api.createAccessKey(other.id, { label: "other-bucket" })).data);
  });
  after(async () => rig?.stop());

  it("fails check for malformed adopt values, naming adopt.accessKeyId / adopt.secretAccessKey", async () => {
    const r = await rig.host.check(urn(), {}, { __provider: rig.text.accessKey, bucket: bucket.id, adopt: { accessKeyId: "AKIA123", secretAccessKey: "short" } });
    assert.deepEqual(r.failures.map((f) => f.property).sort(), ["adopt.accessKeyId", "adopt.secretAccessKey"]);
    const extra = await rig.host.check(urn(), {}, { __provider: rig.text.accessKey, bucket: bucket.id, adopt: { ...consoleKey, label: "x" } });
    assert.deepEqual(extra.failures.map((f) => [f.property, f.reason]), [["adopt", "has unknown field(s) label: pass only { accessKeyId, secretAccessKey }"]]);
  });

  it("refuses a key of another bucket, naming adopt.accessKeyId; that key still works and is still listed", async () => {
    await assert.rejects(
      engineUp(rig.host, urn(), { __provider: rig.text.accessKey, bucket: bucket.id, adopt: otherKey }),
      (e: Error) => /adopt\.accessKeyId/.test(e.message) && e.message.includes(bucket.id) && !e.message.includes(otherKey.secretAccessKey),
    );
    assert.equal(await tryList(creds(otherKey), other.id, rig.os), "ok");
    assert.ok((await listed(other.id)).includes(otherKey.accessKeyId));
  });

  it("refuses a wrong secret, naming adopt.secretAccessKey; the key still works and is still listed", async () => {
    const wrong = "x".repeat(40);
    await assert.rejects(
      engineUp(rig.host, urn(), { __provider: rig.text.accessKey, bucket: bucket.id, adopt: { accessKeyId: consoleKey.accessKeyId, secretAccessKey: wrong } }),
      (e: Error) => /adopt\.secretAccessKey/.test(e.message) && /403/.test(e.message) && !e.message.includes(wrong),
    );
    assert.equal(await tryList(creds(consoleKey), bucket.id, rig.os), "ok");
    assert.deepEqual(await listed(bucket.id), [consoleKey.accessKeyId]);
  });

  it("adopts with the right secret: same key id, no new key issued, the secret kept as the output", async () => {
    const r = await engineUp(rig.host, urn(), { __provider: rig.text.accessKey, bucket: bucket.id, label: "made-in-console", adopt: consoleKey });
    adopted = r.state;
    assert.equal(r.op, "create");
    assert.equal(adopted.id, consoleKey.accessKeyId);
    assert.equal(adopted.outputs.secretAccessKey, consoleKey.secretAccessKey);
    assert.ok(!("adopt" in adopted.outputs), "the adopt input is not copied into outputs");
    assert.deepEqual(await listed(bucket.id), [consoleKey.accessKeyId]);
    assert.equal(await tryList(credsOf(adopted.outputs), bucket.id, rig.os), "ok");
  });

  it("keeps managing it when `adopt` is removed afterwards (no change), and relabels it in place", async () => {
    const same = await engineUp(rig.host, urn(), { __provider: rig.text.accessKey, bucket: bucket.id, label: "made-in-console" }, adopted);
    assert.equal(same.op, "same");
    const r = await engineUp(rig.host, urn(), { __provider: rig.text.accessKey, bucket: bucket.id, label: "now-managed" }, adopted);
    assert.equal(r.op, "update");
    assert.equal(r.state.outputs.secretAccessKey, consoleKey.secretAccessKey);
    adopted = r.state;
  });

  it("refuses to rotate while `adopt` still names the key (it would re-adopt the key being revoked), naming adopt", async () => {
    await assert.rejects(
      engineUp(rig.host, urn(), { __provider: rig.text.accessKey, bucket: bucket.id, label: "now-managed", rotationTrigger: 1, adopt: consoleKey }, adopted),
      (e: Error) => /adopt\.accessKeyId/.test(e.message) && /Remove `adopt`/.test(e.message),
    );
    assert.equal(await tryList(creds(consoleKey), bucket.id, rig.os), "ok");
  });

  it("deleting the adopted key revokes it", async () => {
    await rig.host.delete(urn(), adopted.id, adopted.outputs);
    assert.equal(await tryList(creds(consoleKey), bucket.id, rig.os), "InvalidAccessKeyId");
    assert.deepEqual(await listed(bucket.id), []);
  });

  it("the host never logged the adopted secrets", () => {
    assert.ok(!rig.host.stderr.includes(consoleKey.secretAccessKey));
    assert.ok(!rig.host.stderr.includes(otherKey.secretAccessKey));
  });
});
