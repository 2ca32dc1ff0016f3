/** What the policy pack says about a program run under mocks: resource policies on inputs, stack policies on outputs. */
import { analyze, analyzeStack, Diag } from "./policy-harness";
import { asPolicyResources, ProgramRun } from "./examples-harness";

export async function policyDiagnostics(run: ProgramRun, stack: string): Promise<Diag[]> {
  const out: Diag[] = [];
  for (const r of asPolicyResources(run, stack, "inputs")) out.push(...(await analyze(r)));
  out.push(...(await analyzeStack(asPolicyResources(run, stack, "outputs"))));
  return out;
}

export const mandatory = (ds: Diag[]) => ds.filter((d) => d.level === "mandatory").map((d) => `${d.policy}: ${d.message}`);
