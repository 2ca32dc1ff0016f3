/**
 * The console's template approach: a tagged template that HTML-escapes every interpolated value unless it is
 * already `Html` (the result of another `html` template, or `raw()` of a constant). Arrays are joined, and
 * null/undefined/false render as nothing, so `${cond && html`...`}` and `${items.map(...)}` work.
 * Escaping follows the HTML spec's five significant characters (& < > " '); control and bidirectional formatting
 * characters are made visible.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Control characters (but tab and line breaks) and bidirectional formatting characters, which would let stored text
 * (a lifecycle prefix, an object of an older database) render as something else: shown as a visible `⟨U+202E⟩`. The
 * Control API refuses them where it can (api/schemas.ts UNSAFE_TEXT_RE); this covers whatever it cannot.
 */
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const visible = (c: string) => `\u27e8U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}\u27e9`;

export function escapeHtml(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ESC[c]).replace(INVISIBLE, visible);
}

function render(v: unknown): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join("");
  return escapeHtml(v);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Trusted markup (constants only, never user input). */
export function raw(text: string): Html {
  return new Html(text);
}
