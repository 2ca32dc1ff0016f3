/**
 * The console's pages, server-rendered with the `html` template (./html.ts). Every control has a label or an
 * accessible name; button texts follow the access-keys guide (/work/shared/seed/otterstorage-access-keys.txt in
 * the project notes, quoted in docs/local-otterstorage.md): "Create access key", "Revoke".
 */
import type * as s from "../../api/schemas";
import { LABEL_MAX, TEMP_CREDENTIALS_MAX_SECONDS, TEMP_CREDENTIALS_MIN_SECONDS } from "../../api/schemas";
import { AuditedKey, AuditReport, Flag } from "../../audit/flags";
import { awsProfileOf, environmentOf } from "../../provider/forms";
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

function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** An input's error attributes and the error paragraph that goes after it. */
function fieldError(id: string, label: string, errors: FormErrors): { attrs: Html; after: Html } {
  const msg = errors.fields[id];
  if (!msg) return { attrs: html``, after: html`` };
  return { attrs: html` aria-invalid="true" aria-describedby="${id}-error"`, after: html`<p class="field-error" id="${id}-error">${label}: ${msg}</p>` };
}

function formErrors(errors: FormErrors): Html {
  return errors.form.length ? html`<div class="form-errors" role="alert">${errors.form.map((e) => html`<p>${e}</p>`)}</div>` : html``;
}

