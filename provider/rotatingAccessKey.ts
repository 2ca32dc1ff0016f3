/**
 * RotatingAccessKey as one resource, for the hosts that serve resources rather than run programs (the native
 * plugin; the dynamic SDK builds the same guarantee as a component of two AccessKeys and a RotationGeneration,
 * sdk/rotatingAccessKey.ts). Two slots, `a` and `b`, each an access key of the bucket; the generation says which is
 * current (provider/rotation.ts slotPlan) and moves at most one step per run (stepGeneration), and a step replaces
 * exactly one slot's key — new key first, then the old one revoked — so one `up` never leaves clients without a
 * working key and never replaces both. The keys are issued and revoked through the AccessKey logic
 * (provider/accessKey.ts): readiness, labels and errors are the same.
 */
import { z } from "zod";
import * as api from "otterstorage-api";
import * as accessKey from "./accessKey";
import { canonical, containsUnknown, failuresOf, isUnknown, plain, type CheckResult, type DiffResult } from "./common";
import type { ProviderContext } from "./context";
import { OtterStorageError, PartialCreateError } from "./errors";
import { MAX_ROTATE_AFTER_DAYS, ProfileName, Readiness, type ReadinessInput } from "./inputSchemas";
import { generationOf, serviceNowOncePerRun, slotPlan, stepGeneration, type Slot } from "./rotation";

const Inputs = z.strictObject({
  bucket: api.BucketName,
  label: z.string().min(1).max(62, "must be at most 62 characters: the slots append /a and /b (a key label has at most 64)").optional(),
  rotationTrigger: z.number({ error: "must be a whole number >= 0 that you bump to rotate (one rotation per up)" }).int("must be a whole number").min(0, "must be >= 0").optional(),
  rotateAfterDays: z.number().int("must be a whole number of days").min(1).max(MAX_ROTATE_AFTER_DAYS).optional(),
  rotationAnchor: z.string().refine((s) => Number.isFinite(Date.parse(s)), "must be an RFC 3339 date, e.g. \"2026-01-01T00:00:00Z\"").optional(),
  retirePrevious: z.union([z.boolean(), z.number().int().min(0)], { error: "must be true, false, or the generation (a whole number) whose previous key to revoke" }).optional(),
  readiness: Readiness.optional(),
  profileName: ProfileName.optional(),
  /** Set by check: the schedule's generation and the one the slots get in this run. */
  desired: z.number().int().min(0).optional(),
  generation: z.number().int().min(0).optional(),
});

export type RotatingAccessKeyInputs = z.input<typeof Inputs>;

/** One slot's key, as the state keeps it (the secret exists nowhere else). */
export interface SlotKey {
  accessKeyId: string;
  secretAccessKey: string;
  label: string | null;
  createdAt: string;
  endpoint: string;
  region: string;
  /** The slot trigger the key was issued for (slotPlan triggers). */
  trigger: number;
}

export interface SlotCredentials { slot: Slot; accessKeyId: string; secretAccessKey: string; bucket: string; endpoint: string; region: string; createdAt: string }

export interface RotatingAccessKeyOutputs {
  bucket: string;
  label?: string;
  rotationTrigger: number;
  rotateAfterDays?: number;
  rotationAnchor?: string;
  retirePrevious?: boolean | number;
  readiness?: ReadinessInput;
  profileName?: string;
  desired: number;
  generation: number;
  currentSlot: Slot;
  slots: Partial<Record<Slot, SlotKey>>;
  current: SlotCredentials;
  previous?: SlotCredentials;
  /** Ready-to-use forms of `current` (api/forms.ts, as the dynamic component's outputs). */
  environment: api.EnvironmentMap;
  s3ClientConfig: api.S3ClientConfig;
  awsProfile: api.AwsProfile;
  rcloneRemote: string;
}

/** Outputs holding secrets: every slot's key, and the two views of them. */
export const ROTATING_ACCESS_KEY_SECRETS = ["slots", "current", "previous", "environment", "s3ClientConfig", "awsProfile", "rcloneRemote"] as const;

/**
 * Validates, then settles the generation: the schedule's (`desired`, on the service clock read once per run when
 * `rotateAfterDays` is set) and the one the slots get now — one step at most from the one the old inputs recorded.
 */
