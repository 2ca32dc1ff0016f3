/**
 * Writes what the field tables (provider/bucketFields.ts, provider/accessKeyFields.ts) imply outside provider/:
 * sdk/generated.ts (the SDK's XxxArgs with JSDoc, the output properties of the resource classes, the input and
 * output names) and the generated sections of docs/resources.md. `npm run schema` runs it with schema.json
 * (provider/schema.ts); tests/provider-schema.test.ts fails when a committed file differs from what this renders.
 * Build-time only: nothing at run time imports it.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { changeSentence, defaultText, type InputField, type OutputField, type ResourceFields } from "./fields";
import { RESOURCES } from "./resources";

const ROOT = path.resolve(__dirname, "..", "..");
export const SDK_PATH = path.join(ROOT, "sdk", "generated.ts");
export const RESOURCES_DOC_PATH = path.join(ROOT, "docs", "resources.md");

type Js = Record<string, any>;
const jsonOf = (s: z.ZodType, io: "input" | "output"): Js => z.toJSONSchema(s, { io, unrepresentable: "any" }) as Js;

/**
 * JSON Schema (as zod writes it) → TypeScript type text. `wrap` wraps every value a program may pass as an Output
 * (the SDK's Args: `pulumi.Input<…>` at each level, as Pulumi's own generated SDKs do); nested properties keep their zod `description` as JSDoc.
 */
function tsType(js: Js, wrap: boolean, indent = ""): string {
  const w = (t: string) => (wrap ? `pulumi.Input<${t}>` : t);
  const inner = (s: Js) => tsType(s, wrap, indent + "  ");
  if (Array.isArray(js.enum)) return js.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  if (js.const !== undefined) return JSON.stringify(js.const);
  if (Array.isArray(js.anyOf) || Array.isArray(js.oneOf)) return (js.anyOf ?? js.oneOf).map((o: Js) => tsType(o, false, indent)).join(" | ");
  if (Array.isArray(js.type)) return js.type.map((type: string) => tsType({ ...js, type }, false, indent)).join(" | ");
  switch (js.type) {
    case "string": return "string";
    case "number": case "integer": return "number";
    case "boolean": return "boolean";
    case "null": return "null";
    case "array": return `${w(inner(js.items ?? {}))}[]`;
    case "object": {
      if (!js.properties) return `Record<string, ${w(inner(js.additionalProperties ?? {}))}>`;
      const req = new Set<string>(js.required ?? []);
      const lines = Object.entries<Js>(js.properties).map(([k, p]) =>
        `${p.description ? `${indent}  /** ${p.description} */\n` : ""}${indent}  ${k}${req.has(k) ? "" : "?"}: ${w(inner(p))};`);
      return `{\n${lines.join("\n")}\n${indent}}`;
    }
  }
  return "unknown";
}

/** A one-line type for docs tables (no pulumi.Input, nested fields inline). */
const docType = (s: z.ZodType, io: "input" | "output") => tsType(jsonOf(s, io), false).replace(/\/\*\*.*?\*\/\n/g, "").replace(/\s*\n\s*/g, " ").replace(/; }/g, " }");

const jsdoc = (lines: string[], indent: string) =>
  [`${indent}/**`, ...lines.flatMap((l) => l.split("\n")).map((l) => `${indent} * ${l}`.trimEnd()), `${indent} */`].join("\n");

function argsInterface(r: ResourceFields): string {
  const props = Object.entries(r.inputs).map(([k, f]) => {
    const d = defaultText(f);
    const lines = [f.description, changeSentence(r, f), ...(f.secret ? ["Always sent as a secret."] : []), ...(d && !f.required ? [`@default ${d}`] : [])];
    return `${jsdoc(lines, "  ")}\n  ${k}${f.required ? "" : "?"}: ${tsTypeOfInput(f)};`;
  });
  return `/** The inputs of {@link ${r.name}} (provider/${lowerFirst(r.name)}Fields.ts). */\nexport interface ${r.name}Args {\n${props.join("\n")}\n}`;
}

const lowerFirst = (s: string) => s[0].toLowerCase() + s.slice(1);
const tsTypeOfInput = (f: InputField) => `pulumi.Input<${tsType(jsonOf(f.schema, "input"), true, "  ")}>`;

function outputsInterface(r: ResourceFields): string {
  const props: string[] = [];
  for (const [k, f] of Object.entries(r.inputs)) {
    if (f.output === false) continue;
    const o = f.output;
    const schema = o.from === "service" ? o.schema : f.schema;
    const always = o.from === "service" || f.default !== undefined;
    const t = tsType(jsonOf(schema, o.from === "service" ? "output" : "input"), false, "  ");
    const desc = o.description ?? (o.from === "service" ? `The \`${k}\` input as the service reports it.` : `The \`${k}\` input as given${f.default !== undefined ? " (its default when omitted)" : ""}.`);
    props.push(`${jsdoc([desc], "  ")}\n  readonly ${k}: pulumi.Output<${t}${always ? "" : " | undefined"}>;`);
  }
  for (const [k, o] of Object.entries<OutputField>(r.outputs)) {
    const t = tsType(jsonOf(o.schema, "output"), false, "  ");
    props.push(`${jsdoc([o.description + (o.secret ? " Secret." : "")], "  ")}\n  readonly ${k}: pulumi.Output<${t}${o.optional ? " | undefined" : ""}>;`);
  }
  return `/** The output properties of {@link ${r.name}}, merged into the class (sdk/${lowerFirst(r.name)}.ts). */\nexport interface ${r.name}OutputProperties {\n${props.join("\n")}\n}`;
}

