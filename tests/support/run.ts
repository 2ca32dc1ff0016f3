/** A command run to completion with its output collected, for the suites that drive real CLIs (aws, sh). */
import { spawn } from "node:child_process";

export interface CommandResult { code: number | null; stdout: string; stderr: string }

/** Spawns `cmd` with exactly `env`; killed (SIGKILL) if it has not finished after `timeoutMs`. Never rejects. */
export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    c.stdout.on("data", (d) => (stdout += d));
    c.stderr.on("data", (d) => (stderr += d));
    const guard = setTimeout(() => c.kill("SIGKILL"), timeoutMs);
    c.once("close", (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}
