/**
 * Opaque pagination cursors: base64url of a small JSON position. Opaque to clients (they pass `nextCursor` back
 * unchanged); a cursor that does not decode is a ValidationFailed on `query.cursor`.
 */
import { validationFailed } from "./problem";

export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify({ v: 1, ...position }), "utf8").toString("base64url");
}

export function decodeCursor<K extends string>(cursor: string | undefined, field: K, type: "string" | "number"): string | number | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const v = parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>)[field] : undefined;
  if ((parsed as { v?: unknown } | undefined)?.v !== 1 || typeof v !== type) {
    throw validationFailed([{ path: "query.cursor", message: "is not a cursor from this list; pass nextCursor from the previous page unchanged, or omit it to start over" }]);
  }
  return v as string | number;
}
