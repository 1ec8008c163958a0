//! `evbus dev up|down|status|stop-broker|start-broker`: the local development broker's (or
//! cluster's) flags.

// clap's derive turns a `///` on these structs, enums and flattened fields into --help text (an
// `about` or a heading), so they carry none; every argument's `///` is its help, pinned by the
// help snapshots in tests/cmd/help/.
#![allow(missing_docs, reason = "a doc comment here would change --help; see above")]

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
#[command(after_help = "Examples:
  evbus dev up && evbus topics apply --yes && evbus produce auth.user.registered -n 5
  evbus dev status
  evbus dev down
  evbus dev up --brokers 3 && evbus dev stop-broker 2   # a failure drill on a 3-node cluster

The broker is Apache Kafka (KRaft, combined broker+controller nodes), which needs Java 17+ and
Kafka's jars: $KAFKA_HOME/libs, else $EVBUS_KAFKA_LIBS, else what scripts/install-kafka.sh put in
~/.cache/evbus. Without them it falls back to nisshi ($NISSHI_BIN, PATH or ~/.cargo/bin;
scripts/install-broker.sh).")]
pub enum DevCommand {
    /// Start a local broker (Apache Kafka, else nisshi) on 127.0.0.1 with durable storage under .evbus/dev/
    #[command(after_help = "Examples:
  evbus dev up                        # 127.0.0.1:9092, data in .evbus/dev/
  evbus dev up --port 19092 --dir /tmp/evbus-dev
  evbus dev up --install              # fetch Kafka's jars first when they are missing (~1 min)
  evbus dev up --broker nisshi        # the Kafka-compatible nisshi instead of Apache Kafka
  evbus dev up --brokers 3            # 3 nodes: 127.0.0.1:9092-9094, racks r1-r3
  EVBUS_BROKERS=127.0.0.1:19092 evbus topics apply --yes

Waits until the broker answers (up to --timeout, at least 90s for Kafka and 30s for nisshi) and
prints its address. It keeps running after evbus exits; its log is <dir>/broker.log and its pid
<dir>/broker.pid. Kafka also needs a controller port: the first free one above --port, recorded in
<dir>/controller.port. Running `up` again while it runs is a no-op.

--brokers N (a number here, not addresses; 1 to 9) runs a cluster of N Apache Kafka nodes, each a
broker and a KRaft controller (a static quorum of all N): node K listens on --port + K - 1 in rack
rK, its controller on the first free ports after the clients', its data in <dir>/node<K>/.
Replicated internal topics and default.replication.factor follow N (at most 3). `up` on a
cluster's directory starts the nodes that are down.")]
    Up(DevUpArgs),
    /// Stop the local broker (SIGTERM, then SIGKILL after 30s for Kafka, 5s for nisshi); data is kept
    #[command(after_help = "Examples:
  evbus dev down
  evbus dev down --dir /tmp/evbus-dev
  rm -rf .evbus/dev                   # also forget the data

On a cluster's directory it stops every node at once (so that the quorum outlives each node's
controlled shutdown).")]
    Down(DevArgs),
    #[command(about = dev_status_about(), after_help = "Examples:
  evbus dev status
  evbus dev status -o json
  evbus dev status -q || evbus dev up

On a cluster, one line per node (id, address, rack, pid, running or down); exit 0 only when every
node runs and answers.")]
    Status(DevArgs),
    /// Stop one node of a `dev up --brokers N` cluster (SIGTERM: Kafka's controlled shutdown), for a failure drill
    #[command(after_help = "Examples:
  evbus dev stop-broker 2             # controlled shutdown: leaders move away first
  evbus dev stop-broker 2 --kill      # SIGKILL: the crash Kafka's controller must notice
  evbus health --expect-brokers 3     # now fails, naming broker 2 and what it affects
  evbus dev start-broker 2

Its data is kept; `dev start-broker N` (or `dev up`) starts it again.")]
    StopBroker(DevStopArgs),
    /// Start one stopped node of a `dev up --brokers N` cluster again, on its data and ports
    #[command(after_help = "Examples:
  evbus dev start-broker 2
  evbus health --wait 2m              # until its replicas are back in sync

Waits until the node answers (up to --timeout, at least 90s).")]
    StartBroker(DevNodeArgs),
}

/// `dev status`'s one-line help, with the codes from [`crate::exit`].
fn dev_status_about() -> String {
    use crate::exit::{ERROR, OK, UNHEALTHY};
    format!(
        "Is the local broker running, and which one? Exit {OK} running, {ERROR} stopped, {UNHEALTHY} running but not answering"
    )
}

#[derive(Debug, Args)]
pub struct DevArgs {
    /// Port to listen on (`up`); `down` and `status` use the address `up` recorded
    #[arg(long, default_value_t = 9092)]
    pub port: u16,
    /// State directory (pid file, storage, log)
    #[arg(long, default_value = ".evbus/dev", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DevUpArgs {
    #[command(flatten)]
    pub dev: DevArgs,
    /// Which broker to run
    #[arg(long, value_enum, default_value_t = DevBroker::Auto)]
    pub broker: DevBroker,
    /// Install what the broker needs when it is missing: Kafka's jars (scripts/install-kafka.sh), or
    /// nisshi with --broker nisshi (scripts/install-broker.sh)
    #[arg(long)]
    pub install: bool,
}

#[derive(Debug, Args)]
pub struct DevNodeArgs {
    /// The node's id (1 to N)
    #[arg(value_name = "N", value_parser = clap::value_parser!(u16).range(1..=9))]
    pub node: u16,
    /// State directory of the cluster
    #[arg(long, default_value = ".evbus/dev", value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct DevStopArgs {
    #[command(flatten)]
    pub node: DevNodeArgs,
    /// SIGKILL at once (a crash: no controlled shutdown) instead of SIGTERM
    #[arg(long)]
    pub kill: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DevBroker {
    /// Apache Kafka when Java 17+ and Kafka's jars are at hand, else nisshi
    Auto,
    /// Apache Kafka in KRaft mode (Java 17+ and Kafka's jars)
    Kafka,
    /// nisshi, a Kafka-compatible broker with sqlite storage
    Nisshi,
}
