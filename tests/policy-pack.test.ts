import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policy/policies";
import { analyze, analyzeAll, analyzeStack, bucket, Diag, key, KEY, Res, UNKNOWN, urnOf } from "./policy-harness";

const only = (ds: Diag[], policy: string) => ds.filter((d) => d.policy === policy);
const SECRET = "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL";

/** A compliant dev stack: one bucket, two labelled keys with a schedule. */
function goodStack(): Res[] {
  const b = bucket("assets-dev", { tags: { environment: "dev" } });
  return [b, key("app-web", b), key("ci-deploy", b)];
}

describe("policy pack: access keys", () => {
  it("passes a stack of labelled, scheduled keys on a dev bucket without any diagnostic", async () => {
    assert.deepEqual(await analyzeAll(goodStack()), []);
  });

  it("rejects an access key without a label as a mandatory violation that says what to set", async () => {
    const b = bucket("assets");
    for (const label of [undefined, "", "   "]) {
      const ds = only(await analyze(key("k1", b, { label })), "otterstorage-access-key-labelled");
      assert.equal(ds.length, 1, `label ${JSON.stringify(label)}`);
      assert.equal(ds[0].level, "mandatory");
      assert.match(ds[0].message, /has no label.*label: "ci-deploy"/s);
    }
  });

  it("flags two keys with the same label on one bucket, but not the same label on different buckets", async () => {
    const a = bucket("assets");
    const b = bucket("backups");
    const dup = only(await analyzeStack([a, b, key("web-1", a, { label: "app-web" }), key("web-2", a, { label: "App-Web " })]), "otterstorage-one-key-per-integration");
    assert.equal(dup.length, 1);
    assert.equal(dup[0].level, "mandatory");
    assert.match(dup[0].message, /Bucket "assets" has 2 access keys labelled "app-web"/);
    const spread = only(await analyzeStack([a, b, key("web-a", a, { label: "app-web" }), key("web-b", b, { label: "app-web" })]), "otterstorage-one-key-per-integration");
    assert.deepEqual(spread, []);
  });

  it("matches keys to buckets by bucket name when the dependency is not recorded (a bucket managed elsewhere)", async () => {
    const k1: Res = { type: KEY, name: "k1", props: { bucket: "legacy", label: "ci-deploy" } };
    const k2: Res = { type: KEY, name: "k2", props: { bucket: "legacy", label: "ci-deploy" } };
    const ds = only(await analyzeStack([k1, k2]), "otterstorage-one-key-per-integration");
    assert.equal(ds.length, 1);
    assert.match(ds[0].message, /Bucket "legacy"/);
  });

  /** The two keys a RotatingAccessKey registers: children `<name>-a`/`-b`, labelled `<label>/a` and `/b`. */
  function slots(name: string, label: string, b: Res): Res[] {
    const comp: Res = { type: "otterstorage:index:RotatingAccessKey", name, props: {} };
    const slot = (s: string): Res => {
      const k = key(`${name}-${s}`, b, { label: `${label}/${s}`, rotateAfterDays: undefined }, { parent: urnOf(comp) });
      k.urn = `urn:pulumi:dev::quickstart::otterstorage:index:RotatingAccessKey$${KEY}::${name}-${s}`;
      return k;
    };
    return [comp, slot("a"), slot("b")];
  }

  it("treats the two slots of a RotatingAccessKey as one integration with a rotation schedule", async () => {
    const b = bucket("assets");
    const stack = [b, ...slots("app", "app-web", b)];
    assert.deepEqual(only(await analyzeStack(stack), "otterstorage-one-key-per-integration"), []);
    assert.deepEqual(only(await analyze(stack[2]), "otterstorage-access-key-rotation"), [], "a slot key's schedule is its component's");
  });

  it("flags a plain key and a RotatingAccessKey, or two RotatingAccessKeys, with the same label on one bucket", async () => {
    const b = bucket("assets");
    const mixed = only(await analyzeStack([b, key("web", b, { label: "app-web" }), ...slots("app", "app-web", b)]), "otterstorage-one-key-per-integration");
    assert.equal(mixed.length, 1);
    assert.match(mixed[0].message, /2 access keys labelled "app-web"/);
    const twice = only(await analyzeStack([b, ...slots("app1", "app-web", b), ...slots("app2", "app-web", b)]), "otterstorage-one-key-per-integration");
    assert.equal(twice.length, 1);
  });

  it("advises against labels that name no integration, also on the slots of a RotatingAccessKey", async () => {
    const ds = only(await analyze(key("k", bucket("assets"), { label: "Shared" })), "otterstorage-access-key-label-specific");
    assert.equal(ds.length, 1);
    assert.equal(ds[0].level, "advisory");
    assert.equal(only(await analyze(slots("s", "default", bucket("assets"))[1]), "otterstorage-access-key-label-specific").length, 1);
    assert.deepEqual(only(await analyze(key("k", bucket("assets"), { label: "app-web" })), "otterstorage-access-key-label-specific"), []);
  });

  it("requires secretAccessKey in additionalSecretOutputs and never echoes the secret in a message", async () => {
    const k = key("raw", bucket("assets"), {}, { additionalSecretOutputs: [] });
    const ds = await analyzeAll([k]);
    const v = only(ds, "otterstorage-secret-access-key-is-secret");
    assert.equal(v.length, 1);
    assert.equal(v[0].level, "mandatory");
    for (const d of ds) assert.ok(!d.message.includes(SECRET), `${d.policy} leaked the secret`);
  });
});

