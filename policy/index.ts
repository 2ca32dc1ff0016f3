/**
 * Entry point the Pulumi CLI runs for `pulumi preview --policy-pack policy/`. Everything else lives in
 * policies.ts; this file only serves it (the constructor starts the analyzer's gRPC server and reads the version
 * from ./package.json in the working directory, which the CLI sets to this folder).
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description: "OtterStorage: labelled keys, one key per integration, rotation, protected production buckets, https, one environment per bucket.",
  enforcementLevel: "advisory",
  policies,
});
