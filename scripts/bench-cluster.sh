#!/usr/bin/env bash
# Cluster benchmarks (issue 23), on a local 3-node Apache Kafka (KRaft) cluster that this script
# starts with `evbus dev up --brokers 3` on free loopback ports and stops at its end:
#
# - move: a topic of BENCH_MOVE_MIB MiB moved from replication factor 1 to 3 by `evbus topics apply`,
#   without and with `--throttle`, while Kafka's ProducerPerformance writes to another topic
#   (RF 3, acks=all) at a steady rate: the move's wall time, and that producer's latency beside a
#   run with no move.
# - health: `evbus health` and `evbus lag` on 100 topics × 12 partitions at RF 3 (with groups
#   holding committed offsets on all of them), beside `kafka-topics --describe
#   --under-replicated-partitions`, `kafka-reassign-partitions --verify` and `kafka-consumer-groups
#   --describe --all-groups`; then the same with one node stopped.
#
#   scripts/bench-cluster.sh              # both: move health
#   scripts/bench-cluster.sh health       # one of them
#
# Environment (besides bench.sh's BENCH_RUNS, BENCH_DIR, BENCH_EVBUS, BENCH_QUIET_WAIT/LOAD and
# KAFKA_VERSION; ProducerPerformance's --warmup-records needs Kafka 4.x tools):
#   BENCH_MOVE_MIB          size of the moved topic, 1 KiB records (default 1024: the issue's 1 GiB)
#   BENCH_MOVE_PARTITIONS   its partitions (default 6: two leaders on each node)
#   BENCH_THROTTLE          `--throttle` of the throttled move (default 10MiB)
#   BENCH_PROBE_SECONDS     length of each latency probe (default 60); the move starts 4 s in
#   BENCH_PROBE_RATE        the probe's records a second, 1 KiB each (default 500)
#   BENCH_HEALTH_TOPICS     topics in the health benchmark (default 100), of
#   BENCH_HEALTH_PARTITIONS partitions each (default 12), with
#   BENCH_HEALTH_GROUPS     consumer groups holding offsets on every one of them (default 10)
#
# Results are Markdown tables (bench.sh's format), appended to $BENCH_DIR/results.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_DIR=${BENCH_DIR:-$PWD/target/bench-cluster}
# bench.sh's helpers (measure, table, wait_quiet, the Kafka tools' command lines); it runs
# nothing when sourced.
# shellcheck source=scripts/bench.sh
. scripts/bench.sh

MOVE_MIB=${BENCH_MOVE_MIB:-1024}
MOVE_PARTS=${BENCH_MOVE_PARTITIONS:-6}
THROTTLE=${BENCH_THROTTLE:-10MiB}
PROBE_SECONDS=${BENCH_PROBE_SECONDS:-60}
PROBE_RATE=${BENCH_PROBE_RATE:-500}
H_TOPICS=${BENCH_HEALTH_TOPICS:-100}
H_PARTS=${BENCH_HEALTH_PARTITIONS:-12}
H_GROUPS=${BENCH_HEALTH_GROUPS:-10}
CLUSTER_DIR=$BENCH_DIR/cluster
CLUSTER_UP=""

