/**
 * Writes already in flight when their authorization goes away: the credential is revoked, the temporary
 * credential expires, or the bucket is deleted and a new bucket takes its name. Each write is held open after the
 * service has authenticated it (heldRequest: 100 Continue), the authorization is taken away, then the body is
 * sent: the write must be refused and nothing stored (emulator/s3/context.ts authorizedBucket, checked inside the
 * commit).
 */
import * as assert from "node:assert/strict";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { ManualClock } from "../emulator";
import { control, useEmulator } from "./support/emulator";
import { bucketWithKey, codeOf, heldRequest, raw, sdk, signed } from "./s3-support";

const MiB = 1024 * 1024;

describe("S3 writes in flight lose their authorization", function () {
  const clock = new ManualClock(Date.now());
  const os = useEmulator({ clock });

  it("a PUT held open while its bucket is deleted and re-created under the same name for a new key is refused; the new owner finds nothing", async () => {
    const B = "reused-name";
    const old = await bucketWithKey(os(), B);
    for (const size of [1024, 2 * MiB]) { // inline-size and file-size bodies
      const held = await heldRequest(os(), old, "PUT", `/${B}/planted-${size}`, Buffer.alloc(size, 7));
      const api = control(os());
      assert.equal((await api.delete(`/v1/buckets/${B}?force=true`)).status, 204);
      const fresh = await bucketWithKey(os(), B);
      const r = await held.finish();
      // Refused as a new request with that key would be (the key went with its bucket), or as a write into a bucket
      // that no longer exists: either way not 200.
      assert.ok(["InvalidAccessKeyId", "NoSuchBucket"].includes(codeOf(r.body) ?? ""), `${r.status} ${r.body}`);
      const s3 = sdk(os(), fresh);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: B }));
      assert.equal(listed.KeyCount, 0, "the new bucket holds no object planted by the old key");
      s3.destroy();
      Object.assign(old, fresh);
    }
  });
});
