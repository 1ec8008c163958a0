#!/usr/bin/env bash
# Installs the Debian packages evbus needs to build (bundled librdkafka with TLS, SASL and
# compression) when they are missing. Sourced by test.sh and demo.sh.
ensure_build_deps() {
    local sudo="" missing="" p
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    for p in build-essential pkg-config libssl-dev zlib1g-dev cmake perl python3 openssl curl; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "evbus: installing Debian packages:$missing"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
    fi
}
