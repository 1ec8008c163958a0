#!/usr/bin/env bash
# Benchmarks evbus beside kcat on the same local broker (nisshi, memory storage, free port).
#
#   scripts/bench.sh              # every benchmark
#   scripts/bench.sh tail         # only bench_tail (one name per bench_<name> function)
#
# Environment: BENCH_RECORDS (default 1000000), BENCH_RUNS (default 3; the median is reported),
# BENCH_DIR (cache for the kcat runtime library and generated data; default target/bench).
#
# Results are printed as a Markdown table and appended to $BENCH_DIR/results.md; copy the
# numbers you want to keep into BENCHMARKS.md together with the machine info printed first.
#
# kcat: Debian's kcat, run against a librdkafka >= 2.10 built once from the source bundled in
# the rdkafka-sys crate (the same librdkafka evbus links statically), via LD_LIBRARY_PATH, so
# both tools use the same client library version.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
RECORDS=${BENCH_RECORDS:-1000000}
RUNS=${BENCH_RUNS:-3}
EVBUS=$ROOT/target/release/evbus
mkdir -p "$BENCH_DIR"
RESULTS=$BENCH_DIR/results.md

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

log() { echo "bench: $*" >&2; }

ensure_tools() {
    local missing=""
    command -v kcat >/dev/null || missing="$missing kcat"
    command -v jq >/dev/null || missing="$missing jq"
    [ -x /usr/bin/time ] || missing="$missing time"
    command -v python3 >/dev/null || missing="$missing python3"
    if [ -n "$missing" ]; then
        log "installing:$missing"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
    fi
    bash scripts/install-broker.sh >&2
}

# librdkafka from the rdkafka-sys crate, built once into $BENCH_DIR.
ensure_librdkafka() {
    local src
    src=$(ls -d "$HOME"/.cargo/registry/src/*/rdkafka-sys-*/librdkafka 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$src" ]; then
        cargo fetch --locked >&2
        src=$(ls -d "$HOME"/.cargo/registry/src/*/rdkafka-sys-*/librdkafka | sort -V | tail -1)
    fi
    local ver
    ver=$(basename "$(dirname "$src")")
    LIBRDKAFKA_DIR=$BENCH_DIR/$ver/src
    if [ ! -f "$LIBRDKAFKA_DIR/librdkafka.so.1" ]; then
        log "building $ver for kcat (once)"
        rm -rf "${BENCH_DIR:?}/$ver"
        cp -r "$src" "$BENCH_DIR/$ver"
        (cd "$BENCH_DIR/$ver" && ./configure --disable-debug-symbols >/dev/null && make -j"$(nproc)" -C src >/dev/null)
    fi
    export LD_LIBRARY_PATH=$LIBRDKAFKA_DIR
}

ensure_evbus() {
    log "building evbus (release)"
    cargo build --release --locked >&2
}

BROKER_PID=""
stop_broker() {
    if [ -n "$BROKER_PID" ]; then
        kill "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
        BROKER_PID=""
    fi
}
trap stop_broker EXIT

# A private broker on a free port: never reuse a port another broker (or test) listens on.
start_broker() {
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    BROKER=127.0.0.1:$port
    local dir=$BENCH_DIR/broker
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && exec nisshi broker --storage-engine memory://bench/ \
        --listener-url "tcp://$BROKER" --advertised-listener-url "tcp://$BROKER" --cluster-id evbus-bench \
        >"$dir/broker.log" 2>&1) &
    BROKER_PID=$!
    for _ in $(seq 100); do
        if kcat -L -b "$BROKER" -m 1 >/dev/null 2>&1; then
            kill -0 "$BROKER_PID" 2>/dev/null || { cat "$dir/broker.log" >&2; exit 1; }
            log "broker at $BROKER (pid $BROKER_PID)"
            return
        fi
        sleep 0.1
    done
    log "broker did not start"; cat "$dir/broker.log" >&2; exit 1
}

# $RECORDS JSON events (~250 bytes, an envelope with payload.role cycling over 5 roles, so a
# role filter matches 20%), generated once.
ensure_events() {
    EVENTS=$BENCH_DIR/events-$RECORDS.jsonl
    if [ ! -f "$EVENTS" ]; then
        log "generating $RECORDS events"
        python3 - "$RECORDS" "$EVENTS" <<'EOF'
import json, random, sys, uuid
n, path = int(sys.argv[1]), sys.argv[2]
random.seed(1)
roles = ["doctor", "nurse", "patient", "admin", "pharmacist"]
with open(path, "w") as f:
    for i in range(n):
        e = {"eventId": str(uuid.UUID(int=random.getrandbits(128))), "eventType": "UserRegistered",
             "occurredAt": "2026-11-25T12:00:%02d.%03dZ" % (i % 60, i % 1000), "producer": "auth-service",
             "payload": {"userId": "u-%d" % i, "email": "user%d@example.org" % i, "role": roles[i % 5],
                         "name": "User %d" % i}}
        f.write(json.dumps(e, separators=(",", ":")) + "\n")
EOF
    fi
}

