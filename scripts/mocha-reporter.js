// Mocha's spec output, then the one closing line CI reads: "N passed, N failed, N skipped".
// Pending (skipped) tests are reported as skipped, never as passed.
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingSpec extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      // Spec registered its epilogue on this same event first, so this line comes after it. Written synchronously:
      // with `exit: true` mocha ends the process right after the run, before any deferred write.
      process.stdout.write(`\n${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped\n`);
    });
  }
}
module.exports = CountingSpec;
