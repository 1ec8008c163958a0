#!/usr/bin/env bash
# Benchmarks evbus beside kcat and beside Apache Kafka's own command-line tools, on a private
# single-node Apache Kafka (KRaft) that this script starts on a free loopback port.
#
#   scripts/bench.sh                  # every benchmark: tail produce lag plan validate serve
#   scripts/bench.sh tail lag         # some of them (one name per bench_<name> function)
#   BENCH_QUICK=1 scripts/bench.sh    # small sizes, one run each: checks the script itself
#
# Environment:
#   BENCH_RECORDS   events in the tail and produce benchmarks (default 1000000; quick: 50000)
#   BENCH_GROUPS    consumer groups in the lag benchmark (default 100; quick: 20)
#   BENCH_TOPICS    topics in the plan benchmark's manifest (default 1000; quick: 200)
#   BENCH_RUNS      runs of each command, the median is reported (default 3; quick: 1)
#   BENCH_SERVE_SECONDS   how long the serve benchmark watches `evbus serve` (default 60; quick: 15)
#   BENCH_SERVE_INTERVAL  its collection interval in seconds (default 1: many collections a minute)
#   BENCH_EVBUS     an evbus binary to measure instead of building target/release/evbus
#   BENCH_DIR       kcat's librdkafka, generated data, the broker's data and log (default target/bench)
#   BENCH_QUIET_WAIT  wait up to this many seconds in all (default 0: no wait) for the 1-minute load
#   BENCH_QUIET_LOAD  to fall below this (default 0.7) before each benchmark; the load is printed
#   KAFKA_VERSION   Apache Kafka release (default scripts/kafka/VERSION), from scripts/install-kafka.sh
#   BENCH_BEFORE    another evbus binary (e.g. a release build of an earlier commit): every evbus
#                   row is measured again with it, in the same run, as "... (before)"
#
# Results are printed as Markdown tables (a "÷" column divides each wall time by the evbus row the
# table names) and appended to $BENCH_DIR/results.md; copy what you keep into BENCHMARKS.md
# together with the machine info printed first.
#
# Peers:
# - kcat: Debian's kcat, run on a librdkafka >= 2.10 built once from the source bundled in the
#   rdkafka-sys crate (the librdkafka evbus links statically), via LD_LIBRARY_PATH, so both tools
#   use the same client library version.
# - Kafka's tools: the main classes of the release's jars, run the way bin/kafka-*.sh runs them
#   (heap -Xmx512M for the console tools, -Xmx256M for the others, G1), logging to stderr. Their
#   wall times include the JVM's start; a `--version` row shows what that start costs alone.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

QUICK=${BENCH_QUICK:-}
BENCH_DIR=${BENCH_DIR:-$ROOT/target/bench}
RECORDS=${BENCH_RECORDS:-$([ -n "$QUICK" ] && echo 50000 || echo 1000000)}
GROUPS_N=${BENCH_GROUPS:-$([ -n "$QUICK" ] && echo 20 || echo 100)}
TOPICS_N=${BENCH_TOPICS:-$([ -n "$QUICK" ] && echo 200 || echo 1000)}
RUNS=${BENCH_RUNS:-$([ -n "$QUICK" ] && echo 1 || echo 3)}
QUIET_WAIT=${BENCH_QUIET_WAIT:-0}
QUIET_LOAD=${BENCH_QUIET_LOAD:-0.7}
EVBUS=${BENCH_EVBUS:-$ROOT/target/release/evbus}
SERVE_SECONDS=${BENCH_SERVE_SECONDS:-$([ -n "$QUICK" ] && echo 15 || echo 60)}
SERVE_INTERVAL=${BENCH_SERVE_INTERVAL:-1}
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
RESULTS=$BENCH_DIR/results.md
# Commands run here: no topics.yaml or evbus.yaml of the repository is picked up.
WORK=$BENCH_DIR/work
ERRLOG=$BENCH_DIR/stderr.log
mkdir -p "$WORK"

log() { echo "bench: $*" >&2; }

