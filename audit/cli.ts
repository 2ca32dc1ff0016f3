#!/usr/bin/env node
/**
 * `otterstorage audit`: lists every access key of an OtterStorage account (any service that speaks Control API v1,
 * through provider/client.ts) with bucket, label, age and last use, and flags what api/auditFlags.ts flags.
 * Exit codes: 0 done (nothing flagged, or flags without --fail-on), 1 something --fail-on names was flagged,
 * 2 bad command line or unreadable stack export, 3 the service could not be read.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { OtterStorageClient } from "../provider/client";
import { auditKeys, AuditReport, Flag, FLAG_NAMES, FLAGS, KeyFacts, parseDays, parseStackExport, StackExportError, StackOwnedKey } from "otterstorage-api";

export const USAGE = `Usage: otterstorage audit [options]

Lists every access key (bucket, label, age, last use) through the Control API v1 and flags:
  unlabelled  keys without a label
  old         keys older than --max-age-days
  unused      keys not used (or, never used, created) for more than --unused-days
  orphan      keys no stack owns (with --stack-export)
  missing     keys a stack owns that the service no longer has (with --stack-export)

Options:
  --endpoint <url>        Control API URL (default: env OTTERSTORAGE_ENDPOINT)
  --max-age-days <n>      Flag keys older than n days
  --unused-days <n>       Flag keys unused for more than n days
  --stack-export <file>   A \`pulumi stack export\` JSON file; repeat for several stacks
  --json                  Print the report as JSON (stable: same input, same bytes)
  --fail-on <flags>       Exit 1 when a key has one of these flags: 'any' or a comma list, e.g. orphan,old
  -h, --help              Show this help

The account token is read from env OTTERSTORAGE_TOKEN (never from the command line).
Exit codes: 0 done, 1 flagged (with --fail-on), 2 bad usage or stack export, 3 the service could not be read.
`;

export class UsageError extends Error {}

export interface AuditConfig {
  endpoint: string;
  token: string;
  maxAgeDays?: number;
  unusedDays?: number;
  stackExports: string[];
  json: boolean;
  failOn: Flag[];
}

function days(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const d = parseDays(v);
  if ("error" in d) throw new UsageError(`${flag} ${d.error}`);
  return d.days;
}

export function parseAuditArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): AuditConfig | { help: true } {
  if (argv[0] !== "audit") {
    if (argv[0] === "-h" || argv[0] === "--help" || argv.length === 0) return { help: true };
    throw new UsageError(`unknown command '${argv[0]}'; the only command is 'audit'`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      strict: true,
      allowPositionals: false,
      options: {
        endpoint: { type: "string" },
        "max-age-days": { type: "string" },
        "unused-days": { type: "string" },
        "stack-export": { type: "string", multiple: true },
        json: { type: "boolean" },
        "fail-on": { type: "string" },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (v.token !== undefined) throw new UsageError("--token is not accepted (it would show in the process list and shell history); set OTTERSTORAGE_TOKEN");
  const endpoint = v.endpoint ?? env.OTTERSTORAGE_ENDPOINT;
  if (!endpoint) throw new UsageError("no Control API URL: pass --endpoint <url> or set OTTERSTORAGE_ENDPOINT");
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be an http(s) URL such as http://127.0.0.1:4566; got '${endpoint}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--endpoint must be an http(s) URL; got '${endpoint}'`);
  const token = env.OTTERSTORAGE_TOKEN;
  if (!token) throw new UsageError("no account token: set OTTERSTORAGE_TOKEN");
  let failOn: Flag[] = [];
  let explicit = false;
  if (v["fail-on"] !== undefined) {
    const names = v["fail-on"].split(",").map((s) => s.trim()).filter(Boolean);
    if (names.length === 0) throw new UsageError(`--fail-on needs 'any' or a comma list of: ${FLAG_NAMES.join(", ")}`);
    for (const n of names) {
      if (n !== "any" && !(FLAG_NAMES as string[]).includes(n)) throw new UsageError(`--fail-on: unknown flag '${n}'; use 'any' or a comma list of: ${FLAG_NAMES.join(", ")}`);
    }
    explicit = !names.includes("any");
    failOn = explicit ? (names as Flag[]) : [...FLAG_NAMES];
  }
  const stackExports = v["stack-export"] ?? [];
  if (!stackExports.length && explicit && failOn.some((f) => f === "orphan" || f === "missing")) {
    throw new UsageError("--fail-on orphan/missing needs at least one --stack-export file");
  }
  return {
    endpoint,
    token,
    maxAgeDays: days("--max-age-days", v["max-age-days"]),
    unusedDays: days("--unused-days", v["unused-days"]),
    stackExports,
    json: v.json === true,
    failOn,
  };
}

export function readStackExports(files: string[]): StackOwnedKey[] | undefined {
  if (!files.length) return undefined;
  const out: StackOwnedKey[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = fs.readFileSync(f, "utf8");
    } catch (e) {
      throw new UsageError(`--stack-export: cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new UsageError(`--stack-export: ${f} is not JSON. Write it with \`pulumi stack export --file ${f}\`.`);
    }
    try {
      out.push(...parseStackExport(doc, f));
    } catch (e) {
      if (e instanceof StackExportError) throw new UsageError(`--stack-export: ${e.message}`);
      throw e;
    }
  }
  return out;
}

/** Every key of every bucket, paging through both lists; and the service clock. */
export async function listAllKeys(client: OtterStorageClient): Promise<{ now: number; keys: KeyFacts[] }> {
  const health = await client.health();
  const keys: KeyFacts[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listBuckets(cursor);
    for (const b of page.data.buckets) {
      let kc: string | undefined;
      do {
        const kp = await client.listAccessKeys(b.name, kc);
        for (const k of kp.data.accessKeys) keys.push({ accessKeyId: k.accessKeyId, bucket: k.bucket, label: k.label, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt });
        kc = kp.data.nextCursor ?? undefined;
      } while (kc);
    }
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor);
  return { now: Date.parse(health.data.time), keys };
}

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd()).join("\n");
}

