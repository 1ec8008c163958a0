#!/usr/bin/env bash
# The hostile input campaign (issue 14): thousands of mutated manifests, JSON Lines files, jq
# programs and dead letters, each run through the release binary (scripts/fuzz.py) under a
# deadline with its exit status, time and peak memory checked; then the proptest fuzz targets
# (the library's manifest and JSON Lines modules, tests/it/fuzz.rs for jq programs and dead
# letters) for more cases than CI runs. On a private single-node Apache Kafka (KRaft) started on
# a free loopback port, as scripts/bench.sh does. Not part of CI: `tests/it` runs the fuzz
# targets with small case counts and the garbage-broker faults (tests/it/hostile.rs).
#
#   scripts/fuzz.sh                    # everything, about 6 minutes on 2 cores (after the builds)
#   FUZZ_BUDGET=60 FUZZ_CASES=2000 scripts/fuzz.sh    # a quick pass
#   FUZZ_KINDS=manifest,jsonl scripts/fuzz.sh         # no broker needed for these two
#
# Environment:
#   FUZZ_BUDGET       seconds for the binary campaign, shared by the kinds (default 240)
#   FUZZ_INPUTS       inputs per kind, at most (default 3000)
#   FUZZ_KINDS        of manifest,jsonl,jq,dlq,leak and the second campaign's (issue 26)
#                     signals,concurrent,churn,retention,oversized,config,scale (default all;
#                     see scripts/fuzz_hostile.py)
#   FUZZ_SEED         seed of every generator (default 1): same seed, same inputs
#   FUZZ_DEADLINE     seconds one run may take before it counts as a hang (default 20)
#   FUZZ_MAX_RSS_MIB  peak memory one run may use (default 512)
#   FUZZ_DLQ_TOPICS   dead-letter topics written (default 10), FUZZ_DLQ_RECORDS records each (500)
#   FUZZ_CASES        cases per proptest target (default 20000; 0 skips the proptest part)
#   FUZZ_DIR          inputs, failures, broker data (default target/fuzz)
#   KAFKA_VERSION     Apache Kafka release (default scripts/kafka/VERSION)
# Exit status: 0 when nothing crashed, hung, leaked or misbehaved; 1 otherwise (failing inputs
# are kept in $FUZZ_DIR/failures/ with their command line and stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

BUDGET=${FUZZ_BUDGET:-240}
INPUTS=${FUZZ_INPUTS:-3000}
KINDS=${FUZZ_KINDS:-manifest,jsonl,jq,dlq,leak,signals,concurrent,churn,retention,oversized,config,scale}
SEED=${FUZZ_SEED:-1}
DEADLINE=${FUZZ_DEADLINE:-20}
MAX_RSS=${FUZZ_MAX_RSS_MIB:-512}
DLQ_TOPICS=${FUZZ_DLQ_TOPICS:-10}
DLQ_RECORDS=${FUZZ_DLQ_RECORDS:-500}
CASES=${FUZZ_CASES:-20000}
FUZZ_DIR=${FUZZ_DIR:-$ROOT/target/fuzz}
EVBUS=$ROOT/target/release/evbus

log() { echo "fuzz: $*" >&2; }

. scripts/deps.sh
. scripts/kafka/kraft.sh
ensure_build_deps
command -v python3 >/dev/null || { log "python3 is required"; exit 1; }
needs_broker=""
case ",$KINDS," in
    *,jq,* | *,dlq,* | *,leak,* | *,signals,* | *,concurrent,* | *,churn,* | *,retention,* | *,oversized,*)
        needs_broker=1 ;;
esac
KAFKA_LIBS=""

rm -rf "$FUZZ_DIR" && mkdir -p "$FUZZ_DIR"
FUZZ_DIR=$(cd "$FUZZ_DIR" && pwd)

log "building evbus (release) and the integration test binary"
cargo build --release --locked >&2
cargo test --locked --test it --no-run >&2

BROKER=""
BROKER_PID=""
stop_broker() {
    if [ -n "$BROKER_PID" ]; then
        kill -9 "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
        BROKER_PID=""
    fi
}
trap stop_broker EXIT


