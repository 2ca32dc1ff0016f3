#!/usr/bin/env bash
# The long fuzz run: tests/evidence-fuzz.test.ts with many more requests per plane and a fresh seed,
# printed first so a failure can be replayed: FUZZ_SEED=<seed> FUZZ_RUNS=<n> npm run fuzz:long
# Defaults: 50000 requests per plane (about a minute on 2 cores; 20000 took 23 s).
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_RUNS="${FUZZ_RUNS:-50000}"
export FUZZ_SEED="${FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
echo "fuzz:long: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS}"
node scripts/build.js
MOCHA_SPEC=dist/tests/evidence-fuzz.test.js npx mocha
