/**
 * Runs a Pulumi program (an example or the quickstart, compiled by the root build into dist/) in-process under
 * pulumi.runtime.setMocks and records what it asks the engine for: every resource with its inputs, options and
 * dependencies, and every stack output with its secretness.
 *
 * setMocks ignores resource options, so on its own a secret output never comes back secret (node_modules/@pulumi/pulumi/runtime/mocks.js
 * registerResource). The mock here applies the engine's `additionalSecretOutputs` rule (the outputs listed in the option come
 * back as secrets), so the programs' exports show the secretness a real `pulumi up` gives them; tests also assert
 * that the option was sent.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Res } from "./policy-harness";

const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const settings = require("@pulumi/pulumi/runtime/settings");

export const ROOT = path.resolve(__dirname, "..", "..");
export const FAKE_SECRET = "aB3xY9kLpQ7mN2vWcR5tZ8dF1gH4jK6sUe0oI2pL";
export const FAKE_ENDPOINT = "https://es-mad-1.s3.otterstorage.io";

export interface Registered {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  /** Inputs as sent (secrets unwrapped). */
  inputs: Record<string, any>;
  /** The mock's answer: inputs plus the outputs the real provider would add. */
  outputs: Record<string, any>;
  protect: boolean;
  ignoreChanges: string[];
  additionalSecretOutputs: string[];
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export interface ProgramRun {
  resources: Registered[];
  outputs: Record<string, { value: any; secret: boolean }>;
  byType(type: string): Registered[];
}

export interface RunOptions {
  project: string;
  stack: string;
  /** Stack config as in Pulumi.<stack>.yaml, keys `ns:key`. */
  config?: Record<string, string>;
  /** Outputs of stacks read through StackReference, by stack name; names in `secret` come back as secrets. */
  stackReferences?: Record<string, { outputs: Record<string, unknown>; secret?: string[] }>;
}

let counter = 0;
const fakeKeyId = () => `OTTR${String(++counter).padStart(16, "0")}`;

/** What the provider adds to its inputs on create (shapes from docs/architecture.md "Resource shapes"). */
function outputsFor(type: string, name: string, inputs: Record<string, any>): { id: string; state: Record<string, any> } {
  if (type === "pulumi-nodejs:dynamic/otterstorage:Bucket") {
    const bucketName = inputs.name ?? `${name}-abcdefg`;
    return { id: bucketName, state: { ...inputs, name: bucketName, region: inputs.region ?? "eu-mad", endpoint: FAKE_ENDPOINT, createdAt: "2026-01-01T00:00:00Z" } };
  }
  if (type === "pulumi-nodejs:dynamic/otterstorage:AccessKey") {
    const id = fakeKeyId();
    return { id, state: { ...inputs, accessKeyId: id, secretAccessKey: FAKE_SECRET, endpoint: FAKE_ENDPOINT, region: "eu-mad", createdAt: "2026-01-01T00:00:00Z" } };
  }
  if (type === "random:index/randomString:RandomString") {
    return { id: name, state: { ...inputs, result: "x".repeat(Math.min(Number(inputs.length) || 6, 64)).replace(/x/g, "k") } };
  }
  if (type === "random:index/randomPet:RandomPet") return { id: name, state: { ...inputs, id: "quiet-otter" } };
  return { id: `${name}-id`, state: inputs };
}

