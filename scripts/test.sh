#!/usr/bin/env bash
# The test command: installs what the suite needs on a bare Debian machine, then runs all of it.
#   scripts/test.sh                 # unit + integration tests against a private nisshi per test
#   EVBUS_TEST_BOOTSTRAP=host:9092 scripts/test.sh   # the same suite against an external Kafka
# Extra arguments go to `cargo test` (e.g. scripts/test.sh --test topics).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

# Build dependencies of the bundled librdkafka (TLS, SASL, compression) and of the broker.
PKGS="build-essential pkg-config libssl-dev zlib1g-dev libclang-dev cmake perl python3 openssl curl"
MISSING=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || MISSING="$MISSING $p"; done
if [ -n "$MISSING" ]; then
    echo "test.sh: installing Debian packages:$MISSING"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $MISSING
fi

if [ -z "${EVBUS_TEST_BOOTSTRAP:-}" ]; then
    bash scripts/install-broker.sh
fi

cargo test --locked "$@"