export function renderSdk(): string {
  const parts = [
    "// Generated by provider/codegen.ts from the field tables (provider/bucketFields.ts, provider/accessKeyFields.ts).\n" +
      "// Do not edit: change the table, then `npm run schema`. tests/provider-schema.test.ts fails when this file is stale.\n" +
      'import type * as pulumi from "@pulumi/pulumi";',
  ];
  for (const r of RESOURCES) {
    const inputs = Object.keys(r.inputs);
    const outputOnly = Object.keys(r.outputs);
    const secrets = Object.entries(r.inputs).filter(([, f]) => f.secret).map(([k]) => k);
    parts.push(
      argsInterface(r),
      outputsInterface(r),
      `/** The inputs a program passes to ${r.name}, in table order. */\nexport const ${upper(r.name)}_INPUT_NAMES = ${JSON.stringify(inputs)} as const;`,
      `/** ${r.name}'s inputs that carry a secret: the class wraps them in pulumi.secret. */\nexport const ${upper(r.name)}_SECRET_INPUT_NAMES = ${JSON.stringify(secrets)} as const;`,
      `/** ${r.name}'s outputs that are not inputs: registered as undefined so the engine fills them. */\nexport const ${upper(r.name)}_OUTPUT_ONLY_NAMES = ${JSON.stringify(outputOnly)} as const;`,
    );
  }
  return parts.join("\n\n") + "\n";
}

const upper = (name: string) => name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();

// ---- docs/resources.md ------------------------------------------------------------------------------------------

const cell = (s: string) => s.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
const ruleWords = { replace: "**replace**", "in-place": "in place", "provider-only": "in place (provider-side only)" } as const;

function resourceDoc(r: ResourceFields): string {
  const out = ["| Input | Type | Default | On change | Description |", "|---|---|---|---|---|"];
  for (const [k, f] of Object.entries(r.inputs)) {
    const type = `\`${docType(f.schema, "input")}\`${f.required ? " (required)" : ""}${f.secret ? " (secret)" : ""}`;
    const change = ruleWords[f.change] + (f.changeNote ? `: ${f.changeNote}` : "");
    out.push(`| \`${k}\` | ${cell(type)} | ${cell(f.required ? "" : defaultText(f) ?? "none")} | ${cell(change)} | ${cell(f.description)} |`);
  }
  out.push("", "| Output | Type | Description |", "|---|---|---|");
  for (const [k, o] of Object.entries<OutputField>(r.outputs)) {
    out.push(`| \`${k}\` | ${cell("`" + docType(o.schema, "output") + "`" + (o.secret ? " (secret)" : ""))} | ${cell(o.description + (o.optional ? " Absent unless set." : ""))} |`);
  }
  const names = (pred: (f: InputField) => boolean) => Object.entries(r.inputs).filter(([, f]) => pred(f)).map(([k]) => "`" + k + "`").join(", ");
  const reported = names((f) => f.output !== false && f.output.from === "service");
  const given = names((f) => f.output !== false && f.output.from === "inputs");
  const never = names((f) => f.output === false);
  out.push(
    "",
    [
      `A **replace** ${r.replaces}.`,
      reported && `Inputs also in the outputs as the service reports them: ${reported}.`,
      given && `As given (kept by the provider): ${given}.`,
      never && `Never in the outputs: ${never}.`,
    ].filter(Boolean).join(" "),
  );
  return out.join("\n");
}

const marker = (name: string) => ({
  start: `<!-- fields:${name}:start (generated by provider/codegen.ts from provider/${lowerFirst(name)}Fields.ts; npm run schema) -->`,
  end: `<!-- fields:${name}:end -->`,
});

/** docs/resources.md with each resource's generated section replaced; everything outside the markers is kept. */
export function renderResourcesDoc(current: string): string {
  let text = current;
  for (const r of RESOURCES) {
    const { start, end } = marker(r.name);
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/resources.md has no ${start} … ${end} markers`);
    text = text.slice(0, a + start.length) + "\n" + resourceDoc(r) + "\n" + text.slice(b);
  }
  return text;
}

export function writeGenerated(): string[] {
  fs.writeFileSync(SDK_PATH, renderSdk());
  fs.writeFileSync(RESOURCES_DOC_PATH, renderResourcesDoc(fs.readFileSync(RESOURCES_DOC_PATH, "utf8")));
  return [SDK_PATH, RESOURCES_DOC_PATH];
}
