//! Running Apache Kafka for `evbus dev`: its configuration (written on every start), the
//! storage format on the first start, and the JVM.

use std::fs;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context as _, Result, anyhow, bail};

use super::find::Kafka;
use super::probe::port_is_free;
use super::state::State;
use super::state::{MARKER, write_file};
use crate::app::App;

/// The KRaft cluster id storage is formatted with: base64 of the 16 bytes "evbus-dev-broker".
/// Fixed, because the data directory is only ever formatted once, by us.
const KAFKA_CLUSTER_ID: &str = "ZXZidXMtZGV2LWJyb2tlcg";
/// Kafka 4 and the install script's jars log through log4j2: warnings, plus the lines that say
/// the broker started, so that broker.log stays readable.
const KAFKA_LOG4J2: &str = include_str!("../../../scripts/kafka/log4j2.properties");
/// The same for the reload4j (log4j 1) of Kafka 3 tarballs; without it they would log nothing.
const KAFKA_LOG4J1: &str = "\
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
";

/// A JVM on Kafka's class path, in the state directory, logging to stdout (broker.log).
pub(super) fn kafka_java(k: &Kafka, dir: &Path, heap: &[&str]) -> Command {
    let mut c = Command::new(&k.java);
    c.current_dir(dir)
        .args(heap)
        .args(["-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"])
        .arg(format!("-Dlog4j2.configurationFile={}", dir.join("log4j2.properties").display()))
        .arg(format!("-Dlog4j.configuration=file:{}", dir.join("log4j.properties").display()))
        .arg("-cp")
        // The JVM expands `dir/*` to the jars itself.
        .arg(format!("{}/*", k.libs.display()))
        .stdin(Stdio::null());
    c
}

/// Kafka's controller listener port: the recorded one, so it stays put across restarts, else
/// the first free port above the client port.
pub(super) fn controller_port(app: &App, state: &State, port: u16) -> Result<u16> {
    let file = state.dir.join("controller.port");
    let recorded = fs::read_to_string(&file).ok().and_then(|s| s.trim().parse::<u16>().ok()).filter(|p| *p != 0);
    if let Some(p) = recorded
        && p != port
        && port_is_free(p)
    {
        return Ok(p);
    }
    let picked = (port.saturating_add(1)..=port.saturating_add(100))
        .find(|p| *p != port && port_is_free(*p))
        .or_else(|| TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok().map(|a| a.port()))
        .ok_or_else(|| anyhow!("no free port on 127.0.0.1 for Kafka's controller listener"))?;
    if let Some(p) = recorded {
        // The voters are static configuration (controller.quorum.voters), not stored in the
        // metadata log, so the controller can move without touching the data.
        app.ui.info(format!("evbus: Kafka's controller port {p} is taken now; it moves to {picked}"));
    }
    write_file(&file, &format!("{picked}\n"))?;
    Ok(picked)
}

/// `evbus dev`'s broker: one PLAINTEXT listener for clients, data in `<dir>/kafka-data`.
pub(super) fn server_properties(dir: &Path, port: u16, controller: u16) -> String {
    format!(
        "# Written by `evbus dev up` on every start: edits here are overwritten.\n{}",
        kraft_properties(&[("PLAINTEXT", "PLAINTEXT", port)], controller, &dir.join("kafka-data"))
    )
}

