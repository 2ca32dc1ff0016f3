/**
 * Provider guarantees under the engine's real call order, through the real dynamic-provider host
 * (@pulumi/pulumi/cmd/dynamic-provider) against Local OtterStorage. tests/support/engine-order.ts reproduces what
 * pkg/resource/deploy does that the simpler engineUp does not: init failures stored as outputs, the re-Check
 * without olds before a replacement, delete-before-replace, refresh as Read(id, outputs, inputs).
 * Each `describe` is one defect of the provider that used to break a user's guarantee; its tests failed before
 * the fix.
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, ManualClock, OtterStorage, StartOptions } from "otterstorage-local";
import { generationOf, slotPlan, stepGeneration, Slot, DAY_MS } from "../provider/rotation";
import { ProviderHost, serializedProviders } from "./support/host";
import { flakyProxy } from "./support/host-scenario";
import { destroyAsEngine, EngineState, refreshAsEngine, upAsEngine } from "./support/engine-order";
import { control } from "./support/emulator";
import { credsOf, s3For, tryList } from "./credentials-support";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Texts { bucket: string; accessKey: string; generation: string }
async function texts(): Promise<Texts> {
  const g = require("pulumi-otterstorage/dist/provider/dynamic/rotationGeneration.js");
  const generation = (await pulumi.runtime.serializeFunction(() => g, { allowSecrets: true })).text;
  return { ...(await serializedProviders()), generation };
}


interface Harness {
  os: OtterStorage;
  clock: ManualClock;
  host: ProviderHost;
  text: Texts;
  /**
   * A new engine run (`pulumi preview`/`up`): the engine starts a fresh host and Configures it; the host loads and
   * configures each provider once per process (cmd/dynamic-provider getProvider), so a run is a host process.
   */
  newRun(extra?: Record<string, string>): Promise<void>;
  urn(type: "Bucket" | "AccessKey" | "RotationGeneration", name: string): string;
  bucket(logical: string, extra?: Record<string, unknown>): Promise<EngineState>;
  stop(): Promise<void>;
}

async function harness(opts: StartOptions & { controlUrl?: (os: OtterStorage) => Promise<string> } = {}): Promise<Harness> {
  const clock = opts.clock instanceof ManualClock ? opts.clock : new ManualClock(Date.now());
  const os = await startOtterStorage({ memory: true, ...opts, clock });
  const endpoint = opts.controlUrl ? await opts.controlUrl(os) : os.controlUrl;
  const start = async (extra: Record<string, string> = {}) => {
    const host = await ProviderHost.start({ env: { OTTERSTORAGE_MAX_ATTEMPTS: "2", OTTERSTORAGE_RETRY_BASE_MS: "5" } });
    await host.configure({ "otterstorage:endpoint": endpoint, "otterstorage:token": os.token, ...extra });
    return host;
  };
  let host = await start();
  const text = await texts();
  const urn = (type: string, name: string) => `urn:pulumi:${host.stack}::${host.project}::pulumi-nodejs:dynamic/otterstorage:${type}::${name}`;
  return {
    os, clock, text, urn,
    get host() {
      return host;
    },
    newRun: async (extra) => {
      await host.stop();
      const earlier = host.stderr;
      host = await start(extra);
      host.stderr = earlier + host.stderr;
    },
    bucket: async (logical, extra = {}) => (await upAsEngine(host, urn("Bucket", logical), { __provider: text.bucket, __logicalName: logical, forceDestroy: true, ...extra })).state,
    stop: async () => {
      await host.stop();
      await os.stop();
    },
  };
}

const keysOf = async (os: OtterStorage, bucket: string): Promise<{ accessKeyId: string; label: string | null }[]> =>
  (await control(os).get<{ accessKeys: { accessKeyId: string; label: string | null }[] }>(`/v1/buckets/${bucket}/access-keys`)).body.accessKeys;

