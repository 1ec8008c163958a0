# Sourced by scripts/bench.sh and scripts/fuzz.sh: what both need to run a private single-node
# Apache Kafka (KRaft) on loopback. (`evbus dev up` and the test harness share the Rust writer,
# src/commands/dev/kafka.rs.)

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# kraft_properties BROKER CONTROLLER_PORT DATA_DIR: the server.properties lines of one combined
# broker and controller, every internal topic at replication factor 1. Callers append their own.
kraft_properties() {
    cat <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$2
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listeners=PLAINTEXT://$1,CONTROLLER://127.0.0.1:$2
advertised.listeners=PLAINTEXT://$1
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$3
num.partitions=1
offsets.topic.replication.factor=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
}
