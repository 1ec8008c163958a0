//! `evbus lag`: consumer-group lag per partition, totals, and a status verdict.
//!
//! One snapshot = ListGroups/DescribeGroups (state, members, who owns what), one OffsetFetch per
//! group (all requests in flight together), one batched ListOffsets for the log-end offsets of
//! every partition involved, and one metadata request; every call is bounded by `--timeout`.
//! Without `--watch` the status comes from thresholds only (`--max-lag`, the manifest's
//! `max_lag`); with `--watch` each partition is judged over a window of samples by
//! [`crate::lagcheck`] (Burrow's rules).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Result, bail};
use serde::Serialize;

use super::App;
use crate::cli::LagArgs;
use crate::exit::{self, Exit};
use crate::kafka::admin::Admin;
use crate::kafka::{ClusterMeta, groups};
use crate::lagcheck::{self, GroupStatus, PartitionStatus, Sample};
use crate::manifest::Manifest;
use crate::output::Mode;
use crate::sanitize::for_terminal;

/// State shown for a group that has committed nothing (a manifest group not deployed yet, or a
/// group whose offsets expired).
pub const NO_OFFSETS: &str = "no offsets";

/// One partition of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionLag {
    pub topic: String,
    pub partition: i32,
    /// `None`: the group never committed here ("no offset", which is not lag 0).
    pub committed: Option<i64>,
    /// `None`: the log-end offset could not be read (topic deleted, partition offline).
    pub end: Option<i64>,
    pub lag: Option<i64>,
    /// `client-id@host` of the member assigned this partition, when the broker reports it.
    pub owner: Option<String>,
}

/// One group of a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupLag {
    pub name: String,
    /// `classic` or `consumer` (KIP-848); empty when the group was not listed.
    pub kind: String,
    pub state: String,
    pub members: usize,
    pub partitions: Vec<PartitionLag>,
    /// `--max-lag`, else the manifest's `max_lag` for this group.
    pub threshold: Option<i64>,
    /// Why this group's offsets could not be read.
    pub error: Option<String>,
}

impl GroupLag {
    /// Sum of the lag of partitions with a commit; `None` when nothing is committed.
    pub fn total_lag(&self) -> Option<i64> {
        let lags: Vec<i64> = self.partitions.iter().filter_map(|p| p.lag).collect();
        (!lags.is_empty()).then(|| lags.iter().fold(0i64, |a, b| a.saturating_add(*b)))
    }

    pub fn max_lag(&self) -> Option<i64> {
        self.partitions.iter().filter_map(|p| p.lag).max()
    }

    pub fn topics(&self) -> BTreeSet<&str> {
        self.partitions.iter().map(|p| p.topic.as_str()).collect()
    }

    /// Over its threshold (total lag strictly greater than it).
    pub fn over(&self) -> bool {
        matches!((self.threshold, self.total_lag()), (Some(t), Some(l)) if l > t)
    }

    /// The status of a single run: thresholds only.
    fn threshold_status(&self) -> &'static str {
        if self.error.is_some() {
            "ERROR"
        } else if self.over() {
            "OVER"
        } else {
            "OK"
        }
    }
}

/// A group's partitions with their committed offsets (`None`: no commit).
type Committed = BTreeMap<(String, i32), Option<i64>>;

/// Which groups a snapshot covers.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Exactly these groups; empty = every group on the cluster plus the manifest's groups.
    pub named: Vec<String>,
    /// Ask the brokers which groups exist (ListGroups/DescribeGroups). Without it, only the named
    /// groups are read and their state and members are unknown.
    pub describe: bool,
    pub max_lag: Option<i64>,
}

/// Groups sorted by total lag, largest first ("no offsets" last), then by name.
fn sort_groups(groups: &mut [GroupLag]) {
    groups.sort_by(|a, b| b.total_lag().cmp(&a.total_lag()).then_with(|| a.name.cmp(&b.name)));
}

