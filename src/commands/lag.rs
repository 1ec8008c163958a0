//! `evbus lag`: consumer-group lag per partition, in offsets and in time, totals, records lost
//! to retention, retention risk, and a status verdict.
//!
//! One snapshot = ListGroups/DescribeGroups (state, members, who owns what), one OffsetFetch per
//! group (all requests in flight together), one batched ListOffsets each for the log-end and
//! log-start offsets of every partition involved, and one metadata request. For the time lag, the
//! first unconsumed record of every lagging partition is read by a consumer assigned to it (never
//! joining the group), and one DescribeConfigs gives the lagging topics' `retention.ms`. Every call
//! is bounded by `--timeout`; the time lag and retention risk are left out (with a warning) when
//! they cannot be read, rather than failing the offsets that could.
//!
//! Without `--watch` the status comes from thresholds only (`--max-lag`, `--max-time-lag`, the
//! manifest's `max_lag`); with `--watch` each partition is judged over a window of samples by
//! [`crate::lag::verdict`] (Burrow's rules), and each group gets its consumption and production rates
//! and an estimated time to catch up ([`crate::lag::timelag`]).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;

use crate::app::App;
use crate::cli::LagArgs;
use crate::exit::{self, Exit};
use crate::kafka::admin::Admin;
use crate::kafka::{ClusterMeta, groups};
use crate::lag::timelag::{self, Risk};
use crate::lag::verdict::{self, GroupStatus, PartitionStatus, Sample};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;
use crate::topics::manifest::Manifest;

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
    /// The log-start offset (`None`: not read).
    pub log_start: Option<i64>,
    /// Age of the first unconsumed record in ms (0 without lag; `None`: no commit, or not read).
    pub time_lag_ms: Option<i64>,
    /// Records deleted by retention before the group read them (committed offset below the log
    /// start); `None` when unknown.
    pub lost: Option<i64>,
    /// The oldest unconsumed record is close to the topic's `retention.ms`.
    pub risk: Option<Risk>,
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
    /// `--max-time-lag` in milliseconds.
    pub time_threshold_ms: Option<i64>,
    /// Why this group's offsets could not be read.
    pub error: Option<String>,
    /// The members as DescribeConsumerGroups reports them (for `groups describe`).
    pub member_list: Vec<groups::Member>,
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

    /// The group's time lag: its largest partition's.
    pub fn max_time_lag_ms(&self) -> Option<i64> {
        self.partitions.iter().filter_map(|p| p.time_lag_ms).max()
    }

    /// Records deleted by retention before the group read them, over all partitions.
    pub fn lost(&self) -> i64 {
        self.partitions.iter().filter_map(|p| p.lost).fold(0, i64::saturating_add)
    }

    /// Over its threshold: total lag strictly greater than `threshold`, or time lag strictly
    /// greater than `time_threshold_ms`.
    pub fn over(&self) -> bool {
        self.over_lag() || self.over_time()
    }

    fn over_lag(&self) -> bool {
        matches!((self.threshold, self.total_lag()), (Some(t), Some(l)) if l > t)
    }

    fn over_time(&self) -> bool {
        matches!((self.time_threshold_ms, self.max_time_lag_ms()), (Some(t), Some(l)) if l > t)
    }

    /// "records deleted by retention" sentences, one per partition that lost records.
    pub fn loss_notes(&self) -> Vec<String> {
        self.partitions
            .iter()
            .filter_map(|p| {
                let n = p.lost.filter(|n| *n > 0)?;
                Some(format!(
                    "{n} {} deleted by retention before group {} read {} ({}[{}]: committed {}, log start {})",
                    if n == 1 { "record" } else { "records" },
                    for_terminal(&self.name),
                    if n == 1 { "it" } else { "them" },
                    for_terminal(&p.topic),
                    p.partition,
                    num(p.committed),
                    num(p.log_start)
                ))
            })
            .collect()
    }

    /// Retention-risk sentences, one per partition at risk.
    pub fn risk_notes(&self) -> Vec<String> {
        self.partitions
            .iter()
            .filter_map(|p| {
                let r = p.risk?;
                Some(format!(
                    "group {}: the oldest unconsumed record of {}[{}] is {} old, {:.0}% of retention.ms ({}): {}",
                    for_terminal(&self.name),
                    for_terminal(&p.topic),
                    p.partition,
                    timelag::human_ms(r.age_ms),
                    r.percent,
                    timelag::human_ms(r.retention_ms),
                    if r.left_ms > 0 {
                        format!("about {} left before retention deletes it", timelag::human_ms(r.left_ms))
                    } else {
                        "retention may delete it at any moment".to_string()
                    }
                ))
            })
            .collect()
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
#[derive(Debug, Clone)]
pub struct Selection {
    /// Exactly these groups; empty = every group on the cluster plus the manifest's groups.
    pub named: Vec<String>,
    /// Ask the brokers which groups exist (ListGroups/DescribeGroups). Without it, only the named
    /// groups are read and their state and members are unknown.
    pub describe: bool,
    pub max_lag: Option<i64>,
    /// `--max-time-lag` in milliseconds.
    pub max_time_lag_ms: Option<i64>,
    /// Read time lag, log-start offsets and retention risk (more requests; `groups list` skips it).
    pub time_lag: bool,
    /// `--retention-warn` as a fraction (0.8 for 80%).
    pub retention_warn: f64,
}

impl Default for Selection {
    fn default() -> Selection {
        Selection {
            named: Vec::new(),
            describe: true,
            max_lag: None,
            max_time_lag_ms: None,
            time_lag: true,
            retention_warn: DEFAULT_RETENTION_WARN,
        }
    }
}

/// `--retention-warn` by default: warn when the oldest unconsumed record is 80% of retention.ms old.
pub const DEFAULT_RETENTION_WARN: f64 = 0.8;

/// A snapshot with the group listing it was made from (for `groups list`).
pub struct Snapshot {
    pub groups: Vec<GroupLag>,
    /// Every group ListGroups returned, of every type.
    pub listed: Vec<groups::Group>,
    /// Some broker did not answer ListGroups in time.
    pub partial: bool,
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
    Ok(snapshot_listed(app, admin, manifest, sel).await?.groups)
}

/// [`snapshot`], with the listing of every group it was made from.
pub async fn snapshot_listed(
    app: &App,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
) -> Result<Snapshot> {
    snapshot_from(app, admin, manifest, sel, None).await
}

/// [`snapshot_listed`] from a group listing the caller already has (`groups list` filters it
/// first), instead of asking for it again when `sel.describe` is set.
pub async fn snapshot_from(
    app: &App,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
    listing: Option<(Vec<groups::Group>, bool)>,
) -> Result<Snapshot> {
    let (md, listed) = tokio::join!(admin.metadata(None), async {
        match listing {
            Some(l) => Ok(Some(l)),
            None if sel.describe => groups::list(admin).await.map(Some),
            None => Ok(None),
        }
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
    let (ends, starts) = if sel.time_lag {
        log_offsets(app, all_parts.into_iter().collect()).await?
    } else {
        (end_offsets(app, all_parts.into_iter().collect()).await?, HashMap::new())
    };

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
                let log_start = starts.get(&(topic.clone(), partition)).copied();
                let lag = end.and_then(|e| verdict::lag(committed, e));
                let owner = owners.get(&(topic.as_str(), partition)).cloned();
                // Filled in below, once the lagging partitions' first records are read.
                let time_lag_ms = if lag == Some(0) { Some(0) } else { None };
                let lost = timelag::lost_to_retention(committed, log_start);
                PartitionLag { topic, partition, committed, end, lag, owner, log_start, time_lag_ms, lost, risk: None }
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
        let member_list = listed.map(|g| g.members.clone()).unwrap_or_default();
        out.push(GroupLag {
            name,
            kind,
            state,
            members,
            partitions,
            threshold,
            time_threshold_ms: sel.max_time_lag_ms,
            error,
            member_list,
        });
    }
    if sel.time_lag {
        add_time_lag(app, admin, &mut out, sel.retention_warn).await;
    }
    sort_groups(&mut out);
    Ok(Snapshot { groups: out, listed, partial })
}

/// Time lag and retention risk of every lagging partition: the first unconsumed record's
/// timestamp (one read per partition and offset, shared by groups at the same offset) and the
/// topics' retention. What cannot be read is left unknown, with a warning.
async fn add_time_lag(app: &App, admin: &Arc<Admin>, groups: &mut [GroupLag], warn: f64) {
    let mut wanted: BTreeSet<(String, i32, i64, i64)> = BTreeSet::new();
    for g in groups.iter() {
        for p in &g.partitions {
            if let (Some(c), Some(end), Some(l)) = (p.committed, p.end, p.lag)
                && l > 0
            {
                // Below the log start the records are gone: the oldest one left is the first the
                // group will read.
                wanted.insert((p.topic.clone(), p.partition, c.max(p.log_start.unwrap_or(0)), end));
            }
        }
    }
    if wanted.is_empty() {
        return;
    }
    let topics: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let (stamps, configs) =
        tokio::join!(app.settings.first_timestamps(wanted.into_iter().collect()), admin.topic_configs(&topics));
    let stamps = stamps.unwrap_or_else(|e| {
        app.ui.warn(format!("time lag unavailable: {e:#}"));
        HashMap::new()
    });
    let retention: HashMap<String, Option<i64>> = match configs {
        Ok(c) => c
            .into_iter()
            .map(|(t, cfg)| {
                let v = |k: &str| cfg.get(k).and_then(|c| c.value.clone());
                let r = timelag::retention_ms(v("retention.ms").as_deref(), v("cleanup.policy").as_deref());
                (t, r)
            })
            .collect(),
        Err(e) => {
            app.ui.warn(format!("retention risk unavailable (cannot read topic configs): {e:#}"));
            HashMap::new()
        }
    };
    let now = chrono::Utc::now().timestamp_millis();
    let mut missing = 0usize;
    for g in groups.iter_mut() {
        for p in &mut g.partitions {
            let (Some(c), Some(l)) = (p.committed, p.lag) else { continue };
            if l <= 0 {
                continue;
            }
            let at = c.max(p.log_start.unwrap_or(0));
            match stamps.get(&(p.topic.clone(), p.partition, at)) {
                Some(ts) => p.time_lag_ms = timelag::time_lag_ms(p.lag, *ts, now),
                None => missing += 1,
            }
            if let Some(age) = p.time_lag_ms {
                p.risk = timelag::retention_risk(age, retention.get(&p.topic).copied().flatten(), warn);
            }
        }
    }
    if missing > 0 && !stamps.is_empty() {
        app.ui.warn(format!(
            "time lag of {missing} partition(s) unknown: their first unconsumed record was not read within {}",
            humantime::format_duration(app.settings.timeout)
        ));
    }
}

/// Classic and KIP-848 consumer groups: the ones with committed offsets and lag.
pub fn is_consumer_group(kind: &str) -> bool {
    matches!(kind, "classic" | "consumer")
}

pub fn owner(m: &groups::Member) -> String {
    let host = m.client_host.trim_start_matches('/');
    match (m.client_id.is_empty(), host.is_empty()) {
        (false, false) => format!("{}@{host}", m.client_id),
        (false, true) => m.client_id.clone(),
        (true, _) => m.member_id.clone(),
    }
}

pub fn partition_ids(md: &ClusterMeta, topic: &str) -> Vec<i32> {
    md.topics
        .iter()
        .find(|t| t.name == topic && t.error.is_none())
        .map(|t| t.partitions.iter().map(|p| p.id).collect())
        .unwrap_or_default()
}

/// Log-end and log-start offsets of many partitions (two batched ListOffsets requests per
/// leader); partitions the broker reports an error for are left out.
pub async fn log_offsets(
    app: &App,
    parts: Vec<(String, i32)>,
) -> Result<(HashMap<(String, i32), i64>, HashMap<(String, i32), i64>)> {
    let maps = app
        .settings
        .list_offsets(
            "ListOffsets (log-end and log-start offsets)",
            parts,
            vec![rdkafka::Offset::End, rdkafka::Offset::Beginning],
            &[("isolation.level", "read_uncommitted")],
        )
        .await?;
    let mut it = maps.into_iter().map(|m| m.into_iter().filter_map(|(tp, o)| o.ok().map(|o| (tp, o))).collect());
    Ok((it.next().unwrap_or_default(), it.next().unwrap_or_default()))
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
pub struct PartitionJson<'a> {
    topic: &'a str,
    partition: i32,
    committed: Option<i64>,
    end: Option<i64>,
    lag: Option<i64>,
    /// Omitted when the snapshot did not read log-start offsets (`groups list`).
    #[serde(skip_serializing_if = "Option::is_none")]
    log_start: Option<i64>,
    time_lag_ms: Option<i64>,
    /// Records deleted by retention before the group read them.
    lost_to_retention: Option<i64>,
    retention_risk: Option<Risk>,
    /// `client-id@host` of the member assigned this partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<PartitionStatus>,
}

/// `--watch`: offsets per second and the estimated time to catch up (from the second sample on).
#[derive(Serialize)]
pub struct RatesJson {
    consume_per_s: f64,
    produce_per_s: f64,
    /// Seconds until the lag is gone at these rates; `null` when it is not shrinking.
    catch_up_s: Option<f64>,
}

#[derive(Serialize)]
pub struct GroupJson<'a> {
    group: &'a str,
    /// `classic` or `consumer` (KIP-848); omitted when unknown.
    #[serde(rename = "type", skip_serializing_if = "str::is_empty")]
    kind: &'a str,
    state: &'a str,
    members: usize,
    total_lag: Option<i64>,
    max_lag: Option<i64>,
    max_time_lag_ms: Option<i64>,
    lost_to_retention: i64,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rates: Option<RatesJson>,
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

/// A group as `lag -o json` prints it (for `groups describe`).
pub fn group_doc(g: &GroupLag) -> GroupJson<'_> {
    group_json(g, None)
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
        max_time_lag_ms: g.max_time_lag_ms(),
        lost_to_retention: g.lost(),
        status: match v {
            Some(gv) if g.error.is_none() => gv.status.as_str(),
            Some(_) => "ERR",
            None => g.threshold_status(),
        },
        rates: v.and_then(|gv| gv.rates).map(|r| RatesJson {
            consume_per_s: r.consume_per_s,
            produce_per_s: r.produce_per_s,
            catch_up_s: timelag::catch_up(g.total_lag().unwrap_or(0), r).seconds(),
        }),
        partitions: g
            .partitions
            .iter()
            .map(|p| PartitionJson {
                topic: &p.topic,
                partition: p.partition,
                committed: p.committed,
                end: p.end,
                lag: p.lag,
                log_start: p.log_start,
                time_lag_ms: p.time_lag_ms,
                lost_to_retention: p.lost,
                retention_risk: p.risk,
                owner: p.owner.as_deref(),
                status: v.and_then(|gv| gv.partitions.get(&(p.topic.clone(), p.partition)).copied()),
            })
            .collect(),
    }
}

