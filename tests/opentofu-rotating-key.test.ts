/**
 * The two-slot rotation module (examples/opentofu/modules/rotating-key) through a real OpenTofu: each bump of
 * `generation` re-issues only the older slot, so a client holding the key that was active keeps working through the
 * rotation and after it — at no point is there no working key.
 */
import * as assert from "node:assert/strict";
import { useEmulator } from "./support/emulator";
import { skipBecause } from "./support/skip";
import { tryHead } from "./credentials-support";
import { exampleFiles, findTofu, workspace, type Tofu, type Workspace } from "./opentofu-support";

const ROOT = `terraform {
  required_providers {
    otterstorage = { source = "otterstorage/otterstorage" }
  }
}

provider "otterstorage" {}

variable "generation" {
  type    = number
  default = 0
}

resource "otterstorage_bucket" "app" {
  name = "rotating-slots"
}

module "key" {
  source     = "../modules/rotating-key"
  bucket     = otterstorage_bucket.app.name
  label      = "app"
  generation = var.generation
}

output "key" {
  value     = module.key
  sensitive = true
}
`;

describe("OpenTofu: the two-slot rotation module never leaves the consumer without a working key", function () {
  this.timeout(600_000);
  const emu = useEmulator();
  let tofu: Tofu;
  let w: Workspace;

  before(function () {
    const t = findTofu();
    if ("missing" in t) return skipBecause(this, t.missing);
    tofu = t;
    w = workspace(tofu, "rotating-key", { ...exampleFiles(), "slots/main.tf": ROOT }, emu(), { cwd: "slots" });
  });

  const creds = (id: string, secret: string) => ({ accessKeyId: id, secretAccessKey: secret, endpoint: emu().s3Url, region: "eu-mad" });

  it("three rotations: the previously active key works during and after each apply, the new active key after it", async function () {
    await w.ok(["init"]);
    await w.ok(["apply", "-auto-approve"]);
    let key = (await w.outputs()).key;
    const seen = new Set<string>([key.access_key_id, key.previous_access_key_id]);
    for (const generation of [1, 2, 3]) {
      const held = creds(key.access_key_id, key.secret_access_key);
      let applying = true;
      const refusals: number[] = [];
      const client = (async () => {
        while (applying) {
          const status = await tryHead(held, "rotating-slots");
          if (status !== 200) refusals.push(status);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const r = await w.ok(["apply", "-auto-approve", "-var", `generation=${generation}`]);
      applying = false;
      await client;
      assert.match(r.stdout, /Resources: 1 added, 0 changed, 1 destroyed\./, "one slot is re-issued");
      assert.deepEqual(refusals, [], `generation ${generation}: the key held by the client never stopped working`);
      const next = (await w.outputs()).key;
      assert.equal(next.previous_access_key_id, key.access_key_id, "the key that was active is now the previous one");
      assert.ok(!seen.has(next.access_key_id), "the active key is a new key");
      seen.add(next.access_key_id);
      assert.equal(await tryHead(creds(next.access_key_id, next.secret_access_key), "rotating-slots"), 200);
      assert.equal(await tryHead(held, "rotating-slots"), 200);
      key = next;
    }
    await w.ok(["destroy", "-auto-approve", "-var", "generation=3"]);
  });
});
