/**
 * RotatingAccessKey: two-slot rotation with overlap. Two AccessKey children (slots "a" and "b"); each rotation
 * replaces only the slot that becomes current, so the previous key keeps working until the next rotation and
 * clients that have not picked up the new key yet are not locked out. docs/rotation.md has the runbook.
 *
 * The scheme (provider/rotation.ts): the schedule's generation = rotationTrigger + whole `rotateAfterDays` periods
 * since `rotationAnchor` on the service clock; the slots' generation follows it at most ONE step per `up`
 * (a RotationGeneration child remembers the last applied one: provider/rotationGeneration.ts); current slot =
 * generation's parity; each slot's AccessKey rotationTrigger = the generation at which it last became current.
 * Going from g to g+1 changes one slot's trigger, so one key is replaced (create-before-delete) and the other is
 * untouched — whatever the schedule did between two runs.
 */
import * as pulumi from "@pulumi/pulumi";
import { DYNAMIC_MODULE, nativeToken, type TypeName } from "otterstorage-api";
import { providerByName } from "./providerByName";
import { AccessKey } from "./accessKey";

// Loaded by package name in the provider host, so every kind of install serializes alike (sdk/providerByName.ts).
const generationProvider = providerByName("pulumi-otterstorage/dist/provider/dynamic/rotationGeneration.js", ["check", "diff", "create", "read", "update", "delete"]);

/**
 * The component's memory: which generation its slots were given last (the engine hands `check` the old inputs).
 * Internal to RotatingAccessKey; registered as pulumi-nodejs:dynamic/otterstorage:RotationGeneration.
 */
class RotationGeneration extends pulumi.dynamic.Resource {
  declare readonly generation: pulumi.Output<number>;
  declare readonly desired: pulumi.Output<number>;
  constructor(name: string, desired: pulumi.Input<number>, opts: pulumi.CustomResourceOptions) {
    // `generation: desired` is only a proposal: check replaces it with at most one step from the stored one.
    super(generationProvider(), name, { desired, generation: desired }, opts, DYNAMIC_MODULE, "RotationGeneration" satisfies TypeName);
  }
}
import { readyToUse, AwsProfile, EnvironmentMap, S3ClientConfig } from "./outputs";
import { programConfig } from "./temporaryCredentials";
import { clientFor } from "../provider/client";
import { generationOf, MAX_ROTATE_AFTER_DAYS, serviceNow, Slot, slotPlan } from "../provider/rotation";
import type { ReadinessInput } from "../provider/inputSchemas";
import { OtterStorageError } from "../provider/errors";

export interface RotatingAccessKeyArgs {
  /** The bucket the keys are for. */
  bucket: pulumi.Input<string>;
  /** Label of both keys; slots get "/a" and "/b" appended (so keep it ≤ 62 characters). @default none */
  label?: pulumi.Input<string>;
  /**
   * A counter: bump it to rotate (the slot that becomes current gets a new key; the other keeps working). Any
   * change is one rotation per `pulumi up`, even a jump by several. A plain number, not an Output. @default 0
   */
  rotationTrigger?: number;
  /**
   * Rotate every this many days, counted in whole periods since `rotationAnchor` on the service clock. Each key
   * then lives two periods: one as current, one as previous. @default none (rotate only by trigger)
   */
  rotateAfterDays?: number;
  /** RFC 3339 start of the age periods; set it to the day you add `rotateAfterDays`. @default 1970-01-01T00:00:00Z */
  rotationAnchor?: string;
  /**
   * Revoke the previous key early, once clients are verified on the current one. `true`: always (no overlap at the
   * next rotation either — turn it off before rotating); a number: only while the generation equals it, so the
   * next rotation has its overlap again. @default false
   */
  retirePrevious?: boolean | number;
  /** Readiness of each new key (see AccessKey). @default { timeoutSeconds: 60 } */
  readiness?: ReadinessInput;
  /** Profile / rclone remote name in the ready-to-use outputs. @default "otter" */
  profileName?: string;
}

/** A key's credentials as handed to clients. Always inside a secret Output. */
export interface SlotCredentials {
  slot: Slot;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  endpoint: string;
  region: string;
  createdAt: string;
}

/** A bad argument: thrown before anything is registered, naming the field and what to pass instead. */
function fail(field: keyof RotatingAccessKeyArgs, reason: string): never {
  throw new OtterStorageError({ code: "ValidationFailed", status: 0, operation: "RotatingAccessKey", detail: `${field} ${reason}`, hint: "Fix that argument and run again." });
}

function validate(a: RotatingAccessKeyArgs): number {
  if (!a || a.bucket === undefined || a.bucket === null || a.bucket === "") fail("bucket", "is required: pass the bucket's name, e.g. `bucket: myBucket.name`.");
  const t = a.rotationTrigger ?? 0;
  if (typeof t !== "number" || !Number.isInteger(t) || t < 0) fail("rotationTrigger", `must be a whole number >= 0 that you bump to rotate (one rotation per up); got ${JSON.stringify(t)}.`);
  const d = a.rotateAfterDays;
  if (d !== undefined && (typeof d !== "number" || !Number.isInteger(d) || d < 1 || d > MAX_ROTATE_AFTER_DAYS)) {
    fail("rotateAfterDays", `must be a whole number of days from 1 to ${MAX_ROTATE_AFTER_DAYS}, e.g. 90; got ${JSON.stringify(d)}.`);
  }
  const anchor = a.rotationAnchor === undefined ? 0 : Date.parse(a.rotationAnchor);
  if (!Number.isFinite(anchor)) fail("rotationAnchor", `must be an RFC 3339 date, e.g. "2026-01-01T00:00:00Z"; got ${JSON.stringify(a.rotationAnchor)}.`);
  const r = a.retirePrevious;
  if (r !== undefined && typeof r !== "boolean" && !(typeof r === "number" && Number.isInteger(r) && r >= 0)) {
    fail("retirePrevious", `must be true, false, or the generation (a whole number) whose previous key to revoke; got ${JSON.stringify(r)}.`);
  }
  return anchor;
}

