/**
 * What provider/fields.ts derives from the field tables, checked on the tables themselves (no service): check's
 * failures name the field and what to do, and diff's comparison follows each field's default. The resource-level
 * behaviour on top (auto-naming, unknowns, data-loss check, rotation) is in tests/provider-logic.test.ts and the
 * credentials-* suites.
 */
import * as assert from "node:assert/strict";
import { BUCKET } from "../provider/bucketFields";
import { ACCESS_KEY } from "../provider/accessKeyFields";
import { checkFields, checkSchema, differs, echo } from "../provider/fields";
import { UNKNOWN } from "../provider/common";

const bucketCheck = (news: Record<string, unknown>) => checkFields(BUCKET, checkSchema(BUCKET), news);
const keyCheck = (news: Record<string, unknown>) => checkFields(ACCESS_KEY, checkSchema(ACCESS_KEY), news);

describe("field tables: what is derived from them", () => {
  it("check names an unknown input and the inputs there are; skips null and values unknown at preview", () => {
    assert.deepEqual(bucketCheck({ colour: "red", tags: null, name: UNKNOWN }), [
      { property: "colour", reason: "is not a Bucket input; use one of name, region, storageClass, versioning, objectLock, legalHold, lifecycleRules, tags, forceDestroy" },
    ]);
    assert.deepEqual(keyCheck({ bucket: "media", extra: 1 }).map((f) => f.reason), [`is not an AccessKey input; use one of ${Object.keys(ACCESS_KEY.inputs).join(", ")}`]);
  });

  it("check reports a missing required input with its hint (an empty string is missing), once", () => {
    for (const bucket of [undefined, null, ""]) {
      assert.deepEqual(keyCheck({ bucket, label: "ok" }), [{ property: "bucket", reason: "is required: pass the bucket's name, e.g. `bucket: myBucket.name`" }]);
    }
  });

  it("check reports nested problems by path with the schema's own wording", () => {
    assert.deepEqual(keyCheck({ bucket: "media", readiness: { timeoutSeconds: 0 }, adopt: { accessKeyId: "OTTR4XMPL7KEY9QZ2A0B", secretAccessKey: "a".repeat(40), x: 1 } }), [
      { property: "readiness.timeoutSeconds", reason: "must be at least 1 second" },
      { property: "adopt", reason: "has unknown field(s) x: pass only { accessKeyId, secretAccessKey }" },
    ]);
    assert.deepEqual(bucketCheck({ __logicalName: "x", __autoName: true }), [], "the SDK's internal inputs are accepted");
  });

  it("diff: an omitted input stands for its default, or keeps the current value where the table says so", () => {
    const olds = { name: "media-abcdefg", region: "eu-mad", storageClass: "SSD", versioning: "Enabled", legalHold: false, tags: {}, lifecycleRules: [{ id: "a", status: "Enabled", prefix: "", expirationDays: 1 }], objectLock: null };
    assert.equal(differs(BUCKET, "region", olds, {}), false, "omitted region: the bucket stays where it is");
    assert.equal(differs(BUCKET, "versioning", olds, {}), false, "omitted versioning: cannot unversion");
    assert.equal(differs(BUCKET, "storageClass", olds, {}), true, "omitted storageClass means HDD");
    assert.equal(differs(BUCKET, "storageClass", { ...olds, storageClass: "HDD" }, {}), false);
    assert.equal(differs(BUCKET, "legalHold", olds, {}), false, "omitted legalHold means false");
    assert.equal(differs(BUCKET, "objectLock", olds, {}), false, "no object lock either way");
    assert.equal(differs(BUCKET, "objectLock", olds, { objectLock: { mode: "GOVERNANCE", days: 1 } }), true);
    assert.equal(differs(BUCKET, "lifecycleRules", olds, { lifecycleRules: [{ id: "a", expirationDays: 1 }] }), false, "the service's defaults (status, prefix) are no change");
    assert.equal(differs(BUCKET, "tags", olds, { tags: { b: "2" } }), true);
    assert.equal(differs(ACCESS_KEY, "rotationTrigger", { rotationTrigger: 1 }, { rotationTrigger: 1 }), false);
    assert.equal(differs(ACCESS_KEY, "rotationTrigger", { rotationTrigger: 1 }, {}), true, "removing a trigger is a change");
    assert.equal(differs(ACCESS_KEY, "readiness", { readiness: { disabled: true, timeoutSeconds: 5 } }, { readiness: { timeoutSeconds: 5, disabled: true } }), false, "key order is no change");
  });

  it("echo copies the inputs kept as given (their default when omitted), and nothing the service reports", () => {
    assert.deepEqual(echo(BUCKET, { name: "x", forceDestroy: undefined }), { forceDestroy: false });
    const out = echo(ACCESS_KEY, { bucket: "b", label: "l", adopt: { accessKeyId: "k", secretAccessKey: "s" }, profileName: "p" }) as Record<string, unknown>;
    assert.equal(out.profileName, "p");
    assert.ok("rotationTrigger" in out && out.rotationTrigger === undefined, "an omitted input kept as given is echoed as omitted");
    // bucket and label are what the service reports; adopt is never stored (its secret lives in secretAccessKey).
    for (const k of ["bucket", "label", "adopt"]) assert.ok(!(k in out), `${k} is not echoed`);
    // Exactly the table's "kept as given" inputs: a new field joins by its table entry, not by editing this test.
    const given = Object.entries(ACCESS_KEY.inputs).filter(([, f]: [string, any]) => f.output?.from === "inputs").map(([k]) => k);
    assert.deepEqual(Object.keys(out).sort(), given.sort());
  });
});
