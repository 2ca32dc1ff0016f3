#!/usr/bin/env bash
# Generates the native plugin's SDKs (Node.js, Python, Go) from schema.json into sdks/ (or the folder given), with
# tools/pulumi-gen-otterstorage, which calls Pulumi's own generators (docs/native-sdks.md). `npm run sdks` runs it;
# tests/native-sdks.test.ts runs it into a temporary folder and compares with the committed sdks/.
#
# The generator is built once into .tools/pulumi-gen (git-ignored) and rebuilt when its sources change (a hash of
# tools/pulumi-gen-otterstorage/{go.mod,go.sum,main.go} is kept beside it). It requires pkg/v3 at the CLI's version
# (tools/pulumi/go.mod), so after scripts/pulumi-toolchain.sh the Go build cache is warm and the build mostly links.
#
# Usage: scripts/gen-sdks.sh [OUT]      OUT defaults to sdks; each language goes to OUT/<nodejs|python|go>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/sdks}
SRC=$ROOT/tools/pulumi-gen-otterstorage
DIR=$ROOT/.tools/pulumi-gen
GEN=$DIR/pulumi-gen-otterstorage

command -v go >/dev/null || { echo "gen-sdks: Go is not installed (need Go >= 1.26): the SDK generator is a Go program (docs/native-sdks.md)" >&2; exit 1; }
hash=$(cat "$SRC/go.mod" "$SRC/go.sum" "$SRC/main.go" | sha256sum | cut -d' ' -f1)
if [ ! -x "$GEN" ] || [ "$(cat "$DIR/SOURCE_HASH" 2>/dev/null)" != "$hash" ]; then
  mkdir -p "$DIR"
  t0=$(date +%s)
  echo "gen-sdks: building pulumi-gen-otterstorage into ${DIR#$ROOT/} ..." >&2
  (cd "$SRC" && GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false" go build -trimpath -o "$GEN" .)
  echo "$hash" > "$DIR/SOURCE_HASH"
  echo "gen-sdks: built in $(( $(date +%s) - t0 )) s" >&2
fi
"$GEN" -schema "$ROOT/schema.json" -out "$OUT"
