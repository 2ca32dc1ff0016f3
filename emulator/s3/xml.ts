/**
 * XML out: responses are built as strings (fast, no DOM). Imports nothing of ours, so errors.ts can serialize with
 * it; request bodies are parsed in context.ts (readXml), which turns a bad document into an S3Error.
 */

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };
const NEEDS = /[&<>"']/;

export function xmlEscape(s: string): string {
  if (!NEEDS.test(s)) return s;
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

export const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";
/** The one owner every bucket, object and upload reports (OtterStorage has no per-user ACLs). */
export const OWNER_XML = "<Owner><ID>otterstorage</ID><DisplayName>otterstorage</DisplayName></Owner>";

/** `<Name>value</Name>` with escaping; undefined values produce nothing. */
export function el(name: string, value: string | number | boolean | undefined | null): string {
  if (value === undefined || value === null) return "";
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** Normalise "one or many" nodes to an array. */
export function asArray<T>(v: T | T[] | undefined): T[] {
  if (v === undefined || v === null || (v as unknown) === "") return [];
  return Array.isArray(v) ? v : [v];
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