export function signInPage(errors: FormErrors, value = ""): Html {
  const e = fieldError("token", "Account token", errors);
  return layout("Sign in", {}, html`<h1>Sign in</h1>
<p>Sign in with the account token that <code>otterstorage-local</code> printed in its ready line (or <code>OTTERSTORAGE_TOKEN</code>).</p>
<form method="post" action="${BASE}/sign-in" class="stack">
  <label for="token">Account token</label>
  <input type="password" id="token" name="token" autocomplete="current-password" required value="${value}"${e.attrs}>
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

export function bucketListPage(ctx: PageContext, buckets: Array<s.Bucket & { keyCount: number }>): Html {
  return layout("Buckets", ctx, html`<h1>Buckets</h1>
<p><a class="button" href="${BASE}/buckets/new">Create bucket</a></p>
${buckets.length === 0
  ? html`<p>No buckets yet.</p>`
  : html`<table>
<caption>Buckets of this account</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Region</th><th scope="col">Storage class</th><th scope="col">Versioning</th><th scope="col">Object lock</th><th scope="col">Legal hold</th><th scope="col">Objects</th><th scope="col">Size</th><th scope="col">Access keys</th></tr></thead>
<tbody>
${buckets.map((b) => html`<tr><th scope="row"><a href="${bucketUrl(b.name)}">${b.name}</a></th><td>${b.region}</td><td>${b.storageClass}</td><td>${b.versioning}</td><td>${b.objectLock ? `${b.objectLock.mode}, ${b.objectLock.days} d` : "off"}</td><td>${b.legalHold ? "on" : "off"}</td><td>${b.objectCount}</td><td>${formatBytes(b.sizeBytes)}</td><td>${b.keyCount}</td></tr>`)}
</tbody></table>`}`);
}

export interface CreateBucketValues {
  name?: string;
  storageClass?: string;
  versioning?: string;
  legalHold?: boolean;
  objectLockMode?: string;
  objectLockDays?: string;
}

function options(values: string[][], selected: string | undefined): Html {
  return html`${values.map(([v, text]) => html`<option value="${v}"${v === (selected ?? "") ? " selected" : ""}>${text}</option>`)}`;
}

export function createBucketPage(ctx: PageContext, v: CreateBucketValues, errors: FormErrors): Html {
  const f = (id: string, label: string) => fieldError(id, label, errors);
  const name = f("name", "Name");
  const sc = f("storageClass", "Storage class");
  const ver = f("versioning", "Versioning");
  const mode = f("objectLockMode", "Object lock mode");
  const days = f("objectLockDays", "Object lock retention (days)");
  return layout("Create bucket", ctx, html`<h1>Create bucket</h1>
${formErrors(errors)}
<form method="post" action="${BASE}/buckets" class="stack">
  ${csrfField(ctx.csrf!)}
  <label for="name">Name</label>
  <input id="name" name="name" required value="${v.name ?? ""}" autocomplete="off" spellcheck="false"${name.attrs}>
  ${name.after}
  <label for="storageClass">Storage class</label>
  <select id="storageClass" name="storageClass"${sc.attrs}>${options([["HDD", "HDD"], ["SSD", "SSD"], ["NVMe", "NVMe"]], v.storageClass ?? "HDD")}</select>
  ${sc.after}
  <label for="versioning">Versioning</label>
  <select id="versioning" name="versioning"${ver.attrs}>${options([["", "Off"], ["Enabled", "Enabled"]], v.versioning)}</select>
  ${ver.after}
  <label class="check"><input type="checkbox" id="legalHold" name="legalHold" value="on"${v.legalHold ? " checked" : ""}> Legal hold</label>
  <fieldset><legend>Object lock (only at creation)</legend>
    <label for="objectLockMode">Object lock mode</label>
    <select id="objectLockMode" name="objectLockMode"${mode.attrs}>${options([["", "Off"], ["GOVERNANCE", "GOVERNANCE"], ["COMPLIANCE", "COMPLIANCE"]], v.objectLockMode)}</select>
    ${mode.after}
    <label for="objectLockDays">Object lock retention (days)</label>
    <input id="objectLockDays" name="objectLockDays" inputmode="numeric" value="${v.objectLockDays ?? ""}"${days.attrs}>
    ${days.after}
  </fieldset>
  <button type="submit">Create bucket</button>
</form>`);
}

function tabs(bucket: string, current: "keys" | "settings"): Html {
  const tab = (t: "keys" | "settings", text: string) => html`<a href="${bucketUrl(bucket, t)}"${t === current ? html` aria-current="page"` : ""}>${text}</a>`;
  return html`<nav class="tabs" aria-label="Bucket sections">${tab("keys", "Access keys")} ${tab("settings", "Settings")}</nav>`;
}

function bucketHeader(b: s.Bucket): Html {
  return html`<p class="crumbs"><a href="${BASE}/">Buckets</a> / ${b.name}</p><h1>${b.name}</h1>
<p class="muted">${b.region} · ${b.storageClass} · ${b.objectCount} object(s), ${formatBytes(b.sizeBytes)} · endpoint <code>${b.endpoint}</code></p>`;
}

export interface AuditSettings {
  rotationAgeDays: number;
  unusedDays: number;
}

export function flagBadges(k: AuditedKey, a: AuditSettings): Html {
  const text: Record<Flag, string> = {
    unlabelled: "Unlabelled",
    old: `Older than ${a.rotationAgeDays} days: rotate`,
    unused: `Unused for ${a.unusedDays}+ days`,
    orphan: "No stack owns it",
    missing: "Gone from the service",
  };
  return html`${k.flags.map((f) => html`<span class="badge badge-${f}">${text[f]}</span> `)}`;
}

export interface NewKeyPanel {
  key: s.CreatedAccessKey;
}
export interface NewTempPanel {
  creds: s.TemporaryCredentials;
}

function copyable(id: string, value: string, what: string): Html {
  return html`<code id="${id}">${value}</code> <button type="button" class="copy" data-copy="${id}">Copy ${what}</button>`;
}

function secretWarning(): Html {
  return html`<p class="warning"><strong>The secret access key is shown only once.</strong> OtterStorage does not store it in cleartext and cannot show it to you again: copy it now into a secrets manager. If you lose it, create a new key.</p>`;
}

function newKeyPanel(p: NewKeyPanel): Html {
  const k = p.key;
  const c = { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, endpoint: k.endpoint, region: k.region };
  const prof = awsProfileOf(c);
  const env = environmentOf(c);
  const profile = `# ~/.aws/credentials\n${prof.credentials}\n# ~/.aws/config\n${prof.config}\naws --profile ${prof.name} s3 ls s3://${k.bucket}\n`;
  const envText =
    `export AWS_ACCESS_KEY_ID="${env.AWS_ACCESS_KEY_ID}"\nexport AWS_SECRET_ACCESS_KEY="${env.AWS_SECRET_ACCESS_KEY}"\nexport AWS_DEFAULT_REGION="${env.AWS_DEFAULT_REGION}"\n` +
    `# OtterStorage endpoint (AWS CLI v2 and many SDKs respect it; AWS CLI v1: pass --endpoint-url)\nexport AWS_ENDPOINT_URL="${env.AWS_ENDPOINT_URL}"\n\naws s3 ls s3://${k.bucket}\n`;
  return html`<section class="secret-panel" aria-labelledby="new-key-heading">
<h2 id="new-key-heading">Access key created${k.label ? ` (${k.label})` : ""}</h2>
${secretWarning()}
<dl>
  <dt>Access key ID</dt><dd>${copyable("new-access-key-id", k.accessKeyId, "access key ID")}</dd>
  <dt>Secret access key</dt><dd>${copyable("new-secret-access-key", k.secretAccessKey, "secret access key")}</dd>
  <dt>Bucket</dt><dd><code>${k.bucket}</code></dd>
  <dt>Endpoint</dt><dd>${copyable("new-endpoint", k.endpoint, "endpoint")}</dd>
  <dt>Region</dt><dd><code>${k.region}</code></dd>
</dl>
<h3 id="profile-heading">AWS CLI profile (Option A)</h3>
<pre id="new-profile" aria-labelledby="profile-heading">${profile}</pre>
<button type="button" class="copy" data-copy="new-profile">Copy AWS CLI profile</button>
<h3 id="env-heading">Environment variables (Option B)</h3>
<pre id="new-env" aria-labelledby="env-heading">${envText}</pre>
<button type="button" class="copy" data-copy="new-env">Copy environment variables</button>
</section>`;
}

function newTempPanel(p: NewTempPanel): Html {
  const t = p.creds;
  const env = environmentOf({ accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey, sessionToken: t.sessionToken, endpoint: t.endpoint, region: t.region });
  const envText = Object.entries(env).map(([k, v]) => `export ${k}="${v}"`).join("\n") + `\n\naws s3 ls s3://${t.bucket}\n`;
  return html`<section class="secret-panel" aria-labelledby="new-temp-heading">
<h2 id="new-temp-heading">Temporary credentials created</h2>
<p class="warning"><strong>Shown only once.</strong> They expire at ${when(t.expiresAt)} and cannot be revoked early; copy them now.</p>
<dl>
  <dt>Access key ID</dt><dd>${copyable("temp-access-key-id", t.accessKeyId, "temporary access key ID")}</dd>
  <dt>Secret access key</dt><dd>${copyable("temp-secret-access-key", t.secretAccessKey, "temporary secret access key")}</dd>
  <dt>Session token</dt><dd>${copyable("temp-session-token", t.sessionToken, "session token")}</dd>
  <dt>Expires</dt><dd>${when(t.expiresAt)}</dd>
</dl>
<h3 id="temp-env-heading">Environment variables</h3>
<pre id="temp-env" aria-labelledby="temp-env-heading">${envText}</pre>
<button type="button" class="copy" data-copy="temp-env">Copy temporary environment variables</button>
</section>`;
}

export const DURATIONS: Array<[number, string]> = [
  [TEMP_CREDENTIALS_MIN_SECONDS, "15 minutes"],
  [3600, "1 hour"],
  [4 * 3600, "4 hours"],
  [TEMP_CREDENTIALS_MAX_SECONDS, "12 hours"],
];

export interface KeysTabState {
  bucket: s.Bucket;
  keys: AuditedKey[];
  audit: AuditSettings;
  createLabel?: string;
  createErrors: FormErrors;
  /** Per key id: the relabel value sent and its errors. */
  relabel?: { id: string; value: string; errors: FormErrors };
  tempErrors: FormErrors;
  newKey?: NewKeyPanel;
  newTemp?: NewTempPanel;
  /** A fresh one-shot nonce for each secret-issuing form. */
  nonces: { createKey: string; temp: string };
}

export function keysTab(ctx: PageContext, st: KeysTabState): Html {
  const b = st.bucket;
  const label = fieldError("label", "Label", st.createErrors);
  const dur = fieldError("durationSeconds", "Duration", st.tempErrors);
  return layout(`${b.name}: Access keys`, ctx, html`${bucketHeader(b)}
${tabs(b.name, "keys")}
${st.newKey ? newKeyPanel(st.newKey) : ""}
${st.newTemp ? newTempPanel(st.newTemp) : ""}
<section aria-labelledby="keys-heading">
<h2 id="keys-heading">Access keys</h2>
<p class="muted">Each key works for this bucket only. Badges: older than the rotation age of ${st.audit.rotationAgeDays} days, unused for ${st.audit.unusedDays} days, unlabelled.</p>
${st.keys.length === 0
  ? html`<p>This bucket has no access keys.</p>`
  : html`<table class="keys">
<caption>Active access keys of ${b.name}</caption>
<thead><tr><th scope="col">Access key ID</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Age</th><th scope="col">Flags</th><th scope="col">Actions</th></tr></thead>
<tbody>
${st.keys.map((k) => keyRow(ctx, b.name, k, st))}
</tbody></table>`}
</section>
<section aria-labelledby="create-heading">
<h2 id="create-heading">Create access key</h2>
${formErrors(st.createErrors)}
<form method="post" action="${bucketUrl(b.name)}/keys" class="stack">
  ${csrfField(ctx.csrf!)}
  <input type="hidden" name="_once" value="${st.nonces.createKey}">
  <label for="label">Label (optional)</label>
  <input id="label" name="label" value="${st.createLabel ?? ""}" placeholder="e.g. ci-deploy or backups-restic" autocomplete="off" spellcheck="false"${label.attrs}>
  ${label.after}
  <p class="hint" id="label-hint">Up to ${LABEL_MAX} characters: what the key is for.</p>
  <button type="submit">Create access key</button>
</form>
</section>
<section aria-labelledby="temp-heading">
<h2 id="temp-heading">Temporary credentials</h2>
${formErrors(st.tempErrors)}
<form method="post" action="${bucketUrl(b.name)}/temporary-credentials" class="stack">
  ${csrfField(ctx.csrf!)}
  <input type="hidden" name="_once" value="${st.nonces.temp}">
  <label for="durationSeconds">Duration</label>
  <select id="durationSeconds" name="durationSeconds"${dur.attrs}>${DURATIONS.map(([v, t]) => html`<option value="${v}"${v === 3600 ? " selected" : ""}>${t}</option>`)}</select>
  ${dur.after}
  <button type="submit">Create temporary credentials</button>
</form>
</section>`);
}

function keyRow(ctx: PageContext, bucket: string, k: AuditedKey, st: KeysTabState): Html {
  const mine = st.relabel?.id === k.accessKeyId ? st.relabel : undefined;
  const fid = `label-${k.accessKeyId}`;
  const err = fieldError(fid, "Label", mine?.errors ?? noErrors());
  const named = `${k.accessKeyId}${k.label ? ` (${k.label})` : ""}`;
  return html`<tr>
<th scope="row"><code>${k.accessKeyId}</code></th>
<td>${k.label ?? html`<span class="muted">none</span>`}</td>
<td>${when(k.createdAt)}</td>
<td>${when(k.lastUsedAt)}</td>
<td>${k.ageDays} d</td>
<td>${flagBadges(k, st.audit)}</td>
<td class="actions">
  <form method="post" action="${bucketUrl(bucket)}/keys/${encodeURIComponent(k.accessKeyId)}/label" class="inline">
    ${csrfField(ctx.csrf!)}
    <label class="sr-only" for="${fid}">New label for ${k.accessKeyId}</label>
    <input id="${fid}" name="label" value="${mine ? mine.value : k.label ?? ""}" size="14"${err.attrs}>
    <button type="submit">Save label<span class="sr-only"> of ${k.accessKeyId}</span></button>
    ${err.after}
  </form>
  <form method="get" action="${bucketUrl(bucket)}/keys/${encodeURIComponent(k.accessKeyId)}/revoke" class="inline">
    <button type="submit" class="danger">Revoke<span class="sr-only"> ${named}</span></button>
  </form>
</td>
</tr>`;
}

export function revokeConfirmPage(ctx: PageContext, bucket: string, k: s.AccessKey): Html {
  const named = `${k.accessKeyId}${k.label ? ` (label ${k.label})` : " (no label)"}`;
  return layout(`Revoke ${k.accessKeyId}`, ctx, html`<p class="crumbs"><a href="${BASE}/">Buckets</a> / <a href="${bucketUrl(bucket)}">${bucket}</a></p>
<h1>Revoke access key ${named}?</h1>
<p>Revocation is immediate and permanent: any request signed with <code>${k.accessKeyId}</code> fails from now on. The bucket's data and its other keys are not affected.</p>
<form method="post" action="${bucketUrl(bucket)}/keys/${encodeURIComponent(k.accessKeyId)}/revoke" class="inline">
  ${csrfField(ctx.csrf!)}
  <button type="submit" class="danger">Revoke</button>
</form>
<a href="${bucketUrl(bucket)}">Cancel</a>`);
}

export interface SettingsState {
  bucket: s.Bucket;
  errors: FormErrors;
}

export function settingsTab(ctx: PageContext, st: SettingsState): Html {
  const b = st.bucket;
  const ver = fieldError("versioning", "Versioning", st.errors);
  const sc = fieldError("storageClass", "Storage class", st.errors);
  const lh = fieldError("legalHold", "Legal hold", st.errors);
  const verOptions = b.versioning === "Unversioned" ? [["", "Off (never enabled)"], ["Enabled", "Enabled"]] : [["Enabled", "Enabled"], ["Suspended", "Suspended"]];
  return layout(`${b.name}: Settings`, ctx, html`${bucketHeader(b)}
${tabs(b.name, "settings")}
${formErrors(st.errors)}
<section aria-labelledby="versioning-heading">
<h2 id="versioning-heading">Versioning</h2>
<form method="post" action="${bucketUrl(b.name, "settings")}" class="stack">
  ${csrfField(ctx.csrf!)}
  <input type="hidden" name="setting" value="versioning">
  <label for="versioning">Versioning</label>
  <select id="versioning" name="versioning"${ver.attrs}>${options(verOptions, b.versioning === "Unversioned" ? "" : b.versioning)}</select>
  ${ver.after}
  <button type="submit">Save versioning</button>
</form>
</section>
<section aria-labelledby="hold-heading">
<h2 id="hold-heading">Legal hold</h2>
<p>While legal hold is on, no object can be deleted or overwritten and no new access keys can be issued.</p>
<form method="post" action="${bucketUrl(b.name, "settings")}" class="stack">
  ${csrfField(ctx.csrf!)}
  <input type="hidden" name="setting" value="legalHold">
  <label class="check"><input type="checkbox" id="legalHold" name="legalHold" value="on"${b.legalHold ? " checked" : ""}${lh.attrs}> Legal hold</label>
  ${lh.after}
  <button type="submit">Save legal hold</button>
</form>
</section>
<section aria-labelledby="class-heading">
<h2 id="class-heading">Storage class</h2>
<form method="post" action="${bucketUrl(b.name, "settings")}" class="stack">
  ${csrfField(ctx.csrf!)}
  <input type="hidden" name="setting" value="storageClass">
  <label for="storageClass">Storage class</label>
  <select id="storageClass" name="storageClass"${sc.attrs}>${options([["HDD", "HDD"], ["SSD", "SSD"], ["NVMe", "NVMe"]], b.storageClass)}</select>
  ${sc.after}
  <button type="submit">Save storage class</button>
</form>
</section>
<section aria-labelledby="lock-heading">
<h2 id="lock-heading">Object lock</h2>
<p>${b.objectLock ? `${b.objectLock.mode}, default retention ${b.objectLock.days} day(s). Set at creation; it cannot change.` : "Off. Object lock can only be set when a bucket is created."}</p>
</section>
<section aria-labelledby="lifecycle-heading">
<h2 id="lifecycle-heading">Lifecycle rules</h2>
${b.lifecycleRules.length === 0
  ? html`<p>No lifecycle rules. Set them with the Control API (PATCH /v1/buckets/${b.name}), S3 PutBucketLifecycleConfiguration or the Bucket resource's <code>lifecycleRules</code>.</p>`
  : html`<table><caption>Lifecycle rules of ${b.name}</caption>
<thead><tr><th scope="col">ID</th><th scope="col">Status</th><th scope="col">Prefix</th><th scope="col">Expire after</th><th scope="col">Noncurrent versions after</th><th scope="col">Abort uploads after</th></tr></thead>
<tbody>${b.lifecycleRules.map((r) => html`<tr><th scope="row">${r.id}</th><td>${r.status}</td><td>${r.prefix || html`<span class="muted">(all)</span>`}</td><td>${r.expirationDays !== undefined ? `${r.expirationDays} d` : "-"}</td><td>${r.noncurrentVersionExpirationDays !== undefined ? `${r.noncurrentVersionExpirationDays} d` : "-"}</td><td>${r.abortIncompleteMultipartUploadDays !== undefined ? `${r.abortIncompleteMultipartUploadDays} d` : "-"}</td></tr>`)}</tbody></table>`}
</section>`);
}

export function keysPage(ctx: PageContext, report: AuditReport, audit: AuditSettings, values: { maxAge: string; unused: string }, errors: FormErrors): Html {
  const ma = fieldError("max-age-days", "Rotation age (days)", errors);
  const un = fieldError("unused-days", "Unused for (days)", errors);
  const counts = Object.entries(report.summary.byFlag).filter(([f, n]) => n > 0 && f !== "missing" && f !== "orphan");
  return layout("Keys", ctx, html`<h1>Keys</h1>
<p>Every access key of every bucket, flagged like <code>otterstorage audit</code> flags them (service time ${when(report.now)}).</p>
<form method="get" action="${BASE}/keys" class="row">
  <label for="max-age-days">Rotation age (days)</label>
  <input id="max-age-days" name="max-age-days" inputmode="numeric" size="5" value="${values.maxAge}"${ma.attrs}>
  <label for="unused-days">Unused for (days)</label>
  <input id="unused-days" name="unused-days" inputmode="numeric" size="5" value="${values.unused}"${un.attrs}>
  <button type="submit">Apply</button>
</form>
${ma.after}${un.after}
<p role="status">${report.summary.keys} key(s), ${report.summary.flaggedKeys} flagged${counts.length ? `: ${counts.map(([f, n]) => `${n} ${f}`).join(", ")}` : ""}.</p>
${report.keys.length === 0
  ? html`<p>No access keys.</p>`
  : html`<table class="keys"><caption>All access keys</caption>
<thead><tr><th scope="col">Access key ID</th><th scope="col">Bucket</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Age</th><th scope="col">Flags</th></tr></thead>
<tbody>${report.keys.map((k) => html`<tr><th scope="row"><code>${k.accessKeyId}</code></th><td><a href="${bucketUrl(k.bucket)}">${k.bucket}</a></td><td>${k.label ?? html`<span class="muted">none</span>`}</td><td>${when(k.createdAt)}</td><td>${when(k.lastUsedAt)}</td><td>${k.ageDays} d</td><td>${flagBadges(k, audit)}</td></tr>`)}</tbody></table>`}
<p class="muted">Orphaned keys (owned by no stack) need stack exports: run <code>otterstorage audit --stack-export &lt;file&gt;</code>.</p>`);
}

export const CONSOLE_CSS = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { margin: 0; }
header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #0f3d4c; color: #fff; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; text-decoration: none; margin-right: auto; }
header.top nav a { margin-right: 1rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid #dde1e6; padding: .4rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; font-size: .9rem; }
code, pre { font-family: ui-monospace, monospace; }
pre { background: #fff; border: 1px solid #dde1e6; padding: .6rem; overflow-x: auto; }
form.stack { display: grid; gap: .35rem; max-width: 32rem; margin-bottom: 1rem; }
form.stack button { justify-self: start; }
form.inline { display: inline; }
form.row { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
fieldset { border: 1px solid #dde1e6; display: grid; gap: .35rem; }
label.check { display: flex; gap: .4rem; align-items: center; }
input, select, button { font: inherit; padding: .3rem .45rem; }
button, a.button { background: #0f6d8c; color: #fff; border: 0; border-radius: 4px; cursor: pointer; padding: .35rem .8rem; text-decoration: none; display: inline-block; }
header.top button { background: transparent; border: 1px solid #fff; }
button.danger { background: #b3261e; }
button.copy { background: #e4e8ec; color: #1b1f24; }
.tabs { display: flex; gap: .25rem; border-bottom: 2px solid #0f6d8c; margin: 1rem 0; }
.tabs a { padding: .4rem .9rem; text-decoration: none; color: #0f3d4c; border-radius: 4px 4px 0 0; }
.tabs a[aria-current="page"] { background: #0f6d8c; color: #fff; }
.badge { display: inline-block; font-size: .8rem; padding: .05rem .4rem; border-radius: 999px; background: #fde7c2; color: #6b3b00; margin: 0 .2rem .2rem 0; }
.badge-old { background: #fbd3cf; color: #7a1710; }
.badge-unlabelled { background: #e6e0f8; color: #3a2a7a; }
.field-error { color: #b3261e; margin: 0; font-size: .9rem; }
[aria-invalid="true"] { border: 2px solid #b3261e; }
.form-errors { border-left: 4px solid #b3261e; background: #fff; padding: .2rem .8rem; }
.secret-panel { border: 2px solid #0f6d8c; background: #fff; padding: .4rem 1rem 1rem; margin: 1rem 0; }
.secret-panel dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1rem; }
.secret-panel dd { margin: 0; }
.warning { background: #fff4d6; border-left: 4px solid #c98a00; padding: .4rem .8rem; }
.notice { background: #e3f3e6; border-left: 4px solid #2e7d32; padding: .4rem .8rem; }
.muted, .hint { color: #5b6570; font-size: .9rem; }
.crumbs { margin: 0; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
td.actions { white-space: nowrap; }
`;

/** Progressive enhancement only: copy buttons, and a reload after a secret-issuing POST lands on a plain GET. */
export const CONSOLE_JS = `
(function () {
  var replace = document.body && document.body.getAttribute("data-replace-url");
  if (replace && window.history && history.replaceState) history.replaceState(null, "", replace);
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button[data-copy]");
    if (!b) return;
    var el = document.getElementById(b.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) return;
    navigator.clipboard.writeText(el.textContent).then(function () {
      var t = b.textContent; b.textContent = "Copied"; setTimeout(function () { b.textContent = t; }, 1500);
    });
  });
})();
`;
