/**
 * Evidence suite 2 of 5 (docs/benchmarks.md "Evidence suites"): crash safety. Local OtterStorage runs as a child process (otterstorage-local's dist/cli.js --data-dir);
 * concurrent single-part and multipart uploads (@aws-sdk/client-s3) run against it and it is SIGKILLed while they
 * are in flight, then restarted on the same data dir. Every acknowledged object must read back byte-identical
 * (sha256), every listed object must be complete (it is one we sent, whole), the SQLite file as the crash left it
 * must pass `PRAGMA integrity_check`, and the bucket and its keys must still be there and work — the first key and
 * every key whose creation (Control API, running concurrently with the uploads) was acknowledged before the kill.
 *
 * Bounded: EVIDENCE_CRASH_ROUNDS kill/restart rounds (default 2), each killed once 12 single and 1 multipart
 * uploads have been acknowledged, and each worker stops after 200 uploads.
 */
import * as assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Database from "better-sqlite3";
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, UploadPartCommand,
} from "@aws-sdk/client-s3";
import { CliProcess, startCli } from "./evidence-support";
import { control } from "./support/emulator";
import { systemClock, type OtterStorage } from "otterstorage-local";
import { heldRequest } from "./s3-support";

const ROUNDS = Number(process.env.EVIDENCE_CRASH_ROUNDS ?? 2);
const SINGLE_WORKERS = 4;
const MULTIPART_WORKERS = 2;
const MAX_UPLOADS_PER_WORKER = 200;
const MiB = 1024 * 1024;
const BUCKET = "crash-bucket";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function client(s3Url: string, key: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({ endpoint: s3Url, region: "eu-mad", forcePathStyle: true, credentials: key, maxAttempts: 1 });
}

