/**
 * The provider object each SDK resource hands Pulumi, and how it is made to serialize as one line.
 *
 * Pulumi stores the serialized provider twice per resource (inputs and outputs of `__provider`), and the engine
 * rewrites the whole state at every checkpoint, so its size is paid per resource, per step. Pulumi's closure
 * serializer (@pulumi/pulumi runtime/closure/createClosure.ts, `findNormalizedModuleNameAsync` and
 * `captureModuleAsync`) writes an object as a one-line `require("<package>/<path>")` when it is the exports of an
 * entry of `require.cache` whose path runs through node_modules; any other object is copied by value, function by
 * function (about 330 bytes of wrapper each).
 *
 * - Installed as a copy (a tarball, a registry install): the provider module's real path runs through node_modules,
 *   so the provider object is simply that module's exports.
 * - Installed as a symlink (`npm link`, `npm install ../checkout`, npm/pnpm/yarn workspaces): Node resolves the module
 *   to its real path, outside any node_modules, and serializing its exports would copy the package's code and its
 *   dependencies by value (this failed: `package.json export path for "zod/v4/core/util.cjs" not found`). The
 *   provider object is then a set of thin methods that `require` the module by package name when the provider host
 *   calls them, and it is listed in `require.cache` under the path the program itself reaches the package by
 *   (`<dir>/node_modules/pulumi-otterstorage/…`, the symlink), so it serializes as the same one line. Node never
 *   uses that path as a cache key (its keys are real paths), so nothing that really loads the module meets it.
 * - If neither works (a package found through NODE_PATH, a future serializer), the thin methods serialize by value:
 *   about 2.4 KB, and still correct, since they only name the module.
 *
 * Either way the provider host, started in the program's directory, loads the package the program itself imports.
 */
import * as fs from "node:fs";
import { Module } from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { OtterStorageError, PROVIDER_ERRORS } from "../provider/errors";

type Method = "configure" | "check" | "diff" | "create" | "read" | "update" | "delete";
type Provider = pulumi.dynamic.ResourceProvider;

/** Where the program's directory resolves `moduleName`; fails at `new Resource(...)` time, with what to do, if nowhere. */
function resolveFromProgram(moduleName: string): string {
  try {
    return require.resolve(moduleName, { paths: [process.cwd()] });
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

/** True when `file` runs through a node_modules folder, as the serializer sees it (relative to the program's directory). */
function throughNodeModules(file: string): boolean {
  return path.relative(process.cwd(), file).split(path.sep).includes("node_modules");
}

/**
 * `<dir>/node_modules/<moduleName>` for the nearest `dir` at or above the program's directory that has the package,
 * as Node's own lookup walks (https://nodejs.org/api/modules.html#loading-from-node_modules-folders), without
 * following the symlink; undefined when there is none (NODE_PATH, global folders).
 */
function pathThroughNodeModules(moduleName: string): string | undefined {
  const pkg = moduleName.startsWith("@") ? moduleName.split("/").slice(0, 2).join("/") : moduleName.split("/")[0];
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== "node_modules" && fs.existsSync(path.join(dir, "node_modules", pkg))) return path.join(dir, "node_modules", moduleName);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The thin methods: each requires `moduleName` in the provider host when called, and captures nothing else. */
function byName(moduleName: string, methods: readonly Method[]): Provider {
  const all: Record<Method, (...args: any[]) => any> = {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by package name in the provider host
    configure: (req) => require(moduleName).configure(req),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- idem
    check: (olds, news) => require(moduleName).check(olds, news),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- idem
    diff: (id, olds, news) => require(moduleName).diff(id, olds, news),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- idem
    create: (inputs) => require(moduleName).create(inputs),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- idem
    read: (id, props) => require(moduleName).read(id, props),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- idem
    update: (id, olds, news) => require(moduleName).update(id, olds, news),
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- idem
    delete: (id, props) => require(moduleName).delete(id, props),
  };
  const provider: Partial<Record<Method, (...args: any[]) => any>> = {};
  for (const m of methods) provider[m] = all[m];
  return provider as Provider;
}

/** The provider object for `moduleName` (see the header): the module's exports, or the thin methods listed by name. */
function providerFor(moduleName: string, methods: readonly Method[]): Provider {
  const resolved = resolveFromProgram(moduleName);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module the serializer will name; path known only at run time
  if (throughNodeModules(resolved)) return require(resolved) as Provider;
  const provider = byName(moduleName, methods);
  const key = pathThroughNodeModules(moduleName);
  if (key && key !== resolved && !(key in require.cache)) {
    const entry = new Module(key);
    entry.filename = key;
    entry.loaded = true;
    entry.exports = provider;
    require.cache[key] = entry;
  }
  return provider;
}

/**
 * `moduleName` is a public module path (provider/dynamic/*.js): users' state names it, so it never moves. Returns a
 * getter for the resource constructors: one provider object for every resource (Pulumi serializes it once), made
 * the first time a resource is declared (importing the SDK alone resolves nothing).
 */
export function providerByName(moduleName: string, methods: readonly Method[]): () => Provider {
  let provider: Provider | undefined;
  return () => (provider ??= providerFor(moduleName, methods));
}
