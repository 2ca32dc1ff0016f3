/**
 * The OpenTofu/Terraform schema, derived from the same field tables as schema.json (provider/bucketFields.ts,
 * provider/accessKeyFields.ts; provider/fields.ts says what a table holds): attribute names are the snake_case of
 * the tables' names, types come from each field's zod schema (through zod's JSON Schema, as provider/schema.ts does),
 * descriptions from inputDescription, `sensitive` from `secret`. What becomes required/optional/computed:
 *   - a required input is `required`;
 *   - an input the service reports back, or that has a default, or that keeps the current value when omitted, is
 *     `optional` + `computed` (the plan fills it: provider/fields.ts semantics, see terraform/plan.ts);
 *   - any other input (kept as given, or never in the outputs) is `optional` only;
 *   - an output-only property is `computed`; every resource also has the conventional computed `id`.
 * Inside an object attribute, an attribute the zod schema requires is required, the others optional (and computed
 * when the service reports the object, which fills defaults such as a lifecycle rule's status).
 */
import * as api from "otterstorage-api";
import { ACCESS_KEY } from "../provider/accessKeyFields";
import { BUCKET } from "../provider/bucketFields";
import { inputDescription, type InputField, type ResourceFields } from "../provider/fields";
import { jsonOf, snake } from "./names";
import type { TfType } from "./values";
import { tofuWords } from "./words";

export { snake } from "./names";

export const PROVIDER_NAME = "otterstorage";

export interface TfAttribute {
  /** The attribute name (snake_case). */
  name: string;
  /** The provider core's name (camelCase). */
  key: string;
  type: TfType;
  /** For object attributes: their attributes, with flags (Schema.Object in the protocol). */
  nested?: TfAttribute[];
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  description: string;
  /** The table entry, for inputs (its default, change rule, how the outputs keep it). */
  field?: InputField;
  role: "input" | "output" | "id";
}

export interface TfBlock {
  /** e.g. otterstorage_bucket */
  typeName: string;
  description: string;
  attributes: TfAttribute[];
  /** The field table of a resource. */
  resource?: ResourceFields;
}

type Json = Record<string, any>;

/** JSON Schema → an attribute's type (and, for objects, its nested attributes with flags). */
function fromJson(js: Json, computedInside: boolean, describe: (d: string) => string): { type: TfType; nested?: TfAttribute[] } {
  if (Array.isArray(js.anyOf)) {
    const options = js.anyOf.filter((o: Json) => o.type !== "null");
    if (options.length === 1) return fromJson(options[0], computedInside, describe);
    return { type: "string" };
  }
  const types: string[] = Array.isArray(js.type) ? js.type.filter((t: string) => t !== "null") : [js.type];
  // A union of scalars (rotationTrigger: string or number) is a string attribute: HCL converts numbers to strings.
  if (types.length !== 1) return { type: "string" };
  const t = types[0];
  if (t === "string" || Array.isArray(js.enum)) return { type: "string" };
  if (t === "integer" || t === "number") return { type: "number" };
  if (t === "boolean") return { type: "bool" };
  if (t === "array") {
    const item = fromJson(js.items ?? {}, computedInside, describe);
    if (item.nested && typeof item.type === "object" && !Array.isArray(item.type)) return { type: { nesting: "LIST", attributes: item.type.attributes }, nested: item.nested };
    return { type: ["list", item.type] };
  }
  if (t === "object" && js.properties) {
    const required = new Set<string>(js.required ?? []);
    const nested: TfAttribute[] = Object.entries<Json>(js.properties).map(([k, p]) => {
      const inner = fromJson(p, computedInside, describe);
      const isRequired = required.has(k);
      return {
        name: snake(k), key: k, ...inner, role: "input" as const,
        ...(isRequired ? { required: true } : { optional: true, ...(computedInside ? { computed: true } : {}) }),
        description: describe(p.description ?? ""),
      };
    });
    return { type: { nesting: "SINGLE", attributes: Object.fromEntries(nested.map((a) => [a.name, a.type])) }, nested };
  }
  if (t === "object") return { type: ["map", fromJson(js.additionalProperties ?? { type: "string" }, computedInside, describe).type] };
  return { type: "string" };
}

const isComputedInput = (f: InputField): boolean =>
  (f.output !== false && f.output.from === "service") || f.default !== undefined || f.omittedKeepsCurrent === true;

/** A resource's schema block, from its field table. */
export function resourceBlock(typeName: string, r: ResourceFields, idDescription: string): TfBlock {
  const describe = tofuWords;
  const attributes: TfAttribute[] = [{ name: "id", key: "id", type: "string", computed: true, role: "id", description: idDescription }];
  for (const [k, f] of Object.entries(r.inputs)) {
    const computed = !f.required && isComputedInput(f);
    const { type, nested } = fromJson(jsonOf(f.schema, "input"), computed, describe);
    attributes.push({
      name: snake(k), key: k, type, ...(nested ? { nested } : {}), field: f, role: "input",
      ...(f.required ? { required: true } : { optional: true, ...(computed ? { computed: true } : {}) }),
      ...(f.secret ? { sensitive: true } : {}),
      description: describe(inputDescription(r, f)),
    });
  }
  for (const [k, o] of Object.entries(r.outputs)) {
    if (r.inputs[k]) continue;
    const { type, nested } = fromJson(jsonOf(o.schema, "output"), true, describe);
    attributes.push({
      name: snake(k), key: k, type, ...(nested ? { nested } : {}), computed: true, role: "output",
      ...(o.secret ? { sensitive: true } : {}), description: describe(o.description),
    });
  }
  // The table's description also names the resource's Pulumi type tokens: not for HCL users.
  const sentences = r.description.split(/(?<=\.)\s+/).filter((x) => !/pulumi|otterstorage:index|Registered as/i.test(x));
  return { typeName, description: describe(sentences.join(" ")), attributes, resource: r };
}

