/**
 * The AccessKey dynamic provider. This module's exports object IS the provider: Pulumi serializes it as one
 * `require("pulumi-otterstorage/dist/provider/dynamic/accessKey.js")` (docs/architecture.md "Serialization").
 * Public API: this path must never move. A thin adapter over provider/accessKey.ts (host details: ./host.ts); captures nothing.
 */
import * as accessKey from "../accessKey";
import { configure, context, createOrInitFailure, withoutProvider as bare } from "./host";

export = {
  configure: async (req: { config: { get(key: string): string | undefined } }) => configure(req),
  check: (olds: any, news: any) => accessKey.check(context(), bare(olds), bare(news)),
  diff: (id: string, olds: any, news: any) => accessKey.diff(context(), id, bare(olds), bare(news)),
  create: (inputs: any) => createOrInitFailure(inputs, () => accessKey.create(context(), bare(inputs))),
  read: (id: string, props: any) => accessKey.read(context(), id, bare(props)),
  update: (id: string, olds: any, news: any) => accessKey.update(context(), id, bare(olds), bare(news)),
  delete: (id: string, props: any) => accessKey.remove(context(), id, bare(props)),
};
