/**
 * The console's template approach: a tagged template that HTML-escapes every interpolated value unless it is
 * already `Html` (the result of another `html` template, or `raw()` of a constant). Arrays are joined, and
 * null/undefined/false render as nothing, so `${cond && html`...`}` and `${items.map(...)}` work.
 * Escaping follows the HTML spec's five significant characters (& < > " ').
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ESC[c]);
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