describe("a key whose readiness timed out can be refreshed, rotated away and destroyed", function () {
  let h: Harness;
  let bucket: EngineState;
  before(async () => {
    h = await harness({ s3KeyDelayMs: 10 * 60 * 1000 }); // new keys never reach the S3 plane during this suite
    bucket = await h.bucket("slowkeys");
  });
  after(async () => h?.stop());

  let failed: EngineState;
  it("the init failure's properties (what the engine stores as outputs) carry __provider, and no secret in the reasons", async () => {
    const r = await upAsEngine(h.host, h.urn("AccessKey", "slow"), { __provider: h.text.accessKey, bucket: bucket.id, label: "slow", readiness: { timeoutSeconds: 1 } });
    assert.match(String(r.error?.message), /KeyNotReady.*readiness\.timeoutSeconds/);
    failed = r.state;
    assert.deepEqual(failed.initErrors?.length, 1);
    assert.equal(failed.outputs.__provider, h.text.accessKey);
    assert.equal(failed.id, failed.outputs.accessKeyId);
    assert.ok(!failed.initErrors![0].includes(failed.outputs.secretAccessKey));
  });

  it("refresh (Read with the stored outputs) works and keeps the secret", async () => {
    const r = await refreshAsEngine(h.host, failed);
    assert.equal(r?.id, failed.id);
    assert.equal(r?.outputs.secretAccessKey, failed.outputs.secretAccessKey);
    failed = r!;
  });

  it("rotating it away works: the replacement is created, and the engine's Delete of the old key revokes it", async () => {
    const r = await upAsEngine(h.host, h.urn("AccessKey", "slow"), { __provider: h.text.accessKey, bucket: bucket.id, label: "slow", rotationTrigger: 1, readiness: { disabled: true } }, failed);
    assert.equal(r.op, "replace");
    assert.equal(r.error, undefined);
    await destroyAsEngine(h.host, r.replacedState!);
    assert.deepEqual((await keysOf(h.os, bucket.id)).map((k) => k.accessKeyId), [r.state.id]);
  });

  it("destroy (Delete with the stored outputs) revokes a key that never became ready", async () => {
    const r = await upAsEngine(h.host, h.urn("AccessKey", "doomed"), { __provider: h.text.accessKey, bucket: bucket.id, label: "doomed", readiness: { timeoutSeconds: 1 } });
    assert.ok(r.error && r.state.initErrors);
    assert.ok((await keysOf(h.os, bucket.id)).some((k) => k.accessKeyId === r.state.id));
    await destroyAsEngine(h.host, r.state);
    assert.ok(!(await keysOf(h.os, bucket.id)).some((k) => k.accessKeyId === r.state.id));
  });
});