/// Read lag for the selected groups (see the module docs for the requests made).
pub async fn snapshot(
    app: &App,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
) -> Result<Vec<GroupLag>> {
    let (md, listed) = tokio::join!(admin.metadata(None), async {
        if sel.describe { groups::list(admin).await.map(Some) } else { Ok(None) }
    });
    let md = md?;
    let (listed, partial) = listed?.unwrap_or_default();
    if partial {
        app.ui.warn("not every broker answered ListGroups in time; the group list may be incomplete");
    }
    let by_name: HashMap<&str, &groups::Group> = listed.iter().map(|g| (g.name.as_str(), g)).collect();

    let mut names: Vec<String> = Vec::new();
    let mut seen = BTreeSet::new();
    let wanted: Box<dyn Iterator<Item = &String>> = if sel.named.is_empty() {
        // Connect, share and streams groups have no consumer offsets to lag behind: `lag`
        // covers consumer groups of both protocols (classic and KIP-848) only.
        Box::new(
            listed
                .iter()
                .filter(|g| is_consumer_group(&g.kind))
                .map(|g| &g.name)
                .chain(manifest.into_iter().flat_map(|m| m.groups.iter().map(|g| &g.name))),
        )
    } else {
        Box::new(sel.named.iter())
    };
    for n in wanted {
        if seen.insert(n.clone()) {
            names.push(n.clone());
        }
    }

    // Topics a group is known to read without asking for its commits: its members' assignments
    // and the manifest. Used to show uncommitted partitions, and as the explicit partition list
    // when a broker cannot answer "all committed partitions".
    let known_topics = |name: &str| -> BTreeSet<String> {
        let mut t = BTreeSet::new();
        if let Some(g) = by_name.get(name) {
            for m in &g.members {
                t.extend(m.assignment.keys().cloned());
            }
        }
        if let Some(g) = manifest.and_then(|m| m.group(name)) {
            t.extend(g.topics.iter().cloned());
        }
        t
    };
    let partitions_of = |topics: &BTreeSet<String>| -> Vec<(String, i32)> {
        topics.iter().flat_map(|t| partition_ids(&md, t).into_iter().map(move |p| (t.clone(), p))).collect()
    };

    let mut committed: BTreeMap<String, Result<Vec<groups::Committed>, String>> =
        groups::committed_many(admin, names.iter().map(|n| (n.clone(), None)).collect()).await?.into_iter().collect();
    // A broker without the "all partitions" form of OffsetFetch: ask again for what we know of.
    let retry: Vec<groups::GroupRequest> = committed
        .iter()
        .filter(|(_, r)| r.as_ref().is_err_and(|e| e.contains("does not support")))
        .map(|(n, _)| (n.clone(), Some(partitions_of(&known_topics(n)))))
        .collect();
    if !retry.is_empty() {
        app.ui.debug("broker cannot list all committed partitions of a group; asking for known topics only");
        committed.extend(groups::committed_many(admin, retry).await?);
    }

    // The partitions of each group, and the union of all of them for one ListOffsets.
    let mut plan: Vec<(String, Committed, Option<String>)> = Vec::new();
    let mut all_parts: BTreeSet<(String, i32)> = BTreeSet::new();
    for name in &names {
        let mut parts = Committed::new();
        let mut topics = known_topics(name);
        let mut error = None;
        match committed.remove(name) {
            Some(Ok(list)) => {
                for c in list {
                    topics.insert(c.topic.clone());
                    let slot = parts.entry((c.topic, c.partition)).or_insert(None);
                    *slot = slot.or(c.offset);
                }
            }
            Some(Err(e)) => error = Some(e),
            None => error = Some("no answer to OffsetFetch".into()),
        }
        // Every partition of every topic the group touches, so uncommitted ones show as such.
        for tp in partitions_of(&topics) {
            parts.entry(tp).or_insert(None);
        }
        all_parts.extend(parts.keys().filter(|(t, p)| partition_ids(&md, t).contains(p)).cloned());
        plan.push((name.clone(), parts, error));
    }
    let ends = end_offsets(app, all_parts.into_iter().collect()).await?;

    let mut out = Vec::with_capacity(plan.len());
    for (name, parts, error) in plan {
        let listed = by_name.get(name.as_str());
        let owners: HashMap<(&str, i32), String> = listed
            .map(|g| {
                g.members
                    .iter()
                    .flat_map(|m| {
                        let who = owner(m);
                        m.assignment.iter().flat_map(move |(t, ps)| {
                            ps.iter().map({
                                let who = who.clone();
                                move |p| ((t.as_str(), *p), who.clone())
                            })
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let partitions: Vec<PartitionLag> = parts
            .into_iter()
            .map(|((topic, partition), committed)| {
                let end = ends.get(&(topic.clone(), partition)).copied();
                let lag = end.and_then(|e| lagcheck::lag(committed, e));
                let owner = owners.get(&(topic.as_str(), partition)).cloned();
                PartitionLag { topic, partition, committed, end, lag, owner }
            })
            .collect();
        let members = listed.map_or(0, |g| g.members.len());
        let any_commit = partitions.iter().any(|p| p.committed.is_some());
        let state = match listed {
            _ if error.is_none() && !any_commit && members == 0 => NO_OFFSETS.to_string(),
            Some(g) if !g.state.is_empty() => g.state.clone(),
            // Committed offsets but not listed: Kafka lists such a group as Empty; a broker that
            // did not answer ListGroups in time leaves it unknown.
            _ if sel.describe && !partial => "Empty".to_string(),
            _ => "unknown".to_string(),
        };
        let threshold = sel.max_lag.or_else(|| manifest.and_then(|m| m.group(&name)).and_then(|g| g.max_lag));
        let kind = listed.map(|g| g.kind.clone()).unwrap_or_default();
        let error = match listed {
            Some(g) if !is_consumer_group(&g.kind) => {
                Some(format!("not a consumer group: a {} group has no consumer offsets", g.kind))
            }
            _ => error.or_else(|| listed.and_then(|g| g.error.clone()).map(|e| format!("DescribeConsumerGroups: {e}"))),
        };
        out.push(GroupLag { name, kind, state, members, partitions, threshold, error });
    }
    sort_groups(&mut out);
    Ok(out)
}

/// Classic and KIP-848 consumer groups: the ones with committed offsets and lag.
fn is_consumer_group(kind: &str) -> bool {
    matches!(kind, "classic" | "consumer")
}

fn owner(m: &groups::Member) -> String {
    let host = m.client_host.trim_start_matches('/');
    match (m.client_id.is_empty(), host.is_empty()) {
        (false, false) => format!("{}@{host}", m.client_id),
        (false, true) => m.client_id.clone(),
        (true, _) => m.member_id.clone(),
    }
}

fn partition_ids(md: &ClusterMeta, topic: &str) -> Vec<i32> {
    md.topics
        .iter()
        .find(|t| t.name == topic && t.error.is_none())
        .map(|t| t.partitions.iter().map(|p| p.id).collect())
        .unwrap_or_default()
}

/// Log-end offsets (high watermarks) of many partitions in one batched ListOffsets(latest)
/// request per leader; partitions the broker reports an error for are left out.
pub async fn end_offsets(app: &App, parts: Vec<(String, i32)>) -> Result<HashMap<(String, i32), i64>> {
    // read_uncommitted: the high watermark, as kafka-consumer-groups reports lag.
    let mut maps = app
        .settings
        .list_offsets(
            "ListOffsets (log-end offsets)",
            parts,
            vec![rdkafka::Offset::End],
            &[("isolation.level", "read_uncommitted")],
        )
        .await?;
    Ok(maps.pop().unwrap_or_default().into_iter().filter_map(|(tp, o)| o.ok().map(|o| (tp, o))).collect())
}

#[derive(Serialize)]
struct PartitionJson<'a> {
    topic: &'a str,
    partition: i32,
    committed: Option<i64>,
    end: Option<i64>,
    lag: Option<i64>,
    /// `client-id@host` of the member assigned this partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<PartitionStatus>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    /// `classic` or `consumer` (KIP-848); omitted when unknown.
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    state: &'a str,
    members: usize,
    total_lag: Option<i64>,
    max_lag: Option<i64>,
    status: &'a str,
    partitions: Vec<PartitionJson<'a>>,
}

#[derive(Serialize)]
struct LagJson<'a> {
    groups: Vec<GroupJson<'a>>,
}

/// One `--watch` sample as a JSON line.
#[derive(Serialize)]
struct SampleJson<'a> {
    sample: usize,
    elapsed_ms: i64,
    time: String,
    groups: Vec<GroupJson<'a>>,
}

fn group_json<'a>(g: &'a GroupLag, verdicts: Option<&'a Verdicts>) -> GroupJson<'a> {
    let v = verdicts.and_then(|v| v.get(&g.name));
    GroupJson {
        group: &g.name,
        kind: &g.kind,
        state: &g.state,
        members: g.members,
        total_lag: g.total_lag(),
        max_lag: g.max_lag(),
        status: match v {
            Some((gs, _)) if g.error.is_none() => gs.as_str(),
            Some(_) => "ERR",
            None => g.threshold_status(),
        },
        partitions: g
            .partitions
            .iter()
            .map(|p| PartitionJson {
                topic: &p.topic,
                partition: p.partition,
                committed: p.committed,
                end: p.end,
                lag: p.lag,
                owner: p.owner.as_deref(),
                status: v.and_then(|(_, ps)| ps.get(&(p.topic.clone(), p.partition)).copied()),
            })
            .collect(),
    }
}

/// Per group: its rolled-up status and each partition's verdict.
type Verdicts = HashMap<String, (GroupStatus, HashMap<(String, i32), PartitionStatus>)>;

fn paint_status(app: &App, s: &str) -> String {
    let color = match s {
        "OK" => "32",
        "WARN" | "OVER" => "33",
        _ => "31",
    };
    app.ui.paint(s, color)
}

fn num(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), |n| n.to_string())
}

fn topics_cell(g: &GroupLag) -> String {
    let t: Vec<String> = g.topics().into_iter().map(|t| for_terminal(t).into_owned()).collect();
    match t.len() {
        0 => "-".into(),
        1..=2 => t.join(", "),
        n => format!("{}, {} (+{} more)", t[0], t[1], n - 2),
    }
}

fn render_table(app: &App, groups: &[GroupLag], detail: bool, verdicts: Option<&Verdicts>) -> String {
    let mut t = app.ui.table();
    t.set_header(vec!["group", "type", "state", "members", "topics", "total lag", "max lag", "status"]);
    for g in groups {
        let j = group_json(g, verdicts);
        t.add_row(vec![
            for_terminal(&g.name).into_owned(),
            if g.kind.is_empty() { "-".to_string() } else { g.kind.clone() },
            for_terminal(&g.state).into_owned(),
            g.members.to_string(),
            topics_cell(g),
            num(g.total_lag()),
            num(g.max_lag()),
            paint_status(app, j.status),
        ]);
    }
    let mut s = if groups.is_empty() { "No consumer groups.".to_string() } else { t.to_string() };
    if detail {
        for g in groups.iter().filter(|g| !g.partitions.is_empty()) {
            let mut pt = app.ui.table();
            let mut header = vec!["topic", "partition", "committed", "end", "lag", "owner"];
            if verdicts.is_some() {
                header.push("status");
            }
            pt.set_header(header);
            let v = verdicts.and_then(|v| v.get(&g.name));
            for p in &g.partitions {
                let mut row = vec![
                    for_terminal(&p.topic).into_owned(),
                    p.partition.to_string(),
                    p.committed.map_or_else(|| "no offset".to_string(), |c| c.to_string()),
                    num(p.end),
                    num(p.lag),
                    p.owner.as_deref().map_or_else(|| "-".to_string(), |o| for_terminal(o).into_owned()),
                ];
                if let Some((_, ps)) = v {
                    row.push(
                        ps.get(&(p.topic.clone(), p.partition)).map_or("-".into(), |s| paint_status(app, s.as_str())),
                    );
                }
                pt.add_row(row);
            }
            s.push_str(&format!("\n\nGroup {}\n{pt}", for_terminal(&g.name)));
        }
    }
    for g in groups {
        if let Some(e) = &g.error {
            s.push_str(&format!("\nerror: {}: {}", for_terminal(&g.name), e));
        }
    }
    s
}

/// Exit 5 when a group is over its threshold, naming every one.
fn check_thresholds(groups: &[GroupLag]) -> Result<()> {
    let over: Vec<String> = groups
        .iter()
        .filter(|g| g.over())
        .map(|g| format!("{} ({} > {})", g.name, num(g.total_lag()), num(g.threshold)))
        .collect();
    if !over.is_empty() {
        bail!(Exit::with(exit::LAG_OVER, format!("lag over threshold: {}", over.join(", "))));
    }
    Ok(())
}

/// A group named on the command line that the cluster has never seen (no members, no commits)
/// and the manifest does not declare is most likely a typo: an error, with the nearest known
/// name, rather than an "OK" for a group that does not exist. (A declared group that is not
/// deployed yet shows as "no offsets".)
fn check_named(groups: &[GroupLag], named: &[String], manifest: Option<&Manifest>) -> Result<()> {
    let unknown: Vec<&GroupLag> = groups
        .iter()
        .filter(|g| named.contains(&g.name) && g.state == NO_OFFSETS && g.kind.is_empty())
        .filter(|g| manifest.and_then(|m| m.group(&g.name)).is_none())
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = unknown.iter().map(|g| format!("'{}'", for_terminal(&g.name))).collect();
    bail!(
        "unknown consumer group {}: no members and no committed offsets on the cluster, and not declared in the manifest (`evbus lag` lists the groups)",
        names.join(", ")
    );
}

fn check_errors(groups: &[GroupLag]) -> Result<()> {
    let failed: Vec<&str> = groups.iter().filter(|g| g.error.is_some()).map(|g| g.name.as_str()).collect();
    if !failed.is_empty() {
        bail!("could not read the committed offsets of {}", failed.join(", "));
    }
    Ok(())
}

pub async fn run(app: &App, args: LagArgs) -> Result<ExitCode> {
    let manifest = app.manifest_opt(&args.manifest)?;
    let mode = app.ui.mode()?;
    if args.max_lag.is_some_and(|m| m < 0) {
        bail!(Exit::usage("--max-lag must be ≥ 0"));
    }
    if args.watch && (args.window == 0 || args.samples == Some(0)) {
        bail!(Exit::usage("--window and --samples must be at least 1"));
    }
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let sel = Selection { named: args.groups.clone(), describe: true, max_lag: args.max_lag };
    let detail = args.detail || !args.groups.is_empty();
    if args.watch {
        return watch(app, &args, &admin, manifest.as_ref(), &sel, mode, detail).await;
    }
    let groups = snapshot(app, &admin, manifest.as_ref(), &sel).await?;
    check_named(&groups, &args.groups, manifest.as_ref())?;
    if mode == Mode::Json {
        app.ui.json(&LagJson { groups: groups.iter().map(|g| group_json(g, None)).collect() })?;
    } else {
        app.ui.out(&render_table(app, &groups, detail, None))?;
    }
    check_errors(&groups)?;
    check_thresholds(&groups)?;
    Ok(exit::code(exit::OK))
}

/// `--watch`: sample, judge every partition over its window, print, sleep, until `--samples` or
/// Ctrl-C.
async fn watch(
    app: &App,
    args: &LagArgs,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
    mode: Mode,
    detail: bool,
) -> Result<ExitCode> {
    let start = Instant::now();
    let mut windows: HashMap<(String, String, i32), VecDeque<Sample>> = HashMap::new();
    let mut last: Option<(Vec<GroupLag>, Verdicts)> = None;
    let mut taken = 0usize;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut interrupted = false;

    loop {
        // Milliseconds on a monotonic clock: the verdicts measure durations between samples.
        let at_ms = i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX);
        let snap = tokio::select! {
            s = snapshot(app, admin, manifest, sel) => s,
            _ = &mut ctrl_c => { interrupted = true; break; }
        };
        taken += 1;
        match snap {
            Err(e) if last.is_none() => return Err(e),
            Err(e) => app.ui.warn(format!("sample {taken} failed: {e:#}")),
            Ok(groups) => {
                let verdicts = judge(&mut windows, &groups, at_ms, args.window);
                print_sample(app, mode, taken, at_ms, &groups, &verdicts, detail)?;
                last = Some((groups, verdicts));
            }
        }
        if args.samples.is_some_and(|n| taken >= n) {
            break;
        }
        // The pause comes after the sample, so the time between two samples is at least the interval.
        tokio::select! {
            _ = tokio::time::sleep(args.interval) => {}
            _ = &mut ctrl_c => { interrupted = true; break; }
        }
    }

    let summary = match &last {
        Some((groups, verdicts)) => {
            let count = |s: GroupStatus| verdicts.values().filter(|(g, _)| *g == s).count();
            format!(
                "{taken} sample(s) of {} group(s): {} OK, {} WARN, {} ERR",
                groups.len(),
                count(GroupStatus::Ok),
                count(GroupStatus::Warn),
                count(GroupStatus::Err)
            )
        }
        None => format!("{taken} sample(s), none complete"),
    };
    if interrupted {
        app.ui.info(format!("interrupted: {summary}"));
        return Ok(exit::code(exit::INTERRUPTED));
    }
    app.ui.info(summary);
    if let Some((groups, _)) = &last {
        check_thresholds(groups)?;
    }
    Ok(exit::code(exit::OK))
}

