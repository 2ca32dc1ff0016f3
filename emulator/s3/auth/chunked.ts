/**
 * aws-chunked body decoder (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
 * sigv4-streaming-trailers.html). A push parser: feed it buffers, it hands back the payload slices without copying,
 * verifies each chunk signature (signed modes) and collects trailing headers (checksums, trailer signature).
 *
 *   <hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n[<trailer>:<v>\r\n...]\r\n
 */
import { createHash, timingSafeEqual, type Hash } from "node:crypto";
import { S3Error } from "../errors";
import { CHUNK_ALGORITHM, EMPTY_SHA256, TRAILER_ALGORITHM } from "./constants";
import { hmacHex } from "./sigv4";

export interface ChunkSigning {
  signingKey: Uint8Array;
  longDate: string;
  scope: string;
  seedSignature: string;
}

const MAX_LINE = 4096;
const MAX_TRAILER_LINES = 16;

function bad(what: string): S3Error {
  return new S3Error("InvalidRequest", `Invalid aws-chunked body: ${what}`);
}

function sigEqual(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

type State = "size" | "data" | "dataEnd" | "trailer" | "done";

export class AwsChunkedDecoder {
  readonly trailers: Record<string, string> = {};
  decodedLength = 0;
  private state: State = "size";
  private line: Buffer[] = [];
  private lineLen = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private chunkHash: Hash | null = null;
  private chunkSig = "";
  private prevSig: string;
  private trailerLines: string[] = [];
  private lastChunk = false;

  constructor(private readonly signing: ChunkSigning | null, private readonly expectTrailer: boolean) {
    this.prevSig = signing?.seedSignature ?? "";
  }

  /** Feed bytes; `emit` receives payload slices (views into `buf`). Throws S3Error on any violation. */
  push(buf: Buffer, emit: (data: Buffer) => void): void {
    let pos = 0;
    const n = buf.length;
    while (pos < n) {
      switch (this.state) {
        case "size":
        case "trailer": {
          const nl = buf.indexOf(10, pos);
          const end = nl === -1 ? n : nl;
          this.lineLen += end - pos;
          if (this.lineLen > MAX_LINE) throw bad("a chunk header line is longer than 4096 bytes");
          this.line.push(buf.subarray(pos, end));
          if (nl === -1) return;
          pos = nl + 1;
          const raw = Buffer.concat(this.line).toString("latin1");
          this.line = [];
          this.lineLen = 0;
          if (!raw.endsWith("\r")) throw bad("lines must end with CRLF");
          const text = raw.slice(0, -1);
          if (this.state === "size") this.onSizeLine(text);
          else this.onTrailerLine(text);
          break;
        }
        case "data": {
          const take = Math.min(this.remaining, n - pos);
          const slice = buf.subarray(pos, pos + take);
          this.chunkHash?.update(slice);
          this.decodedLength += take;
          this.remaining -= take;
          pos += take;
          if (take > 0) emit(slice);
          if (this.remaining === 0) {
            this.state = "dataEnd";
            this.crlfSeen = 0;
          }
          break;
        }
        case "dataEnd": {
          const expected = this.crlfSeen === 0 ? 13 : 10;
          if (buf[pos] !== expected) throw bad("chunk data must be followed by CRLF");
          pos++;
          if (++this.crlfSeen === 2) {
            this.verifyChunk();
            this.state = "size";
          }
          break;
        }
        case "done":
          // Tolerate trailing CRLFs some clients add; anything else is garbage.
          if (buf[pos] !== 13 && buf[pos] !== 10) throw bad("bytes after the final chunk");
          pos++;
          break;
      }
    }
  }

  /** Call at end of stream: the body must have been complete. */
  end(): void {
    if (this.state === "done") return;
    // Some clients end right after the trailer lines without the closing blank line.
    if (this.state === "trailer" && this.lineLen === 0 && this.lastChunk) {
      this.finishTrailers();
      return;
    }
    throw new S3Error("IncompleteBody", "The aws-chunked body ended before its final (zero-length) chunk");
  }

  private onSizeLine(text: string): void {
    const semi = text.indexOf(";");
    const hex = semi === -1 ? text : text.slice(0, semi);
    if (!/^[0-9a-fA-F]{1,15}$/.test(hex)) throw bad(`chunk size '${hex.slice(0, 20)}' is not hexadecimal`);
    const size = parseInt(hex, 16);
    if (this.signing) {
      const ext = semi === -1 ? "" : text.slice(semi + 1);
      if (!ext.startsWith("chunk-signature=")) throw bad("signed streaming chunks need ';chunk-signature=<signature>'");
      this.chunkSig = ext.slice("chunk-signature=".length);
      if (!/^[0-9a-f]{64}$/.test(this.chunkSig)) throw bad("chunk-signature must be 64 lowercase hex characters");
      this.chunkHash = createHash("sha256");
    }
    if (size === 0) {
      this.lastChunk = true;
      this.verifyChunk();
      // Trailer lines (if any) follow, then one empty line.
      this.state = "trailer";
      return;
    }
    this.remaining = size;
    this.state = "data";
  }

  private onTrailerLine(text: string): void {
    if (text === "") {
      this.finishTrailers();
      return;
    }
    if (!this.expectTrailer) throw bad("unexpected trailer after the final chunk; send x-amz-trailer to declare one");
    if (this.trailerLines.length >= MAX_TRAILER_LINES) throw bad("too many trailer lines");
    const colon = text.indexOf(":");
    if (colon <= 0) throw bad("trailer lines must be '<name>:<value>'");
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name === "x-amz-trailer-signature") {
      this.verifyTrailer(value);
      return;
    }
    this.trailers[name] = value;
    this.trailerLines.push(`${name}:${value}\n`);
  }

  private finishTrailers(): void {
    if (this.signing && this.expectTrailer && this.trailerLines.length > 0 && !this.trailerSigned) {
      throw new S3Error("SignatureDoesNotMatch", "The trailing headers of a signed streaming upload need x-amz-trailer-signature");
    }
    this.state = "done";
  }

  private trailerSigned = false;

  private verifyChunk(): void {
    if (!this.signing || !this.chunkHash) return;
    const { signingKey, longDate, scope } = this.signing;
    const sts = `${CHUNK_ALGORITHM}\n${longDate}\n${scope}\n${this.prevSig}\n${EMPTY_SHA256}\n${this.chunkHash.digest("hex")}`;
    const expected = hmacHex(signingKey, sts);
    if (!sigEqual(expected, this.chunkSig)) throw new S3Error("SignatureDoesNotMatch", "The chunk signature of an aws-chunked upload does not match");
    this.prevSig = this.chunkSig;
    this.chunkHash = null;
  }

  private verifyTrailer(sig: string): void {
    if (!this.signing) throw bad("x-amz-trailer-signature in an unsigned streaming upload");
    const { signingKey, longDate, scope } = this.signing;
    const hash = createHash("sha256").update(this.trailerLines.join("")).digest("hex");
    const expected = hmacHex(signingKey, `${TRAILER_ALGORITHM}\n${longDate}\n${scope}\n${this.prevSig}\n${hash}`);
    if (!sigEqual(expected, sig)) throw new S3Error("SignatureDoesNotMatch", "The trailer signature of an aws-chunked upload does not match");
    this.trailerSigned = true;
  }
}
