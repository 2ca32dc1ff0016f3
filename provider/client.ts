/**
 * Control API v1 client (axios with keep-alive agents). Every answer is parsed with the api/ zod schemas; failures become one
 * OtterStorageError. Retries 429/5xx/network errors/timeouts with backoff + full jitter (provider/retry.ts),
 * honouring Retry-After, bounded by attempts and total time. Every create carries an Idempotency-Key that is
 * reused across its retries, so a create whose answer was lost is replayed by the service, not repeated.
 */
import * as http from "http";
import * as https from "https";
import { randomUUID } from "crypto";
import type { AxiosInstance } from "axios";
import { z } from "zod";
import { pathOf, route, type OperationId, type PathParams, type RequestBody, type ResponseBody, type Route, type RouteSpec } from "otterstorage-api";
import * as api from "otterstorage-api";
import { HINTS, isErrorCode, OtterStorageError, scrub, type OtterStorageErrorCode } from "./errors";
import { nextDelay, parseRetryAfter, policyFromEnv, RetryPolicy, isRetryableStatus } from "./retry";

export interface ClientOptions {
  endpoint: string;
  token: string;
  policy?: RetryPolicy;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

interface RequestSpec<T> {
  operation: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  schema?: z.ZodType<T>;
  idempotencyKey?: string;
}

export interface Answer<T> {
  data: T;
  status: number;
  /** How many attempts it took (1 = no retry). */
  attempts: number;
}

/** What the client needs of an HTTP answer. */
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  data: string;
}

const PROXY_ENV = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"];
const proxyConfigured = (): boolean => PROXY_ENV.some((k) => !!process.env[k]);
const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };

export class OtterStorageClient {
  readonly endpoint: string;
  readonly policy: RetryPolicy;
  private readonly token: string;
  private axiosInstance: AxiosInstance | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(opts: ClientOptions) {
    this.endpoint = opts.endpoint.replace(/\/+$/, "");
    this.token = opts.token;
    this.policy = opts.policy ?? policyFromEnv();
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  /**
   * One HTTP exchange, through one axios instance per client whose configuration is fixed up front, so each
   * request merges as little as possible: keep-alive agents, no redirects, our own JSON parsing, and no proxy
   * lookup per request unless an HTTP(S)_PROXY variable is set (then axios honours it as usual).
   */
  private async send(method: string, pathAndQuery: string, headers: Record<string, string>, data: string | undefined): Promise<RawResponse> {
    if (!this.axiosInstance) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const axios = require("axios") as typeof import("axios");
      this.axiosInstance = axios.default.create({
        baseURL: this.endpoint,
        timeout: this.policy.timeoutMs,
        validateStatus: () => true,
        maxRedirects: 0,
        httpAgent: agents.http,
        httpsAgent: agents.https,
        adapter: "http",
        ...(proxyConfigured() ? {} : { proxy: false as const }),
        // Parse JSON ourselves so a non-JSON body (a proxy's HTML 502) is an InvalidResponse, not a crash.
        transformResponse: [(d: unknown) => d],
        transformRequest: [(d: unknown) => d],
        responseType: "text",
      });
    }
    const res = await this.axiosInstance.request({ method, url: pathAndQuery, data, headers });
    return { status: res.status, headers: res.headers as RawResponse["headers"], data: String(res.data) };
  }

  /**
   * One operation of the route table (api/routes.ts): method, path, answer schema and whether it takes an
   * Idempotency-Key all come from the operation's route, so they are stated once, for service and client alike.
   * An idempotent create gets a fresh key unless the caller passes one (to reuse it across its own retries).
   */
  call<Op extends OperationId>(
    operationId: Op,
    params: PathParams<Route<Op>["path"]>,
    opts: { body?: RequestBody<Op>; query?: Record<string, string>; idempotencyKey?: string } = {},
  ): Promise<Answer<ResponseBody<Op>>> {
    const r: RouteSpec = route(operationId);
    return this.request({
      operation: operationId,
      method: r.method,
      path: pathOf(operationId, params),
      query: opts.query,
      body: opts.body,
      schema: r.response as z.ZodType<ResponseBody<Op>> | undefined,
      idempotencyKey: r.idempotent ? (opts.idempotencyKey ?? randomUUID()) : undefined,
    });
  }

  health(): Promise<Answer<api.Health>> {
    return this.call("getHealth", {});
  }

