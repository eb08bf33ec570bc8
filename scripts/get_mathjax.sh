#!/usr/bin/env bash
# MathJax for the book, served from the built site (no CDN): the npm registry's mathjax package
# at a pinned version, checked against its sha256, unpacked into DEST (default
# _build/vendor/mathjax). Sphinx copies _build/vendor/ into _build/html/_static/ and
# _config.yml's mathjax_path points at mathjax/tex-mml-chtml.js there.
# Only what tex-mml-chtml.js loads is kept: the component, the TeX and MathML inputs and their
# extensions, the CommonHTML output and its fonts, the menu and the accessibility parts (~8 MB).
# Usage: scripts/get_mathjax.sh [DEST]     Needs npm (make node); nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/npm_pinned.sh

VERSION=3.2.2
SHA256=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09
DEST=${1:-_build/vendor/mathjax}
say() { echo "get_mathjax: $*" >&2; }

up_to_date "$DEST" tex-mml-chtml.js "$VERSION" && exit 0
npm_pinned mathjax "$VERSION" "$SHA256"
es5="$package/es5"
rm -rf "$DEST"
mkdir -p "$DEST/output"
cp -r "$es5/tex-mml-chtml.js" "$es5/input" "$es5/ui" "$es5/a11y" "$es5/sre" "$es5/adaptors" \
    "$DEST/"
cp -r "$es5/output/chtml" "$es5/output/chtml.js" "$DEST/output/"
cp "$package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" > "$DEST/VERSION"
say "MathJax $VERSION in $DEST ($(du -sh "$DEST" | cut -f1))"
