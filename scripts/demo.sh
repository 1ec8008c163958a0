#!/usr/bin/env bash
# evbus in about a minute after a release build (a first run installs Debian packages, Java and
# Kafka's jars and builds: 5-15 min on two cores; later runs reuse all of it): builds evbus, starts
# a local broker (Apache Kafka, via `evbus dev up`), applies topics.yaml, produces sample events,
# tails them back, shows lag and health, and leaves the broker running so you can explore.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
. scripts/deps.sh
ensure_build_deps
# Idempotent: Java 17+ and Kafka's jars into ~/.cache/evbus. `evbus dev up` looks there itself;
# the variable makes it use exactly these jars (KAFKA_VERSION included; a KAFKA_HOME of yours wins).
EVBUS_KAFKA_LIBS="$(bash scripts/install-kafka.sh | tail -1)"
export EVBUS_KAFKA_LIBS

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building evbus"
cargo build --release --locked
EVBUS="$PWD/target/release/evbus"
PORT="${EVBUS_DEMO_PORT:-9092}"
export EVBUS_BROKERS="127.0.0.1:$PORT"

step "Starting the local broker (evbus dev up)"
"$EVBUS" dev up --port "$PORT" -o table

step "Checking and applying topics.yaml"
"$EVBUS" topics validate -o table
# apply prints its plan (34 creates the first time) and what it did; the plan after it is empty.
"$EVBUS" topics apply --yes -o table
"$EVBUS" topics plan --detailed-exitcode -o table

step "Producing sample events generated from schemas/"
for t in auth.user.registered appointment.appointment.confirmed medical.consultation.created message.message.sent; do
    "$EVBUS" produce "$t" --count 25
done

step "Tailing them back: the newest registration of each partition"
"$EVBUS" tail auth.user.registered --from -1 --exit -o pretty

step "Filtering with jq: text messages only, as JSON lines"
"$EVBUS" tail message.message.sent --from beginning --exit --filter '.payload.messageType == "text"' -o json | head -n 3

step "Consumer lag: notification-service has read every registration and none of the messages"
# No service runs here, so its committed offsets are set the way an operator moves them.
"$EVBUS" groups reset notification-service --topic auth.user.registered --to latest --include-uncommitted --yes -q >/dev/null
"$EVBUS" groups reset notification-service --topic message.message.sent --to earliest --include-uncommitted --yes -q >/dev/null
"$EVBUS" lag -o table || true

step "Health"
"$EVBUS" health -o table || true

cat <<EOT

The broker keeps running on 127.0.0.1:$PORT. Try:
  export EVBUS_BROKERS=127.0.0.1:$PORT
  $EVBUS tail auth.user.registered            # follow new events (Ctrl-C to stop)
  $EVBUS produce auth.user.registered -n 5    # in another terminal
  $EVBUS topics list
  $EVBUS dev down                             # stop the broker
EOT
