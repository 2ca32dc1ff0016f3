/**
 * Driving the clients users run from the S3 tests: a boto3 script (python3 -c) that records what each call answered,
 * and the AWS CLI (`aws s3api … --endpoint-url`), both against Local OtterStorage with a bucket's key, in a clean
 * environment (no host AWS settings; AWS_CA_BUNDLE empty, instance metadata off).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { OtterStorage } from "otterstorage-local";
import type { BucketKey } from "./s3-support";
import { baseEnv, run, which, type Run } from "./support/cli";

let dir: string | undefined;
function home(): string {
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), "otter-s3-clients-"));
  return dir;
}

/** Why boto3 cannot run here, or undefined when it can. */
export async function boto3Missing(): Promise<string | undefined> {
  const probe = await run("python3", ["-c", "import boto3"], baseEnv(home()));
  return probe.code === 0 ? undefined : "python3 with boto3 not installed (pip install boto3)";
}

export function awsMissing(): string | undefined {
  return which("aws") ? undefined : "AWS CLI not installed (pip install awscli)";
}

function env(os_: OtterStorage, key: BucketKey): Record<string, string> {
  return {
    ...baseEnv(home()),
    AWS_CA_BUNDLE: "",
    AWS_ACCESS_KEY_ID: key.accessKeyId,
    AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: "eu-mad",
    EP: os_.s3Url,
    B: key.bucket,
  };
}

/**
 * Prelude of every boto3 script: `s3` (a client with default settings), `B` (the bucket), `out` (printed as JSON at
 * the end), `UTC`, and `call(f, **kw)`, which returns the answer or `{"error": code, "status": http}` for a ClientError.
 */
const PRELUDE = `
import boto3, os, json, datetime
from botocore.exceptions import ClientError
UTC = datetime.timezone.utc
s3 = boto3.client('s3', endpoint_url=os.environ['EP'], region_name='eu-mad')
B = os.environ['B']
out = {}
def call(f, **kw):
    try:
        r = f(**kw)
        r.pop('ResponseMetadata', None)
        if 'Body' in r:
            r['Body'] = r['Body'].read().decode('latin-1')
        return r
    except ClientError as e:
        return {'error': e.response['Error']['Code'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'], 'message': e.response['Error'].get('Message', '')}
`;

/** Runs `body` after the prelude and returns `out` (datetimes as ISO strings). Throws with stderr when Python fails. */
export async function boto3(os_: OtterStorage, key: BucketKey, body: string): Promise<Record<string, any>> {
  const script = `${PRELUDE}\n${body}\nprint(json.dumps(out, default=lambda o: o.isoformat() if hasattr(o, 'isoformat') else str(o)))`;
  const r = await run("python3", ["-c", script], env(os_, key));
  if (r.code !== 0) throw new Error(`boto3 script failed (${r.code}):\n${r.stderr}\n--- script ---\n${body}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as Record<string, any>;
}

/** `aws s3api <args> --endpoint-url <s3Url>` with the key; stdout parsed as JSON when there is any. */
export async function s3api(os_: OtterStorage, key: BucketKey, args: string[]): Promise<Run & { json?: any }> {
  const r = await run("aws", ["s3api", ...args, "--endpoint-url", os_.s3Url, "--output", "json"], env(os_, key));
  let json: any;
  if (r.code === 0 && r.stdout.trim()) json = JSON.parse(r.stdout);
  return { ...r, json };
}

/** Files for CLI arguments (`file://…`), removed with the temp home at exit. */
export function tempFile(name: string, content: string): string {
  const p = path.join(home(), name);
  fs.writeFileSync(p, content);
  return p;
}

process.on("exit", () => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
