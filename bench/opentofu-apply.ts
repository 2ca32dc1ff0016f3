/**
 * OpenTofu's cost with terraform-provider-otterstorage:
 *   - `tofu apply` and `tofu destroy` of 10 buckets + 100 keys (10 per bucket; readiness on, as users get it) through
 *     the real OpenTofu and the provider it installs from the build's mirror, against the same 110 creates (and
 *     revokes + deletes) as raw Control API calls — the service's own work — in the same run, rounds interleaved;
 *   - provider start-up: from spawning the launcher to the handshake line, and to the answer of the first RPC
 *     (GetProviderSchema over the mutual-TLS connection, as OpenTofu makes it).
 *
 *   npm run build && node dist/bench/opentofu-apply.js        (ROUNDS=2, BUCKETS=10, KEYS_PER_BUCKET=10, STARTS=10)
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { startOtterStorage } from "otterstorage-local";
import { selfSignedLocalhost } from "../terraform/cert";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, PROTO_DIR } from "../terraform/server";
import { findTofu, MIRROR, workspace } from "../tests/opentofu-support";
import { REPO_ROOT } from "../tests/support/host";
import { findPulumi, PASSPHRASE } from "../tests/support/pulumi";
import { machine, median, rawGraph, round } from "./support";

const BUCKETS = Number(process.env.BUCKETS ?? 10);
const PER = Number(process.env.KEYS_PER_BUCKET ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const STARTS = Number(process.env.STARTS ?? 10);

const CONFIG = `terraform {
  required_providers {
    otterstorage = { source = "otterstorage/otterstorage" }
  }
}

provider "otterstorage" {}

variable "prefix" {
  type = string
}

resource "otterstorage_bucket" "b" {
  count         = ${BUCKETS}
  name          = "\${var.prefix}-\${count.index}"
  force_destroy = true
}

resource "otterstorage_access_key" "k" {
  count  = ${BUCKETS * PER}
  bucket = otterstorage_bucket.b[floor(count.index / ${PER})].name
  label  = "bench-\${count.index % ${PER}}"
}
`;

/** Spawn → handshake line → first RPC answered. */
export async function startUp(): Promise<{ lineMs: number; firstRpcMs: number }> {
  const launcher = path.join(MIRROR, "registry.opentofu.org", "otterstorage", "otterstorage");
  const version = fs.readdirSync(launcher)[0];
  const exe = path.join(launcher, version, fs.readdirSync(path.join(launcher, version))[0], "terraform-provider-otterstorage");
  const client = await selfSignedLocalhost();
  const t0 = performance.now();
  const child = spawn(exe, [], {
    env: { ...process.env, [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "5,6", PLUGIN_CLIENT_CERT: client.certPem },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    child.once("exit", (c) => reject(new Error(`provider exited ${c}`)));
  });
  const lineMs = performance.now() - t0;
  const [, , , addr, , cert] = line.split("|");
  const serverPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(cert, "base64").toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
  const def = protoLoader.loadSync("tfplugin6.10.proto", { keepCase: true, includeDirs: [PROTO_DIR] });
  const Provider = (grpc.loadPackageDefinition(def) as any).tfplugin6.Provider;
  const creds = grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(client.keyPem), Buffer.from(client.certPem));
  const stub = new Provider(addr, creds, { "grpc.ssl_target_name_override": "localhost" });
  await new Promise<void>((resolve, reject) => stub.GetProviderSchema({}, (err: Error | null) => (err ? reject(err) : resolve())));
  const firstRpcMs = performance.now() - t0;
  stub.close();
  child.kill("SIGKILL");
  return { lineMs, firstRpcMs };
}

/**
 * A Pulumi project declaring the same 10 buckets + 100 keys on the native plugin (by type token), or undefined
 * without the Pulumi CLI or the built plugin. `run` answers the milliseconds a command took.
 */
