/**
 * SigV4 for the S3 data plane, provider side: @smithy/signature-v4 (a runtime dependency; the AWS SDK is only a
 * devDependency) with Node's crypto as its hash. One signer setup for the readiness probe (a signed HeadBucket,
 * provider/readiness.ts) and for presigned URLs (sdk/presign.ts).
 */
import { createHash, createHmac, type Hash, type Hmac } from "crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** Node's crypto behind smithy's HashConstructor shape. */
export class Sha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}
function toBytes(d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof d === "string") return d;
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  return new Uint8Array(d);
}

export interface S3SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A signer for path-style S3 requests: the path is signed as sent (S3 does not double-escape), no checksums added. */
export function s3Signer(region: string, c: S3SigningCredentials): SignatureV4 {
  return new SignatureV4({
    service: "s3",
    region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
}
