/**
 * Values on the wire of the Terraform plugin protocol (OpenTofu's docs/plugin-protocol/object-wire-format.md):
 * a DynamicValue is msgpack (JSON only in UpgradeResourceState's raw state), shaped by the schema the provider
 * announced. null is msgpack nil; an unknown value is any msgpack extension (type 0, or 12 for a "refined" unknown
 * whose refinements we may ignore); an object carries every attribute of its type, nil when absent, or OpenTofu's
 * decoder refuses it. Encoding and decoding are @msgpack/msgpack's; this module only maps unknowns and fills
 * objects to their schema (`conform`).
 */
import { decode, encode, ExtData } from "@msgpack/msgpack";

/** An OpenTofu value not known yet (plan time). One instance; compare with `isUnknownTf`. */
export const UNKNOWN_TF: unique symbol = Symbol("unknown");
export type TfValue = null | string | number | boolean | typeof UNKNOWN_TF | TfValue[] | { [k: string]: TfValue };
export const isUnknownTf = (v: unknown): v is typeof UNKNOWN_TF => v === UNKNOWN_TF;

/** A type as the schema announces it (the JSON of an OpenTofu type constraint), or a nested-attribute object. */
export type TfType =
  | "string" | "number" | "bool"
  | ["list", TfType] | ["map", TfType]
  | { nesting: "SINGLE" | "LIST"; attributes: Record<string, TfType> };

/** The JSON a Schema.Attribute's `type` carries (nested attributes have none: they use `nested_type`). */
export function typeJson(t: TfType): string {
  const plain = (x: TfType): unknown => {
    if (typeof x === "string") return x;
    if (Array.isArray(x)) return [x[0], plain(x[1])];
    const obj = ["object", Object.fromEntries(Object.entries(x.attributes).map(([k, v]) => [k, plain(v)]))];
    return x.nesting === "LIST" ? ["list", obj] : obj;
  };
  return JSON.stringify(plain(t));
}

function fromWire(v: unknown): TfValue {
  if (v instanceof ExtData) return UNKNOWN_TF;
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromWire);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "object") return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromWire(x)]));
  return v as string | number | boolean;
}

/** A DynamicValue → a plain value with UNKNOWN_TF for unknowns (msgpack preferred, JSON accepted as the docs ask). */
export function decodeDynamic(dv: { msgpack?: Uint8Array | Buffer | null; json?: Uint8Array | Buffer | null } | null | undefined): TfValue {
  if (!dv) return null;
  if (dv.msgpack && dv.msgpack.length) return fromWire(decode(dv.msgpack));
  if (dv.json && dv.json.length) return fromWire(JSON.parse(Buffer.from(dv.json).toString("utf8")));
  return null;
}

function toWire(v: TfValue): unknown {
  if (v === UNKNOWN_TF) return new ExtData(0, new Uint8Array(1));
  if (Array.isArray(v)) return v.map(toWire);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toWire(x)]));
  return v;
}

/** A value → a DynamicValue (msgpack); conform it to its type first. */
export function encodeDynamic(v: TfValue): { msgpack: Buffer } {
  const bytes = encode(toWire(v));
  return { msgpack: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

/**
 * Shapes a value to its type: objects get every attribute (null when absent) and lose the ones the type does not
 * have; numbers and booleans become strings where the type is a string (HCL converts the same way); unknowns and
 * nulls stay as they are. Used on everything the provider answers, so OpenTofu's decoder never refuses a value.
 */
export function conform(t: TfType, v: unknown): TfValue {
  if (v === undefined || v === null) return null;
  if (v === UNKNOWN_TF) return UNKNOWN_TF;
  if (t === "string") return typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v);
  if (t === "number") return typeof v === "number" ? v : Number(v);
  if (t === "bool") return typeof v === "boolean" ? v : v === "true";
  if (Array.isArray(t)) {
    if (t[0] === "list") return Array.isArray(v) ? v.map((x) => conform(t[1], x)) : null;
    return typeof v === "object" ? Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, conform(t[1], x)])) : null;
  }
  const object = (o: unknown): TfValue => {
    if (o === UNKNOWN_TF) return UNKNOWN_TF;
    if (o === null || o === undefined || typeof o !== "object") return null;
    return Object.fromEntries(Object.entries(t.attributes).map(([k, at]) => [k, conform(at, (o as Record<string, unknown>)[k])]));
  };
  if (t.nesting === "LIST") return Array.isArray(v) ? v.map(object) : null;
  return object(v);
}

/** Does the value hold an unknown anywhere? */
export function hasUnknownTf(v: TfValue): boolean {
  if (v === UNKNOWN_TF) return true;
  if (Array.isArray(v)) return v.some(hasUnknownTf);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknownTf);
  return false;
}

/** Deep equality of two values (unknown equals only unknown). */
export function sameTf(a: TfValue, b: TfValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameTf(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== null);
    const kb = Object.keys(b).filter((k) => b[k] !== null);
    return ka.length === kb.length && ka.every((k) => sameTf(a[k], b[k] ?? null));
  }
  return false;
}
