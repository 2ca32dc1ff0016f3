/**
 * Pulumi type tokens of OtterStorage resources, in one place. A resource has two: the native plugin's
 * `otterstorage:index:<Type>` (schema.json, every language) and the dynamic provider's
 * `pulumi-nodejs:dynamic/otterstorage:<Type>` (what `pulumi.dynamic.Resource` registers for module `otterstorage`,
 * type `<Type>`; existing stacks' state holds it). Anything that reads state or a resource graph — the audit, the
 * policy pack, tests — recognises both through `typeNameOf`.
 */
export const PACKAGE = "otterstorage";
/** The module argument of `pulumi.dynamic.Resource` (the dynamic token is `pulumi-nodejs:dynamic/<module>:<Type>`). */
export const DYNAMIC_MODULE = PACKAGE;

export type TypeName = "Bucket" | "AccessKey" | "RotatingAccessKey" | "RotationGeneration";

export const nativeToken = (type: TypeName): string => `${PACKAGE}:index:${type}`;
export const dynamicToken = (type: TypeName): string => `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${type}`;

/** The native plugin's functions (Invoke tokens). */
export type FunctionName = "getTemporaryCredentials";
export const functionToken = (fn: FunctionName): string => `${PACKAGE}:index:${fn}`;

const NATIVE = new RegExp(`^${PACKAGE}:index:([A-Za-z]+)$`);
const DYNAMIC = new RegExp(`^pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:([A-Za-z]+)$`);

/** `Bucket` for either token of a Bucket; undefined for any other type. */
export function typeNameOf(token: string): string | undefined {
  return NATIVE.exec(token)?.[1] ?? DYNAMIC.exec(token)?.[1];
}

/** Is `token` a resource of this type, native or dynamic? */
export const isTypeOf = (token: string, type: TypeName): boolean => typeNameOf(token) === type;
