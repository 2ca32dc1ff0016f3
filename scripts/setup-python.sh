#!/usr/bin/env bash
# Makes the Python environment for Pulumi Python programs (examples/python, the engine suites): a virtualenv in
# .tools/python with PyPI's `pulumi` (pinned in tools/pulumi-language-python/requirements.txt) and the generated
# Python SDK of the native plugin (sdks/python, package pulumi_otterstorage). Installed as a copy, not editable, so
# the venv does not depend on where this checkout lives; it is reinstalled when sdks/python or the pin changes
# (a hash in .tools/python/OTTER_STAMP), and otherwise this does nothing.
#
# Use it: the pulumi-language-python host the toolchain builds (v3.79.0) ignores Pulumi.yaml's runtime options, so
# activate the venv (or put .tools/python/bin first on PATH and set VIRTUAL_ENV) before `pulumi up`; docs/engine.md.
#
# Usage: scripts/setup-python.sh [--force]      PULUMI_PYTHON_VENV overrides .tools/python
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${PULUMI_PYTHON_VENV:-$ROOT/.tools/python}
REQ=$ROOT/tools/pulumi-language-python/requirements.txt
SDK=$ROOT/sdks/python
PY=${PYTHON:-python3}

command -v "$PY" >/dev/null || { echo "setup-python: $PY is not installed (need Python >= 3.9 with venv)" >&2; exit 1; }
stamp=$( { cat "$REQ"; (cd "$SDK" && find . -type f -not -path '*/__pycache__/*' -not -path '*.egg-info*' | LC_ALL=C sort | xargs sha256sum); } | sha256sum | cut -d' ' -f1)
if [ "${1:-}" != "--force" ] && [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/OTTER_STAMP" 2>/dev/null)" = "$stamp" ]; then
  echo "setup-python: ${VENV#$ROOT/} is up to date (nothing to do)"
  exit 0
fi
t0=$(date +%s)
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
# A build from a copy: pip builds in place otherwise, leaving build/ and *.egg-info in sdks/python.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$SDK" "$tmp/sdk"
# The pin and the SDK's own dependencies; then the SDK again, forced, since its version does not change when it is
# regenerated.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ" "$tmp/sdk"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$tmp/sdk"
echo "$stamp" > "$VENV/OTTER_STAMP"
echo "setup-python: $("$VENV/bin/python" -c 'import pulumi, importlib.metadata as m; print("pulumi", m.version("pulumi"), "+ pulumi_otterstorage", m.version("pulumi_otterstorage"))') in ${VENV#$ROOT/} after $(( $(date +%s) - t0 )) s; use it: source ${VENV#$ROOT/}/bin/activate"
