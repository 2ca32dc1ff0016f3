// ESLint (flat config). Run by tests/lint.test.ts inside `npm test`, or by hand: `npm run lint`.
// What it keeps: the layers (docs/architecture.md), no import cycles, every imported package declared in the
// nearest package.json, and a small base set. No type-aware rules: the whole repo lints in about 10 s on 2 cores,
// most of it import-x/no-cycle walking the module graph.
const tseslint = require("typescript-eslint");
const { importX } = require("eslint-plugin-import-x");
const { createTypeScriptImportResolver } = require("eslint-import-resolver-typescript");

// Package names: api/ is otterstorage-api and emulator/ is otterstorage-local, npm workspaces (docs/architecture.md
// "Packages"); a relative import out of a package would break once it is installed, so only names cross them.
const PROVIDER_PKG = "pulumi-otterstorage";
const LOCAL_PKG = "otterstorage-local";

// A relative import of a top-level directory of this repo, from any depth: "../emulator", "../../provider/forms".
const dir = (name) => `^(\\.\\./)+${name}(/.*)?$`;
const pkg = (name) => `^${name}(/.*)?$`;

const never = (what, why) => ({ regex: what, message: why });

const BY_NAME = never(dir("api"), "import the contract by its package name, \"otterstorage-api\" (api/ is its own package).");

const NO_EMULATOR = [
  BY_NAME,
  never(dir("emulator"), "sdk/, provider/, audit/ and api/ never import the emulator (Local OtterStorage is a separate package)."),
  never(pkg(LOCAL_PKG), "sdk/, provider/, audit/ and api/ never import the emulator (Local OtterStorage is a separate package)."),
];

module.exports = tseslint.config(
  {
    ignores: [
      "dist/**", "api/dist/**", "emulator/dist/**", "node_modules/**", ".cache/**", ".tools/**", ".otterstorage/**", ".pulumi-state/**",
      "examples/*/node_modules/**", "policy/node_modules/**", "bench/results/**", "tools/**",
      // The native plugin's generated SDKs (tools/pulumi-gen-otterstorage writes them; tests/native-sdks.test.ts
      // keeps them fresh): Pulumi's generator's code, with its own package.json and tsconfig.
      "sdks/**",
    ],
  },
  {
    files: ["**/*.ts", "**/*.js"],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: "module",
    },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js"],
      "import-x/external-module-folders": ["node_modules", "node_modules/@types"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json", alwaysTryTypes: true })],
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // Import hygiene.
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-self-import": "error",
      "import-x/no-duplicates": "error",
      // Resolved against the nearest package.json (import-x's default), so emulator/ keeps its own once it has one.
      "import-x/no-extraneous-dependencies": ["error", {
        devDependencies: true, peerDependencies: true, includeTypes: true,
        // Tests import the product by its name (the mirror scripts/install-self.js writes into node_modules) and Local
        // OtterStorage as the workspace package npm links. otterstorage-local is not a declared devDependency: the
        // published manifest keeps its devDependencies, and an unpublished one there fails every install that
        // resolves them (a vendored copy, a workspace member: tests/package-install.test.ts).
        whitelist: [PROVIDER_PKG, LOCAL_PKG],
      }],
      // A small base: mistakes, not taste.
      "no-debugger": "error",
      "no-dupe-keys": "error",
      "no-duplicate-case": "error",
      "no-self-assign": "error",
      "no-self-compare": "error",
      "no-unreachable": "error",
      "no-unsafe-finally": "error",
      "no-unsafe-negation": "error",
      "no-sparse-arrays": "error",
      "no-cond-assign": ["error", "except-parens"],
      "no-constant-binary-expression": "error",
      "no-fallthrough": "error",
      "no-var": "error",
      "prefer-const": ["error", { destructuring: "all", ignoreReadBeforeAssign: true }],
      eqeqeq: ["error", "smart"],
      "@typescript-eslint/no-unused-vars": ["error", { args: "none", caughtErrors: "none", ignoreRestSiblings: true }],
      "@typescript-eslint/no-misused-new": "error",
      "@typescript-eslint/no-unsafe-declaration-merging": "error",
      "@typescript-eslint/ban-ts-comment": ["error", { "ts-expect-error": "allow-with-description", "ts-ignore": true, "ts-nocheck": true }],
    },
  },
  // Product code: runtime packages only (devDependencies are for tests, bench, scripts, examples), and every
  // require() says why it is one (a require is invisible to the layer rules below).
  {
    files: ["api/**", "provider/**", "sdk/**", "audit/**", "emulator/**", "plugin/**", "terraform/**"],
    rules: {
      "@typescript-eslint/no-require-imports": "error",
      "import-x/no-extraneous-dependencies": ["error", {
        devDependencies: false, peerDependencies: true, includeTypes: true,
      }],
    },
  },
  // Layers (docs/architecture.md). no-restricted-imports matches the import string, relative or by package name.
  {
    files: ["sdk/**", "provider/**", "audit/**"],
    rules: { "no-restricted-imports": ["error", { patterns: NO_EMULATOR }] },
  },
  // plugin/ (the native Pulumi plugin) is an adapter over provider/: never the dynamic SDK, never the emulator.
  {
    files: ["plugin/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [...NO_EMULATOR, never(dir("sdk"), "plugin/ serves the core (provider/); the dynamic SDK is another adapter, not a layer below it.")],
      }],
    },
  },
  // provider/ is plain TypeScript a native plugin will share: nothing of Pulumi at run time (types only), and never
  // the SDK above it.
  {
    files: ["provider/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [...NO_EMULATOR, never(dir("sdk"), "provider/ never imports sdk/ (the SDK is built on the provider, not the other way).")],
      }],
      "@typescript-eslint/no-restricted-imports": ["error", {
        patterns: [{ regex: "^@pulumi/", allowTypeImports: true, message: "provider/ imports nothing of Pulumi at run time (type imports only): it is shared with a native plugin." }],
      }],
    },
  },
  // terraform/ (the OpenTofu/Terraform provider) is served by the provider core: it may import provider/ and the
  // contract, never the emulator or the Pulumi SDK (nor anything of Pulumi at run time).
  {
    files: ["terraform/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          ...NO_EMULATOR,
          never(dir("sdk"), "terraform/ never imports sdk/ (it is served by the provider core, provider/)."),
          never(dir("audit"), "terraform/ never imports audit/."),
        ],
      }],
      "@typescript-eslint/no-restricted-imports": ["error", {
        patterns: [{ regex: "^@pulumi/", allowTypeImports: true, message: "terraform/ imports nothing of Pulumi at run time: OpenTofu users have no Pulumi." }],
      }],
    },
  },
  {
    files: ["api/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          never("^\\.\\./", "api/ is the shared contract: it imports nothing of ours but api/."),
          never(pkg(PROVIDER_PKG), "api/ is the shared contract: it imports nothing of ours but api/."),
          never(pkg(LOCAL_PKG), "api/ is the shared contract: it imports nothing of ours but api/."),
        ],
      }],
    },
  },
  {
    files: ["emulator/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          never(dir("provider"), "emulator/ never imports provider/ (it is not part of the provider package)."),
          never(dir("sdk"), "emulator/ never imports sdk/ (it is not part of the provider package)."),
          never(dir("audit"), "emulator/ never imports audit/ (audit/ is part of the provider package)."),
          never(pkg(PROVIDER_PKG), "emulator/ never imports the provider package."),
          BY_NAME,
        ],
      }],
    },
  },
);
