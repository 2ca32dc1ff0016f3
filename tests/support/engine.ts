/**
 * An engine-like mock monitor: program → registerResource → the same steps the host
 * takes (rebuild `__provider` with require-from-string, configure, check, create) → the engine's two secret
 * rules on the way back (an output whose same-named input held a secret; every additionalSecretOutputs
 * key) → a recorded "state" in wire form, which tests scan for plaintext secrets.
 *
 * It copies the engine's rules; it is not the engine. Create only (no update/replace ordering).
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_SIG } from "./host";

const requireFromString = require("require-from-string");
const structproto = require("google-protobuf/google/protobuf/struct_pb");
const resproto = require("@pulumi/pulumi/proto/resource_pb");

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** Wire form, as the engine would store it (secrets wrapped). */
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  /** As the SDK sent it in the RegisterResource request (not derived by the mock). */
  additionalSecretOutputs: string[];
}

const isSecretWire = (v: unknown): boolean => !!v && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG.key] === SECRET_SIG.value;
const wrap = (value: unknown) => ({ [SECRET_SIG.key]: SECRET_SIG.value, value });

export function unwrapSecrets(v: unknown): unknown {
  if (isSecretWire(v)) return unwrapSecrets((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapSecrets(x)]));
  return v;
}
export function containsSecret(v: unknown): boolean {
  if (isSecretWire(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecret);
  if (v && typeof v === "object") return Object.values(v).some(containsSecret);
  return false;
}

/**
 * Installs mocks, then replaces the monitor's registerResource with the engine-like one.
 * `config` is the stack config handed to `configure` (as the engine's Configure would).
 */
export async function installEngineLikeMonitor(config: Record<string, string>, project = "otterstorage-test", stack = "dev"): Promise<RecordedResource[]> {
  const state: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    { newResource: () => { throw new Error("not used"); }, call: () => ({}) },
    project,
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as any;
  const configured = new Set<string>();
  monitor.registerResource = async (req: any, callback: (err: unknown, resp?: unknown) => void) => {
    try {
      const type: string = req.getType();
      const name: string = req.getName();
      const urn = `urn:pulumi:${stack}::${project}::${type}::${name}`;
      const wire = req.getObject().toJavaScript() as Record<string, unknown>;
      const plainInputs = unwrapSecrets(wire) as Record<string, unknown>;
      const text = plainInputs.__provider as string;
      const prov = requireFromString(text).handler();
      if (prov.configure && !configured.has(text)) {
        configured.add(text);
        await prov.configure({ config: { get: (k: string) => config[k.includes(":") ? k : `${project}:${k}`], require: (k: string) => config[k] } });
      }
      const checked = prov.check ? await prov.check({}, plainInputs) : { inputs: plainInputs };
      if (checked.failures?.length) throw new Error(checked.failures.map((f: any) => `${f.property}: ${f.reason}`).join("; "));
      const { id, outs = {} } = await prov.create(checked.inputs ?? plainInputs);
      const out: Record<string, unknown> = { ...outs, __provider: text };
      for (const k of Object.keys(wire)) if (k in out && containsSecret(wire[k])) out[k] = wrap(out[k]);
      const aso: string[] = req.getAdditionalsecretoutputsList();
      for (const k of aso) if (k in out && !isSecretWire(out[k])) out[k] = wrap(out[k]);
      state.push({ urn, type, name, id, inputs: wire, outputs: out, additionalSecretOutputs: aso });
      const resp = new resproto.RegisterResourceResponse();
      resp.setUrn(urn);
      resp.setId(id);
      resp.setObject(structproto.Struct.fromJavaScript(out));
      callback(null, resp);
    } catch (err) {
      callback(err);
    }
  };
  return state;
}

/** Every plaintext occurrence of `secret` in the recorded state that is not inside a secret wrapper. */
export function plaintextOutsideWrappers(v: unknown, secret: string, path = "$"): string[] {
  if (isSecretWire(v)) return [];
  if (typeof v === "string") return v.includes(secret) ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => plaintextOutsideWrappers(x, secret, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => plaintextOutsideWrappers(x, secret, `${path}.${k}`));
  return [];
}
