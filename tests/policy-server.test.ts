import * as assert from "node:assert/strict";
import { bucket, key, PackServer, startPackServer } from "./policy-harness";

/** The pack started the way `pulumi preview --policy-pack policy/` starts it, configured over its gRPC API. */
describe("policy pack served over gRPC from its TypeScript source, as the CLI runs it", function () {
  let pack: PackServer;
  before(async () => {
    pack = await startPackServer();
  });
  after(async () => {
    await pack?.stop();
  });

  it("describes every policy with its default level and the config a team can tune", async () => {
    const info = (await pack.info()).toObject();
    assert.equal(info.name, "otterstorage");
    assert.equal(info.version, "0.1.0");
    const byName = new Map(info.policiesList.map((p) => [p.name, p]));
    const mandatory = 1;
    const advisory = 0;
    assert.deepEqual(
      Object.fromEntries([...byName].map(([n, p]) => [n, p.enforcementlevel])),
      {
        "otterstorage-access-key-labelled": mandatory,
        "otterstorage-one-key-per-integration": mandatory,
        "otterstorage-access-key-label-specific": advisory,
        "otterstorage-access-key-rotation": advisory,
        "otterstorage-secret-access-key-is-secret": mandatory,
        "otterstorage-production-bucket-protected": mandatory,
        "otterstorage-endpoint-https": mandatory,
        "otterstorage-environment-isolation": mandatory,
      },
    );
    const rotationSchema = (await pack.info()).getPoliciesList().find((p) => p.getName() === "otterstorage-access-key-rotation")!.getConfigschema()!.getProperties()!.toJavaScript();
    assert.deepEqual(rotationSchema.maxRotationDays, { type: "integer", minimum: 1, default: 90, description: "Longest allowed rotateAfterDays." });
    for (const p of info.policiesList) assert.ok(p.description.length > 20, `${p.name} needs a description`);
  });

  it("applies a configured maxRotationDays and a raised enforcement level", async () => {
    await pack.configure({ "otterstorage-access-key-rotation": { enforcementLevel: "mandatory", maxRotationDays: 30 } });
    const ds = (await pack.analyze(key("app-web", bucket("assets"), { rotateAfterDays: 45 }))).filter((d) => d.policy === "otterstorage-access-key-rotation");
    assert.equal(ds.length, 1);
    assert.equal(ds[0].level, "mandatory");
    assert.match(ds[0].message, /rotateAfterDays is 45, more than the allowed 30 days/);
  });

  it("reports nothing for a policy a team disabled, and keeps the others at their level", async () => {
    await pack.configure({
      "otterstorage-access-key-labelled": { enforcementLevel: "disabled" },
      "otterstorage-endpoint-https": { enforcementLevel: "advisory", allowedInsecureHosts: ["minio.internal"] },
    });
    const ds = await pack.analyze(key("k", bucket("assets"), { label: undefined }));
    assert.deepEqual(ds.filter((d) => d.policy === "otterstorage-access-key-labelled"), []);
    const b = bucket("assets", { endpoint: "http://minio.internal:9000" });
    assert.deepEqual((await pack.analyzeStack([b, key("app-web", b)])).filter((d) => d.policy === "otterstorage-endpoint-https"), []);
    const far = bucket("assets", { endpoint: "http://far.example.com" });
    const warned = (await pack.analyzeStack([far])).filter((d) => d.policy === "otterstorage-endpoint-https");
    assert.deepEqual(warned.map((d) => d.level), ["advisory"]);
  });

  it("applies a team's production name pattern", async () => {
    await pack.configure({ "otterstorage-production-bucket-protected": { enforcementLevel: "mandatory", productionNamePattern: "^critical-" } });
    const ds = (await pack.analyze(bucket("critical-ledger"))).filter((d) => d.policy === "otterstorage-production-bucket-protected");
    assert.equal(ds.length, 1);
    assert.match(ds[0].message, /name "critical-ledger"/);
  });

  it("answers a bad regular expression in config with an error that names the setting", async () => {
    await pack.configure({ "otterstorage-access-key-labelled": { enforcementLevel: "mandatory", labelPattern: "([" } });
    await assert.rejects(pack.analyze(key("k", bucket("assets"))), /labelPattern" is not a valid regular expression/);
  });
});
