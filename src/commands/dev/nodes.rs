//! `evbus dev up|status|down` on a cluster's state directory, and `dev stop-broker N` /
//! `dev start-broker N`, the failure drills: what each node is doing, printed as one report (a
//! table, or JSON with a `nodes` array).

use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::app::App;
use crate::cli::{DevBroker, DevNodeArgs, DevStopArgs};
use crate::exit::Outcome;
use crate::term::ui::Mode;

use super::cluster::{
    Cluster, client_ports, configure_node, controller_ports, rack, spawn_node, stop_started, wait_answering,
};
use super::down::{kill_pid, signal};
use super::find::{Broker, Kafka, choose};
use super::probe::{answers, port_is_free};
use super::state::dir_flag;
use super::state::{Kind, Recorded, State, is_our_broker};

/// Kafka's minimum startup time applies to a node as to a single broker.
fn startup_limit(app: &App) -> Duration {
    app.settings.timeout.max(Kind::Kafka(String::new()).min_startup())
}

#[derive(Serialize)]
struct NodeReport {
    id: u16,
    address: String,
    rack: String,
    /// `running`, `unresponsive` (runs, does not answer) or `stopped`.
    status: &'static str,
    pid: Option<i32>,
    log: std::path::PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

#[derive(Serialize)]
struct ClusterReport {
    /// `running` (every node answers), `degraded` (some do) or `stopped`.
    status: &'static str,
    brokers: u16,
    /// Every node's address: what `-b` / EVBUS_BROKERS should get.
    bootstrap: String,
    broker: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    dir: std::path::PathBuf,
    /// `up`: whether this call started any node.
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<bool>,
    nodes: Vec<NodeReport>,
}

impl Cluster {
    /// Every node as it is now; `probe`: ask each running node whether it answers.
    async fn report(&self, app: &App, probe: bool) -> ClusterReport {
        let mut nodes = Vec::new();
        let mut version = None;
        for id in self.ids() {
            let node = self.node(id);
            let address = node.address(0);
            version = version.or_else(|| node.kind().version());
            let (status, pid) = match node.recorded() {
                Recorded::Running(pid) => {
                    let ok = !probe || answers(&address, app.settings.timeout).await;
                    (if ok { "running" } else { "unresponsive" }, Some(pid))
                }
                _ => ("stopped", None),
            };
            nodes.push(NodeReport { id, address, rack: rack(id), status, pid, log: node.log_file(), note: None });
        }
        let up = nodes.iter().filter(|n| n.status == "running").count();
        let status = match up {
            0 if nodes.iter().all(|n| n.status == "stopped") => "stopped",
            n if n == nodes.len() => "running",
            _ => "degraded",
        };
        ClusterReport {
            status,
            brokers: self.n,
            bootstrap: nodes.iter().map(|n| n.address.as_str()).collect::<Vec<_>>().join(","),
            broker: "kafka",
            version,
            dir: self.dir.clone(),
            started: None,
            nodes,
        }
    }
}

fn print(app: &App, mode: Mode, r: &ClusterReport, headline: &str) -> Result<()> {
    match mode {
        Mode::Json => app.ui.json(r),
        Mode::Table => {
            let mut t = app.ui.table();
            t.set_header(["NODE", "ADDRESS", "RACK", "STATUS", "PID"]);
            for n in &r.nodes {
                let pid = n.pid.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
                let status = match &n.note {
                    Some(note) => format!("{} ({note})", n.status),
                    None => n.status.to_string(),
                };
                t.add_row([n.id.to_string(), n.address.clone(), n.rack.clone(), status, pid]);
            }
            app.ui.out(&format!("{headline}\n{t}"))
        }
    }
}

fn describe(version: &Option<String>) -> String {
    Kind::Kafka(version.clone().unwrap_or_default()).describe()
}

fn not_a_cluster(dir: &Path) -> anyhow::Error {
    crate::exit::Exit::usage(format!(
        "{} holds no dev cluster (`evbus dev up --brokers 3{}` starts one); stop-broker and start-broker are \
         for its nodes",
        dir.display(),
        dir_flag(dir)
    ))
}

/// The Apache Kafka to run the nodes on (a cluster has no nisshi fallback).
fn kafka(app: &App, choice: DevBroker, install: bool) -> Result<Kafka> {
    if choice == DevBroker::Nisshi {
        bail!(crate::exit::Exit::usage("--brokers: a cluster runs Apache Kafka only; nisshi runs one node"));
    }
    match choose(app, DevBroker::Kafka, install)? {
        Broker::Kafka(k) => Ok(k),
        Broker::Nisshi(_) => bail!("a dev cluster needs Apache Kafka"),
    }
}

/// `dev up --brokers N` (or `dev up` on a cluster's directory): start every node that is down.
pub(super) async fn up(app: &App, c: Cluster, port: u16, choice: DevBroker, install: bool) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let mut down = Vec::new();
    for id in c.ids() {
        match c.node(id).recorded() {
            Recorded::Running(_) => {}
            Recorded::Stale(_) | Recorded::Nothing => {
                c.node(id).forget();
                down.push(id);
            }
        }
    }
    let flag = dir_flag(&c.dir);
    let (clients, controllers) = if down.len() == usize::from(c.n) {
        let clients = client_ports(port, c.n)?;
        let controllers = controller_ports(app, &c, &clients)?;
        (clients, controllers)
    } else {
        // Some nodes run: they know the others by the recorded ports.
        let (clients, controllers) = c.ports()?;
        if clients[0] != port {
            bail!(
                "the dev cluster in {} already runs at {} (node 1); `evbus dev up{flag} --port {}` starts its \
                 stopped nodes, or stop it first with `evbus dev down{flag}`",
                c.dir.display(),
                c.bootstrap(&clients),
                clients[0]
            );
        }
        for id in &down {
            let p = clients[usize::from(id - 1)];
            if !port_is_free(p) {
                bail!("node {id}'s port {p} on 127.0.0.1 is taken by another process; stop that first");
            }
        }
        (clients, controllers)
    };
    if down.is_empty() {
        let mut r = c.report(app, true).await;
        r.started = Some(false);
        let ok = r.status == "running";
        print(
            app,
            mode,
            &r,
            &format!("dev cluster of {} ({}) already running at {}", c.n, describe(&r.version), r.bootstrap),
        )?;
        return Ok(if ok { Outcome::Ok } else { Outcome::Unhealthy });
    }

