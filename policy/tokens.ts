/**
 * What the pack recognises, in one place. Dynamic resources have no `__pulumiType` on their class, so
 * `validateResourceOfType` cannot be used; the policies ask `isBucket(args.type)` / `isAccessKey(args.type)`
 * (node_modules/@pulumi/policy/policy.d.ts, validateResourceOfType). A renamed rotation input or component type
 * is a one-line change here.
 *
 * Each resource has two tokens: the dynamic provider's (`pulumi-nodejs:dynamic/otterstorage:<Type>`, the SDK
 * classes) and the native plugin's (`otterstorage:index:<Type>`, the generated SDKs and YAML). Both carry the same
 * inputs and outputs, so every policy applies to both.
 */
import { dynamicToken, isTypeOf, nativeToken } from "otterstorage-api";

export const BUCKET_TYPES: readonly string[] = [dynamicToken("Bucket"), nativeToken("Bucket")];
export const ACCESS_KEY_TYPES: readonly string[] = [dynamicToken("AccessKey"), nativeToken("AccessKey")];

export const isBucket = (type: string): boolean => isTypeOf(type, "Bucket");
export const isAccessKey = (type: string): boolean => isTypeOf(type, "AccessKey");

/**
 * What owns a rotation schedule for the keys it makes: the two-slot rotating key (the dynamic SDK's component and
 * the native plugin's resource share the token).
 */
export const ROTATING_COMPONENT_TYPES: readonly string[] = [nativeToken("RotatingAccessKey")];

/** The two-slot component labels its keys `<label>/a` and `<label>/b`; both are one integration. */
export const SLOT_LABEL_SUFFIX = /\/[ab]$/;

/** AccessKey (and component) inputs that carry a rotation schedule in days. */
export const ROTATION_SCHEDULE_PROPS: readonly string[] = ["rotateAfterDays"];

/** Inputs whose change rotates a key; `ignoreChanges` on any of them silently turns rotation off. */
export const ROTATION_INPUT_PROPS: readonly string[] = ["rotateAfterDays", "rotationTrigger"];

/** The output that must always be a stack secret. */
export const SECRET_OUTPUT = "secretAccessKey";

export function isOtterStorageType(type: string): boolean {
  return isBucket(type) || isAccessKey(type) || ROTATING_COMPONENT_TYPES.includes(type) || type.startsWith("otterstorage:");
}
