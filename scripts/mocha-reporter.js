// Mocha's spec output, then the one closing line CI reads: "N passed, N failed, N skipped".
// Pending (skipped) tests are reported as skipped, never as passed, and listed with their reason first.
// Tests that never ran because a `before`/`beforeEach` hook of their suite failed are counted as failed, one each
// (mocha itself counts the hook once and never mentions its tests), and listed. A hook that calls this.skip()
// makes mocha report its tests pending, so they stay skipped. Checked by tests/mocha-reporter.test.ts.
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PENDING, EVENT_TEST_FAIL } = Mocha.Runner.constants;
// Set by tests/support/skip.ts skipBecause() on the test, or on the suite when a hook skipped it.
const SKIP_REASON = "__otterSkipReason";
const COUNTED = "__otterCounted";
const BEFORE_HOOK = /^"before (all|each)" hook/;

function reasonOf(test) {
  for (let r = test; r; r = r.parent) if (r[SKIP_REASON]) return r[SKIP_REASON];
  return "no reason given (it.skip, or this.skip() without skipBecause from tests/support/skip.ts)";
}

/** Tests of `suite` (and its nested suites) with no outcome yet, split into declared-pending (it.skip) and the rest. */
function unreached(suite) {
  const out = { pending: [], other: [] };
  const walk = (s) => {
    for (const t of s.tests) if (!t.state) (t.isPending() ? out.pending : out.other).push(t);
    for (const c of s.suites) walk(c);
  };
  walk(suite);
  return out;
}

class CountingSpec extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    // Tests counted as failed for a failed before hook; mocha's own count has the hook once per failure.
    const unrun = new Set();
    let hookFailures = 0;
    let hookCounted = 0;
    runner.on(EVENT_TEST_PENDING, (test) => {
      if (test[COUNTED]) return;
      test[COUNTED] = true;
      skipped.push(`  - ${test.fullTitle()}: ${reasonOf(test)}`);
    });
    runner.on(EVENT_TEST_FAIL, (runnable) => {
      if (runnable.type !== "hook" || !BEFORE_HOOK.test(runnable.title) || !runnable.parent) return;
      hookFailures++;
      const { pending, other } = unreached(runnable.parent);
      // An it.skip under the failed hook is never reached either; it is still a skipped test, not a missing one.
      for (const t of pending) if (!t[COUNTED]) { t[COUNTED] = true; skipped.push(`  - ${t.fullTitle()}: ${reasonOf(t)}`); }
      const fresh = other.filter((t) => !unrun.has(t));
      for (const t of fresh) unrun.add(t);
      // A failed before hook with no test left under it still fails the run: it stays counted once.
      hookCounted += Math.max(1, fresh.length);
    });
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      // Skipped = every pending test mocha reported plus it.skip tests under a failed before hook (never reached).
      if (skipped.length) process.stdout.write(`\nSkipped (${skipped.length}), and why:\n${skipped.join("\n")}\n`);
      if (unrun.size) {
        const lines = [...unrun].map((t) => `  - ${t.fullTitle()}`);
        process.stdout.write(`\nNot run because a before hook failed (${unrun.size}), counted as failed:\n${lines.join("\n")}\n`);
      }
      const failed = (s.failures || 0) - hookFailures + hookCounted;
      // Spec registered its epilogue on this same event first, so this line comes after it. Written synchronously:
      // with `exit: true` mocha ends the process right after the run, before any deferred write.
      process.stdout.write(`\n${s.passes || 0} passed, ${failed} failed, ${skipped.length} skipped\n`);
    });
  }
}
module.exports = CountingSpec;
