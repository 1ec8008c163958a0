//! `evbus dev up|down|status|stop-broker|start-broker`: a local single-node development broker,
//! the way `rpk container start` gives one, or a local N-node cluster for failure drills
//! (`up --brokers N`, see [`cluster`]).
//!
//! The broker is Apache Kafka in KRaft mode (one combined broker+controller node on loopback)
//! when Java 17+ and Kafka's jars are at hand: `$KAFKA_HOME/libs` (an official tarball), else
//! `$EVBUS_KAFKA_LIBS`, else the cache of `scripts/install-kafka.sh`. Without them it falls back
//! to nisshi (Kafka-protocol compatible, sqlite storage), which is what `dev` ran before Kafka
//! could be had without Docker; `--broker` picks one explicitly. Either way the data lives in the
//! state directory, so topics and records survive `down`/`up`.
//!
//! The broker runs detached in its own process group: it outlives the evbus process that started
//! it and does not get the terminal's Ctrl-C. What evbus needs to find it again lives next to the
//! data:
//!
//! - `<dir>/broker.pid`: the process id (`down` signals it, `status` checks it)
//! - `<dir>/broker.addr`: the address it listens on (`down`/`status` need no `--port`)
//! - `<dir>/broker.kind`: which broker runs (`kafka <version>` or `nisshi`)
//! - `<dir>/broker.log`: its stdout and stderr
//! - Kafka: `<dir>/kafka-data/` (formatted on the first start), `<dir>/server.properties` and the
//!   log configuration (both rewritten on every start), `<dir>/controller.port`
//! - nisshi: `<dir>/broker.db`, the sqlite storage
//!
//! Exit codes of `status`: 0 running and answering, 1 stopped, 4 (unhealthy) the process runs but
//! does not answer metadata requests.
//!
//! Split by job: [`state`] (the state directory's files and what they say), [`find`] (which
//! broker can run here: Java and Kafka's jars, or nisshi), [`kafka`] and [`nisshi`] (starting
//! each), [`probe`] (free ports, a broker that answers), [`report`] (what is printed); `up`,
//! `down` and `status` each in a file of their own; a cluster's layout and nodes in [`cluster`],
//! the commands on a cluster in [`nodes`].

mod cluster;
mod down;
mod find;
pub mod kafka;
mod nisshi;
mod nodes;
mod probe;
mod report;
mod run;
mod state;
mod status;
mod up;

pub use run::run;
