#!/usr/bin/env node
/**
 * otterstorage-local: runs Local OtterStorage (Control API v1 + S3 data plane) until SIGINT/SIGTERM.
 * Prints one JSON `ready` line first (machine-readable), then one human-readable log line per request.
 * Exit codes: 0 clean shutdown, 1 failed to start, 2 bad command line.
 */
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { startOtterStorage } from "./index";
import * as fs from "fs";
import { createLogger } from "./log";
import { FaultConfigError, parseFaults } from "./faults";
import { parseDays } from "otterstorage-api";
import { checkRate } from "./control/ratelimit";
import { DEFAULT_CONTROL_LIMITS } from "./listen";

const USAGE = `Usage: otterstorage-local [options]

Runs Local OtterStorage: the OtterStorage Control API v1 and the S3 data plane, on loopback by default.

Options:
  --data-dir <dir>        Where metadata, object bodies and master.key live (default: ~/.otterstorage-local)
  --memory                Keep everything in memory; nothing is written to disk (ignores --data-dir)
  --control-port <port>   Control API port (default 0 = any free port)
  --s3-port <port>        S3 data plane port (default 0 = any free port)
  --host <host>           Interface to listen on (default 127.0.0.1)
  --rate-limit <n>        Limit the Control API and console to n requests per second (429 with Retry-After beyond);
                          requests without the account token (or a console session) share a tenth of it
  --headers-timeout <s>   Both listeners: a request head must arrive within s seconds (default 20)
  --idle-timeout <s>      Both listeners: close a connection with no bytes moving for s seconds
                          (default 120 for S3, 30 for the Control API and console)
  --max-connections <n>   Each listener: at most n open connections; more are closed on arrival (default 1024)
  --request-timeout <s>   Control API and console: a whole request must arrive within s seconds (default 30; 0 = none)
  --no-console            Do not serve the web console (default: served at <control URL>/console/)
  --rotation-age-days <n> Console: badge keys older than n days (default 90)
  --unused-days <n>       Console: badge keys unused for more than n days (default 30)
  --faults <file.json>    Inject seeded faults (tests only), e.g. {"seed":1,"rules":[{"route":"POST /v1/buckets","p500":0.1}]}
  -h, --help              Show this help

The account token is taken from OTTERSTORAGE_TOKEN, or generated on first start and kept (encrypted) in the data dir.
On start, one JSON line is printed to stdout:
  {"event":"ready","controlUrl":...,"consoleUrl":...,"s3Url":...,"region":"eu-mad","token":...,"dataDir":...}
(consoleUrl is null with --no-console). Sign in to the console with the token.
followed by one log line per request. SIGINT/SIGTERM shut down cleanly (exit 0).
`;

class UsageError extends Error {}

function port(flag: string, v: string | undefined): number {
  if (v === undefined) return 0;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`${flag} must be a port number 0..65535 (0 = any free port); got '${v}'`);
  return Number(v);
}

