/**
 * The one error class of the emulator's domain layer. `code` is a Control API catalogue code (api/errors.ts); the
 * control plane renders it as problem+json, the S3 plane maps it to its own XML codes. Branch on `code`, never on
 * the message.
 */
import { ControlErrorCode } from "otterstorage-api";

export interface FieldError {
  path: string;
  message: string;
}

export class StoreError extends Error {
  readonly code: ControlErrorCode;
  readonly detail: string;
  readonly errors?: FieldError[];
  constructor(code: ControlErrorCode, detail: string, errors?: FieldError[]) {
    super(detail);
    this.name = "StoreError";
    this.code = code;
    this.detail = detail;
    this.errors = errors;
  }
}

export const bucketNotFound = (name: string) => new StoreError("BucketNotFound", `Bucket '${name}' does not exist.`);
export const accessKeyNotFound = (bucket: string, id: string) =>
  new StoreError("AccessKeyNotFound", `Access key ${id} does not exist on bucket '${bucket}' (it was never issued there, or it was revoked).`);
export const legalHoldActive = (name: string, action: string) =>
  new StoreError("LegalHoldActive", `Bucket '${name}' is under legal hold, which blocks ${action}. Turn the hold off first (PATCH the bucket with {"legalHold": false}).`);