/// One group's `--watch` evaluation.
#[derive(Debug, Clone)]
pub struct GroupVerdict {
    status: GroupStatus,
    partitions: HashMap<(String, i32), PartitionStatus>,
    /// Over the window; `None` until two samples have a commit.
    rates: Option<timelag::Rates>,
}

/// Per group: its rolled-up status, each partition's verdict and the group's rates.
pub type Verdicts = HashMap<String, GroupVerdict>;

fn paint_status(app: &App, s: &str) -> String {
    let color = match s {
        "OK" => "32",
        "WARN" | "OVER" => "33",
        _ => "31",
    };
    app.ui.paint(s, color)
}

pub fn num(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), |n| n.to_string())
}

/// A time lag for a table cell: `-` when unknown.
pub fn age(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".to_string(), timelag::human_ms)
}

/// Offsets per second for a table cell.
fn rate(r: f64) -> String {
    if r >= 100.0 { format!("{r:.0}/s") } else { format!("{r:.1}/s") }
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
    let mut header = vec!["group", "type", "state", "members", "topics", "total lag", "max lag", "time lag"];
    if verdicts.is_some() {
        header.extend(["consume", "produce", "catch-up"]);
    }
    header.push("status");
    t.set_header(header);
    for g in groups {
        let j = group_json(g, verdicts);
        let mut row = vec![
            for_terminal(&g.name).into_owned(),
            if g.kind.is_empty() { "-".to_string() } else { g.kind.clone() },
            for_terminal(&g.state).into_owned(),
            g.members.to_string(),
            topics_cell(g),
            num(g.total_lag()),
            num(g.max_lag()),
            age(g.max_time_lag_ms()),
        ];
        if let Some(v) = verdicts {
            match v.get(&g.name).and_then(|gv| gv.rates) {
                Some(r) => row.extend([
                    rate(r.consume_per_s),
                    rate(r.produce_per_s),
                    timelag::catch_up(g.total_lag().unwrap_or(0), r).text(),
                ]),
                None => row.extend(["-".to_string(), "-".to_string(), "-".to_string()]),
            }
        }
        row.push(paint_status(app, j.status));
        t.add_row(row);
    }
    let mut s = if groups.is_empty() { "No consumer groups.".to_string() } else { t.to_string() };
    if detail {
        for g in groups.iter().filter(|g| !g.partitions.is_empty()) {
            s.push_str(&format!("\n\nGroup {}\n{}", for_terminal(&g.name), partition_table(app, g, verdicts)));
        }
    }
    s.push_str(&group_notes(groups));
    s
}

