/**
 * The closing line CI counts ("N passed, N failed, N skipped", scripts/mocha-reporter.js) and .mocharc.js's
 * forbidOnly, checked by running real mocha in a child process over small spec files written to a temp dir.
 * Mocha alone counts a failed `before` hook once and never mentions the tests under it; here they must count as
 * failed, one each, while a hook that calls this.skip() leaves its tests skipped.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const REPORTER = path.join(ROOT, "scripts", "mocha-reporter.js");
const MOCHA = require.resolve("mocha/bin/mocha.js");

interface Run { status: number | null; out: string; closing: string }

/** Writes `spec` to a temp file and runs mocha over it: with the reporter only, or with the repo's .mocharc.js. */
function runMocha(spec: string, how: "reporter" | "repo-config" = "reporter"): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-reporter-"));
  try {
    const file = path.join(dir, "fixture.spec.js");
    fs.writeFileSync(file, spec);
    const args = how === "reporter"
      ? [MOCHA, "--no-config", "--no-package", "--reporter", REPORTER, file]
      : [MOCHA, "--config", path.join(ROOT, ".mocharc.js"), "--no-package"];
    const env = { ...process.env, MOCHA_SPEC: file };
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", env, timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    const lines = r.stdout.trim().split("\n");
    return { status: r.status, out, closing: lines[lines.length - 1] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("scripts/mocha-reporter.js closing line (real mocha in a child process)", function () {
  this.timeout(120_000);

  it("all pass: 3 passed, 0 failed, 0 skipped (exit 0)", () => {
    const r = runMocha(`describe("s", () => { it("a", () => {}); it("b", () => {}); it("c", () => {}); });`);
    assert.equal(r.closing, "3 passed, 0 failed, 0 skipped", r.out);
    assert.equal(r.status, 0);
  });

  it("one failing test: 2 passed, 1 failed", () => {
    const r = runMocha(`describe("s", () => { it("a", () => {}); it("b", () => { throw new Error("no"); }); it("c", () => {}); });`);
    assert.equal(r.closing, "2 passed, 1 failed, 0 skipped", r.out);
    assert.notEqual(r.status, 0);
  });

  it("a failing before hook over 3 tests: 3 failed (not 1, not absent), and they are listed", () => {
    const r = runMocha(`
      describe("ok", () => { it("fine", () => {}); });
      describe("broken", () => {
        before(() => { throw new Error("setup failed"); });
        it("t1", () => {}); it("t2", () => {}); it("t3", () => {});
      });`);
    assert.equal(r.closing, "1 passed, 3 failed, 0 skipped", r.out);
    assert.match(r.out, /counted as failed:\n {2}- broken t1\n {2}- broken t2\n {2}- broken t3/);
    assert.notEqual(r.status, 0);
  });

  it("a failing beforeEach counts the test it ran for and the ones after it; earlier passes stay passed", () => {
    const r = runMocha(`
      describe("each", () => {
        let n = 0;
        beforeEach(() => { if (++n === 2) throw new Error("second setup failed"); });
        it("e1", () => {}); it("e2", () => {}); it("e3", () => {});
      });`);
    assert.equal(r.closing, "1 passed, 2 failed, 0 skipped", r.out);
  });

  it("a before hook that calls this.skip() leaves its tests skipped, not failed", () => {
    const r = runMocha(`
      describe("optional tool", function () {
        before(function () { this.skip(); });
        it("u1", () => {}); it("u2", () => {});
      });
      describe("other", () => { it("runs", () => {}); });`);
    assert.equal(r.closing, "1 passed, 0 failed, 2 skipped", r.out);
    assert.equal(r.status, 0);
  });

  it("nested suites: a failing outer before hook fails the tests of every nested suite; siblings are unaffected", () => {
    const r = runMocha(`
      describe("outer", () => {
        before(() => { throw new Error("outer setup failed"); });
        it("o1", () => {});
        describe("inner", () => {
          it("i1", () => {});
          describe("innermost", () => { it("ii1", () => {}); it("ii2", () => {}); });
        });
      });
      describe("sibling", () => {
        describe("child", () => {
          before(function () { this.skip(); });
          it("s1", () => {});
        });
        it("s2", () => {});
        it("s3", () => { throw new Error("no"); });
      });`);
    assert.equal(r.closing, "1 passed, 5 failed, 1 skipped", r.out);
  });

  it("a failing before hook in a suite with no tests still fails the run (counted once)", () => {
    const r = runMocha(`
      describe("empty", () => { before(() => { throw new Error("x"); }); describe("none", () => { it.skip("later", () => {}); }); });
      describe("ok", () => { it("fine", () => {}); });`);
    assert.equal(r.closing, "1 passed, 1 failed, 1 skipped", r.out);
    assert.notEqual(r.status, 0);
  });
});

describe(".mocharc.js forbidOnly", function () {
  this.timeout(120_000);

  it("refuses a run with an it.only left in (the rest of the suite would silently drop out of the count)", () => {
    const r = runMocha(`describe("s", () => { it.only("focused", () => {}); it("dropped", () => {}); });`, "repo-config");
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /forbid/i);
  });
});

describe("skips name their reason", () => {
  it("no test or hook under tests/ calls a bare this.skip() (use skipBecause from tests/support/skip.ts)", () => {
    const dir = path.join(ROOT, "tests");
    const bare: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".ts") && !["skip.ts", "mocha-reporter.test.ts"].includes(e.name)) {
          fs.readFileSync(p, "utf8").split("\n").forEach((l, i) => { if (/\bthis\.skip\(\)/.test(l)) bare.push(`${path.relative(ROOT, p)}:${i + 1}`); });
        }
      }
    };
    walk(dir);
    assert.deepEqual(bare, []);
  });
});

describe("scripts/test.js: two halves at once, one honest closing line", function () {
  this.timeout(120_000);

  it("sums both halves into the last line; each half's own line is wrapped so it is not read as the run's; a failure fails the run", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-halves-"));
    try {
      fs.mkdirSync(path.join(dir, "dist", "tests"), { recursive: true });
      fs.writeFileSync(path.join(dir, ".mocharc.js"), `module.exports = { spec: process.env.MOCHA_SPEC.split(","), reporter: ${JSON.stringify(REPORTER)}, exit: true };\n`);
      fs.writeFileSync(path.join(dir, "dist", "tests", "engine-a.test.js"), `it("passes", () => {}); it("is skipped", function () { this.skip(); });\n`);
      fs.writeFileSync(path.join(dir, "dist", "tests", "b.test.js"), `it("passes too", () => {}); it("fails", () => { throw new Error("no"); });\n`);
      const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "test.js")], { cwd: dir, encoding: "utf8", env: { ...process.env, MOCHA_SPEC: "", OTTER_TEST_ROOT: dir }, timeout: 60_000 });
      const lines = r.stdout.trim().split("\n");
      assert.equal(lines[lines.length - 1], "2 passed, 1 failed, 1 skipped", r.stdout);
      assert.equal(lines.filter((l) => /^\d+ passed, \d+ failed/.test(l)).length, 1, "exactly one closing line");
      assert.match(r.stdout, /\(engine and OpenTofu suites: 1 passed, 0 failed, 1 skipped\)/);
      assert.match(r.stdout, /\(the other suites: 1 passed, 1 failed, 0 skipped\)/);
      assert.equal(r.status, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