describe("a retried bucket create never takes over a bucket of another stack", function () {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof flakyProxy>>;
  before(async () => {
    h = await harness({
      controlUrl: async (os) => {
        proxy = await flakyProxy(os.controlUrl);
        return proxy.url;
      },
    });
  });
  after(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it("first attempt lost before the service, the name belongs to someone else: create fails saying so; their bucket and data stay", async () => {
    // Another stack's bucket, with data in it.
    assert.equal((await control(h.os).post("/v1/buckets", { name: "team-shared-data" })).status, 201);
    const theirKey = (await control(h.os).post(`/v1/buckets/team-shared-data/access-keys`, {})).body;
    const s3 = s3For({ ...theirKey, endpoint: h.os.s3Url, region: theirKey.region }, h.os);
    await s3.send(new PutObjectCommand({ Bucket: "team-shared-data", Key: "precious.txt", Body: "theirs" }));
    s3.destroy();

    proxy.failNext(1); // our first POST never reaches the service; the retry meets their bucket
    await assert.rejects(
      upAsEngine(h.host, h.urn("Bucket", "mine"), { __provider: h.text.bucket, __logicalName: "mine", name: "team-shared-data", forceDestroy: true }),
      (e: Error) => /BucketAlreadyExists/.test(e.message) && /another stack/.test(e.message) && /never takes over an existing bucket/.test(e.message),
    );
    const theirs = (await control(h.os).get("/v1/buckets/team-shared-data")).body;
    assert.equal(theirs.objectCount, 1);
  });

  it("first attempt reached the service and its answer was lost: the retry gets the same bucket back (Idempotency-Key), one bucket", async () => {
    proxy.loseNext(1);
    const r = await upAsEngine(h.host, h.urn("Bucket", "lost"), { __provider: h.text.bucket, __logicalName: "lost", name: "lost-answer-bucket" });
    assert.equal(r.op, "create");
    assert.equal(r.state.id, "lost-answer-bucket");
    const names = (await control(h.os).get<{ buckets: { name: string }[] }>("/v1/buckets")).body.buckets.map((b) => b.name);
    assert.deepEqual(names.filter((n) => n === "lost-answer-bucket"), ["lost-answer-bucket"]);
    await destroyAsEngine(h.host, r.state);
  });
});

describe("RotatingAccessKey never replaces both slots in one `up`", function () {
  /** One simulated `up` of the component's schedule, as the pure scheme sees it. */
  const TRIGGERS = (g: number) => slotPlan(g).triggers;

  it("property: over random runs and clock moves, each `up` replaces at most one slot, a schedule change is one rotation, the generation never goes back", () => {
    const step = fc.record({
      advanceDays: fc.integer({ min: 0, max: 200 }),
      bump: fc.integer({ min: 0, max: 3 }),
      toggleAge: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), fc.integer({ min: 0, max: 4000 }), fc.array(step, { minLength: 1, maxLength: 25 }), (days, startDay, runs) => {
        let now = Date.parse("2026-01-01T00:00:00Z") + startDay * DAY_MS;
        let trigger = 0;
        let age = false;
        let desired = generationOf({ rotationTrigger: trigger }, now);
        let applied = stepGeneration(undefined, desired);
        for (const r of runs) {
          now += r.advanceDays * DAY_MS;
          trigger += r.bump;
          if (r.toggleAge) age = !age;
          const next = generationOf({ rotationTrigger: trigger, rotateAfterDays: age ? days : undefined }, now);
          const g = stepGeneration({ desired, generation: applied }, next);
          const changed = (["a", "b"] as Slot[]).filter((s) => TRIGGERS(applied)[s] !== TRIGGERS(g)[s]);
          assert.ok(changed.length <= 1, `one up replaced ${changed.join(",")} (generation ${applied} -> ${g})`);
          assert.equal(changed.length, next === desired ? 0 : 1, "a change of the schedule is exactly one rotation");
          assert.ok(g >= applied);
          if (changed.length) assert.equal(slotPlan(g).previous, slotPlan(applied).current, "the key current before the up is previous after it");
          desired = next;
          applied = g;
        }
      }),
      { seed: 9, numRuns: 500 },
    );
  });

  it("the component registers its RotationGeneration child (its provider loads the package module by name) and gives the slots ITS generation", async () => {
    const MockMonitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor;
    const { RotatingAccessKey } = require("pulumi-otterstorage") as typeof import("../sdk");
    const sent: { type: string; name: string; inputs: Record<string, any> }[] = [];
    const original = MockMonitor.prototype.registerResource;
    MockMonitor.prototype.registerResource = function (req: any, cb: any) {
      sent.push({ type: req.getType(), name: req.getName(), inputs: req.getObject().toJavaScript() });
      return original.call(this, req, cb);
    };
    try {
      let n = 0;
      await pulumi.runtime.setMocks(
        {
          // As the engine would answer after check: the schedule says 5, the stored generation steps to 3.
          newResource: (a) => a.type.endsWith(":RotationGeneration")
            ? { id: "rotation-generation", state: { desired: a.inputs.desired, generation: 3 } }
            : { id: `OTTR${String(++n).padStart(16, "0")}`, state: { ...a.inputs, accessKeyId: `OTTR${String(n).padStart(16, "0")}`, secretAccessKey: `s-${a.name}`, endpoint: "http://127.0.0.1:9", region: "eu-mad", createdAt: "2026-11-26T00:00:00.000Z" } },
          call: () => ({}),
        },
        "p", "s", false,
      );
      const k = new RotatingAccessKey("stepped", { bucket: "media-abcdefg", rotationTrigger: 5 });
      assert.equal(await new Promise((r) => k.generation.apply(r)), 3);
      await new Promise((r) => k.current.apply(r));
    } finally {
      MockMonitor.prototype.registerResource = original;
    }
    const memory = sent.find((x) => x.type === "pulumi-nodejs:dynamic/otterstorage:RotationGeneration")!;
    assert.equal(memory.name, "stepped-generation");
    assert.equal(memory.inputs.desired, 5);
    // Its provider loads the package module by name: the one-line require, or the by-name methods (sdk/providerByName.ts).
    const text = String(memory.inputs.__provider);
    assert.match(text, /pulumi-otterstorage\/dist\/provider\/dynamic\/rotationGeneration\.js/);
    const requires = [...new Set(text.match(/require\([^)]*\)/g))];
    assert.ok(requires.length > 0 && requires.every((r) => r === "require(moduleName)" || r === 'require("pulumi-otterstorage/dist/provider/dynamic/rotationGeneration.js")'), requires.join(", "));
    const children = sent.filter((x) => x.type.endsWith(":AccessKey")).map((x) => [x.name, x.inputs.rotationTrigger]).sort();
    assert.deepEqual(children, [["stepped-a", 2], ["stepped-b", 3]]);
  });

  describe("through the real host: RotationGeneration + both slots in engine order, random runs and service-clock moves", function () {
    let h: Harness;
    let bucket: EngineState;
    before(async () => {
      h = await harness();
      bucket = await h.bucket("twoslot");
    });
    after(async () => h?.stop());

    it("every `up`: at most one slot replaced; the key that was current before still works after; a missed run is one rotation", async () => {
      let seq = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ advanceDays: fc.integer({ min: 0, max: 100 }), bump: fc.integer({ min: 0, max: 3 }), toggleAge: fc.boolean() }), { minLength: 2, maxLength: 4 }),
          async (runs) => {
            const name = `app${++seq}`;
            const anchorMs = 0; // the default anchor: turning rotateAfterDays on jumps the schedule by hundreds
            let trigger = 0;
            let age = false;
            let memory: EngineState | undefined;
            const slots: Partial<Record<Slot, EngineState>> = {};
            const up = async (): Promise<{ replaced: Slot[]; g: number }> => {
              await h.newRun();
              const desired = generationOf({ rotationTrigger: trigger, rotateAfterDays: age ? 30 : undefined, anchorMs }, h.clock.now());
              const m = await upAsEngine(h.host, h.urn("RotationGeneration", `${name}-generation`), { __provider: h.text.generation, desired, generation: desired }, memory);
              memory = m.state;
              const g = memory.outputs.generation as number;
              const replaced: Slot[] = [];
              const old: EngineState[] = [];
              for (const slot of ["a", "b"] as Slot[]) {
                const news = { __provider: h.text.accessKey, bucket: bucket.id, label: `${name}/${slot}`, rotationTrigger: slotPlan(g).triggers[slot] };
                const r = await upAsEngine(h.host, h.urn("AccessKey", `${name}-${slot}`), news, slots[slot]);
                if (r.op === "replace") {
                  replaced.push(slot);
                  old.push(r.replacedState!);
                }
                slots[slot] = r.state;
              }
              for (const o of old) await destroyAsEngine(h.host, o);
              return { replaced, g };
            };
            let { g } = await up();
            for (const r of runs) {
              const currentBefore = slots[slotPlan(g).current]!;
              h.clock.advance(r.advanceDays * DAY_MS);
              trigger += r.bump;
              if (r.toggleAge) age = !age;
              const next = await up();
              assert.ok(next.replaced.length <= 1, `one up replaced ${next.replaced.join(",")}`);
              assert.equal(await tryList(credsOf(currentBefore.outputs), bucket.id, h.os), "ok", "the key current before the up keeps working");
              g = next.g;
            }
            for (const s of Object.values(slots)) await destroyAsEngine(h.host, s!);
          },
        ),
        { seed: 3, numRuns: 3, endOnFailure: true }, // no shrinking: each run drives real hosts
      );
    });

    it("a missed run (day 32 → day 93 at 30 days) and then the default anchor switched on: one rotation each, overlap kept", async () => {
      const anchorMs = Date.parse("2026-01-01T00:00:00Z");
      h.clock.set(anchorMs + 32 * DAY_MS);
      let memory: EngineState | undefined;
      const runGen = async (desired: number) => {
        await h.newRun();
        memory = (await upAsEngine(h.host, h.urn("RotationGeneration", "missed-generation"), { __provider: h.text.generation, desired, generation: desired }, memory)).state;
        return memory.outputs.generation as number;
      };
      const g0 = await runGen(generationOf({ rotateAfterDays: 30, anchorMs }, h.clock.now()));
      assert.equal(g0, 1);
      h.clock.advance(61 * DAY_MS); // day 93: the schedule says 3
      assert.equal(generationOf({ rotateAfterDays: 30, anchorMs }, h.clock.now()), 3);
      assert.equal(await runGen(3), 2, "one step, not two");
      assert.equal(await runGen(3), 2, "the next run with the same schedule changes nothing");
      assert.equal(await runGen(generationOf({ rotateAfterDays: 30 }, h.clock.now())), 3, "default anchor: the schedule jumps to hundreds, the slots move one step");
    });

    it("no host of any run logged the token", () => {
      assert.ok(!h.host.stderr.includes(h.os.token));
    });
  });
});

