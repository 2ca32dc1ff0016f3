/**
 * What a Pulumi user installs: `npm pack` of pulumi-otterstorage (and of otterstorage-api, the contract package it
 * depends on), installed into fresh projects outside this repository with npm, three ways: from the tarballs, as a
 * symlink to an unpacked checkout (`npm install ../checkout`, what `npm link` makes), and as an npm workspace
 * member. Each install runs a program under the real Pulumi engine against Local OtterStorage: a bucket, a key and
 * a RotatingAccessKey created, the key used over S3, everything destroyed.
 *
 * Lean: none of Local OtterStorage's packages (fastify, better-sqlite3, …) in the tree, no native code, and nothing
 * the provider pulls in runs an install script.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { startOtterStorage, OtterStorage } from "otterstorage-local";
import { OtterStorageError } from "../provider/errors";
import { providerByName } from "../sdk/providerByName";
import { filesUnder } from "./evidence-support";
import { control } from "./support/emulator";
import { useEngine } from "./support/pulumi";
import { s3For } from "./support/s3";

const REPO = path.resolve(__dirname, "..", "..");
const PULUMI_VERSION: string = require("@pulumi/pulumi/package.json").version;
/** Packages only Local OtterStorage needs: a provider user must never get them. */
const SERVICE_ONLY = ["otterstorage-local", "fastify", "better-sqlite3", "fast-xml-parser", "@aws-crypto/crc32c", "@aws-sdk/crc64-nvme", "bindings", "prebuild-install", "node-gyp-build"];

const PROGRAM = `
const otter = require("pulumi-otterstorage");
const bucket = new otter.Bucket("data", { forceDestroy: true });
const key = new otter.AccessKey("app", { bucket: bucket.name, label: "app-web" });
const deploy = new otter.RotatingAccessKey("deploy", { bucket: bucket.name, label: "ci-deploy" });
exports.bucket = bucket.name;
exports.accessKeyId = key.accessKeyId;
exports.secretAccessKey = key.secretAccessKey;
exports.endpoint = key.endpoint;
exports.deployKeyId = deploy.current.apply((c) => c.accessKeyId);
`;

