/**
 * Flexible checksums (x-amz-checksum-*): CRC32, CRC32C, CRC64NVME, SHA1, SHA256. Values travel as base64 of the
 * big-endian digest. Computed while streaming; compared after the last byte (mismatch -> BadDigest).
 */
import { createHash, type Hash } from "node:crypto";
import { crc32 } from "node:zlib";
import { Crc32c } from "@aws-crypto/crc32c";
import { Crc64NvmeFast } from "./crc64nvme";
import { S3Error } from "../errors";

export const CHECKSUM_ALGORITHMS = ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export interface Checksummer {
  update(data: Uint8Array): void;
  digest(): Promise<string>;
}

function u32(n: number): string {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString("base64");
}

class Crc32Sum implements Checksummer {
  private v = 0;
  update(data: Uint8Array) { this.v = crc32(data, this.v); }
  async digest() { return u32(this.v); }
}
class Crc32cSum implements Checksummer {
  private c = new Crc32c();
  update(data: Uint8Array) { this.c.update(data); }
  async digest() { return u32(this.c.digest()); }
}
class Crc64Sum implements Checksummer {
  private c = new Crc64NvmeFast();
  update(data: Uint8Array) { this.c.update(data); }
  async digest() { return this.c.digest().toString("base64"); }
}
class ShaSum implements Checksummer {
  private h: Hash;
  constructor(alg: "sha1" | "sha256") { this.h = createHash(alg); }
  update(data: Uint8Array) { this.h.update(data); }
  async digest() { return this.h.digest("base64"); }
}

export function createChecksum(alg: ChecksumAlgorithm): Checksummer {
  switch (alg) {
    case "crc32": return new Crc32Sum();
    case "crc32c": return new Crc32cSum();
    case "crc64nvme": return new Crc64Sum();
    case "sha1": return new ShaSum("sha1");
    case "sha256": return new ShaSum("sha256");
  }
}

/** The checksum a request asks for: a header value now, or a trailer to come (x-amz-trailer). */
export interface ChecksumRequest {
  algorithm: ChecksumAlgorithm;
  /** base64 value from the header; undefined when it arrives as a trailer. */
  expected?: string;
  trailer: boolean;
}

function algOfHeaderName(name: string): ChecksumAlgorithm | undefined {
  if (!name.startsWith("x-amz-checksum-")) return undefined;
  const alg = name.slice("x-amz-checksum-".length);
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(alg) ? (alg as ChecksumAlgorithm) : undefined;
}

export function checksumRequestOf(headers: Record<string, string | string[] | undefined>): ChecksumRequest | undefined {
  const trailer = headers["x-amz-trailer"];
  if (typeof trailer === "string" && trailer !== "") {
    const alg = algOfHeaderName(trailer.trim().toLowerCase());
    if (!alg) throw new S3Error("InvalidRequest", `x-amz-trailer '${trailer}' is not supported; use x-amz-checksum-crc32, -crc32c, -crc64nvme, -sha1 or -sha256`);
    return { algorithm: alg, trailer: true };
  }
  for (const alg of CHECKSUM_ALGORITHMS) {
    const v = headers[`x-amz-checksum-${alg}`];
    if (typeof v === "string") return { algorithm: alg, expected: v, trailer: false };
  }
  return undefined;
}

export function trailerChecksum(trailers: Record<string, string>, alg: ChecksumAlgorithm): string | undefined {
  return trailers[`x-amz-checksum-${alg}`];
}
