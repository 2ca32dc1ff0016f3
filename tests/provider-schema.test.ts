/**
 * schema.json (the Pulumi package schema) is generated from the api/ zod schemas by provider/schema.ts; this keeps
 * the committed file, the zod schemas, the provider's accepted inputs and the SDK classes in step.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as api from "otterstorage-api";
import { buildPackageSchema, renderSchema } from "../provider/schema";
import { BUCKET_INPUTS } from "../provider/bucket";
import { ACCESS_KEY_INPUTS } from "../provider/accessKey";

const ROOT = path.resolve(__dirname, "..", "..");
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
const bucket = schema.resources["otterstorage:index:Bucket"];
const key = schema.resources["otterstorage:index:AccessKey"];
const enumValues = (name: string) => schema.types[`otterstorage:index:${name}`].enum.map((e: { value: string }) => e.value);

/** Field names of `interface <name> { … }` and the `declare readonly` outputs of the class, from the SDK source. */
function sdkNames(file: string, argsInterface: string): { args: string[]; outputs: string[] } {
  const src = fs.readFileSync(path.join(ROOT, "sdk", file), "utf8");
  const body = new RegExp(`export interface ${argsInterface} \\{([\\s\\S]*?)\\n\\}`).exec(src)![1];
  return {
    args: [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]).sort(),
    outputs: [...src.matchAll(/declare readonly (\w+):/g)].map((m) => m[1]).sort(),
  };
}
const keys = (o: object) => Object.keys(o).sort();

describe("schema.json (Pulumi package schema)", () => {
  it("is exactly what provider/schema.ts generates (regenerate: npm run build && node dist/provider/schema.js --write)", () => {
    assert.equal(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"), renderSchema());
    assert.equal(schema.name, "otterstorage");
  });

  it("lists every CreateBucketRequest field (plus forceDestroy) as a Bucket input, and nothing else", () => {
    assert.deepEqual(keys(bucket.inputProperties), [...Object.keys(api.CreateBucketRequest.shape), "forceDestroy"].sort());
  });

  it("matches the inputs the provider's check accepts and the SDK's Args interfaces", () => {
    assert.deepEqual(keys(bucket.inputProperties), [...BUCKET_INPUTS].sort());
    assert.deepEqual(keys(key.inputProperties), [...ACCESS_KEY_INPUTS].sort());
    assert.deepEqual(sdkNames("bucket.ts", "BucketArgs").args, keys(bucket.inputProperties));
    assert.deepEqual(sdkNames("accessKey.ts", "AccessKeyArgs").args, keys(key.inputProperties));
  });

  it("matches the outputs the SDK classes declare", () => {
    assert.deepEqual(sdkNames("bucket.ts", "BucketArgs").outputs, keys(bucket.properties));
    assert.deepEqual(sdkNames("accessKey.ts", "AccessKeyArgs").outputs, keys(key.properties));
  });

  it("uses the zod enums", () => {
    assert.deepEqual(enumValues("StorageClass"), api.StorageClass.options);
    assert.deepEqual(enumValues("VersioningStatus"), api.VersioningStatus.options);
    assert.deepEqual(enumValues("BucketVersioning"), api.BucketVersioning.options);
    assert.deepEqual(enumValues("ObjectLockMode"), api.ObjectLock.shape.mode.options);
    assert.deepEqual(keys(schema.types["otterstorage:index:LifecycleRule"].properties), keys(api.LifecycleRule.shape ?? (api.LifecycleRule as any).def?.in?.shape ?? {}));
  });

  it("marks secretAccessKey, the adopt input (it carries a secret) and the token secret, and nothing else", () => {
    assert.equal(key.properties.secretAccessKey.secret, true);
    assert.equal(key.inputProperties.adopt.secret, true);
    assert.equal(schema.config.variables.token.secret, true);
    const secretPaths = JSON.stringify(schema).match(/"secret":true/g) ?? [];
    assert.equal(secretPaths.length, 3);
  });

  it("declares the four config variables and describes every property", () => {
    assert.deepEqual(keys(schema.config.variables), ["endpoint", "region", "s3Endpoint", "token"]);
    for (const r of [bucket, key]) {
      for (const [name, p] of Object.entries<{ description?: string }>({ ...r.inputProperties, ...r.properties })) assert.ok(p.description && p.description.length > 10, name);
      for (const req of r.required) assert.ok(req in r.properties, req);
    }
    assert.deepEqual(key.requiredInputs, ["bucket"]);
    assert.deepEqual(buildPackageSchema(), schema);
  });
});
