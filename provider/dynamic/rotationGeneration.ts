/**
 * The RotationGeneration dynamic provider (the memory of RotatingAccessKey). This module's exports object IS the
 * provider: Pulumi serializes it as one `require("pulumi-otterstorage/dist/provider/dynamic/rotationGeneration.js")`
 * (docs/architecture.md "Serialization"). Public API: this path must never move. A thin shell; captures nothing.
 */
import * as generation from "../rotationGeneration";

export = {
  check: (olds: any, news: any) => generation.check(olds, news),
  diff: (id: string, olds: any, news: any) => generation.diff(id, olds, news),
  create: (inputs: any) => generation.create(inputs),
  read: (id: string, props: any) => generation.read(id, props),
  update: (id: string, olds: any, news: any) => generation.update(id, olds, news),
  delete: () => generation.remove(),
};
