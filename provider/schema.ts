/**
 * Builds the Pulumi package schema (schema.json at the repo root) from the resources' field tables
 * (provider/bucketFields.ts, provider/accessKeyFields.ts) and the api/ zod schemas they use, so nothing restates
 * them: `npm run schema` regenerates it — and, through provider/codegen.ts, sdk/generated.ts and the generated parts
 * of docs/resources.md — and tests/provider-schema.test.ts checks the committed files against these builders.
 * Resource tokens are the package-schema form `otterstorage:index:<Type>`; at run time the dynamic resources
 * register as `pulumi-nodejs:dynamic/otterstorage:<Type>`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import * as api from "otterstorage-api";
import { inputDescription, type ResourceFields } from "./fields";

import { RESOURCES } from "./resources";

export { RESOURCES };

type Spec = Record<string, unknown>;
const PKG = "otterstorage";
const tok = (name: string) => `${PKG}:index:${name}`;
const ref = (name: string) => ({ $ref: `#/types/${tok(name)}` });

function json(schema: z.ZodType, io: "input" | "output"): Record<string, any> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, any>;
  delete out.$schema;
  return out;
}

/** zod JSON Schema → Pulumi property spec; enums and objects become named types in `types`. */
function convert(js: Record<string, any>, name: string, types: Record<string, Spec>): Spec {
  const description = js.description ? { description: js.description } : {};
  if (Array.isArray(js.enum)) {
    types[tok(name)] = { type: "string", enum: js.enum.map((value: string) => ({ value })), ...description };
    return ref(name);
  }
  // zod writes a union of scalars as `type: [..]` and `T | null` (a nullable output) as anyOf [T, null] or
  // `type: [T, "null"]`; schema.json says "may be absent" through `required`, so null is dropped here.
  if (Array.isArray(js.type)) {
    const ts = js.type.filter((t: string) => t !== "null");
    if (ts.length === 1) return convert({ ...js, type: ts[0] }, name, types);
    return { oneOf: ts.map((type: string) => ({ type })), ...description };
  }
  if (Array.isArray(js.anyOf)) {
    const options = js.anyOf.filter((o: Record<string, any>) => o.type !== "null");
    if (options.length === 1) return convert({ ...options[0], ...(js.description ? { description: js.description } : {}) }, name, types);
    if (options.every((o: Record<string, any>) => ["string", "number", "integer", "boolean"].includes(o.type))) {
      return { oneOf: options.map((o: Record<string, any>) => ({ type: o.type })), ...description };
    }
  }
  if (js.type === "array") return { type: "array", items: convert(js.items, name, types), ...description };
  if (js.type === "object" && js.properties) {
    const properties: Record<string, Spec> = {};
    for (const [k, v] of Object.entries<Record<string, any>>(js.properties)) properties[k] = convert(v, name + k[0].toUpperCase() + k.slice(1), types);
    types[tok(name)] = { type: "object", properties, required: js.required ?? [], ...description };
    return ref(name);
  }
  if (js.type === "object") return { type: "object", additionalProperties: convert(js.additionalProperties ?? { type: "string" }, name, types), ...description };
  if (js.type === "integer" || js.type === "number" || js.type === "boolean" || js.type === "string") return { type: js.type, ...description };
  return { $ref: "pulumi.json#/Any", ...description };
}

const withDescription = (spec: Spec, d: string | undefined): Spec => (d ? { ...spec, description: d } : spec);
const capitalised = (k: string) => k[0].toUpperCase() + k.slice(1);

/** A field table → the resource's schema.json entry (named enum/object types go into `types`). */
export function resourceSpec(r: ResourceFields, types: Record<string, Spec>): Spec {
  const inputProperties: Record<string, Spec> = {};
  const properties: Record<string, Spec> = {};
  const required: string[] = [];
  const nullable = (s: z.ZodType) => s.safeParse(null).success;
  for (const [k, f] of Object.entries(r.inputs)) {
    const spec = withDescription(convert(json(f.schema, "input"), f.typeName ?? capitalised(k), types), inputDescription(r, f));
    inputProperties[k] = f.secret ? { ...spec, secret: true } : spec;
    if (f.output === false) continue;
    const o = f.output;
    const out = o.from === "service" ? convert(json(o.schema, "input"), o.typeName ?? f.typeName ?? capitalised(k), types) : { ...spec };
    properties[k] = withDescription(out, o.description ?? inputDescription(r, f));
    if ((o.from === "service" && !nullable(o.schema)) || (o.from === "inputs" && f.default !== undefined)) required.push(k);
  }
  for (const [k, o] of Object.entries(r.outputs)) {
    const spec = withDescription(convert(json(o.schema, "output"), o.typeName ?? capitalised(k), types), o.description);
    properties[k] = o.secret ? { ...spec, secret: true } : spec;
    if (!o.optional && !nullable(o.schema)) required.push(k);
  }
  return {
    description: r.description,
    inputProperties,
    requiredInputs: Object.entries(r.inputs).filter(([, f]) => f.required).map(([k]) => k),
    properties,
    required,
  };
}

export function buildPackageSchema(): Spec {
  const types: Record<string, Spec> = {};
  const resources = Object.fromEntries(RESOURCES.map((r) => [tok(r.name), resourceSpec(r, types)]));
  return {
    name: PKG,
    displayName: "OtterStorage",
    version: "0.1.0",
    description: "OtterStorage buckets and per-bucket access keys (a Pulumi dynamic provider: pulumi-nodejs:dynamic/otterstorage:<Type>).",
    keywords: ["pulumi", "otterstorage", "s3", "storage", "category/cloud"],
    license: "Apache-2.0",
    repository: "https://github.com/otterstorage/pulumi-otterstorage",
    config: {
      variables: {
        endpoint: { type: "string", description: "Control API URL. Environment fallback: OTTERSTORAGE_ENDPOINT." },
        token: { type: "string", secret: true, description: "Account token (set with `pulumi config set --secret otterstorage:token`). Environment fallback: OTTERSTORAGE_TOKEN." },
        s3Endpoint: { type: "string", description: "Overrides the endpoint output of buckets and keys. Environment fallback: OTTERSTORAGE_S3_ENDPOINT." },
        region: { type: "string", description: `Default region for new buckets (default ${api.DEFAULT_REGION}). Environment fallback: OTTERSTORAGE_REGION.` },
      },
      defaults: [],
    },
    types: Object.fromEntries(Object.entries(types).filter(([, t]) => t.enum || t.properties).sort(([a], [b]) => a.localeCompare(b))),
    resources,
  };
}

export const SCHEMA_PATH = path.resolve(__dirname, "..", "..", "schema.json");
export const renderSchema = (): string => JSON.stringify(buildPackageSchema(), null, 2) + "\n";

if (require.main === module && process.argv.includes("--write")) {
  fs.writeFileSync(SCHEMA_PATH, renderSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
  // The other generated files: sdk/generated.ts and docs/resources.md from the tables, README's reference from
  // schema.json (scripts/gen-reference.js). Loaded here, not at the top: only `--write` needs it.
  void import("./codegen").then(({ writeGenerated }) => {
    for (const f of writeGenerated()) console.log(`wrote ${f}`);
    const r = spawnSync(process.execPath, [path.join(__dirname, "..", "..", "scripts", "gen-reference.js")], { stdio: "inherit" });
    if (r.status !== 0) process.exit(r.status ?? 1);
    console.log("wrote README.md (reference)");
  });
}