describe("rotateAfterDays diff reads the service clock at most once per run, and an unreachable clock blocks only a possible rotation", function () {
  let h: Harness;
  let proxy: Awaited<ReturnType<typeof flakyProxy>>;
  let bucket: EngineState;
  let key: EngineState;
  const news = () => ({ __provider: h.text.accessKey, bucket: bucket.id, label: "aged", rotateAfterDays: 30 });
  before(async () => {
    h = await harness({
      controlUrl: async (os) => {
        proxy = await flakyProxy(os.controlUrl);
        return proxy.url;
      },
    });
    bucket = await h.bucket("ageclock");
    key = (await upAsEngine(h.host, h.urn("AccessKey", "aged"), news())).state;
  });
  after(async () => {
    await h?.stop();
    await proxy?.close();
  });

  it("one GET /v1/health for many diffs in a run, and the same answer across the age threshold within the run", async () => {
    h.clock.advance(30 * DAY_MS - 1000); // one second short of due
    await h.newRun();
    const before = proxy.count("GET /v1/health");
    const first = await upAsEngine(h.host, h.urn("AccessKey", "aged"), news(), key);
    assert.equal(first.op, "same");
    h.clock.advance(2000); // due now on the service clock, but this run already decided
    for (let i = 0; i < 3; i++) assert.equal((await upAsEngine(h.host, h.urn("AccessKey", "aged"), news(), key)).op, "same");
    assert.equal(proxy.count("GET /v1/health") - before, 1);
    await h.newRun(); // the next run reads the clock again and rotates
    const next = await upAsEngine(h.host, h.urn("AccessKey", "aged"), news(), key);
    assert.equal(next.op, "replace");
    assert.deepEqual(next.diff!.replaces, ["rotateAfterDays"]);
    await destroyAsEngine(h.host, next.replacedState!);
    key = next.state;
  });
});

