/** The real dynamic-provider host of the lockfile's @pulumi/pulumi on this Node, driven over gRPC in engine order. */
import { describeHostScenario } from "./support/host-scenario";

describeHostScenario("dynamic-provider host (Node 20, @pulumi/pulumi from the lockfile): engine-ordered create, update, delete", () => ({}), /^3\.248\./);
