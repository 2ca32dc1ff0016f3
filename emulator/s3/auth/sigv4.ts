/**
 * SigV4 verification for the data plane: Authorization header and presigned query strings. The canonical request,
 * string to sign and signing key come from @smithy/signature-v4 (the implementation the AWS SDKs use); we only
 * parse what the client sent and compare in constant time. One linear function per mode with early typed returns
 * (the shape of versitygw's VerifyV4Signature).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { SignatureV4Base, getCanonicalHeaders, getSigningKey } from "@smithy/signature-v4";
import type { HeaderBag } from "@smithy/types";
import type { CredentialRecord, StoreLike } from "../contract";
import { Errors, S3Error } from "../errors";
import {
  ALGORITHM, MAX_PRESIGN_SECONDS, MAX_SKEW_MS, SERVICE, STREAMING_SIGNED, STREAMING_SIGNED_TRAILER,
  STREAMING_UNSIGNED_TRAILER, UNSIGNED_PAYLOAD, type PayloadMode,
} from "./constants";
import { headerText, utf8Reading } from "./headerText";
import { NodeSha256 } from "./sha256";

/** What a request looks like to the verifier: raw (still percent-encoded) path, decoded query. */
export interface SignedRequest {
  method: string;
  rawPath: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
}

export interface AuthResult {
  credential: CredentialRecord;
  presigned: boolean;
  payload: PayloadMode;
  /** For chunk signatures: key, date, scope and the seed signature. */
  signingKey: Uint8Array;
  longDate: string;
  scope: string;
  seedSignature: string;
}

/** Exposes smithy's (protected) canonical-request and string-to-sign builders. */
class Canonicalizer extends SignatureV4Base {
  constructor() {
    super({ service: SERVICE, region: "unused", credentials: { accessKeyId: "", secretAccessKey: "" }, sha256: NodeSha256, uriEscapePath: false });
  }
  canonicalRequest(method: string, path: string, query: Record<string, string | string[]>, headers: HeaderBag, payloadHash: string): string {
    return this.createCanonicalRequest({ method, path, query, headers, protocol: "http:", hostname: "", } as never, headers, payloadHash);
  }
  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM);
  }
}
const canonicalizer = new Canonicalizer();

const LONG_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEX64 = /^[0-9a-f]{64}$/;

export function parseLongDate(s: string | undefined): number | undefined {
  const m = s ? LONG_DATE.exec(s) : null;
  if (!m) return undefined;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return Number.isFinite(t) ? t : undefined;
}

