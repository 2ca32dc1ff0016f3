/**
 * What the default CRC64NVME (emulator/s3/handlers/object.ts, PutObject without a client checksum) costs per body:
 * the emulator's own Checksummer (emulator/s3/auth/checksums.ts -> crc64nvme.ts, slicing-by-16) over 4 KiB and
 * 8 MiB buffers, next to @aws-sdk/crc64-nvme (slicing-by-8, what it used before), the MD5 every PUT already
 * computes for its ETag, and the CRC32 of node:zlib. A CPU-only
 * microbenchmark for a busy box, where `npm run bench:s3` would measure the neighbours; docs/benchmarks.md records it.
 *   node dist/bench/checksum-cost.js
 */
import { createHash, randomBytes } from "node:crypto";
import * as os from "node:os";
import { Crc64Nvme } from "@aws-sdk/crc64-nvme";
import { createChecksum } from "otterstorage-local/dist/s3/auth/checksums";

type Fn = (b: Buffer) => Promise<unknown>;
const algs: Record<string, Fn> = {
  crc64nvme: async (b) => { const s = createChecksum("crc64nvme"); s.update(b); return s.digest(); },
  "crc64nvme (@aws-sdk/crc64-nvme)": async (b) => { const s = new Crc64Nvme(); s.update(b); return s.digest(); },
  md5: async (b) => createHash("md5").update(b).digest(),
  crc32: async (b) => { const s = createChecksum("crc32"); s.update(b); return s.digest(); },
};

async function usPerCall(fn: Fn, buf: Buffer, calls: number): Promise<number> {
  for (let i = 0; i < Math.min(calls, 50); i++) await fn(buf); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await fn(buf);
  return Number(process.hrtime.bigint() - t0) / 1000 / calls;
}

async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const sizes: Array<[string, Buffer, number]> = [["4KiB", randomBytes(4096), 20_000], ["8MiB", randomBytes(8 * 1024 * 1024), 20]];
  const out: Record<string, Record<string, { usPerCall: number; MiBps: number }>> = {};
  for (const [label, buf, calls] of sizes) {
    out[label] = {};
    for (const [name, fn] of Object.entries(algs)) {
      const runs: number[] = [];
      for (let r = 0; r < rounds; r++) runs.push(await usPerCall(fn, buf, calls));
      runs.sort((a, b) => a - b);
      const us = runs[Math.floor(runs.length / 2)];
      out[label][name] = { usPerCall: Math.round(us * 100) / 100, MiBps: Math.round(buf.length / (1024 * 1024) / (us / 1e6)) };
    }
  }
  console.log(JSON.stringify({ bench: "checksum-cost", node: process.version, load: os.loadavg().map((l) => Math.round(l * 100) / 100), rounds, medians: out }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