async function readAll(s3: S3Client, key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/** The database files exactly as the crash left them, copied aside and checked there (opening recovers the WAL). */
function integrityOfCopy(dataDir: string, scratch: string): string {
  fs.mkdirSync(scratch, { recursive: true });
  for (const f of fs.readdirSync(dataDir)) if (/^otterstorage\.db(-wal|-shm)?$/.test(f)) fs.copyFileSync(path.join(dataDir, f), path.join(scratch, f));
  const db = new Database(path.join(scratch, "otterstorage.db"));
  try {
    return (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

describe("evidence: crash safety (SIGKILL mid-upload, restart on the same data dir)", function () {
  this.timeout(180_000);
  let dir: string;
  let cli: CliProcess | undefined;
  /** key -> sha256 of the body we sent (each key is written once). */
  const intended = new Map<string, { sha: string; size: number }>();
  const acked = new Set<string>();
  let credentials: { accessKeyId: string; secretAccessKey: string };
  const integrity: string[] = [];
  /** Keys created through the Control API during the rounds and acknowledged (201) before the kill. */
  const ackedKeys: Array<{ accessKeyId: string; secretAccessKey: string }> = [];
  const perRound: string[] = [];

  before(async function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-crash-"));
    cli = await startCli(["--data-dir", path.join(dir, "data")]);
    const api = control({ controlUrl: cli.ready.controlUrl, token: cli.ready.token });
    assert.equal((await api.post("/v1/buckets", { name: BUCKET })).status, 201);
    const k = await api.post(`/v1/buckets/${BUCKET}/access-keys`, { label: "crash" });
    assert.equal(k.status, 201);
    credentials = { accessKeyId: k.body.accessKeyId, secretAccessKey: k.body.secretAccessKey };

    for (let round = 0; round < ROUNDS; round++) {
      if (!cli) cli = await startCli(["--data-dir", path.join(dir, "data")]);
      const s3 = client(cli.ready.s3Url, credentials);
      let killed = false;
      let singles = 0;
      let multis = 0;
      let inFlightAtKill = 0;
      let inFlight = 0;
      const running: CliProcess = cli;
      const maybeKill = () => {
        if (!killed && singles >= 12 && multis >= 1) {
          killed = true;
          inFlightAtKill = inFlight;
          running.child.kill("SIGKILL");
        }
      };
      const single = async (w: number) => {
        for (let i = 0; i < MAX_UPLOADS_PER_WORKER && !killed; i++) {
          const key = `r${round}/single/w${w}/${i}-${randomBytes(3).toString("hex")}`;
          const body = randomBytes(1024 + Math.floor(Math.random() * 2 * MiB));
          intended.set(key, { sha: sha(body), size: body.length });
          inFlight++;
          try {
            await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
            acked.add(key);
            singles++;
          } catch {
            if (!killed) throw new Error(`upload of ${key} failed before the kill`);
          } finally {
            inFlight--;
          }
          maybeKill();
        }
      };
      const multipart = async (w: number) => {
        for (let i = 0; i < MAX_UPLOADS_PER_WORKER && !killed; i++) {
          const key = `r${round}/multi/w${w}/${i}-${randomBytes(3).toString("hex")}`;
          const parts = [randomBytes(5 * MiB), randomBytes(1 + Math.floor(Math.random() * MiB))];
          const body = Buffer.concat(parts);
          intended.set(key, { sha: sha(body), size: body.length });
          inFlight++;
          try {
            const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
            const etags: string[] = [];
            for (let p = 0; p < parts.length; p++) {
              etags.push((await s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: p + 1, Body: parts[p] }))).ETag!);
            }
            await s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, p) => ({ ETag, PartNumber: p + 1 })) } }));
            acked.add(key);
            multis++;
          } catch {
            if (!killed) throw new Error(`multipart upload of ${key} failed before the kill`);
          } finally {
            inFlight--;
          }
          maybeKill();
        }
      };
      const keyMaker = async () => {
        const api = control({ controlUrl: running.ready.controlUrl, token: running.ready.token });
        for (let i = 0; i < MAX_UPLOADS_PER_WORKER && !killed; i++) {
          try {
            const r = await api.post(`/v1/buckets/${BUCKET}/access-keys`, { label: `crash-${round}-${i}` });
            if (r.status === 201) ackedKeys.push({ accessKeyId: r.body.accessKeyId, secretAccessKey: r.body.secretAccessKey });
          } catch {
            if (!killed) throw new Error("a key creation failed before the kill");
          }
        }
      };
      await Promise.all([
        ...Array.from({ length: SINGLE_WORKERS }, (_, w) => single(w)),
        ...Array.from({ length: MULTIPART_WORKERS }, (_, w) => multipart(w)),
        keyMaker(),
      ]);
      s3.destroy();
      assert.ok(killed, "the workers ran out of uploads before the kill condition");
      const exit = await running.exited;
      assert.equal(exit.signal, "SIGKILL");
      integrity.push(integrityOfCopy(path.join(dir, "data"), path.join(dir, `scratch-${round}`)));
      perRound.push(`round ${round}: ${singles} single + ${multis} multipart uploads and ${ackedKeys.length} keys acknowledged, ${inFlightAtKill} uploads in flight at the kill`);
      cli = undefined;
    }
    cli = await startCli(["--data-dir", path.join(dir, "data")]);
    console.log(`      ${perRound.join("; ")}`);
  });

  after(async () => {
    await cli?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("killed each round with uploads in flight and at least one acknowledged multipart upload", () => {
    assert.equal(perRound.length, ROUNDS);
    assert.ok(acked.size >= 13 * ROUNDS);
    assert.ok(intended.size > acked.size, "nothing was in flight at any kill");
  });

  it("the SQLite file as each crash left it passes PRAGMA integrity_check", () => {
    assert.deepEqual(integrity, Array(ROUNDS).fill("ok"));
  });

  it("the bucket and every acknowledged key survive the crashes, and each key still signs with its secret", async () => {
    const api = control({ controlUrl: cli!.ready.controlUrl, token: cli!.ready.token });
    assert.equal((await api.get(`/v1/buckets/${BUCKET}`)).status, 200);
    assert.ok(ackedKeys.length >= ROUNDS, `only ${ackedKeys.length} keys were acknowledged`);
    for (const k of [credentials, ...ackedKeys]) {
      assert.equal((await api.get(`/v1/buckets/${BUCKET}/access-keys/${k.accessKeyId}`)).status, 200, k.accessKeyId);
      const s3 = client(cli!.ready.s3Url, k);
      try {
        await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
      } finally {
        s3.destroy();
      }
    }
  });

  it("every acknowledged object reads back byte-identical (sha256)", async () => {
    const s3 = client(cli!.ready.s3Url, credentials);
    try {
      const bad: string[] = [];
      for (const key of acked) {
        const got = await readAll(s3, key);
        if (sha(got) !== intended.get(key)!.sha) bad.push(key);
      }
      assert.deepEqual(bad, []);
    } finally {
      s3.destroy();
    }
  });

  it("no partial object is visible: every listed object is one we sent, complete", async () => {
    const s3 = client(cli!.ready.s3Url, credentials);
    try {
      const listed: Array<{ key: string; size: number }> = [];
      let token: string | undefined;
      for (let page = 0; page < 100; page++) {
        const r = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
        for (const o of r.Contents ?? []) listed.push({ key: o.Key!, size: o.Size! });
        if (!r.IsTruncated) break;
        token = r.NextContinuationToken;
      }
      for (const key of acked) assert.ok(listed.some((o) => o.key === key), `acknowledged ${key} is not listed`);
      for (const o of listed) {
        const want = intended.get(o.key);
        assert.ok(want, `listed ${o.key} was never sent`);
        assert.equal(o.size, want.size, `${o.key}: listed size`);
        assert.equal(sha(await readAll(s3, o.key)), want.sha, `${o.key}: content`);
      }
    } finally {
      s3.destroy();
    }
  });
});

