/**
 * The tfplugin6 Provider service (terraform/proto/tfplugin6.10.proto; OpenTofu's client is
 * internal/plugin6/grpc_provider.go): the RPCs OpenTofu needs for init, validate, plan, apply, refresh, import and
 * destroy, each a translation between protocol messages and terraform/resources.ts / terraform/dataSources.ts.
 * RPCs not listed here answer UNIMPLEMENTED (grpc-js's default), which OpenTofu tolerates for the optional ones
 * (resource identity, functions, ephemeral resources, state stores, actions, MoveResourceState).
 */
import type * as grpc from "@grpc/grpc-js";
import { ProviderContext } from "./core";
import { ENV_KEYS, settingsOf } from "../provider/context";
import { DATA_SOURCE_TYPES } from "./dataSources";
import { errorDiagnostic, type Diagnostic } from "./diagnostics";
import { apply, conformObject, plan, read, RESOURCE_TYPES, validate, type ResourceType } from "./resources";
import { blockType, DATA_BLOCKS, PROVIDER_BLOCK, RESOURCE_BLOCKS, schemaMessage } from "./schema";
import { conform, decodeDynamic, encodeDynamic, hasUnknownTf, isUnknownTf, type TfValue } from "./values";
import { OtterStorageError } from "../provider/errors";

type Obj = Record<string, TfValue>;
type Msg = Record<string, any>;
type Handler = (req: Msg) => Promise<Msg>;

/** How the "missing" error says to set a key, in the provider block's words. */
export const howToSet = (key: "endpoint" | "token"): string => `the \`${key}\` argument of the provider block, or ${ENV_KEYS[key]}`;

const unknownType = (typeName: string, what: string): Msg => ({
  diagnostics: [{ severity: "ERROR", summary: `Unknown ${what} ${typeName}`, detail: `This provider has no ${what} ${typeName}.` }],
});

export interface ProviderServer {
  handlers: Record<string, Handler>;
  /** Set by StopProvider (OpenTofu's Ctrl-C); the operations are short service calls, left to finish. */
  stopped: boolean;
}