  /** The returned `attempts` lets the caller recognise "taken by our own earlier attempt" (see provider/bucket.ts). */
  createBucket(body: api.CreateBucketRequest, idempotencyKey?: string): Promise<Answer<api.Bucket>> {
    return this.call("createBucket", {}, { body, idempotencyKey });
  }
  listBuckets(cursor?: string, limit = 1000): Promise<Answer<api.BucketList>> {
    return this.call("listBuckets", {}, { query: { limit: String(limit), ...(cursor ? { cursor } : {}) } });
  }
  getBucket(name: string): Promise<Answer<api.Bucket>> {
    return this.call("getBucket", { bucket: name });
  }
  updateBucket(name: string, body: api.UpdateBucketRequest): Promise<Answer<api.Bucket>> {
    return this.call("updateBucket", { bucket: name }, { body });
  }
  deleteBucket(name: string, force = false): Promise<Answer<undefined>> {
    return this.call("deleteBucket", { bucket: name }, { query: force ? { force: "true" } : undefined });
  }
  createAccessKey(bucket: string, body: api.CreateAccessKeyRequest, idempotencyKey?: string): Promise<Answer<api.CreatedAccessKey>> {
    return this.call("createAccessKey", { bucket }, { body, idempotencyKey });
  }
  getAccessKey(bucket: string, id: string): Promise<Answer<api.AccessKey>> {
    return this.call("getAccessKey", { bucket, accessKeyId: id });
  }
  listAccessKeys(bucket: string, cursor?: string): Promise<Answer<api.AccessKeyList>> {
    return this.call("listAccessKeys", { bucket }, { query: cursor ? { cursor } : undefined });
  }
  updateAccessKey(bucket: string, id: string, body: api.UpdateAccessKeyRequest): Promise<Answer<api.AccessKey>> {
    return this.call("updateAccessKey", { bucket, accessKeyId: id }, { body });
  }
  revokeAccessKey(bucket: string, id: string): Promise<Answer<undefined>> {
    return this.call("revokeAccessKey", { bucket, accessKeyId: id });
  }
  createTemporaryCredentials(bucket: string, body: api.TemporaryCredentialsRequest, idempotencyKey?: string): Promise<Answer<api.TemporaryCredentials>> {
    return this.call("createTemporaryCredentials", { bucket }, { body, idempotencyKey });
  }

