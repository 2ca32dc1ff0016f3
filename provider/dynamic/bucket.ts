/**
 * The Bucket dynamic provider. This module's exports object IS the provider: Pulumi serializes it as one
 * `require("pulumi-otterstorage/dist/provider/dynamic/bucket.js")` (docs/architecture.md "Serialization").
 * Public API: this path must never move. Keep it a thin shell over provider/bucket.ts; capture nothing.
 */
import * as bucket from "../bucket";
import { configure } from "../config";

export = {
  configure: async (req: { config: { get(key: string): string | undefined } }) => configure(req),
  check: (olds: any, news: any) => bucket.check(olds, news),
  diff: (id: string, olds: any, news: any) => bucket.diff(id, olds, news),
  create: (inputs: any) => bucket.create(inputs),
  read: (id: string, props: any) => bucket.read(id, props),
  update: (id: string, olds: any, news: any) => bucket.update(id, olds, news),
  delete: (id: string, props: any) => bucket.remove(id, props),
};
