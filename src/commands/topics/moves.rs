//! `topics apply`'s replica moves (replication-factor changes): removing throttles an earlier move
//! left, throttling and starting the new moves (or taking over running ones), watching them with
//! progress until the cluster reports them done, then removing the throttles and electing the
//! preferred leaders. The move itself runs in the cluster: an interrupted `apply` leaves it
//! running, and the next `plan` and `apply` find it (and its throttles) again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::applied::{Applied, wait_for_configs};
use crate::app::App;
use crate::kafka::admin::Admin;
use crate::kafka::incremental::TopicConfigChange;
use crate::kafka::replication::State;
use crate::kafka::wire::reassign::{self, Node};
use crate::kafka::wire::throttle;
use crate::term::sanitize::for_terminal;
use crate::topics::plan::{Change, Plan};
use crate::topics::reassign::{FOLLOWER_REPLICAS, LEADER_REPLICAS, Ongoing, bytes_behind, throttled_replicas};

/// How often a running move is looked at.
const POLL: Duration = Duration::from_millis(500);
/// How often the progress bar asks the brokers how much is left to copy.
const SIZES_EVERY: Duration = Duration::from_secs(3);

/// What `apply` was asked about moves.
pub(super) struct Opts {
    /// `--throttle`: bytes/s per broker.
    pub throttle: Option<u64>,
    /// `--no-wait`.
    pub no_wait: bool,
}

/// Removes the leftover throttles the plan lists (before any new move sets its own).
pub(super) async fn clear_leftovers(admin: &Arc<Admin>, state: Option<&State>, plan: &Plan) -> Vec<Applied> {
    let mut out = Vec::new();
    for c in &plan.changes {
        let Change::ClearThrottle { topic, broker, keys, .. } = c else { continue };
        let r = match (topic, broker, state) {
            (Some(t), _, _) => {
                let change = TopicConfigChange { topic: t.clone(), set: vec![], delete: keys.clone() };
                match admin.incremental_alter(vec![change.clone()]).await {
                    Ok(rs) => match rs.into_iter().find(|(_, r)| r.is_err()) {
                        Some((_, Err(e))) => Err(e.to_string()),
                        _ => {
                            wait_for_configs(admin, &[change]).await;
                            Ok(())
                        }
                    },
                    Err(e) => Err(e.to_string()),
                }
            }
            (None, Some(b), Some(s)) => match s.nodes.iter().find(|n| n.id == *b) {
                Some(n) => remove_rates(&admin.settings, &[n]).await,
                None => Err(format!("broker {b} is not in the cluster's metadata any more")),
            },
            _ => Err("the brokers could not be read".into()),
        };
        out.push(Applied::of(c, r));
    }
    out
}

