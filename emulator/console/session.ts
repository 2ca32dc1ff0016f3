/**
 * Console sessions, in memory only (a restart signs everyone out). The cookie carries a random 256-bit id; the
 * table is keyed by its SHA-256, so a heap dump holds no usable cookie. Each session has its own CSRF token
 * (a hidden field of every state-changing form, compared in constant time) and remembers the one-shot form
 * nonces it has consumed, so a reload that re-posts "Create access key" neither issues a second key nor shows a
 * secret again. Sessions expire after 12 hours idle, measured on the real clock (the service clock may be a test's
 * ManualClock moved by days).
 */
import * as crypto from "crypto";
import { safeEqual } from "../store/crypto";

export const SESSION_COOKIE = "otterstorage_console";
/** Before sign-in: a random value in this cookie and in the form's _csrf field (double submit), against login CSRF. */
export const SIGN_IN_COOKIE = "otterstorage_console_signin";
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 1000;
const MAX_NONCES = 1000;

export interface Session {
  csrf: string;
  lastSeen: number;
  usedNonces: Set<string>;
}

const hash = (id: string) => crypto.createHash("sha256").update(id).digest("hex");
export const randomToken = () => crypto.randomBytes(32).toString("base64url");

export class Sessions {
  private readonly table = new Map<string, Session>();
  constructor(private readonly now: () => number = Date.now) {}

  /** A new session; returns the cookie value. */
  create(): string {
    this.sweep();
    if (this.table.size >= MAX_SESSIONS) this.table.delete(this.table.keys().next().value as string);
    const id = randomToken();
    this.table.set(hash(id), { csrf: randomToken(), lastSeen: this.now(), usedNonces: new Set() });
    return id;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const h = hash(id);
    const s = this.table.get(h);
    if (!s) return undefined;
    if (this.now() - s.lastSeen > SESSION_IDLE_MS) {
      this.table.delete(h);
      return undefined;
    }
    s.lastSeen = this.now();
    return s;
  }

  /** Whether `id` names a live session, without touching it (the rate limit asks before any route runs). */
  peek(id: string): boolean {
    const s = this.table.get(hash(id));
    return s !== undefined && this.now() - s.lastSeen <= SESSION_IDLE_MS;
  }

  destroy(id: string | undefined): void {
    if (id) this.table.delete(hash(id));
  }

  /** Constant-time check of a form's CSRF field. */
  static csrfOk(s: Session, sent: unknown): boolean {
    return typeof sent === "string" && sent.length > 0 && safeEqual(sent, s.csrf);
  }

  /** True the first time a nonce is presented in this session, false on every repeat. */
  static consumeNonce(s: Session, nonce: string): boolean {
    if (s.usedNonces.has(nonce)) return false;
    if (s.usedNonces.size >= MAX_NONCES) s.usedNonces.delete(s.usedNonces.values().next().value as string);
    s.usedNonces.add(nonce);
    return true;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.table) if (t - s.lastSeen > SESSION_IDLE_MS) this.table.delete(k);
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const k = part.slice(0, eq).trim();
    if (k && !(k in out)) out[k] = part.slice(eq + 1).trim();
  }
  return out;
}
