/**
 * Rotation logic that does not fit in a field table: rotation by age (`rotateAfterDays`, measured on the SERVICE
 * clock, so a CI runner's skew cannot fire or delay it) and the two-slot scheme behind the RotatingAccessKey
 * component. Pure functions plus one Control API call (health). docs/rotation.md explains both.
 */
import type { OtterStorageClient } from "./client";
import { OtterStorageError } from "./errors";
import type { ProviderContext } from "./context";

export const DAY_MS = 24 * 60 * 60 * 1000;
export { MAX_ROTATE_AFTER_DAYS } from "./inputSchemas";

/** The service's clock (GET /v1/health → time), in ms since the epoch. */
export async function serviceNow(client: OtterStorageClient): Promise<number> {
  return Date.parse((await client.health()).data.time);
}

/**
 * The service clock as this run sees it: read once per run (ProviderContext.once) and then frozen, so every diff
 * of the run decides on the same instant and the same olds/news always give the same answer.
 */
export function serviceNowOncePerRun(ctx: ProviderContext): Promise<number> {
  const client = ctx.client();
  return ctx.once(`service-clock\u0000${client.endpoint}`, () => serviceNow(client));
}

/**
 * When the service clock cannot be read, the local clock may still prove that a key is NOT due: if this machine
 * says the key is more than this margin younger than `rotateAfterDays`, the diff goes on without a rotation
 * (a local clock can hold a rotation back by at most one run, never fire one). Otherwise the diff fails.
 */
export const LOCAL_CLOCK_MARGIN_MS = DAY_MS;

/** Is a key due for replacement by age? See docs/rotation.md "Age: how it is measured and when it fires". */
export async function dueByAge(ctx: ProviderContext, key: { accessKeyId: string; createdAt: string }, days: number, localNowMs = Date.now()): Promise<boolean> {
  let now: number;
  try {
    now = await serviceNowOncePerRun(ctx);
  } catch (e) {
    const born = Date.parse(key.createdAt);
    if (Number.isFinite(born) && localNowMs - born < days * DAY_MS - LOCAL_CLOCK_MARGIN_MS) return false;
    const why = e instanceof OtterStorageError ? `${e.code}: ${e.detail}` : String((e as Error)?.message ?? e);
    const ageDays = Number.isFinite(born) ? ` (about ${Math.floor((localNowMs - born) / DAY_MS)} days old by this machine's clock)` : "";
    throw new OtterStorageError({
      code: "ServiceClockUnavailable",
      status: 0,
      operation: "diff",
      detail: `rotateAfterDays: access key ${key.accessKeyId}${ageDays} may be due for rotation after ${days} days, and the service clock (GET /v1/health) could not be read to decide (${why.replace(/\.$/, "")}).`,
      hint: "Retry when the Control API is reachable (check `otterstorage:endpoint`); ages are measured on the service clock only, so a skewed runner cannot rotate a key early or hold it back.",
    });
  }
  return isDue(key.createdAt, days, now);
}

/** True when a key created at `createdAt` is at least `days` old at `nowMs` (both on the service clock). */
export function isDue(createdAt: string, days: number, nowMs: number): boolean {
  const born = Date.parse(createdAt);
  return Number.isFinite(born) && nowMs - born >= days * DAY_MS;
}

// ---- two slots -------------------------------------------------------------------------------------------------

export type Slot = "a" | "b";

export interface SlotPlan {
  generation: number;
  /** The slot whose key was issued last (generation's parity: even → a, odd → b). */
  current: Slot;
  previous: Slot;
  /**
   * Each slot's AccessKey `rotationTrigger`: the generation at which that slot last became current (-1 for slot b
   * before the first rotation). Moving from generation g to g+1 changes exactly one trigger — the slot that
   * becomes current — so exactly one key is replaced and the other stays valid.
   */
  triggers: Record<Slot, number>;
}

export function slotPlan(generation: number): SlotPlan {
  if (!Number.isInteger(generation) || generation < 0) {
    // The generation comes from the RotationGeneration child's state (provider/rotationGeneration.ts check).
    throw new OtterStorageError({
      code: "ValidationFailed",
      status: 0,
      operation: "RotatingAccessKey",
      detail: `generation must be an integer >= 0; got ${generation}.`,
      hint: "If the stack state was edited by hand, restore the RotationGeneration's `generation`; otherwise this is a provider bug: please report it.",
    });
  }
  const current: Slot = generation % 2 === 0 ? "a" : "b";
  const lastOf = (parity: 0 | 1) => (generation % 2 === parity ? generation : generation - 1);
  return { generation, current, previous: current === "a" ? "b" : "a", triggers: { a: lastOf(0), b: lastOf(1) } };
}

export interface GenerationInputs {
  /** A counter bumped by one per manual rotation. Default 0. */
  rotationTrigger?: number;
  rotateAfterDays?: number;
  /** Where age periods are counted from (ms since epoch). Default 0 (1970-01-01T00:00:00Z). */
  anchorMs?: number;
}

/**
 * generation = rotationTrigger + whole `rotateAfterDays` periods elapsed since the anchor on the service clock.
 * Stateless and deterministic: the same inputs at the same service time always name the same slots.
 */
export function generationOf(g: GenerationInputs, serviceNowMs: number): number {
  const manual = g.rotationTrigger ?? 0;
  if (!g.rotateAfterDays) return manual;
  const periods = Math.floor((serviceNowMs - (g.anchorMs ?? 0)) / (g.rotateAfterDays * DAY_MS));
  return manual + Math.max(0, periods);
}

// ---- one step per `up` ---------------------------------------------------------------------------------------

/**
 * What the RotationGeneration resource (provider/rotationGeneration.ts) remembers between runs: the schedule's
 * generation it last saw (`desired`, from generationOf) and the generation the slots were last given.
 */
export interface AppliedGeneration { desired?: number; generation?: number }

/**
 * The generation the slots get in this `up`. It moves at most ONE step per `up`, whatever the schedule did since
 * the last run (a missed run, rotateAfterDays turned on with the default anchor, a bump by two, a bump on the day
 * a period passes): a step replaces exactly one slot (slotPlan), so a single `up` never revokes both distributed
 * keys. Any change of the schedule's generation is one rotation; none is none. Never moves backwards.
 * Without a memory (a new component, or a stack from before this resource existed) it starts at `desired`.
 */
export function stepGeneration(memory: AppliedGeneration | undefined, desired: number): number {
  const g = memory?.generation;
  if (typeof g !== "number" || !Number.isInteger(g) || g < 0) return desired;
  return memory?.desired === desired ? g : g + 1;
}