port_free() {
    python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# Three nodes on three consecutive free ports; BROKER is the bootstrap list of all three, so that
# commands keep working with one node down.
start_cluster() {
    local port="" i
    for i in $(seq 50); do
        port=$(free_port)
        [ "$port" -lt 65000 ] && port_free $((port + 1)) && port_free $((port + 2)) && break
    done
    rm -rf "$CLUSTER_DIR"
    EVBUS_KAFKA_LIBS=$LIBS "$EVBUS" dev up --brokers 3 --broker kafka --dir "$CLUSTER_DIR" --port "$port" >&2
    CLUSTER_UP=1
    BROKER=127.0.0.1:$port,127.0.0.1:$((port + 1)),127.0.0.1:$((port + 2))
    log "3-node Apache Kafka $KAFKA_VER at $BROKER"
}
stop_cluster() {
    [ -n "$CLUSTER_UP" ] || return 0
    "$EVBUS" dev down --dir "$CLUSTER_DIR" >&2 || true
    CLUSTER_UP=""
    # Gigabytes after the move benchmark.
    rm -rf "$CLUSTER_DIR"
}
PROBE_PID=""
cleanup() {
    [ -z "$PROBE_PID" ] || kill "$PROBE_PID" 2>/dev/null || true
    stop_cluster
}
trap cleanup EXIT

# apply_manifest FILE [ARGS...]: evbus topics apply, quietly.
apply_manifest() {
    local m=$1
    shift
    (cd "$WORK" && "$EVBUS" -b "$BROKER" -q --timeout 120s topics apply -f "$m" --yes "$@" >/dev/null 2>>"$ERRLOG")
}

# manifest FILE PARTITIONS RF MIN_ISR NAME...: MIN_ISR "-" leaves min.insync.replicas to the brokers
# (1: `evbus dev up` sets 2 only on Kafka's internal topics).
manifest() {
    local f=$1 parts=$2 rf=$3 config="" t
    [ "$4" = - ] || config=", config: { min.insync.replicas: $4 }"
    shift 4
    { echo "version: 1"; echo "defaults: { partitions: $parts, replication_factor: $rf$config }"; echo "topics:"
      for t in "$@"; do echo "  - name: $t"; done; } >"$f"
}

# replicas_ok PREFIX RF: every partition of the topics named PREFIX* has RF replicas, all in sync.
replicas_ok() {
    kcat -L -J -b "$BROKER" 2>/dev/null | jq -e --arg p "$1" --argjson rf "$2" '
        [.topics[] | select(.topic | startswith($p)) | .partitions[]] as $ps
        | ($ps | length) > 0 and all($ps[]; (.replicas | length) == $rf and (.isrs | length) == $rf)' >/dev/null
}

# under_replicated PREFIX: how many partitions of PREFIX* have an ISR smaller than their replicas.
under_replicated() {
    kcat -L -J -b "$BROKER" 2>/dev/null | jq --arg p "$1" '
        [.topics[] | select(.topic | startswith($p)) | .partitions[] | select((.isrs | length) < (.replicas | length))] | length'
}

# Kafka's ProducerPerformance at $PROBE_RATE records a second for $PROBE_SECONDS on bench.probe,
# in the background, each output line prefixed with the time it was read. The first 2 s are
# warm-up (JVM, connections, metadata), left out of its steady-state figures.
start_probe() {
    local out=$1 n=$((PROBE_RATE * PROBE_SECONDS))
    K_PERF_LINE="$K_PERF --topic bench.probe --num-records $n --record-size 1024 --throughput $PROBE_RATE --reporting-interval 1000 --warmup-records $((PROBE_RATE * 2)) --producer-props bootstrap.servers=$BROKER acks=all linger.ms=0"
    (eval "$K_PERF_LINE" 2>>"$ERRLOG" | while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done >"$out") &
    PROBE_PID=$!
    # The move starts once the probe has been producing for 4 report windows.
    local i sent
    for i in $(seq 300); do
        sent=$(grep -c 'records sent' "$out" 2>/dev/null) || sent=0
        [ "$sent" -ge 4 ] && return 0
        kill -0 "$PROBE_PID" 2>/dev/null || break
        sleep 0.2
    done
    log "the latency probe did not start"; tail -20 "$ERRLOG" >&2; exit 1
}

# probe_row LABEL OUT T0 T1: a table row of the probe's figures: steady-state avg / p50 / p99 /
# p99.9 / max over its whole run, and the avg (record-weighted) and max of the 1 s report windows
# that ended between T0 and T1 + 1 s (the move; "-" without one).
probe_row() {
    local label=$1 out=$2 t0=${3:-} t1=${4:-}
    awk -v label="$label" -v t0="$t0" -v t1="$t1" '
        / steady state records sent/ {
            for (i = 1; i <= NF; i++) {
                if ($(i+1) == "ms" && $(i+2) == "avg") avg = $i
                if ($(i+1) == "ms" && $(i+2) == "max") max = $i
                if ($(i+1) == "ms" && $(i+2) ~ /^50th/) p50 = $i
                if ($(i+1) == "ms" && $(i+2) ~ /^99th/) p99 = $i
                if ($(i+1) == "ms" && $(i+2) ~ /^99.9th/) p999 = $i
            }
            sent = $2
        }
        /records sent, .* ms max latency\.$/ && t0 != "" && $1 > t0 && $1 <= t1 + 1 {
            n = $2; wn += n; ws += n * $(NF - 7); if ($(NF - 3) > wm) wm = $(NF - 3); w++
        }
        END {
            during = "-"
            if (t0 != "" && wn > 0) during = sprintf("%.1f / %.0f (%d windows)", ws / wn, wm, w)
            printf "| %s | %s | %.1f | %s | %s | %s | %.0f | %s |\n", label, sent, avg, p50, p99, p999, max, during
        }' "$out"
}

# kafka_move MANIFEST [THROTTLE_BYTES]: the peer doing the same move. Kafka's
# kafka-reassign-partitions --execute is given the replicas evbus's plan would set (the same
# targets, so the same bytes copied), then --verify is asked every second until it reports every
# partition complete (--verify also removes the throttle then, as evbus's apply does).
kafka_move() {
    local m=$1 throttle=${2:-} json=$BENCH_DIR/move-kafka.json
    (cd "$WORK" && "$EVBUS" -b "$BROKER" topics plan -f "$m" -o json) |
        jq '{version: 1, partitions: [.changes[] | select(.action == "reassign") | .topic as $t
            | .moves[] | {topic: $t, partition: .partition, replicas: .to}]}' >"$json"
    [ "$(jq '.partitions | length' "$json")" -gt 0 ] || { log "evbus planned no move for kafka-reassign-partitions"; return 1; }
    eval "$K_REASSIGN --bootstrap-server $BROKER --execute --reassignment-json-file $json ${throttle:+--throttle $throttle}" >/dev/null 2>>"$ERRLOG" ||
        return 1
    local i
    for i in $(seq 3600); do
        if eval "$K_REASSIGN --bootstrap-server $BROKER --verify --reassignment-json-file $json" 2>>"$ERRLOG" |
            grep -q "is still in progress"; then
            sleep 1
        else
            return 0
        fi
    done
    return 1
}