/// A row per partition: offsets, lag in offsets and in time, owner, and the `--watch` verdict.
pub fn partition_table(app: &App, g: &GroupLag, verdicts: Option<&Verdicts>) -> comfy_table::Table {
    let mut pt = app.ui.table();
    let mut header = vec!["topic", "partition", "committed", "end", "lag", "time lag", "owner"];
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
            age(p.time_lag_ms),
            p.owner.as_deref().map_or_else(|| "-".to_string(), |o| for_terminal(o).into_owned()),
        ];
        if let Some(gv) = v {
            row.push(
                gv.partitions
                    .get(&(p.topic.clone(), p.partition))
                    .map_or("-".into(), |s| paint_status(app, s.as_str())),
            );
        }
        pt.add_row(row);
    }
    pt
}

/// Errors, records lost to retention and retention risks under a table, one line each.
pub fn group_notes(groups: &[GroupLag]) -> String {
    let mut s = String::new();
    for g in groups {
        if let Some(e) = &g.error {
            s.push_str(&format!("\nerror: {}: {}", for_terminal(&g.name), e));
        }
        for n in g.loss_notes() {
            s.push_str(&format!("\nlost: {n}"));
        }
        for n in g.risk_notes() {
            s.push_str(&format!("\nretention risk: {n}"));
        }
    }
    s
}

