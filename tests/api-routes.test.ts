/**
 * The route table (api/routes.ts) is the one statement of each Control API operation's method, path and schemas:
 * the service's handlers are typed from it (emulator/control/context.ts Handler<Op>) and the provider's client
 * looks method, path, answer schema and idempotency up in it (provider/client.ts `call`). Checked here at run time
 * against Local OtterStorage, and at compile time by the @ts-expect-error lines (tsc fails if one stops erring).
 */
import * as assert from "node:assert/strict";
import { pathOf, route, ROUTES, type OperationId } from "otterstorage-api";
import type { Handler } from "otterstorage-local/dist/control/context";
import { OtterStorageClient } from "../provider/client";
import { useEmulator } from "./support/emulator";

describe("api/routes.ts: one table for service and client", () => {
  it("pathOf fills each :name from the route, URL-encoded, and refuses a missing one", () => {
    assert.equal(pathOf("getAccessKey", { bucket: "b 1", accessKeyId: "OTTR/x" }), "/v1/buckets/b%201/access-keys/OTTR%2Fx");
    assert.equal(pathOf("listBuckets", {}), "/v1/buckets");
    assert.throws(() => pathOf("getBucket", {} as { bucket: string }), /getBucket: path parameter 'bucket' missing/);
    assert.equal(route("revokeAccessKey").method, "DELETE");
  });

  describe("the client against Local OtterStorage", () => {
    const os = useEmulator();
    it("calls every operation of the table (but the OpenAPI document) by the table's method and path", async () => {
      const client = new OtterStorageClient({ endpoint: os().controlUrl, token: os().token, policy: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1, totalBudgetMs: 5_000, timeoutMs: 5_000 } });
      const called = new Set<OperationId>();
      const note = <T extends { status: number }>(op: OperationId, a: T): T => {
        assert.equal(a.status, route(op).status, `${op} answers ${route(op).status}`);
        called.add(op);
        return a;
      };
      note("getHealth", await client.health());
      const b = note("createBucket", await client.createBucket({ name: "routes-table" })).data;
      assert.equal(b.name, "routes-table");
      note("getBucket", await client.getBucket("routes-table"));
      note("listBuckets", await client.listBuckets());
      note("updateBucket", await client.updateBucket("routes-table", { tags: { team: "x" } }));
      const k = note("createAccessKey", await client.createAccessKey("routes-table", { label: "routes" })).data;
      note("getAccessKey", await client.getAccessKey("routes-table", k.accessKeyId));
      note("listAccessKeys", await client.listAccessKeys("routes-table"));
      note("updateAccessKey", await client.updateAccessKey("routes-table", k.accessKeyId, { label: "routes-2" }));
      note("createTemporaryCredentials", await client.createTemporaryCredentials("routes-table", { durationSeconds: 900 }));
      note("revokeAccessKey", await client.revokeAccessKey("routes-table", k.accessKeyId));
      note("deleteBucket", await client.deleteBucket("routes-table"));
      const expected = ROUTES.map((r) => r.operationId).filter((op) => op !== "getOpenApi").sort();
      assert.deepEqual([...called].sort(), expected);
    });
  });
});

// Compile-time checks: each line below must be a type error (tsc reports an unused @ts-expect-error otherwise).
export function typeChecks(): void {
  // @ts-expect-error getBucket's path has a :bucket
  pathOf("getBucket", {});
  // @ts-expect-error not an operation of the table
  route("getBuckets");
  // @ts-expect-error createAccessKey's body has a label, not a durationSeconds
  const wrongField: Handler<"createAccessKey"> = (_ctx, { body }) => ({ status: 201, body: undefined, credentialId: String(body.durationSeconds) });
  // @ts-expect-error getBucket's answer is a Bucket, not an AccessKey list
  const wrongAnswer: Handler<"getBucket"> = () => ({ status: 200, body: { accessKeys: [], nextCursor: null } });
  // @ts-expect-error revokeAccessKey's path has no :name
  const wrongParam: Handler<"revokeAccessKey"> = (_ctx, { params }) => ({ status: 204, credentialId: params.name });
  void [wrongField, wrongAnswer, wrongParam];
}
