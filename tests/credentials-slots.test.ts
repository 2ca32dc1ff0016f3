/**
 * Two-slot rotation (RotatingAccessKey).
 * - The scheme (provider/rotation.ts) as properties: one step of the generation changes exactly one slot's trigger.
 * - The sequence over three rotations through the REAL dynamic-provider host, driving the two child AccessKeys
 *   with the inputs the component gives them at each generation (the engine-like monitor in tests/support/engine.ts
 *   supports create only, not replacement), and at every step: which keys work with a real S3 client.
 * - The component itself under setMocks: which children it registers, with which triggers, and that its
 *   credential outputs are secret.
 */
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { generationOf, slotPlan, Slot } from "../provider/rotation";
import { startOtterStorage, ManualClock } from "otterstorage-local";
import { engineUp, ResourceState } from "./support/host";
import { credsOf, DAY, Rig, startRig, tryList } from "./credentials-support";

describe("two-slot scheme (pure)", () => {
  it("moving the generation by one replaces exactly the slot that becomes current; the other keeps its trigger", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (g) => {
        const a = slotPlan(g);
        const b = slotPlan(g + 1);
        const changed = (["a", "b"] as Slot[]).filter((s) => a.triggers[s] !== b.triggers[s]);
        assert.deepEqual(changed, [b.current]);
        assert.equal(b.previous, a.current);
        assert.equal(b.triggers[b.current], g + 1);
      }),
    );
  });

  it("counts age periods from the anchor on the service clock, added to the manual trigger", () => {
    const anchorMs = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(generationOf({ rotationTrigger: 2, rotateAfterDays: 30, anchorMs }, anchorMs + 29 * DAY), 2);
    assert.equal(generationOf({ rotationTrigger: 2, rotateAfterDays: 30, anchorMs }, anchorMs + 30 * DAY), 3);
    assert.equal(generationOf({ rotationTrigger: 0, rotateAfterDays: 30, anchorMs }, anchorMs - 5 * DAY), 0);
    assert.equal(generationOf({ rotationTrigger: 4 }, 0), 4);
  });
});

describe("two-slot sequence over three rotations through the real host (which keys work at each step)", function () {
  let rig: Rig;
  let bucket: ResourceState;
  const state: Partial<Record<Slot, ResourceState>> = {};
  const everKey: Record<string, ResourceState> = {};

  /** One `pulumi up` of the component at generation g: both children in engine order, then deletes of replaced keys. */
  async function up(g: number): Promise<{ replaced: Slot[]; plan: ReturnType<typeof slotPlan> }> {
    const plan = slotPlan(g);
    const replaced: Slot[] = [];
    const toDelete: ResourceState[] = [];
    for (const slot of ["a", "b"] as Slot[]) {
      const urn = rig.keyUrn(`app-${slot}`);
      const news = { __provider: rig.text.accessKey, bucket: bucket.id, label: `app/${slot}`, rotationTrigger: plan.triggers[slot] };
      const r = await engineUp(rig.host, urn, news, state[slot]);
      if (r.op === "replace") {
        replaced.push(slot);
        toDelete.push(r.replacedState!);
      }
      state[slot] = r.state;
      everKey[r.state.id] = r.state;
    }
    for (const d of toDelete) await rig.host.delete(d.urn, d.id, d.outputs);
    return { replaced, plan };
  }
  const works = async (s: ResourceState) => tryList(credsOf(s.outputs), bucket.id, rig.os);

  before(async () => {
    rig = await startRig();
    bucket = await rig.bucket("slots");
  });
  after(async () => rig?.stop());

  it("generation 0: creates both slots; current = a, previous = b; both work", async () => {
    const r = await up(0);
    assert.equal(r.plan.current, "a");
    assert.equal(await works(state.a!), "ok");
    assert.equal(await works(state.b!), "ok");
  });

  const ids: string[][] = [];
  for (const g of [1, 2, 3]) {
    it(`rotation ${g}: replaces only slot ${g % 2 === 0 ? "a" : "b"}; the new current and the previous work, the key two generations old is refused`, async () => {
      const before = { a: state.a!, b: state.b! };
      const r = await up(g);
      assert.deepEqual(r.replaced, [r.plan.current]);
      const current = state[r.plan.current]!;
      const previous = state[r.plan.previous]!;
      const retired = before[r.plan.current];
      assert.equal(previous.id, before[r.plan.previous].id, "the previous slot kept its key");
      assert.notEqual(current.id, retired.id);
      assert.equal(await works(current), "ok");
      assert.equal(await works(previous), "ok", "clients not yet moved keep working");
      assert.equal(await works(retired), "InvalidAccessKeyId");
      ids.push([current.id, previous.id]);
    });
  }

  it("each rotation's previous key is the one before's current (a chain of overlaps)", () => {
    assert.equal(ids[1][1], ids[0][0]);
    assert.equal(ids[2][1], ids[1][0]);
  });

  it("retirePrevious revokes the previous slot (the engine deletes it); the current key keeps working", async () => {
    const previous = state[slotPlan(3).previous]!;
    await rig.host.delete(previous.urn, previous.id, previous.outputs);
    assert.equal(await works(previous), "InvalidAccessKeyId");
    assert.equal(await works(state[slotPlan(3).current]!), "ok");
  });

  it("only keys that are current or previous ever worked at the end: 5 issued, 1 left", async () => {
    const results = await Promise.all(Object.values(everKey).map(works));
    assert.equal(results.length, 5);
    assert.deepEqual(results.filter((x) => x === "ok").length, 1);
  });
});