    let k = kafka(app, choice, install)?;
    c.record()?;
    app.ui.info(format!(
        "evbus: starting {} of {} Apache Kafka {} nodes (this takes a few seconds)",
        down.len(),
        c.n,
        k.version
    ));
    let mut controllers = controllers;
    for id in &down {
        configure_node(app, &c, &k, *id, &clients, &controllers)?;
    }
    if down.len() == usize::from(c.n) && controllers.iter().any(|p| !port_is_free(*p)) {
        // Taken while the storage was formatted: nothing runs yet, so every node can move.
        controllers = controller_ports(app, &c, &clients)?;
        for id in &down {
            configure_node(app, &c, &k, *id, &clients, &controllers)?;
        }
    }
    let mut started: Vec<(u16, Child)> = Vec::new();
    for id in &down {
        match spawn_node(&c, &k, *id, &clients, &controllers) {
            Ok(child) => started.push((*id, child)),
            Err(e) => {
                // The nodes started so far cannot form a quorum without this one: stop them.
                stop_started(&c, &mut started);
                return Err(e);
            }
        }
    }
    let all: Vec<u16> = c.ids().collect();
    wait_answering(&c, &mut started, &all, startup_limit(app)).await?;

    let mut r = c.report(app, true).await;
    r.started = Some(true);
    let bootstrap = r.bootstrap.clone();
    print(app, mode, &r, &format!("dev cluster of {} ({}) running at {bootstrap}", c.n, describe(&r.version)))?;
    app.ui.info(format!(
        "evbus: data in {}/node<N>/kafka-data; point evbus at it with `export EVBUS_BROKERS={bootstrap}`; drill with \
         `evbus dev stop-broker N{flag}` / `evbus dev start-broker N{flag}`, stop it with `evbus dev down{flag}`",
        c.dir.display()
    ));
    Ok(Outcome::Ok)
}

