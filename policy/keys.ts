/**
 * Per-key policies: every AccessKey is labelled, labels name one integration, the secret stays a stack secret, and
 * the key has a rotation schedule that nothing quietly switches off.
 */
import { ResourceValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "./config";
import { configRegExp, knownString, peek, underComponent } from "./props";
import { isAccessKey, ROTATING_COMPONENT_TYPES, ROTATION_INPUT_PROPS, ROTATION_SCHEDULE_PROPS, SECRET_OUTPUT, SLOT_LABEL_SUFFIX } from "./tokens";

export const accessKeyLabelled: ResourceValidationPolicy = {
  name: "otterstorage-access-key-labelled",
  description: "Every OtterStorage access key has a label that says which integration uses it (app-web, ci-deploy, backups-restic).",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: {
    properties: {
      labelPattern: {
        type: "string",
        default: "",
        description: "Optional regular expression every label must match (case-insensitive), e.g. ^[a-z0-9]+(-[a-z0-9]+)*$. Empty: any label.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isAccessKey(args.type)) return;
    const cfg = withDefaults(args, { labelPattern: "" });
    const label = args.props.label;
    if (typeof label !== "string" || label.trim() === "") {
      reportViolation(`Access key "${args.name}" has no label. Set label to the integration that uses it, e.g. label: "ci-deploy".`);
      return;
    }
    if (cfg.labelPattern && !configRegExp(accessKeyLabelled.name, "labelPattern", cfg.labelPattern).test(label)) {
      reportViolation(`Access key "${args.name}" has label "${label}", which does not match the team's labelPattern ${cfg.labelPattern}. Rename the label.`);
    }
  },
};

const GENERIC_LABELS = ["default", "shared", "common", "general", "all", "any", "admin", "root", "master", "key", "access-key", "everything", "temp", "tmp"];

export const accessKeyLabelSpecific: ResourceValidationPolicy = {
  name: "otterstorage-access-key-label-specific",
  description: "Access key labels name one integration, not a shared purpose: a key labelled \"shared\" or \"default\" is a key handed to several consumers.",
  enforcementLevel: "advisory",
  severity: "low",
  configSchema: {
    properties: {
      genericLabels: {
        type: "array",
        items: { type: "string" },
        default: GENERIC_LABELS,
        description: "Labels (case-insensitive) that suggest a key shared between integrations.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isAccessKey(args.type)) return;
    const cfg = withDefaults(args, { genericLabels: GENERIC_LABELS });
    const label = knownString(args.props, "label"); // absent or unknown: the labelled policy speaks for it
    if (label === undefined) return;
    const generic = cfg.genericLabels.map((l) => l.toLowerCase());
    const integration = underComponent(args.urn, ROTATING_COMPONENT_TYPES) ? label.replace(SLOT_LABEL_SUFFIX, "") : label;
    if (generic.includes(integration.trim().toLowerCase())) {
      reportViolation(`Access key "${args.name}" is labelled "${label}", which names no integration. Issue one key per application, service or person and label it after that consumer.`);
    }
  },
};

export const secretAccessKeyIsSecret: ResourceValidationPolicy = {
  name: "otterstorage-secret-access-key-is-secret",
  description: "The secret access key is always registered as a stack secret (additionalSecretOutputs includes secretAccessKey).",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateResource: (args, reportViolation) => {
    if (!isAccessKey(args.type)) return;
    if (!args.opts.additionalSecretOutputs.includes(SECRET_OUTPUT)) {
      reportViolation(
        `Access key "${args.name}" does not list ${SECRET_OUTPUT} in additionalSecretOutputs, so its secret would be stored in plain text in the state. ` +
          `Create keys with the AccessKey class from pulumi-otterstorage (it always sets the option), or add additionalSecretOutputs: ["${SECRET_OUTPUT}"].`,
      );
    }
  },
};

export const accessKeyRotation: ResourceValidationPolicy = {
  name: "otterstorage-access-key-rotation",
  description: "Access keys have a rotation schedule (rotateAfterDays at most maxRotationDays, or a RotatingAccessKey component), and nothing blocks the rotation.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: {
    properties: {
      maxRotationDays: { type: "integer", minimum: 1, default: 90, description: "Longest allowed rotateAfterDays." },
    },
  },
  validateResource: (args, reportViolation) => {
    const isComponent = ROTATING_COMPONENT_TYPES.includes(args.type);
    if (!isAccessKey(args.type) && !isComponent) return;
    const { maxRotationDays } = withDefaults(args, { maxRotationDays: 90 });
    const days = ROTATION_SCHEDULE_PROPS.map((p) => ({ prop: p, v: peek(args.props, p) })).find((x) => !x.v.known || (x.v.value !== undefined && x.v.value !== null));
    if (days && days.v.known) {
      const n = days.v.value;
      if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) {
        reportViolation(`"${args.name}": ${days.prop} must be a positive number of days, got ${JSON.stringify(n)}.`);
      } else if (n > maxRotationDays) {
        reportViolation(`"${args.name}": ${days.prop} is ${n}, more than the allowed ${maxRotationDays} days. Set ${days.prop} to ${maxRotationDays} or less.`);
      }
    }
    if (isComponent) return; // its two keys are AccessKeys: they come through here on their own
    const underRotatingComponent = underComponent(args.urn, ROTATING_COMPONENT_TYPES);
    if (!days && !underRotatingComponent) {
      reportViolation(
        `Access key "${args.name}" has no rotation schedule. Set rotateAfterDays (at most ${maxRotationDays}) or create it through a RotatingAccessKey, ` +
          `so a leaked or forgotten key does not stay valid for ever.`,
      );
    }
    const ignored = args.opts.ignoreChanges.filter((p) => ROTATION_INPUT_PROPS.includes(p));
    if (ignored.length > 0) {
      reportViolation(`Access key "${args.name}" ignores changes to ${ignored.join(", ")}, which switches rotation off. Remove them from ignoreChanges.`);
    }
    if (args.opts.protect) {
      reportViolation(`Access key "${args.name}" is protected; rotation replaces the key, and protect blocks that replacement. Protect the bucket, not the key.`);
    }
  },
};
