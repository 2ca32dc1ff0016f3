/**
 * Diagnostics (tfplugin6 Diagnostic): the core's check failures and errors, worded for HCL users — attribute names
 * in snake_case, with the attribute path set so OpenTofu points at the line in the configuration.
 */
import { OtterStorageError } from "../provider/errors";
import type { CheckFailure } from "../provider/common";
import { ACCESS_KEY } from "../provider/accessKeyFields";
import { BUCKET } from "../provider/bucketFields";
import { namesOf, snake } from "./schema";

export interface Diagnostic {
  severity: "ERROR" | "WARNING";
  summary: string;
  detail: string;
  attribute?: { steps: ({ attribute_name: string } | { element_key_int: number } | { element_key_string: string })[] };
}

/** `objectLock.days` → steps object_lock, days; `lifecycleRules.0.id` → lifecycle_rules, [0], id. */
export function pathOf(property: string): Diagnostic["attribute"] {
  const steps = property.split(".").filter(Boolean).map((p, i) => (/^\d+$/.test(p) && i > 0 ? { element_key_int: Number(p) } : { attribute_name: snake(p) }));
  return steps.length ? { steps } : undefined;
}

/**
 * Words of the shared core that name Pulumi's commands or camelCase fields, said the OpenTofu way. The core's
 * texts are written for Pulumi users first; the replacements keep their meaning.
 */
const PHRASES: [RegExp, string][] = [
  [/`pulumi config set --secret otterstorage:token <token>`/g, "the `token` argument of the provider block"],
  [/`pulumi config set otterstorage:endpoint <url>`/g, "the `endpoint` argument of the provider block"],
  [/`otterstorage:(endpoint|token|region)`/g, "the provider's `$1`"],
  [/`otterstorage:s3Endpoint`/g, "the provider's `s3_endpoint`"],
  [/otterstorage:s3Endpoint/g, "s3_endpoint"],
  [/`pulumi up --replace <urn>`/g, "`tofu apply -replace=<address>`"],
  [/`?pulumi up`?/g, "`tofu apply`"],
  [/`?pulumi refresh`?/g, "`tofu apply -refresh-only`"],
  [/`?pulumi preview`?/g, "`tofu plan`"],
  [/preview\/up/g, "plan/apply"],
  [/the stack state/g, "the state"],
  [/this stack/g, "this configuration"],
  [/`(\w+): (true|false)`/g, "`$1 = $2`"],
];

const FIELD_NAMES = new RegExp(`\\b(${[...new Set([...namesOf(BUCKET), ...namesOf(ACCESS_KEY)])].sort((a, b) => b.length - a.length).join("|")})\\b`, "g");

export function tofuWords(text: string): string {
  const out = PHRASES.reduce((s, [re, to]) => s.replace(re, to), text);
  // The tables' camelCase field names (forceDestroy, adopt.accessKeyId, readiness.timeoutSeconds) → snake_case.
  return out.replace(FIELD_NAMES, (m) => snake(m));
}

export function failureDiagnostics(failures: CheckFailure[] | undefined): Diagnostic[] {
  return (failures ?? []).map((f) => {
    const name = f.property.split(".").map((p) => (/^\d+$/.test(p) ? `[${p}]` : snake(p))).join(".").replace(/\.\[/g, "[");
    return { severity: "ERROR", summary: `Invalid value for ${name}`, detail: tofuWords(`${name} ${f.reason}`), attribute: pathOf(f.property) };
  });
}

/** Any error thrown by the core → one error diagnostic; an OtterStorageError keeps its code in the summary. */
export function errorDiagnostic(e: unknown, what: string): Diagnostic {
  if (e instanceof OtterStorageError) {
    return { severity: "ERROR", summary: `${what}: ${e.code}`, detail: tofuWords(e.message) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { severity: "ERROR", summary: what, detail: tofuWords(message) };
}

export const warning = (summary: string, detail: string, property?: string): Diagnostic =>
  ({ severity: "WARNING", summary, detail, ...(property ? { attribute: pathOf(property) } : {}) });