function npm(cwd: string, args: string[]): string {
  // --prefer-offline: the packages come from npm's cache that `npm ci` filled; the registry only for what is missing.
  return execFileSync("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** `npm pack` of the root (no args) or a workspace (`["-w", "api"]`) into `dest`; the tarball's path. */
function pack(args: string[], dest: string): string {
  // The build already ran (`npm test` builds first); --ignore-scripts keeps `prepare` from building again.
  const out = JSON.parse(execFileSync("npm", ["pack", ...args, "--ignore-scripts", "--json", "--pack-destination", dest], { cwd: REPO, encoding: "utf8" }));
  return path.join(dest, out[0].filename);
}

/** The paths in a tarball, without npm's `package/` prefix. */
const tarFiles = (tgz: string): string[] => execFileSync("tar", ["tzf", tgz], { encoding: "utf8" }).trim().split("\n").map((f) => f.replace(/^package\//, ""));
/** One file of a tarball's `package/`, as text. */
const tarText = (tgz: string, file: string): string => execFileSync("tar", ["xzOf", tgz, `package/${file}`], { encoding: "utf8" });

/** Unpacks an npm tarball's `package/` into `dir`. */
function unpack(tgz: string, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["xzf", tgz, "-C", dir, "--strip-components=1"]);
}

interface TreeNode { name: string; dir: string; json: any }

/** Every package directory under `root/node_modules`, at any depth (scoped ones included), symlinks followed once. */
function installedPackages(root: string): TreeNode[] {
  const out: TreeNode[] = [];
  const seen = new Set<string>();
  const walk = (modules: string) => {
    if (!fs.existsSync(modules)) return;
    for (const entry of fs.readdirSync(modules)) {
      if (entry.startsWith(".")) continue;
      const dirs = entry.startsWith("@") ? fs.readdirSync(path.join(modules, entry)).map((e) => path.join(modules, entry, e)) : [path.join(modules, entry)];
      for (const d of dirs) {
        const real = fs.realpathSync(d);
        if (seen.has(real) || !fs.existsSync(path.join(real, "package.json"))) continue;
        seen.add(real);
        const json = JSON.parse(fs.readFileSync(path.join(real, "package.json"), "utf8"));
        out.push({ name: json.name, dir: real, json });
        walk(path.join(real, "node_modules"));
      }
    }
  };
  walk(path.join(root, "node_modules"));
  return out;
}

/** The names reachable from `names` through dependencies (not peers), resolved in `packages` by name. */
function closure(packages: TreeNode[], names: string[]): Set<string> {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const out = new Set<string>();
  const queue = [...names];
  while (queue.length) {
    const n = queue.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    const p = byName.get(n);
    for (const d of Object.keys({ ...p?.json.dependencies, ...p?.json.optionalDependencies })) queue.push(d);
  }
  return out;
}

describe("the packed provider: lean install, and plain, symlinked and workspace installs under the engine", function () {
  this.timeout(900_000);
  const engine = useEngine();
  let tmp: string;
  let tarball: string;
  let apiTarball: string;
  let service: OtterStorage;

  before(async function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "otter-pack-"));
    tarball = pack([], tmp);
    apiTarball = pack(["-w", "api"], tmp);
    service = await startOtterStorage({ memory: true });
  });
  after(async () => {
    await service?.stop();
    if (tmp && !process.env.ENGINE_KEEP_DIRS) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** `pulumi up` of PROGRAM in `dir`, the key used over S3, the state checked, then destroy. */
  async function upUseDestroy(dir: string) {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: packed\nruntime: nodejs\nmain: index.js\n");
    fs.writeFileSync(path.join(dir, "index.js"), PROGRAM);
    const stack = await engine().existing(dir).stack("dev", { endpoint: service.controlUrl, token: service.token });
    await stack.up();
    const out = await stack.outputs(true);
    assert.match(out.accessKeyId, /^[A-Z0-9]{20}$/);
    await s3For({ accessKeyId: out.accessKeyId, secretAccessKey: out.secretAccessKey, endpoint: out.endpoint, region: "eu-mad" }, service)
      .send(new PutObjectCommand({ Bucket: out.bucket, Key: "hello.txt", Body: "hi" }));
    const resources = await stack.resources();
    const providers = resources.filter((r) => r.inputs?.__provider).map((r) => ({ type: r.type as string, text: String(r.inputs.__provider) }));
    assert.equal(providers.length, 5, "the bucket, the key, the rotating key's two slots and its generation carry a provider");
    for (const p of providers) {
      const mod = /RotationGeneration$/.test(p.type) ? "rotationGeneration" : /Bucket$/.test(p.type) ? "bucket" : "accessKey";
      // The provider is one line requiring the package by name, not the package's code copied by value
      // (sdk/providerByName.ts): it is stored twice per resource and rewritten at every checkpoint.
      assert.ok(p.text.includes(`require("pulumi-otterstorage/dist/provider/dynamic/${mod}.js")`), `${p.type}: ${p.text.slice(0, 300)}`);
      assert.ok(Buffer.byteLength(p.text) <= 1024, `${p.type}: serialized provider is ${Buffer.byteLength(p.text)} bytes`);
      assert.ok(!/zod|axios|node_modules|\/tmp\//.test(p.text), `${p.type}: names a dependency or a path: ${p.text.slice(0, 300)}`);
    }
    await stack.destroy();
    const left = (await control(service).get("/v1/buckets")).body.buckets as { name: string }[];
    assert.ok(!left.some((b) => b.name === out.bucket), "destroy deleted the bucket");
  }

  it("holds the provider, SDK, audit CLI and schema.json, and nothing of Local OtterStorage, the tests or the sources", function () {
    const files = tarFiles(tarball);
    for (const f of ["package.json", "schema.json", "README.md", "dist/sdk/index.js", "dist/sdk/index.d.ts", "dist/audit/cli.js",
      "dist/provider/dynamic/bucket.js", "dist/provider/dynamic/accessKey.js", "dist/provider/dynamic/rotationGeneration.js",
      "dist/terraform/main.js", "terraform/proto/tfplugin6.10.proto", "terraform/proto/grpc_controller.proto",
      "bin/pulumi-resource-otterstorage", "dist/plugin/main.js", "dist/plugin/server.js"]) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    const stray = files.filter((f) => /(^|\/)(emulator|tests|bench|policy|examples|quickstart)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)));
    assert.deepEqual(stray, []);
    const pkg = JSON.parse(tarText(tarball, "package.json"));
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), [
      // The OpenTofu/Terraform provider (terraform/): its .proto loader, msgpack and its handshake certificate;
      // gRPC for it and the native Pulumi plugin (plugin/), which also reads google-protobuf's well-known types.
      "@grpc/grpc-js", "google-protobuf", "@grpc/proto-loader", "@msgpack/msgpack", "@peculiar/x509", "reflect-metadata",
      "@smithy/signature-v4", "axios", "otterstorage-api", "zod",
    ].sort());
    assert.deepEqual(Object.keys(pkg.peerDependencies), ["@pulumi/pulumi"]);
    assert.equal(pkg.bin["otterstorage-local"], undefined, "Local OtterStorage's bin ships in otterstorage-local");
  });

  it("otterstorage-local packs on its own: its bin, its service packages, the contract as a dependency, not a copy", function () {
    const local = pack(["-w", "emulator"], tmp);
    const files = tarFiles(local);
    const pkg = JSON.parse(tarText(local, "package.json"));
    assert.equal(pkg.name, "otterstorage-local");
    assert.equal(pkg.bin["otterstorage-local"], "bin/otterstorage-local.js");
    assert.ok(["bin/otterstorage-local.js", "dist/cli.js", "dist/index.js", "dist/s3/server.js"].every((f) => files.includes(f)), files.join(" "));
    assert.match(tarText(local, "bin/otterstorage-local.js"), /^#!\/usr\/bin\/env node\n/);
    for (const d of ["fastify", "better-sqlite3", "fast-xml-parser", "otterstorage-api"]) assert.ok(pkg.dependencies[d], `depends on ${d}`);
    assert.deepEqual(files.filter((f) => /(^|\/)(api|tests|provider|sdk)\/|schemas\.js$|routes\.js$/.test(f)), [], "no copy of the contract or the provider");
  });

  describe("installed from the tarballs", function () {
    let app: string;
    before(function () {
      app = path.join(tmp, "app");
      writeJson(path.join(app, "package.json"), { name: "app", version: "1.0.0", private: true });
      npm(app, ["install", apiTarball, tarball, `@pulumi/pulumi@${PULUMI_VERSION}`]);
    });

    it("brings none of Local OtterStorage's packages, no native code, and nothing it pulls in runs an install script", function () {
      const packages = installedPackages(app);
      const names = new Set(packages.map((p) => p.name));
      assert.deepEqual(SERVICE_ONLY.filter((n) => names.has(n)), []);
      assert.deepEqual(filesUnder(path.join(app, "node_modules")).filter((f) => /\.node$|binding\.gyp$/.test(f)), []);
      const ours = closure(packages, ["pulumi-otterstorage", "otterstorage-api"]);
      // protobufjs (under @grpc/proto-loader) has a postinstall that only prints a warning about version schemes
      // (node_modules/protobufjs/scripts/postinstall.js); package.json's allowScripts keeps it from running here.
      const scripted = packages.filter((p) => ours.has(p.name) && p.name !== "protobufjs" && (p.json.gypfile || ["preinstall", "install", "postinstall"].some((s) => p.json.scripts?.[s])));
      assert.deepEqual(scripted.map((p) => p.name), []);
      assert.ok(ours.has("zod") && ours.has("axios"), `the closure was walked: ${[...ours].join(", ")}`);
    });

    it("a program serializes the provider as a require by package name, and runs: create, use over S3, destroy", async function () {
      await upUseDestroy(app);
    });
  });

  it("symlinked: `npm install ../checkout` of an unpacked checkout (what npm link makes) serializes and runs", async function () {
    const checkout = path.join(tmp, "checkout");
    unpack(tarball, checkout);
    npm(checkout, ["install", "--omit=dev", apiTarball]);
    const app = path.join(tmp, "linked");
    writeJson(path.join(app, "package.json"), { name: "linked", version: "1.0.0", private: true });
    npm(app, ["install", checkout, `@pulumi/pulumi@${PULUMI_VERSION}`]);
    // A clone that ran `npm install` also has its devDependencies, @pulumi/pulumi among them: the SDK there resolves
    // that copy from its real path, a second one beside the program's. Lent from this repo's node_modules (a full
    // devDependencies install would take minutes); nothing else of it is reachable from the checkout.
    fs.mkdirSync(path.join(checkout, "node_modules", "@pulumi"), { recursive: true });
    fs.symlinkSync(path.join(REPO, "node_modules", "@pulumi", "pulumi"), path.join(checkout, "node_modules", "@pulumi", "pulumi"), "dir");
    assert.ok(fs.lstatSync(path.join(app, "node_modules", "pulumi-otterstorage")).isSymbolicLink(), "npm made a symlink");
    await upUseDestroy(app);
  });

  it("an npm workspace member (the package symlinked from packages/) serializes and runs", async function () {
    const mono = path.join(tmp, "mono");
    writeJson(path.join(mono, "package.json"), { name: "mono", version: "1.0.0", private: true, workspaces: ["packages/*"] });
    unpack(apiTarball, path.join(mono, "packages", "otterstorage-api"));
    unpack(tarball, path.join(mono, "packages", "pulumi-otterstorage"));
    const infra = path.join(mono, "packages", "infra");
    writeJson(path.join(infra, "package.json"), { name: "infra", version: "1.0.0", private: true, dependencies: { "pulumi-otterstorage": "0.1.0", "@pulumi/pulumi": PULUMI_VERSION } });
    // --omit=dev, as a production install does: the vendored package's devDependencies are its own build tools.
    npm(mono, ["install", "--omit=dev"]);
    assert.ok(fs.lstatSync(path.join(mono, "node_modules", "pulumi-otterstorage")).isSymbolicLink(), "npm made a symlink");
    await upUseDestroy(infra);
  });

  it("a program whose directory cannot load the package by name fails at declaration with ProviderNotResolvable", function () {
    const get = providerByName("pulumi-otterstorage/dist/provider/dynamic/no-such-module.js", ["create"]);
    assert.throws(get, (e: unknown) => e instanceof OtterStorageError && e.code === "ProviderNotResolvable" && /npm install pulumi-otterstorage/.test(e.message));
  });
});
