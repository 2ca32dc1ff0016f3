/**
 * Shared pieces of the tests/credentials-*.test.ts suites: an emulator + real dynamic-provider host pair, and
 * "does this key work?" checks with @aws-sdk/client-s3 that sign on the SERVICE clock (systemClockOffset), because
 * those suites move Local OtterStorage's ManualClock by days and the S3 plane refuses skewed signatures.
 */
import { HeadBucketCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startOtterStorage, ManualClock, OtterStorage, StartOptions } from "otterstorage-local";
import { engineUp, ProviderHost, ResourceState, serializedProviders } from "./support/host";
import { s3For, type Creds } from "./support/s3";

export const DAY = 24 * 60 * 60 * 1000;

export { s3For } from "./support/s3";
export type { Creds } from "./support/s3";

/** "ok" when the key lists the bucket, else the S3 error code (InvalidAccessKeyId, ExpiredToken, …). */
export async function tryList(c: Creds, bucket: string, os?: OtterStorage): Promise<string> {
  const s3 = s3For(c, os);
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
    return "ok";
  } catch (e) {
    return (e as Error).name;
  } finally {
    s3.destroy();
  }
}

/** HEAD status (200 / 403 / …) with the key, signed on the service clock. */
export async function tryHead(c: Creds, bucket: string, os?: OtterStorage): Promise<number> {
  const s3 = s3For(c, os);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return 200;
  } catch (e) {
    return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  } finally {
    s3.destroy();
  }
}

export interface Rig {
  os: OtterStorage;
  clock: ManualClock;
  host: ProviderHost;
  text: { bucket: string; accessKey: string };
  /** Creates a bucket through the host; returns its state. */
  bucket(logical: string): Promise<ResourceState>;
  keyUrn(name: string): string;
  /**
   * Start a new engine run: a fresh host, configured, as every `pulumi preview`/`up` has (the host configures each
   * provider once per process). The provider reads the service clock once per run (provider/run.ts), so a suite
   * that moves the clock between "runs" must say so.
   */
  newRun(): Promise<void>;
  stop(): Promise<void>;
}

async function startHost(os: OtterStorage): Promise<ProviderHost> {
  const host = await ProviderHost.start({ env: { OTTERSTORAGE_MAX_ATTEMPTS: "2", OTTERSTORAGE_RETRY_BASE_MS: "5" } });
  try {
    await host.configure({ "otterstorage:endpoint": os.controlUrl, "otterstorage:token": os.token });
  } catch (e) {
    await host.stop();
    throw e;
  }
  return host;
}

/** An emulator on a ManualClock (starting now) and a real host configured for it. */
export async function startRig(opts: StartOptions = {}): Promise<Rig> {
  const clock = new ManualClock(Date.now());
  const os = await startOtterStorage({ memory: true, clock, ...opts });
  let h: ProviderHost;
  try {
    h = await startHost(os);
  } catch (e) {
    await os.stop();
    throw e;
  }
  const text = await serializedProviders();
  return {
    os,
    clock,
    get host() {
      return h;
    },
    text,
    bucket: async (logical) => (await engineUp(h, h.urn("Bucket", logical), { __provider: text.bucket, __logicalName: logical, forceDestroy: true })).state,
    keyUrn: (name) => h.urn("AccessKey", name),
    newRun: async () => {
      await h.stop();
      const earlier = h.stderr;
      h = await startHost(os);
      h.stderr = earlier + h.stderr; // leak checks read every run's stderr
    },
    stop: async () => {
      await h.stop();
      await os.stop();
    },
  };
}

export const credsOf = (outs: Record<string, any>): Creds => ({
  accessKeyId: outs.accessKeyId,
  secretAccessKey: outs.secretAccessKey,
  endpoint: outs.endpoint,
  region: outs.region,
});
