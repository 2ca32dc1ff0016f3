/**
 * Receiving bodies: stream to a temp file while hashing (MD5 for the ETag, SHA-256 when the signature covers the
 * payload hash, the flexible checksum when one is asked for), decode aws-chunked on the way, fsync, and verify
 * everything before the caller installs the file. Nothing is held in memory beyond one incoming buffer.
 */
import { createHash, type Hash } from "node:crypto";
import * as fsp from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { AwsChunkedDecoder } from "./auth/chunked";
import { checksumRequestOf, createChecksum, trailerChecksum, type ChecksumAlgorithm, type Checksummer, type ChecksumRequest } from "./auth/checksums";
import type { AuthResult } from "./auth/sigv4";
import { S3Error } from "./errors";
import type { ObjectStore } from "./objects";

/** AWS's single-PUT limit. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface ReceivedBody {
  /** The fsynced temp file, or null when the body was small enough to keep in memory (inline). */
  tmp: string | null;
  inline: Buffer | null;
  size: number;
  md5: string;
  /** The client's checksum (verified), or the default one computed when the client sent none and one was asked for. */
  checksum?: { algorithm: string; value: string };
}

/** Write `source` into a new temp file, fsync it; hashes see every byte. Removes the file on any failure. */
export async function spool(objects: ObjectStore, source: AsyncIterable<Buffer>, onData: (b: Buffer) => void): Promise<{ tmp: string; size: number }> {
  const tmp = objects.tempPath();
  const fh = await fsp.open(tmp, "wx", 0o600);
  let size = 0;
  try {
    for await (const chunk of source) {
      onData(chunk);
      size += chunk.length;
      let off = 0;
      while (off < chunk.length) off += (await fh.write(chunk, off, chunk.length - off)).bytesWritten;
    }
    await fh.sync();
    await fh.close();
    return { tmp, size };
  } catch (err) {
    await fh.close().catch(() => {});
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Decode aws-chunked on the fly, yielding payload slices. */
async function* decodeChunked(req: AsyncIterable<unknown>, decoder: AwsChunkedDecoder): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  const emit = (b: Buffer) => void out.push(b);
  for await (const buf of req) {
    decoder.push(buf as Buffer, emit);
    while (out.length) yield out.shift() as Buffer;
  }
  decoder.end();
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Read the request body of a PUT/UploadPart into a verified, fsynced temp file. Errors: XAmzContentSHA256Mismatch,
 * BadDigest (Content-MD5 or checksum), IncompleteBody, EntityTooLarge, SignatureDoesNotMatch (chunks).
 * `defaultChecksum`: the algorithm to compute, on the same pass over the bytes, when the request carries no checksum
 * of its own (PutObject: CRC64NVME, as AWS S3 does since its default data integrity protections,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 */
export async function receiveBody(
  req: IncomingMessage, auth: AuthResult, objects: ObjectStore, maxBytes = MAX_PUT_BYTES, inlineMax = 0, defaultChecksum?: ChecksumAlgorithm,
): Promise<ReceivedBody> {
  const payload = auth.payload;
  const chunked = payload.kind === "chunked";
  const declared = chunked ? headerValue(req, "x-amz-decoded-content-length") : headerValue(req, "content-length");
  if (chunked && declared === undefined && payload.signed) {
    throw new S3Error("MissingContentLength", "aws-chunked uploads need x-amz-decoded-content-length");
  }
  const declaredSize = declared === undefined ? undefined : Number(declared);
  if (declaredSize !== undefined && !(Number.isSafeInteger(declaredSize) && declaredSize >= 0)) {
    throw new S3Error("InvalidArgument", `${chunked ? "x-amz-decoded-content-length" : "Content-Length"} must be a whole number of bytes`);
  }
  if (declaredSize !== undefined && declaredSize > maxBytes) {
    throw new S3Error("EntityTooLarge", undefined, { ProposedSize: String(declaredSize), MaxSizeAllowed: String(maxBytes) });
  }
  const md5 = createHash("md5");
  const sha: Hash | null = payload.kind === "hash" ? createHash("sha256") : null;
  const want: ChecksumRequest | undefined = checksumRequestOf(req.headers);
  if (want?.trailer && !chunked) throw new S3Error("InvalidRequest", "x-amz-trailer needs an aws-chunked body (Content-Encoding: aws-chunked)");
  const sum: Checksummer | null = want ? createChecksum(want.algorithm) : null;
  const fallback: Checksummer | null = !want && defaultChecksum ? createChecksum(defaultChecksum) : null;
  const contentMd5 = headerValue(req, "content-md5");
  if (contentMd5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(contentMd5)) throw new S3Error("InvalidDigest");

  const decoder = chunked
    ? new AwsChunkedDecoder(payload.signed ? { signingKey: auth.signingKey, longDate: auth.longDate, scope: auth.scope, seedSignature: auth.seedSignature } : null, payload.trailer)
    : null;
  // destroyOnReturn: false keeps the socket alive when we stop early, so the error answer still reaches the client
  // (Node discards the unread rest of the body after the response).
  const raw = req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  const source: AsyncIterable<Buffer> = decoder ? decodeChunked(raw, decoder) : raw;
  let seen = 0;
  const onData = (b: Buffer) => {
    seen += b.length;
    if (seen > maxBytes) throw new S3Error("EntityTooLarge");
    md5.update(b);
    sha?.update(b);
    sum?.update(b);
    fallback?.update(b);
  };
  let tmp: string | null = null;
  let inline: Buffer | null = null;
  let size: number;
  if (declaredSize !== undefined && declaredSize <= inlineMax) {
    // Small and announced as such: keep it in memory (never more than inlineMax, whatever the client sends).
    const parts: Buffer[] = [];
    try {
      for await (const b of source) {
        onData(b);
        if (seen > inlineMax) throw new S3Error("IncompleteBody", `The body is longer than its declared length (${declaredSize} bytes).`);
        parts.push(Buffer.from(b));
      }
    } catch (e) {
      // A client that hangs up mid-body is an incomplete request, not an internal error (as for spooled bodies).
      throw e instanceof S3Error || req.complete ? e : new S3Error("IncompleteBody");
    }
    inline = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    size = inline.length;
  } else {
    ({ tmp, size } = await spool(objects, source, onData).catch((e: unknown) => {
      // A client that hangs up mid-body is an incomplete request, not an internal error.
      throw e instanceof S3Error || req.complete ? e : new S3Error("IncompleteBody");
    }));
  }
  try {
    if (!req.complete) throw new S3Error("IncompleteBody");
    if (declaredSize !== undefined && size !== declaredSize) {
      throw new S3Error("IncompleteBody", `You did not provide the number of bytes specified by the ${chunked ? "x-amz-decoded-content-length" : "Content-Length"} header (${declaredSize} declared, ${size} received).`);
    }
    if (sha && payload.kind === "hash" && sha.digest("hex") !== payload.sha256) {
      throw new S3Error("XAmzContentSHA256Mismatch", undefined, { ClientComputedContentSHA256: payload.sha256 });
    }
    const md5Bytes = md5.digest();
    if (contentMd5 !== undefined && md5Bytes.toString("base64") !== contentMd5) throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.");
    let checksum: ReceivedBody["checksum"];
    if (want && sum) {
      const actual = await sum.digest();
      const expected = want.trailer ? trailerChecksum(decoder!.trailers, want.algorithm) : want.expected;
      if (expected === undefined) throw new S3Error("InvalidRequest", `The x-amz-checksum-${want.algorithm} trailer declared in x-amz-trailer was not sent`);
      if (expected !== actual) throw new S3Error("BadDigest", `The ${want.algorithm.toUpperCase()} you specified did not match the calculated checksum.`);
      checksum = { algorithm: want.algorithm, value: actual };
    } else if (fallback && defaultChecksum) {
      checksum = { algorithm: defaultChecksum, value: await fallback.digest() };
    }
    return { tmp, inline, size, md5: md5Bytes.toString("hex"), checksum };
  } catch (err) {
    if (tmp) await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Copy from files (CopyObject, CompleteMultipartUpload) into a new fsynced temp file, with its MD5 (and `sum`, if given). */
export async function spoolFiles(
  objects: ObjectStore, files: Array<{ path: string; start?: number; end?: number }>, sum?: Checksummer,
): Promise<{ tmp: string; size: number; md5: string }> {
  const md5 = createHash("md5");
  async function* all() {
    for (const f of files) {
      const fh = await fsp.open(f.path, "r");
      try {
        for await (const chunk of fh.createReadStream({ start: f.start, end: f.end, highWaterMark: 1024 * 1024, autoClose: false })) yield chunk as Buffer;
      } finally {
        await fh.close();
      }
    }
  }
  const { tmp, size } = await spool(objects, all(), (b) => {
    md5.update(b);
    sum?.update(b);
  });
  return { tmp, size, md5: md5.digest("hex") };
}
