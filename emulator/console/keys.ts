/**
 * Key pages of the console: the Access keys tab (with the one-time secret panels), the revoke confirmation and the
 * top-level Keys page. Server-rendered with the `html` template (./html.ts). Every control has a label or an
 * accessible name; button texts are the OtterStorage guide's ("Configure access keys": "Create access key",
 * "Revoke"), and the panel carries its Option A profile and Option B environment snippets (api/forms.ts).
 *
 * Key creation follows the guide's order: on the Access keys tab the "Create access key" button starts the flow (a
 * GET, it issues nothing); the page it opens asks for the optional label (the guide's examples, backups-restic and
 * ci-deploy) and a confirming "Create" posts it; the answer shows the pair, the secret once.
 */
import type * as s from "otterstorage-api";
import { LABEL_MAX, TEMP_CREDENTIALS_MAX_SECONDS, TEMP_CREDENTIALS_MIN_SECONDS, AuditedKey, AuditReport, Flag, awsProfileOf, environmentOf } from "otterstorage-api";
import { html, Html } from "./html";
import { BASE, bucketHeader, bucketUrl, csrfField, fieldError, FormErrors, formErrors, layout, noErrors, PageContext, tabs, when } from "./layout";

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
  /** Per key id: the relabel value sent and its errors. */
  relabel?: { id: string; value: string; errors: FormErrors };
  tempErrors: FormErrors;
  newKey?: NewKeyPanel;
  newTemp?: NewTempPanel;
  /** A fresh one-shot nonce for each secret-issuing form of the tab. */
  nonces: { temp: string };
}

export const newKeyUrl = (bucket: string) => `${bucketUrl(bucket)}/keys/new`;

export interface NewKeyFormState {
  bucket: s.Bucket;
  label?: string;
  errors: FormErrors;
  /** The form's one-shot nonce: a re-post issues nothing. */
  nonce: string;
}

/** The second step of "Create access key": the optional label, then a confirming Create. */
export function newKeyPage(ctx: PageContext, st: NewKeyFormState): Html {
  const b = st.bucket;
  const label = fieldError("label", "Label", st.errors);
  return layout(`${b.name}: Create access key`, ctx, html`${bucketHeader(b)}
${tabs(b.name, "keys")}
<section aria-labelledby="create-heading">
<h2 id="create-heading">Create access key</h2>
<p>The key will work for <code>${b.name}</code> only. Its secret access key is shown once, on the next page.</p>
${formErrors(st.errors)}
<form method="post" action="${bucketUrl(b.name)}/keys" class="stack">
  ${csrfField(ctx.csrf!)}
  <input type="hidden" name="_once" value="${st.nonce}">
  <label for="label">Label (optional)</label>
  <input id="label" name="label" value="${st.label ?? ""}" placeholder="e.g. backups-restic or ci-deploy" autocomplete="off" spellcheck="false"${label.attrs}>
  ${label.after}
  <p class="hint" id="label-hint">What the key is for, e.g. <code>backups-restic</code> or <code>ci-deploy</code>: up to ${LABEL_MAX} characters. Keys without a label are flagged "Unlabelled".</p>
  <div class="row"><button type="submit">Create</button> <a href="${bucketUrl(b.name)}">Cancel</a></div>
</form>
</section>`);
}

export function keysTab(ctx: PageContext, st: KeysTabState): Html {
  const b = st.bucket;
  const dur = fieldError("durationSeconds", "Duration", st.tempErrors);
  return layout(`${b.name}: Access keys`, ctx, html`${bucketHeader(b)}
${tabs(b.name, "keys")}
${st.newKey ? newKeyPanel(st.newKey) : ""}
${st.newTemp ? newTempPanel(st.newTemp) : ""}
<section aria-labelledby="keys-heading">
<h2 id="keys-heading">Access keys</h2>
<p class="muted">Each key works for this bucket only. Badges: older than the rotation age of ${st.audit.rotationAgeDays} days, unused for ${st.audit.unusedDays} days, unlabelled.</p>
<form method="get" action="${newKeyUrl(b.name)}" class="inline">
  <button type="submit">Create access key</button>
</form>
${st.keys.length === 0
  ? html`<p>This bucket has no access keys.</p>`
  : html`<table class="keys">
<caption>Active access keys of ${b.name}</caption>
<thead><tr><th scope="col">Access key ID</th><th scope="col">Label</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Age</th><th scope="col">Flags</th><th scope="col">Actions</th></tr></thead>
<tbody>
${st.keys.map((k) => keyRow(ctx, b.name, k, st))}
</tbody></table>`}
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
