/**
 * The provider's error catalogue and its one error class. Every failure a user can see — a Control API problem, a
 * network failure, missing configuration, a refused change, an SDK argument that is not valid — is an
 * OtterStorageError whose message says what failed and what to do, and whose `code` is a key of ERRORS: the
 * provider's own codes (PROVIDER_ERRORS, below) next to the Control API codes (api/errors.ts CONTROL_ERRORS), so a
 * code that is not catalogued is a type error. Callers branch on `code`, never on message text. README.md
 * "Troubleshooting" and docs/resources.md "Errors you may see" list these codes; tests/provider-errors-catalogue.test.ts
 * keeps the three in step.
 *
 * Secrets in messages: the provider's own texts name an access key by its id, never by its secret; the one secret
 * the Control API client sends — the account token — is removed from every text the service or a library hands
 * back before it reaches a message (`scrub`, called by provider/client.ts).
 */
import { CONTROL_ERRORS, type ControlErrorCode } from "otterstorage-api";

export interface ErrorEntry {
  /** What the code means, in one sentence (the thrown error's `detail` says what happened this time). */
  readonly meaning: string;
  /** What to do, used when the thrower gives no more specific hint. Absent where there is nothing to do. */
  readonly hint?: string;
}

/** Codes the provider and SDK raise themselves (status 0 unless they wrap an HTTP answer). */
export const PROVIDER_ERRORS = {
  ConfigurationMissing: {
    meaning: "The provider or program has no Control API endpoint or no account token.",
    hint: "Set `pulumi config set otterstorage:endpoint <url>` and `pulumi config set --secret otterstorage:token <token>` (or OTTERSTORAGE_ENDPOINT and OTTERSTORAGE_TOKEN).",
  },
  NetworkError: {
    meaning: "The Control API could not be reached (connection refused or reset, DNS failure), after every retry.",
    hint: "Check `otterstorage:endpoint` (or OTTERSTORAGE_ENDPOINT) and that the service is reachable, then retry.",
  },
  Timeout: {
    meaning: "The Control API did not answer within the client's timeout, after every retry.",
    hint: "The service did not answer in time; retry later, or check `otterstorage:endpoint`.",
  },
  InvalidResponse: {
    meaning: "A success answer was not JSON or did not match the Control API v1 schema.",
    hint: "The service answered something this provider does not understand; check that the endpoint is an OtterStorage Control API v1.",
  },
  UnknownProblem: {
    meaning: "The service answered an error this provider does not know: a problem code outside api/errors.ts, or an HTTP error status without a problem document.",
    hint: "Check that `otterstorage:endpoint` is an OtterStorage Control API v1; if the service is newer than this provider, upgrade pulumi-otterstorage.",
  },
  ReplacementWouldDestroyData: {
    meaning: "A change would replace (delete and re-create) a bucket that holds objects, older versions or delete markers.",
    hint: "Revert the change; or empty the bucket first; or set `forceDestroy: true` alone, run `pulumi up`, then make the change again.",
  },
  SecretMissingFromState: {
    meaning: "The stack state has no secretAccessKey for a key, and OtterStorage never shows a secret twice.",
    hint: "Issue a new key: change `rotationTrigger` on this AccessKey and run `pulumi up`.",
  },
  AccessKeyNotImportable: {
    meaning: "`pulumi import` (or an `import` resource option) named an access key: OtterStorage shows a key's secret once, at creation, so an imported key would have no secret in the state.",
    hint: "Declare an AccessKey with `adopt: { accessKeyId, secretAccessKey }` (the secret passed as a secret) to manage an existing key you hold the secret of; or issue a new key and revoke the old one.",
  },
  ProviderNotResolvable: {
    meaning: "The program declared a resource, but `pulumi-otterstorage` cannot be loaded by package name from the program's directory, where the Pulumi provider host loads it.",
    hint: "Install the package into the project (`npm install pulumi-otterstorage`; `npm link` and workspaces work too) and import it as \"pulumi-otterstorage\", not by a relative path.",
  },
  ServiceClockUnavailable: {
    meaning: "A key with `rotateAfterDays` may be due, and the service clock (GET /v1/health) could not be read to decide.",
    hint: "Retry when the Control API is reachable (check `otterstorage:endpoint`).",
  },
  KeyNotReady: {
    meaning: "The S3 endpoint did not accept a new key within `readiness.timeoutSeconds`; the key is issued and kept in the stack.",
    hint: "Run `pulumi up` again to re-check it; raise `readiness.timeoutSeconds`; or set `readiness: { disabled: true }`.",
  },
  AdoptedKeyNotOnBucket: {
    meaning: "`adopt.accessKeyId` is not an active key of the AccessKey's bucket (another bucket's, revoked, or unknown).",
    hint: "Adopt a key listed on that bucket's Access keys tab, or omit `adopt` to issue a new key.",
  },
  AdoptedSecretInvalid: {
    meaning: "`adopt.secretAccessKey` does not sign requests the S3 endpoint accepts for that key.",
    hint: "Pass the secret shown when the key was created; if it is lost, omit `adopt` to issue a new key, then revoke the old one.",
  },
  AdoptionUnverified: {
    meaning: "The S3 endpoint could not be reached (or answered neither 200 nor 403) to verify `adopt.secretAccessKey`.",
    hint: "Retry when the S3 endpoint is reachable, or set `readiness: { disabled: true }` to adopt without verifying the secret.",
  },
  AdoptBlocksRotation: {
    meaning: "A change would replace an adopted key while `adopt` still names it.",
    hint: "Remove `adopt` from this AccessKey (the key stays managed), then run `pulumi up` again to rotate.",
  },
} as const satisfies Record<string, ErrorEntry>;

