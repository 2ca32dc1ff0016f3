/**
 * Test fixtures for Local OtterStorage.
 *
 *   const os = useEmulator();                 // in a describe(): starts in before(), stops in after()
 *   it("...", async () => {
 *     const api = control(os());
 *     const res = await api.post("/v1/buckets", { name: "b1" });   // { status, headers, body }
 *   });
 *
 * `useEmulator(opts)` passes opts to startOtterStorage (default: in memory, ports 0, silent). Put it inside a
 * `describe` so each suite gets its own instance. `control(handle)` is a tiny fetch wrapper that sends the bearer
 * token (unless `token: null`) and parses JSON / problem+json answers.
 */
import { startOtterStorage, StartOptions, OtterStorage } from "otterstorage-local";

export function useEmulator(opts: StartOptions = {}): () => OtterStorage {
  let handle: OtterStorage | undefined;
  before(async function () {
    handle = await startOtterStorage({ memory: !opts.dataDir, ...opts });
  });
  after(async function () {
    await handle?.stop();
    handle = undefined;
  });
  return () => {
    if (!handle) throw new Error("useEmulator: the emulator is not running (use the getter inside it(), not at describe time)");
    return handle;
  };
}

export interface ControlAnswer<T = any> {
  status: number;
  headers: Headers;
  /** Parsed JSON (or problem+json); the raw text when not JSON; undefined when empty. */
  body: T;
}

export interface ControlOptions {
  /** Extra headers, e.g. { "idempotency-key": "k1" }. */
  headers?: Record<string, string>;
  /** A raw body sent as is (no JSON encoding), e.g. to test malformed JSON. */
  raw?: string;
  /** Override the bearer token; null sends no Authorization header. */
  token?: string | null;
}

export function control(h: Pick<OtterStorage, "controlUrl" | "token">) {
  async function call<T = any>(method: string, path: string, body?: unknown, o: ControlOptions = {}): Promise<ControlAnswer<T>> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const token = o.token === undefined ? h.token : o.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (o.raw !== undefined) payload = o.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
    const res = await fetch(h.controlUrl + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text === "" ? undefined : text;
    if (text && /json/.test(res.headers.get("content-type") ?? "")) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T };
  }
  return {
    call,
    get: <T = any>(path: string, o?: ControlOptions) => call<T>("GET", path, undefined, o),
    post: <T = any>(path: string, body?: unknown, o?: ControlOptions) => call<T>("POST", path, body, o),
    patch: <T = any>(path: string, body?: unknown, o?: ControlOptions) => call<T>("PATCH", path, body, o),
    delete: <T = any>(path: string, o?: ControlOptions) => call<T>("DELETE", path, undefined, o),
  };
}