/// One topic's moves as `(partition, from, to)`: new ones from the plan, or a running one's
/// (its replicas less those being added, and all of them).
fn triples(c: &Change) -> Vec<(i32, Vec<i32>, Vec<i32>)> {
    match c {
        Change::Reassign { moves, .. } => moves.iter().map(|m| (m.partition, m.from.clone(), m.to.clone())).collect(),
        Change::Reassigning { partitions, .. } => partitions
            .iter()
            .map(|o: &Ongoing| {
                let from = o.replicas.iter().filter(|r| !o.adding.contains(r)).copied().collect();
                (o.partition, from, o.replicas.clone())
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Starts the plan's moves and takes over the running ones, then (unless `--no-wait`) watches
/// them finish. Returns one outcome per change and whether Ctrl-C stopped the watch.
pub(super) async fn run(
    app: &App,
    admin: &Arc<Admin>,
    state: Option<&State>,
    plan: &Plan,
    opts: &Opts,
) -> (Vec<Applied>, bool) {
    let changes: Vec<&Change> =
        plan.changes.iter().filter(|c| matches!(c, Change::Reassign { .. } | Change::Reassigning { .. })).collect();
    if changes.is_empty() {
        if opts.throttle.is_some() {
            app.ui.info("--throttle: no replica moves in this plan, nothing to limit.");
        }
        return (Vec::new(), false);
    }
    let Some(state) = state else {
        let e = "the brokers could not be read on the raw protocol path".to_string();
        return (changes.iter().map(|c| Applied::of(c, Err(e.clone()))).collect(), false);
    };
    let s = &admin.settings;
    let mut results: BTreeMap<String, Result<(), String>> = BTreeMap::new();
    if let Some(rate) = opts.throttle {
        if let Err(e) = throttle_moves(admin, &state.nodes, &changes, rate).await {
            // Unthrottled moves could saturate the brokers the user meant to protect: none starts.
            return (
                changes.iter().map(|c| Applied::of(c, Err(format!("setting the throttle failed: {e}")))).collect(),
                false,
            );
        }
        app.ui.info(format!("Throttle: {}/s per broker for these moves.", human_bytes(rate)));
    }
    let new: Vec<(String, i32, Vec<i32>)> = changes
        .iter()
        .filter(|c| matches!(c, Change::Reassign { .. }))
        .flat_map(|c| triples(c).into_iter().map(|(p, _, to)| (c.topic().to_string(), p, to)))
        .collect();
    if !new.is_empty() {
        match reassign::submit(s, &new).await {
            Ok(rs) => {
                for ((t, p), r) in rs {
                    if let Err(e) = r {
                        results.entry(t).or_insert_with(|| Err(format!("partition {p}: {e}")));
                    }
                }
            }
            Err(e) => {
                for (t, _, _) in &new {
                    results.insert(t.clone(), Err(e.to_string()));
                }
            }
        }
    }
    let watched: BTreeSet<String> =
        changes.iter().map(|c| c.topic().to_string()).filter(|t| !results.contains_key(t)).collect();
    let mut interrupted = false;
    if opts.no_wait {
        if !watched.is_empty() {
            app.ui.info(
                "Moves started; not waiting (--no-wait). `evbus topics plan` shows them in progress; \
                 `evbus topics apply` watches them finish, removes the throttles and elects the preferred leaders.",
            );
        }
    } else if !watched.is_empty() {
        let total: u64 = changes.iter().filter(|c| watched.contains(c.topic())).map(|c| triples(c).len() as u64).sum();
        match watch(app, admin, &state.nodes, &watched, total).await {
            Ok(true) => finish(app, admin, state, &changes, &watched).await,
            Ok(false) => {
                interrupted = true;
                app.ui.warn(
                    "interrupted: the moves run on in the cluster (and so do their throttles); \
                     `evbus topics apply` watches them again and cleans up",
                );
                for t in &watched {
                    results.insert(t.clone(), Err("interrupted while moving (the move runs on)".into()));
                }
            }
            Err(e) => {
                for t in &watched {
                    results.insert(t.clone(), Err(e.clone()));
                }
            }
        }
    }
    let out = changes.iter().map(|c| Applied::of(c, results.remove(c.topic()).unwrap_or(Ok(())))).collect();
    (out, interrupted)
}

/// Sets the topic throttled-replica lists for the moves and the rate on every broker they touch.
async fn throttle_moves(admin: &Arc<Admin>, nodes: &[Node], changes: &[&Change], rate: u64) -> Result<(), String> {
    let mut brokers = BTreeSet::new();
    let mut topics = Vec::new();
    for c in changes {
        let t = triples(c);
        for (_, from, to) in &t {
            brokers.extend(from.iter().chain(to).copied());
        }
        let (leader, follower) = throttled_replicas(&t);
        let mut set = Vec::new();
        let mut delete = Vec::new();
        for (k, v) in [(LEADER_REPLICAS, leader), (FOLLOWER_REPLICAS, follower)] {
            if v.is_empty() { delete.push(k.to_string()) } else { set.push((k.to_string(), v)) }
        }
        topics.push(TopicConfigChange { topic: c.topic().to_string(), set, delete });
    }
    for (t, r) in admin.incremental_alter(topics).await.map_err(|e| e.to_string())? {
        r.map_err(|e| format!("{}: {e}", for_terminal(&t)))?;
    }
    let on: Vec<&Node> = nodes.iter().filter(|n| brokers.contains(&n.id)).collect();
    throttle::set_rates(&admin.settings, &on, Some(rate)).await.map_err(|e| e.to_string())
}

/// Polls the running moves of `topics` until none is left: `Ok(true)` when done, `Ok(false)` on
/// Ctrl-C, an error when the cluster cannot be asked for longer than `--timeout`.
async fn watch(
    app: &App,
    admin: &Arc<Admin>,
    nodes: &[Node],
    topics: &BTreeSet<String>,
    total: u64,
) -> Result<bool, String> {
    let s = &admin.settings;
    let pb = app.ui.progress(total, "moving replicas (partitions done)");
    let mut sized = Instant::now().checked_sub(SIZES_EVERY).unwrap_or_else(Instant::now);
    let ctrl_c = crate::term::interrupt::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut last_ok = Instant::now();
    let started = Instant::now();
    let mut reported = 0;
    loop {
        match reassign::ongoing(s).await {
            Ok(o) => {
                last_ok = Instant::now();
                let left: usize = o.iter().filter(|(t, _)| topics.contains(*t)).map(|(_, p)| p.len()).sum();
                let done = total.saturating_sub(left as u64);
                pb.set_position(done);
                // Bytes behind only for the bar (a DescribeLogDirs per broker), every few seconds.
                if !pb.is_hidden() && left > 0 && sized.elapsed() >= SIZES_EVERY {
                    sized = Instant::now();
                    pb.set_message(behind_words(s, nodes, topics, &o).await);
                }
                if left == 0 {
                    pb.finish_and_clear();
                    app.ui.info(format!(
                        "Moved the replicas of {} partition(s) in {:.1}s.",
                        total,
                        started.elapsed().as_secs_f64()
                    ));
                    return Ok(true);
                }
                // Without a terminal, a line now and then instead of the bar.
                if pb.is_hidden() && started.elapsed().as_secs() >= reported + 30 {
                    reported = started.elapsed().as_secs();
                    app.ui.info(format!("moving replicas: {done} of {total} partitions done"));
                }
            }
            Err(e) if last_ok.elapsed() > s.timeout => {
                pb.finish_and_clear();
                return Err(format!("lost track of the move: {e} (it may run on: see `evbus topics plan`)"));
            }
            Err(_) => {}
        }
        tokio::select! {
            () = &mut ctrl_c => {
                pb.finish_and_clear();
                return Ok(false);
            }
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// `moving replicas, 12 MiB behind` (or without the size when the brokers do not say).
async fn behind_words(
    s: &crate::kafka::Settings,
    nodes: &[Node],
    topics: &BTreeSet<String>,
    ongoing: &BTreeMap<String, Vec<Ongoing>>,
) -> String {
    let moving: Vec<(&str, &Ongoing)> = ongoing
        .iter()
        .filter(|(t, _)| topics.contains(*t))
        .flat_map(|(t, ps)| ps.iter().map(move |o| (t.as_str(), o)))
        .collect();
    let mut parts: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    for (t, o) in &moving {
        parts.entry(t.to_string()).or_default().push(o.partition);
    }
    match reassign::sizes(s, nodes, &parts).await.ok().and_then(|sz| bytes_behind(&moving, &sz)) {
        Some(b) => format!("moving replicas, {} behind", human_bytes_approx(b)),
        None => "moving replicas".into(),
    }
}

/// `12.3 MiB`.
fn human_bytes_approx(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < units.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 { format!("{n} B") } else { format!("{v:.1} {}", units[i]) }
}

/// After the moves: remove the throttles (topic lists of the moved topics; broker rates once no
/// move runs anywhere) and elect the preferred leaders of the moved partitions. Failures here
/// are warnings: the replicas are where the manifest wants them.
async fn finish(app: &App, admin: &Arc<Admin>, state: &State, changes: &[&Change], topics: &BTreeSet<String>) {
    let s = &admin.settings;
    let unthrottle: Vec<TopicConfigChange> = topics
        .iter()
        .map(|t| TopicConfigChange {
            topic: t.clone(),
            set: vec![],
            delete: vec![LEADER_REPLICAS.to_string(), FOLLOWER_REPLICAS.to_string()],
        })
        .collect();
    match admin.incremental_alter(unthrottle.clone()).await {
        Ok(rs) => {
            for (t, r) in rs {
                if let Err(e) = r {
                    app.ui.warn(format!("could not remove the throttle of {}: {e}", for_terminal(&t)));
                }
            }
            wait_for_configs(admin, &unthrottle).await;
        }
        Err(e) => app.ui.warn(format!("could not remove the topic throttles: {e}")),
    }
    match reassign::ongoing(s).await {
        Ok(o) if o.values().all(Vec::is_empty) => match throttle::rates(s, &state.nodes).await {
            Ok(rates) => {
                let on: Vec<&Node> = state.nodes.iter().filter(|n| rates.contains_key(&n.id)).collect();
                if let Err(e) = remove_rates(s, &on).await {
                    app.ui.warn(format!("could not remove the broker throttle rates: {e}"));
                }
            }
            Err(e) => app.ui.warn(format!("could not read the broker throttle rates: {e}")),
        },
        Ok(_) => app.ui.info("Broker throttle rates kept: another reassignment is running."),
        Err(e) => app.ui.warn(format!("broker throttle rates not removed: {e}")),
    }
    let parts: Vec<(String, i32)> = changes
        .iter()
        .filter(|c| topics.contains(c.topic()))
        .flat_map(|c| triples(c).into_iter().map(|(p, _, _)| (c.topic().to_string(), p)))
        .collect();
    match reassign::elect_preferred(s, &parts).await {
        Ok(rs) => {
            let failed: Vec<String> =
                rs.iter().filter_map(|((t, p), r)| r.as_ref().err().map(|e| format!("{t}[{p}]: {e}"))).collect();
            if !failed.is_empty() {
                app.ui.warn(format!("preferred leader not elected for: {}", for_terminal(&failed.join("; "))));
            }
        }
        Err(e) => app.ui.warn(format!("preferred leaders not elected: {e}")),
    }
}

/// Removes the throttle rates of `nodes` and waits (within `--timeout`) until each shows none.
async fn remove_rates(s: &crate::kafka::Settings, nodes: &[&Node]) -> Result<(), String> {
    if nodes.is_empty() {
        return Ok(());
    }
    throttle::set_rates(s, nodes, None).await.map_err(|e| e.to_string())?;
    let owned: Vec<Node> = nodes.iter().map(|n| (*n).clone()).collect();
    let deadline = Instant::now() + s.timeout;
    // The broker answers for the controller's record once it has applied it: a moment later.
    while Instant::now() < deadline {
        match throttle::rates(s, &owned).await {
            Ok(r) if r.is_empty() => return Ok(()),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    Ok(())
}

/// `10 MiB`, `512 KiB`, `2048 B`.
fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} B"),
    }
}
