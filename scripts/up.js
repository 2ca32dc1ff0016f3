#!/usr/bin/env node
/**
 * `npm run up`: the quickstart (root Pulumi.yaml, stack `dev`) against Local OtterStorage, in one command.
 *
 *   1. Needs the Pulumi CLI; without it, stops at once with the install hint (nothing else runs first).
 *   2. Builds when the quickstart's build output is missing or older than its source.
 *   3. Local state and secrets: PULUMI_BACKEND_URL=file://<repo>/.pulumi-state and a passphrase secrets provider
 *      (PULUMI_CONFIG_PASSPHRASE; a fixed default for this local dev stack), unless you set your own.
 *   4. The endpoint is the stack's `otterstorage:endpoint` (Pulumi.dev.yaml: http://127.0.0.1:7480), else
 *      OTTERSTORAGE_ENDPOINT, else that default. When it is a loopback URL and nothing answers there, Local
 *      OtterStorage is started on that port (S3 on the next one, data in .otterstorage/) and its account token
 *      passed on as OTTERSTORAGE_TOKEN. The token is never printed.
 *   5. `pulumi stack select <stack> --create`, then `pulumi up --yes` (extra arguments are passed on), then Local
 *      OtterStorage is stopped again (its data stays) unless --keep-running.
 */
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const http = require("http");
const path = require("path");
const readline = require("readline");

const ROOT = path.resolve(__dirname, "..");
const DEFAULT_ENDPOINT = "http://127.0.0.1:7480";
/** For the local dev stack only: it protects nothing but this machine's throw-away state. */
const DEFAULT_PASSPHRASE = "otterstorage-local-dev";
const MIN_CLI = [3, 139]; // `configure` for dynamic providers (https://github.com/pulumi/pulumi/pull/17697)
/** Runs an executable given to --policy-pack directly as the analyzer (https://github.com/pulumi/pulumi/pull/24052). */
const EXE_ANALYZER_CLI = [3, 255];
/** The executable analyzer a policy pack folder of this repository ships (docs/policy-pack.md). */
const ANALYZER_LAUNCHER = "pulumi-analyzer-otterstorage";

const INSTALL_HINT = `npm run up needs the Pulumi CLI, and \`pulumi\` is not on your PATH (nor in .tools/pulumi/bin).

Install it (https://www.pulumi.com/docs/install/):
  curl -fsSL https://get.pulumi.com | sh        # Linux, macOS; then add ~/.pulumi/bin to PATH or open a new shell
  brew install pulumi/tap/pulumi                # macOS (Homebrew)
  winget install pulumi                         # Windows
Or, where the installer's host cannot be reached, build it from the Go module proxy (needs Go >= 1.26):
  bash scripts/pulumi-toolchain.sh              # into .tools/pulumi/bin, which npm run up and npm test look in
Then run \`npm run up\` again.

Everything else works without the CLI: \`npm test\` runs the whole test suite against Local OtterStorage.
`;

const USAGE = `Usage: npm run up [-- options] [-- pulumi up arguments]

Runs the quickstart stack against Local OtterStorage (see README.md).

Options:
  --cwd <dir>         Pulumi project to run (default: the repository root, i.e. the quickstart)
  --stack <name>      Stack (default: dev)
  --data-dir <dir>    Local OtterStorage data (default: .otterstorage/ in the repository)
  --keep-running      Keep Local OtterStorage running after \`pulumi up\` until Ctrl-C
  -h, --help          Show this help
Any other argument goes to \`pulumi up\`, e.g. npm run up -- --policy-pack policy
`;

class UsageError extends Error {}

function parseArgs(argv) {
  const o = { cwd: ROOT, stack: "dev", dataDir: path.join(ROOT, ".otterstorage"), keepRunning: false, pulumiArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--cwd") o.cwd = path.resolve(value());
    else if (a === "--stack") o.stack = value();
    else if (a === "--data-dir") o.dataDir = path.resolve(value());
    else if (a === "--keep-running") o.keepRunning = true;
    else if (a === "--") o.pulumiArgs.push(...argv.slice(i + 1)), (i = argv.length);
    else o.pulumiArgs.push(a);
  }
  if (!fs.existsSync(path.join(o.cwd, "Pulumi.yaml"))) throw new UsageError(`--cwd ${o.cwd} has no Pulumi.yaml; point it at a Pulumi project`);
  if (!/^[A-Za-z0-9_.-]+$/.test(o.stack)) throw new UsageError(`--stack must be a plain stack name (letters, digits, - _ .); got '${o.stack}'`);
  return o;
}