export async function check(ctx: ProviderContext, olds: Partial<RotatingAccessKeyInputs>, news: RotatingAccessKeyInputs): Promise<CheckResult<RotatingAccessKeyInputs>> {
  const given = Object.fromEntries(Object.entries(news).filter(([k, v]) => v !== undefined && v !== null && !containsUnknown(v) && k !== "desired" && k !== "generation"));
  const parsed = Inputs.safeParse(given);
  const failures = parsed.success ? [] : failuresOf(parsed.error);
  if (news.bucket === undefined || news.bucket === null || news.bucket === "") failures.push({ property: "bucket", reason: "is required: pass the bucket's name, e.g. `bucket: myBucket.name`" });
  if (failures.length) return { inputs: news, failures };
  if (containsUnknown(news.rotationTrigger) || containsUnknown(news.rotateAfterDays) || containsUnknown(news.rotationAnchor)) return { inputs: news };
  const anchorMs = news.rotationAnchor === undefined || news.rotationAnchor === null ? 0 : Date.parse(news.rotationAnchor);
  const schedule = { rotationTrigger: news.rotationTrigger ?? 0, rotateAfterDays: news.rotateAfterDays ?? undefined, anchorMs };
  const desired = generationOf(schedule, schedule.rotateAfterDays ? await serviceNowOncePerRun(ctx) : 0);
  const memory = typeof olds?.generation === "number" ? { desired: olds.desired, generation: olds.generation } : undefined;
  return { inputs: { ...news, desired, generation: stepGeneration(memory, desired) } };
}

/** What the slots should hold for these inputs: each live slot's trigger, and its label. */
function wanted(news: RotatingAccessKeyInputs): { plan: ReturnType<typeof slotPlan>; live: Slot[]; label: (s: Slot) => string | undefined } {
  const g = news.generation ?? news.desired ?? news.rotationTrigger ?? 0;
  const plan = slotPlan(g);
  const retire = news.retirePrevious === true || (typeof news.retirePrevious === "number" && news.retirePrevious === g);
  const label = (s: Slot) => (news.label ? `${news.label}/${s}` : undefined);
  return { plan, live: retire ? [plan.current] : [plan.current, plan.previous], label };
}

export async function diff(_ctx: ProviderContext, _id: string, olds: RotatingAccessKeyOutputs, news: RotatingAccessKeyInputs): Promise<DiffResult> {
  if (isUnknown(news.bucket) || (news.bucket !== undefined && news.bucket !== olds.bucket)) return { changes: true, replaces: ["bucket"] };
  if (containsUnknown(news)) return { changes: true, replaces: [] };
  const w = wanted(news);
  const slotsDiffer = (["a", "b"] as Slot[]).some((s) => {
    const have = olds.slots?.[s];
    const want = w.live.includes(s);
    return want !== !!have || (have !== undefined && (have.trigger !== w.plan.triggers[s] || (have.label ?? undefined) !== w.label(s)));
  });
  const keep = (o: unknown, n: unknown) => canonical(o ?? null) === canonical(n ?? null);
  const settings = !keep(olds.readiness, news.readiness) || !keep(olds.profileName, news.profileName) || !keep(olds.retirePrevious, news.retirePrevious)
    || !keep(olds.rotateAfterDays, news.rotateAfterDays) || !keep(olds.rotationAnchor, news.rotationAnchor) || !keep(olds.rotationTrigger, news.rotationTrigger ?? 0)
    || olds.generation !== news.generation || olds.desired !== news.desired;
  return { changes: slotsDiffer || settings, replaces: [] };
}

export async function create(ctx: ProviderContext, inputs: RotatingAccessKeyInputs): Promise<{ id: string; outs: RotatingAccessKeyOutputs }> {
  const outs = await converge(ctx, inputs, {});
  return { id: outs.current.accessKeyId, outs };
}

export async function update(ctx: ProviderContext, _id: string, olds: RotatingAccessKeyOutputs, news: RotatingAccessKeyInputs): Promise<{ outs: RotatingAccessKeyOutputs }> {
  return { outs: await converge(ctx, news, olds.slots ?? {}) };
}

/**
 * Brings the slots to what the inputs want: first every new key (a slot whose trigger moved, or a missing slot),
 * then relabels, then revokes the keys they replace and a retired previous key. A failure after a key was issued
 * reports the slots as they are then (PartialCreateError), so the state keeps every key that exists.
 */
