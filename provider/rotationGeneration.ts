/**
 * RotationGeneration: the memory of a RotatingAccessKey (sdk/rotatingAccessKey.ts), a dynamic resource with no
 * service object behind it. The program passes the schedule's generation (`desired`); `check` — which the engine
 * calls with the old inputs — turns it into the generation the slots get in this `up` (provider/rotation.ts
 * stepGeneration: at most one step per `up`), and stores both, so the next run knows where it left off.
 * No Control API call, no secret. docs/rotation.md "Two-slot: the scheme".
 */
import { z } from "zod";
import { AppliedGeneration, stepGeneration } from "./rotation";
import { CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult, failuresOf } from "./common";

export interface RotationGenerationInputs { desired: number; generation?: number }
export interface RotationGenerationOutputs { desired: number; generation: number }

const Desired = z.number({ error: "must be the schedule's generation, a whole number >= 0" }).int("must be a whole number").min(0, "must be >= 0");

export async function check(olds: Partial<RotationGenerationInputs> | undefined, news: RotationGenerationInputs): Promise<CheckResult<RotationGenerationInputs>> {
  const r = Desired.safeParse(news.desired);
  if (!r.success) return { inputs: news, failures: failuresOf(r.error, "desired") as CheckFailure[] };
  // Delete-before-replace and replacements re-run Check without olds; this resource is never replaced.
  const memory: AppliedGeneration | undefined = olds && typeof olds.generation === "number" ? { desired: olds.desired, generation: olds.generation } : undefined;
  return { inputs: { ...news, desired: r.data, generation: stepGeneration(memory, r.data) } };
}

export async function diff(_id: string, olds: RotationGenerationOutputs, news: RotationGenerationInputs): Promise<DiffResult> {
  return { changes: olds.generation !== news.generation || olds.desired !== news.desired, replaces: [] };
}

const outputsOf = (i: RotationGenerationInputs): RotationGenerationOutputs => ({ desired: i.desired, generation: i.generation ?? i.desired });

export async function create(inputs: RotationGenerationInputs): Promise<CreateResult<RotationGenerationOutputs>> {
  return { id: "rotation-generation", outs: outputsOf(inputs) };
}

export async function read(id: string, props: RotationGenerationOutputs): Promise<ReadResult<RotationGenerationOutputs>> {
  return { id, props };
}

export async function update(_id: string, _olds: RotationGenerationOutputs, news: RotationGenerationInputs): Promise<UpdateResult<RotationGenerationOutputs>> {
  return { outs: outputsOf(news) };
}

export async function remove(): Promise<void> {
  /* nothing exists outside the state */
}
