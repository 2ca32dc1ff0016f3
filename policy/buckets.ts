/** Production buckets cannot be deleted by accident: `protect` on, `forceDestroy` off. */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "./config";
import { configRegExp, knownString, knownStringMap, parseUrn, peek } from "./props";
import { isBucket } from "./tokens";

const DEFAULTS = {
  productionNamePattern: "(^|[^a-z0-9])(prod|production|prd|live)([^a-z0-9]|$)",
  productionTagKeys: ["environment", "env", "stage"],
  productionTagValuePattern: "^(prod|production|prd|live)$",
  productionStackPattern: "^(prod|production)([-_.].*)?$",
};

export const productionBucketProtected: ResourceValidationPolicy = {
  name: "otterstorage-production-bucket-protected",
  description: "Buckets whose name, environment tag or stack marks them as production are protected and have forceDestroy off.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: {
    properties: {
      productionNamePattern: { type: "string", default: DEFAULTS.productionNamePattern, description: "Regular expression (case-insensitive) on the bucket name or logical name." },
      productionTagKeys: { type: "array", items: { type: "string" }, default: DEFAULTS.productionTagKeys, description: "Tag keys (case-insensitive) that carry the environment." },
      productionTagValuePattern: { type: "string", default: DEFAULTS.productionTagValuePattern, description: "Regular expression (case-insensitive) a production tag value matches." },
      productionStackPattern: { type: "string", default: DEFAULTS.productionStackPattern, description: "Regular expression (case-insensitive) on the stack name; empty turns stack-based detection off." },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isBucket(args.type)) return;
    const cfg = withDefaults(args, DEFAULTS);
    const why = productionReason(args.props, args.name, parseUrn(args.urn).stack, cfg);
    if (!why) return;
    if (!args.opts.protect) {
      reportViolation(`Bucket "${args.name}" is production (${why}) but not protected. Pass { protect: true } in its resource options.`);
    }
    const force = peek(args.props, "forceDestroy");
    if (force.known && force.value === true) {
      reportViolation(`Bucket "${args.name}" is production (${why}) and has forceDestroy: true, which deletes every object on destroy. Set forceDestroy: false.`);
    }
  },
};

function productionReason(props: Record<string, any>, logicalName: string, stack: string, cfg: typeof DEFAULTS): string | undefined {
  const nameRe = configRegExp(productionBucketProtected.name, "productionNamePattern", cfg.productionNamePattern);
  const name = knownString(props, "name");
  if (name !== undefined && nameRe.test(name)) return `name "${name}"`;
  if (nameRe.test(logicalName)) return `logical name "${logicalName}"`;
  const valueRe = configRegExp(productionBucketProtected.name, "productionTagValuePattern", cfg.productionTagValuePattern);
  const keys = cfg.productionTagKeys.map((k) => k.toLowerCase());
  for (const [k, v] of Object.entries(knownStringMap(props, "tags"))) {
    if (keys.includes(k.toLowerCase()) && valueRe.test(v)) return `tag ${k}=${v}`;
  }
  if (cfg.productionStackPattern && configRegExp(productionBucketProtected.name, "productionStackPattern", cfg.productionStackPattern).test(stack)) {
    return `stack "${stack}"`;
  }
  return undefined;
}
