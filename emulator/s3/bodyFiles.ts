/**
 * Body files under <dataDir>/objects.
 *
 * Body files are named by random ids, never by object key, so no key ("../x", "/etc/passwd", "a/../../b") can
 * address a path outside objects/. A body is written to objects/tmp, fsynced, renamed into objects/data/<xx>/,
 * the directory fsynced, and only then is its row committed; a crash leaves at most an unreferenced file, which
 * `removeOrphans` (run at start) removes. With `memory: true` stores (dataDir null) the files live in a temp dir
 * removed on close.
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { newId, type DurableBody } from "./objectSchema";

/** Throw-away body directories of memory-mode stores still open; removed on process exit if close() never ran. */
const ephemeralRoots = new Set<string>();
let exitHookInstalled = false;
function trackEphemeral(root: string): void {
  ephemeralRoots.add(root);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const r of ephemeralRoots) fs.rmSync(r, { recursive: true, force: true });
  });
}

export class BodyFiles {
  readonly root: string;
  readonly tmpDir: string;
  readonly dataDir: string;
  private readonly ephemeral: boolean;
  private unlinking = new Set<Promise<void>>();

  /** `storeDataDir` null: a memory-mode store; the files go to a temp dir removed on close(). */
  constructor(storeDataDir: string | null) {
    this.ephemeral = storeDataDir === null;
    this.root = storeDataDir ? path.join(storeDataDir, "objects") : fs.mkdtempSync(path.join(os.tmpdir(), "otter-s3-"));
    if (this.ephemeral) trackEphemeral(this.root);
    this.tmpDir = path.join(this.root, "tmp");
    this.dataDir = path.join(this.root, "data");
    fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    for (let i = 0; i < 256; i++) fs.mkdirSync(path.join(this.dataDir, i.toString(16).padStart(2, "0")), { recursive: true });
  }

  tempPath(): string {
    return path.join(this.tmpDir, newId(12));
  }

  /** Final location of a body file (relative name stored in rows). */
  filePath(file: string): string {
    return path.join(this.dataDir, file);
  }

  /** Rename a fsynced temp file into place and fsync the directory: after this the bytes survive a crash. */
  async install(tmp: string, size: number, md5: string): Promise<DurableBody & { file: string }> {
    const id = newId(15);
    const sub = randomBytes(1).toString("hex"); // spread over the 256 subdirectories made at start
    const file = `${sub}/${id}`;
    const dir = path.join(this.dataDir, sub);
    await fsp.rename(tmp, path.join(this.dataDir, file));
    await fsyncDir(dir);
    return { file, size, md5 };
  }

  /** Best-effort removal, now, of body files no row references any more (group commit decides when). */
  unlink(file: string): void {
    const p: Promise<void> = fs.promises.unlink(this.filePath(file)).catch(() => {}).finally(() => this.unlinking.delete(p));
    this.unlinking.add(p);
  }

  /** Resolves once every unlink started so far has finished (tests wait on this instead of sleeping). */
  async unlinksSettled(): Promise<void> {
    await Promise.all([...this.unlinking]);
  }

  /** Synchronous removal (purging a whole bucket). */
  removeNow(files: string[]): void {
    for (const f of files) fs.rmSync(this.filePath(f), { force: true });
  }

  /** Temp files from interrupted writes, and body files no row references (a crash between rename and commit). */
  removeOrphans(referenced: Set<string>): void {
    for (const f of fs.readdirSync(this.tmpDir)) fs.rmSync(path.join(this.tmpDir, f), { force: true, recursive: true });
    for (const sub of fs.readdirSync(this.dataDir)) {
      for (const f of fs.readdirSync(path.join(this.dataDir, sub))) {
        if (!referenced.has(`${sub}/${f}`)) fs.rmSync(path.join(this.dataDir, sub, f), { force: true });
      }
    }
  }

  close(): void {
    if (!this.ephemeral) return;
    ephemeralRoots.delete(this.root);
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  return fsyncPath(dir);
}

/** fsync a file or directory by path (on the thread pool). A missing file has nothing to sync. */
export async function fsyncPath(p: string): Promise<void> {
  let h: fsp.FileHandle;
  try {
    h = await fsp.open(p, "r");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}
