/** Handlers of the bucket routes (createBucket, listBuckets, getBucket, updateBucket, deleteBucket). */
import type * as s from "otterstorage-api";
import { isoTime } from "../clock";
import type { BucketRecord } from "../store";
import { bucketNotFound, legalHoldActive, StoreError } from "../store/errors";
import type { ControlContext, Handler } from "./context";
import { decodeCursor, encodeCursor } from "./cursor";
import { validationFailed } from "./problem";

export function bucketView(ctx: ControlContext, b: BucketRecord): s.Bucket {
  const { objectCount, versionCount, sizeBytes } = ctx.objects.stats(b.name);
  return {
    name: b.name,
    region: b.region,
    storageClass: b.storageClass,
    versioning: b.versioning,
    objectLock: b.objectLock ? { ...b.objectLock } : null,
    legalHold: b.legalHold,
    lifecycleRules: b.lifecycleRules.map((r) => ({ ...r })),
    tags: { ...b.tags },
    objectCount,
    versionCount,
    sizeBytes,
    endpoint: ctx.s3Url(),
    createdAt: isoTime(b.createdAt),
  };
}

function mustGet(ctx: ControlContext, name: string): BucketRecord {
  const b = ctx.store.getBucket(name);
  if (!b) throw bucketNotFound(name);
  return b;
}

export const createBucket: Handler<"createBucket"> = (ctx, { body: req }) => {
  if (req.region !== ctx.region) {
    throw validationFailed([{ path: "region", message: `this service serves region '${ctx.region}'; use it or omit the field` }]);
  }
  try {
    const b = ctx.store.createBucket({
      name: req.name,
      region: req.region,
      storageClass: req.storageClass,
      versioning: req.versioning,
      objectLock: req.objectLock,
      legalHold: req.legalHold,
      lifecycleRules: req.lifecycleRules,
      tags: req.tags,
    });
    return { status: 201, body: bucketView(ctx, b) };
  } catch (e) {
    if (e instanceof StoreError && e.code === "ValidationFailed" && e.errors) throw validationFailed(e.errors);
    throw e;
  }
};

export const listBuckets: Handler<"listBuckets"> = (ctx, { query }) => {
  const after = decodeCursor(query.cursor, "after", "string") as string | undefined;
  const page = ctx.store.listBuckets(query.limit, after);
  const last = page.items[page.items.length - 1];
  return {
    status: 200,
    body: { buckets: page.items.map((b) => bucketView(ctx, b)), nextCursor: page.more && last ? encodeCursor({ after: last.name }) : null },
  };
};

export const getBucket: Handler<"getBucket"> = (ctx, { params }) => ({ status: 200, body: bucketView(ctx, mustGet(ctx, params.bucket)) });

export const updateBucket: Handler<"updateBucket"> = (ctx, { params, body }) => {
  return { status: 200, body: bucketView(ctx, ctx.store.updateBucket(params.bucket, body)) };
};

export const deleteBucket: Handler<"deleteBucket"> = async (ctx, { params, query }) => {
  const name = params.bucket;
  const b = mustGet(ctx, name);
  if (b.legalHold) throw legalHoldActive(name, "deleting the bucket");
  if (!ctx.objects.isEmpty(name) && query.force !== "true") {
    const { objectCount, versionCount } = ctx.objects.stats(name);
    throw new StoreError("BucketNotEmpty", `Bucket '${name}' still holds ${objectCount} object(s) (${versionCount} versions and delete markers in all). Delete them first, or retry with ?force=true to delete them with the bucket.`);
  }
  // Object lock outranks force: a version under retention or legal hold cannot be deleted by any request (S3 refuses
  // DeleteObject on it), so neither can the bucket holding it — COMPLIANCE would mean nothing otherwise.
  const locked = ctx.objects.lockedVersions(name, ctx.store.clock.now());
  if (locked > 0) {
    throw new StoreError("BucketNotEmpty", `Bucket '${name}' holds ${locked} object version(s) under object-lock retention or legal hold; they cannot be deleted, with or without ?force=true, until their retention passes and their legal hold is removed.`);
  }
  // Unfinished multipart uploads do not keep a bucket (as in S3, whose DeleteBucket asks only for no objects,
  // versions or delete markers): they, their parts and part files go with it, with or without force, so a bucket
  // created later under the same name starts with none (docs/control-api.md "Delete a bucket").
  // No await between the purge and the bucket's removal when the purge is synchronous (ObjectStore's is): nothing
  // else runs in between, so no upload can begin in the gap.
  const purged = ctx.objects.purgeBucket(name);
  if (purged) await purged;
  ctx.store.deleteBucket(name);
  return { status: 204 };
};