/// The `server.properties` of a combined broker+controller KRaft node on loopback, sized for a
/// laptop or a test run: single-replica internal topics with few partitions, no initial
/// rebalance delay.
///
/// `listeners` are (name, security protocol, port); the first one is also the inter-broker
/// listener. The controller listens (PLAINTEXT) on `controller`. One source for `evbus dev` and
/// the private brokers of the integration tests (tests/it/broker.rs), which append their own
/// lines (later lines win in a properties file).
pub fn kraft_properties(listeners: &[(&str, &str, u16)], controller: u16, data: &Path) -> String {
    let controller_listener = ("CONTROLLER", "PLAINTEXT", controller);
    // The controller's listener right after the first one: the order `evbus dev` always wrote.
    let all: Vec<(&str, &str, u16)> = listeners
        .iter()
        .take(1)
        .copied()
        .chain(std::iter::once(controller_listener))
        .chain(listeners.iter().skip(1).copied())
        .collect();
    let join = |f: &dyn Fn(&(&str, &str, u16)) -> String, ls: &[(&str, &str, u16)]| {
        ls.iter().map(f).collect::<Vec<_>>().join(",")
    };
    let url = |(name, _, port): &(&str, &str, u16)| format!("{name}://127.0.0.1:{port}");
    format!(
        "process.roles=broker,controller\n\
         node.id=1\n\
         controller.quorum.voters=1@127.0.0.1:{controller}\n\
         controller.listener.names=CONTROLLER\n\
         inter.broker.listener.name={inter}\n\
         listeners={listen}\n\
         advertised.listeners={advertised}\n\
         listener.security.protocol.map={map}\n\
         log.dirs={data}\n\
         num.partitions=1\n\
         default.replication.factor=1\n\
         offsets.topic.replication.factor=1\n\
         offsets.topic.num.partitions=3\n\
         transaction.state.log.replication.factor=1\n\
         transaction.state.log.min.isr=1\n\
         transaction.state.log.num.partitions=2\n\
         share.coordinator.state.topic.replication.factor=1\n\
         share.coordinator.state.topic.min.isr=1\n\
         share.coordinator.state.topic.num.partitions=1\n\
         group.initial.rebalance.delay.ms=0\n\
         num.network.threads=2\n\
         num.io.threads=4\n\
         num.recovery.threads.per.data.dir=1\n",
        inter = listeners.first().map_or("CONTROLLER", |l| l.0),
        listen = join(&url, &all),
        advertised = join(&url, listeners),
        map = join(&|(name, proto, _)| format!("{name}:{proto}"), &all),
        data = data.display(),
    )
}

/// Features `StorageTool format` must be told to enable: share groups (`share.version`) are on
/// by default from Kafka 4.2 (4.4 formats level 2), off in 4.1, where they are a preview a
/// developer trying them needs on; before 4.1 they are early access, not enabled here.
fn format_features(version: &str) -> &'static [&'static str] {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    match (parts.next(), parts.next()) {
        (Some(4), Some(1)) => &["--feature", "share.version=1"],
        _ => &[],
    }
}

/// Write the configuration, format the storage on the first start, and start `kafka.Kafka`.
pub(super) fn start_kafka(app: &App, state: &State, dir: &Path, k: &Kafka, port: u16, log: fs::File) -> Result<Child> {
    let controller = controller_port(app, state, port)?;
    app.ui.info(format!("evbus: starting Apache Kafka {} (this takes a few seconds)", k.version));
    launch(app, state, dir, k, &server_properties(dir, port, controller), "-Xmx1g", log)
}

/// Write `properties` and the log configuration into the node's directory `dir` (absolute),
/// format its storage when it has none yet, and start its JVM with `heap` (`-Xmx...`) in a
/// process group of its own, logging to `log`.
pub(super) fn launch(
    app: &App,
    state: &State,
    dir: &Path,
    k: &Kafka,
    properties: &str,
    heap: &str,
    log: fs::File,
) -> Result<Child> {
    configure(app, state, dir, k, properties, &log)?;
    spawn_kafka(k, dir, heap, log)
}

