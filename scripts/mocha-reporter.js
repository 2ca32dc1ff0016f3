// Mocha's spec output, then the one closing line CI reads: "N passed, N failed, N skipped".
// Pending (skipped) tests are reported as skipped, never as passed, and listed with their reason first.
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;
// Set by tests/support/skip.ts skipBecause() on the test, or on the suite when a hook skipped it.
const SKIP_REASON = "__otterSkipReason";

function reasonOf(test) {
  for (let r = test; r; r = r.parent) if (r[SKIP_REASON]) return r[SKIP_REASON];
  return "no reason given (it.skip, or this.skip() without skipBecause from tests/support/skip.ts)";
}

class CountingSpec extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    runner.on(EVENT_TEST_PENDING, (test) => skipped.push(`  - ${test.fullTitle()}: ${reasonOf(test)}`));
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      if (skipped.length) process.stdout.write(`\nSkipped (${skipped.length}), and why:\n${skipped.join("\n")}\n`);
      // Spec registered its epilogue on this same event first, so this line comes after it. Written synchronously:
      // with `exit: true` mocha ends the process right after the run, before any deferred write.
      process.stdout.write(`\n${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped\n`);
    });
  }
}
module.exports = CountingSpec;
