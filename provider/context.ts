/**
 * The provider context: what one provider instance is configured with (settings), how it reaches the Control API
 * (client), and what it read once for the run it serves (the service clock, bucket endpoints). Every resource
 * function takes it as its first argument, so two providers in one process — two accounts in one program, an
 * explicit provider beside the default one — never see each other's configuration or cache.
 *
 * Hosts make contexts, the core never does: the dynamic provider keeps one per host process (one process per engine
 * run; provider/dynamic/host.ts), the native plugin one per Configure, the OpenTofu provider one per
 * ConfigureProvider. Settings a host did not receive fall back, at call time, to the environment (ENV_KEYS); the
 * host says in `howToSet` how its users set a missing one, so the error speaks their tool's language.
 */
import { DEFAULT_REGION } from "otterstorage-api";
import { clientFor, type OtterStorageClient } from "./client";
import { OtterStorageError } from "./errors";

/** What a host hands the provider: every value optional, the environment fills the gaps at call time. */
export interface ProviderSettings {
  /** Control API base URL, e.g. http://127.0.0.1:7480 */
  endpoint?: string;
  token?: string;
  /** Overrides the `endpoint` output of buckets and keys (the S3 endpoint clients should use). */
  s3Endpoint?: string;
  /** Default region for new buckets. */
  region?: string;
}

export type SettingName = keyof ProviderSettings;
export const SETTING_NAMES: readonly SettingName[] = ["endpoint", "token", "s3Endpoint", "region"];

/** The settings, resolved: endpoint and token present, region defaulted. */
export interface ProviderConfig {
  endpoint: string;
  token: string;
  s3Endpoint?: string;
  region: string;
}

/** The environment fallback of each setting (the same in every host). */
export const ENV_KEYS = {
  endpoint: "OTTERSTORAGE_ENDPOINT",
  s3Endpoint: "OTTERSTORAGE_S3_ENDPOINT",
  region: "OTTERSTORAGE_REGION",
  token: "OTTERSTORAGE_TOKEN",
} as const satisfies Record<SettingName, string>;

export interface ContextOptions {
  /** Read at call time; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How a user of this host sets a missing required setting, e.g. "`pulumi config set otterstorage:endpoint <url>`". */
  howToSet?: (key: "endpoint" | "token") => string;
}

/** The settings a host received as a plain record (an explicit provider's arguments, a provider block): the known names, non-empty strings only. */
export function settingsOf(record: Record<string, unknown>): ProviderSettings {
  const s: ProviderSettings = {};
  for (const k of SETTING_NAMES) if (typeof record[k] === "string" && record[k] !== "") s[k] = record[k] as string;
  return s;
}

const plainHowToSet = (key: "endpoint" | "token") => `the provider's \`${key}\` setting or ${ENV_KEYS[key]}`;

export class ProviderContext {
  readonly settings: Readonly<ProviderSettings>;
  private readonly env: NodeJS.ProcessEnv;
  private readonly howToSet: (key: "endpoint" | "token") => string;
  private readonly values = new Map<string, Promise<unknown>>();

  constructor(settings: ProviderSettings = {}, options: ContextOptions = {}) {
    // Empty strings count as unset: a blank config value must not hide the environment's.
    this.settings = Object.freeze(Object.fromEntries(Object.entries(settings).filter(([, v]) => typeof v === "string" && v !== "")));
    this.env = options.env ?? process.env;
    this.howToSet = options.howToSet ?? plainHowToSet;
  }

  private pick(k: SettingName): string | undefined {
    return this.settings[k] ?? (this.env[ENV_KEYS[k]] || undefined);
  }

  /** The required settings neither the host nor the environment gives (what `config()` would refuse). */
  missing(): ("endpoint" | "token")[] {
    return (["endpoint", "token"] as const).filter((k) => !this.pick(k));
  }

  /** Settings first, then the environment, read now. Throws one error naming every missing setting and how to set it. */
  config(): ProviderConfig {
    const pick = (k: SettingName) => this.pick(k);
    const endpoint = pick("endpoint");
    const token = pick("token");
    const missing = this.missing();
    if (missing.length) {
      throw new OtterStorageError({
        code: "ConfigurationMissing",
        status: 0,
        operation: "configure",
        detail: `the provider has no ${missing.join(" and no ")}.`,
        hint: `Set it with ${missing.map((k) => this.howToSet(k)).join("; and ")}.`,
      });
    }
    return {
      endpoint: endpoint!.replace(/\/+$/, ""),
      token: token!,
      s3Endpoint: pick("s3Endpoint"),
      region: pick("region") ?? DEFAULT_REGION,
    };
  }

  /** The Control API client of the current config (clientFor keeps one per endpoint, token and tuning). */
  client(): OtterStorageClient {
    const { endpoint, token } = this.config();
    return clientFor(endpoint, token);
  }

  /**
   * A value read at most once in this context's life — one engine run for every host (see the header): within a
   * run every resource sees the same answer, the service clock in particular (provider/rotation.ts), so the same
   * olds/news always diff the same way. A failure is remembered too: one unreachable service costs one retry
   * budget per run, not one per resource.
   */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.values.get(key) as Promise<T> | undefined;
    if (!p) {
      p = read();
      p.catch(() => undefined); // remembered, reported to every caller; never an unhandled rejection
      this.values.set(key, p);
    }
    return p;
  }
}
