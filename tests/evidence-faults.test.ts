/**
 * Evidence suite 1 of 5 (docs/benchmarks.md "Evidence suites"): faults. Local OtterStorage's fault injection (emulator/faults.ts) is itself checked first (the
 * faults are real, reproducible and in each plane's error format, and a post-processing reset really does leave a
 * duplicate behind a client without Idempotency-Key), then the main run: 200 keys across 20 buckets through the
 * real dynamic-provider host with 20% of control requests failing, then destroy.
 *
 * Counts: EVIDENCE_FAULT_KEYS (default 200), EVIDENCE_FAULT_BUCKETS (20), EVIDENCE_FAULT_SEED (6).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { FaultInjector, parseFaults } from "otterstorage-local/dist/faults";
import { faultMix, runFaultScenario, startCli, startWithFaults } from "./evidence-support";
import { control } from "./support/emulator";

const KEYS = Number(process.env.EVIDENCE_FAULT_KEYS ?? 200);
const BUCKETS = Number(process.env.EVIDENCE_FAULT_BUCKETS ?? 20);
const SEED = Number(process.env.EVIDENCE_FAULT_SEED ?? 6);

describe("evidence: faults", function () {
  describe("fault injection", function () {
    it("draws the same faults from the same seed, and about the configured share of them", () => {
      const draw = (seed: number) => {
        const inj = new FaultInjector(faultMix(seed));
        return Array.from({ length: 2000 }, () => inj.decide("control", "POST", "/v1/buckets/b/access-keys")?.kind ?? "-") as string[];
      };
      const a = draw(42);
      assert.deepEqual(draw(42), a);
      assert.notDeepEqual(draw(43), a);
      const share = a.filter((k) => k !== "-").length / a.length;
      assert.ok(share > 0.16 && share < 0.24, `fault share ${share}`);
      for (const kind of ["429", "500", "503", "reset", "resetAfter", "500After"]) assert.ok(a.includes(kind), kind);
    });

    it("matches rules by method and path pattern, first rule first, per plane", () => {
      const inj = new FaultInjector({ rules: [{ route: "GET /v1/buckets/:bucket", p500: 0 }, { route: "* /v1/*", p500: 1 }, { route: "PUT /:bucket/*", plane: "s3", p503: 1 }] });
      assert.equal(inj.decide("control", "GET", "/v1/buckets/b1")?.kind, null);
      assert.equal(inj.decide("control", "DELETE", "/v1/buckets/b1")?.kind, "500");
      assert.equal(inj.decide("control", "GET", "/v1/buckets/b1/access-keys")?.kind, "500");
      assert.equal(inj.decide("control", "GET", "/other"), null);
      assert.equal(inj.decide("s3", "PUT", "/b1/a/b/c.txt")?.kind, "503");
      assert.equal(inj.decide("s3", "GET", "/b1/a"), null);
    });

    it("rejects a bad configuration naming the field and what to write", () => {
      assert.throws(() => parseFaults({ rules: [{ route: "POST /v1/buckets", p429: 2 }] }), /faults\.rules\[0\]\.p429: must be a probability from 0 to 1/);
      assert.throws(() => parseFaults({ rules: [{ route: "/v1/buckets" }] }), /faults\.rules\[0\]\.route: must be "<METHOD> <path pattern>"/);
      assert.throws(() => parseFaults({ rules: [{ route: "* /x", p500: 0.6, pReset: 0.6 }] }), /must not exceed 1/);
      assert.throws(() => parseFaults({ rules: [{ route: "* /x", pTypo: 0.1 }] }), /faults\.rules\[0\].*pTypo/);
      assert.throws(() => parseFaults("{nope", "faults.json"), /faults\.json is not valid JSON/);
    });

    it("answers injected 429/503 as problem+json with Retry-After on the control plane and as S3 XML on the data plane", async () => {
      const { os } = await startWithFaults({ memory: true }, { rules: [{ route: "GET /v1/buckets", p429: 1, retryAfterSeconds: 2 }, { route: "* /*", plane: "s3", p503: 1 }] });
      try {
        const r = await control(os).get("/v1/buckets");
        assert.equal(r.status, 429);
        assert.equal(r.headers.get("retry-after"), "2");
        assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
        assert.equal(r.body.code, "RateLimited");
        assert.equal(r.body.status, 429);
        const s = await fetch(`${os.s3Url}/some-bucket/key`);
        assert.equal(s.status, 503);
        assert.match(await s.text(), /<Error><Code>ServiceUnavailable<\/Code>/);
      } finally {
        await os.stop();
      }
    });

    it("a post-processing reset is real: retried without Idempotency-Key it leaves a duplicate key, with one it does not", async () => {
      const { os, stats } = await startWithFaults({ memory: true }, { rules: [{ route: "POST /v1/buckets/:bucket/access-keys", pResetAfter: 1 }] });
      try {
        const api = control(os);
        assert.equal((await api.post("/v1/buckets", { name: "dup-check" })).status, 201);
        const count = () => (os.store.db.prepare("SELECT COUNT(*) AS n FROM access_keys WHERE bucket = 'dup-check' AND revoked_at IS NULL").get() as { n: number }).n;
        const attempt = (headers: Record<string, string> = {}) => assert.rejects(api.post("/v1/buckets/dup-check/access-keys", { label: "x" }, { headers }), /fetch failed/);
        await attempt();
        await attempt();
        assert.equal(count(), 2, "two attempts without Idempotency-Key, two keys: the client saw neither");
        await attempt({ "idempotency-key": "same-create" });
        await attempt({ "idempotency-key": "same-create" });
        assert.equal(count(), 3, "two attempts with one Idempotency-Key, one key");
        assert.equal(stats.replayed, 1);
        assert.equal(stats.injected.resetAfter, 4);
      } finally {
        await os.stop();
      }
    });
  });

  describe("through the CLI and the S3 plane", function () {
    it("otterstorage-local --faults <file> injects the faults and logs each one (without secrets)", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-faults-cli-"));
      const file = path.join(dir, "faults.json");
      fs.writeFileSync(file, JSON.stringify({ seed: 3, rules: [{ route: "GET /v1/buckets", p503: 1, retryAfterSeconds: 0 }] }));
      const cli = await startCli(["--memory", "--faults", file]);
      try {
        const api = control({ controlUrl: cli.ready.controlUrl, token: cli.ready.token });
        const r = await api.get("/v1/buckets");
        assert.equal(r.status, 503);
        assert.equal(r.body.code, "ServiceUnavailable");
        assert.equal((await api.post("/v1/buckets", { name: "not-faulted" })).status, 201);
        await cli.stop();
        assert.match(cli.stdout(), /fault injected: 503 plane=control method=GET path=\/v1\/buckets/);
        assert.ok(!cli.stdout().split("\n").slice(1).join("\n").includes(cli.ready.token));
      } finally {
        await cli.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("the SDK's own retries carry 60 PUT+GETs through 20% S3-plane faults, byte-identical", async () => {
      const { os: h, stats } = await startWithFaults({ memory: true }, { seed: SEED, rules: [{ route: "* /*", plane: "s3", p429: 0.05, p500: 0.05, p503: 0.05, pReset: 0.05, retryAfterSeconds: 0 }] });
      try {
        const api = control(h);
        assert.equal((await api.post("/v1/buckets", { name: "s3-faults" })).status, 201);
        const key = (await api.post("/v1/buckets/s3-faults/access-keys", {})).body;
        const s3 = new S3Client({ endpoint: h.s3Url, region: "eu-mad", forcePathStyle: true, credentials: key, maxAttempts: 8, retryMode: "standard" });
        for (let i = 0; i < 60; i++) {
          await s3.send(new PutObjectCommand({ Bucket: "s3-faults", Key: `o${i}`, Body: `body ${i}` }));
          assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: "s3-faults", Key: `o${i}` }))).Body!.transformToString(), `body ${i}`);
        }
        s3.destroy();
        assert.ok(Object.values(stats.injected).reduce((a, b) => a + b, 0) >= 10, JSON.stringify(stats));
      } finally {
        await h.stop();
      }
    });
  });

  describe(`${KEYS} keys across ${BUCKETS} buckets through the dynamic-provider host, 20% of control requests failing`, function () {
    this.timeout(240_000);
    let run: Awaited<ReturnType<typeof runFaultScenario>>;

    before(async function () {
      run = await runFaultScenario({ keys: KEYS, buckets: BUCKETS, inFlight: 8, seed: SEED });
      const total = Object.values(run.stats.injected).reduce((a, b) => a + b, 0);
      // Printed with the spec output, so the CI log carries the figures.
      console.log(`      fault run: create ${(run.createMs / 1000).toFixed(1)} s, destroy ${(run.destroyMs / 1000).toFixed(1)} s, ` +
        `${total}/${run.stats.matched} requests faulted ${JSON.stringify(run.stats.injected)}, ${run.stats.replayed} idempotent replays, ${run.rerunCreates} re-runs`);
    });

    it("injected every kind of fault, post-processing ones included, and the service replayed lost creates", () => {
      for (const [kind, n] of Object.entries(run.stats.injected)) assert.ok(n > 0, `no ${kind} fault was injected`);
      const share = Object.values(run.stats.injected).reduce((a, b) => a + b, 0) / run.stats.matched;
      assert.ok(share > 0.12 && share < 0.28, `fault share ${share}`);
      assert.ok(run.stats.replayed > 0, "no create was replayed: the post-processing faults did not hit a create");
    });

    it("converges: the service holds exactly the keys and buckets the recorded state holds (0 orphans, 0 duplicates)", () => {
      const stateKeys = run.state.filter((s) => s.urn.includes(":AccessKey::"));
      const stateBuckets = run.state.filter((s) => s.urn.includes(":Bucket::"));
      assert.equal(stateKeys.length, KEYS);
      assert.equal(stateBuckets.length, BUCKETS);
      const serviceIds = run.afterCreate.activeKeys.map((k) => k.id);
      const orphans = serviceIds.filter((id) => !stateKeys.some((s) => s.id === id));
      const labels = new Map<string, number>();
      for (const k of run.afterCreate.activeKeys) labels.set(String(k.label), (labels.get(String(k.label)) ?? 0) + 1);
      const duplicates = [...labels.values()].filter((n) => n > 1).length;
      assert.equal(orphans.length, 0, `orphan keys: ${orphans.join(", ")}`);
      assert.equal(duplicates, 0, "a label appears on more than one key");
      assert.deepEqual([...serviceIds].sort(), stateKeys.map((s) => s.id).sort());
      assert.deepEqual(run.afterCreate.buckets, stateBuckets.map((s) => s.id).sort());
      for (const s of stateKeys) assert.equal(run.afterCreate.activeKeys.find((k) => k.id === s.id)?.bucket, s.outputs.bucket);
    });

    it("every recorded secret is the service's secret for that key (a replayed create returned the first secret)", () => {
      assert.equal(run.secretsMatch, KEYS);
    });

    it("after destroy the service holds no key and no bucket", () => {
      assert.deepEqual(run.afterDestroy, { activeKeys: 0, buckets: 0 });
    });

    it("the host logged no secret", () => {
      for (const s of run.state) if (s.outputs.secretAccessKey) assert.ok(!run.hostStderr.includes(s.outputs.secretAccessKey));
    });
  });
});
