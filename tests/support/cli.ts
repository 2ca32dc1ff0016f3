/** Running real command-line clients (AWS CLI, python3/boto3, rclone, curl) from tests, in a clean environment. */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export function which(bin: string): boolean {
  return (process.env.PATH ?? "").split(path.delimiter).some((d) => fs.existsSync(path.join(d, bin)));
}

/** A clean environment: no host AWS settings leak in. */
export function baseEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    AWS_CONFIG_FILE: path.join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    PYTHONWARNINGS: "ignore",
  };
}

/** Environment for the AWS CLI / boto3 with a key pair and AWS_ENDPOINT_URL only (no files). */
export function keyEnv(dir: string, endpoint: string, key: { accessKeyId: string; secretAccessKey: string }): Record<string, string> {
  return {
    ...baseEnv(dir),
    AWS_CONFIG_FILE: path.join(dir, "absent-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "absent-credentials"),
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: "eu-mad",
    AWS_ENDPOINT_URL: endpoint,
  };
}
