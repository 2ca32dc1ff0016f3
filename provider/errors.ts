/**
 * The one error class of the provider. Every failure a user can see — a Control API problem, a network failure,
 * missing configuration, a refused change — is an OtterStorageError whose message says what failed and what to do.
 * Callers branch on `code`, never on message text. Messages never carry a secret or the account token: the
 * client scrubs the token out of anything the service echoes (see `scrub`).
 */

/** Provider-side codes, next to the Control API codes of api/errors.ts. */
export type ProviderErrorCode =
  | "ConfigurationMissing"
  | "NetworkError"
  | "Timeout"
  | "InvalidResponse"
  | "ReplacementWouldDestroyData"
  | "SecretMissingFromState"
  | "ServiceClockUnavailable";

export interface OtterStorageErrorInit {
  code: string;
  /** HTTP status, or 0 when no answer came back (network error, timeout, configuration). */
  status: number;
  /** The Control API operationId (e.g. createAccessKey) or provider step (e.g. configure) that failed. */
  operation: string;
  requestId?: string;
  /** What went wrong, in one sentence. */
  detail: string;
  /** What to do about it. */
  hint?: string;
  /** Field errors from a ValidationFailed problem: `path: message`. */
  fieldErrors?: { path: string; message: string }[];
}

export class OtterStorageError extends Error {
  readonly code: string;
  readonly status: number;
  readonly operation: string;
  readonly requestId: string | undefined;
  readonly fieldErrors: { path: string; message: string }[];
  readonly detail: string;
  readonly hint: string | undefined;
  /** Set by the client: the attempt on which this failure arrived (1 = first try). */
  attempts = 1;

  constructor(init: OtterStorageErrorInit) {
    super(formatMessage(init));
    this.name = "OtterStorageError";
    this.code = init.code;
    this.status = init.status;
    this.operation = init.operation;
    this.requestId = init.requestId;
    this.fieldErrors = init.fieldErrors ?? [];
    this.detail = init.detail;
    this.hint = init.hint;
  }
}

function formatMessage(init: OtterStorageErrorInit): string {
  const status = init.status ? `${init.status} ${init.code}` : init.code;
  let msg = `OtterStorage ${init.operation} failed (${status}): ${init.detail}`;
  if (init.fieldErrors?.length) msg += ` [${init.fieldErrors.map((e) => `${e.path || "(body)"}: ${e.message}`).join("; ")}]`;
  if (init.hint) msg += ` ${init.hint}`;
  if (init.requestId) msg += ` (request id ${init.requestId})`;
  return msg;
}

/** What to do, per Control API code. The service's `detail` says what happened; this says how to get unstuck. */
export const HINTS: Record<string, string> = {
  ValidationFailed: "Fix the fields named above and run `pulumi up` again.",
  MalformedJson: "This is a provider bug; please report it with the request id.",
  Unauthorized:
    "Check the account token: `pulumi config set --secret otterstorage:token <token>` or the OTTERSTORAGE_TOKEN environment variable.",
  BucketNotFound: "The bucket does not exist (any more). Create it first, or run `pulumi refresh` if it was deleted outside Pulumi.",
  AccessKeyNotFound: "The key is unknown or revoked. Run `pulumi refresh` to drop it from the stack, then `pulumi up` to issue a new one.",
  BucketAlreadyExists: "Bucket names are unique across OtterStorage: choose another `name`, or omit it to get an auto-generated one.",
  BucketNotEmpty:
    "Empty the bucket first, or set `forceDestroy: true` on the Bucket, run `pulumi up`, then delete it again (this deletes every object).",
  LegalHoldActive: "The bucket is under legal hold: set `legalHold: false`, run `pulumi up`, then retry.",
  ObjectLockImmutable: "Object lock can only be chosen when a bucket is created; replace the bucket to change it.",
  IdempotencyKeyReused: "This is a provider bug (an Idempotency-Key was reused for a different request); please report it.",
  PayloadTooLarge: "Send fewer lifecycle rules or tags.",
  RateLimited: "The service kept rate-limiting after every retry; lower `pulumi up --parallel` and retry.",
  InternalError: "The service failed; retry later. If it persists, report the request id.",
  ServiceUnavailable: "The service is unavailable; retry later.",
  NetworkError: "Check `otterstorage:endpoint` (or OTTERSTORAGE_ENDPOINT) and that the service is reachable, then retry.",
  Timeout: "The service did not answer in time; retry later, or check `otterstorage:endpoint`.",
  InvalidResponse: "The service answered something this provider does not understand; check that the endpoint is an OtterStorage Control API v1.",
};

/**
 * Removes every occurrence of the given secret VALUES from a text the service or a library produced: the value as
 * sent, and the forms an echo may take (URL-encoded, JSON-escaped). It scrubs values, never words: the service's
 * own guidance ("Send Authorization: Bearer <account token>") must reach the user intact.
 */
export function scrub(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    const forms = new Set([s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
    for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join("[redacted]");
  }
  return out;
}
