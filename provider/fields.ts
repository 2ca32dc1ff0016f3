/**
 * Field tables: one table per resource (provider/bucketFields.ts, provider/accessKeyFields.ts) says, for every
 * input, its zod schema, description, default, whether it is required or secret, its change rule and what becomes
 * of it in the outputs; and, for every output-only property, its schema, description and secrecy. Everything that
 * used to restate those facts is derived from the table here:
 *   - `check`'s validation (`checkFields`: one zod object per resource, failures naming the field);
 *   - the replace and in-place sets `diff` walks (`changeSet`) and the comparison it applies (`differs`);
 *   - the outputs the provider copies from the inputs (`echo`);
 *   - the provider's Inputs/Outputs types (`InputsOf`, `OutputsOf`);
 *   - schema.json, the SDK's Args and output types (sdk/generated.ts), README's reference and docs/resources.md
 *     (provider/schema.ts and provider/codegen.ts write them; tests/provider-schema.test.ts keeps them fresh).
 * Behaviour that is not a property of one field (auto-naming, the data-loss check, adoption, rotation by age)
 * stays logic in the resource modules, on top of these sets.
 */
import { z } from "zod";
import { canonical, CheckFailure, containsUnknown, failuresOf } from "./common";

/**
 * What a change of an input does. `replace`: the resource is replaced. `in-place`: the provider updates the service
 * object. `provider-only`: in place, and the service never sees the value (the provider keeps it in the state).
 */
export type ChangeRule = "replace" | "in-place" | "provider-only";

/** Where an input goes in the outputs: copied as given (`inputs`), as the service reports it (`service`), or not at all. */
export type OutputSpec =
  | { from: "inputs"; description?: string }
  | { from: "service"; schema: z.ZodType; description?: string; typeName?: string };

export interface InputOptions<T> {
  /** One or two sentences; docs and schema.json add the default and the change rule to it. */
  description: string;
  change: ChangeRule;
  /** What a change does beyond the rule, e.g. "refused while it holds objects" (docs, schema.json). */
  changeNote?: string;
  /** `true`, or the hint of the failure when it is missing (an empty string counts as missing). */
  required?: true | string;
  /** The value carries a secret: schema.json marks it, the SDK sends it as a secret. */
  secret?: true;
  /** The value an omitted input stands for: `diff` compares against it, docs show it, `echo` writes it. */
  default?: T extends readonly (infer E)[] ? readonly E[] : T;
  /** A default that is not a constant (docs only), e.g. "the `otterstorage:region` config, else eu-mad". */
  defaultText?: string;
  /** An omitted input is never a change (`diff`), e.g. an omitted region keeps the bucket where it is. */
  omittedKeepsCurrent?: true;
  /** Name of its enum/object type in schema.json (default: the field name, capitalised). */
  typeName?: string;
  output: OutputSpec | false;
}

export type InputField<S extends z.ZodType = z.ZodType> = InputOptions<z.input<S>> & { schema: S };

export interface OutputField<S extends z.ZodType = z.ZodType> {
  schema: S;
  description: string;
  secret?: true;
  /** Absent from some outputs (e.g. `adopted` only on adopted keys). */
  optional?: true;
  typeName?: string;
}

export interface ResourceFields {
  /** The type name; its tokens (native and dynamic) are provider/resources.ts RESOURCE_TYPES. */
  name: string;
  description: string;
  /** How schema.json and the SDK say what a `replace` change does, e.g. "replaces the bucket". */
  replaces: string;
  inputs: Record<string, InputField>;
  outputs: Record<string, OutputField>;
  /** Inputs the SDK class sets itself (never the program): accepted by `check`, in no schema or docs. */
  internal?: Record<string, z.ZodType>;
}

/** One input of a field table; `const` keeps `required`, `output` and `default` literal for the derived types. */
export function input<S extends z.ZodType, const O extends InputOptions<z.input<S>>>(schema: S, options: O): O & { schema: S } {
  return { ...options, schema };
}

export function output<S extends z.ZodType, const O extends Omit<OutputField<S>, "schema">>(schema: S, options: O): O & { schema: S } {
  return { ...options, schema };
}

