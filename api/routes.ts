/**
 * Control API v1 routes as data: the service wires handlers to these, the OpenAPI document is generated from
 * them, and the client uses the same schemas to parse answers.
 */
import { z } from "zod";
import * as s from "./schemas";

export interface RouteSpec {
  operationId: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Fastify-style path, e.g. /v1/buckets/:bucket */
  path: string;
  summary: string;
  auth: boolean;
  query?: z.ZodType;
  body?: z.ZodType;
  response?: z.ZodType;
  status: number;
  idempotent?: boolean;
  errors: string[];
}

const common = ["Unauthorized", "RateLimited", "InternalError"];

export const ROUTES = [
  { operationId: "getHealth", method: "GET", path: "/v1/health", summary: "Liveness and the service clock", auth: false, response: s.Health, status: 200, errors: [] },
  { operationId: "getOpenApi", method: "GET", path: "/v1/openapi.json", summary: "This document", auth: false, status: 200, errors: [] },
  { operationId: "createBucket", method: "POST", path: "/v1/buckets", summary: "Create a bucket", auth: true, body: s.CreateBucketRequest, response: s.Bucket, status: 201, idempotent: true, errors: [...common, "ValidationFailed", "BucketAlreadyExists", "IdempotencyKeyReused"] },
  { operationId: "listBuckets", method: "GET", path: "/v1/buckets", summary: "List buckets (paginated)", auth: true, query: s.ListQuery, response: s.BucketList, status: 200, errors: [...common, "ValidationFailed"] },
  { operationId: "getBucket", method: "GET", path: "/v1/buckets/:bucket", summary: "Get a bucket", auth: true, response: s.Bucket, status: 200, errors: [...common, "BucketNotFound"] },
  { operationId: "updateBucket", method: "PATCH", path: "/v1/buckets/:bucket", summary: "Change versioning, legal hold, lifecycle rules, storage class or tags", auth: true, body: s.UpdateBucketRequest, response: s.Bucket, status: 200, errors: [...common, "ValidationFailed", "BucketNotFound", "LegalHoldActive", "ObjectLockImmutable"] },
  { operationId: "deleteBucket", method: "DELETE", path: "/v1/buckets/:bucket", summary: "Delete a bucket (?force=true deletes its objects first)", auth: true, query: z.strictObject({ force: z.enum(["true", "false"]).optional() }), status: 204, errors: [...common, "ValidationFailed", "BucketNotFound", "BucketNotEmpty", "LegalHoldActive"] },
  { operationId: "createAccessKey", method: "POST", path: "/v1/buckets/:bucket/access-keys", summary: "Issue an access key for one bucket; the only answer that carries the secret", auth: true, body: s.CreateAccessKeyRequest, response: s.CreatedAccessKey, status: 201, idempotent: true, errors: [...common, "ValidationFailed", "BucketNotFound", "LegalHoldActive", "IdempotencyKeyReused"] },
  { operationId: "listAccessKeys", method: "GET", path: "/v1/buckets/:bucket/access-keys", summary: "List a bucket's active keys (no secrets)", auth: true, query: s.ListQuery, response: s.AccessKeyList, status: 200, errors: [...common, "ValidationFailed", "BucketNotFound"] },
  { operationId: "getAccessKey", method: "GET", path: "/v1/buckets/:bucket/access-keys/:accessKeyId", summary: "Get one key (no secret)", auth: true, response: s.AccessKey, status: 200, errors: [...common, "BucketNotFound", "AccessKeyNotFound"] },
  { operationId: "updateAccessKey", method: "PATCH", path: "/v1/buckets/:bucket/access-keys/:accessKeyId", summary: "Relabel a key", auth: true, body: s.UpdateAccessKeyRequest, response: s.AccessKey, status: 200, errors: [...common, "ValidationFailed", "BucketNotFound", "AccessKeyNotFound"] },
  { operationId: "revokeAccessKey", method: "DELETE", path: "/v1/buckets/:bucket/access-keys/:accessKeyId", summary: "Revoke a key: immediate and permanent", auth: true, status: 204, errors: [...common, "BucketNotFound", "AccessKeyNotFound"] },
  { operationId: "createTemporaryCredentials", method: "POST", path: "/v1/buckets/:bucket/temporary-credentials", summary: "Issue expiring, bucket-scoped credentials", auth: true, body: s.TemporaryCredentialsRequest, response: s.TemporaryCredentials, status: 201, idempotent: true, errors: [...common, "ValidationFailed", "BucketNotFound", "LegalHoldActive", "IdempotencyKeyReused"] },
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]["operationId"];

/** One route's spec, with its literal method, path and schemas. */
export type Route<Op extends OperationId> = Extract<(typeof ROUTES)[number], { operationId: Op }>;

/** The `:name` segments of a route path as an object type: "/v1/buckets/:bucket" -> { bucket: string }. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, string>;

type SchemaOf<Op extends OperationId, F extends "body" | "query" | "response"> =
  Route<Op> extends { [K in F]: infer S extends z.ZodType } ? S : undefined;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;

/** What the service's handler receives once the route's schemas have parsed the request. */
export interface RouteCall<Op extends OperationId> {
  params: PathParams<Route<Op>["path"]>;
  query: Out<SchemaOf<Op, "query">>;
  body: Out<SchemaOf<Op, "body">>;
}
/** What a client sends: the schemas' input side (defaults may be left out). */
export type RequestBody<Op extends OperationId> = In<SchemaOf<Op, "body">>;
export type RequestQuery<Op extends OperationId> = In<SchemaOf<Op, "query">>;
/** The answer body (undefined for routes that answer 204). */
export type ResponseBody<Op extends OperationId> = Out<SchemaOf<Op, "response">>;

const BY_ID = new Map<string, RouteSpec>(ROUTES.map((r) => [r.operationId, r]));

/** The route of an operation (a typo does not compile). */
export function route<Op extends OperationId>(operationId: Op): Route<Op> {
  return BY_ID.get(operationId) as Route<Op>;
}

/** The route's path with its `:name` segments filled in, each URL-encoded. */
export function pathOf<Op extends OperationId>(operationId: Op, params: PathParams<Route<Op>["path"]>): string {
  const values = params as Record<string, string>;
  return route(operationId).path.replace(/:(\w+)/g, (_, name: string) => {
    const v = values[name];
    if (typeof v !== "string") throw new TypeError(`${operationId}: path parameter '${name}' missing`);
    return encodeURIComponent(v);
  });
}