# A private single-node KRaft broker (combined broker and controller) on free loopback ports.
start_broker() {
    local libs port ctl dir=$FUZZ_DIR/kafka
    libs=$(bash scripts/install-kafka.sh | tail -1)
    KAFKA_LIBS=$libs
    port=$(free_port)
    ctl=$(free_port)
    BROKER=127.0.0.1:$port
    mkdir -p "$dir"
    {
        kraft_properties "$BROKER" "$ctl" "$dir/data"
        echo "message.max.bytes=10485760"
    } >"$dir/server.properties"
    local java=(java -Xmx512M -Xms512M -XX:+UseG1GC "-Dlog4j2.configurationFile=$libs/log4j2.properties" -cp "$libs/*")
    (cd "$dir" && "${java[@]}" kafka.tools.StorageTool format -t ZXZidXMtZnV6ei1jbHVzdA -c server.properties \
        >"$dir/format.log" 2>&1) || { cat "$dir/format.log" >&2; exit 1; }
    (cd "$dir" && exec "${java[@]}" kafka.Kafka server.properties >"$dir/broker.log" 2>&1) &
    BROKER_PID=$!
    "$EVBUS" -b "$BROKER" --timeout 5s health --brokers-only --wait 120s -o json >/dev/null \
        || { tail -50 "$dir/broker.log" >&2; exit 1; }
    log "Apache Kafka at $BROKER (pid $BROKER_PID)"
}

DLQ_LIST=""
HEADERS_TOTAL=0
RECORDS_TOPIC=""
if [ -n "$needs_broker" ]; then
    start_broker
    # The topics: DLQs of hostile dead letters; one of them also gets plain JSON events and is
    # what the jq programs filter.
    {
        echo "version: 1"
        echo "topics:"
        for i in $(seq "$DLQ_TOPICS"); do
            printf '  - name: fuzz.dead.letters%d\n    partitions: %d\n    dlq: true\n' "$i" $(((i % 3) + 1))
        done
    } >"$FUZZ_DIR/topics.yaml"
    "$EVBUS" -b "$BROKER" topics apply -f "$FUZZ_DIR/topics.yaml" --yes -o json >/dev/null
    for i in $(seq "$DLQ_TOPICS"); do
        t=fuzz.dead.letters$i
        DLQ_LIST="$DLQ_LIST${DLQ_LIST:+,}$t"
        out=$(EVBUS_FUZZ_BOOTSTRAP=$BROKER EVBUS_FUZZ_DLQ_TOPIC=$t EVBUS_FUZZ_DLQ_RECORDS=$DLQ_RECORDS \
            EVBUS_FUZZ_SEED=$SEED cargo test --locked -q --test it -- --ignored --exact \
            fuzz::dead_letter_corpus_to_a_broker --nocapture 2>&1) || { echo "$out" >&2; exit 1; }
        n=$(echo "$out" | sed -nE 's/.*with ([0-9]+) headers.*/\1/p')
        HEADERS_TOTAL=$((HEADERS_TOTAL + ${n:-0}))
    done
    RECORDS_TOPIC=fuzz.dead.letters1
    "$EVBUS" -b "$BROKER" produce "$RECORDS_TOPIC" -f "$FUZZ_DIR/topics.yaml" -n 200 --seed "$SEED" \
        --schema schemas/auth.user.registered.json -H $'x-evil=\e[2J\u202e' -o json >/dev/null
    log "wrote $DLQ_TOPICS DLQ topics x $DLQ_RECORDS dead letters ($HEADERS_TOTAL headers), +200 events to $RECORDS_TOPIC"
fi

status=0
python3 scripts/fuzz.py --evbus "$EVBUS" --dir "$FUZZ_DIR" --manifest topics.yaml --schemas "$ROOT/schemas" \
    --broker "$BROKER" --records-topic "$RECORDS_TOPIC" --dlq-topics "$DLQ_LIST" --dlq-records "$DLQ_RECORDS" \
    --dlq-headers "$HEADERS_TOTAL" --kinds "$KINDS" --inputs "$INPUTS" --budget "$BUDGET" --deadline "$DEADLINE" \
    --max-rss-mib "$MAX_RSS" --seed "$SEED" --kafka-libs "$KAFKA_LIBS" || status=1
stop_broker

if [ "$CASES" -gt 0 ]; then
    # proptest: PROPTEST_CASES sets the case count of tests/it/fuzz.rs; the library's modules have
    # fixed counts, so they run in rounds, each from its own seed.
    log "proptest: tests/it fuzz:: with $CASES cases each"
    start=$(date +%s)
    PROPTEST_CASES=$CASES PROPTEST_RNG_SEED=$SEED cargo test --locked -q --test it -- fuzz:: 2>&1 | tail -5 || status=1
    log "proptest: tests/it fuzz:: took $(($(date +%s) - start)) s"
    rounds=$(((CASES + 1999) / 2000))
    log "proptest: the library's manifest::fuzz and ingest::fuzz, $rounds round(s)"
    for r in $(seq "$rounds"); do
        PROPTEST_RNG_SEED=$((SEED * 1000 + r)) cargo test --locked -q --lib -- manifest::fuzz ingest::fuzz 2>&1 \
            | tail -2 || status=1
    done
fi
exit $status
