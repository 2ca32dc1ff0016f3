/**
 * Key audit: the one place that decides which access keys are flagged, shared by the `otterstorage audit` CLI
 * (audit/cli.ts) and the console's bucket and Keys pages (emulator/console/). Pure logic: it sees what the Control
 * API v1 lists (api/schemas.ts AccessKey: id, bucket, label, createdAt, lastUsedAt), the service's clock (GET
 * /v1/health `time`) and, optionally, the AccessKey resources of `pulumi stack export` documents.
 *
 * The flags follow the best practices of the OtterStorage access-keys guide: label your keys, one key per
 * integration, rotate regularly.
 */
import { isTypeOf } from "./tokens";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Flag -> what it means and what to do. Order here is the order flags are listed in. */
export const FLAGS = {
  unlabelled: "no label; label each key with what uses it (e.g. ci-deploy) so rotation and audits can tell keys apart",
  old: "older than the rotation age; rotate: create a new key, move clients, verify, revoke the old one",
  unused: "not used within the unused-days window (never used: since creation); if nothing needs it, revoke it",
  orphan: "owned by no stack in the given stack exports; adopt it into a stack or revoke it",
  missing: "owned by a stack but gone from the service; run `pulumi refresh` on that stack",
} as const;

export type Flag = keyof typeof FLAGS;
export const FLAG_NAMES = Object.keys(FLAGS) as Flag[];

