/**
 * The web console of Local OtterStorage, served by the Control API's fastify instance under /console/ (a child
 * plugin, so its form parser, error and not-found handlers do not touch /v1). Every action goes through the Control
 * API itself (`app.inject` with the account token), so validation, logic and error wording have one source:
 * api/schemas.ts and the handlers in ../control/; a problem's `errors[]` is shown next to the field it names.
 *
 * Security: sign-in with the account token by POST (never in a URL), compared in constant time; a session cookie
 * (HttpOnly, SameSite=Strict, Path=/console); a per-session CSRF token on every state-changing form (the sign-in
 * form's is a double-submit cookie, against login CSRF), plus an Origin check; Cache-Control: no-store on every page; a strict Content-Security-Policy (no inline script or style).
 * A secret is rendered only in the answer to the POST that created it; a one-shot nonce per form makes a re-post
 * (a reload of that answer) issue nothing and show nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type * as s from "otterstorage-api";
import { CONTROL_ERRORS, ControlErrorCode, auditKeys, KeyFacts, parseDays } from "otterstorage-api";
import { pathOf, route, type OperationId } from "otterstorage-api";
import type { Clock } from "../clock";
import { Logger, silentLogger } from "../log";
import { safeEqual } from "../store/crypto";
import { StoreError } from "../store/errors";
import { CONSOLE_CSS, CONSOLE_JS } from "./assets";
import { Html } from "./html";
import * as p from "./pages";
import { parseCookies, randomToken, Session, Sessions, SESSION_COOKIE, SESSION_IDLE_MS, SIGN_IN_COOKIE } from "./session";

export interface ConsoleOptions {
  /** Keys older than this get the "rotate" badge. Default 90 days. */
  rotationAgeDays?: number;
  /** Keys unused for longer than this get the "unused" badge. Default 30 days. */
  unusedDays?: number;
}

export const DEFAULT_ROTATION_AGE_DAYS = 90;
export const DEFAULT_UNUSED_DAYS = 30;

interface Deps extends ConsoleOptions {
  token: string;
  clock: Clock;
  log?: Logger;
}

type Form = Record<string, string>;
interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

const CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const NOTICES: Record<string, string> = {
  resubmitted:
    "That form was already submitted. A secret access key is shown only once, in the answer to the first submission; if you did not copy it, create a new key and revoke the old one.",
  created: "Bucket created.",
  relabelled: "Label saved.",
  saved: "Setting saved.",
  revoked: "Access key revoked. Requests signed with it are refused from now on.",
};

/** API field path -> form field id, per form. */
const BUCKET_FIELDS: Record<string, string> = { name: "name", storageClass: "storageClass", versioning: "versioning", legalHold: "legalHold", "objectLock.mode": "objectLockMode", "objectLock.days": "objectLockDays", objectLock: "objectLockMode", region: "name" };

export function problemToErrors(answer: ApiAnswer<s.Problem>, fieldMap: Record<string, string>, codeField: Record<string, string> = {}): p.FormErrors {
  const errors = p.noErrors();
  const prob = answer.body;
  const list = prob?.errors ?? [];
  for (const e of list) {
    const id = Object.hasOwn(fieldMap, e.path) ? fieldMap[e.path] : undefined;
    if (id) errors.fields[id] = errors.fields[id] ? `${errors.fields[id]}; ${e.message}` : e.message;
    else errors.form.push(`${e.path}: ${e.message}`);
  }
  if (list.length === 0) {
    const id = prob?.code && Object.hasOwn(codeField, prob.code) ? codeField[prob.code] : undefined;
    if (id) errors.fields[id] = prob.detail;
    else errors.form.push(prob?.detail ?? `HTTP ${answer.status}`);
  }
  return errors;
}

/** What the control server needs from the console: whether a request carries a signed-in session (its rate budget). */
export interface ConsoleHandle {
  hasSession(req: FastifyRequest): boolean;
}

