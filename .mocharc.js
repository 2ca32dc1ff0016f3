// Tests are TypeScript compiled by `npm run build` into dist/ (the dynamic-provider host needs JavaScript anyway).
module.exports = {
  spec: process.env.MOCHA_SPEC ? process.env.MOCHA_SPEC.split(",") : ["dist/tests/**/*.test.js"],
  reporter: require.resolve("./scripts/mocha-reporter.js"),
  timeout: 60000,
  slow: 5000,
  exit: true,
  // Always, not only when CI is set: an it.only/describe.only left in silently drops every other test from the
  // closing count, locally as much as in CI. Focus a run with MOCHA_SPEC or --grep instead.
  // Checked by tests/mocha-reporter.test.ts ".mocharc.js forbidOnly".
  forbidOnly: true,
  require: [require.resolve("./scripts/mocha-setup.js")],
};
