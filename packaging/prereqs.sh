#!/usr/bin/env bash
# Installs what packaging/build-all.sh and tests/packaging/run.sh need on Debian 12 (as root),
# skipping what is already there. TARGETS as for build-all.sh (default: all four).
set -euo pipefail

targets=${TARGETS:-amd64 arm64 armhf windows}
apt_packages=(lintian curl)
rust_targets=()
for t in $targets; do
    case $t in
        amd64) ;;
        arm64)
            apt_packages+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static)
            rust_targets+=(aarch64-unknown-linux-gnu)
            ;;
        armhf)
            apt_packages+=(gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-user-static)
            rust_targets+=(armv7-unknown-linux-gnueabihf)
            ;;
        windows)
            apt_packages+=(gcc-mingw-w64-x86-64 wixl msitools)
            rust_targets+=(x86_64-pc-windows-gnu)
            ;;
        *) echo "prereqs: unknown target $t (amd64, arm64, armhf, windows)" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ${#rust_targets[@]} -gt 0 ]; then
    installed=$(rustup target list --installed)
    for t in "${rust_targets[@]}"; do
        grep -qx "$t" <<<"$installed" || rustup target add "$t"
    done
fi

if ! cargo deb --version 2>/dev/null | grep -q '^cargo-deb 3\.8\.'; then
    cargo install cargo-deb --locked --version 3.8.0
fi
