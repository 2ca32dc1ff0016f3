/**
 * The pack's policies, importable without starting the analyzer's gRPC server (`new PolicyPack` starts one at once:
 * node_modules/@pulumi/policy/policy.js, class PolicyPack). index.ts hands this array to PolicyPack; tests drive it
 * through @pulumi/policy/server.
 */
import { Policies } from "@pulumi/policy";
import { productionBucketProtected } from "./buckets";
import { endpointHttps } from "./endpoint";
import { accessKeyLabelled, accessKeyLabelSpecific, accessKeyRotation, secretAccessKeyIsSecret } from "./keys";
import { environmentIsolation, oneKeyPerIntegration } from "./stack";

export const POLICY_PACK_NAME = "otterstorage";

export const policies: Policies = [
  accessKeyLabelled,
  oneKeyPerIntegration,
  accessKeyLabelSpecific,
  accessKeyRotation,
  secretAccessKeyIsSecret,
  productionBucketProtected,
  endpointHttps,
  environmentIsolation,
];

export * as tokens from "./tokens";
