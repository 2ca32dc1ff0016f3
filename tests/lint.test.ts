/**
 * The repo's habits, kept by a test so `npm test` counts them: ESLint (eslint.config.js: layers, import cycles,
 * declared dependencies, a small base set) runs clean over the whole repo, the layer rules do refuse what they
 * exist to refuse, and comments cite what a reader of this repo can open.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";

const ROOT = path.resolve(__dirname, "..", "..");

function describeMessages(results: ESLint.LintResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    for (const m of r.messages) {
      out.push(`${path.relative(ROOT, r.filePath)}:${m.line}:${m.column} ${m.ruleId ?? "(parse)"}: ${m.message}`);
    }
  }
  return out;
}

describe("lint (eslint.config.js)", function () {
  this.timeout(120_000);
  const eslint = new ESLint({ cwd: ROOT });

  it("the whole repo lints clean", async () => {
    const problems = describeMessages(await eslint.lintFiles(["."]));
    assert.deepEqual(problems, [], `eslint found ${problems.length} problem(s) (run \`npx eslint .\`):\n${problems.join("\n")}`);
  });

  // Each case: a file of one layer importing something; the rule must report exactly when `refused` is true.
  const cases: { file: string; source: string; refused: boolean }[] = [
    { file: "sdk/probe.ts", source: "otterstorage-local", refused: true },
    { file: "provider/dynamic/probe.ts", source: "../../emulator/store", refused: true },
    { file: "provider/probe.ts", source: "otterstorage-local", refused: true },
    { file: "audit/probe.ts", source: "otterstorage-local/dist/index.js", refused: true },
    { file: "api/probe.ts", source: "../provider/errors", refused: true },
    { file: "api/probe.ts", source: "pulumi-otterstorage", refused: true },
    { file: "api/probe.ts", source: "otterstorage-local", refused: true },
    { file: "api/probe.ts", source: "./schemas", refused: false },
    { file: "emulator/s3/handlers/probe.ts", source: "../../../provider/client", refused: true },
    { file: "emulator/control/probe.ts", source: "../../sdk", refused: true },
    { file: "emulator/control/probe.ts", source: "../../audit/cli", refused: true },
    { file: "emulator/control/probe.ts", source: "../../api/schemas", refused: true },
    { file: "emulator/probe.ts", source: "pulumi-otterstorage", refused: true },
    { file: "emulator/control/probe.ts", source: "otterstorage-api", refused: false },
    { file: "provider/probe.ts", source: "otterstorage-api", refused: false },
    { file: "provider/probe.ts", source: "../api/schemas", refused: true },
    { file: "sdk/probe.ts", source: "../provider/errors", refused: false },
    { file: "provider/probe.ts", source: "../sdk", refused: true },
    { file: "provider/dynamic/probe.ts", source: "@pulumi/pulumi", refused: true },
    { file: "sdk/probe.ts", source: "@pulumi/pulumi", refused: false },
    { file: "terraform/probe.ts", source: "../provider/bucket", refused: false },
    { file: "terraform/probe.ts", source: "otterstorage-api", refused: false },
    { file: "terraform/probe.ts", source: "../sdk", refused: true },
    { file: "terraform/probe.ts", source: "otterstorage-local", refused: true },
    { file: "terraform/probe.ts", source: "@pulumi/pulumi", refused: true },
  ];

  for (const c of cases) {
    it(`${c.file} importing "${c.source}" is ${c.refused ? "refused" : "allowed"} by the layer rules`, async () => {
      const [r] = await eslint.lintText(`import * as probe from "${c.source}";\nexport { probe };\n`, { filePath: path.join(ROOT, c.file) });
      const layer = r.messages.filter((m) => m.ruleId === "no-restricted-imports" || m.ruleId === "@typescript-eslint/no-restricted-imports");
      assert.equal(layer.length, c.refused ? 1 : 0, describeMessages([r]).join("\n") || "no message");
    });
  }

  it("provider/ may import Pulumi's types (import type), which leave nothing at run time", async () => {
    const [r] = await eslint.lintText(`import type * as pulumi from "@pulumi/pulumi";\nexport type P = pulumi.Input<string>;\n`, { filePath: path.join(ROOT, "provider/probe.ts") });
    assert.deepEqual(r.messages.filter((m) => /no-restricted-imports$/.test(m.ruleId ?? "")), []);
  });

  it("an import circle is refused (xml.ts importing errors.ts, which imports xml.ts)", async () => {
    const code = `import { S3Error } from "./errors";\nexport const probe = S3Error;\n`;
    const [r] = await eslint.lintText(code, { filePath: path.join(ROOT, "emulator/s3/xml.ts") });
    assert.deepEqual(r.messages.map((m) => m.ruleId), ["import-x/no-cycle"], describeMessages([r]).join("\n"));
  });

  it("product code may not import a devDependency; tests may", async () => {
    const code = `import * as fc from "fast-check";\nexport { fc };\n`;
    const [product] = await eslint.lintText(code, { filePath: path.join(ROOT, "emulator/probe.ts") });
    assert.deepEqual(product.messages.map((m) => m.ruleId), ["import-x/no-extraneous-dependencies"]);
    const [test] = await eslint.lintText(code, { filePath: path.join(ROOT, "tests/probe.test.ts") });
    assert.deepEqual(test.messages.map((m) => m.ruleId), []);
  });
});

/**
 * Comments, test names and docs cite what a reader of this repo can open: a file in the repo, an RFC, an AWS doc,
 * a Pulumi issue or PR URL, the OtterStorage guide by its title ("Configure access keys"). Not the tracker's issue
 * numbers, defect numbers of a review, work "waves", or notes outside the repository.
 */
describe("citations", () => {
  const UNOPENABLE: { re: RegExp; what: string }[] = [
    { re: /\bissue \d+/i, what: "an issue number of this project's tracker" },
    { re: /\bdefect \d+/i, what: "a defect number of a review" },
    { re: /\bwave ?[12]\b/i, what: "a work wave" },
    { re: /\bresearch\//i, what: "research notes outside the repository" },
    // "seed signature" is SigV4's own term (aws-chunked uploads, the first chunk's chain link).
    { re: /\bthe seed\b(?! signature)/i, what: "a page outside the repository (cite the OtterStorage guide \"Configure access keys\")" },
    { re: /\bseed(?:'s)? (?:option|page|guide)\b/i, what: "a page outside the repository (cite the OtterStorage guide \"Configure access keys\")" },
  ];

  it("no tracked file cites what a reader cannot open", () => {
    const ls = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(ls.status, 0, `git ls-files: ${ls.stderr}`);
    const files = ls.stdout.split("\0").filter((f) => f && f !== "package-lock.json" && !f.endsWith(".png"));
    assert.ok(files.length > 100, `git ls-files listed ${files.length} files`);
    const found: string[] = [];
    for (const f of files) {
      const full = path.join(ROOT, f);
      if (!fs.existsSync(full) || !fs.statSync(full).isFile()) continue;
      const lines = fs.readFileSync(full, "utf8").split("\n");
      lines.forEach((line, i) => {
        for (const u of UNOPENABLE) {
          const m = u.re.exec(line);
          if (m) found.push(`${f}:${i + 1}: "${m[0]}" cites ${u.what}`);
        }
      });
    }
    assert.deepEqual(found, [], `cite a file of the repo, an RFC, an AWS doc or a Pulumi issue URL instead:\n${found.join("\n")}`);
  });
});