export const BUCKET_BLOCK = resourceBlock(`${PROVIDER_NAME}_bucket`, BUCKET, "The bucket name.");
export const ACCESS_KEY_BLOCK = resourceBlock(`${PROVIDER_NAME}_access_key`, ACCESS_KEY, "The access key id.");
export const RESOURCE_BLOCKS = [BUCKET_BLOCK, ACCESS_KEY_BLOCK];

/** Data source `otterstorage_bucket`: a bucket by name; every attribute of the resource but the provider-side ones. */
export const BUCKET_DATA_BLOCK: TfBlock = {
  typeName: `${PROVIDER_NAME}_bucket`,
  description: "Reads an existing bucket by name.",
  attributes: BUCKET_BLOCK.attributes
    .filter((a) => a.role !== "input" || (a.field!.output !== false && a.field!.output.from === "service"))
    .map((a) => {
      const { required: _r, optional: _o, ...rest } = a;
      return a.key === "name"
        ? { ...rest, computed: false, required: true, description: "The bucket's name." }
        : { ...rest, computed: true, ...(a.nested ? { nested: a.nested.map((n) => ({ ...n, required: false, optional: false, computed: true })) } : {}) };
    }),
};

/** Data source `otterstorage_access_keys`: the bucket's active keys, without secrets (the service never shows them again). */
const keyList = fromJson(jsonOf(api.AccessKey, "output"), true, tofuWords);
export const ACCESS_KEYS_DATA_BLOCK: TfBlock = {
  typeName: `${PROVIDER_NAME}_access_keys`,
  description: "Lists the active access keys of a bucket, for audits: ids, labels, creation and last use. Never secrets.",
  attributes: [
    { name: "id", key: "id", type: "string", computed: true, role: "id", description: "The bucket name." },
    { name: "bucket", key: "bucket", type: "string", required: true, role: "input", description: "The bucket whose keys to list." },
    {
      name: "access_keys", key: "accessKeys", role: "output", computed: true,
      type: { nesting: "LIST", attributes: (keyList.type as { attributes: Record<string, TfType> }).attributes },
      nested: keyList.nested!.map((n) => ({ ...n, required: false, optional: false, computed: true })),
      description: "The bucket's active keys, oldest first.",
    },
  ],
};
export const DATA_BLOCKS = [BUCKET_DATA_BLOCK, ACCESS_KEYS_DATA_BLOCK];

/** The provider block: endpoint, token, s3_endpoint, region, each with its OTTERSTORAGE_* fallback. */
export const PROVIDER_BLOCK: TfBlock = {
  typeName: PROVIDER_NAME,
  description: "OtterStorage buckets and per-bucket access keys.",
  attributes: [
    { name: "endpoint", key: "endpoint", type: "string", optional: true, role: "input", description: "Control API URL, e.g. https://api.otterstorage.example. Environment fallback: OTTERSTORAGE_ENDPOINT." },
    { name: "token", key: "token", type: "string", optional: true, sensitive: true, role: "input", description: "Account token. Environment fallback: OTTERSTORAGE_TOKEN (prefer it: a token in configuration ends up in plan files)." },
    { name: "s3_endpoint", key: "s3Endpoint", type: "string", optional: true, role: "input", description: "Overrides the `endpoint` attribute of buckets and keys (the S3 endpoint clients should use). Environment fallback: OTTERSTORAGE_S3_ENDPOINT." },
    { name: "region", key: "region", type: "string", optional: true, role: "input", description: `Default region for new buckets (default ${api.DEFAULT_REGION}). Environment fallback: OTTERSTORAGE_REGION.` },
  ],
};

/** The object type of a whole block (what a DynamicValue of it conforms to). */
export function blockType(b: TfBlock): TfType {
  return { nesting: "SINGLE", attributes: Object.fromEntries(b.attributes.map((a) => [a.name, a.type])) };
}

// ---- the protocol's Schema messages -------------------------------------------------------------------------------

function attributeMessage(a: TfAttribute): Record<string, unknown> {
  const flags = { required: !!a.required, optional: !!a.optional, computed: !!a.computed, sensitive: !!a.sensitive };
  const base = { name: a.name, description: a.description, description_kind: "MARKDOWN", ...flags };
  if (a.nested && typeof a.type === "object" && !Array.isArray(a.type)) {
    return { ...base, nested_type: { attributes: a.nested.map(attributeMessage), nesting: a.type.nesting } };
  }
  return { ...base, type: Buffer.from(JSON.stringify(a.type)) };
}

/** A block → tfplugin6 Schema (version 0). */
export function schemaMessage(b: TfBlock): Record<string, unknown> {
  return { version: 0, block: { version: 0, attributes: b.attributes.map(attributeMessage), description: b.description, description_kind: "MARKDOWN" } };
}