export type ProviderErrorCode = keyof typeof PROVIDER_ERRORS;

/** What to do, per Control API code (what it means is CONTROL_ERRORS' title). The service's `detail` says what happened. */
const CONTROL_HINTS: Record<ControlErrorCode, string | undefined> = {
  ValidationFailed: "Fix the fields named above and run `pulumi up` again.",
  MalformedJson: "This is a provider bug; please report it with the request id.",
  Unauthorized:
    "Check the account token: `pulumi config set --secret otterstorage:token <token>` or the OTTERSTORAGE_TOKEN environment variable.",
  BucketNotFound: "The bucket does not exist (any more). Create it first, or run `pulumi refresh` if it was deleted outside Pulumi.",
  AccessKeyNotFound: "The key is unknown or revoked. Run `pulumi refresh` to drop it from the stack, then `pulumi up` to issue a new one.",
  RouteNotFound: undefined,
  MethodNotAllowed: undefined,
  BucketAlreadyExists: "Bucket names are unique across OtterStorage: choose another `name`, or omit it to get an auto-generated one.",
  BucketNotEmpty:
    "Empty the bucket first, or set `forceDestroy: true` on the Bucket, run `pulumi up`, then delete it again (this deletes every object).",
  LegalHoldActive: "The bucket is under legal hold: set `legalHold: false`, run `pulumi up`, then retry.",
  ObjectLockImmutable: "Object lock can only be chosen when a bucket is created; replace the bucket to change it.",
  IdempotencyKeyReused: "This is a provider bug (an Idempotency-Key was reused for a different request); please report it.",
  PayloadTooLarge: "Send fewer lifecycle rules or tags.",
  UnsupportedMediaType: undefined,
  RateLimited: "The service kept rate-limiting after every retry; lower `pulumi up --parallel` and retry.",
  InternalError: "The service failed; retry later. If it persists, report the request id.",
  ServiceUnavailable: "The service is unavailable; retry later.",
};

/** Every code an OtterStorageError can carry. */
export type OtterStorageErrorCode = ProviderErrorCode | ControlErrorCode;

/** The catalogue: every code, provider-side and Control API, with what it means and what to do. */
export const ERRORS: Readonly<Record<OtterStorageErrorCode, ErrorEntry>> = {
  ...(Object.fromEntries(
    (Object.keys(CONTROL_ERRORS) as ControlErrorCode[]).map((c) => [c, { meaning: `${CONTROL_ERRORS[c].title}.`, ...(CONTROL_HINTS[c] ? { hint: CONTROL_HINTS[c] } : {}) }]),
  ) as Record<ControlErrorCode, ErrorEntry>),
  ...PROVIDER_ERRORS,
};

/** Is this string a catalogued code? (The service may answer codes a newer api/errors.ts added.) */
export function isErrorCode(code: string): code is OtterStorageErrorCode {
  return Object.prototype.hasOwnProperty.call(ERRORS, code);
}

/** What to do, per code: the catalogue's hints (kept as an export for tools that read HINTS). */
export const HINTS: Readonly<Partial<Record<OtterStorageErrorCode, string>>> = Object.fromEntries(
  Object.entries(ERRORS).flatMap(([c, e]) => (e.hint ? [[c, e.hint]] : [])),
);

export interface OtterStorageErrorInit {
  code: OtterStorageErrorCode;
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
  readonly code: OtterStorageErrorCode;
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

/**
 * A create that made the resource but could not finish (an access key the S3 endpoint did not accept in time): the
 * resource exists, so each host must record it — with these outputs — instead of forgetting it. The Pulumi hosts
 * turn it into ErrorResourceInitFailed (the engine stores the outputs and updates the resource on the next run);
 * nothing is revoked. The message is the cause's.
 */
export class PartialCreateError extends OtterStorageError {
  readonly id: string;
  readonly outputs: Record<string, unknown>;
  readonly reasons: string[];

  constructor(cause: OtterStorageError, id: string, outputs: Record<string, unknown>) {
    super({ code: cause.code, status: cause.status, operation: cause.operation, requestId: cause.requestId, fieldErrors: cause.fieldErrors, detail: cause.detail, hint: cause.hint });
    this.name = "PartialCreateError";
    this.attempts = cause.attempts;
    this.id = id;
    this.outputs = outputs;
    this.reasons = [cause.message];
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

/**
 * Replaces with "[redacted]" every occurrence in `text` of each value in `secrets` that is at least 4 characters
 * long, in three forms: as given, URL-encoded (encodeURIComponent) and JSON-escaped (the inside of JSON.stringify),
 * longest form first. It matches values, not shapes: a secret it is not given (say, a 40-character secret access key
 * the caller did not pass) goes through unchanged, and words such as the service's guidance "Send Authorization:
 * Bearer <account token>" reach the user intact. provider/client.ts passes the account token, the one secret the
 * Control API client sends.
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
