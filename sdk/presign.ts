/**
 * Presigned URLs for one-off object sharing (the OtterStorage guide "Configure access keys": "prefer presigned URLs for one-off object sharing instead of
 * handing out credentials"). SigV4 query signing (provider/sigv4.ts), path-style, like
 * `aws s3 presign`. A URL is a bearer capability until it expires, so the Output form is a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { OtterStorageError } from "../provider/errors";
import { s3Signer } from "../provider/sigv4";

/** SigV4 presigned URLs cannot outlive 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

export interface PresignOptions {
  endpoint: string;
  region: string;
  bucket: string;
  /** Object key, e.g. docs/informe.pdf */
  key: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** 1 to 604800 (7 days). @default 3600 */
  expiresInSeconds?: number;
  /** @default GET */
  method?: "GET" | "PUT" | "HEAD";
  /** Signing time. @default now */
  signingDate?: Date;
}

/** RFC 3986 encoding per path segment, as S3 canonicalises it. */
const encodeKey = (key: string) =>
  key.split("/").map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join("/");

/** A presigned URL (plain string; keep it as secret as the object deserves). */
export async function presignUrl(o: PresignOptions): Promise<string> {
  const expiresIn = o.expiresInSeconds ?? 3600;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_PRESIGN_SECONDS) {
    throw new OtterStorageError({
      code: "ValidationFailed", status: 0, operation: "presign",
      detail: `expiresInSeconds must be a whole number from 1 to ${MAX_PRESIGN_SECONDS} (7 days, the SigV4 limit); got ${String(o.expiresInSeconds)}.`,
      hint: "For longer sharing, issue a labelled AccessKey or presign again later.",
    });
  }
  if (!o.key) throw new OtterStorageError({ code: "ValidationFailed", status: 0, operation: "presign", detail: "key must name an object, e.g. \"docs/informe.pdf\".", hint: "Pass the object key." });
  const base = new URL(o.endpoint.replace(/\/+$/, "") + "/");
  const path = `${base.pathname}${encodeURIComponent(o.bucket)}/${encodeKey(o.key)}`;
  const signed = await s3Signer(o.region, o).presign(
    { method: o.method ?? "GET", protocol: base.protocol, hostname: base.hostname, port: base.port ? Number(base.port) : undefined, path, query: {}, headers: { host: base.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
    { expiresIn, signingDate: o.signingDate },
  );
  const qs = Object.entries(signed.query ?? {})
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(String(x))}`))
    .join("&");
  return `${base.protocol}//${base.host}${path}?${qs}`;
}

export interface PresignArgs {
  /** Usually an AccessKey's (or temporary credentials') endpoint output. */
  endpoint: pulumi.Input<string>;
  region: pulumi.Input<string>;
  bucket: pulumi.Input<string>;
  key: pulumi.Input<string>;
  accessKeyId: pulumi.Input<string>;
  secretAccessKey: pulumi.Input<string>;
  sessionToken?: pulumi.Input<string | undefined>;
  expiresInSeconds?: number;
}

/**
 * A presigned GET URL as a secret Output. It is computed when the program runs, so it expires
 * `expiresInSeconds` after that run.
 *
 * @example
 * ```ts
 * export const reportUrl = presign({
 *   endpoint: key.endpoint, region: key.region, bucket: key.bucket,
 *   accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey,
 *   key: "docs/informe.pdf", expiresInSeconds: 600,
 * });
 * ```
 */
export function presign(args: PresignArgs): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .all([args.endpoint, args.region, args.bucket, args.key, args.accessKeyId, args.secretAccessKey, args.sessionToken])
      .apply(([endpoint, region, bucket, key, accessKeyId, secretAccessKey, sessionToken]) =>
        presignUrl({ endpoint, region, bucket, key, accessKeyId, secretAccessKey, sessionToken: sessionToken ?? undefined, expiresInSeconds: args.expiresInSeconds }),
      ),
  );
}