const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;

describe("RotatingAccessKey under setMocks", () => {
  interface Sent { type: string; name: string; parent: string; inputs: Record<string, any> }
  let sent: Sent[] = [];
  let original: any;
  const { RotatingAccessKey } = require("pulumi-otterstorage") as typeof import("../sdk");

  before(async () => {
    original = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, cb: any) {
      sent.push({ type: req.getType(), name: req.getName(), parent: req.getParent(), inputs: req.getObject().toJavaScript() });
      return original.call(this, req, cb);
    };
    let n = 0;
    await pulumi.runtime.setMocks(
      {
        newResource: (a) => ({
          id: `OTTR${String(++n).padStart(16, "0")}`,
          state: { ...a.inputs, accessKeyId: `OTTR${String(n).padStart(16, "0")}`, secretAccessKey: `secret-of-${a.name}`, endpoint: "http://127.0.0.1:9", region: "eu-mad", createdAt: "2026-11-26T00:00:00.000Z" },
        }),
        call: () => ({}),
      },
      "p",
      "s",
      false,
    );
  });
  after(() => {
    MockMonitor.prototype.registerResource = original;
  });

  async function settle(o: pulumi.Output<unknown>): Promise<any> {
    return new Promise((r) => o.apply((v) => r(v)));
  }

  it("at generation 3 registers slot a (trigger 2) and slot b (trigger 3) under the component; current = b", async () => {
    sent = [];
    const k = new RotatingAccessKey("app", { bucket: "media-abcdefg", label: "app-web", rotationTrigger: 3 });
    const current = await settle(k.current);
    const previous = await settle(k.previous);
    const children = sent.filter((s) => s.type === "pulumi-nodejs:dynamic/otterstorage:AccessKey");
    assert.deepEqual(children.map((c) => [c.name, c.inputs.rotationTrigger, c.inputs.label]).sort(), [["app-a", 2, "app-web/a"], ["app-b", 3, "app-web/b"]]);
    assert.ok(children.every((c) => c.parent.endsWith("otterstorage:index:RotatingAccessKey::app")));
    assert.equal(current.slot, "b");
    assert.equal(current.secretAccessKey, "secret-of-app-b");
    assert.equal(previous.slot, "a");
    assert.equal(await settle(k.generation), 3);
  });

  it("marks current, previous and the ready-to-use forms secret", async () => {
    const k = new RotatingAccessKey("sec", { bucket: "media-abcdefg" });
    for (const o of [k.current, k.previous, k.environment, k.awsProfile, k.s3ClientConfig, k.rcloneRemote]) assert.equal(await pulumi.isSecret(o as pulumi.Output<unknown>), true);
    const env = await settle(k.environment);
    assert.equal(env.AWS_SECRET_ACCESS_KEY, "secret-of-sec-a");
  });

  it("retirePrevious: <generation> registers only the current slot while the generation equals it", async () => {
    sent = [];
    const k = new RotatingAccessKey("ret", { bucket: "media-abcdefg", rotationTrigger: 5, retirePrevious: 5 });
    assert.equal(await settle(k.previous), undefined);
    assert.equal((await settle(k.current)).slot, "b");
    assert.deepEqual(sent.filter((s) => s.type.endsWith(":AccessKey")).map((s) => s.name), ["ret-b"]);
    sent = [];
    const next = new RotatingAccessKey("ret2", { bucket: "media-abcdefg", rotationTrigger: 6, retirePrevious: 5 });
    assert.notEqual(await settle(next.previous), undefined);
    await settle(next.current);
    assert.equal(sent.filter((s) => s.type.endsWith(":AccessKey")).length, 2);
  });

  it("with rotateAfterDays, counts periods on the SERVICE clock (GET /v1/health): 65 days after the anchor at 30 days = generation 2", async () => {
    const clock = new ManualClock(Date.parse("2026-03-07T00:00:00Z"));
    const os = await startOtterStorage({ memory: true, clock });
    const saved = { e: process.env.OTTERSTORAGE_ENDPOINT, t: process.env.OTTERSTORAGE_TOKEN };
    process.env.OTTERSTORAGE_ENDPOINT = os.controlUrl;
    process.env.OTTERSTORAGE_TOKEN = os.token;
    try {
      sent = [];
      const k = new RotatingAccessKey("aged", { bucket: "media-abcdefg", rotationTrigger: 1, rotateAfterDays: 30, rotationAnchor: "2026-01-01T00:00:00Z" });
      assert.equal(await settle(k.generation), 3); // 1 by hand + 2 whole periods (65 days)
      assert.equal((await settle(k.current)).slot, "b");
      assert.deepEqual(sent.filter((s) => s.type.endsWith(":AccessKey")).map((s) => [s.name, s.inputs.rotationTrigger]).sort(), [["aged-a", 2], ["aged-b", 3]]);
      const component = sent.find((s) => s.type === "otterstorage:index:RotatingAccessKey" && s.name === "aged")!;
      assert.equal(component.inputs.rotateAfterDays, 30, "the schedule is visible to the policy pack");
    } finally {
      for (const [key, v] of [["OTTERSTORAGE_ENDPOINT", saved.e], ["OTTERSTORAGE_TOKEN", saved.t]] as const) {
        if (v === undefined) delete process.env[key];
        else process.env[key] = v;
      }
      await os.stop();
    }
  });

  it("rejects bad arguments naming the field and what to do", () => {
    assert.throws(() => new RotatingAccessKey("x1", { bucket: "b-1", rotationTrigger: 1.5 }), /rotationTrigger must be a whole number >= 0/);
    assert.throws(() => new RotatingAccessKey("x2", { bucket: "b-1", rotateAfterDays: 0 }), /rotateAfterDays must be a whole number of days/);
    assert.throws(() => new RotatingAccessKey("x3", { bucket: "b-1", rotationAnchor: "soon" }), /rotationAnchor must be an RFC 3339 date/);
    assert.throws(() => new RotatingAccessKey("x4", { bucket: "" }), /bucket is required/);
  });
});
