/**
 * Rotation logic that does not fit in a field table: rotation by age (`rotateAfterDays`, measured on the SERVICE
 * clock, so a CI runner's skew cannot fire or delay it) and the two-slot scheme behind the RotatingAccessKey
 * component. Pure functions plus one Control API call (health). docs/rotation.md explains both.
 */
import { z } from "zod";
import type { OtterStorageClient } from "./client";

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_ROTATE_AFTER_DAYS = 3650;

export const RotateAfterDays = z
  .number({ error: "must be a number of days (a whole number, not a string), e.g. 90" })
  .int("must be a whole number of days, e.g. 90 (fractions are not allowed)")
  .min(1, "must be at least 1 (day); omit it to rotate only when rotationTrigger changes")
  .max(MAX_ROTATE_AFTER_DAYS, `must be at most ${MAX_ROTATE_AFTER_DAYS} days`);

/** The service's clock (GET /v1/health → time), in ms since the epoch. */
export async function serviceNow(client: OtterStorageClient): Promise<number> {
  return Date.parse((await client.health()).data.time);
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
  if (!Number.isInteger(generation) || generation < 0) throw new RangeError(`generation must be an integer >= 0; got ${generation}`);
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
