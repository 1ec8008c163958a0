#!/usr/bin/env bash
# The test command: installs what the suite needs on a bare Debian machine (build packages, Java,
# Maven, Apache Kafka's jars from Maven Central), then runs all of it against Apache Kafka.
#   scripts/test.sh                                      # Apache Kafka (scripts/kafka/VERSION)
#   KAFKA_VERSION=3.9.2 scripts/test.sh                  # another Apache Kafka release
#   EVBUS_TEST_BOOTSTRAP=localhost:9092 scripts/test.sh  # shared tests against an external broker
#   EVBUS_TEST_BROKER=nisshi scripts/test.sh             # opt-in: nisshi (scripts/install-broker.sh)
# Extra arguments go to `cargo test` (e.g. scripts/test.sh --test it security).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/deps.sh
ensure_build_deps
ensure_test_deps
if [ "${EVBUS_TEST_BROKER:-kafka}" = nisshi ]; then
    bash scripts/install-broker.sh
else
    EVBUS_KAFKA_LIBS="$(bash scripts/install-kafka.sh | tail -1)"
    export EVBUS_KAFKA_LIBS
fi
cargo test --locked "$@"
