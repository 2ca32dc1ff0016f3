#!/usr/bin/env node
/**
 * terraform-provider-otterstorage: the OpenTofu/Terraform provider (plugin protocol 6), served by the same provider
 * core as the Pulumi provider. OpenTofu starts it (terraform/server.ts has the handshake, terraform/provider.ts the
 * RPCs). By hand: `terraform-provider-otterstorage install [mirror dir]` installs it where `tofu init` finds it
 * (terraform/install.ts; default ~/.terraform.d/plugins).
 */
import { checkHandshakeEnv } from "./handshake";
import { defaultMirrorDir, installLauncher, PROVIDER_SOURCE } from "./install";

if (process.argv[2] === "install") {
  const to = installLauncher(process.argv[3] ?? defaultMirrorDir());
  process.stderr.write(`installed ${PROVIDER_SOURCE} ${to.version} into ${to.dir}\n(and for Terraform into ${to.terraformDir})\n`);
} else {
  try {
    checkHandshakeEnv(process.env);
    // gRPC, TLS and the provider core load only once OpenTofu is known to be the caller.
    void import("./server").then((s) => s.main());
  } catch (e) {
    process.stderr.write(`terraform-provider-otterstorage: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