describe("unreachable service clock: a key that cannot be due diffs on, one that may be due fails naming the field", function () {
  let h: Harness;
  let bucket: EngineState;
  before(async () => {
    // GET /v1/health always answers 503 (emulator/faults.ts). The service clock starts 29.5 days behind this
    // machine, so a key issued now is 29.5 days old by the local clock: within its one-day margin of 30 days.
    h = await harness({ clock: new ManualClock(Date.now() - 29.5 * DAY_MS), faults: { seed: 1, rules: [{ route: "GET /v1/health", p503: 1 }] } });
    bucket = await h.bucket("noclock");
  });
  after(async () => h?.stop());

  it("a key that may be due (29.5 of 30 days by this machine's clock) fails the diff with ServiceClockUnavailable, revoking nothing", async () => {
    const urn = h.urn("AccessKey", "maybe");
    const inputs = { __provider: h.text.accessKey, bucket: bucket.id, label: "maybe", rotateAfterDays: 30 };
    const key = (await upAsEngine(h.host, urn, inputs)).state;
    await h.newRun();
    await assert.rejects(upAsEngine(h.host, urn, inputs, key), (e: Error) => /ServiceClockUnavailable/.test(e.message) && /rotateAfterDays/.test(e.message) && /GET \/v1\/health/.test(e.message));
    assert.ok((await keysOf(h.os, bucket.id)).some((k) => k.accessKeyId === key.id));
  });

  it("a key that cannot be due (issued today by both clocks) previews as no change while health fails", async () => {
    h.clock.set(Date.now());
    const urn = h.urn("AccessKey", "young");
    const inputs = { __provider: h.text.accessKey, bucket: bucket.id, label: "young", rotateAfterDays: 30 };
    const key = (await upAsEngine(h.host, urn, inputs)).state;
    await h.newRun();
    const same = await upAsEngine(h.host, urn, inputs, key);
    assert.equal(same.op, "same");
  });
});