/// Exit 5 when a group is over a threshold, naming every one.
fn check_thresholds(groups: &[GroupLag]) -> Result<()> {
    let over: Vec<String> = groups
        .iter()
        .filter(|g| g.over())
        .map(|g| {
            let mut why = Vec::new();
            if g.over_lag() {
                why.push(format!("{} > {}", num(g.total_lag()), num(g.threshold)));
            }
            if g.over_time() {
                why.push(format!("time lag {} > {}", age(g.max_time_lag_ms()), age(g.time_threshold_ms)));
            }
            format!("{} ({})", g.name, why.join(", "))
        })
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

/// Records lost to retention and retention risks as warnings on stderr (JSON output carries them
/// in its fields; a terminal table prints them under the table).
fn warn_retention(app: &App, groups: &[GroupLag]) {
    for g in groups {
        for n in g.loss_notes() {
            app.ui.warn(n);
        }
        for n in g.risk_notes() {
            app.ui.warn(format!("retention risk: {n}"));
        }
    }
}

/// `--max-time-lag` and `--retention-warn` checked and converted.
pub fn time_options(max_time_lag: Option<Duration>, retention_warn: &str) -> Result<(Option<i64>, f64)> {
    let warn = timelag::parse_percent(retention_warn).map_err(|e| Exit::usage(format!("--retention-warn {e}")))?;
    let max = max_time_lag.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Ok((max, warn))
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
    let (max_time_lag_ms, retention_warn) = time_options(args.max_time_lag, &args.retention_warn)?;
    app.settings.log_effective();
    let admin = Arc::new(app.settings.admin()?);
    let sel = Selection {
        named: args.groups.clone(),
        describe: true,
        max_lag: args.max_lag,
        max_time_lag_ms,
        time_lag: true,
        retention_warn,
    };
    let detail = args.detail || !args.groups.is_empty();
    if args.watch {
        return watch(app, &args, &admin, manifest.as_ref(), &sel, mode, detail).await;
    }
    let groups = snapshot(app, &admin, manifest.as_ref(), &sel).await?;
    check_named(&groups, &args.groups, manifest.as_ref())?;
    if mode == Mode::Json {
        app.ui.json(&LagJson { groups: groups.iter().map(|g| group_json(g, None)).collect() })?;
        warn_retention(app, &groups);
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
            let count = |s: GroupStatus| verdicts.values().filter(|gv| gv.status == s).count();
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

/// Add this sample to every partition's window and evaluate it at the sample's time; each group's
/// rates come from the same windows.
fn judge(
    windows: &mut HashMap<(String, String, i32), VecDeque<Sample>>,
    groups: &[GroupLag],
    at_ms: i64,
    window: usize,
) -> Verdicts {
    let mut out = Verdicts::new();
    for g in groups {
        let mut per = HashMap::new();
        let mut all: Vec<Vec<Sample>> = Vec::with_capacity(g.partitions.len());
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
                verdict::evaluate(&samples, at_ms, verdict::DEFAULT_ALLOWED_LAG),
            );
            all.push(samples);
        }
        let status = verdict::roll_up(per.values().copied());
        let rates = timelag::group_rates(all.iter().map(Vec::as_slice));
        out.insert(g.name.clone(), GroupVerdict { status, partitions: per, rates });
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
            lag: verdict::lag(committed, end),
            owner: None,
            log_start: Some(0),
            time_lag_ms: None,
            lost: Some(0),
            risk: None,
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
            time_threshold_ms: None,
            error: None,
            member_list: Vec::new(),
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
        assert_eq!(v["g"].status, GroupStatus::Err);
        assert_eq!(v["g"].partitions[&("t".to_string(), 0)], PartitionStatus::Stall);
        // A frozen commit with a fixed log end: nothing consumed, nothing produced.
        assert_eq!(v["g"].rates, Some(timelag::Rates { consume_per_s: 0.0, produce_per_s: 0.0 }));
        judge(&mut w, &mk(15, 30), 300, 3);
        let v = judge(&mut w, &mk(20, 40), 400, 3);
        // Window now [10/20, 15/30, 20/40]: lag 10, 15, 20 with moving commits.
        assert_eq!(w[&("g".to_string(), "t".to_string(), 0)].len(), 3);
        assert_eq!(v["g"].partitions[&("t".to_string(), 0)], PartitionStatus::Warn);
        assert_eq!(v["g"].status, GroupStatus::Warn);
        // 10 offsets committed and 20 produced over the window's 200 ms.
        assert_eq!(v["g"].rates, Some(timelag::Rates { consume_per_s: 50.0, produce_per_s: 100.0 }));
    }

    #[test]
    fn time_thresholds_and_retention_notes() {
        let mut p = part("t", 0, Some(3), 20);
        p.time_lag_ms = Some(600_000);
        p.log_start = Some(8);
        p.lost = Some(5);
        p.risk = timelag::retention_risk(600_000, Some(700_000), 0.8);
        let mut g = group("g", vec![p, part("t", 1, Some(4), 4)], None);
        assert_eq!(g.max_time_lag_ms(), Some(600_000));
        assert!(!g.over());
        g.time_threshold_ms = Some(300_000);
        assert!(g.over());
        let e = check_thresholds(std::slice::from_ref(&g)).unwrap_err();
        assert_eq!(exit::code_for(&e), exit::LAG_OVER);
        assert_eq!(e.to_string(), "lag over threshold: g (time lag 10m00s > 5m00s)");
        g.time_threshold_ms = Some(600_000);
        assert!(!g.over(), "exactly at the threshold is not over");
        assert_eq!(g.lost(), 5);
        assert_eq!(
            g.loss_notes(),
            ["5 records deleted by retention before group g read them (t[0]: committed 3, log start 8)"]
        );
        let risk = g.risk_notes();
        assert_eq!(risk.len(), 1);
        assert!(risk[0].contains("t[0] is 10m00s old, 86% of retention.ms (11m40s): about 1m40s left"), "{risk:?}");
    }

    #[test]
    fn options_are_checked() {
        assert_eq!(time_options(Some(Duration::from_secs(300)), "80%").unwrap(), (Some(300_000), 0.8));
        let e = time_options(None, "180%").unwrap_err();
        assert_eq!(exit::code_for(&e), exit::USAGE);
    }
}