describe("evidence: crash safety of revocations and bucket re-creation with writes in flight (SIGKILL, restart)", function () {
  this.timeout(120_000);
  let dir: string;
  let cli: CliProcess | undefined;
  after(async () => {
    await cli?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a revoke and a delete+re-create acknowledged before the kill hold after restart: the held writes landed nowhere, the old keys stay refused, the new owner's key works", async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "otter-crash-inflight-"));
    const data = path.join(dir, "data");
    cli = await startCli(["--data-dir", data]);
    const api = control({ controlUrl: cli.ready.controlUrl, token: cli.ready.token });
    const plane = { s3Url: cli.ready.s3Url, clock: systemClock } as unknown as OtterStorage;
    for (const b of ["crash-kept", "crash-reused"]) assert.equal((await api.post("/v1/buckets", { name: b })).status, 201);
    const keyOf = async (b: string) => ({ bucket: b, ...(await api.post(`/v1/buckets/${b}/access-keys`, {})).body }) as { bucket: string; accessKeyId: string; secretAccessKey: string };
    const keeper = await keyOf("crash-kept");
    const victim = await keyOf("crash-kept");
    const oldOwner = await keyOf("crash-reused");
    const held = [
      await heldRequest(plane, victim, "PUT", "/crash-kept/late.bin", Buffer.alloc(MiB, 1)),
      await heldRequest(plane, oldOwner, "PUT", "/crash-reused/planted.bin", Buffer.alloc(MiB, 2)),
      await heldRequest(plane, oldOwner, "PUT", "/crash-reused/planted-small.txt", "small"),
    ];
    assert.equal((await api.delete(`/v1/buckets/crash-kept/access-keys/${victim.accessKeyId}`)).status, 204);
    assert.equal((await api.delete("/v1/buckets/crash-reused?force=true")).status, 204);
    assert.equal((await api.post("/v1/buckets", { name: "crash-reused" })).status, 201);
    const newOwner = await keyOf("crash-reused");
    const answers = held.map((h) => h.finish().then((r) => `${r.status}`, () => "connection lost"));
    cli.child.kill("SIGKILL");
    await cli.exited;
    const outcomes = await Promise.all(answers);
    assert.ok(outcomes.every((o) => o !== "200"), `a held write was acknowledged: ${outcomes.join(", ")}`);
    cli = await startCli(["--data-dir", data]);
    const c = (k: { accessKeyId: string; secretAccessKey: string }) => client(cli!.ready.s3Url, k);
    const list = async (k: { accessKeyId: string; secretAccessKey: string }, bucket: string) => {
      const s = c(k);
      try {
        return ((await s.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
      } finally {
        s.destroy();
      }
    };
    assert.deepEqual(await list(keeper, "crash-kept"), []);
    assert.deepEqual(await list(newOwner, "crash-reused"), [], "nothing planted by the old owner");
    for (const [k, b] of [[victim, "crash-kept"], [oldOwner, "crash-reused"]] as const) {
      await assert.rejects(list(k, b), (e: Error) => e.name === "InvalidAccessKeyId");
    }
    const s = c(newOwner);
    await s.send(new PutObjectCommand({ Bucket: "crash-reused", Key: "mine.txt", Body: "new owner" }));
    s.destroy();
    assert.deepEqual(await list(newOwner, "crash-reused"), ["mine.txt"], "the re-created bucket's incarnation survived the restart");
  });
});