/** What the audit needs of a key: the fields of the Control API's AccessKey answer. */
export interface KeyFacts {
  accessKeyId: string;
  bucket: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

/** An AccessKey resource found in a stack export. */
export interface StackOwnedKey {
  accessKeyId: string;
  bucket: string | null;
  label: string | null;
  /** The stack and project, from the resource URN (urn:pulumi:<stack>::<project>::<type>::<name>). */
  stack: string;
  project: string;
  urn: string;
  /** The export file it came from (as given on the command line). */
  source: string;
}

export interface AuditOptions {
  /** The service clock, ms since the epoch (GET /v1/health `time`). */
  now: number;
  /** Flag keys older than this many days (the rotation age). Unset: no `old` flag. */
  maxAgeDays?: number;
  /** Flag keys whose last use (or creation, when never used) is longer ago than this many days. Unset: no `unused` flag. */
  unusedDays?: number;
  /** The keys the given stack exports own. Unset (no exports given): no `orphan` / `missing` flags. */
  stackKeys?: StackOwnedKey[];
}

export interface AuditedKey extends KeyFacts {
  /** Whole days since creation, against the service clock. */
  ageDays: number;
  /** Whole days since the last use, or null when never used. */
  lastUsedDaysAgo: number | null;
  /** `stack/project` of every stack that owns the key (sorted); empty when none or when no exports were given. */
  ownedBy: string[];
  flags: Flag[];
}

export interface MissingKey {
  accessKeyId: string;
  bucket: string | null;
  label: string | null;
  ownedBy: string[];
  urns: string[];
  flags: ["missing"];
}

export interface AuditReport {
  now: string;
  options: { maxAgeDays: number | null; unusedDays: number | null; stackExports: number };
  keys: AuditedKey[];
  missing: MissingKey[];
  summary: { keys: number; flaggedKeys: number; missing: number; byFlag: Record<Flag, number> };
}

/** A `--max-age-days` / `--unused-days` value (CLI flag or console field): a number >= 0, or the error wording. */
export function parseDays(v: string): { days: number } | { error: string } {
  return /^\d+(\.\d+)?$/.test(v.trim()) ? { days: Number(v) } : { error: `must be a number of days >= 0 (e.g. 90); got '${v.slice(0, 40)}'` };
}

const wholeDays = (ms: number) => Math.max(0, Math.floor(ms / DAY_MS));
const owner = (k: StackOwnedKey) => `${k.stack}/${k.project}`;

/** Flags every key; keys sorted by bucket, creation time, id; missing keys by id. Deterministic for the same input. */
export function auditKeys(keys: readonly KeyFacts[], opts: AuditOptions): AuditReport {
  const owned = new Map<string, StackOwnedKey[]>();
  for (const k of opts.stackKeys ?? []) owned.set(k.accessKeyId, [...(owned.get(k.accessKeyId) ?? []), k]);
  const haveExports = opts.stackKeys !== undefined;
  const seen = new Set<string>();
  const audited: AuditedKey[] = [];
  for (const k of keys) {
    seen.add(k.accessKeyId);
    const created = Date.parse(k.createdAt);
    const lastUsed = k.lastUsedAt === null ? null : Date.parse(k.lastUsedAt);
    const flags: Flag[] = [];
    if (k.label === null || k.label.trim() === "") flags.push("unlabelled");
    if (opts.maxAgeDays !== undefined && opts.now - created > opts.maxAgeDays * DAY_MS) flags.push("old");
    if (opts.unusedDays !== undefined && opts.now - (lastUsed ?? created) > opts.unusedDays * DAY_MS) flags.push("unused");
    const owners = [...new Set((owned.get(k.accessKeyId) ?? []).map(owner))].sort();
    if (haveExports && owners.length === 0) flags.push("orphan");
    audited.push({
      accessKeyId: k.accessKeyId,
      bucket: k.bucket,
      label: k.label,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      ageDays: wholeDays(opts.now - created),
      lastUsedDaysAgo: lastUsed === null ? null : wholeDays(opts.now - lastUsed),
      ownedBy: owners,
      flags,
    });
  }
  audited.sort((a, b) => cmp(a.bucket, b.bucket) || cmp(a.createdAt, b.createdAt) || cmp(a.accessKeyId, b.accessKeyId));
  const missing: MissingKey[] = [];
  for (const [id, list] of owned) {
    if (seen.has(id)) continue;
    missing.push({
      accessKeyId: id,
      bucket: list.find((k) => k.bucket)?.bucket ?? null,
      label: list.find((k) => k.label)?.label ?? null,
      ownedBy: [...new Set(list.map(owner))].sort(),
      urns: [...new Set(list.map((k) => k.urn))].sort(),
      flags: ["missing"],
    });
  }
  missing.sort((a, b) => cmp(a.accessKeyId, b.accessKeyId));
  const byFlag = Object.fromEntries(FLAG_NAMES.map((f) => [f, 0])) as Record<Flag, number>;
  for (const k of audited) for (const f of k.flags) byFlag[f]++;
  byFlag.missing = missing.length;
  return {
    now: new Date(opts.now).toISOString(),
    options: { maxAgeDays: opts.maxAgeDays ?? null, unusedDays: opts.unusedDays ?? null, stackExports: haveExports ? new Set((opts.stackKeys ?? []).map((k) => k.source)).size : 0 },
    keys: audited,
    missing,
    summary: { keys: audited.length, flaggedKeys: audited.filter((k) => k.flags.length > 0).length, missing: missing.length, byFlag },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}


export class StackExportError extends Error {}

/**
 * The AccessKey resources of one `pulumi stack export` document:
 * `{ version: 3, deployment: { manifest, secrets_providers?, resources: [{ urn, custom, id, type, inputs, outputs, ... }] } }`
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/ ; the "untyped deployment" of
 * github.com/pulumi/pulumi sdk/go/common/apitype/core.go, version 3). The key id is the resource `id` (= outputs.accessKeyId). Secret outputs are
 * ciphertext objects in an export and are never read.
 */
export function parseStackExport(doc: unknown, source: string): StackOwnedKey[] {
  const bad = (what: string) => new StackExportError(`${source}: ${what}. Pass the JSON written by \`pulumi stack export --file <file>\`.`);
  if (!doc || typeof doc !== "object") throw bad("is not a JSON object");
  const deployment = (doc as { deployment?: unknown }).deployment;
  if (!deployment || typeof deployment !== "object") throw bad("has no `deployment` object");
  const resources = (deployment as { resources?: unknown }).resources ?? [];
  if (!Array.isArray(resources)) throw bad("`deployment.resources` is not an array");
  const out: StackOwnedKey[] = [];
  for (const r of resources as Array<Record<string, unknown>>) {
    if (!r || typeof r !== "object" || !isTypeOf(String(r.type), "AccessKey")) continue;
    const outputs = (r.outputs && typeof r.outputs === "object" ? r.outputs : {}) as Record<string, unknown>;
    const inputs = (r.inputs && typeof r.inputs === "object" ? r.inputs : {}) as Record<string, unknown>;
    const id = typeof outputs.accessKeyId === "string" ? outputs.accessKeyId : typeof r.id === "string" ? r.id : "";
    if (!id) continue; // a resource whose create never finished has no id: nothing at the service to own
    const urn = typeof r.urn === "string" ? r.urn : "";
    const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
    out.push({
      accessKeyId: id,
      bucket: str(outputs.bucket) ?? str(inputs.bucket),
      label: str(outputs.label) ?? str(inputs.label),
      stack: m?.[1] ?? "?",
      project: m?.[2] ?? "?",
      urn,
      source,
    });
  }
  return out;
}