/** Output spec: the provider copies the input as given. */
export const asGiven = (description?: string) => ({ from: "inputs" as const, ...(description ? { description } : {}) });
/** Output spec: the service's view of the input, of this schema. */
export const asReported = <S extends z.ZodType>(schema: S, extra: { description?: string; typeName?: string } = {}) => ({ from: "service" as const, schema, ...extra });

export const defineResource = <const R extends ResourceFields>(r: R): R => r;

// ---- derived types ----------------------------------------------------------------------------------------------

type Expand<T> = T extends infer O ? { [K in keyof O]: O[K] } : never;
type Inputs<R extends ResourceFields> = R["inputs"];
type RequiredKeys<I> = { [K in keyof I]: I[K] extends { required: true | string } ? K : never }[keyof I];
type EchoKeys<I> = { [K in keyof I]: I[K] extends { output: false } ? never : K }[keyof I];
type SchemaOf<F> = F extends { schema: infer S extends z.ZodType } ? S : never;
/** An echoed input is always in the outputs when the service reports it or the table gives it a default. */
type AlwaysEchoed<I> = { [K in EchoKeys<I>]: I[K] extends { output: { from: "service" } } | { default: unknown } ? K : never }[EchoKeys<I>];
type EchoType<F> = F extends { output: { from: "service"; schema: infer S extends z.ZodType } } ? z.output<S> : z.input<SchemaOf<F>>;
type OptionalOutputKeys<O> = { [K in keyof O]: O[K] extends { optional: true } ? K : never }[keyof O];

/** The inputs a program may set (what the SDK's XxxArgs must match, modulo pulumi.Input). */
export type PublicInputsOf<R extends ResourceFields> = Expand<
  { -readonly [K in RequiredKeys<Inputs<R>>]: z.input<SchemaOf<Inputs<R>[K]>> } & {
    -readonly [K in Exclude<keyof Inputs<R>, RequiredKeys<Inputs<R>>>]?: z.input<SchemaOf<Inputs<R>[K]>>;
  }
>;

/** Inputs as the provider receives them (after the engine resolved every pulumi.Input), internal ones included. */
export type InputsOf<R extends ResourceFields> = Expand<
  PublicInputsOf<R> & { -readonly [K in keyof NonNullable<R["internal"]>]?: z.input<NonNullable<R["internal"]>[K]> }
>;

/** The outputs the provider returns (the state): echoed inputs plus the output-only properties. */
export type OutputsOf<R extends ResourceFields> = Expand<
  { -readonly [K in AlwaysEchoed<Inputs<R>>]: EchoType<Inputs<R>[K]> } & {
    -readonly [K in Exclude<EchoKeys<Inputs<R>>, AlwaysEchoed<Inputs<R>>>]?: EchoType<Inputs<R>[K]>;
  } & { -readonly [K in Exclude<keyof R["outputs"], OptionalOutputKeys<R["outputs"]>>]: z.output<SchemaOf<R["outputs"][K]>> } & {
    -readonly [K in OptionalOutputKeys<R["outputs"]>]?: z.output<SchemaOf<R["outputs"][K]>>;
  }
>;

type GivenKeys<I> = { [K in keyof I]: I[K] extends { output: { from: "inputs" } } ? K : never }[keyof I];
/** The outputs the provider copies from the inputs (`echo`). */
export type GivenOutputsOf<R extends ResourceFields> = Pick<OutputsOf<R>, GivenKeys<Inputs<R>> & keyof OutputsOf<R>>;

// ---- derived values ---------------------------------------------------------------------------------------------

/** The input names a program may set, in table order. */
export const inputNames = (r: ResourceFields): string[] => Object.keys(r.inputs);

/** The inputs whose change follows `rules` (in-place = in-place and provider-only), in table order. */
export function changeSet<R extends ResourceFields>(r: R, ...rules: ChangeRule[]): (keyof R["inputs"] & string)[] {
  return Object.entries(r.inputs).filter(([, f]) => rules.includes(f.change)).map(([k]) => k) as (keyof R["inputs"] & string)[];
}