  /** One logical call: attempts until success, a non-retryable failure, or the policy's bounds. */
  async request<T>(spec: RequestSpec<T>): Promise<Answer<T>> {
    const started = Date.now();
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}`, Accept: "application/json" };
    if (spec.body !== undefined) headers["Content-Type"] = "application/json";
    if (spec.idempotencyKey) headers["Idempotency-Key"] = spec.idempotencyKey;
    const data = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const target = spec.query ? `${spec.path}?${new URLSearchParams(spec.query)}` : spec.path;
    for (let attempt = 1; ; attempt++) {
      let failure: OtterStorageError;
      let retryAfterMs: number | undefined;
      let retryable: boolean;
      try {
        const res = await this.send(spec.method, target, { ...headers }, data);
        if (res.status >= 200 && res.status < 300) return { data: this.parseOk(spec, res), status: res.status, attempts: attempt };
        failure = this.problem(spec.operation, res);
        retryable = isRetryableStatus(res.status);
        retryAfterMs = parseRetryAfter(res.headers["retry-after"] as string | undefined, Date.now());
      } catch (e) {
        if (e instanceof OtterStorageError) throw e;
        failure = this.networkError(spec.operation, e);
        retryable = true;
      }
      const wait = retryable ? nextDelay(this.policy, attempt, Date.now() - started, retryAfterMs, this.random) : undefined;
      if (wait === undefined) {
        if (attempt > 1 && retryable) {
          throw new OtterStorageError({
            code: failure.code,
            status: failure.status,
            operation: spec.operation,
            requestId: failure.requestId,
            detail: `${failure.detail.replace(/\.$/, "")} (gave up after ${attempt} attempts).`,
            hint: failure.hint,
            fieldErrors: failure.fieldErrors,
          });
        }
        failure.attempts = attempt;
        throw failure;
      }
      await this.sleep(wait);
    }
  }

  private parseOk<T>(spec: RequestSpec<T>, res: RawResponse): T {
    if (!spec.schema) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(String(res.data));
    } catch {
      throw this.invalid(spec.operation, res, "the body is not JSON");
    }
    const parsed = spec.schema.safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
      throw this.invalid(spec.operation, res, `the answer does not match the Control API v1 schema (${where})`);
    }
    return parsed.data;
  }

  private invalid(operation: string, res: RawResponse, why: string): OtterStorageError {
    return new OtterStorageError({ code: "InvalidResponse", status: res.status, operation, requestId: requestIdOf(res), detail: `${scrub(why, this.secretsOf(res))}.`, hint: HINTS.InvalidResponse });
  }

  /** What error text built from this answer must not show: the account token, and any secret the answer carries. */
  private secretsOf(res: RawResponse): string[] {
    const carried = [...String(res.data).matchAll(/"(?:secretAccessKey|sessionToken)"\s*:\s*("(?:[^"\\]|\\.)+")/g)].map((m) => JSON.parse(m[1]) as string);
    return [this.token, ...carried];
  }

  private problem(operation: string, res: RawResponse): OtterStorageError {
    let problem: api.Problem | undefined;
    try {
      const p = api.Problem.safeParse(JSON.parse(String(res.data)));
      if (p.success) problem = p.data;
    } catch {
      /* not JSON: described by status below */
    }
    // A code outside the catalogue (a newer service, or something that is not OtterStorage) is UnknownProblem, and
    // the detail keeps what the service said.
    const known = problem ? (isErrorCode(problem.code) ? problem.code : undefined) : codeForStatus(res.status);
    const code = known ?? "UnknownProblem";
    const secrets = this.secretsOf(res);
    let detail = scrub(problem?.detail ?? problem?.title ?? `HTTP ${res.status} without a problem document`, secrets);
    if (problem && !known) detail = `the service answered code ${scrub(problem.code, secrets)}: ${detail}`;
    return new OtterStorageError({
      code,
      status: res.status,
      operation,
      requestId: problem?.requestId ?? requestIdOf(res),
      detail: /[.!?]$/.test(detail) ? detail : `${detail}.`,
      hint: HINTS[code],
      fieldErrors: problem?.errors?.map((e) => ({ path: scrub(e.path, secrets), message: scrub(e.message, secrets) })),
    });
  }

  private networkError(operation: string, e: unknown): OtterStorageError {
    const err = e as { code?: string; message?: string };
    const timeout = err.code === "ECONNABORTED" || err.code === "ETIMEDOUT" || /timeout/i.test(err.message ?? "");
    const code = timeout ? "Timeout" : "NetworkError";
    const detail = timeout
      ? `no answer from ${this.endpoint} within ${this.policy.timeoutMs} ms.`
      : `could not reach ${this.endpoint} (${scrub(err.code ?? err.message ?? "unknown error", [this.token])}).`;
    return new OtterStorageError({ code, status: 0, operation, detail, hint: HINTS[code] });
  }
}

function requestIdOf(res: RawResponse): string | undefined {
  const v = res.headers["x-request-id"] ?? res.headers["request-id"];
  return typeof v === "string" ? v : undefined;
}

/** The code of an error answer without a problem document; undefined when the status names none. */
function codeForStatus(status: number): OtterStorageErrorCode | undefined {
  if (status === 429) return "RateLimited";
  if (status === 503) return "ServiceUnavailable";
  if (status >= 500) return "InternalError";
  if (status === 401) return "Unauthorized";
  if (status === 404) return "RouteNotFound";
  return undefined;
}

const cache = new Map<string, OtterStorageClient>();
/** One client (and keep-alive pool) per endpoint+token in this process; the policy is re-read from the env. */
export function clientFor(endpoint: string, token: string): OtterStorageClient {
  // Keyed by the raw tuning variables (cheaper per call than building and stringifying the policy).
  const env = process.env;
  const key = `${endpoint}\u0000${token}\u0000${env.OTTERSTORAGE_MAX_ATTEMPTS}\u0000${env.OTTERSTORAGE_RETRY_BASE_MS}\u0000${env.OTTERSTORAGE_TIMEOUT_MS}`;
  let c = cache.get(key);
  if (!c) {
    c = new OtterStorageClient({ endpoint, token, policy: policyFromEnv(env) });
    cache.set(key, c);
  }
  return c;
}
