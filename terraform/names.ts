/** Names: the core's camelCase ↔ the schema's snake_case, and every field name of a table (nested ones too). */
import { z } from "zod";
import type { ResourceFields } from "../provider/fields";

/** accessKeyId → access_key_id, s3Endpoint → s3_endpoint. */
export const snake = (camel: string): string => camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

type Json = Record<string, any>;
/** A zod schema as JSON Schema, as provider/schema.ts reads it. */
export const jsonOf = (s: z.ZodType, io: "input" | "output"): Json => z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;

/** Every camelCase field name of a table, nested ones included. */
export function namesOf(r: ResourceFields): string[] {
  const out = new Set<string>();
  const walk = (js: Json) => {
    if (!js || typeof js !== "object") return;
    for (const [k, v] of Object.entries<Json>(js.properties ?? {})) {
      out.add(k);
      walk(v);
    }
    if (js.items) walk(js.items);
    for (const o of js.anyOf ?? []) walk(o);
  };
  for (const [k, f] of Object.entries(r.inputs)) {
    out.add(k);
    walk(jsonOf(f.schema, "input"));
  }
  for (const k of Object.keys(r.outputs)) out.add(k);
  return [...out].filter((n) => /[A-Z]/.test(n));
}
