/**
 * The Bucket dynamic provider. This module's exports object IS the provider: Pulumi serializes it as one
 * `require("pulumi-otterstorage/dist/provider/dynamic/bucket.js")` (docs/architecture.md "Serialization").
 * Public API: this path must never move. A thin adapter over provider/bucket.ts (host details: ./host.ts); captures nothing.
 */
import * as bucket from "../bucket";
import { configure, context, createOrInitFailure, logicalNameOf, withoutProvider as bare } from "./host";

export = {
  configure: async (req: { config: { get(key: string): string | undefined } }) => configure(req),
  check: (olds: any, news: any) => bucket.check(context(), bare(olds), bare(news), { logicalName: logicalNameOf(news) }),
  diff: (id: string, olds: any, news: any) => bucket.diff(context(), id, bare(olds), bare(news)),
  create: (inputs: any) => createOrInitFailure(inputs, () => bucket.create(context(), bare(inputs))),
  read: (id: string, props: any) => bucket.read(context(), id, bare(props)),
  update: (id: string, olds: any, news: any) => bucket.update(context(), id, bare(olds), bare(news)),
  delete: (id: string, props: any) => bucket.remove(context(), id, bare(props)),
};