/**
 * Two access keys with overlap: `current` (the newest) and `previous` (still valid until the next rotation).
 *
 * @example Rotate by hand: bump the counter, move clients to `current`, then retire `previous`
 * ```ts
 * const key = new RotatingAccessKey("app", { bucket: bucket.name, label: "app-web", rotationTrigger: 3 });
 * export const env = key.environment; // [secret] of the current key
 * ```
 *
 * @example Rotate every 30 days (periods counted from the anchor on the service clock)
 * ```ts
 * new RotatingAccessKey("ci", { bucket: bucket.name, rotateAfterDays: 30, rotationAnchor: "2026-11-01T00:00:00Z" });
 * ```
 *
 * @example Revoke the previous key of generation 3 once every client uses the new one
 * ```ts
 * new RotatingAccessKey("app", { bucket: bucket.name, rotationTrigger: 3, retirePrevious: 3 });
 * ```
 */
export class RotatingAccessKey extends pulumi.ComponentResource {
  /**
   * The slots' generation: follows the schedule (rotationTrigger + age periods) one step per `up`, so it can lag
   * behind it after a jump; `retirePrevious: <n>` compares with this value.
   */
  readonly generation: pulumi.Output<number>;
  readonly currentSlot: pulumi.Output<Slot>;
  /** Secret. The newest key: hand this to clients. */
  readonly current: pulumi.Output<SlotCredentials>;
  /** Secret. The key before it, valid until the next rotation; undefined once retired. */
  readonly previous: pulumi.Output<SlotCredentials | undefined>;
  /** Secret. Ready-to-use forms of `current`. */
  readonly environment: pulumi.Output<EnvironmentMap>;
  readonly awsProfile: pulumi.Output<AwsProfile>;
  readonly s3ClientConfig: pulumi.Output<S3ClientConfig>;
  readonly rcloneRemote: pulumi.Output<string>;

  constructor(name: string, args: RotatingAccessKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything: a bad argument must not leave a half-registered component.
    const anchorMs = validate(args);
    // The schedule is recorded as the component's inputs, where the policy pack (policy/keys.ts) reads it.
    super(
      nativeToken("RotatingAccessKey"),
      name,
      { bucket: args.bucket, rotationTrigger: args.rotationTrigger ?? 0, rotateAfterDays: args.rotateAfterDays, rotationAnchor: args.rotationAnchor, retirePrevious: args.retirePrevious },
      opts,
    );
    const generationInputs = { rotationTrigger: args.rotationTrigger ?? 0, rotateAfterDays: args.rotateAfterDays, anchorMs };
    // Age needs the service clock (GET /v1/health, unauthenticated); without it the generation is known now.
    const desired: pulumi.Output<number> = args.rotateAfterDays
      ? pulumi.output(
          programConfig().then(async (cfg) => generationOf(generationInputs, await serviceNow(clientFor(cfg.endpoint, cfg.token)))),
        )
      : pulumi.output(generationOf(generationInputs, 0));
    // At most one step per `up` from the generation applied last time (stored in this child's state).
    const generation = new RotationGeneration(`${name}-generation`, desired, { parent: this }).generation;

    // Registering inside apply is safe here: the generation never depends on another resource (check computes it
    // from plain inputs), so it is known during preview too and the plan shows the children.
    const keys = generation.apply((g) => {
      const plan = slotPlan(g);
      const retire = args.retirePrevious === true || (typeof args.retirePrevious === "number" && args.retirePrevious === g);
      const make = (slot: Slot) =>
        new AccessKey(
          `${name}-${slot}`,
          {
            bucket: args.bucket,
            label: args.label === undefined ? undefined : pulumi.output(args.label).apply((l) => (l ? `${l}/${slot}` : l)),
            rotationTrigger: plan.triggers[slot],
            readiness: args.readiness,
            profileName: args.profileName,
          },
          { parent: this },
        );
      const current = make(plan.current);
      const previous = retire ? undefined : make(plan.previous);
      return { plan, current: view(plan.current, current), previous: previous ? view(plan.previous, previous) : pulumi.output(undefined) };
    });

    this.generation = generation;
    this.currentSlot = keys.apply((k) => k.plan.current);
    this.current = pulumi.secret(keys.apply((k) => k.current));
    this.previous = pulumi.secret(keys.apply((k) => k.previous));
    const ready = readyToUse(
      {
        accessKeyId: this.current.apply((c) => c.accessKeyId),
        secretAccessKey: this.current.apply((c) => c.secretAccessKey),
        endpoint: this.current.apply((c) => c.endpoint),
        region: this.current.apply((c) => c.region),
      },
      args.profileName,
    );
    this.environment = ready.environment;
    this.awsProfile = ready.awsProfile;
    this.s3ClientConfig = ready.s3ClientConfig;
    this.rcloneRemote = ready.rcloneRemote;
    this.registerOutputs({
      generation: this.generation,
      currentSlot: this.currentSlot,
      current: this.current,
      previous: this.previous,
    });
  }
}

function view(slot: Slot, k: AccessKey): pulumi.Output<SlotCredentials> {
  return pulumi.all([k.accessKeyId, k.secretAccessKey, k.bucket, k.endpoint, k.region, k.createdAt]).apply(
    ([accessKeyId, secretAccessKey, bucket, endpoint, region, createdAt]) => ({ slot, accessKeyId, secretAccessKey, bucket, endpoint, region, createdAt }),
  );
}