describe("a non-empty bucket whose name is not known yet previews without a data-loss error", function () {
  let h: Harness;
  let bucket: EngineState;
  before(async () => {
    h = await harness();
    bucket = await h.bucket("unknownname", { name: "unknown-name-bucket", forceDestroy: false });
    const k = await upAsEngine(h.host, h.urn("AccessKey", "writer"), { __provider: h.text.accessKey, bucket: bucket.id });
    const s3 = s3For(credsOf(k.state.outputs), h.os);
    await s3.send(new PutObjectCommand({ Bucket: bucket.id, Key: "data.bin", Body: "x" }));
    s3.destroy();
  });
  after(async () => h?.stop());

  it("preview with an unknown name: a change, not a replacement, and no ReplacementWouldDestroyData", async () => {
    const news = { __provider: h.text.bucket, __logicalName: "unknownname", name: UNKNOWN };
    const checked = await h.host.check(bucket.urn, bucket.inputs, news);
    const d = await h.host.diff(bucket.urn, bucket.id, bucket.outputs, checked.inputs, bucket.inputs);
    assert.equal(d.changes, "some");
    assert.deepEqual(d.replaces, []);
  });

  it("at update time the known name decides: the same name is no change; another name still meets the data-loss check", async () => {
    const same = await upAsEngine(h.host, bucket.urn, { __provider: h.text.bucket, __logicalName: "unknownname", name: "unknown-name-bucket" }, bucket);
    assert.equal(same.op, "same");
    await assert.rejects(
      upAsEngine(h.host, bucket.urn, { __provider: h.text.bucket, __logicalName: "unknownname", name: "unknown-name-other" }, bucket),
      /ReplacementWouldDestroyData/,
    );
  });
});

describe("the data-loss check counts what delete counts (noncurrent versions and delete markers)", function () {
  let h: Harness;
  let bucket: EngineState;
  before(async () => {
    h = await harness();
    bucket = await h.bucket("versioned", { name: "versioned-only-old", versioning: "Enabled", forceDestroy: false });
    const k = await upAsEngine(h.host, h.urn("AccessKey", "v"), { __provider: h.text.accessKey, bucket: bucket.id });
    const s3 = s3For(credsOf(k.state.outputs), h.os);
    await s3.send(new PutObjectCommand({ Bucket: bucket.id, Key: "report.pdf", Body: "v1" }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket.id, Key: "report.pdf" })); // a delete marker on top
    s3.destroy();
  });
  after(async () => h?.stop());

  it("the service reports 0 current objects, 2 versions in all, and refuses a plain delete", async () => {
    const b = (await control(h.os).get(`/v1/buckets/${bucket.id}`)).body;
    assert.equal(b.objectCount, 0);
    assert.equal(b.versionCount, 2);
    const del = await control(h.os).delete(`/v1/buckets/${bucket.id}`);
    assert.equal(del.status, 409);
  });

  it("a rename fails at preview (Diff) with ReplacementWouldDestroyData naming the older versions, instead of half-replacing", async () => {
    const news = { __provider: h.text.bucket, __logicalName: "versioned", name: "versioned-renamed", versioning: "Enabled" };
    const checked = await h.host.check(bucket.urn, bucket.inputs, news);
    await assert.rejects(
      h.host.diff(bucket.urn, bucket.id, bucket.outputs, checked.inputs, bucket.inputs),
      (e: Error) => /ReplacementWouldDestroyData/.test(e.message) && /0 current object\(s\) and 2 older version\(s\) or delete marker\(s\)/.test(e.message),
    );
  });
});

