/**
 * Group commit of the S3 plane's metadata writes.
 *
 * The Store's connection runs with synchronous=FULL: every commit would wait, on the event loop, for an fsync of
 * the WAL (~3 ms here), stalling every other request. Metadata writes of the S3 plane therefore go through a group
 * commit: requests queue their (synchronous, SQLite-only) work; one transaction runs them all, each in its own
 * savepoint (better-sqlite3 nests transactions as savepoints, so a failing item rolls back alone), with
 * synchronous=NORMAL for that one commit; then the WAL file is fsynced on the thread pool, and only after that
 * fsync are the callers answered and replaced bodies unlinked. Acknowledged = on disk, as with FULL, but the event
 * loop keeps serving while the disk works, and requests arriving meanwhile share the next fsync.
 *
 * Trade-off (documented in docs/s3-compatibility.md): between that commit and its fsync (a few ms) a concurrent
 * reader may already see the new row; if the machine loses power in that window the unacknowledged write is lost.
 */
import type { Database, Statement } from "better-sqlite3";
import { fsyncPath } from "./bodyFiles";

export class GroupCommit {
  /**
   * Runs `fn` in a transaction (a savepoint when one is open). Built once: better-sqlite3's `db.transaction(fn)`
   * builds four wrapper functions and their properties on every call, which showed in the small-PUT profile.
   */
  readonly inTx: <T>(fn: () => T) => T;
  private readonly syncNormal: Statement;
  private readonly syncFull: Statement;
  private queue: Array<{ fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  private flushing = false;
  private deferredUnlinks: string[] = [];
  /** The fsync that has not started yet; flushes that commit before it starts share it. */
  private nextSync: Promise<void> | null = null;
  private syncChain: Promise<void> = Promise.resolve();

  /** `unlink` removes one body file now (BodyFiles.unlink); unlinkLater decides when. */
  constructor(private readonly db: Database, private readonly unlink: (file: string) => void) {
    this.inTx = db.transaction((fn: () => unknown) => fn()) as unknown as <T>(fn: () => T) => T;
    this.syncNormal = db.prepare("PRAGMA synchronous = NORMAL");
    this.syncFull = db.prepare("PRAGMA synchronous = FULL");
  }

  /**
   * Best-effort removal of body files no row references any more: now, or, inside a group commit, once it is
   * durable (and not at all for an item whose savepoint rolled back: its rows, and so its files, are back).
   */
  unlinkLater(files: Array<string | null | undefined>): void {
    for (const f of files) {
      if (!f) continue;
      if (this.flushing) this.deferredUnlinks.push(f);
      else this.unlink(f);
    }
  }

  /** Run `fn` (synchronous, SQLite only) inside the next group commit; resolves once it is durable. */
  commit<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** fsync the WAL after the commits so far; concurrent callers that have not started a sync yet share one. */
  private syncWal(): Promise<void> {
    const db = this.db;
    if (db.memory) return Promise.resolve();
    if (this.nextSync) return this.nextSync;
    const wal = `${db.name}-wal`;
    const p = this.syncChain.then(() => {
      this.nextSync = null; // commits from now on need the following fsync
      return fsyncPath(wal);
    });
    this.nextSync = p;
    this.syncChain = p.catch(() => {});
    return p;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    this.flushing = true;
    let unlinks: string[] = [];
    try {
      this.syncNormal.run();
      try {
        this.inTx(() => {
          for (const it of items) {
            const unlinksBefore = this.deferredUnlinks.length;
            try {
              outcomes.push({ ok: true, value: this.inTx(it.fn) });
            } catch (e) {
              // Its savepoint is rolled back: the rows it dropped are back, and so must their body files stay.
              this.deferredUnlinks.length = unlinksBefore;
              outcomes.push({ ok: false, value: e });
            }
          }
        });
      } finally {
        this.syncFull.run();
        this.flushing = false;
        unlinks = this.deferredUnlinks;
        this.deferredUnlinks = [];
      }
      await this.syncWal();
    } catch (e) {
      for (const it of items) it.reject(e);
      return;
    }
    this.unlinkLater(unlinks);
    items.forEach((it, i) => (outcomes[i].ok ? it.resolve(outcomes[i].value) : it.reject(outcomes[i].value)));
  }
}
