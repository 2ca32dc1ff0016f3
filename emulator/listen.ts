/**
 * Listening for the emulator's node:http listeners (the S3 plane, the control/console listener, the fault proxy),
 * the URL that reaches one, and the connection limits both service listeners apply.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** `http://<host>:<port>` of a bound address; an IPv6 host in brackets. */
export function urlOf(addr: AddressInfo): string {
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return `http://${host}:${addr.port}`;
}

/** Binds `server` and resolves to its URL; a bind failure (e.g. EADDRINUSE) rejects instead of being thrown later. */
export async function listen(server: http.Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return urlOf(server.address() as AddressInfo);
}

/**
 * Connection limits of a listener, against slow-request attacks (slowloris): a request head must arrive within
 * `headersTimeoutMs` (else 408 and the connection closes); a connection with no bytes moving either way for
 * `idleTimeoutMs` is closed (body progress resets it); at most `maxConnections` are open at once (further ones are
 * closed on arrival); and, where set, a whole request (head and body) must arrive within `requestTimeoutMs`
 * (0 = no limit: the S3 plane's 5 GiB uploads over a slow link must finish; the Control API's bodies are at most
 * 1 MiB, so its listener has one).
 */
export interface ListenerLimits {
  headersTimeoutMs?: number;
  idleTimeoutMs?: number;
  maxConnections?: number;
  requestTimeoutMs?: number;
}

/** The S3 listener's defaults: head 20 s, idle 120 s, 1024 connections, no whole-request deadline. */
export const DEFAULT_S3_LIMITS: Required<ListenerLimits> = { headersTimeoutMs: 20_000, idleTimeoutMs: 120_000, maxConnections: 1024, requestTimeoutMs: 0 };
/** The control/console listener's: the same head deadline and cap, 30 s idle, and 30 s for a whole request. */
export const DEFAULT_CONTROL_LIMITS: Required<ListenerLimits> = { headersTimeoutMs: 20_000, idleTimeoutMs: 30_000, maxConnections: 1024, requestTimeoutMs: 30_000 };

/** The limits with defaults filled in; `name` (e.g. "s3Limits") names the option in the error. */
export function checkLimits(l: ListenerLimits | undefined, defaults: Required<ListenerLimits>, name: string): Required<ListenerLimits> {
  const out = { ...defaults, ...Object.fromEntries(Object.entries(l ?? {}).filter(([, v]) => v !== undefined)) } as Required<ListenerLimits>;
  for (const [k, v] of Object.entries(out)) {
    if (!Object.hasOwn(defaults, k)) throw new RangeError(`${name}.${k} is not a limit; use headersTimeoutMs, idleTimeoutMs, maxConnections or requestTimeoutMs`);
    const min = k === "requestTimeoutMs" ? 0 : 1;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${name}.${k} must be a whole number >= ${min}; got ${String(v)}`);
  }
  if (out.requestTimeoutMs > 0 && out.requestTimeoutMs < out.headersTimeoutMs) {
    throw new RangeError(`${name}.requestTimeoutMs (${out.requestTimeoutMs}) must be 0 or at least headersTimeoutMs (${out.headersTimeoutMs})`);
  }
  return out;
}

/** A node:http server with these limits (checked: see checkLimits). */
export function limitedServer(limits: Required<ListenerLimits>, handler: http.RequestListener): http.Server {
  const server = http.createServer({
    keepAliveTimeout: Math.min(65_000, limits.idleTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    // How often Node looks for heads and requests past their deadline (default 30 s, which would let a short limit
    // run long).
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs || Infinity) / 4))),
  }, handler);
  server.timeout = limits.idleTimeoutMs; // socket inactivity: any byte in or out resets it; idle sockets are destroyed
  server.maxConnections = limits.maxConnections;
  return server;
}
