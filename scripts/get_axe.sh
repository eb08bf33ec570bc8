#!/usr/bin/env bash
# axe-core, the accessibility engine the book's browser checks run in Chromium
# (tests/book/test_accessibility.py): the npm registry's axe-core at a pinned version, checked
# against its sha256, its axe.min.js copied into DEST (default _build/test-vendor/axe-core).
# Not part of the site: the tests inject it into each page.
# Usage: scripts/get_axe.sh [DEST]     Needs npm (Node.js): make node installs it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/npm_pinned.sh

VERSION=4.11.0
SHA256=39bed7d72308f6d620789c169d699bfd7e8da80f65b545821a6b2215c3e83107
DEST=${1:-_build/test-vendor/axe-core}
say() { echo "get_axe: $*" >&2; }

up_to_date "$DEST" axe.min.js "$VERSION" && exit 0
npm_pinned axe-core "$VERSION" "$SHA256"
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$package"/{axe.min.js,LICENSE} "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
say "axe-core $VERSION in $DEST"