function header(req: SignedRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

function queryOne(req: SignedRequest, name: string): string | undefined {
  const v = req.query[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Credential=AKID/20240101/eu-mad/s3/aws4_request */
function parseCredential(value: string, fail: (what: string) => S3Error, expectService: string = SERVICE) {
  const parts = value.split("/");
  if (parts.length !== 5 || !parts[0]) throw fail(`the Credential must be <access-key-id>/<YYYYMMDD>/<region>/${expectService}/aws4_request, got a value with ${parts.length} parts`);
  const [accessKeyId, shortDate, region, service, terminator] = parts;
  if (!/^\d{8}$/.test(shortDate)) throw fail("the Credential date must be YYYYMMDD");
  if (service !== expectService) throw fail(`the Credential service must be '${expectService}', got '${service}'`);
  if (terminator !== "aws4_request") throw fail("the Credential must end with 'aws4_request'");
  return { accessKeyId, shortDate, region, scope: `${shortDate}/${region}/${service}/${terminator}` };
}

/** AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=… */
export function parseAuthorizationHeader(value: string, expectService: string = SERVICE) {
  if (!value.startsWith(ALGORITHM + " ")) {
    throw new S3Error("InvalidRequest", "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
  }
  const fields: Record<string, string> = {};
  for (const part of value.slice(ALGORITHM.length + 1).split(",")) {
    const p = part.trim();
    const eq = p.indexOf("=");
    if (eq <= 0) throw Errors.malformedAuth("it requires three components: Credential, SignedHeaders, and Signature");
    fields[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const { Credential, SignedHeaders, Signature } = fields;
  if (!Credential || !SignedHeaders || !Signature) {
    throw Errors.malformedAuth("it requires three components: Credential, SignedHeaders, and Signature");
  }
  if (!HEX64.test(Signature)) throw Errors.malformedAuth("the Signature must be 64 lowercase hex characters");
  return { ...parseCredential(Credential, Errors.malformedAuth, expectService), signedHeaders: SignedHeaders.split(";"), signature: Signature };
}

export function payloadModeOf(value: string | undefined, presigned: boolean): PayloadMode {
  if (value === undefined) {
    if (presigned) return { kind: "unsigned" };
    throw new S3Error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  if (HEX64.test(value)) return { kind: "hash", sha256: value };
  switch (value) {
    case UNSIGNED_PAYLOAD: return { kind: "unsigned" };
    case STREAMING_SIGNED: return { kind: "chunked", signed: true, trailer: false };
    case STREAMING_SIGNED_TRAILER: return { kind: "chunked", signed: true, trailer: true };
    case STREAMING_UNSIGNED_TRAILER: return { kind: "chunked", signed: false, trailer: true };
  }
  throw Errors.invalidArgument("x-amz-content-sha256", value,
    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], STREAMING-UNSIGNED-PAYLOAD-TRAILER or a lowercase hex SHA-256");
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hmacHex(key: Uint8Array, data: string): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

/** Look the key up and apply the key-level rules (unknown, revoked, expired, token). */
function resolve(store: StoreLike, accessKeyId: string, token: string | undefined, now: number): CredentialRecord {
  const cred = store.resolveCredential(accessKeyId);
  if (!cred) throw new S3Error("InvalidAccessKeyId", undefined, { AWSAccessKeyId: accessKeyId });
  if (cred.kind === "temporary") {
    if (token === undefined || !cred.sessionToken || !safeEqual(token, cred.sessionToken)) {
      throw new S3Error("InvalidToken", "The provided token is malformed or otherwise invalid: temporary credentials need their session token in x-amz-security-token.");
    }
    if (cred.expiresAt !== undefined && now >= cred.expiresAt) throw new S3Error("ExpiredToken");
  } else if (token !== undefined && token !== "") {
    throw new S3Error("InvalidToken", "The provided token is malformed or otherwise invalid: a permanent access key takes no session token.");
  }
  return cred;
}

function checkRegion(region: string, allowed: readonly string[], fail: (what: string) => S3Error): void {
  if (!allowed.includes(region)) throw fail(`the region '${region}' is wrong; expecting '${allowed[0]}'`);
}

export interface SignatureInput {
  signedHeaders: readonly string[];
  /** The payload hash as signed: x-amz-content-sha256, or the hex SHA-256 of the body for other services. */
  payloadHash: string;
  longDate: string;
  shortDate: string;
  region: string;
  service: string;
  secretAccessKey: string;
}

/**
 * The canonical request, string to sign and signature of `req` (pure: no key lookup, no clock). The verifier's
 * own computation, exported so tests/s3-sigv4-vectors.test.ts can hold it to AWS's published SigV4 test suite
 * (which signs for service "service") and to requests captured from real clients.
 */
export async function signatureOf(req: SignedRequest, p: SignatureInput, fail: (what: string) => S3Error = Errors.malformedAuth, utf8 = false) {
  const headers: HeaderBag = {};
  for (const name of p.signedHeaders) {
    const v = header(req, name);
    if (v === undefined) throw fail(`the signed header '${name}' is missing from the request`);
    headers[name] = utf8 ? headerText(v) : v;
  }
  const canonicalRequest = canonicalizer.canonicalRequest(req.method, req.rawPath, req.query,
    getCanonicalHeaders({ headers } as never, undefined, new Set(p.signedHeaders)), p.payloadHash);
  const scope = `${p.shortDate}/${p.region}/${p.service}/aws4_request`;
  const stringToSign = await canonicalizer.stringToSign(p.longDate, scope, canonicalRequest);
  const key = await getSigningKey(NodeSha256, { accessKeyId: "", secretAccessKey: p.secretAccessKey }, p.shortDate, p.region, p.service);
  return { canonicalRequest, stringToSign, signature: hmacHex(key, stringToSign), key };
}

/**
 * Whether the Authorization header `authz` signs `req` with `secretAccessKey`: the header mode's signature
 * comparison alone (no key lookup, clock, region or payload-mode rules), for any service.
 */
export async function authorizationSigns(req: SignedRequest, authz: string, secretAccessKey: string, payloadHash: string, service: string = SERVICE): Promise<boolean> {
  const auth = parseAuthorizationHeader(authz, service);
  const longDate = header(req, "x-amz-date");
  if (!longDate || longDate.slice(0, 8) !== auth.shortDate) return false;
  const { signature } = await signatureOf(req, { signedHeaders: auth.signedHeaders, payloadHash, longDate, shortDate: auth.shortDate, region: auth.region, service, secretAccessKey });
  return safeEqual(signature, auth.signature);
}

async function expectedSignature(
  req: SignedRequest, cred: CredentialRecord, signedHeaders: string[], payloadHash: string,
  longDate: string, shortDate: string, region: string, fail: (what: string) => S3Error,
) {
  const input = { signedHeaders, payloadHash, longDate, shortDate, region, service: SERVICE, secretAccessKey: cred.secretAccessKey };
  const r = await signatureOf(req, input, fail);
  // Non-ASCII header values sent as UTF-8 bytes (the JavaScript SDK) were signed as that text (auth/headerText.ts).
  const alternative = signedHeaders.some((n) => {
    const v = header(req, n);
    return v !== undefined && utf8Reading(v) !== undefined;
  });
  const alt = alternative ? await signatureOf(req, input, fail, true) : undefined;
  return { signature: r.signature, alternative: alt?.signature, stringToSign: r.stringToSign, key: r.key };
}

/** Constant-time match against the signature as received, or its UTF-8 reading when there is one. */
function signatureMatches(expected: { signature: string; alternative?: string }, given: string): boolean {
  const a = safeEqual(expected.signature, given);
  const b = expected.alternative !== undefined && safeEqual(expected.alternative, given);
  return a || b;
}

export interface VerifyOptions {
  store: StoreLike;
  /** Regions a scope may name: the service's, plus the bucket's when it differs. */
  regions: readonly string[];
}

/** Authenticate a request by header or presigned query. Throws S3Error; returns the credential and body mode. */
export async function verifyRequest(req: SignedRequest, { store, regions }: VerifyOptions): Promise<AuthResult> {
  const authz = header(req, "authorization");
  const presignAlg = queryOne(req, "X-Amz-Algorithm");
  if (authz !== undefined && presignAlg !== undefined) {
    throw new S3Error("InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified");
  }
  if (presignAlg !== undefined) return verifyPresigned(req, presignAlg, store, regions);
  if (authz === undefined) throw new S3Error("AccessDenied", "Access Denied: anonymous requests are not allowed; sign requests with SigV4 and a bucket access key");
  return verifyHeader(req, authz, store, regions);
}

async function verifyHeader(req: SignedRequest, authz: string, store: StoreLike, regions: readonly string[]): Promise<AuthResult> {
  const auth = parseAuthorizationHeader(authz);
  if (!auth.signedHeaders.includes("host")) throw Errors.malformedAuth("SignedHeaders must include 'host'");
  const longDate = header(req, "x-amz-date");
  let requestTime = parseLongDate(longDate);
  if (longDate === undefined) {
    const d = header(req, "date");
    requestTime = d ? Date.parse(d) : undefined;
  }
  if (requestTime === undefined || Number.isNaN(requestTime)) {
    throw new S3Error("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
  }
  const now = store.clock.now();
  if (Math.abs(now - requestTime) > MAX_SKEW_MS) {
    throw new S3Error("RequestTimeTooSkewed", undefined, { RequestTime: longDate ?? "", ServerTime: new Date(now).toISOString(), MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS) });
  }
  const amzDate = longDate ?? new Date(requestTime).toISOString().replace(/[-:]|\.\d{3}/g, "");
  if (amzDate.slice(0, 8) !== auth.shortDate) throw Errors.malformedAuth(`the Credential date '${auth.shortDate}' does not match the request date '${amzDate.slice(0, 8)}'`);
  checkRegion(auth.region, regions, Errors.malformedAuth);
  const cred = resolve(store, auth.accessKeyId, header(req, "x-amz-security-token"), now);
  const contentSha = header(req, "x-amz-content-sha256");
  const payload = payloadModeOf(contentSha, false);
  const expected = await expectedSignature(req, cred, auth.signedHeaders, contentSha as string, amzDate, auth.shortDate, auth.region, Errors.malformedAuth);
  const { stringToSign, key } = expected;
  if (!signatureMatches(expected, auth.signature)) {
    throw new S3Error("SignatureDoesNotMatch", undefined, { AWSAccessKeyId: cred.accessKeyId, StringToSign: stringToSign });
  }
  return { credential: cred, presigned: false, payload, signingKey: key, longDate: amzDate, scope: auth.scope, seedSignature: auth.signature };
}

/**
 * A presigned URL grants what its signer signed, nothing more: x-amz-* headers the URL does not sign would change
 * what the request does (x-amz-copy-source, x-amz-bypass-governance-retention, x-amz-meta-*, x-amz-tagging...), so
 * a request carrying any is refused, as AWS does ("There were headers present in the request which were not
 * signed", with HeadersNotSigned). Exempt: the ones the query itself names (X-Amz-Security-Token sent both ways).
 */
function assertAmzHeadersSigned(req: SignedRequest, signedHeaders: readonly string[]): void {
  const signed = new Set(signedHeaders);
  const inQuery = new Set(Object.keys(req.query).map((k) => k.toLowerCase()));
  const unsigned = Object.keys(req.headers).filter((n) => n.startsWith("x-amz-") && !signed.has(n) && !inQuery.has(n));
  if (unsigned.length) {
    throw new S3Error("AccessDenied", "There were headers present in the request which were not signed", { HeadersNotSigned: unsigned.sort().join(", ") });
  }
}

async function verifyPresigned(req: SignedRequest, alg: string, store: StoreLike, regions: readonly string[]): Promise<AuthResult> {
  if (alg !== ALGORITHM) throw Errors.badQueryAuth(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const credential = queryOne(req, "X-Amz-Credential");
  const longDate = queryOne(req, "X-Amz-Date");
  const expires = queryOne(req, "X-Amz-Expires");
  const signedHeaders = queryOne(req, "X-Amz-SignedHeaders");
  const signature = queryOne(req, "X-Amz-Signature");
  if (!credential) throw Errors.badQueryAuth("Error parsing the X-Amz-Credential parameter; the parameter is missing");
  const cr = parseCredential(credential, (what) => Errors.badQueryAuth(`Error parsing the X-Amz-Credential parameter; ${what}`));
  const signedAt = parseLongDate(longDate);
  if (signedAt === undefined) throw Errors.badQueryAuth("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  if (expires === undefined || !/^\d{1,7}$/.test(expires)) throw Errors.badQueryAuth("X-Amz-Expires must be a non-negative whole number of seconds");
  const ttl = Number(expires);
  if (ttl > MAX_PRESIGN_SECONDS) throw Errors.badQueryAuth(`X-Amz-Expires must be less than a week (in seconds) that is; the maximum expires is ${MAX_PRESIGN_SECONDS}`);
  if (!signedHeaders) throw Errors.badQueryAuth("X-Amz-SignedHeaders is missing");
  if (!signature || !HEX64.test(signature)) throw Errors.badQueryAuth("X-Amz-Signature must be 64 lowercase hex characters");
  if ((longDate as string).slice(0, 8) !== cr.shortDate) throw Errors.badQueryAuth("the X-Amz-Credential date does not match X-Amz-Date");
  checkRegion(cr.region, regions, (what) => Errors.badQueryAuth(`Error parsing the X-Amz-Credential parameter; ${what}`));
  const now = store.clock.now();
  if (signedAt - now > MAX_SKEW_MS) throw new S3Error("AccessDenied", "Request is not valid yet");
  // Signature before expiry: X-Amz-Date and X-Amz-Expires are signed, so only an intact URL can claim to be
  // expired; a tampered one (e.g. a longer X-Amz-Expires) answers SignatureDoesNotMatch.
  const cred = resolve(store, cr.accessKeyId, queryOne(req, "X-Amz-Security-Token"), now);
  const headersList = signedHeaders.split(";");
  if (!headersList.includes("host")) throw Errors.badQueryAuth("X-Amz-SignedHeaders must include 'host'");
  assertAmzHeadersSigned(req, headersList);
  const contentSha = header(req, "x-amz-content-sha256");
  const payloadHash = headersList.includes("x-amz-content-sha256") && contentSha ? contentSha : UNSIGNED_PAYLOAD;
  const expected = await expectedSignature(req, cred, headersList, payloadHash, longDate as string, cr.shortDate, cr.region,
    (what) => Errors.badQueryAuth(`X-Amz-SignedHeaders: ${what}`));
  const { stringToSign, key } = expected;
  if (!signatureMatches(expected, signature)) {
    throw new S3Error("SignatureDoesNotMatch", undefined, { AWSAccessKeyId: cred.accessKeyId, StringToSign: stringToSign });
  }
  if (now > signedAt + ttl * 1000) {
    throw new S3Error("AccessDenied", "Request has expired", { Expires: new Date(signedAt + ttl * 1000).toISOString(), ServerTime: new Date(now).toISOString() });
  }
  const payload = payloadHash === UNSIGNED_PAYLOAD ? ({ kind: "unsigned" } as const) : payloadModeOf(payloadHash, true);
  return { credential: cred, presigned: true, payload, signingKey: key, longDate: longDate as string, scope: cr.scope, seedSignature: signature };
}
