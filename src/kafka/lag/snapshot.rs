//! Reading a lag snapshot from the brokers (see [`crate::lag::report`] for what it holds).
//!
//! One snapshot = ListGroups/DescribeGroups (state, members, who owns what), one OffsetFetch per
//! group (all requests in flight together), one batched ListOffsets each for the log-end and
//! log-start offsets of every partition involved, and one metadata request. For the time lag, the
//! first unconsumed record at every lagging group's committed offset is read by a consumer
//! assigned once to all those partitions (a few when one partition has many such offsets; never
//! joining a group; [`first_records`](super::first_records)), and one
//! DescribeConfigs gives the lagging topics' `retention.ms`. Every call
//! is bounded by `--timeout`; the time lag and retention risk are left out (with a warning in
//! [`Snapshot::warnings`]) when they cannot be read, rather than failing the offsets that could.
//!
//! Shared by `lag`, `groups` and `health`. It prints nothing: what it used to tell the user on
//! the way is returned as data for the command to print.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use anyhow::Result;

use super::partitions::{end_offsets, log_offsets, partition_ids};
use super::{first_records, share};
use crate::kafka::admin::Admin;
use crate::kafka::error::side_by_side;
use crate::kafka::{ClusterMeta, Settings, groups};
use crate::lag::report::{GroupLag, NO_OFFSETS, PartitionLag, Selection, has_committed_offsets, sort_groups};
use crate::lag::timelag;
use crate::lag::verdict;
use crate::topics::manifest::Manifest;

/// A group's partitions with their committed offsets (`None`: no commit).
type Committed = BTreeMap<(String, i32), Option<i64>>;

/// Each group's OffsetFetch answer: its committed offsets, or why they could not be read.
type CommittedByGroup = BTreeMap<String, Result<Vec<groups::Committed>, crate::kafka::error::Error>>;

/// A group to report: its name, partitions and OffsetFetch error.
type GroupPlan = (String, Committed, Option<String>);

/// A snapshot with the group listing it was made from (for `groups list`).
pub struct Snapshot {
    /// Lag of the consumer groups selected, sorted for display.
    pub groups: Vec<GroupLag>,
    /// Every group ListGroups returned, of every type.
    pub listed: Vec<groups::Group>,
    /// Some broker did not answer ListGroups in time.
    pub partial: bool,
    /// For the user, in the order they arose: an incomplete group list, a time lag or retention
    /// risk that could not be read.
    pub warnings: Vec<String>,
    /// For `-v`: how the snapshot was read.
    pub debug: Vec<String>,
}

/// Read lag for the selected groups (see the module docs for the requests made).
pub async fn snapshot(
    settings: &Settings,
    admin: &Arc<Admin>,
    manifest: Option<&Manifest>,
    sel: &Selection,
) -> Result<Snapshot> {
    snapshot_from(settings, admin, manifest, sel, None).await
}

/// [`snapshot`] from a group listing the caller already has (`groups list` filters it
/// first), instead of asking for it again when `sel.describe` is set.
pub async fn snapshot_from(
    settings: &Settings,
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
    let (md, listed) = side_by_side(md, listed.map_err(anyhow::Error::from))?;
    let (mut listed, partial) = listed.unwrap_or_default();
    let mut warnings = Vec::new();
    let mut debug = Vec::new();
    if partial {
        warnings.push("not every broker answered ListGroups in time; the group list may be incomplete".to_string());
    }
    // Share groups have start offsets, not commits: read on their own path (see `share`).
    let (names, share_names) = share::split(&listed, manifest, selected_names(&listed, manifest, sel));
    let shared = share::read(settings, &share_names).await;
    share::describe_into(&mut listed, &shared);
    let known = Known { md: &md, by_name: listed.iter().map(|g| (g.name.as_str(), g)).collect(), manifest };
    let committed = read_committed(admin, &known, &names, &mut debug).await?;
    let (mut plan, mut all_parts) = plan_partitions(&known, &names, committed);
    for (name, parts, error) in share::plan(&shared) {
        all_parts.extend(parts.keys().filter(|(t, p)| partition_ids(&md, t).contains(p)).cloned());
        plan.push((name, parts, error));
    }
    let (ends, starts) = if sel.time_lag {
        log_offsets(settings, all_parts.into_iter().collect()).await?
    } else {
        (end_offsets(settings, all_parts.into_iter().collect()).await?, HashMap::new())
    };
    let offsets = LogOffsets { ends, starts };
    let mut out: Vec<GroupLag> = plan
        .into_iter()
        .map(|(name, parts, error)| group_lag(&known, sel, partial, &offsets, name, parts, error))
        .collect();
    share::finish(&mut out, &shared, &mut warnings);
    if sel.time_lag {
        warnings.extend(add_time_lag(settings, admin, &mut out, sel.retention_warn).await);
    }
    sort_groups(&mut out);
    Ok(Snapshot { groups: out, listed, partial, warnings, debug })
}