ensure_tools() {
    local missing=""
    command -v kcat >/dev/null || missing="$missing kcat"
    command -v jq >/dev/null || missing="$missing jq"
    command -v curl >/dev/null || missing="$missing curl"
    [ -x /usr/bin/time ] || missing="$missing time"
    command -v python3 >/dev/null || missing="$missing python3"
    if [ -n "$missing" ]; then
        local sudo=""
        if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
        log "installing:$missing"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
    fi
    LIBS=$(bash scripts/install-kafka.sh | tail -1)
    KAFKA_VER=$(basename "$(ls "$LIBS"/kafka-clients-*.jar | head -1)" .jar)
    KAFKA_VER=${KAFKA_VER#kafka-clients-}
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
    [ -z "${BENCH_EVBUS:-}" ] || return 0
    log "building evbus (release)"
    cargo build --release --locked >&2
}

. scripts/kafka/kraft.sh

# JVM options of bin/kafka-run-class.sh (KAFKA_JVM_PERFORMANCE_OPTS).
JVM_PERF="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true"

# kafka_tool HEAP CLASS: the command line of one of Kafka's tools, as bin/kafka-*.sh runs it
# (warnings to stderr, like the release's tools-log4j2.yaml).
kafka_tool() {
    echo "java -Xmx$1 $JVM_PERF -Dlog4j2.configurationFile=$BENCH_DIR/tools-log4j2.properties -cp '$LIBS/*' $2"
}

setup_kafka_tools() {
    cat >"$BENCH_DIR/tools-log4j2.properties" <<'EOF'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
    K_CONSUMER=$(kafka_tool 512M org.apache.kafka.tools.consumer.ConsoleConsumer)
    K_PRODUCER=$(kafka_tool 512M org.apache.kafka.tools.ConsoleProducer)
    K_GROUPS=$(kafka_tool 256M org.apache.kafka.tools.consumer.group.ConsumerGroupCommand)
    K_TOPICS=$(kafka_tool 256M org.apache.kafka.tools.TopicCommand)
}

BROKER_PID=""
KAFKA_HOME_DIR=$BENCH_DIR/kafka
stop_broker() {
    if [ -n "$BROKER_PID" ]; then
        kill -9 "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
        BROKER_PID=""
        # Gigabytes after the produce benchmark; the log stays.
        rm -rf "$KAFKA_HOME_DIR/data"
    fi
}
trap stop_broker EXIT

# A private single-node KRaft broker (combined broker and controller) on free loopback ports,
# with the heap of bin/kafka-server-start.sh and the settings of the release's example
# config/server.properties for one node (replication factors 1); its data in $BENCH_DIR/kafka.
start_broker() {
    local port ctl dir=$KAFKA_HOME_DIR
    port=$(free_port)
    ctl=$(free_port)
    BROKER=127.0.0.1:$port
    rm -rf "$dir" && mkdir -p "$dir"
    {
        kraft_properties "$BROKER" "$ctl" "$dir/data"
        cat <<EOF
num.network.threads=3
num.io.threads=8
num.recovery.threads.per.data.dir=1
log.retention.hours=168
EOF
    } >"$dir/server.properties"
    local java_broker
    # shellcheck disable=SC2206 # JVM_PERF is a list of words
    java_broker=(java -Xmx1G -Xms1G $JVM_PERF "-Dlog4j2.configurationFile=$LIBS/log4j2.properties" -cp "$LIBS/*")
    (cd "$dir" && "${java_broker[@]}" kafka.tools.StorageTool format -t ZXZidXMtYmVuY2gtY2x1cw -c server.properties \
        >"$dir/format.log" 2>&1) || { cat "$dir/format.log" >&2; exit 1; }
    (cd "$dir" && exec "${java_broker[@]}" kafka.Kafka server.properties >"$dir/broker.log" 2>&1) &
    BROKER_PID=$!
    for _ in $(seq 600); do
        if kcat -L -b "$BROKER" -m 1 2>/dev/null | grep -q '1 brokers'; then
            log "Apache Kafka $KAFKA_VER at $BROKER (pid $BROKER_PID)"
            return
        fi
        kill -0 "$BROKER_PID" 2>/dev/null || { cat "$dir/broker.log" >&2; exit 1; }
        sleep 0.2
    done
    log "Kafka did not start"; cat "$dir/broker.log" >&2; exit 1
}

# $RECORDS JSON events (~250 bytes, an envelope with payload.role cycling over 5 roles, so a
# role filter matches 20%), generated once; and the same lines prefixed with evbus's two headers
# in kafka-console-producer's parse.headers format.
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
    EVENTS_H=$BENCH_DIR/events-$RECORDS.headers.txt
    [ -f "$EVENTS_H" ] || sed 's|^|event-type:UserRegistered,content-type:application/json\t|' "$EVENTS" >"$EVENTS_H"
}

# create_topics PARTITIONS NAME...: with evbus topics apply, from a manifest of those topics.
create_topics() {
    local parts=$1 m=$BENCH_DIR/topics-setup.yaml t
    shift
    { echo "version: 1"; echo "defaults: { partitions: $parts, replication_factor: 1 }"; echo "topics:"
      for t in "$@"; do echo "  - name: $t"; done; } >"$m"
    (cd "$WORK" && "$EVBUS" -b "$BROKER" -q topics apply -f "$m" --yes >/dev/null)
}

# end_offsets TOPIC: the sum of the partitions' high watermarks.
end_offsets() {
    local n p args=()
    n=$(kcat -L -J -b "$BROKER" -t "$1" | jq '.topics[0].partitions | length')
    for ((p = 0; p < n; p++)); do args+=(-t "$1:$p:-1"); done
    kcat -Q -b "$BROKER" "${args[@]}" 2>/dev/null | awk '{s += $NF} END {print s + 0}'
}

