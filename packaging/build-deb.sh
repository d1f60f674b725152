#!/bin/sh
# Builds the wf2cloudinary Debian package with dpkg-buildpackage.
#
# Usage: packaging/build-deb.sh [OUTPUT_DIR]
#
# Installs the Debian build dependencies that are missing, then runs
# `dpkg-buildpackage -us -uc -b` from the top of the checkout. The .deb, the
# -dbgsym .deb, the .buildinfo and the .changes go to OUTPUT_DIR (default:
# build/deb) instead of the checkout's parent folder. The Swift 6 toolchain
# must be on PATH, or named by SWIFT; it is not a Debian package.
set -eu

cd "$(dirname "$0")/.."
output=${1:-build/deb}

swift=${SWIFT:-swift}
if ! command -v "$swift" >/dev/null 2>&1; then
    echo "error: '$swift' was not found on PATH. Put the Swift 6 toolchain's bin folder on PATH, for example" >&2
    echo "       export PATH=/opt/swift/usr/bin:\$PATH, or set SWIFT=/path/to/swift." >&2
    exit 1
fi

# The Build-Depends of debian/control, plus the tools that read them.
scripts/install-packages dpkg-dev debhelper \
    libcurl4-openssl-dev libjq-dev libsqlite3-dev libssl-dev libsystemd-dev pkg-config

mkdir -p "$output"
output=$(cd "$output" && pwd)
version=$(dpkg-parsechangelog --show-field Version)
architecture=$(dpkg-architecture --query DEB_HOST_ARCH)
base="$output/wf2cloudinary_${version}_${architecture}"

started=$(date +%s)
# dh_builddeb writes the .deb files to DEB_OUTPUT_DIR (see debian/rules);
# dpkg-genbuildinfo and dpkg-genchanges must look for them there too.
DEB_OUTPUT_DIR="$output" SWIFT="$swift" dpkg-buildpackage -us -uc -b \
    --buildinfo-option="-u$output" --buildinfo-file="$base.buildinfo" \
    --changes-option="-u$output" --changes-file="$base.changes"
finished=$(date +%s)

echo "Built $base.deb in $((finished - started)) s"
