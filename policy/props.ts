/**
 * Reading resource properties without tripping over unknowns. @pulumi/policy wraps props in a proxy that throws
 * `UnknownValueError` on any value not known during preview, which turns the whole policy into an advisory
 * "can't run during preview" note. Stack-wide checks should rather skip the one resource whose value is not known
 * yet and still check the others, so they read through `peek`.
 */
import { UnknownValueError } from "@pulumi/policy";

export type Peeked<T = unknown> = { known: true; value: T } | { known: false };

export function peek<T = unknown>(props: Record<string, any>, key: string): Peeked<T> {
  try {
    return { known: true, value: props[key] as T };
  } catch (e) {
    if (e instanceof UnknownValueError) return { known: false };
    throw e;
  }
}

/** A known, non-blank string, or undefined (absent, unknown, or not a string). */
export function knownString(props: Record<string, any>, key: string): string | undefined {
  const p = peek(props, key);
  return p.known && typeof p.value === "string" && p.value.trim() !== "" ? p.value : undefined;
}

/** Known string-valued entries of a map property such as `tags` (unknown entries are skipped). */
export function knownStringMap(props: Record<string, any>, key: string): Record<string, string> {
  const p = peek<Record<string, any>>(props, key);
  if (!p.known || p.value === null || typeof p.value !== "object") return {};
  const out: Record<string, string> = {};
  for (const k of Object.keys(p.value)) {
    const v = knownString(p.value, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** `urn:pulumi:<stack>::<project>::<parentType$type>::<name>` → its parts (empty strings when malformed). */
export function parseUrn(urn: string): { stack: string; project: string; types: string[]; name: string } {
  const parts = urn.split("::");
  const head = parts[0] ?? "";
  return {
    stack: head.startsWith("urn:pulumi:") ? head.slice("urn:pulumi:".length) : "",
    project: parts[1] ?? "",
    types: (parts[2] ?? "").split("$").filter(Boolean),
    name: parts.slice(3).join("::"),
  };
}

/** Lower-case words of a name or label: `prod-app-web` → [prod, app, web]. */
export function words(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Compiles a team-supplied pattern; a bad one is a configuration error that names the setting. */
export function configRegExp(policy: string, setting: string, source: string): RegExp {
  try {
    return new RegExp(source, "i");
  } catch (e) {
    throw new Error(`policy ${policy}: config "${setting}" is not a valid regular expression (${(e as Error).message}); fix it in the policy config file`);
  }
}

/** True when the URN's type chain puts the resource under one of `componentTypes`. */
export function underComponent(urn: string, componentTypes: readonly string[]): boolean {
  return parseUrn(urn).types.slice(0, -1).some((t) => componentTypes.includes(t));
}