/// What is known of the groups and topics before their commits are read: the metadata, the
/// listed groups by name and the manifest.
struct Known<'a> {
    md: &'a ClusterMeta,
    by_name: HashMap<&'a str, &'a groups::Group>,
    manifest: Option<&'a Manifest>,
}

impl Known<'_> {
    /// Topics a group is known to read without asking for its commits: its members' assignments
    /// and the manifest. Used to show uncommitted partitions, and as the explicit partition list
    /// when a broker cannot answer "all committed partitions".
    fn topics(&self, name: &str) -> BTreeSet<String> {
        let mut t = BTreeSet::new();
        if let Some(g) = self.by_name.get(name) {
            for m in &g.members {
                t.extend(m.assignment.keys().cloned());
            }
        }
        if let Some(g) = self.manifest.and_then(|m| m.group(name)) {
            t.extend(g.topics.iter().cloned());
        }
        t
    }

    /// Every partition of these topics that the metadata has.
    fn partitions(&self, topics: &BTreeSet<String>) -> Vec<(String, i32)> {
        topics.iter().flat_map(|t| partition_ids(self.md, t).into_iter().map(move |p| (t.clone(), p))).collect()
    }
}

/// The log-end and (with the time lag) log-start offsets of every partition involved.
struct LogOffsets {
    ends: HashMap<(String, i32), i64>,
    starts: HashMap<(String, i32), i64>,
}

/// The groups a snapshot covers, each once, in order: the named ones, else every listed consumer
/// group and then the manifest's.
fn selected_names(listed: &[groups::Group], manifest: Option<&Manifest>, sel: &Selection) -> Vec<String> {
    let wanted: Box<dyn Iterator<Item = &String>> = if sel.named.is_empty() {
        // Connect groups have no committed offsets to lag behind: `lag` covers consumer groups of
        // both protocols (classic and KIP-848), streams groups and share groups (start offsets).
        Box::new(
            listed
                .iter()
                .filter(|g| has_committed_offsets(&g.kind) || g.kind == "share")
                .map(|g| &g.name)
                .chain(manifest.into_iter().flat_map(|m| m.groups.iter().map(|g| &g.name))),
        )
    } else {
        Box::new(sel.named.iter())
    };
    let mut seen = BTreeSet::new();
    wanted.filter(|n| seen.insert(n.as_str())).cloned().collect()
}

/// Every group's committed offsets (one OffsetFetch per group, all in flight together).
async fn read_committed(
    admin: &Arc<Admin>,
    known: &Known<'_>,
    names: &[String],
    debug: &mut Vec<String>,
) -> Result<CommittedByGroup> {
    let mut committed: CommittedByGroup =
        groups::committed_many(admin, names.iter().map(|n| (n.clone(), None)).collect()).await?.into_iter().collect();
    // A broker without the "all partitions" form of OffsetFetch: ask again for what we know of.
    let retry: Vec<groups::GroupRequest> = committed
        .iter()
        .filter(|(_, r)| r.as_ref().is_err_and(|e| e.kind() == crate::kafka::error::Kind::Unsupported))
        .map(|(n, _)| (n.clone(), Some(known.partitions(&known.topics(n)))))
        .collect();
    if !retry.is_empty() {
        debug.push("broker cannot list all committed partitions of a group; asking for known topics only".to_string());
        committed.extend(groups::committed_many(admin, retry).await?);
    }
    Ok(committed)
}

