/**
 * The native plugin under the real engine (tests/engine-native*.test.ts): where the plugin and the language hosts
 * are, the three ways users install the plugin, and the environments scenario every language's example runs.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { OtterStorage } from "otterstorage-local";
import { filesUnder } from "../evidence-support";
import { keyEnv, run } from "./cli";
import { control } from "./emulator";
import { REPO_ROOT } from "./host";
import { TOOLCHAIN_BIN, type Project, type Stack } from "./pulumi";
import { s3Answer } from "./s3";

/** The folder holding the `pulumi-resource-otterstorage` launcher of this checkout (what `npm install` links as a bin). */
export const PLUGIN_DIR = path.join(REPO_ROOT, "bin");

/** A language host from the toolchain folder or PATH, or why there is none. */
export function languageHost(lang: "yaml" | "python" | "go"): { bin: string } | { missing: string } {
  const name = `pulumi-language-${lang}`;
  for (const d of [TOOLCHAIN_BIN, ...(process.env.PATH ?? "").split(path.delimiter)]) {
    if (d && fs.existsSync(path.join(d, name))) return { bin: path.join(d, name) };
  }
  return { missing: `${name} is not built: run scripts/pulumi-toolchain.sh (it builds the YAML, Python and Go hosts)` };
}

/** Writes `plugins: providers: [{ name: otterstorage, path }]` into a project's Pulumi.yaml (install way 2). */
export function pinPluginInProject(dir: string, pluginDir = PLUGIN_DIR): void {
  const file = path.join(dir, "Pulumi.yaml");
  const text = fs.readFileSync(file, "utf8").replace(/^plugins:\n(?: .*\n)*/m, "");
  fs.writeFileSync(file, `${text.trimEnd()}\nplugins:\n  providers:\n    - name: otterstorage\n      path: ${pluginDir}\n`);
}

/** Every plaintext value of `secrets` found in the text, named by where it was found. */
export function leaks(where: string, text: string, secrets: string[]): string[] {
  return secrets.filter((s) => s && text.includes(s)).map((s) => `${where} holds ${s.slice(0, 4)}…`);
}

/** Every file under a folder, as text (a file backend's state, checkpoints, history). */
export function filesText(dir: string): string {
  return filesUnder(dir).map((f) => fs.readFileSync(f, "latin1")).join("");
}

export interface EnvOutputs {
  bucketName: string;
  endpoint: string;
  accessKeyIds: Record<string, string>;
  secretAccessKeys: Record<string, string>;
}

/** `aws s3 cp` of a small object with a key, through the real AWS CLI: "ok" or its error text. */
export async function awsPut(endpoint: string, bucket: string, key: { accessKeyId: string; secretAccessKey: string }, scratch: string): Promise<string> {
  const file = path.join(scratch, "hello.txt");
  fs.writeFileSync(file, "hello from the native plugin\n");
  // Asynchronous: Local OtterStorage runs in this process and must answer while the CLI waits.
  const r = await run("aws", ["s3", "cp", file, `s3://${bucket}/hello.txt`, "--only-show-errors"], keyEnv(scratch, endpoint, key));
  return r.code === 0 ? "ok" : `${r.stderr}${r.stdout}`.trim() || `exit ${r.code}`;
}

/**
 * The environments program in any language (examples/yaml, examples/python, examples/go): up → the keys work with
 * the AWS CLI and are refused by another bucket → `rotation` changed: new keys work, old ones are refused, each
 * replacement created before its original was deleted → an out-of-band revoke found by refresh and re-issued by
 * up → destroy leaves no bucket. Secrets and the token are never in plaintext in state, exports or output.
 */
export async function environmentsScenario(project: Project, os: OtterStorage, scratch: string): Promise<void> {
  const stack: Stack = await project.stack("dev", { endpoint: os.controlUrl, token: os.token });
  const shown: string[] = [];
  const up = async () => shown.push((await stack.up()).output);
  await up();
  const first = (await stack.outputs(true)) as EnvOutputs;
  assert.deepEqual(Object.keys(first.accessKeyIds).sort(), ["app-web", "ci-deploy"]);
  const key = (o: EnvOutputs, label: string) => ({ accessKeyId: o.accessKeyIds[label], secretAccessKey: o.secretAccessKeys[label] });
  assert.equal(await awsPut(first.endpoint, first.bucketName, key(first, "app-web"), scratch), "ok", "the app-web key writes with the AWS CLI");
  const other = (await control(os).post<{ name: string }>("/v1/buckets", { name: `other-${path.basename(scratch).toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, 60) })).body.name;
  assert.equal(await s3Answer({ ...key(first, "ci-deploy"), endpoint: first.endpoint }, other), "AccessDenied", "a key never reaches another bucket");

  // Rotation: every key replaced, new before old.
  await stack.config("rotation", "1");
  const rotate = await stack.up();
  shown.push(rotate.output);
  for (const label of ["app-web", "ci-deploy"]) {
    const created = rotate.output.search(new RegExp(`AccessKey ${label} created replacement`));
    const deleted = rotate.output.search(new RegExp(`AccessKey ${label} deleted original`));
    assert.ok(created >= 0 && deleted > created, `${label}: the replacement is created before the original is deleted:\n${rotate.output}`);
  }
  const second = (await stack.outputs(true)) as EnvOutputs;
  for (const label of ["app-web", "ci-deploy"]) {
    assert.notEqual(second.accessKeyIds[label], first.accessKeyIds[label]);
    assert.equal(await s3Answer({ ...key(second, label), endpoint: second.endpoint }, second.bucketName), "ok", `${label}: the new key works`);
    assert.equal(await s3Answer({ ...key(first, label), endpoint: first.endpoint }, first.bucketName), "InvalidAccessKeyId", `${label}: the old key is refused`);
  }

  // Drift: a key revoked outside Pulumi leaves the state at refresh and is issued again by up.
  await control(os).delete(`/v1/buckets/${second.bucketName}/access-keys/${second.accessKeyIds["app-web"]}`);
  shown.push((await stack.ok(["refresh", "--yes", "--skip-preview"])).output);
  await up();
  const third = (await stack.outputs(true)) as EnvOutputs;
  assert.notEqual(third.accessKeyIds["app-web"], second.accessKeyIds["app-web"]);
  assert.equal(await s3Answer({ ...key(third, "app-web"), endpoint: third.endpoint }, third.bucketName), "ok");
  assert.equal(third.accessKeyIds["ci-deploy"], second.accessKeyIds["ci-deploy"], "the other key is left alone");

  // Secrets: never in plaintext in the export, the state files or anything the CLI printed.
  const secrets = [os.token, ...[first, second, third].flatMap((o) => Object.values(o.secretAccessKeys))];
  const exported = (await stack.export()).text;
  const found = [...leaks("stack export", exported, secrets), ...leaks("CLI output", shown.join("\n"), secrets)];
  if (project.stateDir) found.push(...leaks("state files", filesText(project.stateDir), secrets));
  assert.deepEqual(found, []);
  assert.equal((await stack.preview(["--expect-no-changes"])).code, 0, "a second preview shows no changes");

  await stack.destroy();
  const left = (await control(os).get<{ buckets: { name: string }[] }>("/v1/buckets")).body.buckets.map((b) => b.name);
  assert.ok(!left.includes(third.bucketName), `destroy deleted ${third.bucketName}; left: ${left.join(", ")}`);
  await control(os).delete(`/v1/buckets/${other}`);
}
