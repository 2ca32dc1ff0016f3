/**
 * The data sources through a real OpenTofu: `otterstorage_bucket` reads a bucket made elsewhere, and
 * `otterstorage_access_keys` lists its keys for an audit — ids and labels, never a secret.
 */
import * as assert from "node:assert/strict";
import { useEmulator, control } from "./support/emulator";
import { flat, workspace, useTofu } from "./opentofu-support";

const CONFIG = `terraform {
  required_providers {
    otterstorage = { source = "otterstorage/otterstorage" }
  }
}

provider "otterstorage" {}

data "otterstorage_bucket" "media" {
  name = "audit-media"
}

data "otterstorage_access_keys" "media" {
  bucket = data.otterstorage_bucket.media.name
}

output "bucket" {
  value = data.otterstorage_bucket.media
}

output "keys" {
  value = data.otterstorage_access_keys.media.access_keys
}

output "unlabelled" {
  value = [for k in data.otterstorage_access_keys.media.access_keys : k.access_key_id if k.label == null]
}
`;

describe("OpenTofu: data sources read a bucket and list its keys without secrets", function () {
  this.timeout(300_000);
  const emu = useEmulator();
  const tofu = useTofu();

  it("otterstorage_bucket and otterstorage_access_keys report what the service holds, and no secret reaches the state", async function () {
    const api = control(emu());
    assert.equal((await api.post("/v1/buckets", { name: "audit-media", storageClass: "SSD", tags: { team: "web" } })).status, 201);
    const labelled = (await api.post("/v1/buckets/audit-media/access-keys", { label: "app-web" })).body;
    const bare = (await api.post("/v1/buckets/audit-media/access-keys", {})).body;
    const w = workspace(tofu(), "data-sources", { "main.tf": CONFIG }, emu());
    await w.ok(["init"]);
    await w.ok(["apply", "-auto-approve"]);
    const out = await w.outputs();
    assert.equal(out.bucket.name, "audit-media");
    assert.equal(out.bucket.storage_class, "SSD");
    assert.deepEqual(out.bucket.tags, { team: "web" });
    assert.equal(out.bucket.endpoint, emu().s3Url);
    assert.deepEqual(out.keys.map((k: { access_key_id: string }) => k.access_key_id).sort(), [labelled.accessKeyId, bare.accessKeyId].sort());
    assert.deepEqual(out.unlabelled, [bare.accessKeyId]);
    const state = w.state();
    for (const secret of [labelled.secretAccessKey, bare.secretAccessKey]) assert.ok(!state.includes(secret), "no secret in the state");
  });

  it("a bucket that does not exist is an error naming it", async function () {
    const w = workspace(tofu(), "data-missing", { "main.tf": CONFIG.replace(/audit-media/g, "no-such-bucket") }, emu());
    await w.ok(["init"]);
    const r = await w.ok(["plan"], 1);
    assert.match(flat(r.stderr), /Bucket not found/);
    assert.match(flat(r.stderr), /There is no bucket named "no-such-bucket"/);
  });
});
