/**
 * Secrets and state, through a real OpenTofu: the secret is hidden in plan/apply output; as with every Terraform
 * provider it is stored in the state — in plaintext without OpenTofu's state encryption, and not in plaintext with
 * it (pbkdf2 key provider + aes_gcm, OpenTofu >= 1.7).
 */
import * as assert from "node:assert/strict";
import { useEmulator } from "./support/emulator";
import { workspace, useTofu } from "./opentofu-support";

const config = (encryption: string) =>
  `terraform {\n  required_providers {\n    otterstorage = { source = "otterstorage/otterstorage" }\n  }\n${encryption}}\n\n` +
  'provider "otterstorage" {}\n\n' +
  'resource "otterstorage_bucket" "b" {\n  name = var.bucket\n}\n\n' +
  'resource "otterstorage_access_key" "k" {\n  bucket = otterstorage_bucket.b.name\n  label  = "app-web"\n}\n\n' +
  'variable "bucket" {\n  type = string\n}\n\n' +
  'output "secret" {\n  value     = otterstorage_access_key.k.secret_access_key\n  sensitive = true\n}\n';

// docs/opentofu.md "Secrets and state" and terraform/docs/index.md show the same block.
const ENCRYPTION = `  encryption {
    key_provider "pbkdf2" "state" {
      passphrase = "correct-horse-battery-staple-otter"
    }
    method "aes_gcm" "state" {
      keys = key_provider.pbkdf2.state
    }
    state {
      method = method.aes_gcm.state
    }
    plan {
      method = method.aes_gcm.state
    }
  }
`;

describe("OpenTofu: the secret access key in plan output and in state", function () {
  this.timeout(300_000);
  const emu = useEmulator();
  const tofu = useTofu();

  async function applyWith(encryption: string, bucket: string) {
    const w = workspace(tofu(), bucket, { "main.tf": config(encryption) }, emu());
    await w.ok(["init"]);
    const apply = await w.ok(["apply", "-auto-approve", "-var", `bucket=${bucket}`]);
    const secret = (await w.outputs()).secret as string;
    assert.match(secret, /^[A-Za-z0-9]{40}$/);
    return { w, apply, secret };
  }

  it("without state encryption the plan hides the secret and the state file holds it in plaintext (as the docs warn)", async function () {
    const { w, apply, secret } = await applyWith("", "secrets-plain");
    assert.ok(!apply.stdout.includes(secret));
    assert.match(apply.stdout, /secret_access_key\s+= \(sensitive value\)/);
    assert.ok(w.state().includes(secret), "the unencrypted state holds the secret");
    await w.ok(["destroy", "-auto-approve", "-var", "bucket=secrets-plain"]);
  });

  it("with OpenTofu's state encryption (pbkdf2 + aes_gcm) the state file holds no plaintext secret, and tofu still reads it", async function () {
    const { w, secret } = await applyWith(ENCRYPTION, "secrets-encrypted");
    const state = w.state();
    assert.ok(!state.includes(secret), "the encrypted state does not hold the secret");
    assert.ok(!state.includes("secret_access_key"), "nor the attribute names");
    assert.match(state, /"encrypted_data"/);
    await w.ok(["plan", "-detailed-exitcode", "-var", "bucket=secrets-encrypted"], 0);
    await w.ok(["destroy", "-auto-approve", "-var", "bucket=secrets-encrypted"]);
  });
});