# A topic of $MOVE_MIB MiB at RF 1 is moved to RF 3, then back to 1 (untimed: the removed
# replicas are deleted, so the next move copies everything again), four times: by evbus and by
# Kafka's kafka-reassign-partitions, each without a throttle (both tools' default) and with one;
# a latency probe runs alone first, then during each move.
bench_move() {
    local T=bench.move n=$((MOVE_MIB * 1024)) setup=$BENCH_DIR/move-setup.yaml
    local m1=$BENCH_DIR/move-rf1.yaml m3=$BENCH_DIR/move-rf3.yaml probe=$BENCH_DIR/probe.yaml
    manifest "$m1" "$MOVE_PARTS" 1 - $T
    manifest "$m3" "$MOVE_PARTS" 3 - $T
    manifest "$probe" 3 3 2 bench.probe
    apply_manifest "$m1"
    apply_manifest "$probe"
    log "filling $T with $n records of 1 KiB"
    eval "$K_PERF --topic $T --num-records $n --record-size 1024 --throughput -1 --producer-props bootstrap.servers=$BROKER acks=1 linger.ms=20 batch.size=524288" >/dev/null 2>>"$ERRLOG"
    expect_records $T "$n"
    local bytes
    # The log segments only: Kafka preallocates each partition's index files (sparse, 10 MiB).
    bytes=$(find "$CLUSTER_DIR" -path "*/$T-*" -name '*.log' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    log "$T holds $((bytes / 1048576)) MiB of log segments at RF 1"
    wait_quiet
    local note=$LOAD_NOTE rows=() out t0 t1 times=() k label flags
    out=$BENCH_DIR/probe-alone.txt
    start_probe "$out"
    wait "$PROBE_PID"; PROBE_PID=""
    rows+=("$(probe_row "no move (the probe alone)" "$out")")
    local throttle_bytes
    throttle_bytes=$(numfmt --from=iec-i "${THROTTLE%B}")
    for k in plain kafka-plain throttled kafka-throttled; do
        if [ $k != plain ]; then
            apply_manifest "$m1"
            replicas_ok $T 1 || { log "$T is not back at RF 1"; exit 1; }
        fi
        case $k in
            plain) flags=""; label="**evbus topics apply** (RF 1 → 3, no throttle)" ;;
            throttled) flags="--throttle $THROTTLE"; label="**evbus topics apply --throttle $THROTTLE** (RF 1 → 3)" ;;
            kafka-plain) label="kafka-reassign-partitions --execute, then --verify each second (no throttle)" ;;
            kafka-throttled) label="kafka-reassign-partitions --execute --throttle $throttle_bytes, then --verify each second" ;;
        esac
        out=$BENCH_DIR/probe-$k.txt
        start_probe "$out"
        t0=$EPOCHREALTIME
        case $k in
            kafka-plain | kafka-throttled)
                # Wall and the tools' own CPU and memory: one JVM per call, measured together.
                /usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/move-$k.time" \
                    bash -c "$(declare -f kafka_move log); $(declare -p K_REASSIGN BROKER BENCH_DIR EVBUS WORK ERRLOG); kafka_move '$m3' $([ $k = kafka-throttled ] && echo "$throttle_bytes")" ||
                    { log "the $k move failed"; tail -20 "$ERRLOG" >&2; exit 1; }
                ;;
            *)
                # shellcheck disable=SC2086 # flags is a list of words
                /usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/move-$k.time" \
                    bash -c "cd '$WORK' && '$EVBUS' -b '$BROKER' -q --timeout 30s topics apply -f '$m3' --yes $flags" >/dev/null 2>>"$ERRLOG" ||
                    { log "the $k move failed"; tail -20 "$ERRLOG" >&2; exit 1; }
                ;;
        esac
        t1=$EPOCHREALTIME
        replicas_ok $T 3 || { log "$T is not at RF 3, all in sync, after the $k move"; exit 1; }
        wait "$PROBE_PID"; PROBE_PID=""
        local wall user sys rss within
        read -r wall user sys rss <"$BENCH_DIR/move-$k.time"
        within=$(awk -v a="$t0" -v b="$t1" -v p="$PROBE_SECONDS" 'BEGIN {print (b - a > p - 4) ? "outlasted the probe" : "within the probe"}')
        times+=("$(awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" -v wi="$within" \
            'BEGIN {printf "| %s | %.1f | %.1f | %.0f | %.2f | %s |\n", l, w, 2 * b / 1048576 / w, r / 1024, u + s, wi}')")
        rows+=("$(probe_row "during the move: $label" "$out" "$t0" "$t1")")
    done
    {
        echo
        echo "### move: a $MOVE_MIB MiB topic ($MOVE_PARTS partitions, $((bytes / 1048576)) MiB of log segments) from RF 1 to RF 3 ($(date -u '+%F %H:%M') UTC; $note, $(cut -d' ' -f1 /proc/loadavg) at the end)"
        echo
        echo "The Kafka rows' RSS is the largest of their JVMs (one per call) and their CPU the sum; the rate is the whole of each move, so the polling's 1 s granularity is in it."
        echo
        echo "| command | wall s | copied MiB/s (2 new replicas) | peak RSS MiB | CPU s | vs the probe |"
        echo "|---|---|---|---|---|---|"
        printf '%s\n' "${times[@]}"
        echo
        echo "Produce latency meanwhile on bench.probe (3 partitions, RF 3, min.insync.replicas 2): Kafka's ProducerPerformance, $PROBE_RATE records/s of 1 KiB, acks=all, linger.ms=0, for $PROBE_SECONDS s (first 2 s of warm-up left out); the move starts 4 s in."
        echo
        echo "| probe | records | avg ms | p50 ms | p99 ms | p99.9 ms | max ms | during the move: avg / max ms (1 s windows) |"
        echo "|---|---|---|---|---|---|---|---|"
        printf '%s\n' "${rows[@]}"
    } | tee -a "$RESULTS"
    # Gigabytes: gone before the next benchmark.
    eval "$K_TOPICS --bootstrap-server $BROKER --delete --topic $T" >/dev/null 2>>"$ERRLOG" || true
}

