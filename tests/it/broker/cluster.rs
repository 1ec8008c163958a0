//! A 3-node (or N-node) KRaft cluster for the tests that need replication: every node a combined
//! broker+controller, the quorum a static voter list of all of them, each node in its own rack
//! (`r1`, `r2`, ...). A test can kill -9, stop (SIGTERM: Kafka's controlled shutdown) and restart
//! any node, and wait until the cluster has settled again.
//!
//! The nodes are formatted and started in parallel (a quorum needs a majority before any node
//! answers) with small heaps, so three fit beside the rest of the suite on a small machine. Like
//! every harness broker, a node never outlives the test binary.

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};

use super::{Broker, BrokerOpts, server_port};

pub(crate) struct Cluster {
    /// The nodes, node id `i + 1` at index `i`.
    pub nodes: Vec<Broker>,
    /// Every node's client listener, comma-separated: what `evbus -b` gets.
    pub bootstrap: String,
    /// The working directory `evbus()` runs in.
    pub dir: tempfile::TempDir,
}

/// A node's view of the cluster, as the harness checks it.
#[derive(Debug)]
pub(crate) struct View {
    /// Broker ids the metadata lists.
    pub brokers: Vec<i32>,
    /// Partitions without a leader, or with an ISR smaller than their replicas: `topic[p]`.
    pub unsettled: Vec<String>,
    /// `(topic, partition, leader, replicas, isr)` of every partition.
    pub partitions: Vec<(String, i32, i32, Vec<i32>, Vec<i32>)>,
}

/// The test binary's one 3-node cluster, healed (every node up, every partition fully in sync)
/// for the caller, who holds it until the guard drops. Every test that needs replication takes
/// its turn on this one cluster: a second set of three JVMs beside the suite would not fit the
/// machine, and tests that kill nodes cannot share it at the same moment anyway.
pub(crate) fn shared() -> MutexGuard<'static, Cluster> {
    static CLUSTER: OnceLock<Mutex<Cluster>> = OnceLock::new();
    let mut c = CLUSTER.get_or_init(|| Mutex::new(Cluster::start(3))).lock().unwrap_or_else(|e| e.into_inner());
    c.heal();
    c
}

