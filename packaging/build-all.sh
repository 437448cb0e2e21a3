#!/usr/bin/env bash
# Builds every installable artifact into dist/, with SHA256SUMS:
#   courtside_<version>-1_amd64.deb, _arm64.deb, _armhf.deb   (cargo-deb, systemd service)
#   courtside-<version>-x64.msi                                (wixl, Windows service)
# Prerequisites: packaging/prereqs.sh (see packaging/README.md).
# Environment: TARGETS (default "amd64 arm64 armhf windows"), PROFILE (default dist),
# DIST (default dist), CARGO_TARGET_DIR (default target).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=${TARGETS:-amd64 arm64 armhf windows}
profile=${PROFILE:-dist}
dist=${DIST:-dist}
target_dir=${CARGO_TARGET_DIR:-target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)

# Debian's cross compilers link and build the C parts (bundled SQLite).
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc AR_aarch64_unknown_linux_gnu=aarch64-linux-gnu-ar
export CARGO_TARGET_ARMV7_UNKNOWN_LINUX_GNUEABIHF_LINKER=arm-linux-gnueabihf-gcc
export CC_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-gcc AR_armv7_unknown_linux_gnueabihf=arm-linux-gnueabihf-ar
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar

rm -rf "$dist"
mkdir -p "$dist"

deb() { # deb RUST_TARGET
    local flags=(--profile "$profile" --locked --output "$dist/")
    [ -n "$1" ] && flags+=(--target "$1")
    cargo deb "${flags[@]}"
}

msi() {
    cargo build --profile "$profile" --locked --target x86_64-pc-windows-gnu
    # wixl takes only relative source paths: stage the files beside each other.
    local stage wxs out
    stage=$(mktemp -d)
    wxs="$(pwd)/packaging/windows/courtside.wxs"
    out="$(realpath "$dist")/courtside-$version-x64.msi"
    cp "$target_dir/x86_64-pc-windows-gnu/$profile/courtside.exe" packaging/windows/Courtside.url "$stage/"
    # MSI versions are numbers only: 0.2.0-beta.1 becomes 0.2.0.
    (cd "$stage" && wixl --arch x64 -D "Version=${version%%-*}" -o "$out" "$wxs")
    rm -rf "$stage"
}

for t in $targets; do
    started=$SECONDS
    case $t in
        amd64) deb "" ;;
        arm64) deb aarch64-unknown-linux-gnu ;;
        armhf) deb armv7-unknown-linux-gnueabihf ;;
        windows) msi ;;
        *) echo "build-all: unknown target $t (amd64, arm64, armhf, windows)" >&2; exit 2 ;;
    esac
    echo "build-all: $t done in $((SECONDS - started)) s"
done

(cd "$dist" && sha256sum -- * > SHA256SUMS)
echo "build-all: artifacts in $dist/:"
ls -l --block-size=K --ignore=SHA256SUMS "$dist"
