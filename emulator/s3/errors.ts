/**
 * S3 error catalogue, as data: `code -> { status, message }` with AWS's wording
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). One error class, one serializer
 * (`errorXml`), used by the single boundary in server.ts. Unknown errors become InternalError there, without
 * internals. docs/s3-compatibility.md lists the same table; tests/s3-errors.test.ts keeps the two in step.
 */
import { xmlEscape } from "./xml";

export const S3_ERRORS = {
  AccessDenied: { status: 403, message: "Access Denied" },
  AuthorizationHeaderMalformed: { status: 400, message: "The authorization header is malformed." },
  AuthorizationQueryParametersError: { status: 400, message: "Error parsing the X-Amz-Credential parameter." },
  BucketAlreadyOwnedByYou: { status: 409, message: "Your previous request to create the named bucket succeeded and you already own it." },
  BadDigest: { status: 400, message: "The Content-MD5 or checksum value that you specified did not match what the server received." },
  EntityTooSmall: { status: 400, message: "Your proposed upload is smaller than the minimum allowed object size." },
  EntityTooLarge: { status: 400, message: "Your proposed upload exceeds the maximum allowed object size." },
  ExpiredToken: { status: 403, message: "The provided token has expired." },
  IncompleteBody: { status: 400, message: "You did not provide the number of bytes specified by the Content-Length HTTP header." },
  InternalError: { status: 500, message: "We encountered an internal error. Please try again." },
  InvalidAccessKeyId: { status: 403, message: "The AWS Access Key Id you provided does not exist in our records." },
  InvalidArgument: { status: 400, message: "Invalid Argument" },
  InvalidBucketState: { status: 409, message: "The request is not valid with the current state of the bucket." },
  InvalidDigest: { status: 400, message: "The Content-MD5 you specified is not valid." },
  InvalidPart: { status: 400, message: "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag." },
  InvalidPartOrder: { status: 400, message: "The list of parts was not in ascending order. The parts list must be specified in order by part number." },
  InvalidRange: { status: 416, message: "The requested range is not satisfiable" },
  InvalidRequest: { status: 400, message: "Invalid Request" },
  InvalidRetentionPeriod: { status: 400, message: "Default retention period must be a positive integer value." },
  InvalidTag: { status: 400, message: "The tag provided was not a valid tag." },
  InvalidToken: { status: 400, message: "The provided token is malformed or otherwise invalid." },
  InvalidURI: { status: 400, message: "Couldn't parse the specified URI." },
  KeyTooLongError: { status: 400, message: "Your key is too long." },
  MalformedXML: { status: 400, message: "The XML you provided was not well-formed or did not validate against our published schema." },
  MetadataTooLarge: { status: 400, message: "Your metadata headers exceed the maximum allowed metadata size." },
  MethodNotAllowed: { status: 405, message: "The specified method is not allowed against this resource." },
  MissingContentLength: { status: 411, message: "You must provide the Content-Length HTTP header." },
  NoSuchBucket: { status: 404, message: "The specified bucket does not exist" },
  NoSuchKey: { status: 404, message: "The specified key does not exist." },
  NoSuchLifecycleConfiguration: { status: 404, message: "The lifecycle configuration does not exist" },
  NoSuchUpload: { status: 404, message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed." },
  NoSuchVersion: { status: 404, message: "The specified version does not exist." },
  NoSuchObjectLockConfiguration: { status: 404, message: "The specified object does not have a ObjectLock configuration" },
  NotImplemented: { status: 501, message: "A header you provided implies functionality that is not implemented." },
  ObjectLockConfigurationNotFoundError: { status: 404, message: "Object Lock configuration does not exist for this bucket" },
  PreconditionFailed: { status: 412, message: "At least one of the pre-conditions you specified did not hold" },
  NotModified: { status: 304, message: "Not Modified" },
  RequestTimeTooSkewed: { status: 403, message: "The difference between the request time and the server's time is too large." },
  SignatureDoesNotMatch: { status: 403, message: "The request signature we calculated does not match the signature you provided. Check your key and signing method." },
  XAmzContentSHA256Mismatch: { status: 400, message: "The provided 'x-amz-content-sha256' header does not match what was computed." },
} as const satisfies Record<string, { status: number; message: string }>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

/** One error type for the whole data plane; `detail` becomes extra `<Error>` children, as AWS sends. */
export class S3Error extends Error {
  readonly status: number;
  constructor(
    readonly code: S3ErrorCode,
    message?: string,
    readonly detail: Record<string, string> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? S3_ERRORS[code].message);
    this.name = "S3Error";
    this.status = S3_ERRORS[code].status;
  }
}

/** Named factories for the families that need specific wording. */
export const Errors = {
  legalHold: (bucket: string) =>
    new S3Error("AccessDenied", `Access Denied: bucket '${bucket}' is under legal hold; writes and deletes are refused until the hold is lifted (reads keep working)`),
  foreignBucket: (bucket: string) =>
    new S3Error("AccessDenied", `Access Denied: this access key is bound to another bucket and cannot access '${bucket}'`),
  malformedAuth: (what: string) => new S3Error("AuthorizationHeaderMalformed", `The authorization header is malformed; ${what}`),
  badQueryAuth: (what: string) => new S3Error("AuthorizationQueryParametersError", what),
  invalidArgument: (name: string, value: string, what: string) =>
    new S3Error("InvalidArgument", what, { ArgumentName: name, ArgumentValue: value }),
  malformedXml: (what: string) => new S3Error("MalformedXML", `${S3_ERRORS.MalformedXML.message} ${what}`),
};

/** Serialize as S3's XML error body. `resource` is the request path; never a secret. */
export function errorXml(err: S3Error, resource: string, requestId: string): string {
  let extra = "";
  for (const [k, v] of Object.entries(err.detail)) extra += `<${k}>${xmlEscape(v)}</${k}>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${err.code}</Code><Message>${xmlEscape(err.message)}</Message>` +
    `<Resource>${xmlEscape(resource)}</Resource><RequestId>${requestId}</RequestId>${extra}</Error>`
  );
}

/** Anything that is not an S3Error becomes InternalError; the original message is never sent. */
export function toS3Error(err: unknown): S3Error {
  return err instanceof S3Error ? err : new S3Error("InternalError");
}