export function providerServer(env: NodeJS.ProcessEnv = process.env): ProviderServer {
  let ctx = new ProviderContext({}, { env, howToSet });
  const resource = (name: string): ResourceType | undefined => RESOURCE_TYPES[name];
  const state: ProviderServer = { handlers: {}, stopped: false };

  const schemas = (): Msg => ({
    provider: schemaMessage(PROVIDER_BLOCK),
    resource_schemas: Object.fromEntries(RESOURCE_BLOCKS.map((b) => [b.typeName, schemaMessage(b)])),
    data_source_schemas: Object.fromEntries(DATA_BLOCKS.map((b) => [b.typeName, schemaMessage(b)])),
    diagnostics: [],
    server_capabilities: { plan_destroy: false, get_provider_schema_optional: false, move_resource_state: false },
  });

  state.handlers = {
    async GetMetadata() {
      return {
        server_capabilities: { plan_destroy: false, get_provider_schema_optional: false },
        diagnostics: [],
        resources: RESOURCE_BLOCKS.map((b) => ({ type_name: b.typeName })),
        data_sources: DATA_BLOCKS.map((b) => ({ type_name: b.typeName })),
      };
    },

    async GetProviderSchema() {
      return schemas();
    },

    // Unknown arguments never reach here: OpenTofu refuses them against the schema itself.
    async ValidateProviderConfig() {
      return { diagnostics: [] };
    },

    async ConfigureProvider(req) {
      const config = (decodeDynamic(req.config) ?? {}) as Obj;
      const settings = settingsOf(Object.fromEntries(PROVIDER_BLOCK.attributes.map((a) => [a.key, config[a.name]])));
      ctx = new ProviderContext(settings, { env, howToSet });
      const unknown = PROVIDER_BLOCK.attributes.filter((a) => isUnknownTf(config[a.name] ?? null));
      if (unknown.length) return { diagnostics: [] }; // known only at apply: checked when a resource needs the service
      try {
        ctx.config();
        return { diagnostics: [] };
      } catch (e) {
        if (e instanceof OtterStorageError && e.code === "ConfigurationMissing") {
          const missing = ctx.missing();
          return {
            diagnostics: missing.map((k) => ({
              severity: "ERROR",
              summary: `Missing provider argument "${k}"`,
              detail: `The otterstorage provider has no ${k === "token" ? "account token" : "Control API endpoint"}: set ${howToSet(k)}.`,
              attribute: { steps: [{ attribute_name: k }] },
            })),
          };
        }
        return { diagnostics: [errorDiagnostic(e, "Cannot configure the otterstorage provider")] };
      }
    },

    async ValidateResourceConfig(req) {
      const t = resource(req.type_name);
      if (!t) return unknownType(req.type_name, "resource type");
      return { diagnostics: await validate(ctx, t, (decodeDynamic(req.config) ?? {}) as Obj) };
    },

    async ValidateDataResourceConfig(req) {
      if (!DATA_SOURCE_TYPES[req.type_name]) return unknownType(req.type_name, "data source");
      return { diagnostics: [] };
    },

    // Schema version 0 everywhere: the state (JSON) only needs shaping to the current attributes.
    async UpgradeResourceState(req) {
      const t = resource(req.type_name);
      if (!t) return unknownType(req.type_name, "resource type");
      const json = req.raw_state?.json;
      const raw = json && json.length ? (JSON.parse(Buffer.from(json).toString("utf8")) as Obj) : null;
      return { upgraded_state: encodeDynamic(raw ? conformObject(t.block.attributes, raw) : null), diagnostics: [] };
    },

    async ReadResource(req) {
      const t = resource(req.type_name);
      if (!t) return unknownType(req.type_name, "resource type");
      const current = decodeDynamic(req.current_state) as Obj | null;
      if (!current) return { new_state: encodeDynamic(null), diagnostics: [], private: req.private };
      const r = await read(ctx, t, current);
      return { new_state: encodeDynamic(r.state), diagnostics: r.diagnostics, private: req.private };
    },

    async PlanResourceChange(req) {
      const t = resource(req.type_name);
      if (!t) return unknownType(req.type_name, "resource type");
      const prior = decodeDynamic(req.prior_state) as Obj | null;
      const proposed = decodeDynamic(req.proposed_new_state) as Obj | null;
      const config = (decodeDynamic(req.config) ?? {}) as Obj;
      const r = await plan(ctx, t, prior, proposed, config);
      if (r.diagnostics.some((d) => d.severity === "ERROR")) return { diagnostics: r.diagnostics };
      return {
        planned_state: encodeDynamic(r.planned),
        requires_replace: r.requiresReplace.map((p) => ({ steps: p.map((attribute_name) => ({ attribute_name })) })),
        planned_private: req.prior_private,
        diagnostics: r.diagnostics,
      };
    },

    async ApplyResourceChange(req) {
      const t = resource(req.type_name);
      if (!t) return unknownType(req.type_name, "resource type");
      const prior = decodeDynamic(req.prior_state) as Obj | null;
      const planned = decodeDynamic(req.planned_state) as Obj | null;
      const r = await apply(ctx, t, prior, planned);
      if (r.state && hasUnknownTf(r.state)) {
        // Never answer an unknown after apply (OpenTofu would refuse the state): a provider bug, said plainly.
        return { new_state: encodeDynamic(prior), diagnostics: [...r.diagnostics, { severity: "ERROR", summary: "Provider left a value unknown after apply", detail: "This is a bug in terraform-provider-otterstorage; please report it." }] };
      }
      return { new_state: encodeDynamic(r.state), diagnostics: r.diagnostics, private: Buffer.alloc(0) };
    },

    async ImportResourceState(req) {
      const t = resource(req.type_name);
      if (!t) return unknownType(req.type_name, "resource type");
      const r = t.imported(String(req.id ?? ""));
      if (!r.state) return { imported_resources: [], diagnostics: r.diagnostics };
      return { imported_resources: [{ type_name: req.type_name, state: encodeDynamic(conformObject(t.block.attributes, r.state)), private: Buffer.alloc(0) }], diagnostics: r.diagnostics };
    },

    async ReadDataSource(req) {
      const d = DATA_SOURCE_TYPES[req.type_name];
      if (!d) return unknownType(req.type_name, "data source");
      const config = (decodeDynamic(req.config) ?? {}) as Obj;
      const r = await d.read(ctx, config);
      const value = r.state ?? conform(blockType(d.block), config);
      return { state: encodeDynamic(value), diagnostics: r.diagnostics };
    },

    async StopProvider() {
      state.stopped = true;
      return { Error: "" };
    },
  };
  return state;
}

/** Wraps the handlers for grpc-js: a thrown error becomes an error diagnostic, never a crashed process. */
export function grpcImplementation(server: ProviderServer): grpc.UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(server.handlers).map(([name, h]) => [
      name,
      (call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) => {
        h(call.request).then(
          (answer) => callback(null, answer),
          (e) => {
            process.stderr.write(`terraform-provider-otterstorage: ${name} failed: ${(e as Error)?.stack ?? e}\n`);
            callback(null, { diagnostics: [errorDiagnostic(e, `${name} failed`) as Diagnostic] });
          },
        );
      },
    ]),
  );
}
