/** XML in and out. Responses are built as strings (fast, no DOM); requests are parsed with fast-xml-parser. */
import { XMLParser } from "fast-xml-parser";
import { S3Error } from "./errors";

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

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  // Numeric character references (&#34;, &#x22;) are plain XML: Go's encoding/xml (rclone, MinIO's client) writes
  // every quote of an ETag as &#34;. fast-xml-parser decodes them only with htmlEntities on.
  htmlEntities: true,
  ignoreDeclaration: true,
  removeNSPrefix: true,
});

/** Parse a request body; `root` must be the document element. Errors become MalformedXML naming the problem. */
export function parseXml(body: Buffer, root: string): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body.toString("utf8"), true) as Record<string, unknown>;
  } catch {
    throw new S3Error("MalformedXML");
  }
  const top = doc?.[root];
  if (top === undefined) throw new S3Error("MalformedXML", `The XML you provided was not well-formed or did not validate against our published schema: expected a <${root}> document.`);
  return (typeof top === "object" && top !== null ? top : {}) as Record<string, unknown>;
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
