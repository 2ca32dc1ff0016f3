#!/usr/bin/env bash
# Builds the Pulumi CLI and the Node.js language host from the Go module proxy into .tools/pulumi/bin, for machines
# where the official installer (https://www.pulumi.com/docs/install/) cannot be reached. Does nothing when the
# binaries of the pinned versions are already there. Prints what it does and how long it took.
#
# Versions live in one place each, the wrapper modules' go.mod files (their go.sum files are committed):
#   tools/pulumi/go.mod                   github.com/pulumi/pulumi/pkg/v3  -> the `pulumi` CLI and engine
#   tools/pulumi-language-nodejs/go.mod   github.com/pulumi/pulumi/sdk/v3  -> `pulumi-language-nodejs`
# Why wrapper modules: pkg/v3's own go.mod has `replace github.com/pulumi/pulumi/sdk/v3 => ../sdk`, so
# `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.x` is refused; as a *dependency* of another module the
# replace line is ignored and the ordinary `go build <package>` works.
#
# Why the language host is older than the CLI: since v3.69 it is its own module,
# github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, which the module proxy we reach refuses
# (`go list -m -versions` -> 403 "This module version is not available", also for the pseudo-versions of release
# commits). Up to v3.68.0 the same host lived inside sdk/v3 (package sdk/v3/nodejs/cmd/pulumi-language-nodejs),
# which is served. The CLI talks to it over the stable LanguageRuntime gRPC protocol and falls back where the older
# host lacks an RPC; see docs/engine.md for what that means in practice. With the official installer you get the
# matching host and none of this applies.
#
# Proxy settings: the defaults work (GOPROXY=https://proxy.golang.org,direct; GOSUMDB=sum.golang.org, reached
# through the proxy). GOFLAGS=-buildvcs=false because the wrapper modules sit inside this git checkout and VCS
# stamping is not wanted; -trimpath keeps local paths out of the binaries.
#
# Usage: scripts/pulumi-toolchain.sh [--force]      PULUMI_TOOLCHAIN_DIR overrides .tools/pulumi
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${PULUMI_TOOLCHAIN_DIR:-$ROOT/.tools/pulumi}
BIN=$OUT/bin
FORCE=${1:-}

command -v go >/dev/null || { echo "pulumi-toolchain: Go is not installed (need Go >= 1.26); install it, or install the Pulumi CLI with the official installer" >&2; exit 1; }

# The pinned versions, read from the wrapper modules (the one place they are recorded).
version_of() { awk -v m="$2" '$1 == m || ($1 == "require" && $2 == m) { print ($1 == "require" ? $3 : $2); exit }' "$ROOT/tools/$1/go.mod"; }
CLI_VERSION=$(version_of pulumi github.com/pulumi/pulumi/pkg/v3)
HOST_VERSION=$(version_of pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3)
[ -n "$CLI_VERSION" ] && [ -n "$HOST_VERSION" ] || { echo "pulumi-toolchain: could not read the pinned versions from tools/*/go.mod" >&2; exit 1; }
STAMP="cli=$CLI_VERSION host=$HOST_VERSION"

if [ "$FORCE" != "--force" ] && [ -x "$BIN/pulumi" ] && [ -x "$BIN/pulumi-language-nodejs" ] && [ -x "$BIN/pulumi-resource-pulumi-nodejs" ] \
  && [ "$(cat "$OUT/VERSION" 2>/dev/null)" = "$STAMP" ]; then
  echo "pulumi-toolchain: $STAMP already in ${BIN#$ROOT/} (nothing to do)"
  exit 0
fi

export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
LDVERSION=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
mkdir -p "$BIN"
start=$(date +%s)
step() { echo "pulumi-toolchain: $*"; }

step "building pulumi $CLI_VERSION (github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) into ${BIN#$ROOT/} ..."
(cd "$ROOT/tools/pulumi" && go build -trimpath -ldflags "-s -w -X $LDVERSION=$CLI_VERSION" -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
step "  done after $(( $(date +%s) - start )) s"

step "building pulumi-language-nodejs $HOST_VERSION (github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs) ..."
(cd "$ROOT/tools/pulumi-language-nodejs" && go build -trimpath -ldflags "-s -w -X $LDVERSION=$HOST_VERSION" -o "$BIN/pulumi-language-nodejs" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
step "  done after $(( $(date +%s) - start )) s"

# The dynamic-provider plugin is a shell script that ships with the SDK (sdk/nodejs/dist); take it from the
# CLI's own sdk/v3 module so it matches the CLI.
SDK_DIR=$(cd "$ROOT/tools/pulumi" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
for f in pulumi-resource-pulumi-nodejs; do
  install -m 0755 "$SDK_DIR/nodejs/dist/$f" "$BIN/$f"
done

echo "$STAMP" > "$OUT/VERSION"
step "$("$BIN/pulumi" version) ready in ${BIN#$ROOT/} after $(( $(date +%s) - start )) s; add it to PATH: export PATH=\"$BIN:\$PATH\""
