import * as assert from "node:assert/strict";
import { spawnSync, ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as net from "node:net";
import { control } from "./support/emulator";
import { CLI, startCli } from "./evidence-support";

describe("otterstorage-local (CLI)", function () {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("prints exactly one JSON ready line first, serves the control API, logs requests without secrets, and exits 0 on SIGTERM", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-cli-"));
    dirs.push(dir);
    const r = await startCli(["--data-dir", dir]);
    children.push(r.child);
    assert.deepEqual(Object.keys(r.ready), ["event", "controlUrl", "consoleUrl", "s3Url", "region", "token", "dataDir"]);
    assert.equal(r.ready.consoleUrl, `${r.ready.controlUrl}/console/`);
    const signIn = await fetch(`${r.ready.consoleUrl}sign-in`);
    assert.equal(signIn.status, 200);
    assert.match(await signIn.text(), /<label for="token">Account token<\/label>/);
    assert.equal(r.ready.event, "ready");
    assert.equal(r.ready.region, "eu-mad");
    assert.equal(r.ready.dataDir, dir);
    assert.match(String(r.ready.controlUrl), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(String(r.ready.s3Url), /^http:\/\/127\.0\.0\.1:\d+$/);
    const api = control({ controlUrl: String(r.ready.controlUrl), token: String(r.ready.token) });
    assert.equal((await api.post("/v1/buckets", { name: "cli-bucket" })).status, 201);
    const key = (await api.post("/v1/buckets/cli-bucket/access-keys", { label: "x" })).body;
    const tmp = (await api.post("/v1/buckets/cli-bucket/temporary-credentials", {})).body;
    assert.equal((await api.get("/v1/buckets", { token: "wrong-token-1234" })).status, 401);
    r.child.kill("SIGTERM");
    const { code } = await r.exited;
    assert.equal(code, 0);
    const [, ...logLines] = r.stdout().trim().split("\n");
    assert.ok(logLines.some((l) => /POST \/v1\/buckets\/cli-bucket\/access-keys 201/.test(l)), logLines.join("\n"));
    assert.ok(logLines.some((l) => / 401 /.test(l)));
    assert.ok(logLines.some((l) => l.includes(`Console: ${r.ready.consoleUrl} (sign in with the account token)`)), "the human output names the console URL");
    const logs = logLines.join("\n");
    for (const s of [String(r.ready.token), key.secretAccessKey, tmp.secretAccessKey, tmp.sessionToken, "wrong-token-1234"]) {
      assert.ok(!logs.includes(s), "a secret or token reached the log");
    }
    assert.ok(!/authorization/i.test(logs));
  });

  it("keeps its generated token across restarts on the same data dir, and uses OTTERSTORAGE_TOKEN when set", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-cli-"));
    dirs.push(dir);
    const a = await startCli(["--data-dir", dir]);
    children.push(a.child);
    a.child.kill("SIGINT");
    assert.equal((await a.exited).code, 0);
    const b = await startCli(["--data-dir", dir]);
    children.push(b.child);
    assert.equal(b.ready.token, a.ready.token);
    b.child.kill("SIGTERM");
    await b.exited;
    const c = await startCli(["--memory"], { OTTERSTORAGE_TOKEN: "from-the-environment" });
    children.push(c.child);
    assert.equal(c.ready.token, "from-the-environment");
    assert.equal(c.ready.dataDir, null);
    c.child.kill("SIGTERM");
    assert.equal((await c.exited).code, 0);
  });

  it("defaults --data-dir to ~/.otterstorage-local and creates master.key there with mode 0600", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "otter-home-"));
    dirs.push(home);
    const r = await startCli([], { HOME: home });
    children.push(r.child);
    assert.equal(r.ready.dataDir, path.join(home, ".otterstorage-local"));
    assert.equal(fs.statSync(path.join(home, ".otterstorage-local", "master.key")).mode & 0o777, 0o600);
    r.child.kill("SIGTERM");
    assert.equal((await r.exited).code, 0);
  });

  it("--no-console: consoleUrl is null, the human line says so, and /console/ is not served", async () => {
    const r = await startCli(["--memory", "--no-console"]);
    children.push(r.child);
    assert.equal(r.ready.consoleUrl, null);
    assert.equal((await fetch(`${r.ready.controlUrl}/console/sign-in`)).status, 404);
    r.child.kill("SIGTERM");
    assert.equal((await r.exited).code, 0);
    assert.match(r.stdout(), /Console: off \(--no-console\)/);
  });

  it("exits 2 with a clear message on a bad flag or a bad port", () => {
    for (const args of [["--bogus"], ["--control-port", "http"], ["--s3-port", "70000"], ["--memory", "extra"], ["--rotation-age-days", "soon"], ["--no-console", "--unused-days", "3"]]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^otterstorage-local: .+\nRun 'otterstorage-local --help' for usage\.\n$/);
      assert.equal(r.stdout, "");
    }
  });

  it("exits 1 with a message when a port is taken", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    try {
      const port = (blocker.address() as net.AddressInfo).port;
      const r = spawnSync(process.execPath, [CLI, "--memory", "--control-port", String(port)], { encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^otterstorage-local: could not start: .*EADDRINUSE/);
      assert.equal(r.stdout, "", "no ready line when not ready");
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it("prints usage for --help and exits 0", () => {
    const r = spawnSync(process.execPath, [CLI, "--help"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0);
    for (const flag of ["--data-dir", "--memory", "--control-port", "--s3-port", "--host", "--no-console", "--rotation-age-days"]) assert.ok(r.stdout.includes(flag), flag);
  });

  it("starts with a #!/usr/bin/env node shebang", () => {
    assert.ok(fs.readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
  });

  it("runs as `npx otterstorage-local` does: the workspace's node_modules/.bin link, executed directly", () => {
    // npm ci links it before the build writes dist/: the package's bin is a committed stub (emulator/bin/).
    const bin = path.resolve(__dirname, "..", "..", "node_modules", ".bin", "otterstorage-local");
    assert.equal(fs.realpathSync(bin), fs.realpathSync(path.resolve(__dirname, "..", "..", "emulator", "bin", "otterstorage-local.js")), "the .bin link is the package's bin");
    const r = spawnSync(bin, ["--help"], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes("--data-dir"));
  });
});

describe("otterstorage-local --faults", () => {
  it("rejects a bad faults file with exit 2 and names the bad field", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-faults-"));
    try {
      const file = path.join(dir, "faults.json");
      fs.writeFileSync(file, JSON.stringify({ rules: [{ route: "POST /v1/buckets", p500: 3 }] }));
      const r = spawnSync(process.execPath, [CLI, "--memory", "--faults", file], { encoding: "utf8", timeout: 30_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, /--faults: .*rules\[0\]\.p500/);
      const missing = spawnSync(process.execPath, [CLI, "--memory", "--faults", path.join(dir, "nope.json")], { encoding: "utf8", timeout: 30_000 });
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /--faults: cannot read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("otterstorage-local --rate-limit validation", () => {
  it("accepts a positive number of requests per second (fractions too) and refuses anything else by name", async () => {
    const { parseCli } = await import("otterstorage-local/dist/cli");
    const ok = parseCli(["--memory", "--rate-limit", "0.5"]) as { rateLimit?: { requestsPerSecond: number } };
    assert.deepEqual(ok.rateLimit, { requestsPerSecond: 0.5 });
    for (const bad of ["0", "-1", "abc", "", "1e3", "Infinity", "2000000"]) {
      assert.throws(() => parseCli(["--memory", `--rate-limit=${bad}`]), (e: Error) => /--rate-limit must be a number of requests per second/.test(e.message) && e.message.includes(`'${bad}'`), bad);
    }
  });
});
