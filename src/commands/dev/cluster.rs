//! `evbus dev up --brokers N`: a local KRaft cluster of N nodes (Apache Kafka only), for
//! replication and failure drills the way `rpk container start -n 3` gives one.
//!
//! Every node is a combined broker+controller and the quorum is a static voter list of all of
//! them, so any minority can be stopped and the rest carries on. Node K listens for clients on
//! `--port + K - 1` (9092, 9093, 9094 by default, so the usual bootstrap list works) and sits in
//! rack `rK`; the controller listeners take the first free ports after the clients'. Replicated
//! internal topics and `default.replication.factor` follow the cluster's size (at most 3, with
//! `min.insync.replicas` 2 where Kafka asks for one), so a plain topic survives a node down.
//!
//! The state directory then holds `<dir>/cluster` (the node count) and one directory per node,
//! `<dir>/node<K>/`, laid out like a single broker's state directory ([`State`]): pid, address,
//! kind, log, `kafka-data/`, `server.properties`, `controller.port`. The voters are static
//! configuration (rewritten on every start), so the controller ports may move while every node
//! is down, never while one runs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};

use super::down::stop_pid;
use super::find::Kafka;
use super::kafka::{configure, kraft_properties, spawn_kafka};
use super::probe::{brokers_listed, port_is_free};
use super::state::{Kind, Recorded, State, address, write_file};
use crate::app::App;

/// A node's JVM heap: three of them must fit a laptop beside the IDE (Kafka's own default is 1g).
const NODE_HEAP: &str = "-Xmx512m";

/// A cluster's state directory.
pub(super) struct Cluster {
    pub(super) dir: PathBuf,
    pub(super) n: u16,
}

impl Cluster {
    fn count_file(dir: &Path) -> PathBuf {
        dir.join("cluster")
    }

    /// The cluster `dir` holds, if it holds one.
    pub(super) fn recorded(dir: &Path) -> Option<Cluster> {
        let text = fs::read_to_string(Cluster::count_file(dir)).ok()?;
        let n = text.trim().parse::<u16>().ok().filter(|n| *n >= 1)?;
        Some(Cluster { dir: dir.to_path_buf(), n })
    }

    pub(super) fn record(&self) -> Result<()> {
        fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        write_file(&Cluster::count_file(&self.dir), &format!("{}\n", self.n))
    }

    pub(super) fn ids(&self) -> std::ops::RangeInclusive<u16> {
        1..=self.n
    }

    /// Node `id`'s state directory.
    pub(super) fn node(&self, id: u16) -> State {
        State { dir: self.dir.join(format!("node{id}")) }
    }

    /// Node `id` of this cluster, or a usage error naming the ids there are.
    pub(super) fn check_id(&self, id: u16) -> Result<()> {
        if id == 0 || id > self.n {
            bail!(crate::exit::Exit::usage(format!(
                "no node {id} in the cluster of {} in {} (its nodes are 1 to {})",
                self.n,
                self.dir.display(),
                self.n
            )));
        }
        Ok(())
    }

    /// The recorded client and controller ports of every node (what the running ones use).
    pub(super) fn ports(&self) -> Result<(Vec<u16>, Vec<u16>)> {
        let read = |f: PathBuf| -> Result<u16> {
            let text = fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?;
            let last = text.trim().rsplit(':').next().unwrap_or_default();
            last.parse().map_err(|_| anyhow!("{} does not hold a port: {:?}", f.display(), text.trim()))
        };
        let clients = self.ids().map(|i| read(self.node(i).addr_file())).collect::<Result<_>>()?;
        let controllers = self.ids().map(|i| read(self.node(i).dir.join("controller.port"))).collect::<Result<_>>()?;
        Ok((clients, controllers))
    }

    /// Every node's client address, comma-separated: the bootstrap list for `-b`.
    pub(super) fn bootstrap(&self, clients: &[u16]) -> String {
        clients.iter().map(|p| address(*p)).collect::<Vec<_>>().join(",")
    }
}

/// Node `id`'s rack.
pub(super) fn rack(id: u16) -> String {
    format!("r{id}")
}

/// A state directory that holds a single broker's data: a cluster there would hide it.
pub(super) fn holds_single_broker(dir: &Path) -> bool {
    ["broker.pid", "kafka-data", "broker.db"].iter().any(|f| dir.join(f).exists())
}

