#!/usr/bin/env bash
# Installs the Debian packages evbus needs to build (bundled librdkafka with TLS, SASL and
# compression) and to test, when they are missing. Sourced by test.sh and demo.sh.
ensure_debian_packages() {
    local sudo="" missing="" p
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
    for p in "$@"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        echo "evbus: installing Debian packages:$missing"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
    fi
}

ensure_build_deps() {
    ensure_debian_packages build-essential pkg-config libssl-dev zlib1g-dev cmake perl python3 openssl curl
}

# tests/it/seed004.rs runs a kafka-python consumer in a venv it makes (pip from PyPI):
# Debian's python3 has no `venv`/ensurepip without python3-venv.
# tests/it/serve.rs scrapes `evbus serve` with a real Prometheus and checks `evbus alerts`'s rules
# with promtool (Debian's prometheus package), run as binaries by the tests, never as a service.
ensure_test_deps() {
    ensure_debian_packages python3-venv
    if ! dpkg -s prometheus >/dev/null 2>&1; then
        local sudo=""
        if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
        echo "evbus: installing Debian packages: prometheus"
        $sudo apt-get update -qq
        # Without recommends: the node exporter and friends are not needed.
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus
    fi
}