/** The text table: one row per key, then missing keys, then the flags' meaning and a summary line. */
export function renderText(r: AuditReport): string {
  const rows: string[][] = [["ACCESS KEY ID", "BUCKET", "LABEL", "AGE", "LAST USED", "STACK", "FLAGS"]];
  for (const k of r.keys) {
    rows.push([k.accessKeyId, k.bucket, k.label ?? "-", `${k.ageDays}d`, k.lastUsedDaysAgo === null ? "never" : `${k.lastUsedDaysAgo}d ago`, k.ownedBy.join(",") || "-", k.flags.join(",") || "-"]);
  }
  for (const m of r.missing) rows.push([m.accessKeyId, m.bucket ?? "?", m.label ?? "-", "-", "-", m.ownedBy.join(","), "missing"]);
  const used = FLAG_NAMES.filter((f) => r.summary.byFlag[f] > 0);
  const lines = [pad(rows), ""];
  for (const f of used) lines.push(`${f} (${r.summary.byFlag[f]}): ${FLAGS[f]}`);
  if (used.length) lines.push("");
  const crit = [r.options.maxAgeDays !== null ? `max age ${r.options.maxAgeDays}d` : null, r.options.unusedDays !== null ? `unused ${r.options.unusedDays}d` : null, r.options.stackExports ? `${r.options.stackExports} stack export(s)` : null].filter(Boolean);
  lines.push(`${r.summary.keys} key(s), ${r.summary.flaggedKeys} flagged, ${r.summary.missing} missing from the service (service time ${r.now}${crit.length ? "; " + crit.join(", ") : ""})`);
  return lines.join("\n") + "\n";
}

export function isFailing(r: AuditReport, failOn: Flag[]): boolean {
  return failOn.some((f) => r.summary.byFlag[f] > 0);
}

export async function main(argv: string[], out: (s: string) => void = (s) => void process.stdout.write(s), err: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  let cfg;
  let stackKeys;
  try {
    cfg = parseAuditArgs(argv);
    if ("help" in cfg) {
      out(USAGE);
      return 0;
    }
    stackKeys = readStackExports(cfg.stackExports);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`otterstorage: ${e.message}\nRun 'otterstorage audit --help' for usage.\n`);
    return 2;
  }
  let listed;
  try {
    listed = await listAllKeys(new OtterStorageClient({ endpoint: cfg.endpoint, token: cfg.token }));
  } catch (e) {
    err(`otterstorage audit: cannot read the keys from ${cfg.endpoint}: ${(e as Error).message}\n`);
    return 3;
  }
  const report = auditKeys(listed.keys, { now: listed.now, maxAgeDays: cfg.maxAgeDays, unusedDays: cfg.unusedDays, stackKeys });
  out(cfg.json ? JSON.stringify(report, null, 2) + "\n" : renderText(report));
  return isFailing(report, cfg.failOn) ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      process.stderr.write(`otterstorage: ${(e as Error).message}\n`);
      process.exitCode = 3;
    },
  );
}
