/** What the control API handlers need: the store, object statistics from the S3 plane, and this instance's URLs. */
import type { OperationId, ResponseBody, RouteCall } from "otterstorage-api";
import type { Store } from "../store";

/** The part of the S3 plane's ObjectStore (emulator/s3/objects.ts) the control API uses. */
export interface ObjectStats {
  stats(bucket: string): { objectCount: number; versionCount: number; sizeBytes: number };
  isEmpty(bucket: string): boolean;
  /** Versions under an unexpired retention or a legal hold (S3 object lock): a forced delete must not remove them. */
  lockedVersions(bucket: string, nowMs: number): number;
  purgeBucket(bucket: string): void | Promise<void>;
}

export interface ControlContext {
  store: Store;
  objects: ObjectStats;
  /** The S3 URL of this instance (the `endpoint` field of answers). */
  s3Url: () => string;
  /** The region this instance serves. */
  region: string;
}

/**
 * A handler of one route, typed from that route's entry in api/routes.ts: params from its path, query and body as
 * its schemas output them (the server parses with those schemas before calling), the answer body as its response
 * schema describes it (the server checks that too, before sending).
 */
export type Handler<Op extends OperationId> = (ctx: ControlContext, call: RouteCall<Op>) => Answer<ResponseBody<Op>> | Promise<Answer<ResponseBody<Op>>>;

export interface Answer<B = unknown> {
  status: number;
  body?: B;
  /** For idempotency records: the credential the answer carries (dropped from replays when it is revoked). */
  credentialId?: string;
}
