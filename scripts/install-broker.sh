#!/usr/bin/env bash
# Installs the test/dev broker: nisshi 0.8.1 (Apache-licensed, Kafka-compatible, formerly tansu).
# Idempotent: does nothing when the right version is already on PATH or in ~/.cargo/bin.
# The first build takes ~18 minutes; it needs rustc >= 1.96 and libclang.
set -euo pipefail

VERSION=0.8.1
export PATH="$HOME/.cargo/bin:$PATH"

have_broker() {
    command -v nisshi >/dev/null 2>&1 && nisshi --version 2>/dev/null | grep -q "$VERSION"
}

if have_broker; then
    echo "install-broker: nisshi $VERSION already installed at $(command -v nisshi)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
if ! dpkg -s libclang-dev >/dev/null 2>&1; then
    echo "install-broker: installing libclang-dev"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libclang-dev
fi

# nisshi needs a newer compiler than some stable toolchains: pick the first toolchain that is new enough.
rustc_minor() { "$@" --version 2>/dev/null | sed -E 's/^rustc 1\.([0-9]+).*/\1/'; }
TOOLCHAIN=""
if [ "$(rustc_minor rustc)" -ge 96 ] 2>/dev/null; then
    TOOLCHAIN=""
elif rustup run nightly rustc --version >/dev/null 2>&1 && [ "$(rustc_minor rustup run nightly rustc)" -ge 96 ]; then
    TOOLCHAIN="+nightly"
else
    echo "install-broker: rustc >= 1.96 is needed to build nisshi; installing the nightly toolchain" >&2
    rustup toolchain install nightly --profile minimal
    TOOLCHAIN="+nightly"
fi

echo "install-broker: building nisshi $VERSION with cargo $TOOLCHAIN (about 18 minutes the first time)"
cargo $TOOLCHAIN install nisshi --version "$VERSION" --locked --no-default-features --features dynostore,libsql
have_broker || { echo "install-broker: nisshi was built but is not runnable" >&2; exit 1; }
echo "install-broker: installed $(command -v nisshi)"
