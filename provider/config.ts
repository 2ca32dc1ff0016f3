/**
 * Pulumi's names for the provider settings (provider/context.ts): the stack config keys `otterstorage:<name>`, how
 * a Pulumi user sets a missing one, and the settings read from a config source. Both Pulumi hosts use this — the
 * dynamic provider (whose `configure` receives the stack config) and the native plugin (whose CheckConfig and
 * Configure receive the stack config or an explicit provider's arguments).
 */
import { ENV_KEYS, SETTING_NAMES, type ProviderSettings, type SettingName } from "./context";

export { ENV_KEYS } from "./context";
export type { ProviderConfig, ProviderSettings } from "./context";

export const CONFIG_KEYS = {
  endpoint: "otterstorage:endpoint",
  s3Endpoint: "otterstorage:s3Endpoint",
  region: "otterstorage:region",
  token: "otterstorage:token",
} as const satisfies Record<SettingName, string>;

/** The shape of the dynamic host's config object (pulumi.dynamic.Config), without importing @pulumi/pulumi. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

/** How a Pulumi user sets a missing setting: stack config (the token as a secret), an explicit provider, or the environment. */
export function pulumiHowToSet(key: "endpoint" | "token"): string {
  return key === "token"
    ? `\`pulumi config set --secret ${CONFIG_KEYS.token} <token>\` (or the \`token\` argument of an explicit otterstorage Provider) or ${ENV_KEYS.token}`
    : `\`pulumi config set ${CONFIG_KEYS.endpoint} <url>\` (or the \`endpoint\` argument of an explicit otterstorage Provider) or ${ENV_KEYS.endpoint}`;
}

/** The settings a config source holds under `otterstorage:<name>`; a source that cannot be read holds none. */
export function settingsFrom(source: ConfigSource | undefined): ProviderSettings {
  const settings: ProviderSettings = {};
  for (const k of SETTING_NAMES) {
    let v: unknown;
    try {
      v = source?.get(CONFIG_KEYS[k]);
    } catch {
      // The 3.248 host builds its Config over `undefined` when the engine never sent Configure: treat as empty.
      v = undefined;
    }
    if (typeof v === "string" && v !== "") settings[k] = v;
  }
  return settings;
}
