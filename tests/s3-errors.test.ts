import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { S3_ERRORS } from "otterstorage-local/dist/s3/errors";

describe("S3 error catalogue", () => {
  it("matches the table in docs/s3-compatibility.md code for code, status for status, message for message", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "s3-compatibility.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `([A-Za-z0-9]+)` \| (\d{3}) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), m[3]]);
    const catalogue = Object.entries(S3_ERRORS).map(([code, e]) => [code, e.status, e.message]);
    assert.deepEqual(rows.sort(), catalogue.sort());
  });
});
