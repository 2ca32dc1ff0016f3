/**
 * Resource adapters: OpenTofu's plan/apply/read/import of `otterstorage_bucket` and `otterstorage_access_key` on top
 * of the provider core's check/diff/create/read/update/remove (terraform/core.ts), values mapped between the
 * schema's snake_case attributes and the core's camelCase properties.
 *
 * Planning (OpenTofu's docs/resource-instance-change-lifecycle.md): a configured value is planned exactly as
 * configured; an omitted optional+computed input is planned as the field table says an omitted input stands for —
 * its default, else the current value where the table keeps it, else unknown on create (a bucket's auto-name is
 * chosen by `check` at apply); output-only attributes are unknown on create and kept from the state otherwise (the
 * secret above all: born once at create, then kept). The core's `diff` decides update vs replace; its `replaces`
 * become `requires_replace` (output-only attributes planned unknown), plus `id` when no listed input changes, so a
 * replacement the core decides without an attribute changing (rotation by age) is still one.
 */
import { ACCESS_KEY_CORE, BUCKET_CORE, partialCreateOf, type ProviderContext, type ResourceCore } from "./core";
import { errorDiagnostic, failureDiagnostics, warning, type Diagnostic } from "./diagnostics";
import { ACCESS_KEY_BLOCK, BUCKET_BLOCK, snake, type TfAttribute, type TfBlock } from "./schema";
import { conform, isUnknownTf, sameTf, UNKNOWN_TF, type TfValue } from "./values";
import { UNKNOWN } from "../provider/common";

type Obj = Record<string, TfValue>;
type Props = Record<string, unknown>;

// ---- values: schema attributes ↔ core properties -----------------------------------------------------------------

function valueToCore(a: Pick<TfAttribute, "type" | "nested">, v: TfValue): unknown {
  if (v === null) return undefined;
  if (isUnknownTf(v)) return UNKNOWN;
  if (a.nested) {
    const one = (o: TfValue): unknown => (isUnknownTf(o) ? UNKNOWN : o === null ? undefined : objectToCore(a.nested!, o as Obj));
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  if (Array.isArray(v)) return v.map((x) => valueToCore({ type: "string" }, x));
  if (typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, valueToCore({ type: "string" }, x)]));
  return v;
}

/** Schema object → core properties (camelCase; null attributes omitted; unknowns as the core's placeholder). */
export function objectToCore(attrs: TfAttribute[], o: Obj | null, roles: TfAttribute["role"][] = ["input", "output"]): Props {
  const out: Props = {};
  if (!o) return out;
  for (const a of attrs) {
    if (!roles.includes(a.role)) continue;
    const v = valueToCore(a, o[a.name] ?? null);
    if (v !== undefined) out[a.key] = v;
  }
  return out;
}

function valueFromCore(a: Pick<TfAttribute, "type" | "nested">, v: unknown): TfValue {
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN) return UNKNOWN_TF;
  if (a.nested) {
    const one = (o: unknown): TfValue => (o && typeof o === "object" ? objectFromCore(a.nested!, o as Props) : null);
    return Array.isArray(v) ? v.map(one) : one(v);
  }
  return conform(a.type, v);
}

/** Core properties → schema object (every attribute present). */
export function objectFromCore(attrs: TfAttribute[], p: Props): Obj {
  return Object.fromEntries(attrs.map((a) => [a.name, valueFromCore(a, p[a.key])]));
}

/** The whole object shaped to its attributes. */
export function conformObject(attrs: TfAttribute[], o: Obj | null): Obj {
  return Object.fromEntries(attrs.map((a) => [a.name, a.nested ? conformNested(a, o?.[a.name] ?? null) : conform(a.type, o?.[a.name] ?? null)]));
}
function conformNested(a: TfAttribute, v: TfValue): TfValue {
  if (v === null || isUnknownTf(v)) return v;
  const one = (o: TfValue): TfValue => (o === null || isUnknownTf(o) ? o : conformObject(a.nested!, o as Obj));
  return Array.isArray(v) ? v.map(one) : one(v);
}