function nativePulumi(os: { controlUrl: string; token: string }): { run(args: string[]): Promise<number> } | undefined {
  const cli = findPulumi();
  const plugin = path.join(REPO_ROOT, "dist", "plugin-package");
  if ("missing" in cli || !fs.existsSync(path.join(plugin, "pulumi-resource-otterstorage"))) return undefined;
  const dir = fs.mkdtempSync(path.join(REPO_ROOT, ".cache", "bench-tofu-pulumi-"));
  fs.mkdirSync(path.join(dir, "home"));
  fs.mkdirSync(path.join(dir, "state"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: bench-native\nruntime: nodejs\nmain: index.js\n");
  fs.writeFileSync(path.join(dir, "index.js"), `
const pulumi = require("@pulumi/pulumi");
for (let b = 0; b < ${BUCKETS}; b++) {
  const bucket = new pulumi.CustomResource("otterstorage:index:Bucket", "b" + b, { forceDestroy: true, name: undefined });
  for (let k = 0; k < ${PER}; k++) new pulumi.CustomResource("otterstorage:index:AccessKey", "k" + b + "-" + k, { bucket: bucket.name, label: "bench-" + k, secretAccessKey: undefined }, { additionalSecretOutputs: ["secretAccessKey"] });
}
`);
  const env = {
    ...process.env,
    PATH: [cli.dir, plugin, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    PULUMI_HOME: path.join(dir, "home"), PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`, PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    OTTERSTORAGE_ENDPOINT: os.controlUrl, OTTERSTORAGE_TOKEN: os.token,
  };
  return {
    run: (args) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        const c = spawn(cli.bin, args, { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
        let err = "";
        c.stderr.on("data", (d) => (err += d));
        c.on("close", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`pulumi ${args.join(" ")}: ${code}\n${err}`))));
      }),
  };
}

async function main() {
  const tofu = findTofu();
  if ("missing" in tofu) throw new Error(tofu.missing);
  const os = await startOtterStorage({ memory: true });
  const w = workspace(tofu, "bench-apply", { "main.tf": CONFIG }, os);
  await w.ok(["init"]);
  const raw = (r: number) => rawGraph(os, `raw-${r}`, BUCKETS, PER);

  // The same graph through `pulumi up`/`destroy` with the native plugin (the build's bundled executable), same rounds.
  const pulumi = nativePulumi(os);
  if (pulumi) await pulumi.run(["stack", "init", "bench", "--secrets-provider", "passphrase", "--non-interactive"]);
  const samples: Record<string, number[]> = { tofuApply: [], tofuDestroy: [], pulumiUp: [], pulumiDestroy: [], rawCreate: [], rawDelete: [], startLine: [], startFirstRpc: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const rw = r % 2 === 0 ? await raw(r) : undefined;
    if (pulumi && r % 2 === 1) {
      samples.pulumiUp.push(await pulumi.run(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"]));
      samples.pulumiDestroy.push(await pulumi.run(["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"]));
    }
    samples.tofuApply.push((await w.ok(["apply", "-auto-approve", "-var", `prefix=bench${r}`])).ms);
    samples.tofuDestroy.push((await w.ok(["destroy", "-auto-approve", "-var", `prefix=bench${r}`])).ms);
    if (pulumi && r % 2 === 0) {
      samples.pulumiUp.push(await pulumi.run(["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"]));
      samples.pulumiDestroy.push(await pulumi.run(["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", "bench"]));
    }
    const rw2 = rw ?? (await raw(r));
    samples.rawCreate.push(rw2.create);
    samples.rawDelete.push(rw2.delete);
  }
  for (let i = 0; i < STARTS; i++) {
    const s = await startUp();
    samples.startLine.push(s.lineMs);
    samples.startFirstRpc.push(s.firstRpcMs);
  }
  await os.stop();
  fs.rmSync(path.dirname(w.dir), { recursive: true, force: true });
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log(JSON.stringify({
    bench: "opentofu-apply", tofu: tofu.version, resources: BUCKETS * (PER + 1), rounds: ROUNDS, machine: machine(),
    medianMs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v)])),
    apply: { overRaw: round(m.tofuApply / m.rawCreate, 1), perResourceMs: round(m.tofuApply / (BUCKETS * (PER + 1)), 1) },
    destroy: { overRaw: round(m.tofuDestroy / m.rawDelete, 1), perResourceMs: round(m.tofuDestroy / (BUCKETS * (PER + 1)), 1) },
    tofuOverPulumiNative: pulumi ? { apply: round(m.tofuApply / m.pulumiUp, 2), destroy: round(m.tofuDestroy / m.pulumiDestroy, 2) } : null,
    samplesMs: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map(Math.round)])),
  }, null, 2));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
