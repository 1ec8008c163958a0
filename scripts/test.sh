#!/usr/bin/env bash
# The test command: installs what the suite needs on a bare Debian machine, then runs all of it.
#   scripts/test.sh                                   # against a private nisshi broker per test
#   EVBUS_TEST_BOOTSTRAP=localhost:9092 scripts/test.sh   # the same suite against an external Kafka
# Extra arguments go to `cargo test` (e.g. scripts/test.sh --test topics).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/deps.sh
ensure_build_deps
if [ -z "${EVBUS_TEST_BOOTSTRAP:-}" ]; then
    bash scripts/install-broker.sh
fi
cargo test --locked "$@"
