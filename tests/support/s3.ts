/** An @aws-sdk/client-s3 client for one set of credentials, as the tests use it: path-style, no SDK retries. */
import { S3Client } from "@aws-sdk/client-s3";
import type { OtterStorage } from "../../emulator";

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
