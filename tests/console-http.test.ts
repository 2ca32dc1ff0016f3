/**
 * The console's security and plumbing at the HTTP level (no browser needed, so these run everywhere): escaping,
 * headers, the token never accepted from a URL, CSRF on sign-out and relabel, Origin on sign-in, the field error of
 * a relabel, and `console: false`. The browser journey is tests/console-browser.test.ts.
 */
import * as assert from "node:assert/strict";
import { ManualClock, startOtterStorage } from "otterstorage-local";
import { escapeHtml, html, raw } from "otterstorage-local/dist/console/html";
import { consoleSession, setCookies, signInForm } from "./support/console";
import { control, useEmulator } from "./support/emulator";

const DAY = 24 * 60 * 60 * 1000;

describe("console over HTTP", () => {
  const svc = useEmulator({ token: "console-http-token-1" });
  const base = () => svc().consoleUrl!;

  const session = () => consoleSession(base(), svc().token);

  it("the html template escapes every interpolated value (and makes control and bidi characters visible), nested templates and raw() excepted", () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    const evil = `"><script>alert(1)</script>`;
    assert.equal(html`<input value="${evil}">`.text, `<input value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">`);
    assert.equal(html`<ul>${["<b>", html`<li>${"&"}</li>`]}</ul>`.text, "<ul>&lt;b&gt;<li>&amp;</li></ul>");
    assert.equal(html`${null}${undefined}${false}${0}${raw("<br>")}`.text, "0<br>");
    assert.equal(html`<td>${"tmp/\u202Egpj.exe\u0007"}</td><pre>${"a\tb\nc"}</pre>`.text, "<td>tmp/\u27e8U+202E\u27e9gpj.exe\u27e8U+0007\u27e9</td><pre>a\tb\nc</pre>", "bidi and control characters are shown, tab and newline kept");
  });

  it("user input echoed in a page is escaped (the Keys page's bad threshold)", async () => {
    const { cookie } = await session();
    const r = await fetch(`${base()}keys?max-age-days=${encodeURIComponent("<img src=x onerror=alert(1)>")}`, { headers: { cookie } });
    assert.equal(r.status, 400);
    const text = await r.text();
    assert.ok(!text.includes("<img src=x"), "no raw markup from the query");
    assert.ok(text.includes("got &#39;&lt;img src=x onerror=alert(1)&gt;&#39;"));
  });

  it("Create access key in the guide's order: the tab's button is a GET that issues nothing; its page asks for the label, and Create issues a labelled key once", async () => {
    const api = control(svc());
    await api.post("/v1/buckets", { name: "guide-order" });
    const { cookie } = await session();
    const tab = await (await fetch(`${base()}buckets/guide-order`, { headers: { cookie } })).text();
    assert.match(tab, /<form method="get" action="\/console\/buckets\/guide-order\/keys\/new" class="inline">\s*<button type="submit">Create access key<\/button>/);
    assert.doesNotMatch(tab, /name="label" value=""/, "no label field on the tab: the button starts the flow");
    const form = await fetch(`${base()}buckets/guide-order/keys/new`, { headers: { cookie } });
    assert.equal(form.status, 200);
    assert.equal(form.headers.get("cache-control"), "no-store");
    const text = await form.text();
    assert.equal((await api.get("/v1/buckets/guide-order/access-keys")).body.accessKeys.length, 0, "opening the form issues nothing");
    assert.match(text, /placeholder="e\.g\. backups-restic or ci-deploy"/);
    const fields = { _csrf: /name="_csrf" value="([^"]+)"/.exec(text)![1], _once: /name="_once" value="([^"]+)"/.exec(text)![1] };
    const bad = await fetch(`${base()}buckets/guide-order/keys`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ ...fields, label: "-bad" }), redirect: "manual" });
    assert.equal(bad.status, 400);
    const badText = await bad.text();
    assert.match(badText, /<h2 id="create-heading">Create access key<\/h2>/, "the error is shown on the form, with the value kept");
    assert.match(badText, /name="label" value="-bad"/);
    const fresh = { ...fields, _once: /name="_once" value="([^"]+)"/.exec(badText)![1] };
    const created = await fetch(`${base()}buckets/guide-order/keys`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ ...fresh, label: "backups-restic" }), redirect: "manual" });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("cache-control"), "no-store");
    assert.match(await created.text(), /Access key created \(backups-restic\)/);
    const again = await fetch(`${base()}buckets/guide-order/keys`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ ...fresh, label: "backups-restic" }), redirect: "manual" });
    assert.equal(again.status, 303, "a re-post issues nothing");
    const noCsrf = await fetch(`${base()}buckets/guide-order/keys`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _once: "x".repeat(30), label: "sneaky" }), redirect: "manual" });
    assert.equal(noCsrf.status, 403);
    assert.deepEqual((await api.get("/v1/buckets/guide-order/access-keys")).body.accessKeys.map((k: { label: string }) => k.label), ["backups-restic"]);
  });

  it("pages carry no-store, a strict CSP and anti-framing headers; signed-out pages redirect to sign-in", async () => {
    const r = await fetch(`${base()}sign-in`);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.match(r.headers.get("content-security-policy")!, /default-src 'none'.*script-src 'self'.*frame-ancestors 'none'/);
    assert.equal(r.headers.get("x-frame-options"), "DENY");
    for (const path of ["", "keys", "buckets/new", "buckets/x", "buckets/x/keys/new", "buckets/x/settings"]) {
      const g = await fetch(`${base()}${path}`, { redirect: "manual" });
      assert.equal(g.status, 303, path);
      assert.equal(g.headers.get("location"), "/console/sign-in", path);
    }
    const post = await fetch(`${base()}buckets`, { method: "POST", body: new URLSearchParams({ name: "no-session" }), redirect: "manual" });
    assert.equal(post.status, 401);
    assert.equal((await control(svc()).get("/v1/buckets/no-session")).status, 404);
  });

  it("the token is accepted only in a POST body of the console's own form: not from a URL, a bearer header, another site or a form without its CSRF value", async () => {
    const sessionCookies = (r: Response) => setCookies(r).filter((c) => c.startsWith("otterstorage_console="));
    const q = await fetch(`${base()}sign-in?token=${svc().token}`, { redirect: "manual" });
    assert.deepEqual(sessionCookies(q), []);
    const form = await signInForm(base());
    const qp = await fetch(`${base()}sign-in?token=${svc().token}`, { method: "POST", headers: { cookie: form.cookie }, body: new URLSearchParams({ _csrf: form.csrf }), redirect: "manual" });
    assert.equal(qp.status, 401);
    assert.deepEqual(sessionCookies(qp), []);
    assert.ok(!(await qp.text()).includes(svc().token), "the token is not echoed");
    const bearer = await fetch(`${base()}sign-in`, { method: "POST", headers: { authorization: `Bearer ${svc().token}` }, redirect: "manual" });
    assert.equal(bearer.status, 403, "the Control API's bearer header is no console sign-in");
    const noCsrf = await fetch(`${base()}sign-in`, { method: "POST", body: new URLSearchParams({ token: svc().token }), redirect: "manual" });
    assert.equal(noCsrf.status, 403, "login CSRF: a sign-in without the form's double-submit value is refused");
    assert.deepEqual(sessionCookies(noCsrf), []);
    const cross = await fetch(`${base()}sign-in`, { method: "POST", headers: { origin: "http://evil.example", cookie: form.cookie }, body: new URLSearchParams({ _csrf: form.csrf, token: svc().token }), redirect: "manual" });
    assert.equal(cross.status, 403);
    assert.deepEqual(sessionCookies(cross), []);
  });

  it("each sign-in gets a fresh session id; sign-out needs the CSRF token and then the cookie is dead", async () => {
    const a = await session();
    const b = await session();
    assert.notEqual(a.cookie, b.cookie);
    const noCsrf = await fetch(`${base()}sign-out`, { method: "POST", headers: { cookie: a.cookie }, body: new URLSearchParams({}), redirect: "manual" });
    assert.equal(noCsrf.status, 403);
    assert.equal((await fetch(base(), { headers: { cookie: a.cookie }, redirect: "manual" })).status, 200, "still signed in");
    const out = await fetch(`${base()}sign-out`, { method: "POST", headers: { cookie: a.cookie }, body: new URLSearchParams({ _csrf: a.csrf }), redirect: "manual" });
    assert.equal(out.status, 303);
    assert.match(out.headers.get("set-cookie")!, /Max-Age=0/);
    assert.equal((await fetch(base(), { headers: { cookie: a.cookie }, redirect: "manual" })).status, 303, "the old cookie no longer works");
    assert.equal((await fetch(base(), { headers: { cookie: b.cookie }, redirect: "manual" })).status, 200, "other sessions are untouched");
  });

  it("relabel: the Control API's field error appears in that key's row; a valid label is saved; CSRF is required", async () => {
    const api = control(svc());
    await api.post("/v1/buckets", { name: "relabel-me" });
    const key = (await api.post("/v1/buckets/relabel-me/access-keys", { label: "old" })).body;
    const { cookie, csrf } = await session();
    const url = `${base()}buckets/relabel-me/keys/${key.accessKeyId}/label`;
    const bad = await fetch(url, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, label: "-starts-with-a-dash" }), redirect: "manual" });
    assert.equal(bad.status, 400);
    const text = await bad.text();
    assert.ok(text.includes(`id="label-${key.accessKeyId}" name="label" value="-starts-with-a-dash" size="14" aria-invalid="true" aria-describedby="label-${key.accessKeyId}-error"`));
    assert.ok(text.includes(`<p class="field-error" id="label-${key.accessKeyId}-error">Label: use letters, digits, spaces and . _ : @ / + = -, starting with a letter or digit</p>`));
    const noCsrf = await fetch(url, { method: "POST", headers: { cookie }, body: new URLSearchParams({ label: "new" }), redirect: "manual" });
    assert.equal(noCsrf.status, 403);
    assert.equal((await api.get(`/v1/buckets/relabel-me/access-keys/${key.accessKeyId}`)).body.label, "old");
    const ok = await fetch(url, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, label: "new" }), redirect: "manual" });
    assert.equal(ok.status, 303);
    assert.equal((await api.get(`/v1/buckets/relabel-me/access-keys/${key.accessKeyId}`)).body.label, "new");
    const cleared = await fetch(url, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, label: "" }), redirect: "manual" });
    assert.equal(cleared.status, 303);
    assert.equal((await api.get(`/v1/buckets/relabel-me/access-keys/${key.accessKeyId}`)).body.label, null, "an empty label removes it");
  });

  it("create bucket: the Control API's errors appear next to their fields", async () => {
    const { cookie, csrf } = await session();
    const r = await fetch(`${base()}buckets`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, name: "Bad_Name", objectLockMode: "GOVERNANCE", objectLockDays: "0" }), redirect: "manual" });
    assert.equal(r.status, 400);
    const text = await r.text();
    assert.ok(text.includes(`<p class="field-error" id="name-error">Name: use lowercase letters, digits, &#39;-&#39; and &#39;.&#39;, starting and ending with a letter or digit</p>`), text);
    assert.match(text, /<p class="field-error" id="objectLockDays-error">Object lock retention \(days\): [^<]*&gt;=1/);
    assert.ok(text.includes('value="Bad_Name"'), "the values are kept");
    await control(svc()).post("/v1/buckets", { name: "taken-name" });
    const taken = await fetch(`${base()}buckets`, { method: "POST", headers: { cookie }, body: new URLSearchParams({ _csrf: csrf, name: "taken-name" }), redirect: "manual" });
    assert.equal(taken.status, 409);
    assert.match(await taken.text(), /id="name-error">Name: [^<]*taken-name/);
  });

  it("console: { rotationAgeDays, unusedDays } sets the badges of the Access keys tab", async () => {
    const clock = new ManualClock(Date.now() - 20 * DAY);
    const own = await startOtterStorage({ memory: true, clock, console: { rotationAgeDays: 10, unusedDays: 50 } });
    try {
      const api = control(own);
      await api.post("/v1/buckets", { name: "aged" });
      const k = (await api.post("/v1/buckets/aged/access-keys", { label: "twenty-days" })).body;
      clock.advance(20 * DAY);
      const { cookie } = await consoleSession(own.consoleUrl!, own.token);
      const page = await (await fetch(`${own.consoleUrl}buckets/aged`, { headers: { cookie } })).text();
      const row = new RegExp(`<th scope="row"><code>${k.accessKeyId}</code></th>([\\s\\S]*?)</tr>`).exec(page)![1];
      assert.match(row, /<span class="badge badge-old">Older than 10 days: rotate<\/span>/);
      assert.doesNotMatch(row, /badge-unused/, "20 days unused is within 50");
    } finally {
      await own.stop();
    }
  });

  it("console: false serves no console and reports consoleUrl null", async () => {
    const off = await startOtterStorage({ memory: true, console: false });
    try {
      assert.equal(off.consoleUrl, null);
      assert.equal((await fetch(`${off.controlUrl}/console/sign-in`)).status, 404);
    } finally {
      await off.stop();
    }
    await assert.rejects(startOtterStorage({ memory: true, console: { rotationAgeDays: -1 } }), /console\.rotationAgeDays must be a number of days >= 0/);
  });
});
