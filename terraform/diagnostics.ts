/**
 * Diagnostics (tfplugin6 Diagnostic): the core's check failures and errors, worded for HCL users — attribute names
 * in snake_case, with the attribute path set so OpenTofu points at the line in the configuration.
 */
import { OtterStorageError } from "../provider/errors";
import type { CheckFailure } from "../provider/common";
import { snake } from "./schema";
import { tofuWords } from "./words";

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
