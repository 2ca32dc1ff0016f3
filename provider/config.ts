/**
 * Provider configuration: stack config received through the dynamic provider's `configure`, with the
 * environment as a fallback read at call time. Values live in this module (in the host process) only — never in
 * the serialized provider, never in outputs.
 *
 * The 3.248 host calls `provider.configure({ config })` once per distinct serialized provider with a Config
 * whose `get("ns:key")` returns the stack value (secrets unwrapped); see
 * node_modules/@pulumi/pulumi/cmd/dynamic-provider/{index,config}.js.
 */
import { DEFAULT_REGION } from "otterstorage-api";
import { OtterStorageError } from "./errors";
import { newRun } from "./run";

export interface ProviderConfig {
  /** Control API base URL, e.g. http://127.0.0.1:7480 */
  endpoint: string;
  token: string;
  /** Overrides the `endpoint` output of buckets and keys (the S3 endpoint clients should use). */
  s3Endpoint?: string;
  /** Default region for new buckets. */
  region: string;
}

/** The shape of the host's config object (pulumi.dynamic.Config), without importing @pulumi/pulumi. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

export const CONFIG_KEYS = {
  endpoint: "otterstorage:endpoint",
  s3Endpoint: "otterstorage:s3Endpoint",
  region: "otterstorage:region",
  token: "otterstorage:token",
} as const;

export const ENV_KEYS = {
  endpoint: "OTTERSTORAGE_ENDPOINT",
  s3Endpoint: "OTTERSTORAGE_S3_ENDPOINT",
  region: "OTTERSTORAGE_REGION",
  token: "OTTERSTORAGE_TOKEN",
} as const;

type Key = keyof typeof CONFIG_KEYS;
let stackConfig: Partial<Record<Key, string>> = {};

/**
 * Called by provider/dynamic/*.ts `configure`. Idempotent; the latest call wins. The host calls it once per
 * provider module per process, i.e. once per engine run for each of Bucket and AccessKey with the same config;
 * only a DIFFERENT config (an in-process caller pointing elsewhere) forgets what this run read (provider/run.ts).
 */
export function configure(req: { config?: ConfigSource } | undefined): void {
  const next: Partial<Record<Key, string>> = {};
  for (const k of Object.keys(CONFIG_KEYS) as Key[]) {
    let v: unknown;
    try {
      v = req?.config?.get(CONFIG_KEYS[k]);
    } catch {
      // The 3.248 host builds its Config over `undefined` when the engine never sent Configure: treat as empty.
      v = undefined;
    }
    if (typeof v === "string" && v !== "") next[k] = v;
  }
  if (JSON.stringify(next) !== JSON.stringify(stackConfig)) newRun();
  stackConfig = next;
}

/** For tests: forget what `configure` received. */
export function resetConfiguration(): void {
  newRun();
  stackConfig = {};
}

/** Stack config first, then the environment, read now. Throws one error naming both ways when incomplete. */
export function resolveConfig(env: NodeJS.ProcessEnv = process.env): ProviderConfig {
  const pick = (k: Key): string | undefined => stackConfig[k] ?? (env[ENV_KEYS[k]] || undefined);
  const endpoint = pick("endpoint");
  const token = pick("token");
  const missing = (["endpoint", "token"] as const).filter((k) => !(k === "endpoint" ? endpoint : token));
  if (missing.length) {
    const ways = missing
      .map((k) => (k === "token" ? `\`pulumi config set --secret ${CONFIG_KEYS.token} <token>\` or ${ENV_KEYS.token}` : `\`pulumi config set ${CONFIG_KEYS.endpoint} <url>\` or ${ENV_KEYS.endpoint}`))
      .join("; and ");
    throw new OtterStorageError({
      code: "ConfigurationMissing",
      status: 0,
      operation: "configure",
      detail: `the provider has no ${missing.join(" and no ")}.`,
      hint: `Set it with ${ways}.`,
    });
  }
  return {
    endpoint: endpoint!.replace(/\/+$/, ""),
    token: token!,
    s3Endpoint: pick("s3Endpoint"),
    region: pick("region") ?? DEFAULT_REGION,
  };
}
