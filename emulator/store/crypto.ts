/**
 * Secrets at rest: AES-256-GCM under a 32-byte master key kept in `<dataDir>/master.key` (mode 0600).
 * Every ciphertext is bound to what it protects through the GCM additional data (e.g. `key-secret:OTTR…`), so a
 * ciphertext copied into another row does not decrypt. Layout of a sealed blob: version(1) | iv(12) | tag(16) | ct.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

export const MASTER_KEY_FILE = "master.key";
const VERSION = 1;
const IV_LEN = 12;
const TAG_LEN = 16;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** A throw-away key (for `--memory`). */
  static ephemeral(): SecretBox {
    return new SecretBox(crypto.randomBytes(32));
  }

  /**
   * Loads `<dataDir>/master.key`, creating it (0600, exclusive create) on first start. A key file readable by group
   * or others is tightened to 0600 and reported through `warn`.
   */
  static fromDataDir(dataDir: string, warn: (m: string) => void = () => {}): SecretBox {
    const file = path.join(dataDir, MASTER_KEY_FILE);
    try {
      const fd = fs.openSync(file, "wx", 0o600);
      try {
        fs.writeSync(fd, crypto.randomBytes(32));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const st = fs.statSync(file);
    if ((st.mode & 0o077) !== 0) {
      fs.chmodSync(file, 0o600);
      warn(`${file} was readable by group or others; its mode is now 0600`);
    }
    const key = fs.readFileSync(file);
    if (key.length !== 32) {
      throw new Error(`${file} must hold exactly 32 bytes (found ${key.length}); restore it from a backup, or start with a fresh --data-dir`);
    }
    return new SecretBox(key);
  }

  seal(plaintext: string, context: string): Buffer {
    const iv = crypto.randomBytes(IV_LEN);
    const c = crypto.createCipheriv("aes-256-gcm", this.key, iv);
    c.setAAD(Buffer.from(context, "utf8"));
    const ct = Buffer.concat([c.update(plaintext, "utf8"), c.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, c.getAuthTag(), ct]);
  }

  open(blob: Buffer, context: string): string {
    if (blob.length < 1 + IV_LEN + TAG_LEN || blob[0] !== VERSION) throw new Error(`sealed value for ${context.split(":")[0]} is malformed`);
    const iv = blob.subarray(1, 1 + IV_LEN);
    const tag = blob.subarray(1 + IV_LEN, 1 + IV_LEN + TAG_LEN);
    const d = crypto.createDecipheriv("aes-256-gcm", this.key, iv);
    d.setAAD(Buffer.from(context, "utf8"));
    d.setAuthTag(tag);
    try {
      return Buffer.concat([d.update(blob.subarray(1 + IV_LEN + TAG_LEN)), d.final()]).toString("utf8");
    } catch {
      // Never echo the context's secret part; the kind is enough to diagnose a wrong master.key.
      throw new Error(`cannot decrypt a stored ${context.split(":")[0]}: master.key does not match this database`);
    }
  }
}

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * `n` characters drawn uniformly from `alphabet` with the CSPRNG. Rejection sampling: bytes >= the largest
 * multiple of the alphabet size below 256 are discarded, so there is no modulo bias.
 */
export function randomString(alphabet: string, n: number): string {
  const size = alphabet.length;
  if (size < 2 || size > 256) throw new RangeError("alphabet must have 2..256 characters");
  const limit = 256 - (256 % size);
  let out = "";
  while (out.length < n) {
    const buf = crypto.randomBytes(Math.max(16, (n - out.length) * 2));
    for (let i = 0; i < buf.length && out.length < n; i++) {
      if (buf[i] < limit) out += alphabet[buf[i] % size];
    }
  }
  return out;
}

export const newAccessKeyId = () => "OTTR" + randomString(UPPER_DIGITS, 16);
export const newTemporaryKeyId = () => "STS" + randomString(UPPER_DIGITS, 17);
export const newSecretAccessKey = () => randomString(ALNUM, 40);
/** Session tokens look like the classic AWS ones: long base64. 96 random bytes -> 128 characters. */
export const newSessionToken = () => crypto.randomBytes(96).toString("base64");
/** Account tokens: `otk_` + 43 alphanumerics (~256 bits). */
export const newAccountToken = () => "otk_" + randomString(ALNUM, 43);

/** Constant-time string equality (hash first, so lengths do not leak either). */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a, "utf8").digest();
  const hb = crypto.createHash("sha256").update(b, "utf8").digest();
  return crypto.timingSafeEqual(ha, hb);
}
