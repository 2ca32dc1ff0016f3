/**
 * The two-slot rotation module (examples/opentofu/modules/rotating-key) through a real OpenTofu: each bump of
 * `generation` re-issues only the older slot, so a client holding the key that was active keeps working through the
 * rotation and after it — at no point is there no working key.
 */
import * as assert from "node:assert/strict";
import { startOtterStorage, ManualClock, type OtterStorage } from "otterstorage-local";
import { useEmulator } from "./support/emulator";
import { skipBecause } from "./support/skip";
import { tryHead } from "./credentials-support";
import { exampleFiles, findTofu, flat, workspace, type Tofu, type Workspace } from "./opentofu-support";

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

describe("OpenTofu: rotate_after_days replaces a key that is due on the service clock", function () {
  this.timeout(300_000);
  let tofu: Tofu;
  let os: OtterStorage | undefined;
  const clock = new ManualClock();

  before(async function () {
    const t = findTofu();
    if ("missing" in t) return skipBecause(this, t.missing);
    tofu = t;
    os = await startOtterStorage({ memory: true, clock });
  });
  after(async () => os?.stop());

  it("no change while the key is younger than rotate_after_days; once it is older, the plan replaces it and apply issues a new key", async function () {
    const w = workspace(tofu, "rotate-after-days", {
      "main.tf": 'terraform {\n  required_providers {\n    otterstorage = { source = "otterstorage/otterstorage" }\n  }\n}\n\nprovider "otterstorage" {}\n\n' +
        'resource "otterstorage_bucket" "b" {\n  name = "aging-keys"\n}\n\n' +
        // The S3 endpoint of a clock moved by days refuses signatures made on this machine's clock: no readiness probe.
        'resource "otterstorage_access_key" "k" {\n  bucket            = otterstorage_bucket.b.name\n  label             = "app-web"\n  rotate_after_days = 30\n  readiness         = { disabled = true }\n\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n\n' +
        'output "id" {\n  value = otterstorage_access_key.k.access_key_id\n}\n',
    }, os!);
    await w.ok(["init"]);
    await w.ok(["apply", "-auto-approve"]);
    const first = (await w.outputs()).id as string;
    clock.advance(29 * 24 * 3600_000);
    await w.ok(["plan", "-detailed-exitcode"], 0);
    clock.advance(2 * 24 * 3600_000);
    const plan = await w.ok(["plan", "-detailed-exitcode"], 2);
    assert.match(flat(plan.stdout), /otterstorage_access_key\.k must be replaced/);
    assert.match(flat(plan.stdout), /id = "OTTR\w+" # forces replacement -> \(known after apply\)/);
    await w.ok(["apply", "-auto-approve"]);
    assert.notEqual((await w.outputs()).id, first);
    await w.ok(["plan", "-detailed-exitcode"], 0);
    await w.ok(["destroy", "-auto-approve"]);
  });
});