# Creates TOPIC with 4 partitions and loads the events with kcat (fastest loader available).
load_topic() {
    TOPIC=$1
    nisshi topic create --broker "tcp://$BROKER" --partitions 4 --silent "$TOPIC" >&2
    log "loading $RECORDS events into $TOPIC"
    kcat -P -b "$BROKER" -t "$TOPIC" -X linger.ms=50 -X batch.size=262144 \
        -X queue.buffering.max.messages=2000000 -l "$EVENTS"
    local total=0 p off
    for p in 0 1 2 3; do
        off=$(kcat -Q -b "$BROKER" -t "$TOPIC:$p:-1" 2>/dev/null | awk '{print $NF}')
        total=$((total + off))
    done
    [ "$total" -eq "$RECORDS" ] || { log "loaded $total records, expected $RECORDS"; exit 1; }
}

machine_info() {
    echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores available (shared)"
    echo "- RAM: $(free -g | awk '/Mem:/ {print $2}') GiB; kernel $(uname -r)"
    echo "- broker: $(nisshi --version 2>/dev/null | head -1), memory storage, same host, topic with 4 partitions"
    echo "- kcat: $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\) .*\(librdkafka [^ ]*\).*/\1 with \2/p') (Debian's, on the librdkafka built by this script)"
    echo "- evbus: $("$EVBUS" --version | head -1) (release build)"
    echo "- jq: $(jq --version); records: $RECORDS JSON events of ~$(( $(stat -c %s "$EVENTS") / RECORDS )) bytes"
}

# measure NAME EXPECTED_LINES CMD: runs `CMD | wc -l` $RUNS times under /usr/bin/time; prints a
# Markdown row with the median wall time and that run's CPU (user+sys of every process in the
# pipeline) and peak RSS (largest single process).
measure() {
    local name=$1 expect=$2 cmd=$3 i out walls=() rows=()
    for i in $(seq "$RUNS"); do
        out=$( { /usr/bin/time -f "TIME %e %U %S %M" bash -c "$cmd | wc -l"; } 2>&1 )
        local lines wall user sys rss
        lines=$(echo "$out" | grep -v '^TIME' | grep -E '^[0-9]+$' | tail -1)
        read -r _ wall user sys rss <<<"$(echo "$out" | grep '^TIME' | tail -1)"
        if [ "$lines" != "$expect" ]; then
            log "$name printed $lines lines, expected $expect"; echo "$out" >&2; exit 1
        fi
        rows+=("$wall $user $sys $rss")
        walls+=("$wall")
        log "$name run $i: ${wall}s wall, ${user}s user, ${sys}s sys, ${rss} KB"
    done
    local median
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    local row
    for row in "${rows[@]}"; do
        read -r wall user sys rss <<<"$row"
        if [ "$wall" = "$median" ]; then
            printf '| %s | %s | %s | %d |\n' "${name//|/\\|}" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')" "$((rss / 1024))"
            return
        fi
    done
}

bench_tail() {
    load_topic bench.tail
    local T=$TOPIC B=$BROKER doctors=$((RECORDS / 5))
    local kcat_json="kcat -C -e -q -J -b $B -t $T -o beginning"
    local evbus_json="$EVBUS -b $B tail $T --from beginning --exit -q -o json"
    local jq_filter='select((.payload|fromjson).payload.role=="doctor")'
    {
        echo
        echo "### tail: $RECORDS records as JSON lines ($(date -u +%F))"
        echo
        echo "| command | wall s (median of $RUNS) | CPU s | peak RSS MiB |"
        echo "|---|---|---|---|"
        measure "kcat -C -e -J" "$RECORDS" "$kcat_json"
        measure "kcat -C -e -J -X fetch.queue.backoff.ms=5 (tuned)" "$RECORDS" "$kcat_json -X fetch.queue.backoff.ms=5"
        measure "evbus tail --from beginning --exit -o json" "$RECORDS" "$evbus_json"
        measure "kcat -C -e -J | jq -c 'select(...role==\"doctor\")'" "$doctors" "$kcat_json | jq -c '$jq_filter'"
        measure "evbus tail ... --filter '.payload.role == \"doctor\"'" "$doctors" \
            "$evbus_json --filter '.payload.role == \"doctor\"'"
        # Not the `.path == literal` shape, so this one runs through jq (jaq) for every record.
        measure "evbus tail ... --filter '.payload | .role == \"doctor\"' (general jq path)" "$doctors" \
            "$evbus_json --filter '.payload | .role == \"doctor\"'"
        measure "evbus tail ... --grep '\"role\":\"doctor\"'" "$doctors" "$evbus_json --grep '\"role\":\"doctor\"'"
        measure "kcat -C -e -q -f '' (consume only, broker floor)" 0 "kcat -C -e -q -b $B -t $T -o beginning -f ''"
    } | tee -a "$RESULTS"
}