async function converge(ctx: ProviderContext, inputs: RotatingAccessKeyInputs, have: Partial<Record<Slot, SlotKey>>): Promise<RotatingAccessKeyOutputs> {
  const w = wanted(inputs);
  const slots: Partial<Record<Slot, SlotKey>> = { ...have };
  const revoke: SlotKey[] = [];
  const snapshot = () => outputsOf(inputs, w.plan, slots);
  try {
    for (const s of w.live) {
      const old = slots[s];
      if (old && old.trigger === w.plan.triggers[s]) continue;
      const made = await accessKey.create(ctx, { bucket: inputs.bucket, label: w.label(s), rotationTrigger: w.plan.triggers[s], readiness: inputs.readiness }).catch((e) => {
        // Created but not ready: keep it (the next run probes it again through update).
        if (e instanceof PartialCreateError) slots[s] = slotKey(e.outputs as never, w.plan.triggers[s]);
        throw e;
      });
      slots[s] = slotKey(made.outs as never, w.plan.triggers[s]);
      if (old) revoke.push(old);
    }
    for (const s of w.live) {
      const k = slots[s]!;
      if ((k.label ?? undefined) !== w.label(s)) {
        const r = await accessKey.update(ctx, k.accessKeyId, { ...k, bucket: inputs.bucket } as never, { bucket: inputs.bucket, label: w.label(s), readiness: { disabled: true } } as never);
        slots[s] = { ...k, label: (r.outs as { label?: string | null }).label ?? null };
      }
    }
    for (const s of ["a", "b"] as Slot[]) {
      if (!w.live.includes(s) && slots[s]) {
        revoke.push(slots[s]!);
        delete slots[s];
      }
    }
    for (const k of revoke) await accessKey.remove(ctx, k.accessKeyId, { ...k, bucket: inputs.bucket } as never);
  } catch (e) {
    // Some key exists now that the state must keep: report the slots as they are.
    const outs = slots[w.plan.current] ? snapshot() : undefined;
    if (outs && e instanceof OtterStorageError) throw new PartialCreateError(e, outs.current.accessKeyId, outs as unknown as Record<string, unknown>);
    throw e;
  }
  return snapshot();
}

function slotKey(o: { accessKeyId: string; secretAccessKey: string; label?: string | null; createdAt: string; endpoint: string; region: string }, trigger: number): SlotKey {
  return { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, label: o.label ?? null, createdAt: o.createdAt, endpoint: o.endpoint, region: o.region, trigger };
}

function outputsOf(inputs: RotatingAccessKeyInputs, plan: ReturnType<typeof slotPlan>, slots: Partial<Record<Slot, SlotKey>>): RotatingAccessKeyOutputs {
  const view = (s: Slot): SlotCredentials | undefined => {
    const k = slots[s];
    return k && { slot: s, accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey, bucket: inputs.bucket, endpoint: k.endpoint, region: k.region, createdAt: k.createdAt };
  };
  const current = view(plan.current)!;
  const profile = inputs.profileName ?? api.DEFAULT_PROFILE_NAME;
  return plain({
    bucket: inputs.bucket,
    label: inputs.label ?? undefined,
    rotationTrigger: inputs.rotationTrigger ?? 0,
    rotateAfterDays: inputs.rotateAfterDays ?? undefined,
    rotationAnchor: inputs.rotationAnchor ?? undefined,
    retirePrevious: inputs.retirePrevious ?? undefined,
    readiness: inputs.readiness ?? undefined,
    profileName: inputs.profileName ?? undefined,
    desired: inputs.desired ?? plan.generation,
    generation: plan.generation,
    currentSlot: plan.current,
    slots,
    current,
    previous: view(plan.previous),
    environment: api.environmentOf(current),
    s3ClientConfig: api.s3ClientConfigOf(current),
    awsProfile: api.awsProfileOf(current, profile),
    rcloneRemote: api.rcloneRemoteOf(current, profile),
  });
}

/** Refresh: a slot whose key is gone (revoked out of band) leaves the state, so the next `up` issues it again. */
export async function read(ctx: ProviderContext, id: string, props: RotatingAccessKeyOutputs): Promise<{ id: string; props: RotatingAccessKeyOutputs }> {
  const slots: Partial<Record<Slot, SlotKey>> = {};
  for (const s of ["a", "b"] as Slot[]) {
    const k = props.slots?.[s];
    if (!k) continue;
    const r = await accessKey.read(ctx, k.accessKeyId, { ...k, bucket: props.bucket } as never);
    if (r.id) slots[s] = { ...k, label: (r.props as { label?: string | null }).label ?? null };
  }
  if (!slots.a && !slots.b) return { id: "", props: {} as RotatingAccessKeyOutputs };
  const plan = slotPlan(props.generation);
  return { id, props: plain({ ...props, slots, current: props.current && slots[plan.current] ? props.current : (undefined as never), previous: slots[plan.previous] ? props.previous : undefined }) };
}

export async function remove(ctx: ProviderContext, _id: string, props: RotatingAccessKeyOutputs): Promise<void> {
  for (const k of Object.values(props.slots ?? {})) if (k) await accessKey.remove(ctx, k.accessKeyId, { ...k, bucket: props.bucket } as never);
}