/** Every output name: echoed inputs, then the output-only properties. */
export const outputNames = (r: ResourceFields): string[] => [
  ...Object.entries(r.inputs).filter(([, f]) => f.output !== false).map(([k]) => k),
  ...Object.keys(r.outputs),
];

/** The outputs copied from the inputs as given (their default when omitted), keys present even when undefined. */
export function echo<R extends ResourceFields>(r: R, inputs: Partial<Record<string, unknown>>): GivenOutputsOf<R> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(r.inputs)) if (f.output && f.output.from === "inputs") out[k] = inputs[k] ?? f.default;
  return out as GivenOutputsOf<R>;
}

const normalized = (f: InputField, v: unknown): string => {
  const value = v ?? f.default ?? null;
  // Compare what the service would store: defaults applied (e.g. a lifecycle rule's status), key order ignored.
  const p = value === null ? undefined : f.schema.safeParse(value);
  return canonical(p?.success ? p.data : value);
};

/**
 * Does input `key` differ from the state? An omitted input stands for its default (or for nothing), unless the
 * table says an omitted input keeps the current value. A value not known yet (preview) is not decided here:
 * callers ask `containsUnknown` first, because what an unknown means differs per resource.
 */
export function differs(r: ResourceFields, key: string, olds: Record<string, unknown>, news: Record<string, unknown>): boolean {
  const f = r.inputs[key];
  if (news[key] === undefined && f.omittedKeepsCurrent) return false;
  return normalized(f, news[key]) !== normalized(f, olds[key]);
}

/** The sentence schema.json, the SDK's JSDoc and docs add to a description for a change rule. */
export function changeSentence(r: ResourceFields, f: InputField): string {
  const note = f.changeNote ? ` (${f.changeNote})` : "";
  if (f.change === "replace") return `A change ${r.replaces}${note}.`;
  if (f.change === "provider-only") return `Provider-side only, changed in place${note}.`;
  return `Changed in place${note}.`;
}

/** The default as docs show it: the table's text, else its value as code; undefined when there is none. */
export function defaultText(f: InputField): string | undefined {
  if (f.defaultText !== undefined) return f.defaultText;
  return f.default === undefined ? undefined : "`" + JSON.stringify(f.default) + "`";
}

/** description + default + change rule: the one text schema.json and the SDK's JSDoc carry for an input. */
export function inputDescription(r: ResourceFields, f: InputField): string {
  const d = defaultText(f);
  return [f.description, d && !f.required ? `Default: ${d}.` : "", changeSentence(r, f)].filter(Boolean).join(" ");
}

const article = (name: string) => (/^[AEIOU]/.test(name) ? "an" : "a");

/** The zod object `check` validates with: every input optional here (`checkFields` reports missing required ones). */
export function checkSchema(r: ResourceFields): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, f] of Object.entries(r.inputs)) shape[k] = f.schema.optional();
  for (const [k, s] of Object.entries(r.internal ?? {})) shape[k] = s.optional();
  return z.strictObject(shape);
}

/**
 * Validates inputs before any side effect. Skipped, as the engine expects: omitted (undefined/null) values and
 * values not known yet during preview. One failure per bad property, named by its path
 * (`objectLock.days`); an unknown input names the inputs there are.
 */
export function checkFields(r: ResourceFields, schema: z.ZodObject, news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const present: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(r.inputs)) {
    const v = news[k];
    if (f.required && (v === undefined || v === null || v === "")) {
      failures.push({ property: k, reason: typeof f.required === "string" ? `is required: ${f.required}` : "is required" });
    }
  }
  for (const [k, v] of Object.entries(news)) {
    if (v === undefined || v === null || containsUnknown(v)) continue;
    if (r.inputs[k]?.required && v === "") continue;
    present[k] = v;
  }
  const result = schema.safeParse(present);
  if (result.success) return failures;
  const known = inputNames(r).join(", ");
  const rest: z.core.$ZodIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys" && issue.path.length === 0) {
      for (const k of issue.keys) failures.push({ property: k, reason: `is not ${article(r.name)} ${r.name} input; use one of ${known}` });
    } else rest.push(issue);
  }
  if (rest.length) failures.push(...failuresOf(new z.ZodError(rest), ""));
  return failures;
}
