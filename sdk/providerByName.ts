/**
 * The provider object each SDK resource hands Pulumi: thin methods that `require` a public provider module of this
 * package *by package name* when the provider host calls them.
 *
 * Why by name: Pulumi's closure serializer writes a module's exports as a one-line `require(...)` only when the
 * module's real path runs through node_modules; otherwise it copies the module's code, and its dependencies', by
 * value (@pulumi/pulumi runtime/closure/createClosure.ts, `captureModuleAsync`). Node resolves a symlinked
 * install (`npm link`, `npm install ../pulumi-otterstorage`, npm/pnpm/yarn workspaces) to its real path, outside
 * any node_modules, so handing Pulumi the module itself failed there (`package.json export path for
 * "zod/v4/core/util.cjs" not found`). These closures capture nothing but the module name (a string) and the
 * provider host's `require`, so every install serializes to the same few lines, and the host — started in the
 * program's directory — loads the package the program itself imports.
 */
import * as pulumi from "@pulumi/pulumi";
import { OtterStorageError, PROVIDER_ERRORS } from "../provider/errors";

type Method = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";

/** Fails at `new Resource(...)` time, with what to do, when the host could not load `moduleName`. */
function assertResolvable(moduleName: string): void {
  try {
    require.resolve(moduleName, { paths: [process.cwd()] });
  } catch {
    throw new OtterStorageError({
      code: "ProviderNotResolvable",
      status: 0,
      operation: "declare",
      detail: `the Pulumi provider host loads "${moduleName}" by package name from the program's directory (${process.cwd()}), and it is not found there.`,
      hint: PROVIDER_ERRORS.ProviderNotResolvable.hint,
    });
  }
}

/**
 * `moduleName` is a public module path (provider/dynamic/*.js): users' state names it, so it never moves. Returns a
 * getter for the resource constructors: one provider object for every resource (Pulumi serializes it once), checked
 * to be loadable the first time a resource is declared (importing the SDK alone checks nothing).
 */
export function providerByName(moduleName: string, methods: readonly Method[]): () => pulumi.dynamic.ResourceProvider {
  const all: Record<Method, (...args: any[]) => any> = {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    configure: (req) => require(moduleName).configure(req),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    check: (olds, news) => require(moduleName).check(olds, news),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    diff: (id, olds, news) => require(moduleName).diff(id, olds, news),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    create: (inputs) => require(moduleName).create(inputs),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    read: (id, props) => require(moduleName).read(id, props),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    update: (id, olds, news) => require(moduleName).update(id, olds, news),
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    delete: (id, props) => require(moduleName).delete(id, props),
  };
  const provider: Partial<Record<Method, (...args: any[]) => any>> = {};
  for (const m of methods) provider[m] = all[m];
  let resolvable = false;
  return () => {
    if (!resolvable) assertResolvable(moduleName);
    resolvable = true;
    return provider as pulumi.dynamic.ResourceProvider;
  };
}