describe("adopted keys reach a fixed point in one `up`", function () {
  let h: Harness;
  let bucket: EngineState;
  before(async () => {
    h = await harness();
    bucket = await h.bucket("adoption");
  });
  after(async () => h?.stop());

  it("adopting a labelled key without a label input: the next preview shows no change and the label stays", async () => {
    const existing = (await control(h.os).post(`/v1/buckets/${bucket.id}/access-keys`, { label: "backups-restic" })).body;
    const urn = h.urn("AccessKey", "legacy");
    const inputs = { __provider: h.text.accessKey, bucket: bucket.id, adopt: { accessKeyId: existing.accessKeyId, secretAccessKey: existing.secretAccessKey } };
    const created = await upAsEngine(h.host, urn, inputs);
    assert.equal(created.state.outputs.label, "backups-restic");
    assert.equal(created.state.outputs.adopted, true);
    const next = await upAsEngine(h.host, urn, inputs, created.state);
    assert.equal(next.op, "same");
    // And after `adopt` is removed from the program, as docs/rotation.md says to.
    const { adopt: _a, ...withoutAdopt } = inputs;
    const after = await upAsEngine(h.host, urn, withoutAdopt, created.state);
    assert.equal(after.op, "same");
    assert.equal((await keysOf(h.os, bucket.id)).find((k) => k.accessKeyId === existing.accessKeyId)?.label, "backups-restic");
  });

  it("a label input on adoption relabels at create, and the next preview shows no change", async () => {
    const existing = (await control(h.os).post(`/v1/buckets/${bucket.id}/access-keys`, { label: "old-name" })).body;
    const urn = h.urn("AccessKey", "relabelled");
    const inputs = { __provider: h.text.accessKey, bucket: bucket.id, label: "new-name", adopt: { accessKeyId: existing.accessKeyId, secretAccessKey: existing.secretAccessKey } };
    const created = await upAsEngine(h.host, urn, inputs);
    assert.equal(created.state.outputs.label, "new-name");
    assert.equal((await upAsEngine(h.host, urn, inputs, created.state)).op, "same");
  });

  it("a corrected adopt.secretAccessKey (readiness disabled) is verified and stored; a wrong correction is refused and changes nothing", async () => {
    const existing = (await control(h.os).post(`/v1/buckets/${bucket.id}/access-keys`, { label: "typo" })).body;
    const wrong = "A".repeat(40);
    const urn = h.urn("AccessKey", "typo");
    const base = { __provider: h.text.accessKey, bucket: bucket.id, readiness: { disabled: true } };
    const created = await upAsEngine(h.host, urn, { ...base, adopt: { accessKeyId: existing.accessKeyId, secretAccessKey: wrong } });
    assert.equal(await tryList(credsOf(created.state.outputs), bucket.id, h.os), "SignatureDoesNotMatch");
    const fixed = await upAsEngine(h.host, urn, { ...base, adopt: { accessKeyId: existing.accessKeyId, secretAccessKey: existing.secretAccessKey } }, created.state);
    assert.equal(fixed.op, "update");
    assert.equal(fixed.error, undefined);
    assert.equal(fixed.state.id, existing.accessKeyId);
    assert.equal(fixed.state.outputs.secretAccessKey, existing.secretAccessKey);
    assert.equal(await tryList(credsOf(fixed.state.outputs), bucket.id, h.os), "ok");
    assert.equal((await upAsEngine(h.host, urn, { ...base, adopt: { accessKeyId: existing.accessKeyId, secretAccessKey: existing.secretAccessKey } }, fixed.state)).op, "same");
    const broken = await upAsEngine(h.host, urn, { ...base, adopt: { accessKeyId: existing.accessKeyId, secretAccessKey: "B".repeat(40) } }, fixed.state);
    assert.match(String(broken.error?.message), /AdoptedSecretInvalid.*adopt\.secretAccessKey/);
    assert.equal(broken.state.outputs.secretAccessKey, existing.secretAccessKey, "the engine keeps the verified secret");
  });
});

describe("a change of otterstorage:s3Endpoint reaches the endpoint outputs on `up`", function () {
  let h: Harness;
  let bucket: EngineState;
  let key: EngineState;
  before(async () => {
    h = await harness();
    bucket = await h.bucket("endpoints");
    key = (await upAsEngine(h.host, h.urn("AccessKey", "ep"), { __provider: h.text.accessKey, bucket: bucket.id, label: "ep" })).state;
  });
  after(async () => h?.stop());

  it("setting it updates bucket and key in place (same key, same secret); the next run shows no change; removing it updates them back", async () => {
    const override = h.os.s3Url.replace("127.0.0.1", "localhost");
    await h.newRun({ "otterstorage:s3Endpoint": override });
    const b = await upAsEngine(h.host, bucket.urn, { __provider: h.text.bucket, __logicalName: "endpoints", forceDestroy: true }, bucket);
    assert.equal(b.op, "update");
    assert.equal(b.state.outputs.endpoint, override);
    const k = await upAsEngine(h.host, key.urn, { __provider: h.text.accessKey, bucket: bucket.id, label: "ep" }, key);
    assert.equal(k.op, "update");
    assert.equal(k.state.id, key.id);
    assert.equal(k.state.outputs.endpoint, override);
    assert.equal(k.state.outputs.secretAccessKey, key.outputs.secretAccessKey);
    await h.newRun({ "otterstorage:s3Endpoint": override });
    assert.equal((await upAsEngine(h.host, bucket.urn, { __provider: h.text.bucket, __logicalName: "endpoints", forceDestroy: true }, b.state)).op, "same");
    assert.equal((await upAsEngine(h.host, key.urn, { __provider: h.text.accessKey, bucket: bucket.id, label: "ep" }, k.state)).op, "same");
    await h.newRun();
    const back = await upAsEngine(h.host, key.urn, { __provider: h.text.accessKey, bucket: bucket.id, label: "ep" }, k.state);
    assert.equal(back.op, "update");
    assert.equal(back.state.outputs.endpoint, h.os.s3Url);
  });
});

