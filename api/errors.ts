/**
 * Control API error catalogue, as data: `code -> { status, title }`. The service answers every error as
 * `application/problem+json` (RFC 9457) built from this table; the client branches on `code`, never on text.
 * docs/control-api.md lists the same table, and a test keeps the two in step.
 */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const CONTROL_ERRORS = {
  ValidationFailed: { status: 400, title: "The request is not valid" },
  MalformedJson: { status: 400, title: "The request body is not valid JSON" },
  Unauthorized: { status: 401, title: "Missing or invalid account token" },
  BucketNotFound: { status: 404, title: "No such bucket" },
  AccessKeyNotFound: { status: 404, title: "No such access key (unknown or revoked)" },
  RouteNotFound: { status: 404, title: "No such route" },
  MethodNotAllowed: { status: 405, title: "Method not allowed on this route" },
  BucketAlreadyExists: { status: 409, title: "The bucket name is taken" },
  BucketNotEmpty: { status: 409, title: "The bucket is not empty" },
  LegalHoldActive: { status: 409, title: "The bucket is under legal hold" },
  ObjectLockImmutable: { status: 409, title: "Object lock can only be set when the bucket is created" },
  IdempotencyKeyReused: { status: 422, title: "The Idempotency-Key was used with a different request" },
  PayloadTooLarge: { status: 413, title: "The request body is too large" },
  UnsupportedMediaType: { status: 415, title: "Send application/json" },
  RateLimited: { status: 429, title: "Too many requests" },
  InternalError: { status: 500, title: "Internal error" },
  ServiceUnavailable: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

/** `type` URI of a problem document. */
export function problemType(code: ControlErrorCode | string): string {
  return `urn:otterstorage:problem:${code}`;
}
