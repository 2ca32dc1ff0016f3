/**
 * The control plane's single error boundary: every failure becomes an RFC 9457 problem document built from the
 * catalogue in api/errors.ts. Zod issues become one `{path, message}` per bad field (unknown keys: one per key).
 */
import type { z } from "zod";
import { CONTROL_ERRORS, ControlErrorCode, problemType } from "otterstorage-api";
import type { Problem } from "otterstorage-api";
import { FieldError, StoreError } from "../store/errors";

/** A problem to answer with; extends StoreError so the domain layer and the HTTP layer share one class. */
export class ControlProblem extends StoreError {
  readonly headers?: Record<string, string>;
  constructor(code: ControlErrorCode, detail: string, errors?: FieldError[], headers?: Record<string, string>) {
    super(code, detail, errors);
    this.name = "ControlProblem";
    this.headers = headers;
  }
}

export function problemBody(code: ControlErrorCode, detail: string, requestId: string, errors?: FieldError[]): Problem {
  const e = CONTROL_ERRORS[code];
  return { type: problemType(code), title: e.title, status: e.status, detail, code, ...(errors && errors.length ? { errors } : {}), requestId };
}

/** Fields that PATCH cannot change, with the reason the client should see. */
const FIXED_FIELDS: Record<string, string> = {
  name: "cannot be changed; a bucket is renamed by creating a new one",
  region: "cannot be changed after creation",
};

function joinPath(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map(String)];
  return parts.length ? parts.join(".") : "body";
}

/** One FieldError per bad field. `prefix` is "" for the JSON body, "query" for query parameters. */
export function zodFieldErrors(err: z.ZodError, prefix = ""): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of err.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const p = joinPath(prefix, [...issue.path, key]);
        // hasOwn: a key named "__proto__" or "constructor" must not pick up Object.prototype members (found by the fuzz suite).
        out.push({ path: p, message: issue.path.length === 0 && Object.hasOwn(FIXED_FIELDS, key) ? FIXED_FIELDS[key] : "is not a known field; remove it" });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_type" && /received undefined/.test(message)) message = "is required";
    out.push({ path: joinPath(prefix, issue.path), message });
  }
  return out;
}

export function validationFailed(errors: FieldError[]): ControlProblem {
  const names = [...new Set(errors.map((e) => e.path))];
  return new ControlProblem("ValidationFailed", `Fix these fields and retry: ${names.join(", ")}.`, errors);
}
