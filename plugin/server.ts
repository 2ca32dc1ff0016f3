/**
 * pulumirpc.ResourceProvider served by the native plugin `pulumi-resource-otterstorage`
 * (https://github.com/pulumi/pulumi/blob/master/proto/pulumi/provider.proto; the message classes are
 * @pulumi/pulumi/proto's). Every resource call goes to the core through plugin/resources.ts; this file only speaks
 * the protocol: values in and out (plugin/wire.ts), the provider's own configuration (CheckConfig, DiffConfig,
 * Configure — served here because @pulumi/pulumi/provider's `main` drops Configure's variables and leaves
 * CheckConfig/DiffConfig unimplemented), errors, and the init-failure detail the engine records a partly created
 * resource with.
 *
 * One provider instance per process: the engine starts a process per provider resource (the default provider and
 * each explicit `Provider`), so the context made at Configure is that instance's, for one engine run.
 */
import * as fs from "fs";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { environmentOf, functionToken, s3ClientConfigOf } from "otterstorage-api";
import { pulumiHowToSet, CONFIG_KEYS } from "../provider/config";
import { ProviderContext, SETTING_NAMES, settingsOf, type ProviderSettings, type SettingName } from "../provider/context";
import { OtterStorageError, PartialCreateError } from "../provider/errors";
import { issueTemporaryCredentials, TEMPORARY_CREDENTIALS_SECRETS } from "../provider/temporaryCredentials";
import { changedInputs, NATIVE_RESOURCES, type NativeResource } from "./resources";
import { receive, send, type Props } from "./wire";