export function registerConsole(app: FastifyInstance, deps: Deps): ConsoleHandle {
  const sessions = new Sessions();
  const log = deps.log ?? silentLogger;
  const audit = { rotationAgeDays: deps.rotationAgeDays ?? DEFAULT_ROTATION_AGE_DAYS, unusedDays: deps.unusedDays ?? DEFAULT_UNUSED_DAYS };

  /** One Control API call, in-process, as the account. */
  /**
   * One Control API operation, in-process; method and path come from its route (api/routes.ts). `body` is what the
   * form sent, unvalidated: the route's own schema checks it, so the console shows the API's own field errors.
   */
  async function api<T = any>(op: OperationId, params: Record<string, string>, body?: unknown, query?: Record<string, string>): Promise<ApiAnswer<T>> {
    const path = pathOf(op, params as never); // a missing :name throws, naming it
    const res = await app.inject({
      method: route(op).method,
      url: query ? `${path}?${new URLSearchParams(query)}` : path,
      headers: { authorization: `Bearer ${deps.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      payload: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  }
  const ok = (a: ApiAnswer) => a.status >= 200 && a.status < 300;
  /** A failed read as the error page shows it: the problem's own code (e.g. RateLimited) and detail. */
  const failed = (a: ApiAnswer, what: string): StoreError => {
    const prob = a.body as s.Problem | undefined;
    const code = prob?.code && Object.hasOwn(CONTROL_ERRORS, prob.code) ? (prob.code as ControlErrorCode) : "InternalError";
    return new StoreError(code, `${what} failed: ${prob?.detail ?? `HTTP ${a.status}`}`);
  };

  async function allBuckets(): Promise<s.Bucket[]> {
    const out: s.Bucket[] = [];
    let cursor: string | null = null;
    do {
      const a: ApiAnswer<s.BucketList> = await api("listBuckets", {}, undefined, { limit: "1000", ...(cursor ? { cursor } : {}) });
      if (!ok(a)) throw failed(a, "listing the buckets");
      out.push(...a.body.buckets);
      cursor = a.body.nextCursor;
    } while (cursor);
    return out;
  }
  async function bucketKeys(bucket: string): Promise<s.AccessKey[]> {
    const out: s.AccessKey[] = [];
    let cursor: string | null = null;
    do {
      const a: ApiAnswer<s.AccessKeyList> = await api("listAccessKeys", { bucket }, undefined, { limit: "1000", ...(cursor ? { cursor } : {}) });
      if (!ok(a)) throw failed(a, `listing the keys of ${bucket}`);
      out.push(...a.body.accessKeys);
      cursor = a.body.nextCursor;
    } while (cursor);
    return out;
  }
  const facts = (k: s.AccessKey): KeyFacts => ({ accessKeyId: k.accessKeyId, bucket: k.bucket, label: k.label, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt });

  app.register(
    async (c) => {
      c.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_req, text, done) => {
        const form: Form = Object.create(null); // a field named __proto__ stays a field
        for (const [k, v] of new URLSearchParams(String(text))) form[k] = v;
        done(null, form);
      });

      /** A browser's Origin (sent on every form POST) must name this console; absent (curl, scripts) is allowed. */
      const sameOrigin = (req: FastifyRequest): boolean => {
        const origin = req.headers.origin;
        return origin === undefined || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`;
      };

      const sessionOf = (req: FastifyRequest): { id: string; s: Session } | undefined => {
        const id = parseCookies(req.headers.cookie)[SESSION_COOKIE];
        const sess = sessions.get(id);
        return sess && id ? { id, s: sess } : undefined;
      };

      const page = (reply: FastifyReply, status: number, body: Html) =>
        reply
          .code(status)
          .header("content-type", "text/html; charset=utf-8")
          .header("cache-control", "no-store")
          .header("content-security-policy", CSP)
          .header("x-frame-options", "DENY")
          .header("x-content-type-options", "nosniff")
          .header("referrer-policy", "same-origin") // "no-referrer" would make Chromium send `Origin: null` on our own form posts
          .send(body.text);
      const redirect = (reply: FastifyReply, to: string) => reply.code(303).header("location", to).header("cache-control", "no-store").send();

      c.setErrorHandler((err: unknown, req, reply) => {
        const sess = sessionOf(req);
        const ctx = { csrf: sess?.s.csrf };
        if (err instanceof StoreError) return page(reply, statusOf(err.code), p.errorPage(statusOf(err.code), err.code, err.detail, ctx));
        const fe = err as { code?: string; statusCode?: number; message?: string };
        if (fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") return page(reply, 415, p.errorPage(415, "Unsupported form", "The console accepts HTML form posts (application/x-www-form-urlencoded) only.", ctx));
        if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) return page(reply, fe.statusCode, p.errorPage(fe.statusCode, "Bad request", String(fe.message ?? "").slice(0, 200), ctx));
        log.error(`console request ${req.id} failed`, err);
        return page(reply, 500, p.errorPage(500, "Internal error", `The console failed to answer. Look for request ${req.id} in the service log.`, ctx));
      });
      c.setNotFoundHandler((req, reply) => page(reply, 404, p.errorPage(404, "Not found", `There is no console page ${req.url.split("?")[0]}.`, { csrf: sessionOf(req)?.s.csrf })));

      // Static and public: never rate limited (a browser loading the sign-in page must not spend its guesses on them).
      c.get("/assets/console.css", { config: { unlimited: true } }, (_req, reply) => reply.header("content-type", "text/css; charset=utf-8").header("cache-control", "no-cache").send(CONSOLE_CSS));
      c.get("/assets/console.js", { config: { unlimited: true } }, (_req, reply) => reply.header("content-type", "text/javascript; charset=utf-8").header("cache-control", "no-cache").send(CONSOLE_JS));

      /** A signed-in GET: the session's context, or a redirect to sign in. */
      const signedIn = (req: FastifyRequest, reply: FastifyReply): p.PageContext | undefined => {
        const sess = sessionOf(req);
        if (!sess) {
          void redirect(reply, `${p.BASE}/sign-in`);
          return undefined;
        }
        // Only the notices of the table: `?notice=constructor` must not reach Object.prototype.
        const asked = (req.query as Record<string, unknown> | undefined)?.notice;
        const notice = typeof asked === "string" && Object.hasOwn(NOTICES, asked) ? NOTICES[asked] : undefined;
        return { csrf: sess.s.csrf, notice };
      };

      /**
       * A signed-in, state-changing POST: a session, a same-origin Origin (when the browser sends one) and the
       * session's CSRF token in the form. Anything else is refused before any Control API call.
       */
      const guarded = (req: FastifyRequest, reply: FastifyReply): { s: Session; form: Form; ctx: p.PageContext } | undefined => {
        const sess = sessionOf(req);
        const form = (req.body && typeof req.body === "object" ? req.body : {}) as Form;
        if (!sameOrigin(req)) {
          void page(reply, 403, p.errorPage(403, "Refused", "This form was posted from another site (Origin does not match the console). Nothing was changed.", { csrf: sess?.s.csrf }));
          return undefined;
        }
        if (!sess) {
          void page(reply, 401, p.errorPage(401, "Signed out", "Your console session has ended (or never began). Sign in again; nothing was changed.", {}));
          return undefined;
        }
        if (!Sessions.csrfOk(sess.s, form._csrf)) {
          void page(reply, 403, p.errorPage(403, "Refused", "This form did not carry the console's CSRF token, so it may not come from this console. Nothing was changed; reload the page and submit again.", { csrf: sess.s.csrf }));
          return undefined;
        }
        return { s: sess.s, form, ctx: { csrf: sess.s.csrf } };
      };

      // --- sign-in / sign-out -------------------------------------------------------------------------------
      const cookie = (name: string, value: string, maxAge: number) => `${name}=${value}; Path=${p.BASE}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}`;
      /** The sign-in page with a fresh double-submit CSRF value (cookie + hidden field). */
      const signInForm = (reply: FastifyReply, status: number, errors: p.FormErrors) => {
        const pre = randomToken();
        reply.header("set-cookie", cookie(SIGN_IN_COOKIE, pre, 3600));
        return page(reply, status, p.signInPage(errors, pre));
      };
      c.get("/sign-in", (req, reply) => (sessionOf(req) ? redirect(reply, `${p.BASE}/`) : signInForm(reply, 200, p.noErrors())));
      c.post("/sign-in", (req, reply) => {
        const form = (req.body && typeof req.body === "object" ? req.body : {}) as Form;
        const pre = parseCookies(req.headers.cookie)[SIGN_IN_COOKIE];
        if (!sameOrigin(req) || !pre || typeof form._csrf !== "string" || !safeEqual(form._csrf, pre)) {
          return page(reply, 403, p.errorPage(403, "Refused", "This sign-in did not come from the console's sign-in form (its CSRF token is missing or wrong). Open the sign-in page and try again.", {}));
        }
        const token = typeof form.token === "string" ? form.token : "";
        if (!safeEqual(token, deps.token)) {
          const errors = p.noErrors();
          errors.fields.token = token ? "is not valid; use the token otterstorage-local printed on start (or OTTERSTORAGE_TOKEN)" : "is required";
          return signInForm(reply, 401, errors);
        }
        sessions.destroy(parseCookies(req.headers.cookie)[SESSION_COOKIE]); // a fresh id at every sign-in (no fixation)
        const id = sessions.create();
        reply.header("set-cookie", [cookie(SESSION_COOKIE, id, SESSION_IDLE_MS / 1000), cookie(SIGN_IN_COOKIE, "", 0)]);
        return redirect(reply, `${p.BASE}/`);
      });
      c.post("/sign-out", (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        sessions.destroy(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
        reply.header("set-cookie", cookie(SESSION_COOKIE, "", 0));
        return redirect(reply, `${p.BASE}/sign-in`);
      });

      // --- buckets ------------------------------------------------------------------------------------------
      c.get("/", async (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        const buckets = await allBuckets();
        const rows = [];
        for (const b of buckets) rows.push({ ...b, keyCount: (await bucketKeys(b.name)).length });
        return page(reply, 200, p.bucketListPage(ctx, rows));
      });

      c.get("/buckets/new", (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        return page(reply, 200, p.createBucketPage(ctx, {}, p.noErrors()));
      });

      c.post("/buckets", async (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        const f = g.form;
        const values: p.CreateBucketValues = { name: f.name ?? "", storageClass: f.storageClass, versioning: f.versioning, legalHold: f.legalHold === "on", objectLockMode: f.objectLockMode, objectLockDays: f.objectLockDays };
        const body: Record<string, unknown> = { name: values.name, storageClass: f.storageClass || undefined, legalHold: values.legalHold };
        if (f.versioning) body.versioning = f.versioning;
        if (f.objectLockMode || f.objectLockDays) body.objectLock = { mode: f.objectLockMode || undefined, days: /^\d+$/.test(f.objectLockDays ?? "") ? Number(f.objectLockDays) : f.objectLockDays || undefined };
        const a = await api("createBucket", {}, body);
        if (ok(a)) return redirect(reply, `${p.bucketUrl(a.body.name)}?notice=created`);
        return page(reply, a.status, p.createBucketPage(g.ctx, values, problemToErrors(a, BUCKET_FIELDS, { BucketAlreadyExists: "name" })));
      });

      // --- bucket page: Access keys tab ----------------------------------------------------------------------
      async function keysTab(reply: FastifyReply, ctx: p.PageContext, bucket: string, status: number, extra: Partial<p.KeysTabState>) {
        const b = await api<s.Bucket>("getBucket", { bucket });
        if (!ok(b)) return page(reply, b.status, p.errorPage(b.status, "No such bucket", (b.body as unknown as s.Problem).detail, ctx));
        const keys = await bucketKeys(bucket);
        const report = auditKeys(keys.map(facts), { now: deps.clock.now(), maxAgeDays: audit.rotationAgeDays, unusedDays: audit.unusedDays });
        return page(
          reply,
          status,
          p.keysTab(ctx, { bucket: b.body, keys: report.keys, audit, tempErrors: p.noErrors(), nonces: { temp: randomToken() }, ...extra }),
        );
      }

      /** "Create access key", step two: the label form (a fresh one-shot nonce each time it is shown). */
      async function newKeyForm(reply: FastifyReply, ctx: p.PageContext, bucket: string, status: number, st: { label?: string; errors: p.FormErrors }) {
        const b = await api<s.Bucket>("getBucket", { bucket });
        if (!ok(b)) return page(reply, b.status, p.errorPage(b.status, "No such bucket", (b.body as unknown as s.Problem).detail, ctx));
        return page(reply, status, p.newKeyPage(ctx, { bucket: b.body, nonce: randomToken(), ...st }));
      }

      c.get("/buckets/:bucket/keys/new", async (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        return newKeyForm(reply, ctx, (req.params as { bucket: string }).bucket, 200, { errors: p.noErrors() });
      });

      c.get("/buckets/:bucket", async (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        return keysTab(reply, ctx, (req.params as { bucket: string }).bucket, 200, {});
      });

      /** The one-shot nonce of a secret-issuing form: undefined = go on; otherwise the reply has been sent. */
      const once = (g: { s: Session; form: Form }, reply: FastifyReply, bucket: string): FastifyReply | undefined => {
        const nonce = g.form._once;
        if (!nonce || !/^[A-Za-z0-9_-]{20,100}$/.test(nonce)) return page(reply, 400, p.errorPage(400, "Bad form", "This form lacks its one-time field. Open the bucket's Access keys tab and submit again.", { csrf: g.s.csrf }));
        if (!Sessions.consumeNonce(g.s, nonce)) return redirect(reply, `${p.bucketUrl(bucket)}?notice=resubmitted`);
        return undefined;
      };

      c.post("/buckets/:bucket/keys", async (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        const bucket = (req.params as { bucket: string }).bucket;
        const done = once(g, reply, bucket);
        if (done) return done;
        const label = (g.form.label ?? "").trim();
        const a = await api<s.CreatedAccessKey>("createAccessKey", { bucket }, label ? { label } : {});
        if (!ok(a)) return newKeyForm(reply, g.ctx, bucket, a.status, { label: g.form.label, errors: problemToErrors(a as ApiAnswer<any>, { label: "label" }) });
        // The only answer that carries the secret: no-store (set by page()), and a reload lands on the plain GET.
        return keysTab(reply, { ...g.ctx, replaceUrl: p.bucketUrl(bucket) }, bucket, 201, { newKey: { key: a.body } });
      });

      c.post("/buckets/:bucket/temporary-credentials", async (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        const bucket = (req.params as { bucket: string }).bucket;
        const done = once(g, reply, bucket);
        if (done) return done;
        const raw = g.form.durationSeconds ?? "";
        const a = await api<s.TemporaryCredentials>("createTemporaryCredentials", { bucket }, { durationSeconds: /^\d+$/.test(raw) ? Number(raw) : raw });
        if (!ok(a)) return keysTab(reply, g.ctx, bucket, a.status, { tempErrors: problemToErrors(a as ApiAnswer<any>, { durationSeconds: "durationSeconds" }) });
        return keysTab(reply, { ...g.ctx, replaceUrl: p.bucketUrl(bucket) }, bucket, 201, { newTemp: { creds: a.body } });
      });

      c.post("/buckets/:bucket/keys/:id/label", async (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        const { bucket, id } = req.params as { bucket: string; id: string };
        const value = g.form.label ?? "";
        const a = await api("updateAccessKey", { bucket, accessKeyId: id }, { label: value.trim() === "" ? null : value.trim() });
        if (ok(a)) return redirect(reply, `${p.bucketUrl(bucket)}?notice=relabelled`);
        return keysTab(reply, g.ctx, bucket, a.status, { relabel: { id, value, errors: problemToErrors(a, { label: `label-${id}` }) } });
      });

      c.get("/buckets/:bucket/keys/:id/revoke", async (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        const { bucket, id } = req.params as { bucket: string; id: string };
        const a = await api<s.AccessKey>("getAccessKey", { bucket, accessKeyId: id });
        if (!ok(a)) return page(reply, a.status, p.errorPage(a.status, "No such access key", (a.body as unknown as s.Problem).detail, ctx));
        return page(reply, 200, p.revokeConfirmPage(ctx, bucket, a.body));
      });

      c.post("/buckets/:bucket/keys/:id/revoke", async (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        const { bucket, id } = req.params as { bucket: string; id: string };
        const a = await api("revokeAccessKey", { bucket, accessKeyId: id });
        if (!ok(a)) return page(reply, a.status, p.errorPage(a.status, "Not revoked", (a.body as s.Problem).detail, g.ctx));
        return redirect(reply, `${p.bucketUrl(bucket)}?notice=revoked`);
      });

      // --- bucket page: Settings tab -------------------------------------------------------------------------
      async function settingsTab(reply: FastifyReply, ctx: p.PageContext, bucket: string, status: number, errors: p.FormErrors) {
        const b = await api<s.Bucket>("getBucket", { bucket });
        if (!ok(b)) return page(reply, b.status, p.errorPage(b.status, "No such bucket", (b.body as unknown as s.Problem).detail, ctx));
        return page(reply, status, p.settingsTab(ctx, { bucket: b.body, errors }));
      }
      c.get("/buckets/:bucket/settings", async (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        return settingsTab(reply, ctx, (req.params as { bucket: string }).bucket, 200, p.noErrors());
      });
      c.post("/buckets/:bucket/settings", async (req, reply) => {
        const g = guarded(req, reply);
        if (!g) return reply;
        const bucket = (req.params as { bucket: string }).bucket;
        const f = g.form;
        let patch: Record<string, unknown>;
        if (f.setting === "versioning") patch = { versioning: f.versioning || undefined };
        else if (f.setting === "legalHold") patch = { legalHold: f.legalHold === "on" };
        else if (f.setting === "storageClass") patch = { storageClass: f.storageClass };
        else return settingsTab(reply, g.ctx, bucket, 400, { fields: {}, form: ["Unknown setting; use one of the forms on this page."] });
        const a = await api("updateBucket", { bucket }, patch);
        if (ok(a)) return redirect(reply, `${p.bucketUrl(bucket, "settings")}?notice=saved`);
        return settingsTab(reply, g.ctx, bucket, a.status, problemToErrors(a, { versioning: "versioning", legalHold: "legalHold", storageClass: "storageClass" }, { LegalHoldActive: f.setting }));
      });

      // --- Keys: every key of the account, flagged like `otterstorage audit` --------------------------------
      c.get("/keys", async (req, reply) => {
        const ctx = signedIn(req, reply);
        if (!ctx) return reply;
        const q = req.query as Record<string, string | string[] | undefined>;
        /** One value per field: a parameter given twice (`?max-age-days=1&max-age-days=2`) is a field error. */
        const days = (name: string, dflt: number): { raw: string; r: ReturnType<typeof parseDays> } => {
          const v = q[name];
          if (Array.isArray(v)) return { raw: v.join(","), r: { error: `is given ${v.length} times; give it once` } };
          const raw = v ?? String(dflt);
          return { raw, r: parseDays(raw) };
        };
        const maxAge = days("max-age-days", audit.rotationAgeDays);
        const unused = days("unused-days", audit.unusedDays);
        const values = { maxAge: maxAge.raw, unused: unused.raw };
        const [ma, un] = [maxAge.r, unused.r];
        const errors = p.noErrors();
        if ("error" in ma) errors.fields["max-age-days"] = ma.error;
        if ("error" in un) errors.fields["unused-days"] = un.error;
        const settings = { rotationAgeDays: "days" in ma ? ma.days : audit.rotationAgeDays, unusedDays: "days" in un ? un.days : audit.unusedDays };
        const keys: KeyFacts[] = [];
        for (const b of await allBuckets()) keys.push(...(await bucketKeys(b.name)).map(facts));
        const report = auditKeys(keys, { now: deps.clock.now(), maxAgeDays: settings.rotationAgeDays, unusedDays: settings.unusedDays });
        return page(reply, Object.keys(errors.fields).length ? 400 : 200, p.keysPage(ctx, report, settings, values, errors));
      });
    },
    { prefix: p.BASE },
  );
  return {
    hasSession: (req) => {
      const id = parseCookies(req.headers.cookie)[SESSION_COOKIE];
      return id !== undefined && sessions.peek(id);
    },
  };
}

function statusOf(code: string): number {
  return (CONTROL_ERRORS as Record<string, { status: number }>)[code]?.status ?? 500;
}
