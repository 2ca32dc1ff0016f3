/**
 * The one logger of Local OtterStorage, shared by the control API and the S3 plane. Human-readable, one line per
 * request. It never receives headers: callers hand it a method, a URL and a status, and the URL's query string is
 * redacted here (presigned URLs carry X-Amz-Signature / X-Amz-Security-Token / X-Amz-Credential). Names are not
 * enough (a token sent as `?api_key=`, `?t=`, an unnamed parameter or a path segment has no telling name), so every
 * line also goes through `redactText`, which masks the secrets by their shapes — the account token, secret access
 * keys, session tokens — raw or percent-encoded (once or twice), plus bearer tokens and signatures; and
 * startOtterStorage wraps the logger with `withSecrets(log, [token])`, which masks the account token literally
 * whatever its shape (OTTERSTORAGE_TOKEN may be any 8 to 512 visible characters). Request bodies (JSON or the
 * console's form posts) are never handed to the logger; the patterns cover their field names anyway.
 */
import { Clock, systemClock, isoTime } from "./clock";

export interface RequestLogEntry {
  plane: "control" | "s3";
  method: string;
  /** Path and query as received; the query is redacted before printing. */
  url: string;
  status: number;
  /** Duration in milliseconds. */
  ms: number;
  requestId: string;
  /** The access key id that signed the request (ids are not secret). */
  accessKeyId?: string;
  /** e.g. the S3 operation name or the control API operationId. */
  operation?: string;
  /** Error code, when the answer is an error. */
  code?: string;
}

/** Structured extras for a line. Values of keys that name a credential (secret, token, signature, authorization,
 * password) are never printed. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  /** Internal errors: an Error's message and stack are logged (redacted); the client only sees the request id. */
  error(message: string, errOrFields?: unknown): void;
  /** One line per answered request. */
  request(entry: RequestLogEntry): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, request() {} };

const SENSITIVE_QUERY = /^(x-amz-signature|x-amz-security-token|x-amz-credential|signature|awsaccesskeyid|token|secret.*|.*password.*)$/i;

/** Keeps the path and the names of query parameters; replaces the values of sensitive ones with `REDACTED`. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const path = url.slice(0, q);
  const parts = url.slice(q + 1).split("&").map((pair) => {
    const eq = pair.indexOf("=");
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName);
    } catch {
      /* keep the raw name */
    }
    return eq >= 0 && SENSITIVE_QUERY.test(name) ? `${rawName}=REDACTED` : pair;
  });
  return `${path}?${parts.join("&")}`;
}