/**
 * The `pulumi` to run: the one on PATH, else the toolchain's (scripts/pulumi-toolchain.sh builds it into
 * .tools/pulumi/bin; PULUMI_TOOLCHAIN_DIR moves that folder). With the toolchain's, its bin folder goes first on
 * the PATH pulumi gets, so the engine finds the language host and the dynamic-provider plugin next to it.
 */
function resolvePulumi() {
  for (const dir of (process.env.PATH || "").split(path.delimiter).filter(Boolean)) {
    if (fs.existsSync(path.join(dir, "pulumi"))) return { bin: "pulumi", dir: null };
  }
  const dir = path.join(process.env.PULUMI_TOOLCHAIN_DIR || path.join(ROOT, ".tools", "pulumi"), "bin");
  return fs.existsSync(path.join(dir, "pulumi")) ? { bin: path.join(dir, "pulumi"), dir } : null;
}
const PULUMI = resolvePulumi();

/** `pulumi version` → [major, minor, patch], or null when there is no `pulumi` to run. */
function pulumiVersion() {
  if (!PULUMI) return null;
  const r = spawnSync(PULUMI.bin, ["version"], { encoding: "utf8", timeout: 30000 });
  if (r.error) {
    if (r.error.code === "ENOENT") return null;
    throw new Error(`could not run \`pulumi version\`: ${r.error.message}`);
  }
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(r.stdout || "");
  return m ? m.slice(1).map(Number) : [0, 0, 0];
}

const atLeast = (v, min) => v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

/**
 * `--policy-pack <folder>` naming a pack folder that ships ANALYZER_LAUNCHER (this repository's policy/) becomes the
 * launcher's absolute path when the CLI runs executable analyzers: a folder would go through the language host's
 * RunPlugin, which older Node hosts (the toolchain's v3.68.0) refuse. Paths are taken relative to where
 * `npm run up` was typed (INIT_CWD, which npm sets; else this process's directory), as the user meant them.
 */
function policyPackArgs(args, version) {
  if (!atLeast(version, EXE_ANALYZER_CLI)) return args;
  const base = process.env.INIT_CWD || process.cwd();
  const launcherFor = (value) => {
    const dir = path.resolve(base, value);
    const launcher = path.join(dir, ANALYZER_LAUNCHER);
    return fs.existsSync(dir) && fs.statSync(dir).isDirectory() && fs.existsSync(launcher) ? launcher : undefined;
  };
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === "--policy-pack" && i + 1 < out.length) {
      const launcher = launcherFor(out[i + 1]);
      if (launcher) out[++i] = launcher;
    } else if (out[i].startsWith("--policy-pack=")) {
      const launcher = launcherFor(out[i].slice("--policy-pack=".length));
      if (launcher) out[i] = `--policy-pack=${launcher}`;
    }
  }
  return out;
}

function buildIfStale(projectDir) {
  const entry = path.join(ROOT, "dist", "quickstart", "index.js");
  const source = path.join(ROOT, "quickstart", "index.ts");
  const mirror = path.join(ROOT, "node_modules", "pulumi-otterstorage", "package.json");
  const needsEntry = projectDir === ROOT;
  const stale = !fs.existsSync(mirror) || (needsEntry && (!fs.existsSync(entry) || fs.statSync(entry).mtimeMs < fs.statSync(source).mtimeMs));
  if (!stale) return;
  console.log("Building (npm run build) ...");
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build.js")], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0 && !(fs.existsSync(mirror) && (!needsEntry || fs.existsSync(entry)))) {
    throw new Error("the build failed (see above); fix it and run npm run up again");
  }
}

