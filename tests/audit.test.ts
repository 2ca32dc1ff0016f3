/**
 * `otterstorage audit` against a real Local OtterStorage whose keys were issued and used at known times on a
 * ManualClock, with two stack exports in the format `pulumi stack export` writes. Every flag must appear exactly
 * where expected; --json must be stable; --fail-on, bad flags and an unreachable service get their exit codes.
 * The console's Keys page must show the same flags (both come from api/auditFlags.ts).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { FLAG_NAMES, FLAGS, parseStackExport } from "otterstorage-api";
import { ManualClock } from "otterstorage-local/dist/clock";
import { consoleSession } from "./support/console";
import { control, useEmulator } from "./support/emulator";
import { runCommand } from "./support/run";

const BIN = path.join(__dirname, "..", "audit", "cli.js");
const DAY = 24 * 60 * 60 * 1000;

/** One AccessKey resource as `pulumi stack export` writes it (secret outputs are ciphertext objects). */
function accessKeyResource(stack: string, project: string, name: string, k: { accessKeyId: string; bucket: string; label: string | null }) {
  const urn = `urn:pulumi:${stack}::${project}::pulumi-nodejs:dynamic/otterstorage:AccessKey::${name}`;
  return {
    urn,
    custom: true,
    id: k.accessKeyId,
    type: "pulumi-nodejs:dynamic/otterstorage:AccessKey",
    inputs: { __provider: "exports.handler = __f0; …", bucket: k.bucket, ...(k.label ? { label: k.label } : {}) },
    outputs: {
      __provider: "exports.handler = __f0; …",
      accessKeyId: k.accessKeyId,
      bucket: k.bucket,
      label: k.label,
      endpoint: "http://127.0.0.1:9000",
      region: "eu-mad",
      createdAt: "2026-01-01T00:00:00.000Z",
      secretAccessKey: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:AAAAAAAAAAAAAAAA:cGxhY2Vob2xkZXI=" },
    },
    parent: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`,
    provider: `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default::04da6b54-80e4-46f7-96ec-b56ff0331ba9`,
    additionalSecretOutputs: ["secretAccessKey"],
    created: "2026-01-01T00:00:00.000Z",
    modified: "2026-01-01T00:00:00.000Z",
  };
}

function stackExport(stack: string, project: string, keys: Array<{ name: string; accessKeyId: string; bucket: string; label: string | null }>) {
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-01-01T00:00:00.000Z", magic: "0123456789abcdef", version: "v3.248.0" },
      secrets_providers: { type: "passphrase", state: { salt: "v1:AAAA:BBBB" } },
      resources: [
        { urn: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
        { urn: `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`, custom: true, id: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", type: "pulumi:providers:pulumi-nodejs" },
        { urn: `urn:pulumi:${stack}::${project}::pulumi-nodejs:dynamic/otterstorage:Bucket::site`, custom: true, id: "web", type: "pulumi-nodejs:dynamic/otterstorage:Bucket", outputs: { name: "web" } },
        ...keys.map((k) => accessKeyResource(stack, project, k.name, k)),
      ],
    },
  };
}

describe("otterstorage audit", function () {
  this.timeout(120_000);
  const start = Date.now() - 200 * DAY;
  const clock = new ManualClock(start);
  const svc = useEmulator({ clock });
  const ids: Record<string, string> = {};
  let dir: string;
  let devFile: string;
  let prodFile: string;

  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCommand(process.execPath, [BIN, ...args], { PATH: process.env.PATH, OTTERSTORAGE_TOKEN: svc().token, OTTERSTORAGE_MAX_ATTEMPTS: "1", ...env });
  const at = (daysAfterStart: number) => clock.set(start + daysAfterStart * DAY);
  const use = async (k: { accessKeyId: string; secretAccessKey: string }, bucket: string) => {
    // Signed on the service clock, so the S3 plane accepts it and records the use at that time.
    const s3 = new S3Client({ endpoint: svc().s3Url, region: "eu-mad", forcePathStyle: true, credentials: k, maxAttempts: 1, systemClockOffset: clock.now() - Date.now() });
    await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  };

  before(async () => {
    const api = control(svc());
    for (const name of ["web", "backups"]) assert.equal((await api.post("/v1/buckets", { name })).status, 201);
    const key = async (bucket: string, label?: string) => (await api.post(`/v1/buckets/${bucket}/access-keys`, label ? { label } : {})).body;
    at(0);
    const appWeb = await key("web", "app-web"); // 200 days old, used 10 days ago: old
    at(150);
    const unlabelled = await key("web"); // 50 days old, never used: unlabelled, unused
    const gone = await key("web", "legacy"); // owned by prod, revoked below: missing
    at(190);
    await use(appWeb, "web");
    at(195);
    const restic = await key("backups", "backups-restic"); // 5 days old: clean
    at(196);
    const ciDeploy = await key("backups", "ci-deploy"); // 4 days old, in no stack: orphan
    assert.equal((await api.delete(`/v1/buckets/web/access-keys/${gone.accessKeyId}`)).status, 204);
    at(200);
    Object.assign(ids, { appWeb: appWeb.accessKeyId, unlabelled: unlabelled.accessKeyId, gone: gone.accessKeyId, restic: restic.accessKeyId, ciDeploy: ciDeploy.accessKeyId, never: "OTTRNEVERISSUED00000" });

    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-audit-"));
    devFile = path.join(dir, "dev.json");
    prodFile = path.join(dir, "prod.json");
    fs.writeFileSync(devFile, JSON.stringify(stackExport("dev", "site", [
      { name: "app-web-key", accessKeyId: ids.appWeb, bucket: "web", label: "app-web" },
      { name: "restic-key", accessKeyId: ids.restic, bucket: "backups", label: "backups-restic" },
    ]), null, 4));
    fs.writeFileSync(prodFile, JSON.stringify(stackExport("prod", "site", [
      { name: "worker-key", accessKeyId: ids.unlabelled, bucket: "web", label: null },
      { name: "legacy-key", accessKeyId: ids.gone, bucket: "web", label: "legacy" },
      { name: "never-key", accessKeyId: ids.never, bucket: "web", label: "never" },
      // The same key owned by two stacks (e.g. adopted): listed under both.
      { name: "restic-key", accessKeyId: ids.restic, bucket: "backups", label: "backups-restic" },
    ]), null, 4));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const ALL = () => ["--endpoint", svc().controlUrl, "--max-age-days", "90", "--unused-days", "30", "--stack-export", devFile, "--stack-export", prodFile];

  it("flags every key exactly where expected (text table)", async () => {
    const r = await run(["audit", ...ALL()]);
    assert.equal(r.code, 0, r.stderr);
    const rows = new Map(r.stdout.split("\n").filter((l) => /^OTTR/.test(l)).map((l) => { const c = l.split(/\s{2,}/); return [c[0], c]; }));
    const flags = (id: string) => rows.get(id)?.at(-1);
    assert.equal(rows.size, 6, r.stdout);
    assert.equal(flags(ids.appWeb), "old");
    assert.equal(flags(ids.unlabelled), "unlabelled,unused");
    assert.equal(flags(ids.restic), "-");
    assert.equal(flags(ids.ciDeploy), "orphan");
    assert.equal(flags(ids.gone), "missing");
    assert.equal(flags(ids.never), "missing");
    assert.deepEqual(rows.get(ids.appWeb)!.slice(1, 6), ["web", "app-web", "200d", "10d ago", "dev/site"]);
    assert.deepEqual(rows.get(ids.restic)!.slice(1, 6), ["backups", "backups-restic", "5d", "never", "dev/site,prod/site"]);
    assert.match(r.stdout, /^4 key\(s\), 3 flagged, 2 missing from the service \(service time .+; max age 90d, unused 30d, 2 stack export\(s\)\)$/m);
    assert.match(r.stdout, /^orphan \(1\): owned by no stack in the given stack exports/m);
  });

  it("--json: the same flags, a fixed shape, and byte-identical output on a second run", async () => {
    const a = await run(["audit", ...ALL(), "--json"]);
    const b = await run(["audit", ...ALL(), "--json"]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout, "stable");
    const rep = JSON.parse(a.stdout);
    assert.deepEqual(Object.keys(rep), ["now", "options", "keys", "missing", "summary"]);
    assert.equal(rep.now, new Date(start + 200 * DAY).toISOString(), "ages are measured on the service clock");
    assert.deepEqual(Object.keys(rep.keys[0]), ["accessKeyId", "bucket", "label", "createdAt", "lastUsedAt", "ageDays", "lastUsedDaysAgo", "ownedBy", "flags"]);
    assert.deepEqual(
      rep.keys.map((k: { accessKeyId: string; flags: string[] }) => [k.accessKeyId, k.flags]),
      [
        [ids.restic, []],
        [ids.ciDeploy, ["orphan"]],
        [ids.appWeb, ["old"]],
        [ids.unlabelled, ["unlabelled", "unused"]],
      ],
      "sorted by bucket, then creation",
    );
    assert.deepEqual(rep.missing.map((m: { accessKeyId: string; ownedBy: string[] }) => [m.accessKeyId, m.ownedBy]), [[ids.gone, ["prod/site"]], [ids.never, ["prod/site"]]].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    assert.deepEqual(rep.summary, { keys: 4, flaggedKeys: 3, missing: 2, byFlag: { unlabelled: 1, old: 1, unused: 1, orphan: 1, missing: 2 } });
    assert.ok(!a.stdout.includes("ciphertext") && !a.stdout.includes("secret"), "nothing of the exports' secrets is echoed");
  });

  it("without stack exports there are no orphan/missing flags; without thresholds no old/unused", async () => {
    const rep = JSON.parse((await run(["audit", "--endpoint", svc().controlUrl, "--json"])).stdout);
    assert.deepEqual(rep.keys.map((k: { flags: string[] }) => k.flags), [[], [], [], ["unlabelled"]]);
    assert.deepEqual(rep.missing, []);
  });

  it("--fail-on: exit 1 when a named flag is present, 0 otherwise", async () => {
    assert.equal((await run(["audit", ...ALL(), "--fail-on", "any"])).code, 1);
    assert.equal((await run(["audit", ...ALL(), "--fail-on", "orphan,missing"])).code, 1);
    // dev alone owns appWeb and restic, both present: nothing missing.
    assert.equal((await run(["audit", "--endpoint", svc().controlUrl, "--stack-export", devFile, "--fail-on", "missing"])).code, 0);
    assert.equal((await run(["audit", "--endpoint", svc().controlUrl, "--fail-on", "old"])).code, 0, "no --max-age-days: nothing is old");
  });

  it("bad flags, bad stack exports and an unreachable service get clear errors and their exit codes", async () => {
    const url = svc().controlUrl;
    const notJson = path.join(dir, "not.json");
    fs.writeFileSync(notJson, "{oops");
    const noDeployment = path.join(dir, "nodep.json");
    fs.writeFileSync(noDeployment, JSON.stringify({ version: 3 }));
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [["audit", "--endpoint", url, "--max-age-days", "soon"], {}, /--max-age-days must be a number of days >= 0 \(e\.g\. 90\); got 'soon'/],
      [["audit", "--endpoint", url, "--unused-days=-3"], {}, /--unused-days must be a number of days >= 0 \(e\.g\. 90\); got '-3'/],
      [["audit", "--endpoint", url, "--bogus"], {}, /Unknown option '--bogus'/],
      [["audit", "--endpoint", url, "--fail-on", "stale"], {}, /--fail-on: unknown flag 'stale'; use 'any' or a comma list of: unlabelled, old, unused, orphan, missing/],
      [["audit", "--endpoint", url, "--fail-on", "orphan"], {}, /--fail-on orphan\/missing needs at least one --stack-export file/],
      [["audit", "--endpoint", url, "--token", "x"], {}, /--token is not accepted .*set OTTERSTORAGE_TOKEN/],
      [["audit", "--endpoint", url], { OTTERSTORAGE_TOKEN: "" }, /no account token: set OTTERSTORAGE_TOKEN/],
      [["audit"], {}, /no Control API URL: pass --endpoint <url> or set OTTERSTORAGE_ENDPOINT/],
      [["audit", "--endpoint", "ftp://x"], {}, /--endpoint must be an http\(s\) URL/],
      [["audit", "--endpoint", url, "--stack-export", path.join(dir, "absent.json")], {}, /--stack-export: cannot read .*absent\.json \(ENOENT\)/],
      [["audit", "--endpoint", url, "--stack-export", notJson], {}, /--stack-export: .*not\.json is not JSON/],
      [["audit", "--endpoint", url, "--stack-export", noDeployment], {}, /nodep\.json: has no `deployment` object/],
      [["frobnicate"], {}, /unknown command 'frobnicate'/],
    ];
    for (const [args, env, re] of cases) {
      const r = await run(args, env);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(" "));
      assert.equal(r.stdout, "");
    }
    const wrongToken = await run(["audit", "--endpoint", url], { OTTERSTORAGE_TOKEN: "not-the-token" });
    assert.equal(wrongToken.code, 3);
    assert.match(wrongToken.stderr, /Unauthorized|account token/i);
    assert.ok(!wrongToken.stderr.includes("not-the-token"));
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await run(["audit", "--endpoint", `http://127.0.0.1:${port}`]);
    assert.equal(down.code, 3);
    assert.match(down.stderr, /cannot read the keys from http:\/\/127\.0\.0\.1:\d+: .*could not reach/);
    const help = await run(["audit", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--stack-export <file>/);
  });

  it("the console's Keys page shows the same flags as the audit (one flagging module)", async () => {
    const base = svc().consoleUrl!;
    const { cookie } = await consoleSession(base, svc().token);
    const page = await (await fetch(`${base}keys?max-age-days=90&unused-days=30`, { headers: { cookie } })).text();
    const rep = JSON.parse((await run(["audit", "--endpoint", svc().controlUrl, "--max-age-days", "90", "--unused-days", "30", "--json"])).stdout);
    for (const k of rep.keys as Array<{ accessKeyId: string; flags: string[] }>) {
      const row = new RegExp(`<tr><th scope="row"><code>${k.accessKeyId}</code></th>(.*?)</tr>`).exec(page)?.[1] ?? "";
      const shown = [...row.matchAll(/class="badge badge-(\w+)"/g)].map((m) => m[1]);
      assert.deepEqual(shown, k.flags, k.accessKeyId);
    }
  });

  it("the README's sample output is in step with the audit's wording", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const sample = /### Key audit[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    assert.match(sample, /^ACCESS KEY ID\s+BUCKET\s+LABEL\s+AGE\s+LAST USED\s+STACK\s+FLAGS$/m);
    for (const f of FLAG_NAMES) assert.ok(new RegExp(`^${f} \\(\\d+\\): `, "m").test(sample) && sample.includes(`: ${FLAGS[f]}\n`), `README sample line for ${f}`);
  });
});

describe("otterstorage audit: stack exports of the native plugin", () => {
  it("reads AccessKeys of both type tokens (dynamic provider and native plugin) from a stack export, and nothing else", () => {
    const dynamicKey = accessKeyResource("prod", "app", "ci", { accessKeyId: "OTTRDYNAMIC000000001", bucket: "media", label: "ci" });
    const nativeKey = {
      ...accessKeyResource("prod", "app", "web", { accessKeyId: "OTTRNATIVE0000000001", bucket: "media", label: "web" }),
      urn: "urn:pulumi:prod::app::otterstorage:index:AccessKey::web",
      type: "otterstorage:index:AccessKey",
    };
    const bucket = { urn: "urn:pulumi:prod::app::otterstorage:index:Bucket::media", custom: true, id: "media", type: "otterstorage:index:Bucket", inputs: {}, outputs: {} };
    const keys = parseStackExport({ version: 3, deployment: { resources: [dynamicKey, nativeKey, bucket] } }, "prod.json");
    assert.deepEqual(keys.map((k) => k.accessKeyId).sort(), ["OTTRDYNAMIC000000001", "OTTRNATIVE0000000001"]);
  });
});