/// `dev status` on a cluster: exit 0 when every node answers, 1 when none runs, 4 otherwise.
pub(super) async fn status(app: &App, c: Cluster) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let r = c.report(app, true).await;
    let up = r.nodes.iter().filter(|n| n.status == "running").count();
    let headline = format!("dev cluster of {} ({}): {up} of {} nodes running", c.n, describe(&r.version), c.n);
    print(app, mode, &r, &headline)?;
    Ok(match r.status {
        "running" => Outcome::Ok,
        "stopped" => Outcome::Failed,
        _ => Outcome::Unhealthy,
    })
}

/// How long nodes that lost their quorum get before SIGKILL: their controlled shutdown waits
/// for a controller that cannot be elected any more.
const QUORUM_GONE_GRACE: Duration = Duration::from_secs(5);

/// SIGTERM the running nodes among `ids` at once (so that the quorum outlives each controlled
/// shutdown), then wait. A node still there after the grace time gets SIGKILL, and so does one
/// left waiting once fewer than a majority of the voters run (it would wait out the grace time
/// for nothing). Returns the ids that needed SIGKILL.
fn stop_nodes(c: &Cluster, ids: &[u16]) -> Vec<u16> {
    use rustix::process::Signal;
    let grace = Kind::Kafka(String::new()).term_grace();
    let pids: Vec<(u16, i32)> = ids
        .iter()
        .filter_map(|id| match c.node(*id).recorded() {
            Recorded::Running(pid) => Some((*id, pid)),
            _ => None,
        })
        .collect();
    for (_, pid) in &pids {
        signal(*pid, Signal::TERM);
    }
    let majority = usize::from(c.n) / 2 + 1;
    let start = Instant::now();
    let mut quorum_lost_at: Option<Instant> = None;
    let mut killed = Vec::new();
    loop {
        let alive: Vec<(u16, i32)> = pids.iter().copied().filter(|(_, pid)| is_our_broker(*pid)).collect();
        if alive.is_empty() {
            break;
        }
        let voters_up = c.ids().filter(|id| matches!(c.node(*id).recorded(), Recorded::Running(_))).count();
        if voters_up < majority {
            quorum_lost_at.get_or_insert_with(Instant::now);
        }
        let hopeless = quorum_lost_at.is_some_and(|t| t.elapsed() > QUORUM_GONE_GRACE);
        if hopeless || start.elapsed() > grace {
            for (id, pid) in alive {
                if kill_pid(pid).is_ok() {
                    killed.push(id);
                }
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for id in ids {
        c.node(*id).forget();
    }
    killed.sort_unstable();
    killed
}

/// `dev down` on a cluster: every node.
pub(super) async fn down(app: &App, c: Cluster) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let before = c.report(app, false).await;
    let running = before.nodes.iter().filter(|n| n.status != "stopped").count();
    if running > 0 {
        app.ui.info(format!(
            "evbus: stopping {running} node(s) of the dev cluster (a clean shutdown takes a few seconds)"
        ));
    }
    let all: Vec<u16> = c.ids().collect();
    let killed = stop_nodes(&c, &all);
    let mut r = c.report(app, false).await;
    for n in &mut r.nodes {
        let was = before.nodes.iter().find(|b| b.id == n.id).and_then(|b| b.pid);
        n.pid = was;
        n.note = match (was, killed.contains(&n.id)) {
            (Some(_), true) => Some("killed: still shutting down after the others had gone".into()),
            (Some(_), false) => Some("stopped now".into()),
            (None, _) => Some("was not running".into()),
        };
    }
    let headline = format!(
        "stopped the dev cluster ({} of {} nodes were running); data kept in {}",
        running,
        c.n,
        c.dir.display()
    );
    print(app, mode, &r, &headline)?;
    Ok(Outcome::Ok)
}

/// `dev stop-broker N`: one node down, SIGTERM (controlled shutdown) or with `--kill` SIGKILL.
pub(super) async fn stop_broker(app: &App, a: DevStopArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let DevStopArgs { node: DevNodeArgs { node: id, dir }, kill } = a;
    let c = Cluster::recorded(&dir).ok_or_else(|| not_a_cluster(&dir))?;
    c.check_id(id)?;
    let node: State = c.node(id);
    let note = match node.recorded() {
        Recorded::Running(pid) if kill => {
            kill_pid(pid)?;
            format!("killed node {id} (pid {pid}, SIGKILL: no controlled shutdown)")
        }
        Recorded::Running(pid) => {
            app.ui.info(format!("evbus: stopping node {id} (controlled shutdown: its leaders move first)"));
            let killed = !stop_nodes(&c, &[id]).is_empty();
            format!(
                "stopped node {id} (pid {pid}{})",
                if killed { ", killed: its shutdown did not finish" } else { "" }
            )
        }
        _ => format!("node {id} was not running"),
    };
    node.forget();
    let up = c.ids().filter(|i| matches!(c.node(*i).recorded(), Recorded::Running(_))).count();
    if up < usize::from(c.n) / 2 + 1 {
        app.ui.warn(format!(
            "{up} of {} nodes run: the KRaft quorum has no majority, so the cluster takes no metadata change \
             (no leader election, no new topic) until a node is back",
            c.n
        ));
    }
    let mut r = c.report(app, false).await;
    if let Some(n) = r.nodes.iter_mut().find(|n| n.id == id) {
        n.note = Some(if kill { "killed now" } else { "stopped now" }.into());
    }
    let flag = dir_flag(&c.dir);
    print(app, mode, &r, &format!("{note}; data kept, `evbus dev start-broker {id}{flag}` starts it again"))?;
    Ok(Outcome::Ok)
}

/// `dev start-broker N`: start one stopped node on its data and recorded ports, wait until it
/// answers and is registered.
pub(super) async fn start_broker(app: &App, a: DevNodeArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let DevNodeArgs { node: id, dir } = a;
    let c = Cluster::recorded(&dir).ok_or_else(|| not_a_cluster(&dir))?;
    c.check_id(id)?;
    let node = c.node(id);
    let started = match node.recorded() {
        Recorded::Running(_) => false,
        _ => {
            node.forget();
            let (clients, controllers) = c.ports()?;
            let p = clients[usize::from(id - 1)];
            if !port_is_free(p) {
                bail!("node {id}'s port {p} on 127.0.0.1 is taken by another process; stop that first");
            }
            let k = kafka(app, DevBroker::Kafka, false)?;
            app.ui.info(format!("evbus: starting node {id} (Apache Kafka {})", k.version));
            configure_node(app, &c, &k, id, &clients, &controllers)?;
            let child = spawn_node(&c, &k, id, &clients, &controllers)?;
            wait_answering(&c, &mut [(id, child)], &[id], startup_limit(app)).await?;
            true
        }
    };
    let r = c.report(app, true).await;
    let n = r.nodes.iter().find(|n| n.id == id).map(|n| (n.address.clone(), n.pid));
    let (address, pid) = n.unwrap_or_default();
    let pid = pid.map(|p| p.to_string()).unwrap_or_else(|| "?".into());
    let headline = if started {
        format!("started node {id} at {address} (pid {pid})")
    } else {
        format!("node {id} already runs at {address} (pid {pid})")
    };
    print(app, mode, &r, &headline)?;
    Ok(Outcome::Ok)
}