// ---- the adapter ---------------------------------------------------------------------------------------------------

export interface PlanAnswer { planned: Obj | null; requiresReplace: string[][]; diagnostics: Diagnostic[] }
export interface StateAnswer { state: Obj | null; diagnostics: Diagnostic[] }

export interface ResourceType {
  block: TfBlock;
  core: ResourceCore;
  /** The id the core uses for a state object. */
  idOf(state: Obj): string;
  /** `tofu import` / `import {}`: the id the user gave → a state object ReadResource completes, plus diagnostics. */
  imported(id: string): { state: Obj | null; diagnostics: Diagnostic[] };
  /** Notes on a plan (e.g. a key without its secret). */
  notes?(prior: Obj, config: Obj): Diagnostic[];
}

const inputs = (b: TfBlock) => b.attributes.filter((a) => a.role === "input");

export async function validate(ctx: ProviderContext, t: ResourceType, config: Obj): Promise<Diagnostic[]> {
  try {
    const r = await t.core.check(ctx, {}, objectToCore(t.block.attributes, config, ["input"]));
    return failureDiagnostics(r.failures);
  } catch (e) {
    return [errorDiagnostic(e, "Invalid configuration")];
  }
}

/** `planned` with each null inside it taken from `filled` (same shape); every non-null planned value kept as is. */
function fillNulls(planned: TfValue, filled: TfValue): TfValue {
  if (planned === null) return filled;
  if (Array.isArray(planned) && Array.isArray(filled) && planned.length === filled.length) return planned.map((p, i) => fillNulls(p, filled[i]));
  if (planned && typeof planned === "object" && !Array.isArray(planned) && filled && typeof filled === "object" && !Array.isArray(filled) && !isUnknownTf(planned)) {
    const out: Record<string, TfValue> = { ...(planned as Record<string, TfValue>) };
    for (const [k, v] of Object.entries(filled as Record<string, TfValue>)) if (k in out) out[k] = fillNulls(out[k], v);
    return out;
  }
  return planned;
}