/// Add this sample to every partition's window and evaluate it at the sample's time.
fn judge(
    windows: &mut HashMap<(String, String, i32), VecDeque<Sample>>,
    groups: &[GroupLag],
    at_ms: i64,
    window: usize,
) -> Verdicts {
    let mut out = Verdicts::new();
    for g in groups {
        let mut per = HashMap::new();
        for p in &g.partitions {
            let w = windows.entry((g.name.clone(), p.topic.clone(), p.partition)).or_default();
            // Without a log-end offset there is nothing to measure; the window keeps what it had.
            if let Some(end) = p.end {
                w.push_back(Sample { at_ms, committed: p.committed, end });
                while w.len() > window {
                    w.pop_front();
                }
            }
            let samples: Vec<Sample> = w.iter().copied().collect();
            per.insert(
                (p.topic.clone(), p.partition),
                lagcheck::evaluate(&samples, at_ms, lagcheck::DEFAULT_ALLOWED_LAG),
            );
        }
        let status = lagcheck::roll_up(per.values().copied());
        out.insert(g.name.clone(), (status, per));
    }
    out
}

fn print_sample(
    app: &App,
    mode: Mode,
    n: usize,
    at_ms: i64,
    groups: &[GroupLag],
    verdicts: &Verdicts,
    detail: bool,
) -> Result<()> {
    match mode {
        Mode::Json => {
            // One compact line per sample, terminal or not: a stream of documents.
            let line = serde_json::to_string(&SampleJson {
                sample: n,
                elapsed_ms: at_ms,
                time: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                groups: groups.iter().map(|g| group_json(g, Some(verdicts))).collect(),
            })?;
            app.ui.out(&line)
        }
        Mode::Table => {
            let when = chrono::Local::now().format("%H:%M:%S");
            let table = render_table(app, groups, detail, Some(verdicts));
            let gap = if n > 1 { "\n" } else { "" };
            app.ui.out(&format!("{gap}Sample {n} at {when}\n{table}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(topic: &str, p: i32, committed: Option<i64>, end: i64) -> PartitionLag {
        PartitionLag {
            topic: topic.into(),
            partition: p,
            committed,
            end: Some(end),
            lag: lagcheck::lag(committed, end),
            owner: None,
        }
    }

    fn group(name: &str, parts: Vec<PartitionLag>, threshold: Option<i64>) -> GroupLag {
        GroupLag {
            name: name.into(),
            kind: "classic".into(),
            state: "Empty".into(),
            members: 0,
            partitions: parts,
            threshold,
            error: None,
        }
    }

    #[test]
    fn totals_skip_uncommitted_partitions() {
        let g = group("g", vec![part("t", 0, Some(5), 10), part("t", 1, None, 7), part("t", 2, Some(3), 4)], None);
        assert_eq!(g.total_lag(), Some(6));
        assert_eq!(g.max_lag(), Some(5));
        let none = group("n", vec![part("t", 0, None, 10)], Some(0));
        assert_eq!(none.total_lag(), None);
        assert!(!none.over());
    }

    #[test]
    fn over_is_strictly_greater() {
        assert!(!group("g", vec![part("t", 0, Some(0), 10)], Some(10)).over());
        assert!(group("g", vec![part("t", 0, Some(0), 11)], Some(10)).over());
        assert!(!group("g", vec![part("t", 0, Some(0), 11)], None).over());
    }

    #[test]
    fn groups_sort_by_lag_descending_no_offsets_last() {
        let mut v = vec![
            group("none", vec![part("t", 0, None, 10)], None),
            group("small", vec![part("t", 0, Some(9), 10)], None),
            group("big", vec![part("t", 0, Some(0), 10)], None),
            group("a-small", vec![part("t", 0, Some(9), 10)], None),
        ];
        sort_groups(&mut v);
        let names: Vec<&str> = v.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["big", "a-small", "small", "none"]);
    }

    #[test]
    fn threshold_exit_names_every_group_over() {
        let v = vec![
            group("a", vec![part("t", 0, Some(0), 20)], Some(10)),
            group("b", vec![part("t", 0, Some(0), 5)], Some(10)),
            group("c", vec![part("t", 0, Some(0), 50)], Some(10)),
        ];
        let e = check_thresholds(&v).unwrap_err();
        assert_eq!(exit::code_for(&e), exit::LAG_OVER);
        assert_eq!(e.to_string(), "lag over threshold: a (20 > 10), c (50 > 10)");
    }

    #[test]
    fn watch_windows_are_trimmed_and_judged_at_the_sample_time() {
        let mut w = HashMap::new();
        let mk = |c: i64, e: i64| vec![group("g", vec![part("t", 0, Some(c), e)], None)];
        judge(&mut w, &mk(10, 20), 0, 3);
        judge(&mut w, &mk(10, 20), 100, 3);
        let v = judge(&mut w, &mk(10, 20), 200, 3);
        assert_eq!(v["g"].0, GroupStatus::Err);
        assert_eq!(v["g"].1[&("t".to_string(), 0)], PartitionStatus::Stall);
        judge(&mut w, &mk(15, 30), 300, 3);
        let v = judge(&mut w, &mk(20, 40), 400, 3);
        // Window now [10/20, 15/30, 20/40]: lag 10, 15, 20 with moving commits.
        assert_eq!(w[&("g".to_string(), "t".to_string(), 0)].len(), 3);
        assert_eq!(v["g"].1[&("t".to_string(), 0)], PartitionStatus::Warn);
        assert_eq!(v["g"].0, GroupStatus::Warn);
    }
}
