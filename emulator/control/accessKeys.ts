/** Handlers of the access-key and temporary-credential routes. */
import type * as s from "otterstorage-api";
import { ACCESS_KEY_ID_RE } from "otterstorage-api";
import { isoTime } from "../clock";
import type { AccessKeyRecord } from "../store";
import { accessKeyNotFound, bucketNotFound } from "../store/errors";
import type { ControlContext, Handler } from "./context";
import { decodeCursor, encodeCursor } from "./cursor";

function keyView(ctx: ControlContext, k: AccessKeyRecord): s.AccessKey {
  return {
    accessKeyId: k.accessKeyId,
    bucket: k.bucket,
    label: k.label,
    status: "Active",
    endpoint: ctx.s3Url(),
    region: ctx.store.getBucket(k.bucket)?.region ?? ctx.region,
    createdAt: isoTime(k.createdAt),
    lastUsedAt: k.lastUsedAt === null ? null : isoTime(k.lastUsedAt),
  };
}

/** Ids that cannot be keys answer 404 like revoked ones: the route exists, the key does not. */
function keyId(params: { bucket: string; accessKeyId: string }): string {
  if (!ACCESS_KEY_ID_RE.test(params.accessKeyId)) throw accessKeyNotFound(params.bucket, params.accessKeyId.slice(0, 40));
  return params.accessKeyId;
}

export const createAccessKey: Handler<"createAccessKey"> = (ctx, { params, body }) => {
  const { key, secretAccessKey } = ctx.store.createAccessKey(params.bucket, body.label ?? null);
  const created: s.CreatedAccessKey = { ...keyView(ctx, key), secretAccessKey };
  return { status: 201, body: created, credentialId: key.accessKeyId };
};

export const listAccessKeys: Handler<"listAccessKeys"> = (ctx, { params, query }) => {
  const after = decodeCursor(query.cursor, "seq", "number") as number | undefined;
  const page = ctx.store.listAccessKeys(params.bucket, query.limit, after);
  const last = page.items[page.items.length - 1];
  return {
    status: 200,
    body: { accessKeys: page.items.map((k) => keyView(ctx, k)), nextCursor: page.more && last ? encodeCursor({ seq: last.seq }) : null },
  };
};

export const getAccessKey: Handler<"getAccessKey"> = (ctx, { params }) => {
  if (!ctx.store.getBucket(params.bucket)) throw bucketNotFound(params.bucket);
  return { status: 200, body: keyView(ctx, ctx.store.getAccessKey(params.bucket, keyId(params))) };
};

export const updateAccessKey: Handler<"updateAccessKey"> = (ctx, { params, body }) => {
  if (!ctx.store.getBucket(params.bucket)) throw bucketNotFound(params.bucket);
  return { status: 200, body: keyView(ctx, ctx.store.updateAccessKeyLabel(params.bucket, keyId(params), body.label)) };
};

export const revokeAccessKey: Handler<"revokeAccessKey"> = (ctx, { params }) => {
  if (!ctx.store.getBucket(params.bucket)) throw bucketNotFound(params.bucket);
  ctx.store.revokeAccessKey(params.bucket, keyId(params));
  return { status: 204 };
};

export const createTemporaryCredentials: Handler<"createTemporaryCredentials"> = (ctx, { params, body }) => {
  const t = ctx.store.createTemporaryCredentials(params.bucket, body.durationSeconds);
  const out: s.TemporaryCredentials = {
    accessKeyId: t.accessKeyId,
    secretAccessKey: t.secretAccessKey,
    sessionToken: t.sessionToken,
    bucket: t.bucket,
    endpoint: ctx.s3Url(),
    region: ctx.store.getBucket(t.bucket)?.region ?? ctx.region,
    expiresAt: isoTime(t.expiresAt),
  };
  return { status: 201, body: out, credentialId: t.accessKeyId };
};