# produce: the same file sent by kcat -P -l and by evbus produce --input (which validates every
# line against scripts/bench-event.schema.json first), and 1M samples generated + validated.
bench_produce() {
    local B=$BROKER schema=$ROOT/scripts/bench-event.schema.json t
    # kcat doing what evbus does on the wire: idempotent acks=all, lz4, linger 5 ms, the two headers.
    local same="-X enable.idempotence=true -X acks=all -X compression.type=lz4 -X linger.ms=5"
    same="$same -H event-type=UserRegistered -H content-type=application/json"
    for t in bench.produce.kcat bench.produce.kcat-same bench.produce.novalidate bench.produce.validate bench.samples; do
        nisshi topic create --broker "tcp://$B" --partitions 4 --silent "$t" >&2
    done
    {
        echo
        echo "### produce: $RECORDS events from a JSON Lines file ($(date -u +%F))"
        echo
        echo "| command | wall s (median of $RUNS) | CPU s | peak RSS MiB |"
        echo "|---|---|---|---|"
        measure "kcat -P -l FILE" 0 "kcat -P -b $B -t bench.produce.kcat -l $EVENTS"
        measure "kcat -P -l FILE with evbus's delivery settings and headers" 0 \
            "kcat -P -b $B -t bench.produce.kcat-same -l $EVENTS $same"
        measure "evbus produce --input FILE --dry-run (validation only, no broker)" "$RECORDS" \
            "$EVBUS -q produce bench.produce.validate --schema $schema --input $EVENTS --dry-run"
        measure "evbus produce --input FILE --no-validate" 0 \
            "$EVBUS -b $B -q produce bench.produce.novalidate --no-validate --input $EVENTS"
        measure "evbus produce --input FILE (validating every line)" 0 \
            "$EVBUS -b $B -q produce bench.produce.validate --schema $schema --input $EVENTS"
        # Small files are the daily case: here start-up (connection, producer id) is the cost.
        local small=$BENCH_DIR/events-1000.jsonl
        head -n 1000 "$EVENTS" >"$small"
        echo
        echo "### produce: the first 1000 of those events ($(date -u +%F))"
        echo
        echo "| command | wall s (median of $RUNS) | CPU s | peak RSS MiB |"
        echo "|---|---|---|---|"
        measure "kcat -P -l FILE (1000 events)" 0 "kcat -P -b $B -t bench.produce.kcat -l $small"
        measure "kcat -P -l FILE (1000 events) with evbus's delivery settings and headers" 0 \
            "kcat -P -b $B -t bench.produce.kcat-same -l $small $same"
        measure "evbus produce --input FILE (1000 events, validating every line)" 0 \
            "$EVBUS -b $B -q produce bench.produce.validate --schema $schema --input $small"
        echo
        echo "### samples: $RECORDS generated and validated ($(date -u +%F))"
        echo
        echo "| command | wall s (median of $RUNS) | CPU s | peak RSS MiB |"
        echo "|---|---|---|---|"
        measure "evbus schemas sample auth.user.registered -n $RECORDS" "$RECORDS" \
            "$EVBUS schemas sample auth.user.registered -n $RECORDS --seed 1 --schemas $ROOT/schemas"
        measure "evbus produce auth.user.registered -n $RECORDS (generate, validate, send)" 0 \
            "$EVBUS -b $B -q produce bench.samples --schema auth.user.registered --schemas $ROOT/schemas -n $RECORDS"
    } | tee -a "$RESULTS"
}

main() {
    local wanted=("$@")
    # Default: every bench_<name> function in this file.
    [ ${#wanted[@]} -gt 0 ] || mapfile -t wanted < <(declare -F | awk '$3 ~ /^bench_/ {sub(/^bench_/, "", $3); print $3}')
    ensure_tools
    ensure_librdkafka
    ensure_evbus
    ensure_events
    start_broker
    { echo; echo "## $(date -u '+%F %T') UTC"; machine_info; } | tee -a "$RESULTS"
    local b
    for b in "${wanted[@]}"; do
        declare -F "bench_$b" >/dev/null || { log "unknown benchmark '$b'"; exit 2; }
        "bench_$b"
    done
    stop_broker
}

main "$@"
