/**
 * Fault injection for Local OtterStorage (tests only): a seeded, per-route mix of 429 with Retry-After, 500, 503,
 * connection resets and added latency, in front of the Control API and/or the S3 plane.
 *
 *   startOtterStorage({ faults: { seed: 7, rules: [
 *     { route: "POST /v1/buckets/:bucket/access-keys", p429: 0.1, p500: 0.05, pReset: 0.05, pResetAfter: 0.05, latencyMs: [0, 20] },
 *     { route: "PUT /:bucket/*", plane: "s3", p503: 0.1 },
 *   ] } })
 *   otterstorage-local --faults faults.json        (the same object as JSON)
 *
 * It is a loopback proxy, not a hook inside the handlers, so the service under test runs unchanged: a fault the
 * proxy answers itself ("pre": p429, p500, p503, pReset) never reached the service; a "post" fault (pResetAfter,
 * p500After) is decided before forwarding, the service processes the request completely, and then the client gets
 * a reset connection or a 500 instead of the answer. Post faults are the case Idempotency-Key exists for: the
 * create happened, the client cannot know, and its retry must not create a second key.
 *
 * Route patterns: `<METHOD|*> <path>`, matched against the path without the query; `:name` is one segment, a final
 * `*` is anything (slashes included). The first matching rule of the request's plane applies. Decisions come from
 * a seeded PRNG (mulberry32) drawn in arrival order: a sequential client sees the same faults on every run.
 */
import * as http from "node:http";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { CONTROL_ERRORS, PROBLEM_CONTENT_TYPE, problemType } from "otterstorage-api";
import { listen } from "./listen";
import { Logger, silentLogger } from "./log";
import { S3_ERRORS } from "./s3/errors";

export type FaultPlane = "control" | "s3";
export type FaultKind = "429" | "500" | "503" | "reset" | "resetAfter" | "500After";

const prob = z.number({ error: "must be a probability, a number from 0 to 1" }).min(0, "must be a probability from 0 to 1").max(1, "must be a probability from 0 to 1");
const ms = z.number({ error: "must be milliseconds (a number >= 0)" }).int("must be whole milliseconds").min(0).max(60_000, "must be at most 60000 ms");

export const FaultRuleSchema = z
  .strictObject({
    route: z
      .string({ error: 'must be "<METHOD> <path pattern>", e.g. "POST /v1/buckets/:bucket/access-keys" or "* /v1/*"' })
      .regex(/^(\*|[A-Z]+) \/\S*$/, 'must be "<METHOD> <path pattern>", e.g. "POST /v1/buckets/:bucket/access-keys" or "* /v1/*"'),
    plane: z.enum(["control", "s3"], { error: 'must be "control" (default) or "s3"' }).default("control"),
    p429: prob.default(0),
    p500: prob.default(0),
    p503: prob.default(0),
    pReset: prob.default(0),
    pResetAfter: prob.default(0),
    p500After: prob.default(0),
    latencyMs: z.union([ms, z.tuple([ms, ms])], { error: "must be milliseconds or [min, max] milliseconds" }).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  })
  .refine((r) => r.p429 + r.p500 + r.p503 + r.pReset + r.pResetAfter + r.p500After <= 1 + 1e-9, {
    message: "p429 + p500 + p503 + pReset + pResetAfter + p500After must not exceed 1",
  })
  .refine((r) => !Array.isArray(r.latencyMs) || r.latencyMs[0] <= r.latencyMs[1], { message: "latencyMs [min, max] needs min <= max", path: ["latencyMs"] });

export const FaultOptionsSchema = z.strictObject({
  seed: z.number({ error: "must be an integer seed" }).int("must be an integer seed").default(1),
  rules: z.array(FaultRuleSchema, { error: "must be an array of rules" }).min(1, "needs at least one rule").max(100, "at most 100 rules"),
});

export type FaultRule = z.input<typeof FaultRuleSchema>;
export type FaultOptions = z.input<typeof FaultOptionsSchema>;
type ParsedRule = z.output<typeof FaultRuleSchema>;

/** Thrown for an invalid faults configuration; the message names each bad field. */
export class FaultConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultConfigError";
  }
}

