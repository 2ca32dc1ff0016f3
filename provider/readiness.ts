/**
 * Readiness: does the S3 data plane accept a key yet? A SigV4-signed HeadBucket (path-style) with the key, sent
 * with node http/https and signed by provider/sigv4.ts. Used after create (the key must work before dependents get
 * it) and by adoption (the secret must sign valid requests).
 *
 * Clock skew: the probe signs with the local clock corrected by the offset learned from the data plane's `Date`
 * header, as the AWS SDKs do (RequestTimeTooSkewed answers 403 too), so a skewed CI runner — or Local
 * OtterStorage on a ManualClock — does not read as "not ready".
 */
import * as http from "http";
import * as https from "https";
import { OtterStorageError } from "./errors";
import { s3Signer } from "./sigv4";

export interface ProbeTarget {
  /** S3 endpoint, e.g. https://es-mad-1.s3.otterstorage.io (path-style). */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface ProbeAnswer {
  /** HTTP status, or 0 when the endpoint could not be reached. */
  status: number;
  /** The data plane's clock minus ours, learned from its Date header (ms). */
  offsetMs: number;
  /** Network failure text (never contains the secret: the request carries only a signature). */
  error?: string;
}

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const SKEW_TRUST_MS = 60_000;

/** One signed HeadBucket. Never throws for HTTP or network failures: the answer says what happened. */
export async function headBucket(t: ProbeTarget, offsetMs = 0, requestTimeoutMs = 10_000): Promise<ProbeAnswer> {
  const url = new URL(t.endpoint.replace(/\/+$/, "") + "/" + encodeURIComponent(t.bucket));
  const signed = await s3Signer(t.region, t).sign(
    {
      method: "HEAD",
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: url.pathname,
      query: {},
      headers: { host: url.host, "x-amz-content-sha256": EMPTY_SHA256 },
    },
    { signingDate: new Date(Date.now() + offsetMs) },
  );
  const lib = url.protocol === "https:" ? https : http;
  const agent = url.protocol === "https:" ? probeAgents.https : probeAgents.http;
  const send = (mayRetry: boolean): Promise<ProbeAnswer> => new Promise<ProbeAnswer>((resolve) => {
    const req = lib.request(
      { method: "HEAD", host: url.hostname, port: url.port || undefined, path: url.pathname, headers: signed.headers as Record<string, string>, timeout: requestTimeoutMs, agent },
      (res) => {
        res.resume();
        const date = Date.parse(String(res.headers.date ?? ""));
        const seen = Number.isFinite(date) ? date - Date.now() : offsetMs;
        // Date has one-second resolution: only trust it when it says we are far off.
        resolve({ status: res.statusCode ?? 0, offsetMs: Math.abs(seen) > SKEW_TRUST_MS ? seen : 0 });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (e: NodeJS.ErrnoException) => {
      // A kept-alive connection the server closed meanwhile: send once more on a fresh one (Node's documented
      // pattern), so reusing connections never turns into a "not ready" answer.
      if (mayRetry && req.reusedSocket && (e.code === "ECONNRESET" || e.code === "EPIPE")) resolve(send(false));
      else resolve({ status: 0, offsetMs, error: e.code ?? e.message });
    });
    req.end();
  });
  return send(true);
}

/**
 * Keep-alive connections for probes (one TCP connect per key cost the service as much CPU as the create itself
 * in bench/provider-overhead.ts). Idle sockets close after 4 s, before Node servers' default 5 s keep-alive.
 */
const probeAgents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 64, timeout: 4_000 }),
};

export interface ReadinessOptions {
  /** Give up after this long (real time). */
  timeoutSeconds: number;
  /** The input path named in the timeout error, e.g. "readiness.timeoutSeconds". */
  field?: string;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface ReadinessResult { attempts: number; waitedMs: number }

/**
 * Polls HeadBucket with backoff (250 ms, ×1.6, at most 5 s between probes) until it answers 200. 403 (the key is
 * not known to the data plane yet), 404, 5xx and network errors keep polling; the deadline bounds the loop.
 */
export async function waitUntilReady(t: ProbeTarget, o: ReadinessOptions): Promise<ReadinessResult> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = Date.now();
  const deadline = started + o.timeoutSeconds * 1000;
  let delay = 250;
  let offset = 0;
  let last: ProbeAnswer = { status: 0, offsetMs: 0 };
  // Bounded twice: by the deadline and by a hard cap on attempts.
  for (let attempt = 1; attempt <= 10_000; attempt++) {
    last = await headBucket(t, offset, Math.max(1000, Math.min(10_000, deadline - Date.now())));
    if (last.status === 200) return { attempts: attempt, waitedMs: Date.now() - started };
    if (last.offsetMs !== offset) {
      offset = last.offsetMs;
      continue; // re-sign at once with the corrected clock
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(delay, left));
    delay = Math.min(5000, Math.round(delay * 1.6));
  }
  const seen = last.status ? `it last answered HTTP ${last.status}` : `it could not be reached (${last.error ?? "no answer"})`;
  throw new OtterStorageError({
    code: "KeyNotReady",
    status: 0,
    operation: "readiness",
    detail: `access key ${t.accessKeyId} was not accepted by the S3 endpoint ${t.endpoint} within ${o.timeoutSeconds} s (signed HeadBucket on ${t.bucket}; ${seen}).`,
    hint:
      `The key was issued and is kept in the stack; run \`pulumi up\` again to re-check it. If the service is slow to propagate keys, raise \`${o.field ?? "readiness.timeoutSeconds"}\`; ` +
      "if the S3 endpoint is unreachable from where Pulumi runs, set `readiness: { disabled: true }`.",
  });
}