const TEXT_PATTERNS: Array<[RegExp, string]> = [
  [/(Bearer\s+)[^\s,;"']+/gi, "$1REDACTED"],
  [/(Signature=)[0-9a-fA-F]+/g, "$1REDACTED"],
  [/(X-Amz-Signature=)[^&\s]+/gi, "$1REDACTED"],
  [/(X-Amz-Security-Token[=:]\s*)[^&\s]+/gi, "$1REDACTED"],
  [/(secretAccessKey|sessionToken|token)("?\s*[:=]\s*"?)[^"\s,&}]+/g, "$1$2REDACTED"],
  // The console's form fields and session cookie, and the credential snippets of its new-key panel
  // (emulator/console/): AWS CLI profile lines and AWS_* environment variables.
  [/(aws_secret_access_key|aws_session_token|secret_access_key|session_token|_csrf|otterstorage_console)(\s*"?\s*[:=]\s*"?)[^"\s,&};]+/gi, "$1$2REDACTED"],
];

/**
 * The secrets by their shapes (emulator/store/crypto.ts mints them), wherever they stand — under any query parameter
 * name, unnamed, in a path segment, in a message:
 * - the account token: `otk_` + 43 alphanumerics (a token chosen by the user is masked literally: withSecrets);
 * - a secret access key: 40 alphanumerics standing alone;
 * - a session token: base64 of 96 random bytes, 128 characters of [A-Za-z0-9+/] (mixed case and digits, so a long
 *   hexadecimal or lower-case path is not taken for one).
 */
const ACCOUNT_TOKEN_SHAPE = /otk_[A-Za-z0-9]{16,}/g;
const SECRET_KEY_SHAPE = /(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g;
const SESSION_TOKEN_SHAPE = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{120,}={0,2}/g;
const looksRandom = (s: string) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s);

function maskShapes(text: string): string {
  return text
    .replace(ACCOUNT_TOKEN_SHAPE, "REDACTED")
    .replace(SESSION_TOKEN_SHAPE, (m) => (looksRandom(m) ? "REDACTED" : m))
    .replace(SECRET_KEY_SHAPE, "REDACTED");
}

/**
 * A run of URL-ish text that may carry percent-encoding: the unit decoded and checked whole, so `Bearer%20otk_…`,
 * `%2F`-separated session tokens and secrets encoded once or twice are found like raw ones.
 */
const RUN = /[^\s"'<>&?#]+/g;
/** One cheap test for anything the patterns below could mask: most decoded runs are plain paths and skip them. */
const SUSPECT = /otk_|bearer|signature|token|secret|_csrf|otterstorage_console|[A-Za-z0-9]{40}|[A-Za-z0-9+/]{120}/i;
const HAS_ESCAPE = /%[0-9A-Fa-f]{2}/;
const ESCAPE = /%([0-9A-Fa-f]{2})/g;

/** Percent-decoding, byte by byte (one char per byte), repeated for double encoding; never throws. */
function decodeBytes(s: string): string {
  let out = s;
  for (let i = 0; i < 3 && out.includes("%"); i++) {
    const next = out.replace(ESCAPE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Back to printable: everything but unreserved and a few delimiters is percent-encoded again (no raw newlines). */
const reencode = (s: string) => s.replace(/[^A-Za-z0-9\-._~/:=+@,;!$*()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);

/** Masks anything that looks like a credential, raw or percent-encoded. Applied to every log line. */
export function redactText(text: string): string {
  let out = text;
  for (const [re, rep] of TEXT_PATTERNS) out = out.replace(re, rep);
  out = maskShapes(out);
  if (!out.includes("%")) return out;
  return out.replace(RUN, (run) => {
    if (!HAS_ESCAPE.test(run)) return run;
    const decoded = decodeBytes(run);
    if (!SUSPECT.test(decoded)) return run;
    let masked = decoded;
    for (const [re, rep] of TEXT_PATTERNS) masked = masked.replace(re, rep);
    masked = maskShapes(masked);
    return masked === decoded ? run : reencode(masked);
  });
}

/**
 * The literal forms a known secret may take in a line: raw, percent-encoded (as encodeURIComponent or with every
 * byte escaped, either case) and JSON-escaped.
 */
function literalForms(secret: string): string[] {
  const bytes = [...Buffer.from(secret, "utf8")];
  const all = bytes.map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
  return [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), all, all.toUpperCase()])].filter((f) => f.length > 0);
}

/**
 * A logger that masks the given secrets (the account token, whatever its shape) literally before handing a line on,
 * then masks by shape (redactText) as every line is. startOtterStorage wraps the logger it is given with the token.
 */
export function withSecrets(log: Logger, secrets: string[]): Logger {
  const forms = secrets.filter((s) => s.length >= 8).flatMap(literalForms).sort((a, b) => b.length - a.length);
  if (forms.length === 0) return log;
  const mask = (t: string) => {
    let out = t;
    for (const f of forms) out = out.split(f).join("REDACTED");
    // Any other encoding (double, mixed case, partly escaped): the percent-encoded run that decodes to it goes whole.
    if (out.includes("%")) out = out.replace(RUN, (run) => (HAS_ESCAPE.test(run) && forms.some((f) => decodeBytes(run).includes(f)) ? "REDACTED" : run));
    return out;
  };
  const maskFields = (v: unknown): unknown => {
    if (typeof v === "string") return mask(v);
    if (v instanceof Error) {
      const e = new Error(mask(v.message));
      e.name = v.name;
      e.stack = v.stack === undefined ? undefined : mask(v.stack);
      return e;
    }
    if (v && typeof v === "object" && !Array.isArray(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskFields(x)]));
    return v;
  };
  return {
    info: (m, f) => log.info(mask(m), maskFields(f) as LogFields | undefined),
    warn: (m, f) => log.warn(mask(m), maskFields(f) as LogFields | undefined),
    error: (m, e) => log.error(mask(m), maskFields(e)),
    request: (e) => log.request({ ...e, url: mask(e.url) }),
  };
}

export interface CreateLoggerOptions {
  /** Where lines go (each ends with "\n"). Default: process.stdout. */
  write?: (line: string) => void;
  clock?: Clock;
}

const SENSITIVE_FIELD = /secret|token|signature|authorization|password|credential/i;

function renderFields(fields: LogFields | undefined): string {
  if (!fields) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = SENSITIVE_FIELD.test(k) ? "REDACTED" : typeof v === "string" ? v : v instanceof Error ? `${v.name}: ${v.message}` : JSON.stringify(v);
    parts.push(`${k}=${/\s/.test(text ?? "") ? JSON.stringify(text) : text}`);
  }
  return parts.length ? " " + parts.join(" ") : "";
}

/** A line logger: `<time> <plane> <METHOD> <url> <status> <ms>ms req=<id> [key=<id>] [op=<op>] [code=<code>]`. */
export function createLogger(opts: CreateLoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => void process.stdout.write(line));
  const clock = opts.clock ?? systemClock;
  const emit = (level: string, text: string) => write(`${isoTime(clock.now())} ${level} ${redactText(text)}\n`);
  return {
    info: (m, f) => emit("info", m + renderFields(f)),
    warn: (m, f) => emit("warn", m + renderFields(f)),
    error: (m, err) => {
      let detail = "";
      if (err instanceof Error) detail = ` ${err.name}: ${err.message}\n${(err.stack ?? "").split("\n").slice(1, 8).join("\n")}`;
      else if (err && typeof err === "object") detail = renderFields(err as LogFields);
      else if (err !== undefined) detail = ` ${String(err)}`;
      emit("error", m + detail);
    },
    request: (e) => {
      const extras = [`req=${e.requestId}`];
      if (e.accessKeyId) extras.push(`key=${e.accessKeyId}`);
      if (e.operation) extras.push(`op=${e.operation}`);
      if (e.code) extras.push(`code=${e.code}`);
      emit(e.plane, `${e.method} ${redactUrl(e.url)} ${e.status} ${Math.round(e.ms)}ms ${extras.join(" ")}`);
    },
  };
}
