#!/usr/bin/env node
// The otterstorage-local bin. A committed stub rather than the compiled dist/cli.js itself: npm links a workspace's
// bins at `npm ci`, before the build has written dist/, and links none whose file is missing then, so a fresh clone
// had no node_modules/.bin/otterstorage-local (and `npx otterstorage-local` went looking on the registry).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS outside the TypeScript build
require("../dist/cli.js").runCli();