expect_records() {
    local n
    n=$(end_offsets "$1")
    [ "$n" -eq "$2" ] || { log "$1 holds $n records, expected $2"; exit 1; }
}

# Creates TOPIC with 4 partitions and loads the events with kcat (fastest loader available).
load_topic() {
    TOPIC=$1
    create_topics 4 "$TOPIC"
    log "loading $RECORDS events into $TOPIC"
    kcat -P -b "$BROKER" -t "$TOPIC" -X linger.ms=50 -X batch.size=262144 \
        -X queue.buffering.max.messages=2000000 -l "$EVENTS"
    expect_records "$TOPIC" "$RECORDS"
}

machine_info() {
    local java_ver
    java_ver=$(java -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')
    echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores available (shared)"
    echo "- RAM: $(free -g | awk '/Mem:/ {print $2}') GiB; kernel $(uname -r); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- broker: Apache Kafka $KAFKA_VER (KRaft, one combined node, -Xmx1G -Xms1G G1, data on local disk), same host"
    echo "- Kafka's tools: the $KAFKA_VER jars on OpenJDK $java_ver, JVM options of bin/kafka-run-class.sh"
    echo "- kcat: $(kcat -V 2>&1 | sed -n 's/^Version \([^ ]*\) .*\(librdkafka [^ ]*\).*/\1 with \2/p') (Debian's, on the librdkafka built by this script)"
    echo "- evbus: $("$EVBUS" --version | head -1) (release build)"
    [ -z "$BEFORE" ] || echo "- before: $("$BEFORE" --version | head -1) ($BEFORE)"
    echo "- jq: $(jq --version); records: $RECORDS JSON events of ~$(($(stat -c %s "$EVENTS") / RECORDS)) bytes"
}

# Waits (in all at most $QUIET_WAIT seconds over the whole run) until the 1-minute load average
# is below $QUIET_LOAD; sets LOAD_NOTE to what the load was.
QUIET_DEADLINE=""
wait_quiet() {
    local l start=$SECONDS
    [ -n "$QUIET_DEADLINE" ] || QUIET_DEADLINE=$((SECONDS + QUIET_WAIT))
    while l=$(cut -d' ' -f1 /proc/loadavg); awk -v l="$l" -v m="$QUIET_LOAD" 'BEGIN {exit !(l >= m)}' &&
        [ "$SECONDS" -lt "$QUIET_DEADLINE" ]; do
        log "1-minute load $l >= $QUIET_LOAD, waiting ($((QUIET_DEADLINE - SECONDS)) s left)"
        sleep 30
    done
    LOAD_NOTE="1-minute load $l at the start"
    [ $((SECONDS - start)) -eq 0 ] || LOAD_NOTE="$LOAD_NOTE (after waiting $((SECONDS - start)) s)"
}

# measure KEY LABEL EXPECTED_LINES CMD: runs `CMD | wc -l` $RUNS times under /usr/bin/time
# (stderr to $ERRLOG), fails unless every run exits 0 and prints EXPECTED_LINES lines ("-": any
# number); commands run in $WORK. Keeps the median wall time, every run's wall time, and the median run's CPU (user +
# sys of every process) and peak RSS (largest single process) for `table`.
declare -A M_LABEL M_WALL M_ALL M_CPU M_RSS M_LINES M_CMD M_EXPECT
measure() {
    local key=$1 label=$2 expect=$3 cmd=$4 i out walls=() rows=() lines wall user sys rss code
    M_CMD[$key]=$cmd
    M_EXPECT[$key]=$expect
    for i in $(seq "$RUNS"); do
        echo "== $key run $i: $cmd" >>"$ERRLOG"
        out=$( { /usr/bin/time -f "TIME %e %U %S %M %x" bash -o pipefail -c "cd '$WORK' && ( $cmd ) 2>>'$ERRLOG' | wc -l"; } 2>&1 ) || true
        lines=$(echo "$out" | grep -E '^ *[0-9]+$' | tail -1 | tr -d ' ')
        read -r _ wall user sys rss code <<<"$(echo "$out" | grep '^TIME' | tail -1)"
        if [ "${code:-1}" != 0 ]; then
            log "$key exited with status ${code:-?}: $cmd"; echo "$out" >&2; tail -20 "$ERRLOG" >&2; exit 1
        fi
        if [ "$expect" != - ] && [ "$lines" != "$expect" ]; then
            log "$key printed $lines lines, expected $expect: $cmd"; tail -20 "$ERRLOG" >&2; exit 1
        fi
        rows+=("$wall $user $sys $rss")
        walls+=("$wall")
        log "$key run $i: ${wall}s wall, ${user}s user, ${sys}s sys, ${rss} KB, $lines lines"
    done
    local median row
    median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    for row in "${rows[@]}"; do
        read -r wall user sys rss <<<"$row"
        if [ "$wall" = "$median" ]; then
            M_LABEL[$key]=$label
            M_WALL[$key]=$wall
            M_ALL[$key]=$(IFS=' '; echo "${walls[*]}")
            M_CPU[$key]=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
            M_RSS[$key]=$((rss / 1024))
            M_LINES[$key]=$lines
            return
        fi
    done
}

# before KEY...: with BENCH_BEFORE, measures each KEY's command again with that binary in place of
# this build's, as KEY_before.
BEFORE=${BENCH_BEFORE:-}
before() {
    [ -n "$BEFORE" ] || return 0
    local k
    for k in "$@"; do
        measure "${k}_before" "${M_LABEL[$k]//\*\*/} (before)" "${M_EXPECT[$k]}" "${M_CMD[$k]//$EVBUS/$BEFORE}"
    done
}

# ratio A B: A's median wall time divided by B's, e.g. "3.4×".
ratio() {
    awk -v a="${M_WALL[$1]}" -v b="${M_WALL[$2]}" 'BEGIN {if (b > 0) printf "%.1f×", a / b; else print "n/a"}'
}

# table TITLE REF KEY...: a Markdown table of measured rows; "÷" is each row's wall time divided
# by REF's (above 1: slower than REF).
table() {
    local title=$1 ref=$2 k label
    shift 2
    echo
    echo "### $title ($(date -u '+%F %H:%M') UTC; $LOAD_NOTE, $(cut -d' ' -f1 /proc/loadavg) at the end)"
    echo
    echo "| command | wall s (median of $RUNS) | all runs | CPU s | peak RSS MiB | wall ÷ ref |"
    echo "|---|---|---|---|---|---|"
    local keys=()
    for k in "$@"; do
        keys+=("$k")
        [ -z "${M_LABEL[${k}_before]:-}" ] || keys+=("${k}_before")
    done
    for k in "${keys[@]}"; do
        label=${M_LABEL[$k]//|/\\|}
        [ "$k" != "$ref" ] || label="$label (ref)"
        printf '| %s | %s | %s | %s | %s | %s |\n' "$label" "${M_WALL[$k]}" "${M_ALL[$k]}" "${M_CPU[$k]}" \
            "${M_RSS[$k]}" "$(ratio "$k" "$ref")"
    done
}

bench_tail() {
    load_topic bench.tail
    local T=$TOPIC B=$BROKER n=$RECORDS doctors=$((RECORDS / 5))
    local kcat_json="kcat -C -e -q -J -b $B -t $T -o beginning"
    local evbus_json="$EVBUS -b $B tail $T --from beginning --exit -q -o json"
    local kc="$K_CONSUMER --bootstrap-server $B --topic $T --from-beginning --max-messages $n"
    local meta="--formatter-property print.timestamp=true --formatter-property print.partition=true"
    meta="$meta --formatter-property print.offset=true --formatter-property print.key=true"
    meta="$meta --formatter-property print.headers=true"
    local jq_filter='select((.payload|fromjson).payload.role=="doctor")'
    # Untimed: the topic's segments into the page cache, so that no first run pays for them.
    kcat -C -e -q -b "$B" -t "$T" -o beginning -f '' >/dev/null
    wait_quiet
    measure evbus "**evbus tail T --from beginning --exit -o json**" "$n" "$evbus_json"
    measure kcat "kcat -C -e -J (defaults)" "$n" "$kcat_json"
    measure kcat_tuned "kcat -C -e -J -X fetch.queue.backoff.ms=5 (evbus's fetch setting)" "$n" \
        "$kcat_json -X fetch.queue.backoff.ms=5"
    measure kcc_meta "kafka-console-consumer --from-beginning --max-messages N, print.timestamp/partition/offset/key/headers=true (evbus's fields, tab-separated)" \
        "$n" "$kc $meta"
    measure evbus_raw "**evbus tail T --from beginning --exit -o raw** (value only)" "$n" "${evbus_json/-o json/-o raw}"
    measure kcat_raw "kcat -C -e (defaults: value only)" "$n" "kcat -C -e -q -b $B -t $T -o beginning"
    measure kcc "kafka-console-consumer --from-beginning --max-messages N (defaults: value only)" "$n" "$kc"
    measure jvm "kafka-console-consumer --version (the JVM's start and class loading alone)" 1 "$K_CONSUMER --version"
    measure kcat_floor "kcat -C -e -q -f '' (consume and print nothing: the broker's floor)" 0 \
        "kcat -C -e -q -b $B -t $T -o beginning -f ''"
    measure kcat_jq "kcat -C -e -J | jq -c '$jq_filter'" "$doctors" "$kcat_json | jq -c '$jq_filter'"
    measure evbus_filter "**evbus tail ... --filter '.payload.role == \"doctor\"'**" "$doctors" \
        "$evbus_json --filter '.payload.role == \"doctor\"'"
    # Not the `.path == literal` shape, so this one runs through jq (jaq) for every record.
    measure evbus_jq "evbus tail ... --filter '.payload | .role == \"doctor\"' (general jq path)" "$doctors" \
        "$evbus_json --filter '.payload | .role == \"doctor\"'"
    measure evbus_grep "evbus tail ... --grep '\"role\":\"doctor\"'" "$doctors" "$evbus_json --grep '\"role\":\"doctor\"'"
    before evbus evbus_raw evbus_filter evbus_jq evbus_grep
    {
        table "tail: $RECORDS records as JSON lines (and as values only)" evbus \
            evbus kcat kcat_tuned kcc_meta evbus_raw kcat_raw kcc jvm kcat_floor
        echo
        echo "- JSON lines: kcat -J (defaults) ÷ evbus: $(ratio kcat evbus); kcat -J tuned ÷ evbus: $(ratio kcat_tuned evbus); kafka-console-consumer with metadata (not JSON) ÷ evbus: $(ratio kcc_meta evbus)"
        echo "- values only: kcat ÷ evbus -o raw: $(ratio kcat_raw evbus_raw); kafka-console-consumer ÷ evbus -o raw: $(ratio kcc evbus_raw)"
        echo "- Kafka's tools' wall times include the JVM's start: the --version row is that start alone"
        table "tail with a filter: $doctors of $RECORDS records match" evbus_filter \
            kcat_jq evbus_filter evbus_jq evbus_grep
        echo
        echo "- kcat -J | jq ÷ evbus --filter (field comparison): $(ratio kcat_jq evbus_filter); ÷ evbus --filter (general jq path): $(ratio kcat_jq evbus_jq)"
    } | tee -a "$RESULTS"
}

# produce: the same file sent by evbus produce --input (which validates every line against
# scripts/bench-event.schema.json first), by kcat -P -l and by kafka-console-producer, each
# with its defaults and doing what evbus does on the wire; and 1M samples generated + validated.
bench_produce() {
    local B=$BROKER schema=$ROOT/scripts/bench-event.schema.json n=$RECORDS
    # What evbus does on the wire by default: idempotent acks=all, no compression (as Kafka's
    # own producer), linger 5 ms, the two headers. The lz4 rows show the cost of compression.
    local same="-X enable.idempotence=true -X acks=all -X linger.ms=5"
    same="$same -H event-type=UserRegistered -H content-type=application/json"
    # kafka-console-producer's defaults are idempotent with acks=all already (Java client).
    local kp_same="--command-property linger.ms=5 --reader-property parse.headers=true"
    local small=$BENCH_DIR/events-1000.jsonl small_h=$BENCH_DIR/events-1000.headers.txt
    head -n 1000 "$EVENTS" >"$small"
    head -n 1000 "$EVENTS_H" >"$small_h"
    local topics=(kcat kcat-same kcat-lz4 lz4 kcp kcp-same novalidate validate small-kcat small-kcat-same small-kcp small-evbus samples)
    create_topics 4 "${topics[@]/#/bench.produce.}"
    # Untimed: the file into the page cache (the first command of a run used to pay for it).
    cat "$EVENTS" "$EVENTS_H" >/dev/null
    wait_quiet
    measure evbus_dry "evbus produce T --input FILE --dry-run (validation only, no broker; lines printed)" "$n" \
        "$EVBUS -q produce bench.produce.validate --schema $schema --input $EVENTS --dry-run"
    measure evbus "**evbus produce T --input FILE** (validating every line)" 0 \
        "$EVBUS -b $B -q produce bench.produce.validate --schema $schema --input $EVENTS"
    expect_records bench.produce.validate $((RUNS * n))
    measure evbus_novalidate "evbus produce T --input FILE --no-validate" 0 \
        "$EVBUS -b $B -q produce bench.produce.novalidate --no-validate --input $EVENTS"
    measure kcat "kcat -P -l FILE (defaults: no idempotence, no compression, no headers)" 0 \
        "kcat -P -b $B -t bench.produce.kcat -l $EVENTS"
    measure kcat_same "kcat -P -l FILE with evbus's delivery settings and headers" 0 \
        "kcat -P -b $B -t bench.produce.kcat-same -l $EVENTS $same"
    expect_records bench.produce.kcat-same $((RUNS * n))
    measure evbus_lz4 "evbus produce T --input FILE --compression lz4 (validating every line)" 0 \
        "$EVBUS -b $B -q produce bench.produce.lz4 --schema $schema --input $EVENTS --compression lz4"
    measure kcat_lz4 "kcat -P -l FILE with evbus's delivery settings and headers, lz4" 0 \
        "kcat -P -b $B -t bench.produce.kcat-lz4 -l $EVENTS $same -X compression.type=lz4"
    measure kcp "kafka-console-producer < FILE (defaults: idempotent, acks=all, no compression, no headers)" 0 \
        "$K_PRODUCER --bootstrap-server $B --topic bench.produce.kcp < $EVENTS"
    measure kcp_same "kafka-console-producer $kp_same < FILE with the headers on each line (evbus's delivery settings)" 0 \
        "$K_PRODUCER --bootstrap-server $B --topic bench.produce.kcp-same $kp_same < $EVENTS_H"
    expect_records bench.produce.kcp-same $((RUNS * n))
    # Small files are the daily case: here start-up (connection, producer id, JVM) is the cost.
    measure s_evbus "**evbus produce T --input FILE** (validating every line)" 0 \
        "$EVBUS -b $B -q produce bench.produce.small-evbus --schema $schema --input $small"
    measure s_kcat "kcat -P -l FILE (defaults)" 0 "kcat -P -b $B -t bench.produce.small-kcat -l $small"
    measure s_kcat_same "kcat -P -l FILE with evbus's delivery settings and headers" 0 \
        "kcat -P -b $B -t bench.produce.small-kcat-same -l $small $same"
    measure s_kcp "kafka-console-producer < FILE (defaults)" 0 \
        "$K_PRODUCER --bootstrap-server $B --topic bench.produce.small-kcp < $small"
    measure s_kcp_same "kafka-console-producer $kp_same < FILE with headers" 0 \
        "$K_PRODUCER --bootstrap-server $B --topic bench.produce.small-kcp $kp_same < $small_h"
    measure sample "evbus schemas sample auth.user.registered -n $n (no broker)" "$n" \
        "$EVBUS schemas sample auth.user.registered -n $n --seed 1 --schemas $ROOT/schemas"
    measure sample_send "evbus produce auth.user.registered -n $n (generate, validate, send)" 0 \
        "$EVBUS -b $B -q produce bench.produce.samples --schema auth.user.registered --schemas $ROOT/schemas -n $n"
    before evbus evbus_novalidate evbus_dry s_evbus sample sample_send
    {
        table "produce: $RECORDS events from a JSON Lines file" evbus \
            evbus evbus_novalidate evbus_dry kcat kcat_same evbus_lz4 kcat_lz4 kcp kcp_same
        echo
        echo "- same work on the wire: kcat ÷ evbus (validating): $(ratio kcat_same evbus); kafka-console-producer ÷ evbus: $(ratio kcp_same evbus)"
        echo "- with lz4: kcat ÷ evbus: $(ratio kcat_lz4 evbus_lz4)"
        echo "- defaults: kcat ÷ evbus (validating): $(ratio kcat evbus); kafka-console-producer ÷ evbus: $(ratio kcp evbus)"
        table "produce: the first 1000 of those events" s_evbus s_evbus s_kcat s_kcat_same s_kcp s_kcp_same
        table "samples: $RECORDS generated and validated" sample sample sample_send
    } | tee -a "$RESULTS"
    # Gigabytes of data: gone before the next benchmark.
    eval "$K_TOPICS --bootstrap-server $B --delete --topic 'bench\\.produce\\..*'" 2>>"$ERRLOG" >&2
}

# lag: $GROUPS_N groups with committed offsets (set by kafka-consumer-groups --reset-offsets) on
# a topic of 4 partitions, then every group's lag.
bench_lag() {
    local B=$BROKER T=bench.lag i args="" lines=$BENCH_DIR/events-10000.jsonl
    create_topics 4 $T
    head -n 10000 "$EVENTS" >"$lines"
    kcat -P -b "$B" -t $T -X linger.ms=50 -l "$lines"
    expect_records $T "$(wc -l <"$lines")"
    # Only these groups: the console consumers of bench_tail leave empty groups behind.
    eval "$K_GROUPS --bootstrap-server $B --delete --all-groups" >/dev/null 2>>"$ERRLOG" || true
    for i in $(seq -f '%03g' "$GROUPS_N"); do args="$args --group bench-lag-$i"; done
    log "committing offsets for $GROUPS_N groups"
    eval "$K_GROUPS --bootstrap-server $B --reset-offsets --to-offset 1000 --topic $T $args --execute" >/dev/null 2>>"$ERRLOG"
    local seen
    seen=$(cd "$WORK" && "$EVBUS" -b "$B" lag -o json | jq '[.. | objects | select(has("group")) | .group] | unique | length')
    log "evbus lag sees $seen groups"
    wait_quiet
    measure evbus "**evbus lag -o json** (every group: totals and a verdict)" - "$EVBUS -b $B lag -o json"
    measure evbus_detail "evbus lag --detail -o json (a row per partition)" - "$EVBUS -b $B lag --detail -o json"
    measure evbus_table "evbus lag -o table" - "$EVBUS -b $B lag -o table"
    measure kcg "kafka-consumer-groups --describe --all-groups (a row per partition)" - \
        "$K_GROUPS --bootstrap-server $B --describe --all-groups"
    before evbus evbus_detail evbus_table
    {
        table "lag: $GROUPS_N groups with committed offsets on a topic of 4 partitions ($seen groups on the cluster)" evbus \
            evbus evbus_detail evbus_table kcg
        echo
        echo "- kafka-consumer-groups ÷ evbus lag: $(ratio kcg evbus); ÷ evbus lag --detail: $(ratio kcg evbus_detail)"
    } | tee -a "$RESULTS"
}

# serve: `evbus serve` watching $GROUPS_N groups with commits on every partition of a 30-partition
# topic, collecting every $SERVE_INTERVAL s (shorter than the 15 s default, so that the watch
# holds many collections) for $SERVE_SECONDS s: its CPU per collection and its memory, beside the
# bare cost of the same requests run once (`evbus lag -o json`, kafka-consumer-groups --describe
# --all-groups). The sleep is the measurement window, not a synchronisation.
bench_serve() {
    local B=$BROKER T=bench.serve i args="" lines=$BENCH_DIR/events-30000.jsonl port pid
    create_topics 30 $T
    head -n 30000 "$EVENTS" >"$lines"
    # (kcat -Q answers nothing for a topic of 30 fresh partitions: no expect_records here; the
    # lag numbers of the serve run show what was loaded.)
    kcat -P -b "$B" -t $T -X linger.ms=50 -l "$lines"
    eval "$K_GROUPS --bootstrap-server $B --delete --all-groups" >/dev/null 2>>"$ERRLOG" || true
    for i in $(seq -f '%03g' "$GROUPS_N"); do args="$args --group bench-serve-$i"; done
    log "committing offsets for $GROUPS_N groups on 30 partitions"
    eval "$K_GROUPS --bootstrap-server $B --reset-offsets --to-offset 500 --topic $T $args --execute" >/dev/null 2>>"$ERRLOG"
    wait_quiet
    measure serve_lag "evbus lag -o json (the same snapshot, once)" - "$EVBUS -b $B lag -o json"
    measure serve_kcg "kafka-consumer-groups --describe --all-groups" - "$K_GROUPS --bootstrap-server $B --describe --all-groups"
    table "serve: the bare cost of one collection's requests, $GROUPS_N groups × 30 partitions" serve_lag serve_lag serve_kcg | tee -a "$RESULTS"

    port=$(free_port)
    (cd "$WORK" && exec "$EVBUS" -b "$B" -q serve --listen "127.0.0.1:$port" --interval "${SERVE_INTERVAL}s") 2>>"$ERRLOG" &
    pid=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.2; done
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null || { log "evbus serve not ready"; kill "$pid"; exit 1; }
    local hz cpu0 cpu1 n0 n1 rss hwm dur size scrape series
    hz=$(getconf CLK_TCK)
    cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
    collections() { curl -sf "http://127.0.0.1:$port/metrics" | awk '$1 == "evbus_collections_total" {print $2}'; }
    cpu0=$(cpu_ticks); n0=$(collections)
    sleep "$SERVE_SECONDS"
    cpu1=$(cpu_ticks); n1=$(collections)
    rss=$(awk '/^VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
    hwm=$(awk '/^VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status")
    curl -sf "http://127.0.0.1:$port/metrics" >"$BENCH_DIR/serve-metrics.txt"
    dur=$(awk '$1 == "evbus_collection_duration_seconds" {printf "%.3f", $2}' "$BENCH_DIR/serve-metrics.txt")
    size=$(($(stat -c %s "$BENCH_DIR/serve-metrics.txt") / 1024))
    series=$(grep -vc '^#' "$BENCH_DIR/serve-metrics.txt")
    scrape=$(curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/metrics")
    kill -TERM "$pid"; wait "$pid" || { log "evbus serve did not exit 0 on SIGTERM"; exit 1; }
    awk -v c0="$cpu0" -v c1="$cpu1" -v n0="$n0" -v n1="$n1" -v hz="$hz" -v secs="$SERVE_SECONDS" \
        -v rss="$rss" -v hwm="$hwm" -v dur="$dur" -v size="$size" -v series="$series" -v scrape="$scrape" \
        -v iv="$SERVE_INTERVAL" -v groups="$GROUPS_N" -v when="$(date -u '+%F %H:%M')" -v load="$LOAD_NOTE" 'BEGIN {
        n = n1 - n0; cpu = (c1 - c0) / hz; per = n > 0 ? cpu / n : 0
        printf "\n### serve: %d groups × 30 partitions, a collection every %s s for %d s (%s UTC; %s)\n\n", groups, iv, secs, when, load
        print "| measure | value |"
        print "|---|---|"
        printf "| collections in the window | %d |\n", n
        printf "| CPU per collection (user + sys, whole process) | %.0f ms |\n", per * 1000
        printf "| last collection wall time (evbus_collection_duration_seconds) | %.0f ms |\n", dur * 1000
        printf "| CPU at the default 15 s interval (per collection ÷ 15 s) | %.2f%% of one core |\n", per / 15 * 100
        printf "| resident memory at the end (VmRSS) / peak (VmHWM) | %s / %s MiB |\n", rss, hwm
        printf "| /metrics page | %d series, %d KiB, served in %.1f ms |\n", series, size, scrape * 1000
    }' | tee -a "$RESULTS"
}

# plan: a manifest of $TOPICS_N topics (partitions and configs varying), applied first; then a
# plan that finds nothing to change, beside kafka-topics --describe of those topics (which lists
# them with their overridden configs but compares nothing).
bench_plan() {
    local B=$BROKER m=$BENCH_DIR/plan-$TOPICS_N.yaml i
    {
        echo "version: 1"
        echo "defaults:"
        echo "  partitions: 3"
        echo "  replication_factor: 1"
        echo "  config:"
        echo "    retention.ms: 7d"
        echo "    cleanup.policy: delete"
        echo "naming: '^[a-z]+\\.[a-z_]+\\.[a-z0-9_]+\$'"
        echo "topics:"
        for i in $(seq -f '%04g' "$TOPICS_N"); do
            echo "  - name: bench.plan.t$i"
            case $((10#$i % 4)) in
                0) echo "    partitions: 6"; echo "    config: { retention.ms: 30d }" ;;
                1) echo "    config: { retention.ms: 1d, max.message.bytes: 2MiB }" ;;
                2) echo "    partitions: 1"; echo "    config: { cleanup.policy: compact, min.compaction.lag.ms: 1h }" ;;
            esac
        done
    } >"$m"
    log "applying $TOPICS_N topics"
    local t0=$SECONDS
    (cd "$WORK" && "$EVBUS" -b "$B" -q --timeout 120s topics apply -f "$m" --yes >/dev/null)
    log "applied in $((SECONDS - t0)) s"
    (cd "$WORK" && "$EVBUS" -b "$B" topics plan -f "$m" --detailed-exitcode -o json >/dev/null) ||
        { log "the plan is not empty after apply"; exit 1; }
    wait_quiet
    measure evbus "**evbus topics plan** (no changes; table)" - \
        "$EVBUS -b $B topics plan -f $m --detailed-exitcode -o table"
    measure evbus_json "evbus topics plan -o json" - \
        "$EVBUS -b $B topics plan -f $m --detailed-exitcode -o json"
    measure kt "kafka-topics --describe --topic 'bench\\.plan\\..*' (lists topics and overridden configs; compares nothing)" - \
        "$K_TOPICS --bootstrap-server $B --describe --topic 'bench\\.plan\\..*'"
    before evbus evbus_json
    {
        table "topics plan: a $TOPICS_N-topic manifest with nothing to change" evbus evbus evbus_json kt
        echo
        echo "- kafka-topics --describe ÷ evbus topics plan: $(ratio kt evbus)"
    } | tee -a "$RESULTS"
}

# validate: a 40,000-topic manifest (and 1,000 groups) checked offline, and the same with one
# problem at its very end (every problem is located by line and column in one pass).
bench_validate() {
    local m=$WORK/validate-40k.yaml bad=$WORK/validate-40k-bad.yaml
    python3 - "$m" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("version: 1\ndefaults: {partitions: 3, config: {retention.ms: 7d}}\ntopics:\n")
    for i in range(40000):
        f.write(f"  - name: svc{i}.entity.happened\n    partitions: 6\n    config: {{ cleanup.policy: delete }}\n    producers: [svc{i}]\n")
    f.write("groups:\n")
    for i in range(1000):
        f.write(f"  - name: g{i}\n    topics: [svc{i}.entity.happened]\n")
PY
    { cat "$m"; echo "  - name: g0"; } >"$bad"
    measure evbus "**evbus topics validate** (40,000 topics, 1,000 groups)" - "$EVBUS -q topics validate -f $m"
    measure evbus_bad "evbus topics validate, one duplicate group at the end (exit 1 expected)" - \
        "$EVBUS -q topics validate -f $bad; test \$? = 1"
    before evbus evbus_bad
    {
        table "topics validate: a 40,000-topic manifest, offline" evbus evbus evbus_bad
    } | tee -a "$RESULTS"
}

main() {
    local wanted=("$@")
    [ ${#wanted[@]} -gt 0 ] || wanted=(tail produce lag plan validate serve)
    local b
    for b in "${wanted[@]}"; do
        declare -F "bench_$b" >/dev/null || { log "unknown benchmark '$b'"; exit 2; }
    done
    ensure_tools
    ensure_librdkafka
    ensure_evbus
    ensure_events
    setup_kafka_tools
    start_broker
    : >"$ERRLOG"
    LOAD_NOTE=""
    { echo; echo "## $(date -u '+%F %T') UTC${QUICK:+ (quick mode)}"; machine_info; } | tee -a "$RESULTS"
    for b in "${wanted[@]}"; do
        "bench_$b"
    done
    stop_broker
}

# Sourced (by scripts/bench-cluster.sh for its helpers): define only.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
