/** What the control API handlers need: the store, object statistics from the S3 plane, and this instance's URLs. */
import type { Store } from "../store";

/** The part of the S3 plane's ObjectStore (emulator/s3/objects.ts) the control API uses. */
export interface ObjectStats {
  stats(bucket: string): { objectCount: number; versionCount: number; sizeBytes: number };
  isEmpty(bucket: string): boolean;
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

/** A validated request, as handlers see it. */
export interface Call<B = unknown, Q = unknown> {
  params: Record<string, string>;
  query: Q;
  body: B;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** For idempotency records: the credential the answer carries (dropped from replays when it is revoked). */
  credentialId?: string;
}

export type Handler = (ctx: ControlContext, call: Call<any, any>) => Answer | Promise<Answer>;
