#!/usr/bin/env node
/**
 * terraform-provider-otterstorage: the OpenTofu/Terraform provider (plugin protocol 6), served by the same provider
 * core as the Pulumi provider. OpenTofu starts it (terraform/server.ts has the handshake, terraform/provider.ts the
 * RPCs). By hand: `terraform-provider-otterstorage install [mirror dir]` installs it where `tofu init` finds it
 * (terraform/install.ts; default ~/.terraform.d/plugins).
 */
import { defaultMirrorDir, installLauncher, PROVIDER_SOURCE } from "./install";
import { main } from "./server";

if (process.argv[2] === "install") {
  const to = installLauncher(process.argv[3] ?? defaultMirrorDir());
  process.stderr.write(`installed ${PROVIDER_SOURCE} ${to.version} into ${to.dir}\n`);
} else {
  void main();
}