# health: $H_TOPICS topics × $H_PARTS partitions at RF 3, each holding 100 records a partition on average,
# $H_GROUPS groups with committed offsets (at the start) on every partition; health and lag beside
# Kafka's tools, then again with node 3 stopped.
bench_health() {
    local m=$BENCH_DIR/health.yaml verify=$BENCH_DIR/health-reassignment.json i t topics=() args=""
    for i in $(seq -f '%03g' "$H_TOPICS"); do topics+=("bench.health.t$i"); done
    manifest "$m" "$H_PARTS" 3 2 "${topics[@]}"
    log "creating $H_TOPICS topics × $H_PARTS partitions at RF 3, min.insync.replicas 2"
    apply_manifest "$m"
    for t in "${topics[@]}"; do
        seq $((H_PARTS * 100)) | kcat -P -b "$BROKER" -t "$t" -X linger.ms=20
        args="$args --topic $t"
    done
    for i in $(seq -f '%02g' "$H_GROUPS"); do args="$args --group bench-health-$i"; done
    log "committing offsets for $H_GROUPS groups on $((H_TOPICS * H_PARTS)) partitions"
    eval "$K_GROUPS --bootstrap-server $BROKER --reset-offsets --to-earliest $args --execute" >/dev/null 2>>"$ERRLOG"
    local parts seen
    parts=$((H_TOPICS * H_PARTS))
    # What kafka-reassign-partitions --verify checks: every partition's replicas as they are now.
    kcat -L -J -b "$BROKER" | jq '{version: 1, partitions: [.topics[] | select(.topic | startswith("bench.health."))
        | .topic as $t | .partitions[] | {topic: $t, partition: .partition, replicas: [.replicas[].id]}]}' >"$verify"
    [ "$(jq '.partitions | length' "$verify")" -eq "$parts" ] || { log "metadata lists the wrong partition count"; exit 1; }
    for i in $(seq 150); do replicas_ok bench.health. 3 && break; sleep 0.2; done
    seen=$(cd "$WORK" && "$EVBUS" -b "$BROKER" lag -o json | jq '[.. | objects | select(has("group")) | .group] | unique | length')
    log "evbus lag sees $seen groups"
    local H="$EVBUS -b $BROKER health --expect-brokers 3" L="$EVBUS -b $BROKER lag"
    local KT="$K_TOPICS --bootstrap-server $BROKER --describe" KG="$K_GROUPS --bootstrap-server $BROKER --describe --all-groups"
    local KR="$K_REASSIGN --bootstrap-server $BROKER --verify --reassignment-json-file $verify"
    wait_quiet
    measure health "**evbus health --expect-brokers 3 -o table**" - "$H -o table"
    measure health_json "evbus health --expect-brokers 3 -o json" - "$H -o json"
    measure kt_urp "kafka-topics --describe --under-replicated-partitions (prints nothing: none)" - "$KT --under-replicated-partitions"
    measure kr_verify "kafka-reassign-partitions --verify (all $parts partitions, as they are; also clears throttles)" - "$KR"
    measure lag "**evbus lag -o json** (every group: totals and a verdict)" - "$L -o json"
    measure lag_detail "evbus lag --detail -o json (a row per partition)" - "$L --detail -o json"
    measure kcg "kafka-consumer-groups --describe --all-groups (a row per partition)" - "$KG"
    {
        table "health: $H_TOPICS topics × $H_PARTS partitions at RF 3 (min.insync.replicas 2) on 3 nodes, all in sync" health health health_json kt_urp kr_verify
        echo
        echo "- kafka-topics --under-replicated-partitions ÷ evbus health: $(ratio kt_urp health); kafka-reassign-partitions --verify ÷ evbus health: $(ratio kr_verify health)"
        table "lag: $H_GROUPS groups with committed offsets on all $parts partitions ($seen groups on the cluster)" lag lag lag_detail kcg
        echo
        echo "- kafka-consumer-groups ÷ evbus lag: $(ratio kcg lag); ÷ evbus lag --detail: $(ratio kcg lag_detail)"
    } | tee -a "$RESULTS"

    log "stopping node 3"
    "$EVBUS" dev stop-broker 3 --dir "$CLUSTER_DIR" >&2
    for i in $(seq 300); do [ "$(under_replicated bench.health.)" -eq "$parts" ] && break; sleep 0.2; done
    [ "$(under_replicated bench.health.)" -eq "$parts" ] || { log "not every partition lost its replica on node 3"; exit 1; }
    wait_quiet
    # health exits 4 (unhealthy): broker 3 is expected and gone.
    measure down_health "**evbus health --expect-brokers 3 -o table** (exit 4 expected)" - "$H -o table; test \$? = 4"
    measure down_health_json "evbus health --expect-brokers 3 -o json (exit 4 expected)" - "$H -o json; test \$? = 4"
    measure down_kt_urp "kafka-topics --describe --under-replicated-partitions" - "$KT --under-replicated-partitions"
    measure down_kt_min "kafka-topics --describe --at-min-isr-partitions" - "$KT --at-min-isr-partitions"
    measure down_lag "evbus lag -o json" - "$L -o json"
    {
        table "health with node 3 stopped: all $parts partitions under-replicated and at min ISR" down_health \
            down_health down_health_json down_kt_urp down_kt_min down_lag
        echo
        echo "- kafka-topics --under-replicated-partitions ÷ evbus health: $(ratio down_kt_urp down_health); --at-min-isr-partitions ÷ evbus health: $(ratio down_kt_min down_health)"
    } | tee -a "$RESULTS"
}

