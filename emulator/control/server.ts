/**
 * Control API v1 server (fastify). Routes come from api/routes.ts as data; this module wires each operationId to
 * its handler and owns the cross-cutting parts in one place: rate limit -> bearer auth (onRequest, before the body
 * is read), JSON-only body parsing, zod validation naming each bad field, idempotent replays, the problem+json error
 * boundary, 404/405 for unknown routes, and one log line per request.
 */
import Fastify, { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import * as crypto from "crypto";
import type { AddressInfo } from "net";
import { ROUTES, RouteSpec, type OperationId } from "otterstorage-api";
import { PROBLEM_CONTENT_TYPE, ControlErrorCode, CONTROL_ERRORS, IDEMPOTENCY_WINDOW_SECONDS, buildOpenApi, CONTROL_API_VERSION } from "otterstorage-api";
import { isoTime } from "../clock";
import { checkLimits, DEFAULT_CONTROL_LIMITS, limitedServer, urlOf, type ListenerLimits } from "../listen";
import { Logger, silentLogger } from "../log";
import { Store, requestHash } from "../store";
import { StoreError } from "../store/errors";
import { safeEqual } from "../store/crypto";
import type { Answer, ControlContext, Handler, ObjectStats } from "./context";
import { ControlProblem, problemBody, validationFailed, zodFieldErrors } from "./problem";
import { FAILED_AUTH_SHARE, RateLimiter, RateLimitOptions } from "./ratelimit";
import * as buckets from "./buckets";
import * as keys from "./accessKeys";
import { ConsoleOptions, registerConsole } from "../console";

export interface ControlServerOptions {
  store: Store;
  objects: ObjectStats;
  /** The account token requests must present as `Authorization: Bearer <token>`. */
  token: string;
  /** S3 URL of this instance, reported as `endpoint`. A function, so it can be known after both listeners start. */
  s3Url: string | (() => string);
  region: string;
  host?: string;
  port?: number;
  log?: Logger;
  rateLimit?: RateLimitOptions;
  /** Largest accepted JSON body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Serve the web console (emulator/console/) under /console/. Off unless given. */
  console?: ConsoleOptions | false;
  /** Connection limits of this listener (emulator/listen.ts; defaults DEFAULT_CONTROL_LIMITS there). */
  limits?: ListenerLimits;
}

export interface ControlServer {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

type HandledOperation = Exclude<OperationId, "getHealth" | "getOpenApi">;

/** Each entry is typed from its own route (a handler for the wrong route's shapes does not compile). */
const HANDLERS: { [Op in HandledOperation]: Handler<Op> } = {
  createBucket: buckets.createBucket,
  listBuckets: buckets.listBuckets,
  getBucket: buckets.getBucket,
  updateBucket: buckets.updateBucket,
  deleteBucket: buckets.deleteBucket,
  createAccessKey: keys.createAccessKey,
  listAccessKeys: keys.listAccessKeys,
  getAccessKey: keys.getAccessKey,
  updateAccessKey: keys.updateAccessKey,
  revokeAccessKey: keys.revokeAccessKey,
  createTemporaryCredentials: keys.createTemporaryCredentials,
};

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;
const ROUTE_PATTERNS: Array<{ method: string; re: RegExp }> = (ROUTES as readonly RouteSpec[]).map((r) => ({
  method: r.method,
  re: new RegExp("^" + r.path.replace(/:(\w+)/g, "[^/]+") + "$"),
}));

declare module "fastify" {
  interface FastifyRequest {
    problemCode?: string;
  }
}

/**
 * JSON bodies nested deeper than this are refused before parsing. No request shape of Control API v1 is deeper than
 * 4 levels; the walk over a parsed body (protoKeyPaths) and zod recurse, and 20,000 levels overflowed the stack.
 */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of objects and arrays in a JSON text (strings skipped), counted without recursion. */
function jsonDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
      if (max > stopAt) return max;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function isExpiredCredentialAnswer(body: string, now: number): boolean {
  try {
    const expiresAt = (JSON.parse(body) as { expiresAt?: unknown }).expiresAt;
    return typeof expiresAt === "string" && Date.parse(expiresAt) <= now;
  } catch {
    return false;
  }
}

/**
 * Paths ("tags.__proto__") of every own "__proto__" key nested in a parsed JSON value. At the top level the strict
 * request schemas already name it as an unknown field.
 */
function protoKeyPaths(v: unknown, at = "", out: string[] = []): string[] {
  if (v === null || typeof v !== "object" || out.length > 20) return out;
  for (const k of Object.keys(v)) {
    const p = at ? `${at}.${k}` : k;
    if (k === "__proto__" && at) out.push(p);
    else protoKeyPaths((v as Record<string, unknown>)[k], p, out);
  }
  return out;
}

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const log = opts.log ?? silentLogger;
  const store = opts.store;
  const s3Url = typeof opts.s3Url === "function" ? opts.s3Url : () => opts.s3Url as string;
  const ctx: ControlContext = { store, objects: opts.objects, s3Url, region: opts.region };
  const limiter = opts.rateLimit ? new RateLimiter(opts.rateLimit, store.clock) : undefined;
  const anonymousLimiter = opts.rateLimit
    ? new RateLimiter({ requestsPerSecond: Math.max(1, opts.rateLimit.requestsPerSecond * FAILED_AUTH_SHARE) }, store.clock)
    : undefined;
  const openApi = JSON.stringify(buildOpenApi());
  const windowMs = IDEMPOTENCY_WINDOW_SECONDS * 1000;

  /** Set once the console is registered: does the request carry a signed-in console session (the account's)? */
  let consoleSession: (req: FastifyRequest) => boolean = () => false;
  const bearerOk = (req: FastifyRequest): boolean => {
    const h = req.headers.authorization;
    const m = typeof h === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    return m !== null && safeEqual(m[1], opts.token);
  };
  /**
   * Takes one request from its budget: the account token's own (a signed-in console session is the account too),
   * or the smaller one every other request shares, so nobody without the token can lock the account's clients out
   * or guess the token quickly. Throws 429 RateLimited (Retry-After) when the budget is spent.
   */
  const spend = (req: FastifyRequest, reply: FastifyReply, authorized: boolean): void => {
    if (!limiter || !anonymousLimiter) return;
    const account = authorized || consoleSession(req);
    const wait = (account ? limiter : anonymousLimiter).take();
    if (wait > 0) {
      reply.header("retry-after", String(wait)); // also on the console's HTML error page
      throw new ControlProblem("RateLimited", `Too many requests${account ? "" : " without a valid account token"}; retry after ${wait} s.`, undefined, { "retry-after": String(wait) });
    }
  };

  const limits = checkLimits(opts.limits, DEFAULT_CONTROL_LIMITS, "controlLimits");
  const app = Fastify({
    logger: false,
    // The S3 listener's slow-request limits (head deadline, idle timeout, connection cap) plus a whole-request
    // deadline: fastify's own options do not cover the head deadline or the cap.
    serverFactory: (handler) => limitedServer(limits, handler),
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    genReqId: () => crypto.randomBytes(8).toString("hex"),
    forceCloseConnections: true,
    // Our own 503 below, as problem+json like every other error.
    return503OnClosing: false,
    // Errors fastify raises before routing (a path with broken percent-encoding) bypass setErrorHandler.
    frameworkErrors: (err, req, reply) => {
      reply.header("x-request-id", req.id);
      // Answered before routing (so before the onRequest hook): still under the rate limit.
      try {
        spend(req, reply, bearerOk(req));
      } catch (e) {
        const p = e as ControlProblem;
        return void sendProblem(req, reply, p.code, p.detail, undefined, p.headers);
      }
      const bad = (err as { code?: string }).code === "FST_ERR_BAD_URL";
      // FST_ERR_MAX_PARAM_LENGTH: a path segment over fastify's 100 characters (names are <= 63, ids 20).
      const long = (err as { code?: string }).code === "FST_ERR_MAX_PARAM_LENGTH";
      void sendProblem(
        req, reply, "ValidationFailed",
        bad ? "The request path is not valid percent-encoding. Encode bucket names and ids with encodeURIComponent."
          : long ? "A path segment is longer than 100 characters. Bucket names are 3 to 63 characters and access key ids 20; check the URL."
          : "The request could not be routed.",
        bad ? [{ path: "path", message: "is not valid percent-encoding" }] : long ? [{ path: "path", message: "has a segment longer than 100 characters" }] : undefined,
      );
    },
  });
  let closing = false;

  app.decorateRequest("problemCode", undefined);

  // JSON only. Anything else with a body is 415 (fastify's FST_ERR_CTP_INVALID_MEDIA_TYPE).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(["application/json", "application/merge-patch+json"], { parseAs: "string" }, (_req, raw, done) => {
    const text = String(raw);
    if (text.trim() === "") return done(null, undefined);
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      return done(new ControlProblem("MalformedJson", `The body nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep; no Control API request needs more than a few. Send a flatter JSON object.`), undefined);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      // Node's JSON.parse message quotes a slice of the input, which may hold a secret: report the position only.
      const at = /position (\d+)/.exec((e as Error).message)?.[1];
      return done(new ControlProblem("MalformedJson", `The body is not valid JSON${at ? ` (error at character ${at})` : ""}. Send a JSON object.`), undefined);
    }
    // JSON.parse keeps "__proto__" as a plain key, but any JavaScript object it is copied into (zod's record, a
    // spread) turns it into the prototype: a tag named __proto__ vanished without an error. Refuse it by path.
    const reserved = protoKeyPaths(parsed);
    if (reserved.length) {
      return done(validationFailed(reserved.map((path) => ({ path, message: "'__proto__' is reserved and cannot be used as a key (e.g. a tag name); choose another key" }))), undefined);
    }
    done(null, parsed);
  });

  const sendProblem = (req: FastifyRequest, reply: FastifyReply, code: ControlErrorCode, detail: string, errors?: StoreError["errors"], headers?: Record<string, string>) => {
    req.problemCode = code;
    if (headers) for (const [k, v] of Object.entries(headers)) reply.header(k, v);
    return reply
      .code(CONTROL_ERRORS[code].status)
      .header("content-type", PROBLEM_CONTENT_TYPE)
      .header("cache-control", "no-store")
      .send(JSON.stringify(problemBody(code, detail, req.id, errors)));
  };

  app.setErrorHandler((err: unknown, req, reply) => {
    if (err instanceof StoreError) {
      return sendProblem(req, reply, err.code, err.detail, err.errors, err instanceof ControlProblem ? err.headers : undefined);
    }
    const fe = err as { code?: string; statusCode?: number; message?: string };
    if (fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return sendProblem(req, reply, "UnsupportedMediaType", `Content-Type '${String(req.headers["content-type"] ?? "").slice(0, 100)}' is not accepted. Send the body as application/json.`);
    }
    if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") return sendProblem(req, reply, "PayloadTooLarge", "The body is larger than this service accepts (1 MiB). Send a smaller request.");
    if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
      return sendProblem(req, reply, "ValidationFailed", `The request could not be read: ${String(fe.message ?? "bad request").slice(0, 200)}`);
    }
    log.error(`control request ${req.id} failed`, err);
    return sendProblem(req, reply, "InternalError", `The service failed to answer. Retry; if it persists, look for request ${req.id} in the service log.`);
  });

  app.setNotFoundHandler((req, reply) => {
    const pathOnly = req.url.split("?")[0];
    const allowed = ROUTE_PATTERNS.filter((p) => p.re.test(pathOnly)).map((p) => p.method);
    if (allowed.length) {
      if (allowed.includes("GET")) allowed.push("HEAD");
      return sendProblem(req, reply, "MethodNotAllowed", `${req.method} is not allowed on ${pathOnly}; use ${[...new Set(allowed)].join(", ")}.`, undefined, {
        allow: [...new Set(allowed)].join(", "),
      });
    }
    return sendProblem(req, reply, "RouteNotFound", `There is no route ${pathOnly}. See GET /v1/openapi.json for the routes of Control API v1.`);
  });

  // The rate limit of the request's credential, then the auth check: both before the body is parsed, and for every
  // request of this listener — routes, the console (its sign-in included), unknown paths and wrong methods — so
  // nothing without the account token escapes the anonymous budget.
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
    if (closing) throw new ControlProblem("ServiceUnavailable", "The service is shutting down. Retry against a running instance.", undefined, { "retry-after": "1", connection: "close" });
    const spec = (req.routeOptions.config as { spec?: RouteSpec } | undefined)?.spec;
    const h = req.headers.authorization;
    const authorized = bearerOk(req);
    // Never limited: health checks (probes poll them) and the console's static assets (route config `unlimited`);
    // they reveal nothing and change nothing.
    const unlimited = spec?.operationId === "getHealth" || (req.routeOptions.config as { unlimited?: boolean } | undefined)?.unlimited === true;
    if (!unlimited) spend(req, reply, authorized);
    if (!spec?.auth) return;
    if (!authorized) {
      throw new ControlProblem(
        "Unauthorized",
        h ? "The account token is not valid. Send Authorization: Bearer <account token> with the token printed on start (or OTTERSTORAGE_TOKEN)." : "Send Authorization: Bearer <account token>.",
        undefined,
        { "www-authenticate": 'Bearer realm="otterstorage"' },
      );
    }
  });

  app.addHook("onResponse", async (req, reply) => {
    const spec = (req.routeOptions.config as { spec?: RouteSpec }).spec;
    log.request({ plane: "control", method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime, requestId: req.id, operation: spec?.operationId, code: req.problemCode });
  });

  for (const spec of ROUTES as readonly RouteSpec[]) {
    app.route({
      method: spec.method,
      url: spec.path,
      config: { spec },
      handler: async (req, reply) => {
        reply.header("cache-control", "no-store");
        if (spec.operationId === "getHealth") {
          return reply.code(200).type("application/json").send(JSON.stringify({ status: "ok", version: CONTROL_API_VERSION, region: opts.region, time: isoTime(store.clock.now()) }));
        }
        if (spec.operationId === "getOpenApi") return reply.code(200).type("application/json").send(openApi);

        const params = req.params as Record<string, string>;
        let query: unknown = req.query;
        if (spec.query) {
          const q = spec.query.safeParse(req.query ?? {});
          if (!q.success) throw validationFailed(zodFieldErrors(q.error, "query"));
          query = q.data;
        }
        let body: unknown = undefined;
        if (spec.body) {
          let input = req.body;
          if (spec.operationId === "updateBucket" && input && typeof input === "object" && !Array.isArray(input) && "objectLock" in input) {
            throw new ControlProblem("ObjectLockImmutable", `Object lock of bucket '${params.bucket}' can only be set when the bucket is created. Remove objectLock from the PATCH; to change it, create a new bucket and copy the objects.`, [
              { path: "objectLock", message: "can only be set at creation" },
            ]);
          }
          if (input === undefined && spec.method === "POST" && spec.body.safeParse({}).success) input = {};
          const b = spec.body.safeParse(input);
          if (!b.success) throw validationFailed(zodFieldErrors(b.error));
          body = b.data;
        }

        // The one untyped step: `spec` is a route of the table and query/body were parsed above by its own schemas,
        // so the call has exactly the shape HANDLERS[spec.operationId] is typed for.
        const handler = HANDLERS[spec.operationId as HandledOperation] as unknown as (c: ControlContext, call: { params: Record<string, string>; query: unknown; body: unknown }) => Answer | Promise<Answer>;
        const call = { params, query, body };

        let answer: Answer;
        const idemKey = spec.idempotent ? req.headers["idempotency-key"] : undefined;
        if (idemKey !== undefined) {
          if (typeof idemKey !== "string" || !IDEMPOTENCY_KEY_RE.test(idemKey)) {
            throw validationFailed([{ path: "header.Idempotency-Key", message: "must be 1 to 255 visible ASCII characters (e.g. a UUID), sent once" }]);
          }
          // Everything from lookup to record is synchronous: no other request can interleave.
          const scope = `${spec.operationId}:${params.bucket ?? ""}`;
          const hash = requestHash({ params, body });
          let prior = store.idempotencyLookup(scope, idemKey, windowMs);
          // Temporary credentials live at most 12 h, the window 24 h: never replay credentials that have expired.
          if (prior && prior.requestHash === hash && isExpiredCredentialAnswer(prior.body, store.clock.now())) prior = undefined;
          if (prior) {
            if (prior.requestHash !== hash) {
              throw new ControlProblem("IdempotencyKeyReused", `Idempotency-Key '${idemKey.slice(0, 64)}' was already used with a different request body on this route. Use a new key for a different request.`);
            }
            return reply.code(prior.status).type("application/json").header("idempotent-replayed", "true").send(prior.body);
          }
          // One transaction for the create and its replay record: a crash in between must not leave a key that a
          // retry with the same Idempotency-Key would not find (and so duplicate).
          answer = store.db.transaction(() => {
            const a = handler(ctx, call);
            if (a instanceof Promise) throw new Error(`idempotent handler ${spec.operationId} must be synchronous`);
            if (a.status >= 200 && a.status < 300) {
              // Tied to the bucket the answer is about (createBucket: the new one), so deleting it drops the replay.
              const bucket = params.bucket ?? String((a.body as { name?: unknown } | undefined)?.name ?? "");
              store.idempotencyRecord({ scope, key: idemKey, requestHash: hash, status: a.status, body: JSON.stringify(a.body), bucket, credentialId: a.credentialId });
            }
            return a;
          })();
        } else {
          answer = await handler(ctx, call);
        }

        if (spec.response) {
          const check = spec.response.safeParse(answer.body);
          if (!check.success) throw new Error(`answer of ${spec.operationId} does not match its schema: ${check.error.issues.map((i) => i.path.join(".")).join(", ")}`);
        }
        reply.code(answer.status);
        if (answer.body === undefined) return reply.send();
        return reply.type("application/json").send(JSON.stringify(answer.body));
      },
    });
  }

  if (opts.console) consoleSession = registerConsole(app, { ...opts.console, token: opts.token, clock: store.clock, log }).hasSession;

  await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0 });
  return {
    url: urlOf(app.server.address() as AddressInfo),
    app,
    close: () => {
      closing = true;
      return app.close();
    },
  };
}
