/**
 * `pulumi up` and `pulumi destroy` of 10 Buckets + 100 AccessKeys (10 per bucket) through the real engine, against
 * the same 110 creates (and deletes) as raw Control API calls, and against the engine's own cost for 110 resources:
 * a no-op dynamic resource whose create/delete return at once. All three in the same run, rounds interleaved.
 *
 *   npm run build && node dist/bench/engine-up.js         (ROUNDS=2, KEYS_PER_BUCKET=10, BUCKETS=10)
 *
 * Provider overhead = (ours − no-op − raw service work) ÷ no-op: what our provider adds on top of what the engine
 * itself costs for the same number of resources, with the service's own time (the raw calls) taken out. Also
 * printed: ours ÷ no-op without taking the service out. Readiness is left on (the default users get), so every
 * key also costs one signed S3 HeadBucket (READINESS=off turns it off, to see its share).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { startOtterStorage } from "otterstorage-local";
import { findPulumi, PASSPHRASE } from "../tests/support/pulumi";
import { machine, median, round, timedPool } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const BUCKETS = Number(process.env.BUCKETS ?? 10);
const PER = Number(process.env.KEYS_PER_BUCKET ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 2);

const OURS = `
const otter = require("pulumi-otterstorage");
for (let b = 0; b < ${BUCKETS}; b++) {
  const bucket = new otter.Bucket("b" + b, { forceDestroy: true });
  for (let k = 0; k < ${PER}; k++) new otter.AccessKey("k" + b + "-" + k, { bucket: bucket.name, label: "bench-" + k${process.env.READINESS === "off" ? ", readiness: { disabled: true }" : ""} });
}
`;
const NOOP = `
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create(inputs) { return { id: inputs.name, outs: inputs }; },
  async delete() {},
  async diff() { return { changes: false }; },
  async update(id, olds, news) { return { outs: news }; },
};
class Noop extends pulumi.dynamic.Resource { constructor(name, args, opts) { super(provider, name, args, opts); } }
for (let b = 0; b < ${BUCKETS}; b++) {
  const bucket = new Noop("b" + b, { name: "b" + b });
  for (let k = 0; k < ${PER}; k++) new Noop("k" + b + "-" + k, { name: "k" + b + "-" + k, bucket: bucket.id });
}
`;

function pulumi(bin: string, dir: string, env: NodeJS.ProcessEnv, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const c = spawn(bin, args, { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    c.stderr.on("data", (d) => (err += d));
    c.once("close", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`pulumi ${args.join(" ")} exited ${code}: ${err}`))));
  });
}

async function main() {
  const cli = findPulumi();
  if ("missing" in cli) throw new Error(cli.missing);
  const os = await startOtterStorage({ memory: true });
  const scratch = fs.mkdtempSync(path.join(ROOT, ".cache", "bench-engine-"));
  const project = (name: string, program: string) => {
    const dir = path.join(scratch, name);
    fs.mkdirSync(path.join(dir, "home"), { recursive: true });
    fs.mkdirSync(path.join(dir, "state"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    fs.writeFileSync(path.join(dir, "index.js"), program);
    const env: NodeJS.ProcessEnv = {
      PATH: [cli.dir, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
      HOME: dir, PULUMI_HOME: path.join(dir, "home"), PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      OTTERSTORAGE_ENDPOINT: os.controlUrl, OTTERSTORAGE_TOKEN: os.token,
      // Engine knobs from the caller, e.g. PULUMI_SKIP_CHECKPOINTS=true to see what intermediate checkpoints cost.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("PULUMI_") && !["PULUMI_HOME", "PULUMI_BACKEND_URL"].includes(k))),
    };
    return { dir, env };
  };
  const ours = project("bench-ours", OURS);
  const noop = project("bench-noop", NOOP);
  for (const p of [ours, noop]) await pulumi(cli.bin, p.dir, p.env, ["stack", "init", "bench", "--secrets-provider", "passphrase", "--non-interactive"]);
  const upArgs = ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"];
  const downArgs = ["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"];

  const h = { authorization: `Bearer ${os.token}`, "content-type": "application/json" };
  async function raw(round: number): Promise<{ create: number; delete: number }> {
    const names = Array.from({ length: BUCKETS }, (_, b) => `raw-${round}-${b}-${process.pid}`);
    const keys: [string, string][] = [];
    const t0 = performance.now();
    await timedPool(BUCKETS, BUCKETS, async (b) => {
      const r = await fetch(`${os.controlUrl}/v1/buckets`, { method: "POST", headers: h, body: JSON.stringify({ name: names[b] }) });
      if (r.status !== 201) throw new Error(`create bucket ${r.status}`);
      await timedPool(PER, PER, async (k) => {
        const kr = await fetch(`${os.controlUrl}/v1/buckets/${names[b]}/access-keys`, { method: "POST", headers: h, body: JSON.stringify({ label: `bench-${k}` }) });
        if (kr.status !== 201) throw new Error(`create key ${kr.status}`);
        keys.push([names[b], ((await kr.json()) as { accessKeyId: string }).accessKeyId]);
      });
    });
    const create = performance.now() - t0;
    const t1 = performance.now();
    await timedPool(keys.length, keys.length, async (i) => {
      const r = await fetch(`${os.controlUrl}/v1/buckets/${keys[i][0]}/access-keys/${keys[i][1]}`, { method: "DELETE", headers: h });
      if (r.status !== 204) throw new Error(`revoke ${r.status}`);
    });
    await timedPool(BUCKETS, BUCKETS, async (b) => {
      const r = await fetch(`${os.controlUrl}/v1/buckets/${names[b]}?force=true`, { method: "DELETE", headers: h });
      if (r.status !== 204) throw new Error(`delete bucket ${r.status}`);
    });
    return { create, delete: performance.now() - t1 };
  }

  const samples: Record<string, number[]> = { oursUp: [], oursDown: [], noopUp: [], noopDown: [], rawCreate: [], rawDelete: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? [noop, ours] : [ours, noop];
    for (const p of order) {
      const tag = p === ours ? "ours" : "noop";
      samples[`${tag}Up`].push(await pulumi(cli.bin, p.dir, p.env, upArgs));
      samples[`${tag}Down`].push(await pulumi(cli.bin, p.dir, p.env, downArgs));
    }
    const rw = await raw(r);
    samples.rawCreate.push(rw.create);
    samples.rawDelete.push(rw.delete);
  }
  await os.stop();
  fs.rmSync(scratch, { recursive: true, force: true });

  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const overhead = (o: number, n: number, rawMs: number) => round(((o - n - rawMs) / n) * 100, 1);
  console.log(JSON.stringify({
    bench: "engine-up", cli: cli.version, host: cli.hostVersion, resources: BUCKETS * (PER + 1), rounds: ROUNDS, machine: machine(),
    medianMs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])),
    up: { oursOverNoop: round(m.oursUp / m.noopUp, 2), engineShare: round(m.noopUp / m.oursUp, 2), providerAddsPct: overhead(m.oursUp, m.noopUp, m.rawCreate) },
    destroy: { oursOverNoop: round(m.oursDown / m.noopDown, 2), engineShare: round(m.noopDown / m.oursDown, 2), providerAddsPct: overhead(m.oursDown, m.noopDown, m.rawDelete) },
    samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(Math.round)])),
  }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