cluster_machine_info() {
    local java_ver
    java_ver=$(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')
    echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores available (shared)"
    echo "- RAM: $(free -g | awk '/Mem:/ {print $2}') GiB; kernel $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- cluster: Apache Kafka $KAFKA_VER, 3 KRaft nodes (each broker and controller) from \`evbus dev up --brokers 3\` (512 MB heap each, racks r1-r3), data on local disk, same host"
    echo "- Kafka's tools: the $KAFKA_VER jars on OpenJDK $java_ver, JVM options of bin/kafka-run-class.sh"
    echo "- evbus: $("$EVBUS" --version | head -1) (release build)"
}

main_cluster() {
    local wanted=("$@") b
    [ ${#wanted[@]} -gt 0 ] || wanted=(move health)
    for b in "${wanted[@]}"; do
        case $b in move | health) ;; *) log "unknown benchmark '$b' (move, health)"; exit 2 ;; esac
    done
    ensure_tools
    ensure_evbus
    setup_kafka_tools
    K_PERF=$(kafka_tool 512M org.apache.kafka.tools.ProducerPerformance)
    K_REASSIGN=$(kafka_tool 256M org.apache.kafka.tools.reassign.ReassignPartitionsCommand)
    : >"$ERRLOG"
    LOAD_NOTE=""
    start_cluster
    { echo; echo "## $(date -u '+%F %T') UTC: cluster benchmarks"; cluster_machine_info; } | tee -a "$RESULTS"
    for b in "${wanted[@]}"; do
        "bench_$b"
    done
    stop_cluster
}

main_cluster "$@"
