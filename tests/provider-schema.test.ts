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

  it("marks as secret exactly the values that carry one: secretAccessKey, adopt, the token, and the component's and the function's credentials", () => {
    // Every "secret": true in the schema, by its path: the generated SDKs send these as secrets
    // (additionalSecretOutputs) and the plugin returns them wrapped; a new one must be added here on purpose.
    const found: string[] = [];
    const walk = (v: unknown, at: string[]) => {
      if (!v || typeof v !== "object") return;
      for (const [k, x] of Object.entries(v)) (k === "secret" && x === true ? found.push(at.join("/")) : walk(x, [...at, k]));
    };
    walk(schema, []);
    const rak = "resources/otterstorage:index:RotatingAccessKey/properties";
    const fn = "functions/otterstorage:index:getTemporaryCredentials/outputs/properties";
    assert.deepEqual(found.sort(), [
      "config/variables/token",
      ...["current", "previous", "environment", "s3ClientConfig", "awsProfile", "rcloneRemote"].map((k) => `${rak}/${k}`),
      "resources/otterstorage:index:AccessKey/inputProperties/adopt",
      "resources/otterstorage:index:AccessKey/properties/secretAccessKey",
      ...["secretAccessKey", "sessionToken", "environment", "s3ClientConfig"].map((k) => `${fn}/${k}`),
      "provider/inputProperties/token",
      "provider/properties/token",
    ].sort());
  });

  it("declares the four config variables and describes every property", () => {
    assert.deepEqual(keys(schema.config.variables), ["endpoint", "region", "s3Endpoint", "token"]);
    for (const r of [bucket, key, schema.resources["otterstorage:index:RotatingAccessKey"]]) {
      for (const [name, p] of Object.entries<{ description?: string }>({ ...r.inputProperties, ...r.properties })) assert.ok(p.description && p.description.length > 10, name);
      for (const req of r.required) assert.ok(req in r.properties, req);
    }
    assert.deepEqual(key.requiredInputs, ["bucket"]);
    assert.deepEqual(buildPackageSchema(), schema);
  });
  it("is the native plugin's package schema: name, the package's version, the explicit provider's arguments, RotatingAccessKey, the function and the SDKs' package names", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.equal(schema.version, pkg.version);
    // An explicit Provider takes the same four settings as the stack config, each described with its environment fallback.
    assert.deepEqual(keys(schema.provider.inputProperties), keys(schema.config.variables));
    for (const [k, p] of Object.entries<{ description: string }>(schema.config.variables)) assert.match(p.description, /Environment fallback: OTTERSTORAGE_[A-Z0-9_]+\./, k);
    const rak = schema.resources["otterstorage:index:RotatingAccessKey"];
    // The plugin serves it as one resource holding both slots (provider/rotatingAccessKey.ts), not a component.
    assert.equal(rak.isComponent, undefined);
    assert.deepEqual(rak.properties.current.secret, true);
    assert.deepEqual(rak.requiredInputs, ["bucket"]);
    const fn = schema.functions["otterstorage:index:getTemporaryCredentials"];
    assert.deepEqual(fn.inputs.required, ["bucket"]);
    assert.deepEqual(schema.language.python.packageName, "pulumi_otterstorage");
    // The generated Node SDK must not take the name of this repository's dynamic-provider package.
    assert.notEqual(schema.language.nodejs.packageName, pkg.name);
    assert.match(schema.language.go.importBasePath, /\/sdks\/go\/otterstorage$/);
  });

  it("no longer calls the resources dynamic-only: each names its native type token and its dynamic one", () => {
    assert.doesNotMatch(schema.description, /dynamic/);
    for (const [token, r] of Object.entries<{ description: string }>(schema.resources)) {
      if (token.endsWith(":RotatingAccessKey")) continue; // one type: the component's token is the resource's
      assert.ok(r.description.includes(`Type ${token} in the native plugin`), r.description);
    }
  });
});
