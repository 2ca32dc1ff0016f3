/**
 * Which environment a bucket or key belongs to, from the words of its name, label or environment tag. Shared by the
 * production-bucket policy and the per-environment isolation check so both read "prod" the same way.
 */
import { words } from "./props";

export interface EnvironmentConfig {
  /** Canonical environment names. */
  environments: string[];
  /** Other spellings → canonical name. */
  environmentAliases: Record<string, string>;
  /** Tag keys (case-insensitive) whose value names the environment. */
  environmentTagKeys: string[];
}

export const ENVIRONMENT_DEFAULTS: EnvironmentConfig = {
  environments: ["dev", "test", "qa", "staging", "prod"],
  environmentAliases: { development: "dev", testing: "test", stage: "staging", stg: "staging", production: "prod", prd: "prod", live: "prod" },
  environmentTagKeys: ["environment", "env", "stage"],
};

export const ENVIRONMENT_SCHEMA = {
  environments: {
    type: "array" as const,
    items: { type: "string" as const },
    default: ENVIRONMENT_DEFAULTS.environments,
    description: "Canonical environment names, matched as whole words of names, labels and tag values.",
  },
  environmentAliases: {
    type: "object" as const,
    additionalProperties: { type: "string" as const },
    default: ENVIRONMENT_DEFAULTS.environmentAliases,
    description: "Other spellings of an environment, mapped to its canonical name.",
  },
  environmentTagKeys: {
    type: "array" as const,
    items: { type: "string" as const },
    default: ENVIRONMENT_DEFAULTS.environmentTagKeys,
    description: "Bucket tag keys whose value names the environment.",
  },
};

/** Canonical environments named by the words of `text` (usually zero or one). */
export function environmentsIn(text: string, cfg: EnvironmentConfig): string[] {
  const found = new Set<string>();
  for (const w of words(text)) {
    if (cfg.environments.includes(w)) found.add(w);
    else if (cfg.environmentAliases[w] !== undefined) found.add(cfg.environmentAliases[w]);
  }
  return [...found];
}

/** The environment a bucket's tags declare, if any. */
export function environmentFromTags(tags: Record<string, string>, cfg: EnvironmentConfig): string[] {
  const keys = cfg.environmentTagKeys.map((k) => k.toLowerCase());
  const found = new Set<string>();
  for (const [k, v] of Object.entries(tags)) if (keys.includes(k.toLowerCase())) for (const e of environmentsIn(v, cfg)) found.add(e);
  return [...found];
}
