/**
 * What the pack recognises, in one place. Dynamic resources have no `__pulumiType` on their class, so
 * `validateResourceOfType` cannot be used; the policies compare `args.type` with these tokens
 * (node_modules/@pulumi/policy/policy.d.ts, validateResourceOfType). A renamed rotation input or component type
 * is a one-line change here.
 */
export const BUCKET_TYPE = "pulumi-nodejs:dynamic/otterstorage:Bucket";
export const ACCESS_KEY_TYPE = "pulumi-nodejs:dynamic/otterstorage:AccessKey";

/** Components that own a rotation schedule for the keys they create (the two-slot rotating key). */
export const ROTATING_COMPONENT_TYPES: readonly string[] = ["otterstorage:index:RotatingAccessKey"];

/** The two-slot component labels its keys `<label>/a` and `<label>/b`; both are one integration. */
export const SLOT_LABEL_SUFFIX = /\/[ab]$/;

/** AccessKey (and component) inputs that carry a rotation schedule in days. */
export const ROTATION_SCHEDULE_PROPS: readonly string[] = ["rotateAfterDays"];

/** Inputs whose change rotates a key; `ignoreChanges` on any of them silently turns rotation off. */
export const ROTATION_INPUT_PROPS: readonly string[] = ["rotateAfterDays", "rotationTrigger"];

/** The output that must always be a stack secret. */
export const SECRET_OUTPUT = "secretAccessKey";

export function isOtterStorageType(type: string): boolean {
  return type === BUCKET_TYPE || type === ACCESS_KEY_TYPE || ROTATING_COMPONENT_TYPES.includes(type) || type.startsWith("otterstorage:");
}