// The generated protobuf modules ship as CommonJS without an index; require() is how they are loaded.
/* eslint-disable @typescript-eslint/no-require-imports */
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const plugproto = require("@pulumi/pulumi/proto/plugin_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const anyproto = require("google-protobuf/google/protobuf/any_pb");
const emptyproto = require("google-protobuf/google/protobuf/empty_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** Engine keys a provider's config carries besides ours (the plugin version, where to download it). */
const ENGINE_CONFIG_KEYS = new Set(["version", "pluginDownloadURL"]);
const TEMPORARY_CREDENTIALS = functionToken("getTemporaryCredentials");

type Call = { request: any };
type Callback = (err: grpc.ServiceError | null, value?: unknown) => void;

/** `otterstorage:index:Bucket` from `urn:pulumi:<stack>::<project>::<parent types$>otterstorage:index:Bucket::<name>`. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const types = parts[2] ?? "";
  return { type: types.slice(types.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

function packageRoot(): string {
  // dist/plugin/server.js in the package; the bundled plugin (scripts/build-plugin.js) keeps schema.json beside it.
  for (const dir of [path.resolve(__dirname, "..", ".."), __dirname]) if (fs.existsSync(path.join(dir, "schema.json"))) return dir;
  throw new Error("schema.json not found beside the plugin");
}

export class NativeProviderService {
  private settings: ProviderSettings = {};
  private ctx = new ProviderContext({}, { howToSet: pulumiHowToSet });
  private readonly root = packageRoot();
  readonly version = (JSON.parse(fs.readFileSync(path.join(this.root, "package.json"), "utf8")) as { version: string }).version;
  private schema: string | undefined;

  /** The grpc-js handlers: each RPC method, errors turned into gRPC errors. */
  handlers(): grpc.UntypedServiceImplementation {
    const wrap = (fn: (req: any) => Promise<unknown>) => (call: Call, callback: Callback) => {
      fn.call(this, call.request).then((r) => callback(null, r), (e) => callback(grpcError(e)));
    };
    return {
      getPluginInfo: wrap(async () => new plugproto.PluginInfo().setVersion(this.version)),
      getSchema: wrap(this.getSchema),
      checkConfig: wrap(this.checkConfig),
      diffConfig: wrap(this.diffConfig),
      configure: wrap(this.configure),
      invoke: wrap(this.invoke),
      check: wrap(this.check),
      diff: wrap(this.diff),
      create: wrap(this.create),
      read: wrap(this.read),
      update: wrap(this.update),
      delete: wrap(this.delete),
      cancel: wrap(async () => new emptyproto.Empty()),
      getMapping: wrap(async () => new provproto.GetMappingResponse()),
      getMappings: wrap(async () => new provproto.GetMappingsResponse()),
    };
  }

  private async getSchema(): Promise<unknown> {
    this.schema ??= fs.readFileSync(path.join(this.root, "schema.json"), "utf8");
    return new provproto.GetSchemaResponse().setSchema(this.schema);
  }

  // ---- the provider's configuration ------------------------------------------------------------------------------

  /** Validates a provider's settings (stack config or an explicit Provider's arguments) before anything runs. */
  private async checkConfig(req: any): Promise<unknown> {
    const news = receive(req.getNews());
    const failures: { property: string; reason: string }[] = [];
    for (const [k, v] of Object.entries(news.props)) {
      if (ENGINE_CONFIG_KEYS.has(k)) continue;
      if (!(SETTING_NAMES as readonly string[]).includes(k)) {
        failures.push({ property: k, reason: `\`${k}\` is not an otterstorage setting; use ${SETTING_NAMES.join(", ")}` });
      } else if (v !== undefined && v !== null && typeof v !== "string") {
        failures.push({ property: k, reason: `must be a string (\`${CONFIG_KEYS[k as SettingName]}\`)` });
      }
    }
    const settings = settingsOf(news.props);
    for (const k of new ProviderContext(settings).missing()) {
      failures.push({ property: k, reason: `\`${CONFIG_KEYS[k]}\` is required: set it with ${pulumiHowToSet(k)}` });
    }
    if (settings.endpoint && !/^https?:\/\/[^\s]+$/.test(settings.endpoint)) {
      failures.push({ property: "endpoint", reason: `\`${CONFIG_KEYS.endpoint}\` must be the Control API's http(s) URL, e.g. http://127.0.0.1:7480` });
    }
    const resp = new provproto.CheckResponse().setInputs(send(news.props, [...news.secrets, "token"]));
    resp.setFailuresList(failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason)));
    return resp;
  }

  /** A changed setting updates the provider in place: its resources stay (a new token must not replace every bucket). */
  private async diffConfig(req: any): Promise<unknown> {
    const olds = settingsOf(receive(req.getOlds()).props);
    const news = settingsOf(receive(req.getNews()).props);
    const changed = SETTING_NAMES.filter((k) => (olds[k] ?? "") !== (news[k] ?? ""));
    return new provproto.DiffResponse()
      .setChanges(changed.length ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE)
      .setDiffsList(changed);
  }

  /** Explicit arguments (`args`, secrets wrapped) when the engine sends them, else the config variables. */
  private async configure(req: any): Promise<unknown> {
    let props: Props = receive(req.getArgs()).props;
    if (Object.keys(props).length === 0) {
      props = {};
      for (const [k, v] of req.getVariablesMap().entries() as Iterable<[string, string]>) {
        const m = /^otterstorage:(?:config:)?(.+)$/.exec(k);
        if (m) props[m[1]] = v;
      }
    }
    this.settings = settingsOf(props);
    this.ctx = new ProviderContext(this.settings, { howToSet: pulumiHowToSet });
    return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false).setAcceptoutputs(false);
  }

  // ---- functions ---------------------------------------------------------------------------------------------------

  private async invoke(req: any): Promise<unknown> {
    const tok = req.getTok();
    if (tok !== TEMPORARY_CREDENTIALS) throw new Error(`unknown function ${tok}; this provider serves ${TEMPORARY_CREDENTIALS}`);
    const args = receive(req.getArgs()).props;
    try {
      const issued = await issueTemporaryCredentials(this.ctx, args as never);
      // The ready-to-use forms the schema declares (as the dynamic SDK's getTemporaryCredentials returns them).
      const result = { ...issued, environment: environmentOf(issued), s3ClientConfig: s3ClientConfigOf(issued) };
      return new provproto.InvokeResponse().setReturn(send(result, [...TEMPORARY_CREDENTIALS_SECRETS, "environment", "s3ClientConfig"]));
    } catch (e) {
      if (e instanceof OtterStorageError && e.code === "ValidationFailed" && e.operation === "getTemporaryCredentials") {
        const property = /^(\w+)/.exec(e.detail)?.[1] ?? "";
        return new provproto.InvokeResponse().setFailuresList([new provproto.CheckFailure().setProperty(property).setReason(e.message)]);
      }
      throw e;
    }
  }

  // ---- resources ---------------------------------------------------------------------------------------------------

  private resource(urn: string): { r: NativeResource; name: string } {
    const { type, name } = parseUrn(urn);
    const r = NATIVE_RESOURCES[type];
    if (!r) throw new Error(`unknown resource type ${type}; this provider serves ${Object.keys(NATIVE_RESOURCES).join(", ")}`);
    return { r, name };
  }

  private async check(req: any): Promise<unknown> {
    const { r, name } = this.resource(req.getUrn());
    const olds = receive(req.getOlds());
    const news = receive(req.getNews());
    const seed = req.getRandomseed_asU8() as Uint8Array;
    const result = await r.check(this.ctx, olds.props, news.props, { name, seed });
    const resp = new provproto.CheckResponse().setInputs(send(result.inputs ?? news.props, [...news.secrets, ...r.secretInputs]));
    resp.setFailuresList((result.failures ?? []).map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason)));
    return resp;
  }

  private async diff(req: any): Promise<unknown> {
    const { r } = this.resource(req.getUrn());
    const olds = receive(req.getOlds()).props;
    const news = receive(req.getNews()).props;
    const d = await r.diff(this.ctx, req.getId(), olds, news);
    const replaces = d.replaces ?? [];
    const resp = new provproto.DiffResponse()
      .setChanges(d.changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE)
      .setReplacesList(replaces)
      .setDeletebeforereplace(d.deleteBeforeReplace === true);
    if (d.changes && r.fields) {
      // Per input, from the field tables: what the preview shows (`~ label`, `+- bucket`).
      const changed = changedInputs(r.fields, olds, news, replaces);
      const Kind = provproto.PropertyDiff.Kind;
      const detailed = resp.getDetaileddiffMap();
      for (const [k, how] of changed) {
        const had = olds[k] !== undefined && olds[k] !== null;
        const has = news[k] !== undefined && news[k] !== null;
        const kind = how === "replace" ? (had && has ? Kind.UPDATE_REPLACE : has ? Kind.ADD_REPLACE : Kind.DELETE_REPLACE) : had && has ? Kind.UPDATE : has ? Kind.ADD : Kind.DELETE;
        detailed.set(k, new provproto.PropertyDiff().setKind(kind).setInputdiff(true));
      }
      resp.setDiffsList([...changed.keys()]);
      resp.setHasdetaileddiff(changed.size > 0);
    }
    return resp;
  }

  private async create(req: any): Promise<unknown> {
    const { r } = this.resource(req.getUrn());
    const inputs = receive(req.getProperties());
    const secret = [...inputs.secrets, ...r.secretOutputs];
    try {
      const { id, outs } = await r.create(this.ctx, inputs.props);
      return new provproto.CreateResponse().setId(id).setProperties(send(outs ?? {}, secret));
    } catch (e) {
      if (e instanceof PartialCreateError) throw initFailure(e, send(e.outputs, secret));
      throw e;
    }
  }

  private async read(req: any): Promise<unknown> {
    const { r } = this.resource(req.getUrn());
    const props = receive(req.getProperties());
    const inputs = receive(req.getInputs());
    const secret = [...props.secrets, ...r.secretOutputs];
    if (Object.keys(props.props).length === 0) {
      // Import: no state yet. The outputs and the inputs a program declares for what exists now.
      const found = await r.importInputs(this.ctx, req.getId());
      if (!found) return new provproto.ReadResponse().setId("");
      return new provproto.ReadResponse().setId(req.getId()).setProperties(send(found.outputs, secret)).setInputs(send(found.inputs, r.secretInputs));
    }
    const result = await r.read(this.ctx, req.getId(), props.props);
    // A blank id: the object is gone (refresh drops it from the state).
    if (!result.id) return new provproto.ReadResponse().setId("");
    return new provproto.ReadResponse()
      .setId(result.id)
      .setProperties(send(result.props ?? {}, secret))
      .setInputs(send(inputs.props, [...inputs.secrets, ...r.secretInputs]));
  }

  private async update(req: any): Promise<unknown> {
    const { r } = this.resource(req.getUrn());
    const olds = receive(req.getOlds());
    const news = receive(req.getNews());
    const secret = [...olds.secrets, ...news.secrets, ...r.secretOutputs];
    const { outs } = await r.update(this.ctx, req.getId(), olds.props, news.props);
    return new provproto.UpdateResponse().setProperties(send(outs ?? {}, secret));
  }

  private async delete(req: any): Promise<unknown> {
    const { r } = this.resource(req.getUrn());
    await r.remove(this.ctx, req.getId(), receive(req.getProperties()).props);
    return new emptyproto.Empty();
  }
}

/** The engine records a created-but-failed resource from this detail (ErrorResourceInitFailed) instead of forgetting it. */
function initFailure(e: PartialCreateError, properties: unknown): grpc.ServiceError {
  const detail = new provproto.ErrorResourceInitFailed().setId(e.id).setProperties(properties).setReasonsList(e.reasons);
  const any = new anyproto.Any();
  any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
  const status = new statusproto.Status().setCode(grpc.status.UNKNOWN).setMessage(e.message);
  status.addDetails(any);
  const metadata = new grpc.Metadata();
  metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  return Object.assign(new Error(e.message), { code: grpc.status.UNKNOWN, details: e.message, metadata }) as grpc.ServiceError;
}

function grpcError(e: unknown): grpc.ServiceError {
  if (e && typeof e === "object" && "metadata" in e && "code" in e) return e as grpc.ServiceError;
  const message = e instanceof Error ? e.message : String(e);
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata: new grpc.Metadata() }) as grpc.ServiceError;
}

export function serviceDefinition(): grpc.ServiceDefinition {
  return provrpc.ResourceProviderService;
}