/** Runs `entry` (a compiled program) as stack `stack` of `project`; resolves when every registration is done. */
export async function runProgram(entry: string, opts: RunOptions): Promise<ProgramRun> {
  const resources: Registered[] = [];
  const pendingOptions = new Map<string, string[]>();
  const originalRegister = MockMonitor.prototype.registerResource;
  const originalRead = MockMonitor.prototype.readResource;

  MockMonitor.prototype.registerResource = function (this: any, req: any, cb: any) {
    const pd: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((v: any, k: string) => (pd[k] = v.getUrnsList()));
    const rec: Registered = {
      type: req.getType(),
      name: req.getName(),
      urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
      custom: req.getCustom(),
      inputs: {},
      outputs: {},
      protect: req.getProtect(),
      ignoreChanges: req.getIgnorechangesList(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      propertyDependencies: pd,
    };
    resources.push(rec);
    pendingOptions.set(`${rec.type}::${rec.name}`, rec.additionalSecretOutputs);
    return originalRegister.call(this, req, cb);
  };

  MockMonitor.prototype.readResource = function (this: any, req: any, cb: any) {
    resources.push({
      type: req.getType(),
      name: req.getName(),
      urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
      custom: true,
      inputs: req.getProperties().toJavaScript(),
      outputs: {},
      protect: false,
      ignoreChanges: [],
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      propertyDependencies: {},
    });
    return originalRead.call(this, req, cb);
  };

  const refs = opts.stackReferences ?? {};
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const ref = refs[args.inputs.name];
          if (!ref) throw new Error(`test gave no outputs for StackReference ${args.inputs.name}`);
          return { id: args.inputs.name, state: { name: args.inputs.name, outputs: ref.outputs, secretOutputNames: ref.secret ?? [] } };
        }
        const { id, state } = outputsFor(args.type, args.name, args.inputs);
        const rec = resources.find((r) => r.type === args.type && r.name === args.name);
        if (rec) {
          rec.inputs = args.inputs;
          rec.outputs = { ...state };
        }
        // The engine's rule: outputs listed in additionalSecretOutputs are secrets.
        for (const k of pendingOptions.get(`${args.type}::${args.name}`) ?? []) if (k in state) state[k] = pulumi.secret(state[k]);
        return { id, state };
      },
      call: () => ({}),
    },
    opts.project,
    opts.stack,
    false,
  );
  pulumi.runtime.setAllConfig(opts.config ?? {});

  // A failing program surfaces as unhandled rejections too (a resource whose URN never resolves): during the run they are
  // the program's failure, reported by runProgram, not a crash of the test process.
  const rejections: unknown[] = [];
  const savedListeners = process.listeners("unhandledRejection");
  const onRejection = (e: unknown) => rejections.push(e);
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onRejection);

  try {
    delete require.cache[require.resolve(entry)];
    const mod = require(entry);
    const outputs: ProgramRun["outputs"] = {};
    // Output.promise() (internal) rejects when the program fails; apply() would just never call back.
    const settled = await Promise.allSettled(
      Object.entries(mod).map(async ([k, v]) => {
        const o = pulumi.output(v);
        outputs[k] = { value: await (o as any).promise(), secret: await pulumi.isSecret(o) };
      }),
    );
    await settings.waitForRPCs();
    await new Promise((r) => setImmediate(r));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    if (rejections.length > 0) throw rejections[0];
    return { resources, outputs, byType: (t) => resources.filter((r) => r.type === t) };
  } finally {
    await new Promise((r) => setImmediate(r));
    process.removeListener("unhandledRejection", onRejection);
    for (const l of savedListeners) process.on("unhandledRejection", l);
    MockMonitor.prototype.registerResource = originalRegister;
    MockMonitor.prototype.readResource = originalRead;
    pulumi.runtime.setAllConfig({});
  }
}

/** The recorded resources in the policy harness's shape: inputs for resource policies, outputs for stack ones. */
export function asPolicyResources(run: ProgramRun, stack: string, which: "inputs" | "outputs"): Res[] {
  return run.resources
    .filter((r) => r.custom || r.type.startsWith("otterstorage:"))
    .map((r) => ({
      type: r.type,
      name: r.name,
      urn: r.urn,
      stack,
      props: Object.fromEntries(Object.entries(which === "inputs" ? r.inputs : r.outputs).filter(([k]) => k !== "__provider")),
      protect: r.protect,
      ignoreChanges: r.ignoreChanges,
      additionalSecretOutputs: r.additionalSecretOutputs,
      parent: r.parent || undefined,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
    }));
}
