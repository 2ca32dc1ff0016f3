/**
 * The provider's registry docs (terraform/docs) and its schema come from the field tables: the committed docs are
 * what terraform/docs.ts renders now, and every input and output of the tables is an attribute in snake_case.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ACCESS_KEY } from "../provider/accessKeyFields";
import { BUCKET } from "../provider/bucketFields";
import { DOCS_DIR, renderDocs } from "../terraform/docs";
import { ERRORS } from "../provider/errors";
import { namesOf } from "../terraform/names";
import { ACCESS_KEY_BLOCK, ACCESS_KEYS_DATA_BLOCK, BUCKET_BLOCK, BUCKET_DATA_BLOCK, PROVIDER_BLOCK, snake, type TfAttribute } from "../terraform/schema";
import { tofuWords } from "../terraform/words";

describe("OpenTofu provider docs and schema follow the field tables", function () {
  it("the committed terraform/docs files are fresh (run `npm run schema` after changing a table)", function () {
    for (const [file, text] of Object.entries(renderDocs())) {
      const committed = fs.readFileSync(path.join(DOCS_DIR, file), "utf8");
      assert.equal(committed, text, `terraform/docs/${file} is stale: run npm run schema`);
    }
  });

  it("every field of the Bucket and AccessKey tables is an attribute named in snake_case, documented on its page", function () {
    for (const [table, block, page] of [[BUCKET, BUCKET_BLOCK, "resources/bucket.md"], [ACCESS_KEY, ACCESS_KEY_BLOCK, "resources/access_key.md"]] as const) {
      const doc = fs.readFileSync(path.join(DOCS_DIR, page), "utf8");
      for (const name of [...Object.keys(table.inputs), ...Object.keys(table.outputs)]) {
        const attr = block.attributes.find((a) => a.key === name);
        assert.ok(attr, `${block.typeName} has ${snake(name)}`);
        assert.equal(attr.name, snake(name));
        assert.match(doc, new RegExp("^- `" + attr.name + "` \\(", "m"), `${page} documents ${attr.name}`);
      }
    }
  });

  it("secrets are sensitive and required inputs are required, as the tables say", function () {
    const key = (n: string) => ACCESS_KEY_BLOCK.attributes.find((a) => a.name === n)!;
    assert.equal(key("secret_access_key").sensitive, true);
    assert.equal(key("secret_access_key").computed, true);
    assert.equal(key("adopt").sensitive, true);
    assert.equal(key("bucket").required, true);
    assert.equal(key("label").optional && key("label").computed, true, "label: the service reports it");
    assert.equal(key("rotation_trigger").computed, undefined, "rotation_trigger is kept as configured");
  });

  it("descriptions and error hints speak OpenTofu: no Pulumi commands, no camelCase field names", function () {
    const camel = new RegExp(`\\b(${[...namesOf(BUCKET), ...namesOf(ACCESS_KEY)].join("|")})\\b`);
    const pulumiWords = /\bpulumi (up|preview|refresh|import|config)\b|\bstack secret\b|\bthis stack\b/i;
    const texts: [string, string][] = Object.entries(ERRORS).flatMap(([code, e]) => (e.hint ? [[code, tofuWords(e.hint)] as [string, string]] : []));
    const walk = (where: string, attrs: TfAttribute[]) => {
      for (const a of attrs) {
        texts.push([`${where}.${a.name}`, a.description]);
        if (a.nested) walk(`${where}.${a.name}`, a.nested);
      }
    };
    for (const b of [BUCKET_BLOCK, ACCESS_KEY_BLOCK, BUCKET_DATA_BLOCK, ACCESS_KEYS_DATA_BLOCK, PROVIDER_BLOCK]) {
      texts.push([b.typeName, b.description]);
      walk(b.typeName, b.attributes);
    }
    const bad = texts.filter(([, t]) => pulumiWords.test(t) || camel.test(t)).map(([w, t]) => `${w}: ${t}`);
    assert.deepEqual(bad, []);
  });
});
