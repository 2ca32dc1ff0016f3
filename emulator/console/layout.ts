/**
 * What every console page shares: the layout (header, navigation, sign-out form), form-error plumbing (an error
 * next to its field: aria-invalid + aria-describedby), the sign-in and error pages, formatting helpers.
 */
import type * as s from "otterstorage-api";
import { html, Html } from "./html";

export const BASE = "/console";

/** Field id -> message, for errors shown next to their field; `form` for those that belong to no field. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string[];
}
export const noErrors = (): FormErrors => ({ fields: {}, form: [] });

export interface PageContext {
  csrf?: string;
  /** Where a reload should land (history.replaceState in console.js), for answers to a POST that hold a secret. */
  replaceUrl?: string;
  notice?: string;
}

const enc = encodeURIComponent;
export const bucketUrl = (b: string, tab: "keys" | "settings" = "keys") => `${BASE}/buckets/${enc(b)}${tab === "settings" ? "/settings" : ""}`;

export function layout(title: string, ctx: PageContext, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Local OtterStorage console</title>
<link rel="stylesheet" href="${BASE}/assets/console.css">
<script src="${BASE}/assets/console.js" defer></script>
</head>
<body${ctx.replaceUrl ? html` data-replace-url="${ctx.replaceUrl}"` : ""}>
<header class="top">
  <a class="brand" href="${BASE}/">Local OtterStorage</a>
  ${ctx.csrf
    ? html`<nav aria-label="Console"><a href="${BASE}/">Buckets</a> <a href="${BASE}/keys">Keys</a></nav>
  <form method="post" action="${BASE}/sign-out" class="inline">${csrfField(ctx.csrf)}<button type="submit">Sign out</button></form>`
    : ""}
</header>
<main>
${ctx.notice ? html`<p class="notice" role="status">${ctx.notice}</p>` : ""}
${body}
</main>
</body>
</html>
`;
}

export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** An input's error attributes and the error paragraph that goes after it. */
export function fieldError(id: string, label: string, errors: FormErrors): { attrs: Html; after: Html } {
  const msg = errors.fields[id];
  if (!msg) return { attrs: html``, after: html`` };
  return { attrs: html` aria-invalid="true" aria-describedby="${id}-error"`, after: html`<p class="field-error" id="${id}-error">${label}: ${msg}</p>` };
}

export function formErrors(errors: FormErrors): Html {
  return errors.form.length ? html`<div class="form-errors" role="alert">${errors.form.map((e) => html`<p>${e}</p>`)}</div>` : html``;
}

/** The sign-in form. The token field is never pre-filled (a refused token is not echoed back). */
export function signInPage(errors: FormErrors, csrf: string): Html {
  const e = fieldError("token", "Account token", errors);
  return layout("Sign in", {}, html`<h1>Sign in</h1>
<p>Sign in with the account token that <code>otterstorage-local</code> printed in its ready line (or <code>OTTERSTORAGE_TOKEN</code>).</p>
<form method="post" action="${BASE}/sign-in" class="stack">
  ${csrfField(csrf)}
  <label for="token">Account token</label>
  <input type="password" id="token" name="token" autocomplete="current-password" required${e.attrs}>
  ${e.after}
  <button type="submit">Sign in</button>
</form>`);
}

export function errorPage(status: number, title: string, detail: string, ctx: PageContext): Html {
  return layout(title, ctx, html`<h1>${title}</h1><p role="alert">${detail}</p><p><a href="${BASE}/">Back to the buckets</a></p><p class="muted">HTTP ${status}</p>`);
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

export const when = (iso: string | null) => (iso === null ? "never" : iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, " UTC"));

export function tabs(bucket: string, current: "keys" | "settings"): Html {
  const tab = (t: "keys" | "settings", text: string) => html`<a href="${bucketUrl(bucket, t)}"${t === current ? html` aria-current="page"` : ""}>${text}</a>`;
  return html`<nav class="tabs" aria-label="Bucket sections">${tab("keys", "Access keys")} ${tab("settings", "Settings")}</nav>`;
}

export function bucketHeader(b: s.Bucket): Html {
  return html`<p class="crumbs"><a href="${BASE}/">Buckets</a> / ${b.name}</p><h1>${b.name}</h1>
<p class="muted">${b.region} · ${b.storageClass} · ${b.objectCount} object(s), ${formatBytes(b.sizeBytes)} · endpoint <code>${b.endpoint}</code></p>`;
}

export function options(values: string[][], selected: string | undefined): Html {
  return html`${values.map(([v, text]) => html`<option value="${v}"${v === (selected ?? "") ? " selected" : ""}>${text}</option>`)}`;
}
