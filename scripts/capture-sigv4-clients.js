#!/usr/bin/env node
// Records SigV4-signed requests from real S3 clients (AWS CLI, boto3, rclone, restic) for tests/s3-sigv4-vectors.test.ts:
// a loopback HTTP server (127.0.0.1, port 0) that answers just enough for each command to finish, and writes what
// it received (method, raw target, headers as node's headersDistinct, body SHA-256, receive time) to
// tests/fixtures/sigv4/clients.ts. Test credentials only, never a real secret.
//   node scripts/capture-sigv4-clients.js      (re-run when a client changes how it signs; commit the result)
"use strict";
const http = require("node:http");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createHash } = require("node:crypto");
const { execFileSync } = require("node:child_process");

const CRED = { accessKeyId: "OTTRCAPTUREDEXAMPLE1", secretAccessKey: "capturedTESTsecretKEYnotREAL0000000000000", region: "eu-mad" };
const BUCKET = "capture-demo";
const OUT = path.join(__dirname, "..", "tests", "fixtures", "sigv4", "clients.ts");
const PER_CLIENT = 3;

const LIST = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${BUCKET}</Name><Prefix></Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`;

async function main() {
  const records = [];
  let client = "";
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      records.push({ client, method: req.method, target: req.url, headers: req.headersDistinct, bodySha256: createHash("sha256").update(body).digest("hex"), bodyBytes: body.length, receivedAt: Date.now() });
      const q = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
      if (req.method === "GET" && /[?&]location(=|&|$)/.test(q)) {
        res.writeHead(200, { "content-type": "application/xml" }).end(`<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${CRED.region}</LocationConstraint>`);
      } else if (req.method === "GET" && (q.includes("list-type=2") || req.url.split("?")[0] === `/${BUCKET}` || req.url.split("?")[0] === `/${BUCKET}/`)) {
        res.writeHead(200, { "content-type": "application/xml" }).end(LIST);
      } else if (req.method === "GET") {
        res.writeHead(200, { "content-type": "text/plain", "content-length": 5, etag: '"5d41402abc4b2a76b9719d911017c592"', "last-modified": new Date().toUTCString() }).end("hello");
      } else if (req.method === "HEAD" && req.url.split("?")[0].split("/").filter(Boolean).length > 1) {
        res.writeHead(404).end();
      } else {
        res.writeHead(200, { etag: '"5d41402abc4b2a76b9719d911017c592"', "content-length": 0 }).end();
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sigv4-capture-"));
  const file = path.join(dir, "hello.txt");
  fs.writeFileSync(file, "hello");
  const env = { ...process.env, AWS_ACCESS_KEY_ID: CRED.accessKeyId, AWS_SECRET_ACCESS_KEY: CRED.secretAccessKey, AWS_DEFAULT_REGION: CRED.region, AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  delete env.AWS_SESSION_TOKEN;
  delete env.AWS_PROFILE;
  const run = async (name, cmd, args, extraEnv = {}) => {
    client = name;
    const e = { ...env, ...extraEnv };
    for (const [k, v] of Object.entries(extraEnv)) if (v === undefined) delete e[k];
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const child = require("node:child_process").spawn(cmd, args, { env: e, stdio: ["ignore", "ignore", "inherit"] });
      await new Promise((resolve) => child.on("exit", resolve));
    } catch (err) {
      console.error(`${name}: ${err.message}`);
    }
  };
  const awsVersion = execFileSync("aws", ["--version"], { encoding: "utf8", env }).trim();
  await run("aws-cli", "aws", ["s3api", "list-objects-v2", "--bucket", BUCKET, "--endpoint-url", url]);
  await run("aws-cli", "aws", ["s3api", "put-object", "--bucket", BUCKET, "--key", "hello.txt", "--body", file, "--endpoint-url", url]);
  await run("aws-cli", "aws", ["s3api", "get-object", "--bucket", BUCKET, "--key", "hello.txt", path.join(dir, "out.txt"), "--endpoint-url", url]);
  const py = `import boto3,sys
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="${CRED.region}")
s3.list_objects_v2(Bucket="${BUCKET}")
s3.put_object(Bucket="${BUCKET}", Key="notes/a b.txt", Body=b"hello")
s3.get_object(Bucket="${BUCKET}", Key="notes/a b.txt")["Body"].read()
print(boto3.__version__)`;
  const boto3Version = execFileSync("python3", ["-c", "import boto3;print(boto3.__version__)"], { encoding: "utf8" }).trim();
  await run("boto3", "python3", ["-c", py, url]);
  const rcloneVersion = execFileSync("rclone", ["version"], { encoding: "utf8" }).split("\n")[0].trim();
  const rc = ["--s3-provider", "Other", "--s3-endpoint", url, "--s3-access-key-id", CRED.accessKeyId, "--s3-secret-access-key", CRED.secretAccessKey, "--s3-region", CRED.region, "--config", "/dev/null", "--retries", "1", "--low-level-retries", "1"];
  // rclone 1.60 cannot load AWS_CA_BUNDLE (plain http here anyway).
  await run("rclone", "rclone", ["lsf", `:s3:${BUCKET}`, ...rc], { AWS_CA_BUNDLE: undefined });
  await run("rclone", "rclone", ["copyto", file, `:s3:${BUCKET}/dir/hello.txt`, "--s3-no-check-bucket", ...rc], { AWS_CA_BUNDLE: undefined });
  const resticVersion = execFileSync("restic", ["version"], { encoding: "utf8" }).trim();
  // restic init: stats the repository config, then writes it; killed after 60 s if it keeps retrying.
  await run("restic", "timeout", ["60", "restic", "-r", `s3:${url}/${BUCKET}/restic`, "init", "--no-cache", "-o", "s3.region=" + CRED.region], { RESTIC_PASSWORD: "capture-only", AWS_CA_BUNDLE: undefined });
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const versions = { "aws-cli": awsVersion, boto3: `boto3 ${boto3Version}`, rclone: rcloneVersion, restic: resticVersion };
  const kept = [];
  for (const name of Object.keys(versions)) kept.push(...records.filter((r) => r.client === name && r.headers.authorization).slice(0, PER_CLIENT));
  const text = `/**
 * SigV4-signed requests captured from real clients by scripts/capture-sigv4-clients.js (a loopback server that
 * records what it receives), for tests/s3-sigv4-vectors.test.ts. Generated: re-run the script, do not edit.
 * Credentials are test-only values (CAPTURE_CREDENTIAL), not a real key. Clients: ${Object.values(versions).join("; ")}.
 */
export interface CapturedRequest {
  client: "aws-cli" | "boto3" | "rclone" | "restic";
  method: string;
  /** The raw request target: path and query as sent. */
  target: string;
  /** As node's IncomingMessage.headersDistinct: lowercased names, repeated headers kept apart. */
  headers: Record<string, string[]>;
  bodySha256: string;
  bodyBytes: number;
  /** When the request arrived (ms since epoch): the verifier's clock for it. */
  receivedAt: number;
}

export const CAPTURE_CREDENTIAL = ${JSON.stringify(CRED, null, 2)} as const;

export const CLIENT_VERSIONS = ${JSON.stringify(versions, null, 2)} as const;

export const CAPTURED_REQUESTS: readonly CapturedRequest[] = ${JSON.stringify(kept, null, 2)};
`;
  fs.writeFileSync(OUT, text);
  console.log(`wrote ${kept.length} requests (${Object.keys(versions).map((n) => `${n}: ${kept.filter((r) => r.client === n).length}`).join(", ")}) to ${path.relative(process.cwd(), OUT)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