describe("an objectLock change on an auto-named bucket is create-before-delete (the replacement gets a new name)", function () {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(async () => h?.stop());

  it("auto-named: no deleteBeforeReplace; the engine's re-Check names the replacement anew; old and new exist together until the old is deleted", async () => {
    const old = await h.bucket("locked");
    const r = await upAsEngine(h.host, old.urn, { __provider: h.text.bucket, __logicalName: "locked", forceDestroy: true, objectLock: { mode: "GOVERNANCE", days: 1 } }, old);
    assert.equal(r.op, "replace");
    assert.deepEqual(r.diff!.replaces, ["objectLock"]);
    assert.equal(r.diff!.deleteBeforeReplace, false);
    assert.notEqual(r.state.id, old.id);
    assert.match(r.state.id, /^locked-[a-z]{7}$/);
    assert.equal((await control(h.os).get(`/v1/buckets/${old.id}`)).status, 200, "the old bucket is still there: its keys are replaced before it goes");
    await destroyAsEngine(h.host, r.replacedState!);
    assert.equal((await control(h.os).get(`/v1/buckets/${old.id}`)).status, 404);
    assert.deepEqual(r.state.outputs.objectLock, { mode: "GOVERNANCE", days: 1 });
  });

  it("named explicitly: the same name must be freed first, so deleteBeforeReplace", async () => {
    const old = await h.bucket("pinned", { name: "pinned-name-bucket" });
    const r = await upAsEngine(h.host, old.urn, { __provider: h.text.bucket, __logicalName: "pinned", name: "pinned-name-bucket", forceDestroy: true, objectLock: { mode: "GOVERNANCE", days: 1 } }, old);
    assert.equal(r.op, "replace");
    assert.equal(r.diff!.deleteBeforeReplace, true);
    assert.equal(r.state.id, "pinned-name-bucket");
  });
});

describe("error scrubber: values, not words", function () {
  let os: OtterStorage;
  let host: ProviderHost | undefined;
  let echo: http.Server;
  let text: Texts;
  /** One run = one host (the host configures a provider once per process). */
  const run = async (config: Record<string, string>) => {
    await host?.stop();
    host = await ProviderHost.start({ env: { OTTERSTORAGE_MAX_ATTEMPTS: "1" } });
    await host.configure(config);
    return host;
  };
  before(async () => {
    os = await startOtterStorage({ memory: true });
    text = await texts();
    // A stand-in for a service that echoes the credentials it was sent (nothing real does; the scrubber must cope).
    echo = http.createServer((req, res) => {
      res.writeHead(401, { "content-type": "application/problem+json" });
      const auth = String(req.headers.authorization ?? "");
      res.end(JSON.stringify({ type: "about:blank", title: "Unauthorized", status: 401, code: "Unauthorized", detail: `Token ${auth.slice(7)} (urlencoded ${encodeURIComponent(auth.slice(7))}) is not valid.` }));
    });
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
  });
  after(async () => {
    await host?.stop();
    await os?.stop();
    await new Promise<void>((r) => (echo ? echo.close(() => r()) : r()));
  });

  it("the service's own guidance (\"Send Authorization: Bearer <account token> …\") reaches the user intact, and the wrong token does not", async () => {
    const wrong = "wrong-token-0123456789";
    const host = await run({ "otterstorage:endpoint": os.controlUrl, "otterstorage:token": wrong });
    await assert.rejects(upAsEngine(host, host.urn("Bucket", "denied"), { __provider: text.bucket, __logicalName: "denied" }), (e: Error) => {
      assert.match(e.message, /Unauthorized/);
      assert.match(e.message, /Send Authorization: Bearer <account token> with the token printed on start/);
      assert.ok(!e.message.includes("[redacted] token>"), e.message);
      assert.ok(!e.message.includes(wrong));
      return true;
    });
  });

  it("a token echoed back, raw or URL-encoded, is redacted", async () => {
    const token = "s3cr3t/tok+en=value";
    const host = await run({ "otterstorage:endpoint": `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, "otterstorage:token": token });
    await assert.rejects(upAsEngine(host, host.urn("Bucket", "echo"), { __provider: text.bucket, __logicalName: "echo" }), (e: Error) => {
      assert.ok(!e.message.includes(token) && !e.message.includes(encodeURIComponent(token)), e.message);
      assert.match(e.message, /Token \[redacted\] \(urlencoded \[redacted\]\) is not valid/);
      return true;
    });
    assert.ok(!host.stderr.includes(token));
  });
});