describe("policy pack: rotation", () => {
  it("advises a rotation schedule when a key has neither rotateAfterDays nor a rotating component", async () => {
    const ds = only(await analyze(key("k", bucket("assets"), { rotateAfterDays: undefined })), "otterstorage-access-key-rotation");
    assert.equal(ds.length, 1);
    assert.equal(ds[0].level, "advisory");
    assert.match(ds[0].message, /no rotation schedule.*rotateAfterDays \(at most 90\)/s);
  });

  it("accepts rotateAfterDays up to 90 by default and rejects 91, 0 and non-numbers", async () => {
    const b = bucket("assets");
    assert.deepEqual(only(await analyze(key("k", b, { rotateAfterDays: 90 })), "otterstorage-access-key-rotation"), []);
    assert.deepEqual(only(await analyze(key("k", b, { rotateAfterDays: 7 })), "otterstorage-access-key-rotation"), []);
    const over = only(await analyze(key("k", b, { rotateAfterDays: 91 })), "otterstorage-access-key-rotation");
    assert.match(over[0].message, /rotateAfterDays is 91, more than the allowed 90 days/);
    assert.equal(only(await analyze(key("k", b, { rotateAfterDays: 0 })), "otterstorage-access-key-rotation").length, 1);
    assert.equal(only(await analyze(key("k", b, { rotateAfterDays: "90" })), "otterstorage-access-key-rotation").length, 1);
  });

  it("does not fail a preview when rotateAfterDays is not known yet", async () => {
    assert.deepEqual(only(await analyze(key("k", bucket("assets"), { rotateAfterDays: UNKNOWN })), "otterstorage-access-key-rotation"), []);
  });

  it("flags ignoreChanges on the rotation inputs and protect on a key, both of which block rotation", async () => {
    const b = bucket("assets");
    const ignored = only(await analyze(key("k", b, {}, { ignoreChanges: ["rotationTrigger"] })), "otterstorage-access-key-rotation");
    assert.match(ignored[0].message, /ignores changes to rotationTrigger/);
    const prot = only(await analyze(key("k", b, {}, { protect: true })), "otterstorage-access-key-rotation");
    assert.match(prot[0].message, /is protected/);
  });

  it("checks the schedule of a RotatingAccessKey component too", async () => {
    const comp: Res = { type: "otterstorage:index:RotatingAccessKey", name: "app-web", props: { rotateAfterDays: 365 } };
    assert.equal(only(await analyze(comp), "otterstorage-access-key-rotation").length, 1);
  });
});

