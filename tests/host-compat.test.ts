/**
 * The same scenario against Node 22 + the newest @pulumi/pulumi 3.x prepared by scripts/setup-compat.sh in
 * .cache/compat (run by .ci/run). Skipped, and reported as skipped, when that toolchain is absent.
 */
import * as fs from "node:fs";
import { describeHostScenario } from "./support/host-scenario";
import { COMPAT_HOST_SCRIPT, COMPAT_NODE } from "./support/host";

describeHostScenario("dynamic-provider host (Node 22, newest @pulumi/pulumi 3.x from .cache/compat)", () =>
  fs.existsSync(COMPAT_NODE) && fs.existsSync(COMPAT_HOST_SCRIPT) ? { node: COMPAT_NODE, hostScript: COMPAT_HOST_SCRIPT } : undefined,
  // 3.249+ is the line that requires Node 22: proves the newer host really ran.
  /^3\.(249|2[5-9]\d|[3-9]\d\d)\./,
  "Node 22 toolchain not installed in .cache/compat: run scripts/setup-compat.sh",
);
