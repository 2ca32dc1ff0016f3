// Tests are TypeScript compiled by `npm run build` into dist/ (the dynamic-provider host needs JavaScript anyway).
module.exports = {
  spec: process.env.MOCHA_SPEC ? process.env.MOCHA_SPEC.split(",") : ["dist/tests/**/*.test.js"],
  reporter: require.resolve("./scripts/mocha-reporter.js"),
  timeout: 60000,
  slow: 5000,
  exit: true,
  require: [require.resolve("./scripts/mocha-setup.js")],
};