/// Node `id`'s `server.properties`: `evbus dev`'s single node, then what makes it one of `n`
/// (later lines win in a properties file).
pub(super) fn node_properties(dir: &Path, id: u16, clients: &[u16], controllers: &[u16]) -> String {
    let i = usize::from(id - 1);
    let n = clients.len();
    let voters: Vec<String> = controllers.iter().enumerate().map(|(i, p)| format!("{}@127.0.0.1:{p}", i + 1)).collect();
    let rf = n.min(3);
    // Two nodes with a minimum of two would stop transactions whenever one is down.
    let min_isr = if n >= 3 { 2 } else { 1 };
    format!(
        "# Written by `evbus dev up --brokers {n}` on every start: edits here are overwritten.\n{}\
         # Node {id} of {n}.\n\
         node.id={id}\n\
         controller.quorum.voters={voters}\n\
         broker.rack={rack}\n\
         default.replication.factor={rf}\n\
         offsets.topic.replication.factor={rf}\n\
         transaction.state.log.replication.factor={rf}\n\
         transaction.state.log.min.isr={min_isr}\n\
         share.coordinator.state.topic.replication.factor={rf}\n\
         share.coordinator.state.topic.min.isr={min_isr}\n",
        kraft_properties(&[("PLAINTEXT", "PLAINTEXT", clients[i])], controllers[i], &dir.join("kafka-data")),
        voters = voters.join(","),
        rack = rack(id),
    )
}

/// Client ports `port`, `port + 1`, ...: one per node, or an error naming the first taken one.
pub(super) fn client_ports(port: u16, n: u16) -> Result<Vec<u16>> {
    let ports: Vec<u16> = (0..n)
        .map(|i| port.checked_add(i))
        .collect::<Option<_>>()
        .ok_or_else(|| crate::exit::Exit::usage(format!("--port {port}: {n} nodes need {n} ports from there")))?;
    if let Some(taken) = ports.iter().find(|p| !port_is_free(**p)) {
        bail!(
            "port {taken} on 127.0.0.1 is already in use (another Kafka or dev broker?); a cluster of {n} needs \
             ports {} to {} free. Stop whatever listens there, or start on other ports: evbus dev up --brokers {n} \
             --port P",
            ports[0],
            ports[ports.len() - 1]
        );
    }
    Ok(ports)
}

/// The controller ports: the recorded ones when they are all still free, else the first free
/// ports after the client ports. Only called while every node is down.
pub(super) fn controller_ports(app: &App, c: &Cluster, clients: &[u16]) -> Result<Vec<u16>> {
    let recorded: Option<Vec<u16>> = c.ids().map(|i| read_port(&c.node(i).dir.join("controller.port"))).collect();
    if let Some(r) = &recorded
        && r.iter().all(|p| !clients.contains(p) && port_is_free(*p))
    {
        return Ok(r.clone());
    }
    let last = clients.iter().max().copied().unwrap_or(9092);
    let picked: Vec<u16> = (last.saturating_add(1)..=last.saturating_add(200))
        .filter(|p| !clients.contains(p) && port_is_free(*p))
        .take(clients.len())
        .collect();
    if picked.len() < clients.len() {
        bail!("no {} free ports on 127.0.0.1 above {last} for Kafka's controller listeners", clients.len());
    }
    if recorded.is_some() {
        app.ui.info(format!("evbus: Kafka's controller ports are taken now; they move to {picked:?}"));
    }
    Ok(picked)
}

fn read_port(f: &Path) -> Option<u16> {
    fs::read_to_string(f).ok()?.trim().parse().ok().filter(|p| *p != 0)
}

/// Write node `id`'s configuration, and format its storage the first time.
pub(super) fn configure_node(
    app: &App,
    c: &Cluster,
    k: &Kafka,
    id: u16,
    clients: &[u16],
    controllers: &[u16],
) -> Result<()> {
    let node = c.node(id);
    fs::create_dir_all(&node.dir).with_context(|| format!("cannot create {}", node.dir.display()))?;
    let abs = fs::canonicalize(&node.dir).with_context(|| format!("cannot resolve {}", node.dir.display()))?;
    write_file(&node.dir.join("controller.port"), &format!("{}\n", controllers[usize::from(id - 1)]))?;
    let props = node_properties(&abs, id, clients, controllers);
    configure(app, &node, &abs, k, &props, &node_log(&node)?)
}

fn node_log(node: &State) -> Result<fs::File> {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(node.log_file())
        .with_context(|| format!("cannot open {}", node.log_file().display()))
}