impl Cluster {
    /// Start `n` nodes and wait until each answers and all of them are registered.
    pub(crate) fn start(n: usize) -> Cluster {
        let start = Instant::now();
        let controllers: Vec<u16> = (0..n).map(|_| server_port()).collect();
        let voters: Vec<String> =
            controllers.iter().enumerate().map(|(i, p)| format!("{}@127.0.0.1:{p}", i + 1)).collect();
        let voters = voters.join(",");
        let rf = n.min(3).to_string();
        let min_isr = n.min(2).to_string();
        let mut nodes: Vec<Broker> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .map(|i| {
                    let s_ = |k: &str, v: &str| (k.to_string(), v.to_string());
                    let props = vec![
                        s_("node.id", &(i + 1).to_string()),
                        s_("controller.quorum.voters", &voters),
                        s_("broker.rack", &format!("r{}", i + 1)),
                        s_("offsets.topic.replication.factor", &rf),
                        s_("transaction.state.log.replication.factor", &rf),
                        s_("transaction.state.log.min.isr", &min_isr),
                        // A killed node is fenced (and dropped from every ISR) sooner than the
                        // default 9 s, so the tests wait less; heartbeats keep it well above noise.
                        s_("broker.session.timeout.ms", "6000"),
                        s_("broker.heartbeat.interval.ms", "1000"),
                        // Leaders stay where a failure moved them until a test elects them back:
                        // Kafka's periodic rebalance (every 5 min) would race the tests that
                        // assert the preferred-leader imbalance a restart leaves.
                        s_("auto.leader.rebalance.enable", "false"),
                        s_("num.io.threads", "2"),
                        s_("num.network.threads", "1"),
                    ];
                    let opts = BrokerOpts {
                        controller_port: Some(controllers[i]),
                        heap: Some("384m"),
                        props,
                        ..Default::default()
                    };
                    s.spawn(move || Broker::prepared(opts))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for b in &mut nodes {
            b.spawn();
        }
        let bootstrap = nodes.iter().map(|b| b.bootstrap.clone()).collect::<Vec<_>>().join(",");
        let c = Cluster { nodes, bootstrap, dir: tempfile::tempdir().unwrap() };
        for b in &c.nodes {
            b.wait_ready(Duration::from_secs(120));
        }
        c.wait_for(Duration::from_secs(120), "every node registered", |v| v.brokers.len() == n);
        // Just started, a node can drop out of the brokers' list again for a moment (the 3.9 pass
        // once had the first test's `apply` see 2 of 3 brokers a second after this point): the
        // cluster is up once every node has stayed registered for 5 s.
        let since = std::cell::Cell::new(Instant::now());
        c.wait_for(Duration::from_secs(120), "every node registered for 5 s", |v| {
            if v.brokers.len() != n {
                since.set(Instant::now());
            }
            since.get().elapsed() >= Duration::from_secs(5)
        });
        eprintln!("cluster of {n} nodes up in {:.1}s", start.elapsed().as_secs_f64());
        c
    }

    /// Kill node `id` at once (SIGKILL: no controlled shutdown), keeping its data.
    pub(crate) fn kill(&mut self, id: i32) {
        self.node(id).stop();
    }

    /// Stop node `id` the way an operator does (SIGTERM: Kafka's controlled shutdown moves its
    /// leaders and takes it out of every ISR while the quorum still has a majority).
    pub(crate) fn stop(&mut self, id: i32) {
        self.node(id).terminate(Duration::from_secs(60));
    }

    /// Start a killed or stopped node again, on the same data and ports.
    pub(crate) fn restart(&mut self, id: i32) {
        self.node(id).start_again();
    }

    /// Start a killed or stopped node again without waiting for it to answer.
    pub(crate) fn launch(&mut self, id: i32) {
        assert!(!self.running(id), "node {id} is running");
        self.node(id).spawn();
    }

    /// Whether node `id` runs (was not killed or stopped by the test).
    pub(crate) fn running(&self, id: i32) -> bool {
        self.nodes[(id - 1) as usize].proc.is_some()
    }

    fn node(&mut self, id: i32) -> &mut Broker {
        &mut self.nodes[(id - 1) as usize]
    }

    /// Restart every node a test left down, then wait until the cluster has settled.
    pub(crate) fn heal(&mut self) {
        for id in 1..=self.nodes.len() as i32 {
            if !self.running(id) {
                self.restart(id);
            }
        }
        self.wait_settled(Duration::from_secs(120));
    }

    /// Wait until every node is registered and every partition has a leader and a full ISR.
    pub(crate) fn wait_settled(&self, limit: Duration) {
        let n = self.nodes.len();
        self.wait_for(limit, "every node registered, every partition led and fully in sync", |v| {
            v.brokers.len() == n && v.unsettled.is_empty()
        });
    }

    /// Wait until every running node's metadata satisfies `ok` (each node applies the metadata
    /// log on its own, one can lag behind another); fail the test naming `what` and the last
    /// view when it does not within `limit`.
    pub(crate) fn wait_for(&self, limit: Duration, what: &str, ok: impl Fn(&View) -> bool) -> View {
        let start = Instant::now();
        let mut last = None;
        loop {
            let views: Vec<Option<View>> =
                self.nodes.iter().filter(|b| b.proc.is_some()).map(|b| view_of(&[b.internal.as_str()])).collect();
            if views.iter().all(|v| v.as_ref().is_some_and(&ok)) {
                return views.into_iter().next().flatten().expect("every node is down");
            }
            if let Some(v) = views.into_iter().flatten().find(|v| !ok(v)) {
                last = Some(v);
            }
            assert!(start.elapsed() < limit, "cluster: not {what} within {limit:?}; last view: {last:?}");
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The leader of `topic`'s `partition`, once every running node knows one: a node can learn
    /// of a topic just created a moment after another (the 3.9 pass once asked one too early).
    pub(crate) fn leader(&self, topic: &str, partition: i32) -> i32 {
        let v =
            self.wait_for(Duration::from_secs(60), &format!("a leader of {topic}[{partition}] on every node"), |v| {
                v.partitions.iter().any(|p| p.0 == topic && p.1 == partition && p.2 >= 0)
            });
        v.partitions.iter().find(|p| p.0 == topic && p.1 == partition).map(|p| p.2).unwrap_or(-1)
    }

    /// Delete every topic but the internal ones: what earlier tests on the shared cluster left.
    /// For tests that count what `health` names (at most ten partitions a line): the order the
    /// tests run in decides what else is on the cluster.
    pub(crate) fn delete_other_topics(&self) {
        use rdkafka::admin::{AdminClient, AdminOptions};
        use rdkafka::client::DefaultClientContext;
        let view = self.view().unwrap();
        let names: BTreeSet<String> =
            view.partitions.iter().map(|p| p.0.clone()).filter(|t| !t.starts_with("__")).collect();
        if names.is_empty() {
            return;
        }
        let admin: AdminClient<DefaultClientContext> =
            ClientConfig::new().set("bootstrap.servers", &self.live().internal).create().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let list: Vec<&str> = names.iter().map(String::as_str).collect();
        let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        for r in rt.block_on(admin.delete_topics(&list, &opts)).unwrap() {
            r.unwrap();
        }
        self.wait_for(Duration::from_secs(60), "the old topics gone", |v| {
            v.partitions.iter().all(|p| !names.contains(&p.0))
        });
    }

    /// The metadata as a running node (INTERNAL listener) answers it now.
    pub(crate) fn view(&self) -> Option<View> {
        let internal: Vec<&str> = self.nodes.iter().filter(|b| b.proc.is_some()).map(|b| b.internal.as_str()).collect();
        view_of(&internal)
    }

    /// The evbus binary, pointed at every node.
    pub(crate) fn evbus(&self) -> assert_cmd::Command {
        let mut c = crate::common::evbus_cmd();
        c.current_dir(self.dir.path()).args(["-b", &self.bootstrap]);
        c
    }

    /// A running node, for Kafka's own tools and the harness's reads.
    pub(crate) fn live(&self) -> &Broker {
        self.nodes.iter().find(|b| b.proc.is_some()).expect("every node is down")
    }

    /// Every node's log, for a failing test's message.
    pub(crate) fn logs(&self) -> String {
        self.nodes.iter().enumerate().map(|(i, b)| format!("---- node {} ----\n{}", i + 1, b.log())).collect()
    }
}

/// The metadata as the first answering of these listeners has it now.
fn view_of(internal: &[&str]) -> Option<View> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", internal.join(","))
        .set("socket.connection.setup.timeout.ms", "1000")
        .set("log_level", "0")
        .create()
        .ok()?;
    let md = c.fetch_metadata(None, Duration::from_secs(3)).ok()?;
    let mut v =
        View { brokers: md.brokers().iter().map(|b| b.id()).collect(), unsettled: Vec::new(), partitions: Vec::new() };
    v.brokers.sort();
    for t in md.topics() {
        for p in t.partitions() {
            if p.leader() < 0 || p.isr().len() < p.replicas().len() {
                v.unsettled.push(format!("{}[{}]", t.name(), p.id()));
            }
            v.partitions.push((t.name().to_string(), p.id(), p.leader(), p.replicas().to_vec(), p.isr().to_vec()));
        }
    }
    Some(v)
}