export async function plan(ctx: ProviderContext, t: ResourceType, prior: Obj | null, proposed: Obj | null, config: Obj): Promise<PlanAnswer> {
  if (proposed === null) return { planned: null, requiresReplace: [], diagnostics: [] };
  const attrs = t.block.attributes;
  const news = objectToCore(attrs, config, ["input"]);
  const priorCore = prior ? objectToCore(attrs, prior) : {};
  let checked: Props;
  try {
    const r = await t.core.check(ctx, priorCore, news);
    if (r.failures?.length) return { planned: null, requiresReplace: [], diagnostics: failureDiagnostics(r.failures) };
    checked = r.inputs ?? news;
  } catch (e) {
    return { planned: null, requiresReplace: [], diagnostics: [errorDiagnostic(e, "Invalid configuration")] };
  }
  const planned: Obj = conformObject(attrs, proposed);
  for (const a of inputs(t.block)) {
    // A configured object or list of objects: the attributes inside it the configuration leaves out are planned as
    // the service will answer them — the field's zod defaults (a lifecycle rule's status "Enabled", prefix "") — so
    // the value after apply matches the plan; what the configuration sets is kept exactly.
    if (a.nested && a.field && config[a.name] !== null) {
      const parsed = a.field.schema.safeParse(news[a.key]);
      if (parsed.success) planned[a.name] = fillNulls(planned[a.name] ?? null, valueFromCore(a, parsed.data));
    }
    if (!a.computed || config[a.name] !== null) continue;
    const f = a.field!;
    if (f.default !== undefined) planned[a.name] = valueFromCore(a, f.default);
    else if (prior && f.omittedKeepsCurrent) planned[a.name] = prior[a.name] ?? null;
    // A value `check` chooses (a bucket's auto-name) is random: it is chosen again at apply (OpenTofu plans again
    // then and refuses a known value that changed), so the plan says "known after apply".
    else if (!prior) planned[a.name] = UNKNOWN_TF;
    // An adopted key keeps its own label while the configuration sets none (provider/accessKey.ts wantedLabel).
    else if (prior.adopted !== true) planned[a.name] = null;
  }
  if (!prior) {
    for (const a of attrs) if (a.role !== "input") planned[a.name] = UNKNOWN_TF;
    return { planned, requiresReplace: [], diagnostics: [] };
  }

  let diff;
  try {
    diff = await t.core.diff(ctx, t.idOf(prior), priorCore, checked);
  } catch (e) {
    return { planned: null, requiresReplace: [], diagnostics: [errorDiagnostic(e, `Cannot plan ${t.block.typeName}`)] };
  }
  const diagnostics = t.notes?.(prior, config) ?? [];
  for (const a of attrs) if (a.role !== "input") planned[a.name] = prior[a.name] ?? null;
  if (diff.replaces?.length) {
    const requiresReplace = diff.replaces.map((k) => [snake(k)]);
    for (const a of attrs) if (a.role !== "input") planned[a.name] = UNKNOWN_TF;
    // OpenTofu replaces only for a listed path whose value changes; when the core replaces with no input changed
    // (a key due by age), `id` — planned unknown — carries the replacement.
    if (!requiresReplace.some(([n]) => !sameTf(planned[n] ?? null, prior[n] ?? null))) requiresReplace.push(["id"]);
    return { planned, requiresReplace, diagnostics };
  }
  if (diff.changes) {
    // The `endpoint` attribute follows the provider's s3_endpoint (or the service) — the one output an update moves.
    const endpoint = attrs.find((a) => a.name === "endpoint");
    if (endpoint) {
      const s3 = ctx.config().s3Endpoint;
      const inputsChanged = inputs(t.block).some((a) => !sameTf(planned[a.name], prior[a.name] ?? null));
      planned.endpoint = s3 ?? (inputsChanged ? prior.endpoint ?? null : UNKNOWN_TF);
    }
    // A corrected adopted secret for the same key is stored by the update (provider/credentials.ts correctedSecret).
    const adopt = config.adopt as Obj | null;
    if (adopt && typeof adopt.secret_access_key === "string" && adopt.access_key_id === prior.access_key_id && "secret_access_key" in planned) {
      planned.secret_access_key = adopt.secret_access_key;
    }
  }
  return { planned, requiresReplace: [], diagnostics };
}

/** The state after create/update: the core's outputs, and the planned value of every input they do not carry. */
function stateFrom(t: ResourceType, id: string, outs: Props, planned: Obj): Obj {
  const fromCore = objectFromCore(t.block.attributes, outs);
  const state: Obj = {};
  for (const a of t.block.attributes) {
    const p = planned[a.name] ?? null;
    state[a.name] = a.role === "id" ? id : fromCore[a.name] !== null || a.role !== "input" ? fromCore[a.name] : isUnknownTf(p) ? null : p;
  }
  return state;
}

/** Inputs for create/update: the planned inputs that are known. */
function plannedInputs(t: ResourceType, planned: Obj): Props {
  const out = objectToCore(t.block.attributes, planned, ["input"]);
  for (const [k, v] of Object.entries(out)) if (v === UNKNOWN) delete out[k];
  return out;
}

export async function apply(ctx: ProviderContext, t: ResourceType, prior: Obj | null, planned: Obj | null): Promise<StateAnswer> {
  const attrs = t.block.attributes;
  if (planned === null) {
    if (!prior) return { state: null, diagnostics: [] };
    try {
      await t.core.remove(ctx, t.idOf(prior), objectToCore(attrs, prior));
      return { state: null, diagnostics: [] };
    } catch (e) {
      return { state: prior, diagnostics: [errorDiagnostic(e, `Cannot delete ${t.block.typeName}`)] };
    }
  }
  const news = plannedInputs(t, planned);
  if (!prior) {
    try {
      // `check` settles what the plan left to apply (a bucket's auto-name), exactly as before a Pulumi create.
      const checked = await t.core.check(ctx, {}, news);
      if (checked.failures?.length) return { state: null, diagnostics: failureDiagnostics(checked.failures) };
      const { id, outs } = await t.core.create(ctx, checked.inputs ?? news);
      return { state: stateFrom(t, id, outs ?? {}, planned), diagnostics: [] };
    } catch (e) {
      // Created but not ready: OpenTofu keeps the object (tainted, so the next apply replaces it) — never lost.
      const partial = partialCreateOf(e);
      const diagnostics = [errorDiagnostic(e, `Cannot create ${t.block.typeName}`)];
      return { state: partial ? stateFrom(t, partial.id, partial.outputs, planned) : null, diagnostics };
    }
  }
  try {
    const { outs } = await t.core.update(ctx, t.idOf(prior), objectToCore(attrs, prior), news);
    return { state: stateFrom(t, t.idOf(prior), outs ?? {}, planned), diagnostics: [] };
  } catch (e) {
    return { state: prior, diagnostics: [errorDiagnostic(e, `Cannot update ${t.block.typeName}`)] };
  }
}

