/**
 * This policy pack as an executable analyzer: what `pulumi preview --policy-pack policy/pulumi-analyzer-otterstorage`
 * runs (the launcher next to this file only finds Node and execs it).
 *
 * Why: given a folder, the Pulumi CLI starts a Node policy pack through the Node language host's RunPlugin, which
 * hosts older than the CLI answer "not supported" (docs/engine.md). Given an executable *file*, CLI v3.255 and later
 * run it directly as the analyzer plugin (pkg/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer:
 * https://github.com/pulumi/pulumi/pull/24052): arguments = the engine's address, working directory = the
 * program's, the PulumiPolicy.yaml beside the file read for the pack's description.
 *
 * What it does is what a modern pulumi-language-nodejs does for a policy pack (its RunPlugin with
 * sdk.NewPolicyProxy, sdk/v3 policy_proxy.go): serve the Analyzer API at once (the port on stdout, nothing before
 * it), take the engine's ConfigureStack (organization, project, stack, dry run, stack config), then start the pack
 * with @pulumi/pulumi's run-policy-pack in the pack's folder with PULUMI_NODEJS_ORGANIZATION/PROJECT/STACK/DRY_RUN
 * and PULUMI_CONFIG set from it, and relay every call (the policy config of `--policy-pack-config` arrives as the
 * Configure call) to it. Calls are relayed as raw bytes; only ConfigureStack is decoded.
 */
"use strict";
const { spawn } = require("node:child_process");
const { createRequire } = require("node:module");
const readline = require("node:readline");

const PACK_DIR = __dirname;
// @pulumi/pulumi as the pack resolves it (its own node_modules, or the repository's), and gRPC through it, so the
// generated service definitions and the transport are one copy.
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json", { paths: [PACK_DIR] }));
const grpc = pulumiRequire("@grpc/grpc-js");
const { AnalyzerService } = pulumiRequire("./proto/analyzer_grpc_pb");
const { AnalyzerStackConfigureRequest } = pulumiRequire("./proto/analyzer_pb");
const RUN_POLICY_PACK = pulumiRequire.resolve("./cmd/run-policy-pack");

const raw = (b) => b;
const RAW_SERVICE = Object.fromEntries(
  Object.entries(AnalyzerService).map(([name, d]) => [name, { ...d, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw }]),
);
/** An empty protobuf message is zero bytes (Handshake's and ConfigureStack's responses). */
const EMPTY = Buffer.alloc(0);

let stackConfig; // the ConfigureStack request bytes, once the engine sent them
let pack; // Promise<{ client, child }>

/** What a modern language host puts in the pack's environment (its RunPlugin for policy packs). */
function packEnv(configureStack) {
  const env = { ...process.env };
  if (!configureStack) return env;
  const req = AnalyzerStackConfigureRequest.deserializeBinary(configureStack);
  const set = (k, v) => {
    if (v !== "") env[k] = v;
  };
  set("PULUMI_NODEJS_ORGANIZATION", req.getOrganization());
  set("PULUMI_NODEJS_PROJECT", req.getProject());
  set("PULUMI_NODEJS_STACK", req.getStack());
  set("PULUMI_NODEJS_DRY_RUN", String(req.getDryRun()));
  const config = Object.fromEntries(req.getConfigMap().toArray());
  if (Object.keys(config).length > 0) set("PULUMI_CONFIG", JSON.stringify(config));
  return env;
}

/** Starts the pack (once) and resolves with a client for it, the stack configuration already forwarded. */
function startPack() {
  pack ??= new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_POLICY_PACK, ...process.argv.slice(2), PACK_DIR], {
      cwd: PACK_DIR,
      env: packEnv(stackConfig),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exit = (code, signal) => {
      reject(new Error(`the policy pack in ${PACK_DIR} exited (${signal ?? code}) before it served`));
      process.exitCode = code ?? 1;
      server.forceShutdown();
    };
    child.once("exit", exit);
    child.once("error", (e) => reject(new Error(`could not start the policy pack in ${PACK_DIR}: ${e.message}`)));
    const lines = readline.createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const port = Number(line.trim());
      if (!Number.isInteger(port) || port <= 0) return reject(new Error(`the policy pack printed "${line}" where its port belongs`));
      // Later output of the pack goes where the engine reads a plugin's output.
      lines.on("line", (l) => process.stdout.write(l + "\n"));
      const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const ready = { client, child };
      if (!stackConfig) return resolve(ready);
      relay(client, AnalyzerService.configureStack.path, stackConfig)
        .catch((e) => {
          // A pack that predates ConfigureStack answers UNIMPLEMENTED, as the language host tolerates.
          if (e.code !== grpc.status.UNIMPLEMENTED) throw e;
        })
        .then(() => resolve(ready), reject);
    });
  });
  return pack;
}

function relay(client, method, request) {
  return new Promise((resolve, reject) => client.makeUnaryRequest(method, raw, raw, request, (err, res) => (err ? reject(err) : resolve(res))));
}

const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
const handlers = Object.fromEntries(
  Object.entries(AnalyzerService).map(([name, d]) => [
    name,
    (call, callback) => {
      if (name === "handshake") return callback(null, EMPTY);
      if (name === "configureStack" && !pack) {
        stackConfig = call.request;
        return callback(null, EMPTY);
      }
      startPack()
        .then(({ client }) => relay(client, d.path, call.request))
        .then((res) => callback(null, res), (err) => callback(err.code !== undefined ? err : { code: grpc.status.UNAVAILABLE, details: err.message }));
    },
  ]),
);
server.addService(RAW_SERVICE, handlers);
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) {
    console.error(`policy analyzer: could not listen: ${err.message}`);
    process.exit(1);
  }
  process.stdout.write(`${port}\n`);
});

// The engine interrupts the plugin's process group when it is done; stop the pack with us either way.
const stop = () => {
  pack?.then(({ child }) => child.kill(), () => {});
  server.forceShutdown();
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
