#!/usr/bin/env bash
# Installs Apache Kafka's own jars (broker, KRaft storage tool, reference CLI tools) from Maven
# Central into a cache directory, with Maven and the small pom in scripts/kafka/. Idempotent.
#   scripts/install-kafka.sh                 # the pinned version (scripts/kafka/VERSION)
#   KAFKA_VERSION=3.9.1 scripts/install-kafka.sh
# Prints the libs directory on its last line. Java >= 17 and Maven come from Debian when missing.
# Cache: ${EVBUS_CACHE:-~/.cache/evbus}/kafka-<version>/libs (about 55 MB; ~1 minute the first time),
# and for Kafka 4.x kafka-<version>/streams-libs (the Kafka Streams jar, for tests/it/streams.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${KAFKA_VERSION:-$(cat scripts/kafka/VERSION)}"
CACHE="${EVBUS_CACHE:-$HOME/.cache/evbus}"
DEST="$CACHE/kafka-$VERSION"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi

java_major() { java -version 2>&1 | sed -nE 's/.*version "([0-9]+).*/\1/p' | head -1; }
missing=""
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then missing="$missing openjdk-17-jre-headless"; fi
if ! command -v mvn >/dev/null 2>&1 && [ ! -f "$DEST/libs/.complete" ]; then missing="$missing maven"; fi
if [ -n "$missing" ]; then
    echo "install-kafka: installing Debian packages:$missing" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
fi

# Kafka 4.x: the Kafka Streams jar too, in streams-libs/ beside libs/ (the broker's class path stays
# as it is), for the streams-group tests' application. Its other dependencies (kafka-clients,
# slf4j) are in libs/ already; RocksDB is left out: the test application keeps its state in memory.
install_streams() {
    case "$VERSION" in 3.*|2.*|1.*|0.*) return 0 ;; esac
    [ -f "$DEST/streams-libs/.complete" ] && return 0
    echo "install-kafka: resolving Kafka Streams $VERSION from Maven Central into $DEST/streams-libs" >&2
    local stmp="$DEST/streams-libs.tmp.$$"
    rm -rf "$stmp"
    mvn -q -B -f scripts/kafka/streams-pom.xml -Dkafka.version="$VERSION" \
        dependency:copy-dependencies -DincludeScope=runtime -DincludeArtifactIds=kafka-streams \
        -DoutputDirectory="$stmp" >&2
    touch "$stmp/.complete"
    rm -rf "$DEST/streams-libs"
    mv "$stmp" "$DEST/streams-libs"
}

if [ -f "$DEST/libs/.complete" ]; then
    echo "install-kafka: Apache Kafka $VERSION already in $DEST/libs" >&2
    if ! command -v mvn >/dev/null 2>&1 && [ ! -f "$DEST/streams-libs/.complete" ]; then
        echo "install-kafka: installing Debian packages: maven" >&2
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq maven >&2
    fi
    install_streams
    echo "$DEST/libs"
    exit 0
fi

echo "install-kafka: resolving Apache Kafka $VERSION from Maven Central into $DEST/libs" >&2
mkdir -p "$DEST"
tmp="$DEST/libs.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
mvn -q -B -f scripts/kafka/pom.xml -Dkafka.version="$VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >&2
# The broker refuses to start with two slf4j APIs on its class path; keep the newest.
ls "$tmp"/slf4j-api-1.*.jar >/dev/null 2>&1 && [ -n "$(ls "$tmp"/slf4j-api-2.*.jar 2>/dev/null)" ] && rm -f "$tmp"/slf4j-api-1.*.jar
cp scripts/kafka/log4j2.properties "$tmp/log4j2.properties"
touch "$tmp/.complete"
rm -rf "$DEST/libs"
mv "$tmp" "$DEST/libs"
trap - EXIT
install_streams
echo "install-kafka: installed $(ls "$DEST/libs"/*.jar | wc -l) jars" >&2
echo "$DEST/libs"
