/** SigV4 constants for the data plane, in one place. */
export const ALGORITHM = "AWS4-HMAC-SHA256";
export const SERVICE = "s3";
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60; // 604800, AWS's limit for SigV4 presigned URLs
export const MAX_SKEW_MS = 15 * 60 * 1000; // RequestTimeTooSkewed beyond this
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
export const STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
export const STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
export const CHUNK_ALGORITHM = "AWS4-HMAC-SHA256-PAYLOAD";
export const TRAILER_ALGORITHM = "AWS4-HMAC-SHA256-TRAILER";

/** How the body is protected, from x-amz-content-sha256. */
export type PayloadMode =
  | { kind: "hash"; sha256: string }
  | { kind: "unsigned" }
  | { kind: "chunked"; signed: boolean; trailer: boolean };
