/**
 * Fault-run convergence: the evidence suite's fault run (tests/evidence-faults.test.ts) timed — 200 AccessKeys
 * across 20 buckets through the real dynamic-provider host, 8 in flight, 20% of Control API requests failing
 * (429 with Retry-After 1 s, 500, 503, resets; 10 of the 20 points after the service processed the request),
 * then destroy. Median create and destroy seconds over BENCH_FAULT_RUNS (default 3) runs with different seeds;
 * every run must end with 0 orphans, 0 duplicates and nothing left after destroy. The same run without faults
 * (a rule with all probabilities 0, so the proxy hop stays) is the baseline.
 *
 *   npm run bench   (or: node dist/bench/fault-convergence.js; BENCH_FAULT_KEYS, BENCH_FAULT_BUCKETS)
 */
import { runFaultScenario } from "../tests/evidence-support";
import { machine, median, round } from "./support";

const RUNS = Number(process.env.BENCH_FAULT_RUNS ?? 3);
const KEYS = Number(process.env.BENCH_FAULT_KEYS ?? 200);
const BUCKETS = Number(process.env.BENCH_FAULT_BUCKETS ?? 20);

async function main(): Promise<void> {
  const runs: Array<{ seed: number; createS: number; destroyS: number; faulted: number; requests: number; replayed: number; reruns: number; clean: boolean }> = [];
  for (let r = 0; r < RUNS; r++) {
    const seed = 1000 + r;
    const x = await runFaultScenario({ keys: KEYS, buckets: BUCKETS, inFlight: 8, seed });
    const stateIds = new Set(x.state.filter((s) => s.urn.includes(":AccessKey::")).map((s) => s.id));
    const clean =
      x.afterCreate.activeKeys.length === KEYS && x.afterCreate.activeKeys.every((k) => stateIds.has(k.id)) && x.secretsMatch === KEYS &&
      x.afterDestroy.activeKeys === 0 && x.afterDestroy.buckets === 0;
    runs.push({
      seed, createS: x.createMs / 1000, destroyS: x.destroyMs / 1000,
      faulted: Object.values(x.stats.injected).reduce((a, b) => a + b, 0), requests: x.stats.matched, replayed: x.stats.replayed, reruns: x.rerunCreates, clean,
    });
  }
  const base: number[][] = [];
  for (let r = 0; r < RUNS; r++) {
    const x = await runFaultScenario({ keys: KEYS, buckets: BUCKETS, inFlight: 8, seed: r, faults: { rules: [{ route: "* /v1/*" }] } });
    base.push([x.createMs / 1000, x.destroyMs / 1000]);
  }
  console.log(JSON.stringify({
    benchmark: "fault-convergence",
    keys: KEYS, buckets: BUCKETS, inFlight: 8, faultShare: 0.2, runs: RUNS,
    medianCreateS: round(median(runs.map((x) => x.createS)), 2),
    medianDestroyS: round(median(runs.map((x) => x.destroyS)), 2),
    medianTotalS: round(median(runs.map((x) => x.createS + x.destroyS)), 2),
    baselineWithoutFaults: { medianCreateS: round(median(base.map((b) => b[0])), 2), medianDestroyS: round(median(base.map((b) => b[1])), 2) },
    perRun: runs.map((x) => ({ ...x, createS: round(x.createS, 2), destroyS: round(x.destroyS, 2) })),
    allClean: runs.every((x) => x.clean),
    machine: machine(),
  }, null, 2));
  if (!runs.every((x) => x.clean)) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