/** The stack's otterstorage:endpoint / otterstorage:token from Pulumi.<stack>.yaml (plain values only). */
function stackConfig(projectDir, stack) {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const get = (key) => {
    const m = new RegExp(`^\\s+otterstorage:${key}:\\s*(.+?)\\s*$`, "m").exec(text);
    return m ? m[1].replace(/^["']|["']$/g, "") : undefined;
  };
  return { endpoint: get("endpoint"), hasToken: /^\s+otterstorage:token:/m.test(text) };
}

function isLoopbackHttp(url) {
  try {
    const u = new URL(url);
    const h = u.hostname.replace(/^\[|\]$/g, "");
    return u.protocol === "http:" && (h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h));
  } catch {
    return false;
  }
}

/** GET <endpoint>/v1/health: true when something answers 200 within a second. */
function answers(endpoint) {
  return new Promise((resolve) => {
    const req = http.get(new URL("/v1/health", endpoint), { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** Starts Local OtterStorage (emulator/dist/cli.js, the otterstorage-local workspace package); resolves with { child, token, controlUrl, s3Url } once it prints its ready line. */
function startLocal(endpoint, dataDir) {
  const u = new URL(endpoint);
  const controlPort = Number(u.port || 80);
  const cli = path.join(ROOT, "emulator", "dist", "cli.js");
  if (!fs.existsSync(cli)) throw new Error(`${path.relative(ROOT, cli)} is missing; run npm run build`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(dataDir, "otterstorage-local.log");
  const log = fs.openSync(logFile, "a", 0o600);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const args = [cli, "--data-dir", dataDir, "--host", host, "--control-port", String(controlPort), "--s3-port", String(controlPort + 1)];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", log] });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (msg) => {
      if (settled) return;
      settled = true;
      child.kill();
      reject(new Error(`${msg} (log: ${path.relative(process.cwd(), logFile)})`));
    };
    const timer = setTimeout(() => fail("Local OtterStorage did not get ready within 30 s"), 30000);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      if (settled) {
        fs.writeSync(log, line + "\n"); // request log lines after ready
        return;
      }
      let msg;
      try {
        msg = JSON.parse(line);
      } catch {
        fs.writeSync(log, line + "\n");
        return;
      }
      if (msg.event !== "ready") return;
      settled = true;
      clearTimeout(timer);
      resolve({ child, token: msg.token, controlUrl: msg.controlUrl, s3Url: msg.s3Url });
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(`Local OtterStorage exited (code ${code}) before it was ready; is port ${controlPort} or ${controlPort + 1} in use?`);
    });
  });
}

function stopLocal(local) {
  if (!local || local.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => local.child.kill("SIGKILL"), 10000);
    local.child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    local.child.kill("SIGTERM");
  });
}