/// Write `properties` and the log configuration into `dir`, and format the storage when it has
/// none yet (the first start).
pub(super) fn configure(
    app: &App,
    state: &State,
    dir: &Path,
    k: &Kafka,
    properties: &str,
    log: &fs::File,
) -> Result<()> {
    write_file(&dir.join("server.properties"), properties)?;
    write_file(&dir.join("log4j2.properties"), KAFKA_LOG4J2)?;
    write_file(&dir.join("log4j.properties"), KAFKA_LOG4J1)?;
    app.ui.debug(format!("Apache Kafka {} from {}, java {}", k.version, k.libs.display(), k.java.display()));

    let data = dir.join("kafka-data");
    if !data.join("meta.properties").is_file() {
        app.ui.info(format!("evbus: formatting Kafka's storage in {}", state.dir.join("kafka-data").display()));
        let status = kafka_java(k, dir, &["-Xmx256m"])
            .args(["kafka.tools.StorageTool", "format", "-t", KAFKA_CLUSTER_ID, "-c", "server.properties"])
            .args(format_features(&k.version))
            .stdout(log.try_clone()?)
            .stderr(log.try_clone()?)
            .status()
            .with_context(|| format!("cannot run {}", k.java.display()))?;
        if !status.success() {
            bail!(
                "formatting Kafka's storage in {} failed ({status}). Last lines of {}:\n{}",
                data.display(),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
    }
    Ok(())
}

/// Start `kafka.Kafka` on the `server.properties` in `dir`, in a process group of its own.
pub(super) fn spawn_kafka(k: &Kafka, dir: &Path, heap: &str, log: fs::File) -> Result<Child> {
    let mut cmd = kafka_java(k, dir, &["-Xms128m", heap]);
    cmd.arg(format!("-Devbus.dev={MARKER}"))
        .args(["kafka.Kafka", "server.properties"])
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: it outlives evbus and the terminal's Ctrl-C is not sent to it.
        .process_group(0);
    cmd.spawn().with_context(|| format!("cannot start {}", k.java.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `evbus dev` wrote before the writer was shared with the test harness, to the byte.
    #[test]
    fn share_groups_are_enabled_where_kafka_leaves_them_off() {
        assert_eq!(format_features("4.1.1"), ["--feature", "share.version=1"]);
        assert!(format_features("4.4.0").is_empty() && format_features("3.9.2").is_empty());
    }

    #[test]
    fn dev_server_properties_are_unchanged() {
        let dir = Path::new("/state");
        let expected = "# Written by `evbus dev up` on every start: edits here are overwritten.\n\
             process.roles=broker,controller\n\
             node.id=1\n\
             controller.quorum.voters=1@127.0.0.1:9093\n\
             controller.listener.names=CONTROLLER\n\
             inter.broker.listener.name=PLAINTEXT\n\
             listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\n\
             advertised.listeners=PLAINTEXT://127.0.0.1:9092\n\
             listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n\
             log.dirs=/state/kafka-data\n\
             num.partitions=1\n\
             default.replication.factor=1\n\
             offsets.topic.replication.factor=1\n\
             offsets.topic.num.partitions=3\n\
             transaction.state.log.replication.factor=1\n\
             transaction.state.log.min.isr=1\n\
             transaction.state.log.num.partitions=2\n\
             share.coordinator.state.topic.replication.factor=1\n\
             share.coordinator.state.topic.min.isr=1\n\
             share.coordinator.state.topic.num.partitions=1\n\
             group.initial.rebalance.delay.ms=0\n\
             num.network.threads=2\n\
             num.io.threads=4\n\
             num.recovery.threads.per.data.dir=1\n";
        assert_eq!(server_properties(dir, 9092, 9093), expected);
    }

    #[test]
    fn more_listeners_follow_the_controller_and_the_first_is_inter_broker() {
        let p = kraft_properties(&[("INTERNAL", "PLAINTEXT", 1), ("SSL", "SSL", 3)], 2, Path::new("/d"));
        assert!(p.contains("\ninter.broker.listener.name=INTERNAL\n"), "{p}");
        assert!(p.contains("\nlisteners=INTERNAL://127.0.0.1:1,CONTROLLER://127.0.0.1:2,SSL://127.0.0.1:3\n"), "{p}");
        assert!(p.contains("\nadvertised.listeners=INTERNAL://127.0.0.1:1,SSL://127.0.0.1:3\n"), "{p}");
        assert!(
            p.contains("\nlistener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL\n"),
            "{p}"
        );
    }
}
