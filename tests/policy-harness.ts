/**
 * Drives the policy pack the way the engine does, without the CLI: builds AnalyzeRequest / AnalyzeStackRequest
 * protobufs and hands them either to @pulumi/policy's analyzer handlers in-process (makeAnalyzeRpcFun, as
 * pulumi-policy's own tests/server.spec.ts does) or, over gRPC, to the pack started as the CLI starts it
 * (@pulumi/pulumi's run-policy-pack on policy/index.ts, the pack folder as working directory). Only the gRPC
 * route can configure enforcement levels: @pulumi/policy keeps policy config in module state that only its
 * Configure RPC sets.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { POLICY_PACK_NAME, policies } from "../policy/policies";

export const BUCKET = "pulumi-nodejs:dynamic/otterstorage:Bucket";
export const KEY = "pulumi-nodejs:dynamic/otterstorage:AccessKey";
/** The engine's sentinel for a string not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Res {
  type: string;
  name: string;
  props: Record<string, unknown>;
  stack?: string;
  urn?: string;
  protect?: boolean;
  ignoreChanges?: string[];
  additionalSecretOutputs?: string[];
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export interface Diag {
  policy: string;
  level: "advisory" | "mandatory" | "disabled" | "remediate";
  message: string;
  urn: string;
}

export function urnOf(r: Res): string {
  return r.urn ?? `urn:pulumi:${r.stack ?? "dev"}::quickstart::${r.type}::${r.name}`;
}

/** A Bucket as its outputs look in state (stack policies) or as inputs (resource policies: pass only inputs). */
export function bucket(name: string, props: Record<string, unknown> = {}, extra: Partial<Res> = {}): Res {
  return { type: BUCKET, name, props: { name, forceDestroy: false, endpoint: "https://es-mad-1.s3.otterstorage.io", ...props }, ...extra };
}

/** An AccessKey wired to `b` the way the SDK registers it: bucket input depends on the Bucket resource. */
export function key(name: string, b: Res, props: Record<string, unknown> = {}, extra: Partial<Res> = {}): Res {
  return {
    type: KEY,
    name,
    props: { bucket: b.props.name, label: name, rotateAfterDays: 90, endpoint: b.props.endpoint, secretAccessKey: "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL", ...props },
    additionalSecretOutputs: ["secretAccessKey"],
    dependencies: [urnOf(b)],
    propertyDependencies: { bucket: [urnOf(b)] },
    stack: b.stack,
    ...extra,
  };
}

/** Absent, not null: the engine never sends undefined-valued properties. */
function toStruct(props: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(props)));
}

function options(r: Res): analyzerpb.AnalyzerResourceOptions {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(r.protect ?? false);
  o.setIgnorechangesList(r.ignoreChanges ?? []);
  o.setAdditionalsecretoutputsList(r.additionalSecretOutputs ?? []);
  o.setAliasesList([]);
  if (r.parent) o.setParent(r.parent);
  return o;
}

export function analyzeRequest(r: Res): analyzerpb.AnalyzeRequest {
  const req = new analyzerpb.AnalyzeRequest();
  req.setType(r.type);
  req.setName(r.name);
  req.setUrn(urnOf(r));
  req.setProperties(toStruct(r.props));
  req.setOptions(options(r));
  return req;
}

export function analyzeStackRequest(rs: Res[]): analyzerpb.AnalyzeStackRequest {
  const req = new analyzerpb.AnalyzeStackRequest();
  req.setResourcesList(
    rs.map((r) => {
      const a = new analyzerpb.AnalyzerResource();
      a.setType(r.type);
      a.setName(r.name);
      a.setUrn(urnOf(r));
      a.setProperties(toStruct(r.props));
      a.setOptions(options(r));
      if (r.parent) a.setParent(r.parent);
      a.setDependenciesList(r.dependencies ?? []);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const d = new analyzerpb.AnalyzerPropertyDependencies();
        d.setUrnsList(urns);
        a.getPropertydependenciesMap().set(k, d);
      }
      return a;
    }),
  );
  return req;
}

const LEVELS: Record<number, Diag["level"]> = {
  [analyzerpb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerpb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerpb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerpb.EnforcementLevel.REMEDIATE]: "remediate",
};

export function diagnostics(resp: analyzerpb.AnalyzeResponse): Diag[] {
  return resp.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage(), urn: d.getUrn() }));
}

// @pulumi/policy/server's handlers are marked @internal (its .d.ts exports nothing), hence the typed require.
type Handler = (call: { request: unknown }, cb: (err: unknown, resp?: analyzerpb.AnalyzeResponse) => void) => Promise<void> | void;
const server = require("@pulumi/policy/server") as {
  makeAnalyzeRpcFun(name: string, version: string, level: string, ps: unknown): Handler;
  makeAnalyzeStackRpcFun(name: string, version: string, level: string, ps: unknown): Handler;
};
const analyzeFn = server.makeAnalyzeRpcFun(POLICY_PACK_NAME, "0.1.0", "advisory", policies);
const analyzeStackFn = server.makeAnalyzeStackRpcFun(POLICY_PACK_NAME, "0.1.0", "advisory", policies);

