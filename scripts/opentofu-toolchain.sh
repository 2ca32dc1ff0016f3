#!/usr/bin/env bash
# Builds OpenTofu from the Go module proxy into .tools/opentofu/bin/tofu, for the OpenTofu provider's tests and
# benchmark (terraform/, tests/opentofu-*.test.ts). Does nothing when the binary of the pinned version is already
# there. Prints what it does and how long it took (about 4.5 minutes on 2 cores with a cold Go cache).
#
# The version lives in one place, the wrapper module tools/opentofu/go.mod (its go.sum is committed). Why a wrapper
# module: OpenTofu's go.mod has one replace line (github.com/hashicorp/hcl/v2 => github.com/opentofu/hcl/v2), so
# `go install github.com/opentofu/opentofu/cmd/tofu@v1.12.6` is refused; the wrapper repeats the replace line and
# builds the package as a dependency. With the official installer (https://opentofu.org/docs/intro/install/) none of
# this applies: put `tofu` on PATH and the tests use it.
#
# Usage: scripts/opentofu-toolchain.sh [--force]      OPENTOFU_TOOLCHAIN_DIR overrides .tools/opentofu
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OPENTOFU_TOOLCHAIN_DIR:-$ROOT/.tools/opentofu}
BIN=$OUT/bin
FORCE=${1:-}

command -v go >/dev/null || { echo "opentofu-toolchain: Go is not installed (need Go >= 1.26); install it, or install OpenTofu with the official installer" >&2; exit 1; }

VERSION=$(awk '$1 == "require" && $2 == "github.com/opentofu/opentofu" { print $3; exit } $1 == "github.com/opentofu/opentofu" { print $2; exit }' "$ROOT/tools/opentofu/go.mod")
[ -n "$VERSION" ] || { echo "opentofu-toolchain: could not read the pinned version from tools/opentofu/go.mod" >&2; exit 1; }

if [ "$FORCE" != "--force" ] && [ -x "$BIN/tofu" ] && [ "$(cat "$OUT/VERSION" 2>/dev/null)" = "$VERSION" ]; then
  echo "opentofu-toolchain: OpenTofu $VERSION already in ${BIN#$ROOT/} (nothing to do)"
  exit 0
fi

export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
mkdir -p "$BIN"
start=$(date +%s)
echo "opentofu-toolchain: building OpenTofu $VERSION (github.com/opentofu/opentofu/cmd/tofu) into ${BIN#$ROOT/} ..."
# version.dev=no: a release build (without it `tofu version` says "-dev").
(cd "$ROOT/tools/opentofu" && go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" -o "$BIN/tofu" github.com/opentofu/opentofu/cmd/tofu)
echo "$VERSION" > "$OUT/VERSION"
# An empty CLI config: the machine's TF_CLI_CONFIG_FILE may name a file that does not exist (tofu then warns first).
echo "opentofu-toolchain: $(TF_CLI_CONFIG_FILE=/dev/null "$BIN/tofu" version | grep -m1 '^OpenTofu') ready in ${BIN#$ROOT/} after $(( $(date +%s) - start )) s"
