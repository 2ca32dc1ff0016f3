/**
 * Stack-wide checks over the keys of each bucket: one key per integration, and one environment per bucket.
 * They run on outputs after registration; a key whose bucket is not known yet is skipped, not guessed.
 */
import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "./config";
import { ENVIRONMENT_DEFAULTS, ENVIRONMENT_SCHEMA, environmentFromTags, environmentsIn } from "./environments";
import { knownString, knownStringMap, parseUrn, underComponent } from "./props";
import { isAccessKey, isBucket, ROTATING_COMPONENT_TYPES, SLOT_LABEL_SUFFIX } from "./tokens";

export interface BucketGroup {
  /** Stable identity: the Bucket resource's URN, or `external:<name>` for a bucket this stack does not manage. */
  id: string;
  display: string;
  bucket?: PolicyResource;
  keys: PolicyResource[];
}

/** Groups the stack's access keys by the bucket they belong to. */
export function keysByBucket(resources: PolicyResource[]): BucketGroup[] {
  const groups = new Map<string, BucketGroup>();
  const bucketByName = new Map<string, PolicyResource>();
  for (const r of resources) {
    if (!isBucket(r.type)) continue;
    const name = knownString(r.props, "name");
    if (name) bucketByName.set(name, r);
    groups.set(r.urn, { id: r.urn, display: name ?? r.name, bucket: r, keys: [] });
  }
  for (const k of resources) {
    if (!isAccessKey(k.type)) continue;
    const viaInput = (k.propertyDependencies["bucket"] ?? []).find((d) => isBucket(d.type));
    const name = knownString(k.props, "bucket");
    const viaDeps = k.dependencies.filter((d) => isBucket(d.type));
    const bucket = viaInput ?? (name ? bucketByName.get(name) : undefined) ?? (viaDeps.length === 1 ? viaDeps[0] : undefined);
    const id = bucket ? bucket.urn : name ? `external:${name}` : undefined;
    if (!id) continue;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { id, display: name ?? id, keys: [] }));
    g.keys.push(k);
  }
  return [...groups.values()];
}

/** Keys created by one RotatingAccessKey are one integration: its two slots, labelled `<label>/a` and `/b`. */
function integrationOf(key: PolicyResource): string {
  for (let p = key.parent, depth = 0; p && depth < 32; p = p.parent, depth++) {
    if (ROTATING_COMPONENT_TYPES.includes(p.type)) return p.urn;
  }
  return key.urn;
}

/** The label that names the integration: a slot key's label without its `/a` or `/b`. */
function integrationLabel(key: PolicyResource, label: string): string {
  const slot = underComponent(key.urn, ROTATING_COMPONENT_TYPES) || integrationOf(key) !== key.urn;
  return (slot ? label.replace(SLOT_LABEL_SUFFIX, "") : label).trim();
}

export const oneKeyPerIntegration: StackValidationPolicy = {
  name: "otterstorage-one-key-per-integration",
  description: "Within a stack, the labels of a bucket's access keys are unique: one key per integration, so one can be revoked without breaking another.",
  enforcementLevel: "mandatory",
  severity: "medium",
  validateStack: (args, reportViolation) => {
    for (const g of keysByBucket(args.resources)) {
      const byLabel = new Map<string, { label: string; integrations: Map<string, PolicyResource> }>();
      for (const k of g.keys) {
        const label = knownString(k.props, "label");
        if (!label) continue; // unlabelled keys are otterstorage-access-key-labelled's business
        const name = integrationLabel(k, label);
        const norm = name.toLowerCase();
        const entry = byLabel.get(norm) ?? { label: name, integrations: new Map<string, PolicyResource>() };
        byLabel.set(norm, entry);
        const integ = integrationOf(k);
        if (!entry.integrations.has(integ)) entry.integrations.set(integ, k);
      }
      for (const { label, integrations } of byLabel.values()) {
        if (integrations.size < 2) continue;
        const names = [...integrations.values()].map((k) => `"${k.name}"`).join(", ");
        const last = [...integrations.values()].pop()!;
        reportViolation(
          `Bucket "${g.display}" has ${integrations.size} access keys labelled "${label}" (${names}). Give each integration its own key and a label that names it; rotate with rotateAfterDays or a RotatingAccessKey instead of a second key with the same label.`,
          last.urn,
        );
      }
    }
  },
};

export const environmentIsolation: StackValidationPolicy = {
  name: "otterstorage-environment-isolation",
  description: "No bucket is shared by keys of different environments (and no key's environment differs from its bucket's): separate environments into different buckets.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: { properties: ENVIRONMENT_SCHEMA },
  validateStack: (args, reportViolation) => {
    const cfg = withDefaults(args, ENVIRONMENT_DEFAULTS);
    for (const g of keysByBucket(args.resources)) {
      if (g.keys.length === 0) continue;
      const seen = new Map<string, string[]>(); // environment -> where it was read
      const note = (envs: string[], where: string) => envs.forEach((e) => seen.set(e, [...(seen.get(e) ?? []), where]));
      if (g.bucket) {
        for (const [k, v] of Object.entries(knownStringMap(g.bucket.props, "tags"))) note(environmentFromTags({ [k]: v }, cfg), `bucket tag ${k}=${v}`);
        const name = knownString(g.bucket.props, "name");
        if (name) note(environmentsIn(name, cfg), `bucket name "${name}"`);
      }
      for (const k of g.keys) {
        const label = knownString(k.props, "label");
        if (label) note(environmentsIn(label, cfg), `key "${k.name}" label "${label}"`);
        note(environmentsIn(parseUrn(k.urn).name || k.name, cfg), `key "${k.name}"`);
      }
      if (seen.size < 2) continue;
      const detail = [...seen.entries()].map(([env, where]) => `${env} (${[...new Set(where)].join(", ")})`).join("; ");
      reportViolation(
        `Bucket "${g.display}" mixes environments: ${detail}. Give each environment its own bucket with its own keys; a leaked ${[...seen.keys()][0]} key must not reach another environment's data.`,
        g.bucket?.urn ?? g.keys[0].urn,
      );
    }
  },
};
