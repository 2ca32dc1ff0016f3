/**
 * One running instance per data dir. The Store caches buckets and credentials in memory, so a second process on the
 * same directory would serve stale answers (a revoked key still working). `<dataDir>/LOCK` holds the owner's pid and
 * that process's start time (field 22 of /proc/<pid>/stat, proc(5)), so a lock whose process is gone (a crash) is
 * taken over even when the pid has since been reused by an unrelated process. Without /proc (macOS) only "is the
 * pid alive" can be checked. A LOCK written by an older version (pid only) counts as ours only if that pid runs node.
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

/** Start time of a process in clock ticks since boot (Linux), or undefined where /proc is not available. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid …": comm may contain spaces and parentheses, so count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19]; // field 22 overall: starttime
  } catch {
    return undefined;
  }
}

function runsNode(pid: number): boolean | undefined {
  try {
    return /node|otterstorage/i.test(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Is the process that wrote this LOCK still the one running under its pid? */
function holderAlive(pid: number, recordedStart: string | undefined): boolean {
  if (!alive(pid)) return false;
  const now = processStartTime(pid);
  if (recordedStart !== undefined && now !== undefined) return recordedStart === now; // else: pid reused
  if (recordedStart === undefined) return runsNode(pid) ?? true; // a pid-only LOCK of an older version
  return true;
}

/** Takes the lock or throws an error that says who holds it. Returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid} ${processStartTime(process.pid) ?? "-"} local-otterstorage\n`, { flag: "wx", mode: 0o600 });
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (fs.readFileSync(file, "utf8").trim().split(/\s+/)[0] === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let pid = NaN;
    let start: string | undefined;
    try {
      const [p, st] = fs.readFileSync(file, "utf8").trim().split(/\s+/);
      pid = Number.parseInt(p, 10);
      start = st === undefined || st === "-" ? undefined : st;
    } catch {
      /* vanished meanwhile: retry */
    }
    const ours = pid === process.pid;
    if (Number.isInteger(pid) && pid > 0 && ((ours && heldHere.has(file)) || (!ours && holderAlive(pid, start)))) {
      throw new Error(`The data dir ${dataDir} is in use by another Local OtterStorage (pid ${pid}${ours ? ", this process" : ""}). Stop it first, or use another --data-dir.`);
    }
    try {
      fs.unlinkSync(file); // stale: its process is gone (or its pid now belongs to another process)
    } catch {
      /* someone else removed it */
    }
  }
  throw new Error(`Could not lock the data dir ${dataDir} (${file} keeps reappearing); is another instance starting?`);
}