/// Start node `id` on the configuration [`configure_node`] wrote; records its pid, address and
/// kind.
pub(super) fn spawn_node(c: &Cluster, k: &Kafka, id: u16, clients: &[u16], controllers: &[u16]) -> Result<Child> {
    let node = c.node(id);
    let controller = controllers[usize::from(id - 1)];
    if !port_is_free(controller) {
        bail!(
            "node {id}'s controller port {controller} on 127.0.0.1 is taken by another process; the other nodes \
             know it by that port, so stop that process, or `evbus dev down` and `evbus dev up` to move every \
             controller port"
        );
    }
    let abs = fs::canonicalize(&node.dir).with_context(|| format!("cannot resolve {}", node.dir.display()))?;
    let child = spawn_kafka(k, &abs, NODE_HEAP, node_log(&node)?)?;
    let kind = Kind::Kafka(k.version.clone());
    write_file(&node.kind_file(), &kind.file_text())?;
    write_file(&node.pid_file(), &format!("{}\n", child.id()))?;
    write_file(&node.addr_file(), &format!("{}\n", address(clients[usize::from(id - 1)])))?;
    Ok(child)
}

/// Wait until every started node answers at its address and lists every node of `expected` as a
/// broker. A node that exits, or one that does not answer within `limit`, stops every node
/// started here and fails naming it with its log.
pub(super) async fn wait_answering(
    c: &Cluster,
    started: &mut [(u16, Child)],
    expected: &[u16],
    limit: Duration,
) -> Result<()> {
    let begin = Instant::now();
    let mut pending: Vec<u16> = started.iter().map(|(id, _)| *id).collect();
    while !pending.is_empty() {
        let mut exited = None;
        for (id, child) in started.iter_mut() {
            if let Some(status) = child.try_wait()? {
                exited = Some((*id, status));
                break;
            }
        }
        if let Some((id, status)) = exited {
            let node = c.node(id);
            node.forget();
            stop_started(c, started);
            bail!(
                "node {id} of the dev cluster exited during startup ({status}); the nodes started with it were \
                 stopped. Last lines of {}:\n{}",
                node.log_file().display(),
                node.log_tail(20)
            );
        }
        let mut still = Vec::new();
        for id in pending {
            let node = c.node(id);
            let listed = brokers_listed(&node.address(0), Duration::from_secs(1)).await.unwrap_or_default();
            if !expected.iter().all(|e| listed.contains(&i32::from(*e))) {
                still.push(id);
            }
        }
        pending = still;
        if pending.is_empty() {
            break;
        }
        if begin.elapsed() > limit {
            let first = pending[0];
            let node = c.node(first);
            let tail = node.log_tail(20);
            stop_started(c, started);
            bail!(
                "node{} {} of the dev cluster did not answer within {}; the nodes started were stopped. Last \
                 lines of {}:\n{tail}",
                if pending.len() > 1 { "s" } else { "" },
                pending.iter().map(u16::to_string).collect::<Vec<_>>().join(", "),
                humantime::format_duration(limit),
                node.log_file().display(),
            );
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Ok(())
}

/// Stop the nodes this call started (a failed start must leave nothing behind).
pub(super) fn stop_started(c: &Cluster, started: &mut [(u16, Child)]) {
    std::thread::scope(|s| {
        for (id, child) in started.iter_mut() {
            let node = c.node(*id);
            s.spawn(move || {
                if let Recorded::Running(pid) = node.recorded() {
                    let _ = stop_pid(pid, Duration::from_secs(10));
                }
                let _ = child.kill();
                let _ = child.wait();
                node.forget();
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_knows_every_voter_and_has_its_own_port_rack_and_id() {
        let p = node_properties(Path::new("/s/node2"), 2, &[9092, 9093, 9094], &[9095, 9096, 9097]);
        // The node's own lines come last, so they win over the single node's.
        let after = p.split("# Node 2 of 3.\n").nth(1).unwrap();
        assert!(after.starts_with("node.id=2\n"), "{p}");
        assert!(after.contains("controller.quorum.voters=1@127.0.0.1:9095,2@127.0.0.1:9096,3@127.0.0.1:9097\n"), "{p}");
        assert!(after.contains("broker.rack=r2\n") && after.contains("transaction.state.log.min.isr=2\n"), "{p}");
        assert!(after.contains("default.replication.factor=3\n"), "{p}");
        assert!(p.contains("\nlisteners=PLAINTEXT://127.0.0.1:9093,CONTROLLER://127.0.0.1:9096\n"), "{p}");
        assert!(p.contains("\nlog.dirs=/s/node2/kafka-data\n"), "{p}");
        // Two nodes: replication 2, and a minimum of 1 so that one node down stops nothing.
        let two = node_properties(Path::new("/s"), 1, &[1, 2], &[3, 4]);
        assert!(two.contains("offsets.topic.replication.factor=2\n"), "{two}");
        assert!(two.contains("transaction.state.log.min.isr=1\n"), "{two}");
    }
}