export function parseCli(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "data-dir": { type: "string" },
        memory: { type: "boolean" },
        "control-port": { type: "string" },
        "s3-port": { type: "string" },
        host: { type: "string" },
        "rate-limit": { type: "string" },
        "headers-timeout": { type: "string" },
        "idle-timeout": { type: "string" },
        "max-connections": { type: "string" },
        "request-timeout": { type: "string" },
        faults: { type: "string" },
        "no-console": { type: "boolean" },
        "rotation-age-days": { type: "string" },
        "unused-days": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true as const };
  if (v.host !== undefined && v.host.trim() === "") throw new UsageError("--host must not be empty");
  let rateLimit: { requestsPerSecond: number } | undefined;
  if (v["rate-limit"] !== undefined) {
    const raw = v["rate-limit"].trim();
    const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    try {
      rateLimit = { requestsPerSecond: checkRate(n, "--rate-limit") };
    } catch (e) {
      throw new UsageError(`${(e as Error).message.replace(/got '.*'$/, `got '${v["rate-limit"]}'`)}`);
    }
  }
  /** Seconds (e.g. 20 or 0.5) as whole milliseconds; `zero` allows 0 (= no limit). */
  const seconds = (flag: string, zero = false): number | undefined => {
    const raw = v[flag as "headers-timeout"];
    if (raw === undefined) return undefined;
    const ms = /^\d+(\.\d+)?$/.test(raw.trim()) ? Math.round(Number(raw) * 1000) : NaN;
    if (!Number.isFinite(ms) || ms > 86_400_000 || (ms < 1 && !(zero && ms === 0))) {
      throw new UsageError(`--${flag} must be a number of seconds${zero ? " >= 0 (0 = no limit)" : " > 0"} and at most 86400 (e.g. 20 or 0.5); got '${raw}'`);
    }
    return ms;
  };
  const headersTimeoutMs = seconds("headers-timeout");
  const idleTimeoutMs = seconds("idle-timeout");
  const requestTimeoutMs = seconds("request-timeout", true);
  let maxConnections: number | undefined;
  if (v["max-connections"] !== undefined) {
    const raw = v["max-connections"].trim();
    if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1_000_000) throw new UsageError(`--max-connections must be a whole number 1..1000000; got '${v["max-connections"]}'`);
    maxConnections = Number(raw);
  }
  const s3Limits = { headersTimeoutMs, idleTimeoutMs, maxConnections };
  const controlLimits = { ...s3Limits, requestTimeoutMs };
  if (requestTimeoutMs && requestTimeoutMs < (headersTimeoutMs ?? DEFAULT_CONTROL_LIMITS.headersTimeoutMs)) {
    throw new UsageError(`--request-timeout must be 0 or at least the head deadline (--headers-timeout, default ${DEFAULT_CONTROL_LIMITS.headersTimeoutMs / 1000} s)`);
  }
  let faults: ReturnType<typeof parseFaults> | undefined;
  if (v.faults !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(v.faults, "utf8");
    } catch (e) {
      throw new UsageError(`--faults: cannot read ${v.faults} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    try {
      faults = parseFaults(text, v.faults);
    } catch (e) {
      if (e instanceof FaultConfigError) throw new UsageError(`--faults: ${e.message}`);
      throw e;
    }
  }
  const dayFlag = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const d = parseDays(raw);
    if ("error" in d) throw new UsageError(`${flag} ${d.error}`);
    if (v["no-console"]) throw new UsageError(`${flag} sets a console badge; it cannot be combined with --no-console`);
    return d.days;
  };
  const rotationAgeDays = dayFlag("--rotation-age-days", v["rotation-age-days"]);
  const unusedDays = dayFlag("--unused-days", v["unused-days"]);
  return {
    help: false as const,
    console: v["no-console"] ? (false as const) : { rotationAgeDays, unusedDays },
    memory: v.memory === true,
    dataDir: v.memory ? undefined : path.resolve(v["data-dir"] ?? path.join(os.homedir(), ".otterstorage-local")),
    controlPort: port("--control-port", v["control-port"]),
    s3Port: port("--s3-port", v["s3-port"]),
    host: v.host ?? "127.0.0.1",
    rateLimit,
    s3Limits,
    controlLimits,
    faults,
  };
}

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = parseCli(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`otterstorage-local: ${e.message}\nRun 'otterstorage-local --help' for usage.\n`);
    process.exit(2);
  }
  if (cfg.help) {
    process.stdout.write(USAGE);
    return;
  }
  const log = createLogger();
  // Signal handlers go in before anything is printed: a supervisor that signals right after the ready line must
  // get a clean shutdown, not the default "killed by signal".
  let instance: Awaited<ReturnType<typeof startOtterStorage>> | undefined;
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: shutting down`);
    if (!instance) return; // still starting: stopped right after start below
    instance.stop().then(
      () => process.exit(0),
      (e) => {
        log.error("shutdown failed", e);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));

  try {
    instance = await startOtterStorage({
      memory: cfg.memory,
      dataDir: cfg.dataDir,
      controlPort: cfg.controlPort,
      s3Port: cfg.s3Port,
      host: cfg.host,
      rateLimit: cfg.rateLimit,
      s3Limits: cfg.s3Limits,
      controlLimits: cfg.controlLimits,
      faults: cfg.faults,
      console: cfg.console,
      log,
    });
  } catch (e) {
    process.stderr.write(`otterstorage-local: could not start: ${(e as Error).message}\n`);
    process.exit(1);
  }
  const h = instance;
  if (stopping) {
    await h.stop();
    process.exit(0);
  }
  process.stdout.write(
    JSON.stringify({ event: "ready", controlUrl: h.controlUrl, consoleUrl: h.consoleUrl, s3Url: h.s3Url, region: h.region, token: h.token, dataDir: h.dataDir }) + "\n",
  );
  log.info(`Local OtterStorage ready: control API ${h.controlUrl}, S3 ${h.s3Url}, region ${h.region}, data ${h.dataDir ?? "in memory"}`);
  log.info(h.consoleUrl ? `Console: ${h.consoleUrl} (sign in with the account token)` : "Console: off (--no-console)");
}

/** The bin (emulator/bin/otterstorage-local.js) and `node dist/cli.js` both come here. */
export function runCli(): void {
  main().catch((e) => {
    process.stderr.write(`otterstorage-local: ${(e as Error).message}\n`);
    process.exit(1);
  });
}

if (require.main === module) runCli();