function call(fn: Handler, request: unknown): Promise<Diag[]> {
  return new Promise((resolve, reject) => {
    void fn({ request }, (err, resp) => (err ? reject(err) : resolve(diagnostics(resp!))));
  });
}

/** Resource policies over inputs, as during preview/up (default config). */
export function analyze(r: Res): Promise<Diag[]> {
  return call(analyzeFn, analyzeRequest(r));
}

/** Stack policies over outputs, as at the end of preview/up (default config). */
export function analyzeStack(rs: Res[]): Promise<Diag[]> {
  return call(analyzeStackFn, analyzeStackRequest(rs));
}

/** All resource policies for each resource plus the stack policies: what one `pulumi up` would report. */
export async function analyzeAll(rs: Res[]): Promise<Diag[]> {
  const out: Diag[] = [];
  for (const r of rs) out.push(...(await analyze(r)));
  out.push(...(await analyzeStack(rs)));
  return out;
}

/** Like the CLI, always send a level: the analyzer takes a configured level over the policy's own default. */
export type PolicyConfig = Record<string, { enforcementLevel: Diag["level"]; [k: string]: unknown }>;

export interface PackServer {
  configure(cfg: PolicyConfig): Promise<void>;
  analyze(r: Res): Promise<Diag[]>;
  analyzeStack(rs: Res[]): Promise<Diag[]>;
  info(): Promise<analyzerpb.AnalyzerInfo>;
  /** The engine's ConfigureStack call (organization, project, stack, dry run, stack config). */
  configureStack(s: { organization: string; project: string; stack: string; dryRun: boolean; config: Record<string, string> }): Promise<void>;
  /** The process the port came from (the launcher's node when started through it). */
  pid: number;
  stop(): Promise<void>;
}

/** The executable analyzer `pulumi preview --policy-pack policy/pulumi-analyzer-otterstorage` runs. */
export const LAUNCHER = path.resolve(__dirname, "..", "..", "policy", "pulumi-analyzer-otterstorage");

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * Starts the pack as `pulumi preview --policy-pack policy/` does: @pulumi/pulumi's run-policy-pack on the
 * TypeScript source (ts-node with policy/tsconfig.json, type-checked), the pack folder as working directory, and
 * connects to the port it prints. With `launcher`, as `--policy-pack policy/pulumi-analyzer-otterstorage` does:
 * the executable itself, in `cwd` (the program's folder), with the engine's address as its only argument.
 */
export async function startPackServer(opts: { launcher?: boolean; cwd?: string } = {}): Promise<PackServer> {
  const child: ChildProcess = opts.launcher
    ? spawn(LAUNCHER, ["127.0.0.1:0"], { cwd: opts.cwd ?? ROOT, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."], { cwd: path.join(ROOT, "policy"), stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`policy pack exited with ${code} before printing its port: ${stderr}`)));
  });
  const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const unary = <Req, Resp>(method: (req: Req, cb: (err: grpc.ServiceError | null, resp: Resp) => void) => unknown, req: Req) =>
    new Promise<Resp>((resolve, reject) => method.call(client, req, (err, resp) => (err ? reject(err) : resolve(resp))));
  return {
    async configure(cfg) {
      const req = new analyzerpb.ConfigureAnalyzerRequest();
      for (const [name, c] of Object.entries(cfg)) {
        const { enforcementLevel, ...props } = c;
        const pc = new analyzerpb.PolicyConfig();
        pc.setEnforcementlevel(
          { advisory: analyzerpb.EnforcementLevel.ADVISORY, mandatory: analyzerpb.EnforcementLevel.MANDATORY, disabled: analyzerpb.EnforcementLevel.DISABLED, remediate: analyzerpb.EnforcementLevel.REMEDIATE }[enforcementLevel],
        );
        pc.setProperties(Struct.fromJavaScript(props as any));
        req.getPolicyconfigMap().set(name, pc);
      }
      await unary(client.configure, req);
    },
    analyze: async (r) => diagnostics(await unary(client.analyze, analyzeRequest(r))),
    analyzeStack: async (rs) => diagnostics(await unary(client.analyzeStack, analyzeStackRequest(rs))),
    info: () => unary(client.getAnalyzerInfo, new Empty()),
    async configureStack(c) {
      const req = new analyzerpb.AnalyzerStackConfigureRequest();
      req.setOrganization(c.organization);
      req.setProject(c.project);
      req.setStack(c.stack);
      req.setDryRun(c.dryRun);
      for (const [k, v] of Object.entries(c.config)) req.getConfigMap().set(k, v);
      await unary(client.configureStack, req);
    },
    pid: child.pid!,
    async stop() {
      client.close();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill();
        await exited;
      }
    },
  };
}
