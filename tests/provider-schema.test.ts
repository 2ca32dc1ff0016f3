/**
 * schema.json (the Pulumi package schema), sdk/generated.ts (the SDK's XxxArgs and output properties) and the tables
 * of docs/resources.md are generated from the resources' field tables (provider/bucketFields.ts,
 * provider/accessKeyFields.ts) by `npm run schema`; this keeps the committed files, the zod schemas, the provider's
 * accepted inputs and the SDK classes in step. tests/sdk-args-types.test.ts checks the SDK's types at compile time.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as api from "otterstorage-api";
import { buildPackageSchema, renderSchema } from "../provider/schema";
import { BUCKET_INPUTS, BUCKET_REPLACE_KEYS, BUCKET_UPDATE_KEYS } from "../provider/bucket";
import { ACCESS_KEY_INPUTS, ACCESS_KEY_REPLACE_KEYS, ACCESS_KEY_UPDATE_KEYS } from "../provider/accessKey";
import { RESOURCES_DOC_PATH, renderResourcesDoc, renderSdk, SDK_PATH } from "../provider/codegen";
import * as generated from "../sdk/generated";

const ROOT = path.resolve(__dirname, "..", "..");
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
const bucket = schema.resources["otterstorage:index:Bucket"];
const key = schema.resources["otterstorage:index:AccessKey"];
const enumValues = (name: string) => schema.types[`otterstorage:index:${name}`].enum.map((e: { value: string }) => e.value);

const keys = (o: object) => Object.keys(o).sort();

describe("schema.json (Pulumi package schema)", () => {
  it("is exactly what provider/schema.ts generates from the field tables (regenerate: npm run schema)", () => {
    assert.equal(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"), renderSchema());
    assert.equal(schema.name, "otterstorage");
  });

  it("sdk/generated.ts and the tables of docs/resources.md are what provider/codegen.ts generates (regenerate: npm run schema)", () => {
    assert.equal(fs.readFileSync(SDK_PATH, "utf8"), renderSdk(), "sdk/generated.ts is stale: run `npm run schema`");
    const doc = fs.readFileSync(RESOURCES_DOC_PATH, "utf8");
    assert.equal(doc, renderResourcesDoc(doc), "docs/resources.md is stale: run `npm run schema`");
  });

  it("derives diff's replace and in-place sets from the tables", () => {
    // The rules docs/resources.md promises (a new field joins one of the sets without editing this test).
    const has = (set: readonly string[], names: string[]) => assert.deepEqual(names.filter((k) => !set.includes(k)), [], set.join(", "));
    has(BUCKET_REPLACE_KEYS, ["name", "region", "objectLock"]);
    has(BUCKET_UPDATE_KEYS, ["storageClass", "versioning", "legalHold", "lifecycleRules", "tags", "forceDestroy"]);
    has(ACCESS_KEY_REPLACE_KEYS, ["bucket", "rotationTrigger", "adopt"]);
    has(ACCESS_KEY_UPDATE_KEYS, ["label", "rotateAfterDays", "readiness", "profileName"]);
    // Every input is in exactly one of the two sets.
    assert.deepEqual([...BUCKET_REPLACE_KEYS, ...BUCKET_UPDATE_KEYS].sort(), [...BUCKET_INPUTS].sort());
    assert.deepEqual([...ACCESS_KEY_REPLACE_KEYS, ...ACCESS_KEY_UPDATE_KEYS].sort(), [...ACCESS_KEY_INPUTS].sort());
  });

  it("lists every CreateBucketRequest field (plus forceDestroy) as a Bucket input, and nothing else", () => {
    assert.deepEqual(keys(bucket.inputProperties), [...Object.keys(api.CreateBucketRequest.shape), "forceDestroy"].sort());
  });

  it("matches the inputs the provider's check accepts and the SDK's Args interfaces", () => {
    assert.deepEqual(keys(bucket.inputProperties), [...BUCKET_INPUTS].sort());
    assert.deepEqual(keys(key.inputProperties), [...ACCESS_KEY_INPUTS].sort());
    // What the SDK classes register (their types: tests/sdk-args-types.test.ts).
    assert.deepEqual([...generated.BUCKET_INPUT_NAMES].sort(), keys(bucket.inputProperties));
    assert.deepEqual([...generated.ACCESS_KEY_INPUT_NAMES].sort(), keys(key.inputProperties));
  });

  it("matches the outputs the SDK classes register", () => {
    assert.deepEqual([...generated.BUCKET_INPUT_NAMES, ...generated.BUCKET_OUTPUT_ONLY_NAMES].sort(), keys(bucket.properties));
    assert.deepEqual(
      [...generated.ACCESS_KEY_INPUT_NAMES.filter((k) => k !== "adopt"), ...generated.ACCESS_KEY_OUTPUT_ONLY_NAMES].sort(),
      keys(key.properties),
    );
    assert.deepEqual(generated.ACCESS_KEY_SECRET_INPUT_NAMES, ["adopt"]);
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