/** Runs `pulumi <args>` with the terminal attached; resolves with its exit code. */
function pulumi(args, cwd, env) {
  return new Promise((resolve) => {
    const p = spawn(PULUMI.bin, args, { cwd, env, stdio: "inherit" });
    p.once("error", (e) => {
      console.error(`npm run up: could not run pulumi: ${e.message}`);
      resolve(1);
    });
    p.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.includes("-h") || argv.includes("--help")) {
    process.stdout.write(USAGE);
    return 0;
  }
  // The CLI first: without it nothing else is worth doing (no build, no Local OtterStorage).
  const version = pulumiVersion();
  if (!version) {
    process.stderr.write(INSTALL_HINT);
    return 1;
  }
  let o;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`npm run up: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (!atLeast(version, MIN_CLI)) {
    console.warn(`Warning: Pulumi CLI ${version.join(".")} is older than ${MIN_CLI.join(".")}; the provider needs ${MIN_CLI.join(".")}+ to receive stack config. Upgrade: https://www.pulumi.com/docs/install/`);
  }

  buildIfStale(o.cwd);
  const pulumiArgs = policyPackArgs(o.pulumiArgs, version);
  for (let i = 0; i < pulumiArgs.length; i++) {
    if (pulumiArgs[i] !== o.pulumiArgs[i]) console.log(`Policy pack: ${path.relative(process.env.INIT_CWD || process.cwd(), pulumiArgs[i].replace(/^--policy-pack=/, ""))} (the pack's executable analyzer)`);
  }

  const env = { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" };
  if (PULUMI.dir) env.PATH = [PULUMI.dir, process.env.PATH].filter(Boolean).join(path.delimiter);
  if (!env.PULUMI_BACKEND_URL) {
    const state = path.join(ROOT, ".pulumi-state");
    fs.mkdirSync(state, { recursive: true, mode: 0o700 });
    env.PULUMI_BACKEND_URL = `file://${state}`;
  }
  if (!env.PULUMI_CONFIG_PASSPHRASE && !env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    env.PULUMI_CONFIG_PASSPHRASE = DEFAULT_PASSPHRASE;
    console.log(`Secrets: passphrase provider with the local dev default (set PULUMI_CONFIG_PASSPHRASE to use your own).`);
  }
  console.log(`State:   ${env.PULUMI_BACKEND_URL}`);

  const cfg = stackConfig(o.cwd, o.stack);
  const endpoint = cfg.endpoint || env.OTTERSTORAGE_ENDPOINT || DEFAULT_ENDPOINT;
  env.OTTERSTORAGE_ENDPOINT = endpoint;
  let local;
  if (isLoopbackHttp(endpoint)) {
    if (await answers(endpoint)) {
      if (!env.OTTERSTORAGE_TOKEN && !cfg.hasToken) {
        process.stderr.write(
          `npm run up: something already answers at ${endpoint} (a Local OtterStorage you started?).\n` +
            `Set OTTERSTORAGE_TOKEN to its account token (its ready line prints it), or stop it so npm run up can start its own.\n`,
        );
        return 1;
      }
      console.log(`Endpoint: ${endpoint} (already running)`);
    } else {
      local = await startLocal(endpoint, o.dataDir);
      env.OTTERSTORAGE_TOKEN = local.token;
      console.log(`Endpoint: ${local.controlUrl} (Local OtterStorage, S3 at ${local.s3Url}, data in ${path.relative(process.cwd(), o.dataDir) || "."})`);
    }
  } else {
    if (!endpoint.startsWith("https://")) console.warn(`Warning: ${endpoint} is not https; keys and objects would cross the network in clear text.`);
    if (!env.OTTERSTORAGE_TOKEN && !cfg.hasToken) {
      process.stderr.write(`npm run up: ${endpoint} needs an account token: export OTTERSTORAGE_TOKEN, or \`pulumi config set --secret otterstorage:token <token> --stack ${o.stack}\`.\n`);
      return 1;
    }
    console.log(`Endpoint: ${endpoint}`);
  }

  // Ctrl-C reaches pulumi too (same process group); wait for it, then stop Local OtterStorage cleanly.
  let interrupted = false;
  const onSigint = () => (interrupted = true);
  process.on("SIGINT", onSigint);
  try {
    let code = await pulumi(["stack", "select", o.stack, "--create", "--secrets-provider", "passphrase", "--non-interactive"], o.cwd, env);
    if (code === 0 && !interrupted) code = await pulumi(["up", "--yes", "--stack", o.stack, ...pulumiArgs], o.cwd, env);
    if (code === 0) {
      const custom = env.PULUMI_CONFIG_PASSPHRASE !== DEFAULT_PASSPHRASE;
      console.log(
        `\nDone. To read the outputs (secrets included) later, in this directory:\n` +
          `  export PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL}${custom ? "" : ` PULUMI_CONFIG_PASSPHRASE=${DEFAULT_PASSPHRASE}`}\n` +
          `  pulumi stack output --stack ${o.stack} --show-secrets`,
      );
    }
    if (local && o.keepRunning && code === 0 && !interrupted) {
      console.log(`\nLocal OtterStorage keeps running at ${local.controlUrl} (S3 ${local.s3Url}); Ctrl-C stops it.`);
      await new Promise((resolve) => process.once("SIGINT", resolve));
    } else if (local) {
      const port = Number(new URL(endpoint).port);
      console.log(
        `\nLocal OtterStorage stopped; its data (buckets, keys, objects) stays in ${path.relative(process.cwd(), o.dataDir) || "."}. ` +
          `To use the keys, serve it again:\n  npx otterstorage-local --data-dir ${path.relative(process.cwd(), o.dataDir) || "."} --control-port ${port} --s3-port ${port + 1}`,
      );
    }
    return code;
  } finally {
    process.removeListener("SIGINT", onSigint);
    await stopLocal(local);
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`npm run up: ${e.message}\n`);
    process.exit(1);
  },
);
