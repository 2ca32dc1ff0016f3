/** Node's crypto behind smithy's `HashConstructor` shape (hash when no secret, HMAC with one). */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";

export class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", typeof secret === "string" || ArrayBuffer.isView(secret) ? (secret as string | Uint8Array) : new Uint8Array(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.h.update(typeof data === "string" || ArrayBuffer.isView(data) ? (data as string | Uint8Array) : new Uint8Array(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.h.digest();
  }
}
