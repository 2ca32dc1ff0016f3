/**
 * The AccessKey dynamic provider. This module's exports object IS the provider: Pulumi serializes it as one
 * `require("pulumi-otterstorage/dist/provider/dynamic/accessKey.js")` (docs/architecture.md "Serialization").
 * Public API: this path must never move. Keep it a thin shell over provider/accessKey.ts; capture nothing.
 */
import * as accessKey from "../accessKey";
import { configure } from "../config";

export = {
  configure: async (req: { config: { get(key: string): string | undefined } }) => configure(req),
  check: (olds: any, news: any) => accessKey.check(olds, news),
  diff: (id: string, olds: any, news: any) => accessKey.diff(id, olds, news),
  create: (inputs: any) => accessKey.create(inputs),
  read: (id: string, props: any) => accessKey.read(id, props),
  update: (id: string, olds: any, news: any) => accessKey.update(id, olds, news),
  delete: (id: string, props: any) => accessKey.remove(id, props),
};