/// The partitions of each group (committed or not) with its OffsetFetch error, and the union of
/// all of them that exist, for one ListOffsets.
fn plan_partitions(
    known: &Known<'_>,
    names: &[String],
    mut committed: CommittedByGroup,
) -> (Vec<GroupPlan>, BTreeSet<(String, i32)>) {
    let mut plan = Vec::with_capacity(names.len());
    let mut all_parts: BTreeSet<(String, i32)> = BTreeSet::new();
    for name in names {
        let mut parts = Committed::new();
        let mut topics = known.topics(name);
        let mut error = None;
        match committed.remove(name) {
            Some(Ok(list)) => {
                for c in list {
                    topics.insert(c.topic.clone());
                    let slot = parts.entry((c.topic, c.partition)).or_insert(None);
                    *slot = slot.or(c.offset);
                }
            }
            Some(Err(e)) => error = Some(e.to_string()),
            None => error = Some("no answer to OffsetFetch".into()),
        }
        // Every partition of every topic the group touches, so uncommitted ones show as such.
        for tp in known.partitions(&topics) {
            parts.entry(tp).or_insert(None);
        }
        all_parts.extend(parts.keys().filter(|(t, p)| partition_ids(known.md, t).contains(p)).cloned());
        plan.push((name.clone(), parts, error));
    }
    (plan, all_parts)
}

/// One group of the snapshot from its committed offsets and the log offsets: lag, owners, state
/// and error. The time lag of lagging partitions is filled in afterwards ([`add_time_lag`]).
fn group_lag(
    known: &Known<'_>,
    sel: &Selection,
    partial: bool,
    offsets: &LogOffsets,
    name: String,
    parts: Committed,
    error: Option<String>,
) -> GroupLag {
    let listed = known.by_name.get(name.as_str()).copied();
    let owners: HashMap<(&str, i32), String> = listed
        .map(|g| {
            g.members
                .iter()
                .flat_map(|m| {
                    let who = m.owner();
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
            let end = offsets.ends.get(&(topic.clone(), partition)).copied();
            let log_start = offsets.starts.get(&(topic.clone(), partition)).copied();
            let lag = end.and_then(|e| verdict::lag(committed, e));
            let owner = owners.get(&(topic.as_str(), partition)).cloned();
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
    let threshold = sel.max_lag.or_else(|| known.manifest.and_then(|m| m.group(&name)).and_then(|g| g.max_lag));
    let kind = listed.map(|g| g.kind.clone()).unwrap_or_default();
    let error = match listed {
        Some(g) if !has_committed_offsets(&g.kind) => {
            Some(format!("not a consumer group: a {} group has no consumer offsets", g.kind))
        }
        _ => error.or_else(|| listed.and_then(|g| g.error.clone()).map(|e| format!("DescribeConsumerGroups: {e}"))),
    };
    GroupLag { name, kind, state, members, partitions, threshold, time_threshold_ms: sel.max_time_lag_ms, error }
}

/// Time lag and retention risk of every lagging partition: the first unconsumed record's
/// timestamp (one read per partition and offset, shared by groups at the same offset) and the
/// topics' retention. What cannot be read is left unknown; the warnings saying so are returned.
async fn add_time_lag(settings: &Settings, admin: &Arc<Admin>, groups: &mut [GroupLag], warn: f64) -> Vec<String> {
    let mut warnings = Vec::new();
    let mut wanted: BTreeSet<(String, i32, i64, i64)> = BTreeSet::new();
    for g in groups.iter() {
        for p in &g.partitions {
            if let (Some(c), Some(end), Some(l)) = (p.committed, p.end, p.lag)
                && l > 0
            {
                // Below the log start the records are gone: the oldest one left is the first the
                // group will read (none when retention emptied the log up to its end).
                wanted.insert((p.topic.clone(), p.partition, c.max(p.log_start.unwrap_or(0)), end));
            }
        }
    }
    if wanted.is_empty() {
        return warnings;
    }
    let topics: Vec<String> = wanted.iter().map(|w| w.0.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let (stamps, configs) = tokio::join!(
        first_records::first_timestamps(settings, wanted.into_iter().collect()),
        admin.topic_configs(&topics)
    );
    let stamps = stamps.unwrap_or_else(|e| {
        warnings.push(format!("time lag unavailable: {e:#}"));
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
            warnings.push(format!("retention risk unavailable (cannot read topic configs): {e:#}"));
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
        warnings.push(format!(
            "time lag of {missing} partition(s) unknown: their first unconsumed record was not read within {}",
            humantime::format_duration(settings.timeout)
        ));
    }
    warnings
}
