/**
 * One running instance per data dir. The Store caches buckets and credentials in memory, so a second process on the
 * same directory would serve stale answers (a revoked key still working). `<dataDir>/LOCK` holds the owner's pid; a
 * lock whose process is gone (a crash) is taken over.
 */
import * as fs from "fs";
import * as path from "path";

export const LOCK_FILE = "LOCK";
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws an error that says who holds it. Returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let pid = NaN;
    try {
      pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
    } catch {
      /* vanished meanwhile: retry */
    }
    const ours = pid === process.pid;
    if (Number.isInteger(pid) && pid > 0 && ((ours && heldHere.has(file)) || (!ours && alive(pid)))) {
      throw new Error(`The data dir ${dataDir} is in use by another Local OtterStorage (pid ${pid}${ours ? ", this process" : ""}). Stop it first, or use another --data-dir.`);
    }
    try {
      fs.unlinkSync(file); // stale: its process is gone
    } catch {
      /* someone else removed it */
    }
  }
  throw new Error(`Could not lock the data dir ${dataDir} (${file} keeps reappearing); is another instance starting?`);
}
