/**
 * Compile-time checks that the SDK's BucketArgs / AccessKeyArgs and the classes' output properties are what the
 * field tables (provider/bucketFields.ts, provider/accessKeyFields.ts) say: the same names, the same optionality
 * and the same types, modulo pulumi.Input / pulumi.Output wrapping. They run in `tsc` (`npm run build` compiles
 * tests/): a mismatch fails the build, before mocha starts. The runtime part only shows that the file was compiled.
 * sdk/generated.ts is written from the tables; these checks catch a hand edit of it, a stale file, or a
 * generator (provider/codegen.ts) that renders a type wrongly.
 */
import * as assert from "node:assert/strict";
import type * as pulumi from "@pulumi/pulumi";
import type { AccessKey, AccessKeyArgs, Bucket, BucketArgs, RotatingAccessKeyArgs } from "../sdk";
import type { BucketArgsShape, BucketOutputs } from "../provider/bucketFields";
import type { AccessKeyArgsShape, AccessKeyOutputs } from "../provider/accessKeyFields";

/** True when A and B are assignable both ways (plain assignability, so `x?: T` and `x: T | undefined` differ). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** The output properties of a resource class, unwrapped: { name: string, … }. */
type OutputsOfClass<C, K extends keyof C> = { [P in K]: pulumi.Unwrap<C[P]> };
/** The table's outputs with optional keys written as `| undefined` (a class property is always there). */
type Present<T> = { [K in Extract<keyof T, string>]: T[K] };

/** `any` is assignable both ways, so Same alone would let it through: no property may be `any`. */
type IsAny<T> = 0 extends 1 & T ? true : false;
type NoAnyProps<T> = true extends { [K in keyof T]-?: IsAny<T[K]> }[keyof T] ? false : true;

// Names.
export type BucketArgNames = Assert<Same<keyof BucketArgs, keyof BucketArgsShape>>;
export type AccessKeyArgNames = Assert<Same<keyof AccessKeyArgs, keyof AccessKeyArgsShape>>;
// Optionality (bucket is the one required input).
export type BucketArgOptional = Assert<Same<OptionalKeys<BucketArgs>, OptionalKeys<BucketArgsShape>>>;
export type AccessKeyArgOptional = Assert<Same<OptionalKeys<AccessKeyArgs>, OptionalKeys<AccessKeyArgsShape>>>;
export type AccessKeyBucketRequired = Assert<Same<Exclude<keyof AccessKeyArgs, OptionalKeys<AccessKeyArgs>>, "bucket">>;
// Types, modulo pulumi.Input at every level.
export type BucketArgTypes = Assert<Same<pulumi.Unwrap<BucketArgs>, BucketArgsShape>>;
export type AccessKeyArgTypes = Assert<Same<pulumi.Unwrap<AccessKeyArgs>, AccessKeyArgsShape>>;
// Output properties of the classes, modulo pulumi.Output (the class's extra, SDK-computed outputs are not checked).
export type BucketOutputTypes = Assert<Same<OutputsOfClass<Bucket, keyof BucketOutputs>, Present<BucketOutputs>>>;
export type AccessKeyOutputTypes = Assert<Same<OutputsOfClass<AccessKey, keyof AccessKeyOutputs>, Present<AccessKeyOutputs>>>;
// No `any`, neither in the SDK's types nor in the tables' (the other checks would pass it).
export type NoAny = Assert<
  [NoAnyProps<pulumi.Unwrap<BucketArgs>>, NoAnyProps<pulumi.Unwrap<AccessKeyArgs>>, NoAnyProps<BucketArgsShape>, NoAnyProps<AccessKeyArgsShape>,
    NoAnyProps<Present<BucketOutputs>>, NoAnyProps<Present<AccessKeyOutputs>>] extends [true, true, true, true, true, true] ? true : false
>;
// RotatingAccessKey (a component, no schema entry) passes these through to its two AccessKeys: the same types,
// or a subset where the component is stricter (rotationTrigger and rotateAfterDays are plain numbers there).
type Shared = "bucket" | "label" | "readiness" | "profileName";
export type RotatingSharedTypes = Assert<Same<pulumi.Unwrap<Pick<RotatingAccessKeyArgs, Shared>>, Pick<AccessKeyArgsShape, Shared>>>;
export type RotatingNumbers = Assert<
  [RotatingAccessKeyArgs["rotationTrigger"] & {}] extends [AccessKeyArgsShape["rotationTrigger"] & {}]
    ? [RotatingAccessKeyArgs["rotateAfterDays"] & {}] extends [AccessKeyArgsShape["rotateAfterDays"] & {}] ? true : false
    : false
>;

// The checks can fail: each of these differs from the table in one way, and tsc must reject it.
// @ts-expect-error a missing input
export type CatchesMissing = Assert<Same<keyof Omit<BucketArgs, "tags">, keyof BucketArgsShape>>;
// @ts-expect-error optionality: bucket made optional
export type CatchesOptionality = Assert<Same<pulumi.Unwrap<Partial<AccessKeyArgs>>, AccessKeyArgsShape>>;
// @ts-expect-error a wrong type: storageClass as any string
export type CatchesType = Assert<Same<pulumi.Unwrap<Omit<BucketArgs, "storageClass"> & { storageClass?: pulumi.Input<string> }>, BucketArgsShape>>;
// @ts-expect-error an input typed any (which Same alone accepts)
export type CatchesAny = Assert<NoAnyProps<pulumi.Unwrap<Omit<BucketArgs, "tags"> & { tags?: pulumi.Input<any> }>>>;
// @ts-expect-error a wrong nested type: readiness.timeoutSeconds as a string
export type CatchesNested = Assert<Same<pulumi.Unwrap<Omit<AccessKeyArgs, "readiness"> & { readiness?: { timeoutSeconds?: string } }>, AccessKeyArgsShape>>;

describe("SDK Args and output types (checked at compile time)", () => {
  it("compiled: BucketArgs / AccessKeyArgs and the classes' outputs match the field tables (tsc would have failed otherwise)", () => {
    const checks: true[] = [
      true as BucketArgNames, true as AccessKeyArgNames, true as BucketArgOptional, true as AccessKeyArgOptional,
      true as AccessKeyBucketRequired, true as BucketArgTypes, true as AccessKeyArgTypes, true as BucketOutputTypes, true as AccessKeyOutputTypes,
      true as RotatingSharedTypes, true as RotatingNumbers, true as NoAny,
    ];
    assert.equal(checks.length, 12);
  });
});
