#!/usr/bin/env bash
# axe-core, the accessibility engine the book's browser checks run in Chromium
# (tests/book/test_accessibility.py): the npm registry's axe-core at a pinned version, checked
# against its sha256, its axe.min.js copied into DEST (default _build/test-vendor/axe-core).
# Not part of the site: the tests inject it into each page. Needs npm; nothing is installed.
# Usage: scripts/get_axe.sh [DEST]
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.11.0
SHA256=39bed7d72308f6d620789c169d699bfd7e8da80f65b545821a6b2215c3e83107
DEST=${1:-_build/test-vendor/axe-core}
say() { echo "get_axe: $*" >&2; }

if [[ -f "$DEST/axe.min.js" && "$(cat "$DEST/VERSION" 2>/dev/null)" == "$VERSION" ]]; then
    exit 0
fi
if ! command -v npm >/dev/null; then
    say "npm not found: install Node.js's npm (apt-get install npm), then run make axe"
    exit 1
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
say "axe-core@$VERSION from the npm registry (npm pack; not installed)"
(cd "$tmp" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tarball="$tmp/axe-core-$VERSION.tgz"
if ! echo "$SHA256  $tarball" | sha256sum --check --status; then
    say "axe-core-$VERSION.tgz does not match the pinned sha256 $SHA256; not using it"
    exit 1
fi
tar -xzf "$tarball" -C "$tmp"
mkdir -p "$DEST"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$DEST/"
echo "$VERSION" > "$DEST/VERSION"
say "axe-core $VERSION in $DEST"
