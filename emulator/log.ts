/**
 * The one logger of Local OtterStorage, shared by the control API and the S3 plane. Human-readable, one line per
 * request. It never receives headers: callers hand it a method, a URL and a status, and the URL's query string is
 * redacted here (presigned URLs carry X-Amz-Signature / X-Amz-Security-Token / X-Amz-Credential). As a second
 * line of defence every line goes through `redactText`, which masks bearer tokens, signatures, session tokens and
 * anything shaped like a secret access key (40 alphanumerics). Request bodies (JSON or the console's form posts) are
 * never handed to the logger; the patterns cover their field names anyway.
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
  [/(?<![A-Za-z0-9])[A-Za-z0-9]{40}(?![A-Za-z0-9])/g, "REDACTED"],
];

/** Masks anything that looks like a credential. Applied to every log line. */
export function redactText(text: string): string {
  let out = text;
  for (const [re, rep] of TEXT_PATTERNS) out = out.replace(re, rep);
  return out;
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
