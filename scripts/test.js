#!/usr/bin/env node
// `npm test` after the build: the suites in two mocha processes at once, then one closing line for CI.
//
// Why two: most of the run's wall time is the real-engine and OpenTofu suites waiting on other programs (the Pulumi
// CLI, language hosts, tofu, npm), while the in-process suites keep one core busy; on two cores running both halves
// side by side takes the run from ~20 to ~12 minutes. Safe because no two suites share anything: each starts its own
// Local OtterStorage on port 0, each engine project has its own folder, PULUMI_HOME and state, and nothing writes to
// dist/ after the build.
//
// Each half's output is printed whole when it ends (first finished, first printed), with its own closing line
// wrapped in parentheses so it is not read as the run's; the last line is the sum, "N passed, N failed, N skipped".
// A half that dies without a closing line counts as one failure. MOCHA_SPEC still runs what it names, in one process.
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

// OTTER_TEST_ROOT: another folder with dist/tests and a .mocharc.js (tests/mocha-reporter.test.ts runs this on fixtures).
const root = process.env.OTTER_TEST_ROOT ?? path.resolve(__dirname, "..");
const mocha = require.resolve("mocha/bin/mocha.js", { paths: [path.resolve(__dirname, "..")] });

if (process.env.MOCHA_SPEC) {
  const c = spawn(process.execPath, [mocha], { cwd: root, stdio: "inherit" });
  c.on("close", (code) => process.exit(code ?? 1));
  return;
}

const files = fs.readdirSync(path.join(root, "dist", "tests")).filter((f) => f.endsWith(".test.js")).sort();
// The suites that drive other programs: the Pulumi CLI and engine, tofu, npm pack/install, `npm run up`.
const external = (f) => /^(engine-|opentofu-|package-install|quickstart-up)/.test(f);
const halves = [
  { name: "engine and OpenTofu suites", files: files.filter(external) },
  { name: "the other suites", files: files.filter((f) => !external(f)) },
];

const CLOSING = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m;
const totals = { passed: 0, failed: 0, skipped: 0 };
let exit = 0;

Promise.all(
  halves.map(
    (h) =>
      new Promise((resolve) => {
        const env = { ...process.env, MOCHA_SPEC: h.files.map((f) => path.join("dist", "tests", f)).join(",") };
        const c = spawn(process.execPath, [mocha], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        c.stdout.on("data", (d) => (out += d));
        c.stderr.on("data", (d) => (out += d));
        c.on("close", (code) => {
          const m = CLOSING.exec(out);
          if (m) {
            totals.passed += Number(m[1]);
            totals.failed += Number(m[2]);
            totals.skipped += Number(m[3]);
          } else totals.failed += 1;
          if (code !== 0) exit = 1;
          process.stdout.write(`\n===== ${h.name} (${h.files.length} files) =====\n`);
          process.stdout.write(m ? out.replace(CLOSING, (line) => `(${h.name}: ${line})`) : `${out}\n(${h.name}: exited ${code} with no closing line: counted as 1 failed)\n`);
          resolve();
        });
      }),
  ),
).then(() => {
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exit(totals.failed > 0 ? 1 : exit);
});