describe("policy pack: buckets and environments", () => {
  it("requires protect and forceDestroy off on buckets marked production by name, tag or stack", async () => {
    const cases: Res[] = [
      bucket("prod-assets"),
      bucket("assets", { tags: { Environment: "Production" } }),
      bucket("assets", {}, { stack: "prod" }),
      { type: "pulumi-nodejs:dynamic/otterstorage:Bucket", name: "assets-prd", props: {} },
    ];
    for (const b of cases) {
      const ds = only(await analyze(b), "otterstorage-production-bucket-protected");
      assert.equal(ds.length, 1, `${urnOf(b)} ${JSON.stringify(b.props)}`);
      assert.equal(ds[0].level, "mandatory");
      assert.match(ds[0].message, /not protected.*protect: true/);
    }
    const forced = only(await analyze(bucket("prod-assets", { forceDestroy: true }, { protect: true })), "otterstorage-production-bucket-protected");
    assert.equal(forced.length, 1);
    assert.match(forced[0].message, /forceDestroy: true/);
    assert.deepEqual(only(await analyze(bucket("prod-assets", {}, { protect: true })), "otterstorage-production-bucket-protected"), []);
  });

  it("leaves non-production buckets alone, including names that only contain 'prod' inside a word", async () => {
    for (const b of [bucket("assets-dev"), bucket("product-images"), bucket("assets", { tags: { environment: "staging" } }, { stack: "staging" })]) {
      assert.deepEqual(only(await analyze(b), "otterstorage-production-bucket-protected"), [], b.props.name as string);
    }
  });

  it("rejects a bucket shared by keys of different environments and names where each came from", async () => {
    const b = bucket("shared-assets");
    const ds = only(await analyzeStack([b, key("dev-app-web", b, { label: "app-web" }), key("prod-app-web", b, { label: "app-web-production" })]), "otterstorage-environment-isolation");
    assert.equal(ds.length, 1);
    assert.equal(ds[0].level, "mandatory");
    assert.match(ds[0].message, /mixes environments: dev \(key "dev-app-web"\); prod \(key "prod-app-web" label "app-web-production", key "prod-app-web"\)/);
    assert.equal(ds[0].urn, urnOf(b));
  });

  it("rejects a key whose environment differs from its bucket's environment tag", async () => {
    const b = bucket("assets", { tags: { environment: "prod" } }, { protect: true });
    const ds = only(await analyzeStack([b, key("staging-ci-deploy", b, { label: "ci-deploy" })]), "otterstorage-environment-isolation");
    assert.equal(ds.length, 1);
    assert.match(ds[0].message, /prod \(bucket tag environment=prod\); staging \(key "staging-ci-deploy"\)/);
  });

  it("accepts one environment per bucket and keys that name no environment", async () => {
    const dev = bucket("assets-dev");
    const prod = bucket("assets-prod", {}, { protect: true });
    const stack = [dev, prod, key("dev-app-web", dev, { label: "app-web" }), key("prod-app-web", prod, { label: "app-web" }), key("backups-restic", prod)];
    assert.deepEqual(only(await analyzeStack(stack), "otterstorage-environment-isolation"), []);
  });
});