export async function read(ctx: ProviderContext, t: ResourceType, state: Obj): Promise<StateAnswer> {
  const attrs = t.block.attributes;
  try {
    const r = await t.core.read(ctx, t.idOf(state), objectToCore(attrs, state));
    if (!r.id) return { state: null, diagnostics: [] };
    const fresh = objectFromCore(attrs, r.props ?? {});
    const next: Obj = {};
    for (const a of attrs) next[a.name] = a.role === "id" ? r.id : fresh[a.name] !== null ? fresh[a.name] : a.role === "input" ? state[a.name] ?? null : null;
    return { state: conformObject(attrs, next), diagnostics: [] };
  } catch (e) {
    return { state, diagnostics: [errorDiagnostic(e, `Cannot read ${t.block.typeName}`)] };
  }
}

// ---- the two resources ----------------------------------------------------------------------------------------------

const blank = (b: TfBlock): Obj => Object.fromEntries(b.attributes.map((a) => [a.name, null]));

export const BUCKET_TYPE: ResourceType = {
  block: BUCKET_BLOCK,
  core: BUCKET_CORE,
  idOf: (s) => String(s.id ?? s.name ?? ""),
  imported: (id) => ({ state: { ...blank(BUCKET_BLOCK), id, name: id }, diagnostics: [] }),
};

const NO_SECRET =
  "OtterStorage shows a key's secret only once, when it is issued, so an imported key has no secret_access_key. " +
  "To manage an existing key together with its secret, add `adopt = { access_key_id = \"…\", secret_access_key = var.… }` " +
  "to this otterstorage_access_key (the provider verifies the secret against the service and stores it); or change " +
  "`rotation_trigger` to issue a new key whose secret the state keeps.";

export const ACCESS_KEY_TYPE: ResourceType = {
  block: ACCESS_KEY_BLOCK,
  core: ACCESS_KEY_CORE,
  idOf: (s) => String(s.id ?? s.access_key_id ?? ""),
  imported: (id) => {
    const m = /^([^/]+)\/([^/]+)$/.exec(id);
    if (!m) {
      return {
        state: null,
        diagnostics: [{ severity: "ERROR", summary: "Invalid import id", detail: `Import an access key as <bucket>/<access key id>, e.g. my-bucket/OTTR4XMPL7KEY9QZ2A0B (got "${id}"). ${NO_SECRET}` }],
      };
    }
    return {
      state: { ...blank(ACCESS_KEY_BLOCK), id: m[2], access_key_id: m[2], bucket: m[1] },
      diagnostics: [warning("Imported access key has no secret", NO_SECRET)],
    };
  },
  notes: (prior, config) => {
    const adopt = config.adopt as Obj | null;
    if (prior.secret_access_key !== null || (adopt && adopt.access_key_id === prior.access_key_id)) return [];
    return [warning(`Access key ${String(prior.access_key_id)} has no secret in the state`, NO_SECRET, "adopt")];
  },
};

export const RESOURCE_TYPES: Record<string, ResourceType> = {
  [BUCKET_BLOCK.typeName]: BUCKET_TYPE,
  [ACCESS_KEY_BLOCK.typeName]: ACCESS_KEY_TYPE,
};