/** Validates a faults configuration (an object, or the text of a JSON file). */
export function parseFaults(input: unknown, source = "faults"): z.output<typeof FaultOptionsSchema> {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new FaultConfigError(`${source} is not valid JSON (${(e as Error).message}); write an object like {"seed": 1, "rules": [{"route": "POST /v1/buckets", "p500": 0.1}]}`);
    }
  }
  const r = FaultOptionsSchema.safeParse(value);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${[source, ...i.path].map((p, n) => (typeof p === "number" ? `[${p}]` : n ? `.${String(p)}` : String(p))).join("")}: ${i.message}`);
    throw new FaultConfigError(`invalid fault configuration: ${lines.join("; ")}`);
  }
  return r.data;
}

/** mulberry32: tiny, fast, good enough to spread faults; reproducible from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function compilePattern(route: string): { method: string; re: RegExp } {
  const sp = route.indexOf(" ");
  const method = route.slice(0, sp);
  const path = route.slice(sp + 1);
  const body = path
    .split("/")
    .map((seg, i, all) => {
      if (seg === "*" && i === all.length - 1) return ".*";
      if (seg.startsWith(":")) return "[^/]+";
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { method, re: new RegExp(`^${body}$`) };
}

export interface FaultDecision {
  kind: FaultKind | null;
  latencyMs: number;
  retryAfterSeconds: number;
  route: string;
}

export interface FaultStats {
  /** Requests that matched a rule. */
  matched: number;
  injected: Record<FaultKind, number>;
  /** Upstream answers marked `idempotent-replayed: true` (a retried create got its first answer again). */
  replayed: number;
}

/** The decision logic, apart from any socket: which rule matches, and which fault (if any) to inject. */
export class FaultInjector {
  readonly stats: FaultStats = { matched: 0, injected: { "429": 0, "500": 0, "503": 0, reset: 0, resetAfter: 0, "500After": 0 }, replayed: 0 };
  private readonly rules: Array<ParsedRule & { method: string; re: RegExp }>;
  private readonly random: () => number;

  constructor(opts: FaultOptions) {
    const parsed = parseFaults(opts);
    this.rules = parsed.rules.map((r) => ({ ...r, ...compilePattern(r.route) }));
    this.random = mulberry32(parsed.seed);
  }

  /** Whether any rule targets this plane (only those planes get a proxy). */
  covers(plane: FaultPlane): boolean {
    return this.rules.some((r) => r.plane === plane);
  }

  decide(plane: FaultPlane, method: string, path: string): FaultDecision | null {
    const rule = this.rules.find((r) => r.plane === plane && (r.method === "*" || r.method === method) && r.re.test(path));
    if (!rule) return null;
    this.stats.matched++;
    const x = this.random();
    const y = this.random();
    const lat = rule.latencyMs === undefined ? 0 : Array.isArray(rule.latencyMs) ? rule.latencyMs[0] + Math.floor(y * (rule.latencyMs[1] - rule.latencyMs[0] + 1)) : rule.latencyMs;
    const table: Array<[FaultKind, number]> = [["429", rule.p429], ["500", rule.p500], ["503", rule.p503], ["reset", rule.pReset], ["resetAfter", rule.pResetAfter], ["500After", rule.p500After]];
    let acc = 0;
    let kind: FaultKind | null = null;
    for (const [k, p] of table) {
      acc += p;
      if (x < acc) {
        kind = k;
        break;
      }
    }
    if (kind) this.stats.injected[kind]++;
    return { kind, latencyMs: lat, retryAfterSeconds: rule.retryAfterSeconds, route: rule.route };
  }
}

/** Control API codes of the injected statuses; their titles come from the catalogue (api/errors.ts). */
const CONTROL_CODES = { "429": "RateLimited", "500": "InternalError", "503": "ServiceUnavailable" } as const;
/** SlowDown and ServiceUnavailable are AWS's throttling answers; the service itself never sends them. */
const S3_ANSWERS = {
  "429": { code: "SlowDown", message: "Please reduce your request rate." },
  "500": { code: "InternalError", message: S3_ERRORS.InternalError.message },
  "503": { code: "ServiceUnavailable", message: "Service is unable to handle request." },
} as const;

/** The answer of an injected 429/500/503, in the plane's own error format. */
function sendFault(plane: FaultPlane, req: http.IncomingMessage, res: http.ServerResponse, status: 429 | 500 | 503, retryAfterSeconds: number): void {
  if (res.headersSent || res.destroyed) return;
  const requestId = "fault-" + randomBytes(6).toString("hex");
  const headers: Record<string, string | number> = { "cache-control": "no-store" };
  if (status !== 500) headers["retry-after"] = String(retryAfterSeconds);
  let body: string;
  if (plane === "control") {
    const code = CONTROL_CODES[status];
    headers["content-type"] = PROBLEM_CONTENT_TYPE;
    body = JSON.stringify({ type: problemType(code), title: CONTROL_ERRORS[code].title, status, detail: `Injected fault (Local OtterStorage faults option). Retry${status === 500 ? "" : ` after ${retryAfterSeconds} s`}.`, code, requestId });
  } else {
    const a = S3_ANSWERS[status];
    headers["content-type"] = "application/xml";
    headers["x-amz-request-id"] = requestId;
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${a.code}</Code><Message>${a.message}</Message><RequestId>${requestId}</RequestId></Error>`;
  }
  if (req.method === "HEAD") {
    res.writeHead(status, { ...headers, "content-length": 0 });
    res.end();
    return;
  }
  res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "trailer", "upgrade", "expect"]);

