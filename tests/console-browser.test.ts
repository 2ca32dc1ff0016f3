/**
 * The web console driven by a real browser: Debian's chromium through playwright-core, by role and label only.
 * Skips itself (with the reason) when /usr/bin/chromium is absent; .ci/run installs it.
 * Screenshots of every page go to a temp dir (printed); with UPDATE_SCREENSHOTS=1 the Access keys tab is also
 * written to docs/img/console-access-keys.png (the README's picture).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { ManualClock } from "otterstorage-local/dist/clock";
import { createLogger, OtterStorage, startOtterStorage } from "otterstorage-local";
import { control } from "./support/emulator";
import { runCommand } from "./support/run";
import { skipBecause } from "./support/skip";

const CHROMIUM = "/usr/bin/chromium";
const DAY = 24 * 60 * 60 * 1000;

describe("console in a real browser (chromium via playwright-core)", function () {
  this.timeout(180_000);
  let svc: OtterStorage;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let shots: string;
  let shotNo = 0;
  const logLines: string[] = [];
  const token = `console-${crypto.randomBytes(12).toString("hex")}`;
  const clock = new ManualClock(Date.now() - 100 * DAY);
  const hasAws = spawnSync("aws", ["--version"], { encoding: "utf8" }).status === 0;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      return skipBecause(this, `${CHROMIUM} is absent (install Debian's chromium: apt-get install -y chromium; .ci/run does)`);
    }
    const { chromium } = await import("playwright-core");
    svc = await startOtterStorage({ memory: true, token, clock, log: createLogger({ write: (l) => void logLines.push(l) }) });
    // Keys issued 100 days ago on the service clock: one labelled, one not; then the clock comes back to now
    // (the AWS CLI signs with the real time).
    const api = control(svc);
    assert.equal((await api.post("/v1/buckets", { name: "backups", versioning: "Enabled", lifecycleRules: [{ id: "expire-tmp", prefix: "tmp/", expirationDays: 7 }] })).status, 201);
    assert.equal((await api.post("/v1/buckets/backups/access-keys", { label: "backups-restic" })).status, 201);
    assert.equal((await api.post("/v1/buckets/backups/access-keys", {})).status, 201);
    clock.set(Date.now());
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-chromium-"));
    shots = fs.mkdtempSync(path.join(os.tmpdir(), "otter-console-shots-"));
    console.log(`      screenshots: ${shots}`);
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true, viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(svc.controlUrl).origin });
    page = context.pages()[0] ?? (await context.newPage());
  });

  after(async () => {
    await context?.close();
    await svc?.stop();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  /** Every page that is photographed is also checked: each form control, button and link has an accessible name. */
  const shot = async (name: string, p: Page = page) => {
    await p.screenshot({ path: path.join(shots, `${String(++shotNo).padStart(2, "0")}-${name}.png`), fullPage: true });
    const unnamed = await p.evaluate(() => {
      type El = { tagName: string; type?: string; id: string; outerHTML: string; textContent: string | null; labels?: { length: number } | null; getAttribute(n: string): string | null };
      const d = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
      return Array.from(d.querySelectorAll("input, select, textarea, button, a"))
        .filter((e) => e.type !== "hidden")
        .filter((e) => {
          if (e.getAttribute("aria-label") || e.getAttribute("aria-labelledby")) return false;
          if (e.tagName === "BUTTON" || e.tagName === "A") return !(e.textContent ?? "").trim();
          return !(e.labels && e.labels.length > 0);
        })
        .map((e) => e.outerHTML.slice(0, 120));
    });
    assert.deepEqual(unnamed, [], `controls without an accessible name on ${name}`);
  };
  const awsEnv = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_DEFAULT_REGION: "eu-mad", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_ENDPOINT_URL;
    if (c.sessionToken) env.AWS_SESSION_TOKEN = c.sessionToken;
    return env;
  };
  /** The <dd> that follows the <dt> named `term`, inside `scope`. */
  const definition = (scope: Locator, term: string) => scope.getByRole("term").filter({ hasText: new RegExp(`^${term}$`) }).locator("xpath=following-sibling::dd[1]").getByRole("code");
  const signIn = async (p: Page, t: string) => {
    await p.goto(svc.consoleUrl!);
    await p.getByLabel("Account token").fill(t);
    await p.getByRole("button", { name: "Sign in" }).click();
  };

  it("sign in -> create bucket -> Access keys -> Create access key -> label ci-deploy -> Create -> secret shown once -> works with the AWS CLI -> reload hides it -> revoke -> refused by S3", async () => {
    await page.goto(svc.consoleUrl!);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot("sign-in");
    await signIn(page, token);
    await page.getByRole("heading", { name: "Buckets", exact: true }).waitFor();
    const cookies = await context.cookies(svc.consoleUrl!);
    assert.deepEqual(cookies.map((c) => c.name), ["otterstorage_console"], "the session cookie only (the sign-in form's CSRF cookie is gone)");
    assert.equal(cookies[0].httpOnly, true);
    assert.equal(cookies[0].sameSite, "Strict");
    assert.equal(cookies[0].path, "/console");
    assert.ok(!cookies[0].value.includes(token), "the cookie is a session id, not the token");
    assert.ok(!page.url().includes(token));
    const backupsRow = page.getByRole("row", { name: /backups/ });
    assert.match(await backupsRow.innerText(), /eu-mad\s+HDD\s+Enabled\s+off\s+off\s+0\s+0 B\s+2/);
    await shot("bucket-list");

    await page.getByRole("link", { name: "Create bucket" }).click();
    await page.getByLabel("Name").fill("console-demo");
    await page.getByLabel("Storage class").selectOption("SSD");
    await shot("create-bucket");
    await page.getByRole("button", { name: "Create bucket" }).click();
    await page.getByRole("heading", { name: "console-demo" }).waitFor();
    assert.equal((await control(svc).get("/v1/buckets/console-demo")).body.storageClass, "SSD");

    const tab = page.getByRole("navigation", { name: "Bucket sections" }).getByRole("link", { name: "Access keys" });
    assert.equal(await tab.getAttribute("aria-current"), "page", "Access keys is the first, current tab");
    await tab.click();
    // The OtterStorage guide's order: Access keys tab -> "Create access key" -> optionally a label -> the pair.
    // The button starts the flow and issues nothing by itself.
    await page.getByRole("button", { name: "Create access key" }).click();
    await page.getByRole("heading", { name: "Create access key" }).waitFor();
    assert.equal((await control(svc).get("/v1/buckets/console-demo/access-keys")).body.accessKeys.length, 0, "clicking Create access key alone issues no key");
    const labelField = page.getByLabel("Label (optional)");
    assert.match((await labelField.getAttribute("placeholder")) ?? "", /backups-restic.*ci-deploy/, "the guide's examples");
    await shot("create-access-key");
    await labelField.fill("ci-deploy");
    await page.getByRole("button", { name: "Create", exact: true }).click();

    const panel = page.getByRole("region", { name: /Access key created/ });
    await panel.waitFor();
    const id = (await definition(panel, "Access key ID").innerText()).trim();
    const secret = (await definition(panel, "Secret access key").innerText()).trim();
    assert.match(id, /^OTTR[A-Z0-9]{16}$/);
    assert.match(secret, /^[A-Za-z0-9]{40}$/, "a 40-character secret");
    assert.equal((await definition(panel, "Bucket").innerText()).trim(), "console-demo");
    assert.equal((await definition(panel, "Endpoint").innerText()).trim(), svc.s3Url);
    assert.equal((await definition(panel, "Region").innerText()).trim(), "eu-mad");
    assert.match(await panel.innerText(), /The secret access key is shown only once\./);
    assert.match(await panel.innerText(), /cannot show it to you again/);
    const profile = await panel.getByRole("heading", { name: "AWS CLI profile (Option A)" }).locator("xpath=following-sibling::pre[1]").innerText();
    assert.ok(profile.includes(`[profile otter]\nregion = eu-mad\noutput = json\nendpoint_url = ${svc.s3Url}`), profile);
    assert.ok(profile.includes(`aws_secret_access_key = ${secret}`));
    const envText = await panel.getByRole("heading", { name: "Environment variables (Option B)" }).locator("xpath=following-sibling::pre[1]").innerText();
    assert.ok(envText.includes(`export AWS_SECRET_ACCESS_KEY="${secret}"`) && envText.includes(`export AWS_ENDPOINT_URL="${svc.s3Url}"`), envText);
    await shot("access-keys-new-key");
    if (process.env.UPDATE_SCREENSHOTS) {
      await page.screenshot({ path: path.join(__dirname, "..", "..", "docs", "img", "console-access-keys.png"), fullPage: true });
    }
    await panel.getByRole("button", { name: "Copy secret access key" }).click();
    assert.equal(await page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText()), secret, "the copy button copies the secret");
    const keyRow = page.getByRole("row", { name: /ci-deploy/ });
    assert.match(await keyRow.innerText(), new RegExp(id));
    const oldRow = page.getByRole("row", { name: /backups-restic/ });
    assert.equal(await oldRow.count(), 0, "the other bucket's keys are not listed here");
    const issued = (await control(svc).get("/v1/buckets/console-demo/access-keys")).body.accessKeys;
    assert.deepEqual(issued.map((k: { label: string | null }) => k.label), ["ci-deploy"], "a user following the guide ends with one key, labelled");

    if (hasAws) {
      const env = awsEnv({ accessKeyId: id, secretAccessKey: secret });
      const file = path.join(shots, "hello.txt");
      fs.writeFileSync(file, "hello from the console\n");
      const cp = await runCommand("aws", ["--endpoint-url", svc.s3Url, "s3", "cp", file, "s3://console-demo/hello.txt"], env);
      assert.equal(cp.code, 0, cp.stderr);
      const ls = await runCommand("aws", ["--endpoint-url", svc.s3Url, "s3", "ls", "s3://console-demo"], env);
      assert.equal(ls.code, 0, ls.stderr);
      assert.match(ls.stdout, /hello\.txt/);
    } else {
      console.log("      note: the AWS CLI is absent; the key is checked by the console's own listing only");
    }

    await page.reload();
    await page.getByRole("heading", { name: "console-demo" }).waitFor();
    assert.equal(await page.getByRole("region", { name: /Access key created/ }).count(), 0, "a reload shows no secret panel");
    assert.ok(!(await page.content()).includes(secret), "the secret is nowhere in the reloaded page");
    assert.equal(await page.getByRole("row", { name: /ci-deploy/ }).count(), 1, "still exactly one key: the reload issued none");
    if (hasAws) {
      const lastUsed = await page.getByRole("row", { name: /ci-deploy/ }).getByRole("cell").nth(2).innerText();
      assert.match(lastUsed, /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/, "Last used shows the AWS CLI's use");
    }
    await shot("access-keys");

    await page.getByRole("row", { name: /ci-deploy/ }).getByRole("button", { name: /^Revoke/ }).click();
    const confirm = page.getByRole("heading", { level: 1 });
    assert.equal(await confirm.innerText(), `Revoke access key ${id} (label ci-deploy)?`);
    await shot("revoke-confirm");
    await page.getByRole("button", { name: "Revoke", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Access key revoked" }).waitFor();
    assert.equal(await page.getByRole("row", { name: /ci-deploy/ }).count(), 0);
    if (hasAws) {
      const ls = await runCommand("aws", ["--endpoint-url", svc.s3Url, "s3", "ls", "s3://console-demo"], awsEnv({ accessKeyId: id, secretAccessKey: secret }));
      assert.notEqual(ls.code, 0, "the revoked key is refused");
      assert.match(ls.stderr, /InvalidAccessKeyId/);
    }
    const logs = logLines.join("");
    assert.ok(logs.includes("POST /console/buckets/console-demo/keys 201"), "the console's requests are logged");
    assert.ok(!logs.includes(secret) && !logs.includes(token), "neither the secret nor the account token reached the log");
  });

  it("temporary credentials with a duration picker: shown once, they work with the AWS CLI", async () => {
    await page.goto(`${svc.consoleUrl}buckets/console-demo`);
    await page.getByLabel("Duration").selectOption({ label: "15 minutes" });
    await page.getByRole("button", { name: "Create temporary credentials" }).click();
    const panel = page.getByRole("region", { name: "Temporary credentials created" });
    await panel.waitFor();
    const c = { accessKeyId: (await definition(panel, "Access key ID").innerText()).trim(), secretAccessKey: (await definition(panel, "Secret access key").innerText()).trim(), sessionToken: (await definition(panel, "Session token").innerText()).trim() };
    assert.match(c.accessKeyId, /^STS/);
    const expires = Date.parse((await panel.getByRole("term").filter({ hasText: /^Expires$/ }).locator("xpath=following-sibling::dd[1]").innerText()).replace(" UTC", "Z").replace(" ", "T"));
    assert.ok(Math.abs(expires - (Date.now() + 900_000)) < 120_000, "expires in about 15 minutes");
    if (hasAws) {
      const ls = await runCommand("aws", ["--endpoint-url", svc.s3Url, "s3", "ls", "s3://console-demo"], awsEnv(c));
      assert.equal(ls.code, 0, ls.stderr);
    }
    await page.reload();
    assert.equal(await page.getByRole("region", { name: "Temporary credentials created" }).count(), 0);
  });

  it("a 65-character label shows the Control API's error next to the field, and issues nothing", async () => {
    await page.goto(`${svc.consoleUrl}buckets/console-demo`);
    const before = (await control(svc).get("/v1/buckets/console-demo/access-keys")).body.accessKeys.length;
    await page.getByRole("button", { name: "Create access key" }).click();
    await page.getByLabel("Label (optional)").fill("a".repeat(65));
    await page.getByRole("button", { name: "Create", exact: true }).click();
    const field = page.getByLabel("Label (optional)");
    await page.getByText("Label: must be at most 64 characters").waitFor();
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    const describedBy = await field.getAttribute("aria-describedby");
    assert.equal((await page.locator(`[id="${describedBy}"]`).innerText()).trim(), "Label: must be at most 64 characters");
    assert.equal(await field.inputValue(), "a".repeat(65), "the value is kept for correction");
    assert.equal(await page.getByRole("region", { name: /Access key created/ }).count(), 0);
    assert.equal((await control(svc).get("/v1/buckets/console-demo/access-keys")).body.accessKeys.length, before);
    await shot("label-error");
  });

  it("a form post without the CSRF token (or with a wrong one) is refused and changes nothing", async () => {
    // The real form, with its hidden CSRF field removed before submitting.
    await page.goto(`${svc.consoleUrl}buckets/new`);
    await page.getByLabel("Name").fill("csrf-missing");
    await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { querySelector(s: string): { remove(): void } | null } }).document;
      d.querySelector('main form input[name="_csrf"]')?.remove();
    });
    await page.getByRole("button", { name: "Create bucket" }).click();
    await page.getByRole("heading", { name: "Refused" }).waitFor();
    assert.match(await page.getByRole("alert").innerText(), /did not carry the console's CSRF token/);
    await shot("csrf-refused");
    assert.equal((await control(svc).get("/v1/buckets/csrf-missing")).status, 404);
    // The session cookie rides along (page.request shares the context), but the token is wrong.
    const wrong = await page.request.post(`${svc.consoleUrl}buckets`, { form: { name: "csrf-wrong", _csrf: "not-the-token" }, maxRedirects: 0 });
    assert.equal(wrong.status(), 403);
    assert.equal((await control(svc).get("/v1/buckets/csrf-wrong")).status, 404);
    // A cross-site form post: refused on Origin before anything else.
    const res = await page.request.post(`${svc.consoleUrl}buckets`, { form: { name: "cross-site" }, headers: { origin: "http://evil.example" }, maxRedirects: 0 });
    assert.equal(res.status(), 403);
    assert.equal((await control(svc).get("/v1/buckets/cross-site")).status, 404);
  });

  it("re-posting a Create access key form (a reload of its answer) issues no second key and shows no secret", async () => {
    await page.goto(`${svc.consoleUrl}buckets/console-demo`);
    await page.getByRole("button", { name: "Create access key" }).click();
    const form = page.locator("form", { has: page.getByRole("button", { name: "Create", exact: true }) });
    const fields = { _csrf: await form.locator('input[name="_csrf"]').inputValue(), _once: await form.locator('input[name="_once"]').inputValue(), label: "twice" };
    const first = await page.request.post(`${svc.consoleUrl}buckets/console-demo/keys`, { form: fields, maxRedirects: 0 });
    assert.equal(first.status(), 201);
    assert.equal(first.headers()["cache-control"], "no-store");
    assert.match(await first.text(), /Access key created \(twice\)/);
    const again = await page.request.post(`${svc.consoleUrl}buckets/console-demo/keys`, { form: fields, maxRedirects: 0 });
    assert.equal(again.status(), 303);
    assert.match(again.headers().location, /notice=resubmitted$/);
    const keys = (await control(svc).get("/v1/buckets/console-demo/access-keys")).body.accessKeys.filter((k: { label: string }) => k.label === "twice");
    assert.equal(keys.length, 1);
  });

  it("relabel, the Settings tab (versioning, legal hold, lifecycle rules) and the Keys page with the audit's flags", async () => {
    await page.goto(`${svc.consoleUrl}buckets/backups`);
    const unlabelled = page.getByRole("row", { name: /none/ });
    assert.match(await unlabelled.innerText(), /Unlabelled/);
    assert.match(await unlabelled.innerText(), /Older than 90 days: rotate/);
    assert.match(await page.getByRole("row", { name: /backups-restic/ }).innerText(), /100 d[\s\S]*Older than 90 days: rotate[\s\S]*Unused for 30\+ days/);
    const id = (await unlabelled.getByRole("rowheader").innerText()).trim();
    await page.getByLabel(`New label for ${id}`).fill("app-web");
    await page.getByRole("button", { name: `Save label of ${id}` }).click();
    await page.getByRole("status").filter({ hasText: "Label saved." }).waitFor();
    assert.equal((await control(svc).get(`/v1/buckets/backups/access-keys/${id}`)).body.label, "app-web");
    await shot("access-keys-flags");

    await page.getByRole("link", { name: "Settings" }).click();
    assert.equal(await page.getByRole("combobox", { name: "Versioning" }).inputValue(), "Enabled");
    assert.match(await page.getByRole("table", { name: "Lifecycle rules of backups" }).innerText(), /expire-tmp\s+Enabled\s+tmp\/\s+7 d/);
    await page.getByRole("combobox", { name: "Versioning" }).selectOption("Suspended");
    await page.getByRole("button", { name: "Save versioning" }).click();
    await page.getByRole("status").filter({ hasText: "Setting saved." }).waitFor();
    assert.equal((await control(svc).get("/v1/buckets/backups")).body.versioning, "Suspended");
    await page.getByRole("checkbox", { name: "Legal hold" }).check();
    await page.getByRole("button", { name: "Save legal hold" }).click();
    await page.getByRole("status").filter({ hasText: "Setting saved." }).waitFor();
    assert.equal((await control(svc).get("/v1/buckets/backups")).body.legalHold, true);
    await shot("settings");
    // Under legal hold the Control API refuses new keys; the console shows its wording.
    await page.getByRole("link", { name: "Access keys" }).click();
    await page.getByRole("button", { name: "Create access key" }).click();
    await page.getByRole("button", { name: "Create", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: /legal hold/i }).waitFor();

    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Keys" }).click();
    await page.getByRole("heading", { name: "Keys", exact: true }).waitFor();
    assert.match(await page.getByRole("row", { name: /backups-restic/ }).innerText(), /Older than 90 days: rotate/);
    await page.getByLabel("Rotation age (days)").fill("200");
    await page.getByRole("button", { name: "Apply" }).click();
    assert.doesNotMatch(await page.getByRole("row", { name: /backups-restic/ }).innerText(), /Older than/);
    await page.getByLabel("Rotation age (days)").fill("soon");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("Rotation age (days): must be a number of days >= 0 (e.g. 90); got 'soon'").waitFor();
    await shot("keys");
  });

  it("a wrong token is refused at sign-in; sign-out ends the session", async () => {
    const other = await context.browser()?.newContext() ?? null;
    const p2 = other ? await other.newPage() : await context.newPage();
    if (!other) await context.clearCookies();
    await signIn(p2, "wrong-token-123456");
    await p2.getByText("Account token: is not valid").waitFor();
    assert.equal(await p2.getByLabel("Account token").getAttribute("aria-invalid"), "true");
    assert.deepEqual((await (other ?? context).cookies(svc.consoleUrl!)).filter((c) => c.name === "otterstorage_console"), [], "no session for a wrong token");
    await shot("sign-in-refused", p2);
    const direct = await p2.request.post(`${svc.consoleUrl}sign-in`, { form: { token: token }, maxRedirects: 0 });
    assert.equal(direct.status(), 403, "even the right token is refused without the sign-in form's CSRF value");
    await p2.close();
    await other?.close();
    if (!other) await signIn(page, token); // a persistent context has no browser() to open a second context with

    await page.goto(svc.consoleUrl!);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.goto(`${svc.consoleUrl}keys`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
  });
});
