/**
 * The engine's step order for one resource, closer to pkg/resource/deploy/step_generator.go than engineUp
 * (tests/support/host.ts), for the cases the provider's guarantees depend on:
 * - an init failure (ErrorResourceInitFailed) is stored: its id, and its `properties` as the outputs; the next
 *   `up` updates the resource even when Diff says none (applyReplaceOnChanges with hasInitErrors);
 * - a planned replacement re-runs Check WITHOUT old inputs ("we need to recompute the default values"), then
 *   create-before-delete (the caller deletes `replacedState` at the end) or, with deleteBeforeReplace, deletes
 *   the old resource first;
 * - refresh is Read(id, outputs, inputs); destroy is Delete(id, outputs).
 * Source: https://github.com/pulumi/pulumi/tree/master/pkg/resource/deploy (step_generator.go, step.go).
 */
import { DiffAnswer, ProviderHost, ResourceState } from "./host";

const provproto = require("@pulumi/pulumi/proto/provider_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");

type Props = Record<string, any>;
export interface EngineState extends ResourceState { initErrors?: string[] }

/** The ErrorResourceInitFailed a failed Create/Update carried, if any (as the engine unpacks it). */
export function initFailureOf(e: unknown): { id: string; properties: Props; reasons: string[] } | undefined {
  const md = (e as { metadata?: { get(k: string): (string | Buffer)[] } }).metadata;
  const raw = md?.get("grpc-status-details-bin")?.[0];
  if (!raw) return undefined;
  const status = statusproto.Status.deserializeBinary(new Uint8Array(Buffer.isBuffer(raw) ? raw : Buffer.from(raw)));
  for (const any of status.getDetailsList()) {
    if (!String(any.getTypeUrl()).endsWith("pulumirpc.ErrorResourceInitFailed")) continue;
    const d = provproto.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
    return { id: d.getId(), properties: d.getProperties()?.toJavaScript() ?? {}, reasons: d.getReasonsList() };
  }
  return undefined;
}

export interface UpResult {
  op: "create" | "same" | "update" | "replace";
  state: EngineState;
  diff?: DiffAnswer;
  /** Create-before-delete: the old resource, for the caller to delete when the rest of the `up` is done. */
  replacedState?: EngineState;
  /** The step failed; `state` is what the engine stores (the init failure's id and properties, or the old state). */
  error?: Error;
}

async function createStep(host: ProviderHost, urn: string, inputs: Props): Promise<{ state?: EngineState; error?: Error }> {
  try {
    const c = await host.create(urn, inputs);
    return { state: { urn, id: c.id, inputs, outputs: c.properties } };
  } catch (e) {
    const init = initFailureOf(e);
    if (init) return { state: { urn, id: init.id, inputs, outputs: init.properties, initErrors: init.reasons }, error: e as Error };
    return { error: e as Error };
  }
}

export async function upAsEngine(host: ProviderHost, urn: string, news: Props, state?: EngineState): Promise<UpResult> {
  const checked = await host.check(urn, state?.inputs ?? {}, news);
  if (checked.failures.length) throw new Error(`check failed: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  if (!state) {
    const c = await createStep(host, urn, checked.inputs);
    if (!c.state) throw c.error;
    return { op: "create", state: c.state, error: c.error };
  }
  const d = await host.diff(urn, state.id, state.outputs, checked.inputs, state.inputs);
  const changes = d.changes === "some" || (state.initErrors?.length ?? 0) > 0;
  if (!changes) return { op: "same", diff: d, state };
  if (d.replaces.length === 0) {
    try {
      const outs = await host.update(urn, state.id, state.outputs, checked.inputs);
      return { op: "update", diff: d, state: { urn, id: state.id, inputs: checked.inputs, outputs: outs } };
    } catch (e) {
      return { op: "update", diff: d, state, error: e as Error };
    }
  }
  const rechecked = await host.check(urn, {}, news);
  if (rechecked.failures.length) throw new Error(`check failed: ${rechecked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
  if (d.deleteBeforeReplace) await host.delete(urn, state.id, state.outputs);
  const c = await createStep(host, urn, rechecked.inputs);
  if (!c.state) throw c.error;
  return { op: "replace", diff: d, state: c.state, replacedState: d.deleteBeforeReplace ? undefined : state, error: c.error };
}

export async function refreshAsEngine(host: ProviderHost, state: EngineState): Promise<EngineState | undefined> {
  const r = await host.read(state.urn, state.id, state.outputs, state.inputs);
  return r.id ? { ...state, id: r.id, outputs: r.properties } : undefined;
}

export async function destroyAsEngine(host: ProviderHost, state: EngineState): Promise<void> {
  await host.delete(state.urn, state.id, state.outputs);
}
