/** An @aws-sdk/client-s3 client for one set of credentials, as the tests use it: path-style, no SDK retries. */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { OtterStorage } from "otterstorage-local";

export interface Creds { accessKeyId: string; secretAccessKey: string; sessionToken?: string; endpoint: string; region: string }

/** With `os`, the client signs on the service clock (systemClockOffset), for suites that move a ManualClock. */
export function s3For(c: Creds, os?: OtterStorage): S3Client {
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: true,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
    maxAttempts: 1,
    systemClockOffset: os ? os.clock.now() - Date.now() : 0,
  });
}

/**
 * What S3 answers a key when it lists `bucket`: "ok", or the error's name (InvalidAccessKeyId, AccessDenied, …).
 * `c` is anything with accessKeyId/secretAccessKey/endpoint, e.g. a stack's outputs; region defaults to eu-mad.
 */
export async function s3Answer(c: { accessKeyId: string; secretAccessKey: string; endpoint: string; region?: string }, bucket: string, os?: OtterStorage): Promise<string> {
  const s3 = s3For({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, endpoint: c.endpoint, region: c.region ?? "eu-mad" }, os);
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    return "ok";
  } catch (e: any) {
    return e.name ?? String(e);
  } finally {
    s3.destroy();
  }
}
