#!/usr/bin/env bash
# Builds the Pulumi CLI and the language hosts (Node.js, YAML, Python, Go) from the Go module proxy into
# .tools/pulumi/bin, for machines where the official installer (https://www.pulumi.com/docs/install/) cannot be
# reached. Builds only what is missing or of another version than pinned (a stamp per binary in .tools/pulumi/VERSION),
# so a second run does nothing. Prints what it does and how long each step took.
#
# Versions live in one place each, the wrapper modules' go.mod files (their go.sum files are committed):
#   tools/pulumi/go.mod                   github.com/pulumi/pulumi/pkg/v3   -> the `pulumi` CLI and engine
#   tools/pulumi-language-nodejs/go.mod   github.com/pulumi/pulumi/sdk/v3   -> `pulumi-language-nodejs`
#   tools/pulumi-language-yaml/go.mod     github.com/pulumi/pulumi-yaml     -> `pulumi-language-yaml`
#   tools/pulumi-language-python/go.mod   github.com/pulumi/pulumi/sdk/v3   -> `pulumi-language-python` (+ its -exec script)
#   tools/pulumi-language-go/go.mod       github.com/pulumi/pulumi/sdk/v3   -> `pulumi-language-go`
# Why wrapper modules: pkg/v3's own go.mod has `replace github.com/pulumi/pulumi/sdk/v3 => ../sdk`, so
# `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.x` is refused; as a *dependency* of another module the
# replace line is ignored and the ordinary `go build <package>` works. (pulumi-yaml has no replace line and would
# also build with `go install …@v1.25.0`; the wrapper keeps its version and go.sum here with the others.)
#
# Why the Node, Python and Go hosts are older than the CLI: since v3.69 (Node), v3.80 (Python) and v3.67 (Go) each
# host is its own module (e.g. github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3), which the module
# proxy we reach refuses (`go list -m -versions` -> 403 "This module version is not available", also for the
# pseudo-versions of release commits). Up to those versions the hosts lived inside sdk/v3, which is served. The CLI
# talks to them over the stable LanguageRuntime gRPC protocol and falls back where an older host lacks an RPC; see
# docs/engine.md for what that means in practice. With the official installer you get the matching hosts and none
# of this applies.
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
declare -A WANT=(
  [pulumi]=$(version_of pulumi github.com/pulumi/pulumi/pkg/v3)
  [pulumi-language-nodejs]=$(version_of pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3)
  [pulumi-language-yaml]=$(version_of pulumi-language-yaml github.com/pulumi/pulumi-yaml)
  [pulumi-language-python]=$(version_of pulumi-language-python github.com/pulumi/pulumi/sdk/v3)
  [pulumi-language-go]=$(version_of pulumi-language-go github.com/pulumi/pulumi/sdk/v3)
)
ORDER=(pulumi pulumi-language-nodejs pulumi-language-yaml pulumi-language-python pulumi-language-go)
for b in "${ORDER[@]}"; do
  [ -n "${WANT[$b]}" ] || { echo "pulumi-toolchain: could not read the pinned version of $b from tools/$b/go.mod" >&2; exit 1; }
done

# VERSION holds one "<binary> <version>" line per built binary. (The stamp of earlier versions of this script was
# one line "cli=<v> host=<v>": read as the CLI's and the Node host's, so they are not rebuilt for nothing.)
declare -A HAVE=()
if [ -f "$OUT/VERSION" ]; then
  while read -r k v; do
    case "$k" in
      cli=*) HAVE[pulumi]=${k#cli=}; HAVE[pulumi-language-nodejs]=${v#host=} ;;
      *) [ -n "$k" ] && HAVE[$k]=$v ;;
    esac
  done < "$OUT/VERSION"
fi
# The extra files that come with a binary: the dynamic-provider plugin with the CLI, the exec script with the Python host.
declare -A EXTRA=([pulumi]=pulumi-resource-pulumi-nodejs [pulumi-language-python]=pulumi-language-python-exec)
todo=()
for b in "${ORDER[@]}"; do
  extra=${EXTRA[$b]:-}
  if [ "$FORCE" = "--force" ] || [ ! -x "$BIN/$b" ] || { [ -n "$extra" ] && [ ! -x "$BIN/$extra" ]; } || [ "${HAVE[$b]:-}" != "${WANT[$b]}" ]; then todo+=("$b"); fi
done
summary() { for b in "${ORDER[@]}"; do printf '%s %s\n' "$b" "${WANT[$b]}"; done; }
if [ ${#todo[@]} -eq 0 ]; then
  echo "pulumi-toolchain: $(summary | tr '\n' ' ')already in ${BIN#$ROOT/} (nothing to do)"
  exit 0
fi

export GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false"
LDVERSION=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
mkdir -p "$BIN"
start=$(date +%s)
step() { echo "pulumi-toolchain: $*"; }
stamp() { # records a built binary's version, keeping the others' lines
  HAVE[$1]=$2
  for b in "${ORDER[@]}"; do [ -n "${HAVE[$b]:-}" ] && printf '%s %s\n' "$b" "${HAVE[$b]}"; done > "$OUT/VERSION.tmp"
  mv "$OUT/VERSION.tmp" "$OUT/VERSION"
}
# go build of <package> from the wrapper module tools/<binary>, into $BIN/<binary>, timed.
build() { # binary package [ldflags]
  local b=$1 pkg=$2 t0
  t0=$(date +%s)
  step "building $b ${WANT[$b]} ($pkg) into ${BIN#$ROOT/} ..."
  (cd "$ROOT/tools/$b" && go build -trimpath -ldflags "-s -w ${3:-}" -o "$BIN/$b" "$pkg")
  step "  $b done in $(( $(date +%s) - t0 )) s"
}
module_dir() { (cd "$ROOT/tools/$1" && go list -m -f '{{.Dir}}' "$2"); }

for b in "${todo[@]}"; do
  case "$b" in
    pulumi)
      build pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "-X $LDVERSION=${WANT[pulumi]}"
      # The dynamic-provider plugin is a shell script that ships with the SDK (sdk/nodejs/dist); take it from the
      # CLI's own sdk/v3 module so it matches the CLI.
      install -m 0755 "$(module_dir pulumi github.com/pulumi/pulumi/sdk/v3)/nodejs/dist/pulumi-resource-pulumi-nodejs" "$BIN/pulumi-resource-pulumi-nodejs"
      ;;
    pulumi-language-nodejs)
      build pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs "-X $LDVERSION=${WANT[$b]}" ;;
    pulumi-language-yaml)
      # pulumi-yaml stamps its own version package; the host reports it in `pulumi about`.
      build pulumi-language-yaml github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=${WANT[$b]}" ;;
    pulumi-language-python)
      build pulumi-language-python github.com/pulumi/pulumi/sdk/v3/python/cmd/pulumi-language-python "-X $LDVERSION=${WANT[$b]}"
      # The host runs programs through this script (it must sit beside the binary, executable); same module.
      install -m 0755 "$(module_dir pulumi-language-python github.com/pulumi/pulumi/sdk/v3)/python/cmd/pulumi-language-python-exec" "$BIN/pulumi-language-python-exec"
      ;;
    pulumi-language-go)
      build pulumi-language-go github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go "-X $LDVERSION=${WANT[$b]}" ;;
  esac
  stamp "$b" "${WANT[$b]}"
done

step "$("$BIN/pulumi" version) and the language hosts ($(summary | tail -n +2 | tr '\n' ' ' | sed 's/ $//')) ready in ${BIN#$ROOT/} after $(( $(date +%s) - start )) s; add it to PATH: export PATH=\"$BIN:\$PATH\""
