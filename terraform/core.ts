/**
 * The provider core as this server calls it: a per-run context (endpoint, token, region, s3Endpoint; values read
 * once per run) and the resource functions of provider/bucket.ts and provider/accessKey.ts, context first.
 *
 * Bridge: until the core takes its context as an argument, this module keeps the same shape by handing the
 * context's settings to provider/config.ts `configure` before each call. One provider process serves one OpenTofu
 * run and one provider configuration (OpenTofu starts a process per configured provider instance), so the
 * module-level configuration the core keeps is this context's for the whole process.
 */
import * as bucket from "../provider/bucket";
import * as accessKey from "../provider/accessKey";
import { configure, resolveConfig, ENV_KEYS, CONFIG_KEYS, type ProviderConfig } from "../provider/config";
import { clientFor, type OtterStorageClient } from "../provider/client";
import { OtterStorageError } from "../provider/errors";
import { oncePerRun } from "../provider/run";
import type { CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult } from "../provider/common";

export interface ProviderSettings { endpoint?: string; token?: string; s3Endpoint?: string; region?: string }
export interface ContextOptions {
  env?: NodeJS.ProcessEnv;
  howToSet?: (key: "endpoint" | "token") => string;
}

export class ProviderContext {
  constructor(readonly settings: ProviderSettings = {}, private readonly options: ContextOptions = {}) {}

  /** The configuration, or an OtterStorageError "ConfigurationMissing" naming what is missing and how to set it. */
  config(): ProviderConfig {
    const env = this.options.env ?? process.env;
    const missing = (["endpoint", "token"] as const).filter((k) => !(this.settings[k] || env[ENV_KEYS[k]]));
    if (missing.length) {
      const how = this.options.howToSet ?? ((k: "endpoint" | "token") => `\`${CONFIG_KEYS[k]}\` or ${ENV_KEYS[k]}`);
      throw new OtterStorageError({
        code: "ConfigurationMissing",
        status: 0,
        operation: "configure",
        detail: `the provider has no ${missing.join(" and no ")}.`,
        hint: `Set ${missing.map(how).join("; and ")}.`,
      });
    }
    this.activate();
    return resolveConfig(env);
  }

  client(): OtterStorageClient {
    const c = this.config();
    return clientFor(c.endpoint, c.token);
  }

  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    return oncePerRun(key, read);
  }

  /** Hands the settings, with this context's environment fallbacks, to the core's module-level configuration. */
  activate(): void {
    const env = this.options.env ?? process.env;
    const values: Record<string, string | undefined> = {};
    for (const k of ["endpoint", "token", "s3Endpoint", "region"] as const) values[CONFIG_KEYS[k]] = this.settings[k] || env[ENV_KEYS[k]] || undefined;
    configure({ config: { get: (k: string) => values[k] } });
  }
}

type Props = Record<string, unknown>;
export interface ResourceCore {
  check(ctx: ProviderContext, olds: Props, news: Props, opts?: { logicalName?: string }): Promise<CheckResult<Props>>;
  diff(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(ctx: ProviderContext, inputs: Props): Promise<CreateResult<Props>>;
  read(ctx: ProviderContext, id: string, outputs: Props): Promise<ReadResult<Props>>;
  update(ctx: ProviderContext, id: string, olds: Props, news: Props): Promise<UpdateResult<Props>>;
  remove(ctx: ProviderContext, id: string, outputs: Props): Promise<void>;
}

/** Wraps a resource module of the core: configure, then call. */
function bridge(m: typeof bucket | typeof accessKey, logicalNameKey?: string): ResourceCore {
  const any = m as unknown as Record<string, (...a: unknown[]) => Promise<never>>;
  const call = (ctx: ProviderContext, name: string, ...args: unknown[]) => {
    ctx.activate();
    return any[name](...args);
  };
  return {
    check: (ctx, olds, news, opts) => call(ctx, "check", olds, logicalNameKey && opts?.logicalName ? { ...news, [logicalNameKey]: opts.logicalName } : news),
    diff: (ctx, id, olds, news) => call(ctx, "diff", id, olds, news),
    create: (ctx, inputs) => call(ctx, "create", inputs),
    read: (ctx, id, outputs) => call(ctx, "read", id, outputs),
    update: (ctx, id, olds, news) => call(ctx, "update", id, olds, news),
    remove: (ctx, id, outputs) => call(ctx, "remove", id, outputs),
  };
}

export const BUCKET_CORE = bridge(bucket, "__logicalName");
export const ACCESS_KEY_CORE = bridge(accessKey);

/** A create that made the resource but could not finish (e.g. a key the S3 endpoint did not accept in time). */
export interface PartialCreate { id: string; outputs: Props; reasons: string[] }
export function partialCreateOf(e: unknown): PartialCreate | undefined {
  const x = e as { id?: unknown; outputs?: unknown; properties?: unknown; reasons?: unknown } | null;
  if (!x || typeof x !== "object" || typeof x.id !== "string" || !x.id) return undefined;
  const outputs = (x.outputs ?? x.properties) as Props | undefined;
  if (!outputs || typeof outputs !== "object") return undefined;
  const { __provider: _p, ...rest } = outputs;
  return { id: x.id, outputs: rest, reasons: Array.isArray(x.reasons) ? x.reasons.map(String) : [] };
}