export interface FaultProxyOptions {
  plane: FaultPlane;
  /** The real listener, e.g. http://127.0.0.1:41234 */
  target: string;
  injector: FaultInjector;
  host?: string;
  port?: number;
  log?: Logger;
}

/**
 * A loopback reverse proxy that applies the injector's decisions. Headers (Host included, so SigV4 signatures stay
 * valid) and bodies pass through unchanged and streamed; nothing is buffered except a post fault's discarded answer.
 */
export async function startFaultProxy(opts: FaultProxyOptions): Promise<{ url: string; close(): Promise<void> }> {
  const { plane, injector } = opts;
  const log = opts.log ?? silentLogger;
  const t = new URL(opts.target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  const server = http.createServer({ requestTimeout: 0, keepAliveTimeout: 65_000 }, (req, res) => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const path = url.split("?")[0];
    const d = injector.decide(plane, method, path);
    const go = () => {
      if (d?.kind) log.info(`fault injected: ${d.kind}`, { plane, method, path, rule: d.route });
      switch (d?.kind) {
        case "reset":
          req.socket.destroy();
          return;
        case "429":
        case "500":
        case "503":
          req.resume();
          sendFault(plane, req, res, Number(d.kind) as 429 | 500 | 503, d.retryAfterSeconds);
          return;
      }
      const headers: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
      const up = http.request({ host: t.hostname, port: t.port, method, path: url, headers, agent }, (upRes) => {
        if (upRes.headers["idempotent-replayed"] === "true") injector.stats.replayed++;
        if (d?.kind === "resetAfter" || d?.kind === "500After") {
          // The service has answered: throw the answer away, then fail the client's connection or answer 500.
          upRes.resume();
          upRes.once("end", () => (d.kind === "resetAfter" ? req.socket.destroy() : sendFault(plane, req, res, 500, d.retryAfterSeconds)));
          upRes.once("error", () => req.socket.destroy());
          return;
        }
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(upRes.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
        res.writeHead(upRes.statusCode ?? 502, out);
        upRes.pipe(res);
        upRes.once("error", () => res.destroy());
      });
      up.once("error", () => {
        // The real listener failed the connection (e.g. it is shutting down): so does the proxy.
        req.socket.destroy();
      });
      req.once("error", () => up.destroy());
      res.once("close", () => {
        if (!res.writableFinished) up.destroy();
      });
      req.pipe(up);
    };
    if (d && d.latencyMs > 0) setTimeout(go, d.latencyMs);
    else go();
  });
  // A client that sends `Expect: 100-continue` gets its 100 from here; upstream never sees the header.
  const url = await listen(server, opts.port ?? 0, opts.host ?? "127.0.0.1");
  let closing: Promise<void> | undefined;
  return {
    url,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
}