describe("policy pack: endpoints", () => {
  it("rejects plain-http endpoints on buckets and keys unless they are loopback", async () => {
    const bad = bucket("assets", { endpoint: "http://s3.example.com:9000" });
    const ds = only(await analyzeStack([bad, key("app-web", bad)]), "otterstorage-endpoint-https");
    assert.equal(ds.length, 2);
    assert.equal(ds[0].level, "mandatory");
    assert.match(ds[0].message, /plain http to s3\.example\.com.*https URL/);
    for (const ok of ["http://127.0.0.1:9000", "http://127.0.0.2:1", "http://localhost:4566", "http://[::1]:9000", "https://es-mad-1.s3.otterstorage.io"]) {
      const b = bucket("assets", { endpoint: ok });
      assert.deepEqual(only(await analyzeStack([b, key("app-web", b)]), "otterstorage-endpoint-https"), [], ok);
    }
  });

  it("skips endpoints that are not known yet instead of failing the preview", async () => {
    const b = bucket("assets", { endpoint: UNKNOWN, name: UNKNOWN });
    assert.deepEqual(await analyzeStack([b, key("app-web", b, { endpoint: UNKNOWN, bucket: UNKNOWN })]), []);
  });

  it("ignores resources that are not OtterStorage's", async () => {
    const other: Res = { type: "aws:s3/bucket:Bucket", name: "x", props: { endpoint: "http://example.com" } };
    assert.deepEqual(await analyzeAll([other]), []);
  });
});

describe("policy pack: the native plugin's resources (otterstorage:index:Bucket, …:AccessKey)", () => {
  const nativeBucket = (...a: Parameters<typeof bucket>): Res => ({ ...bucket(...a), type: "otterstorage:index:Bucket" });
  const nativeKey = (...a: Parameters<typeof key>): Res => ({ ...key(...a), type: "otterstorage:index:AccessKey" });

  it("passes a compliant stack of native resources, and holds their keys to the same policies as the SDK's", async () => {
    const b = nativeBucket("assets-dev", { tags: { environment: "dev" } });
    assert.deepEqual(await analyzeAll([b, nativeKey("app-web", b), nativeKey("ci-deploy", b)]), []);
    const unlabelled = only(await analyze(nativeKey("k1", b, { label: undefined })), "otterstorage-access-key-labelled");
    assert.deepEqual(unlabelled.map((d) => d.level), ["mandatory"]);
    const late = only(await analyze(nativeKey("k1", b, { rotateAfterDays: 120 })), "otterstorage-access-key-rotation");
    assert.match(late[0].message, /rotateAfterDays is 120, more than the allowed 90 days/);
  });

  it("finds a native key's native bucket for the stack policies, and requires a native production bucket to be protected", async () => {
    const b = nativeBucket("assets");
    const dup = only(await analyzeStack([b, nativeKey("web-1", b, { label: "app-web" }), nativeKey("web-2", b, { label: "app-web" })]), "otterstorage-one-key-per-integration");
    assert.equal(dup.length, 1);
    assert.match(dup[0].message, /Bucket "assets" has 2 access keys labelled "app-web"/);
    const prod = only(await analyze(nativeBucket("prod-assets")), "otterstorage-production-bucket-protected");
    assert.deepEqual(prod.map((d) => d.level), ["mandatory"]);
  });

  it("treats the slots of a native RotatingAccessKey as one scheduled integration", async () => {
    const b = nativeBucket("assets");
    const comp: Res = { type: "otterstorage:index:RotatingAccessKey", name: "app", props: {} };
    const slot = (s: string): Res => {
      const k = nativeKey(`app-${s}`, b, { label: `app-web/${s}`, rotateAfterDays: undefined }, { parent: urnOf(comp) });
      k.urn = `urn:pulumi:dev::quickstart::otterstorage:index:RotatingAccessKey$otterstorage:index:AccessKey::app-${s}`;
      return k;
    };
    const stack = [b, comp, slot("a"), slot("b")];
    assert.deepEqual(only(await analyzeStack(stack), "otterstorage-one-key-per-integration"), []);
    assert.deepEqual(only(await analyze(stack[2]), "otterstorage-access-key-rotation"), []);
  });
});

describe("policy pack: docs/policy-pack.md", () => {
  it("lists every policy with its default level, and nothing else", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "policy-pack.md"), "utf8");
    const rows = [...doc.matchAll(/^\| `(otterstorage-[a-z-]+)` \| (advisory|mandatory)/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(
      rows.sort(),
      policies.map((p) => [p.name, p.enforcementLevel]).sort(),
    );
  });
});
