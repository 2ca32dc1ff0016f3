/** Bucket pages of the console: the bucket list, Create bucket, and the bucket's Settings tab. */
import type * as s from "otterstorage-api";
import { StorageClass } from "otterstorage-api";
import { html, Html } from "./html";
import { BASE, bucketHeader, bucketUrl, csrfField, fieldError, FormErrors, formatBytes, formErrors, layout, options, PageContext, tabs } from "./layout";

/** The storage classes the contract allows (api/schemas.ts), as <option>s. */
const STORAGE_CLASSES = StorageClass.options.map((c) => [c, c]);

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
  <select id="storageClass" name="storageClass"${sc.attrs}>${options(STORAGE_CLASSES, v.storageClass ?? "HDD")}</select>
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
<p>While legal hold is on, the S3 plane refuses writes and deletes, the bucket cannot be deleted, its lifecycle rules cannot change, and no new access keys or temporary credentials are issued.</p>
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
  <select id="storageClass" name="storageClass"${sc.attrs}>${options(STORAGE_CLASSES, b.storageClass)}</select>
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
