//! A lag snapshot as data: each group's partitions with their offsets, lag in offsets and in time,
//! records lost to retention and retention risk; the totals, thresholds and sentences derived
//! from them, and the verdicts `lag` exits on. Shared by `lag`, `groups` and `health`; the broker
//! reading that fills it lives in [`crate::kafka::lag`].

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, bail};

use super::cells::{age, num};
use super::timelag::{self, Risk};
use crate::exit::Exit;
use crate::term::sanitize::for_terminal;
use crate::topics::manifest::Manifest;

/// State shown for a group that has committed nothing (a manifest group not deployed yet, or a
/// group whose offsets expired).
pub const NO_OFFSETS: &str = "no offsets";

/// `--retention-warn` by default: warn when the oldest unconsumed record is 80% of retention.ms old.
pub const DEFAULT_RETENTION_WARN: f64 = 0.8;

/// One partition of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionLag {
    /// Topic the group consumes.
    pub topic: String,
    /// Partition number within the topic.
    pub partition: i32,
    /// `None`: the group never committed here ("no offset", which is not lag 0).
    pub committed: Option<i64>,
    /// `None`: the log-end offset could not be read (topic deleted, partition offline).
    pub end: Option<i64>,
    /// Log end minus committed, never negative; `None` when either is unknown.
    pub lag: Option<i64>,
    /// `client-id@host` of the member assigned this partition, when the broker reports it.
    pub owner: Option<String>,
    /// The log-start offset (`None`: not read).
    pub log_start: Option<i64>,
    /// Age of the first unconsumed record in ms (0 without lag; `None`: no commit, or not read).
    pub time_lag_ms: Option<i64>,
    /// Records removed by retention or DeleteRecords before the group read them (committed offset below the log
    /// start); `None` when unknown.
    pub lost: Option<i64>,
    /// The oldest unconsumed record is close to the topic's `retention.ms`.
    pub risk: Option<Risk>,
}

impl PartitionLag {
    /// How far the committed offset is past the log end (`None` when it is not, or either is
    /// unknown). The lag shows 0, yet the group's consumers will not find their position: they
    /// start where `auto.offset.reset` says (the topic was recreated or truncated, or someone
    /// set the offset too far), skipping or re-reading records.
    pub fn past_end(&self) -> Option<i64> {
        let committed = self.committed.filter(|c| *c >= 0)?;
        let end = self.end.filter(|e| *e >= 0)?;
        (committed > end).then(|| committed - end)
    }
}

/// One group of a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupLag {
    /// The group id.
    pub name: String,
    /// `classic` or `consumer` (KIP-848); empty when the group was not listed.
    pub kind: String,
    /// Broker-reported state (`Stable`, `Empty`, ...), or [`NO_OFFSETS`].
    pub state: String,
    /// Active members; 0 when the group was not described.
    pub members: usize,
    /// Every partition of every topic the group touches, committed or not, in topic/partition order.
    pub partitions: Vec<PartitionLag>,
    /// `--max-lag`, else the manifest's `max_lag` for this group.
    pub threshold: Option<i64>,
    /// `--max-time-lag` in milliseconds.
    pub time_threshold_ms: Option<i64>,
    /// Why this group's offsets could not be read.
    pub error: Option<String>,
}

impl GroupLag {
    /// Sum of the lag of partitions with a commit; `None` when nothing is committed.
    pub fn total_lag(&self) -> Option<i64> {
        let lags: Vec<i64> = self.partitions.iter().filter_map(|p| p.lag).collect();
        (!lags.is_empty()).then(|| lags.iter().fold(0i64, |a, b| a.saturating_add(*b)))
    }

    /// The largest partition lag; `None` when nothing is committed.
    pub fn max_lag(&self) -> Option<i64> {
        self.partitions.iter().filter_map(|p| p.lag).max()
    }

    /// Topics the group has partitions of, sorted and without duplicates.
    pub fn topics(&self) -> BTreeSet<&str> {
        self.partitions.iter().map(|p| p.topic.as_str()).collect()
    }

    /// The group's time lag: its largest partition's.
    pub fn max_time_lag_ms(&self) -> Option<i64> {
        self.partitions.iter().filter_map(|p| p.time_lag_ms).max()
    }

    /// Records removed by retention or DeleteRecords before the group read them, over all partitions.
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

    /// "records removed by retention or DeleteRecords" sentences (Kafka does not say which moved
    /// the log start, so neither does evbus), one per partition that lost records.
    pub fn loss_notes(&self) -> Vec<String> {
        self.partitions
            .iter()
            .filter_map(|p| {
                let n = p.lost.filter(|n| *n > 0)?;
                Some(format!(
                    "{n} {} removed by retention or DeleteRecords before group {} read {} ({}[{}]: committed {}, log start {})",
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

    /// "past the log end" sentences, one per partition whose committed offset is above the log
    /// end (see [`PartitionLag::past_end`]).
    pub fn past_end_notes(&self) -> Vec<String> {
        self.partitions
            .iter()
            .filter_map(|p| {
                let n = p.past_end()?;
                Some(format!(
                    "group {}: committed offset {} of {}[{}] is {n} past the log end ({}): its consumers \
                     will not find it and start where auto.offset.reset says",
                    for_terminal(&self.name),
                    num(p.committed),
                    for_terminal(&p.topic),
                    p.partition,
                    num(p.end)
                ))
            })
            .collect()
    }

    /// Records lost to retention, retention risks and committed offsets past the log end, as the
    /// warnings printed on stderr when the output is JSON (the document carries them in its
    /// fields).
    pub fn retention_warnings(&self) -> Vec<String> {
        let mut out = self.loss_notes();
        out.extend(self.risk_notes().into_iter().map(|n| format!("retention risk: {n}")));
        out.extend(self.past_end_notes());
        out
    }

    /// The status of a single run: thresholds only.
    pub fn threshold_status(&self) -> &'static str {
        if self.error.is_some() {
            "ERROR"
        } else if self.over() {
            "OVER"
        } else {
            "OK"
        }
    }
}

/// Which groups a snapshot covers.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Exactly these groups; empty = every group on the cluster plus the manifest's groups.
    pub named: Vec<String>,
    /// Ask the brokers which groups exist (ListGroups/DescribeGroups). Without it, only the named
    /// groups are read and their state and members are unknown.
    pub describe: bool,
    /// `--max-lag`: total lag above which a group is over; overrides the manifest's `max_lag`.
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

/// Classic and KIP-848 consumer groups: the ones with committed offsets and lag.
pub fn is_consumer_group(kind: &str) -> bool {
    matches!(kind, "classic" | "consumer")
}

/// Groups whose lag is their committed offsets against the log end: consumer groups and
/// streams groups (a Kafka Streams application commits the offsets of its input topics as a
/// consumer group does, and OffsetFetch reads them the same way).
pub fn has_committed_offsets(kind: &str) -> bool {
    is_consumer_group(kind) || kind == "streams"
}

/// Groups sorted by total lag, largest first ("no offsets" last), then by name.
pub fn sort_groups(groups: &mut [GroupLag]) {
    groups.sort_by(|a, b| b.total_lag().cmp(&a.total_lag()).then_with(|| a.name.cmp(&b.name)));
}

/// `--max-time-lag` and `--retention-warn` checked and converted.
pub fn time_options(max_time_lag: Option<Duration>, retention_warn: &str) -> Result<(Option<i64>, f64)> {
    let warn = timelag::parse_percent(retention_warn).map_err(|e| Exit::usage(format!("--retention-warn {e}")))?;
    let max = max_time_lag.map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    Ok((max, warn))
}

/// The groups over a threshold, as `lag` reports them: `a (20 > 10), c (time lag 10m00s > 5m00s)`.
/// `None` when every group is within its limits; the command turns the verdict into its exit code.
pub fn over_thresholds(groups: &[GroupLag]) -> Option<String> {
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
    (!over.is_empty()).then(|| over.join(", "))
}

/// A group named on the command line that the cluster has never seen (no members, no commits)
/// and the manifest does not declare is most likely a typo: an error, with the nearest known
/// name, rather than an "OK" for a group that does not exist. (A declared group that is not
/// deployed yet shows as "no offsets".)
pub fn check_named(groups: &[GroupLag], named: &[String], manifest: Option<&Manifest>) -> Result<()> {
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

/// An error naming every group whose committed offsets could not be read.
pub fn check_errors(groups: &[GroupLag]) -> Result<()> {
    // A share group's error says why (a broker without share groups, most often): `-o json` has
    // no other place for it.
    if let Some(g) = groups.iter().find(|g| g.kind == "share" && g.error.is_some()) {
        bail!(
            "could not read the start offsets of share group {}: {}",
            for_terminal(&g.name),
            g.error.as_deref().unwrap_or_default()
        );
    }
    let failed: Vec<&str> = groups.iter().filter(|g| g.error.is_some()).map(|g| g.name.as_str()).collect();
    if !failed.is_empty() {
        bail!("could not read the committed offsets of {}", failed.join(", "));
    }
    Ok(())
}

/// Builders for tests here and in the sibling modules.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::*;
    use crate::lag::verdict;

    pub(crate) fn part(topic: &str, p: i32, committed: Option<i64>, end: i64) -> PartitionLag {
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

    pub(crate) fn group(name: &str, parts: Vec<PartitionLag>, threshold: Option<i64>) -> GroupLag {
        GroupLag {
            name: name.into(),
            kind: "classic".into(),
            state: "Empty".into(),
            members: 0,
            partitions: parts,
            threshold,
            time_threshold_ms: None,
            error: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{group, part};
    use super::*;

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
    fn the_threshold_verdict_names_every_group_over() {
        let v = vec![
            group("a", vec![part("t", 0, Some(0), 20)], Some(10)),
            group("b", vec![part("t", 0, Some(0), 5)], Some(10)),
            group("c", vec![part("t", 0, Some(0), 50)], Some(10)),
        ];
        assert_eq!(over_thresholds(&v).unwrap(), "a (20 > 10), c (50 > 10)");
        assert_eq!(over_thresholds(&v[1..2]), None);
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
        assert_eq!(g.threshold_status(), "OVER");
        assert_eq!(over_thresholds(std::slice::from_ref(&g)).unwrap(), "g (time lag 10m00s > 5m00s)");
        g.time_threshold_ms = Some(600_000);
        assert!(!g.over(), "exactly at the threshold is not over");
        assert_eq!(g.lost(), 5);
        assert_eq!(
            g.loss_notes(),
            [
                "5 records removed by retention or DeleteRecords before group g read them (t[0]: committed 3, log start 8)"
            ]
        );
        let risk = g.risk_notes();
        assert_eq!(risk.len(), 1);
        assert!(risk[0].contains("t[0] is 10m00s old, 86% of retention.ms (11m40s): about 1m40s left"), "{risk:?}");
        let warnings = g.retention_warnings();
        assert_eq!(warnings.len(), 2);
        assert!(warnings[1].starts_with("retention risk: group g:"), "{warnings:?}");
    }

    #[test]
    fn commits_past_the_log_end_are_noted_though_their_lag_is_zero() {
        let mut unknown_end = part("t", 2, Some(50), 0);
        unknown_end.end = None;
        let g = group(
            "g",
            vec![part("t", 0, Some(25), 10), part("t", 1, Some(10), 10), part("t", 3, None, 10), unknown_end],
            None,
        );
        assert_eq!(g.partitions.iter().map(PartitionLag::past_end).collect::<Vec<_>>(), [Some(15), None, None, None]);
        assert_eq!(g.total_lag(), Some(0));
        let notes = g.past_end_notes();
        assert_eq!(
            notes,
            ["group g: committed offset 25 of t[0] is 15 past the log end (10): its consumers will not find it and \
              start where auto.offset.reset says"]
        );
        assert_eq!(g.retention_warnings(), notes);
    }

    #[test]
    fn named_groups_unknown_to_the_cluster_are_errors() {
        let mut ghost = group("ghost", vec![], None);
        ghost.state = NO_OFFSETS.into();
        ghost.kind = String::new();
        let known = group("known", vec![part("t", 0, Some(1), 1)], None);
        let v = vec![ghost, known];
        assert!(check_named(&v, &["known".to_string()], None).is_ok());
        let e = check_named(&v, &["ghost".to_string(), "known".to_string()], None).unwrap_err();
        assert!(e.to_string().starts_with("unknown consumer group 'ghost':"), "{e}");
    }

    #[test]
    fn errors_name_every_failed_group() {
        let mut a = group("a", vec![], None);
        a.error = Some("boom".into());
        let b = group("b", vec![], None);
        assert_eq!(a.threshold_status(), "ERROR");
        assert_eq!(b.threshold_status(), "OK");
        let e = check_errors(&[a, b]).unwrap_err();
        assert_eq!(e.to_string(), "could not read the committed offsets of a");
    }

    #[test]
    fn options_are_checked() {
        assert_eq!(time_options(Some(Duration::from_secs(300)), "80%").unwrap(), (Some(300_000), 0.8));
        let e = time_options(None, "180%").unwrap_err();
        assert_eq!(crate::exit::code_for(&e), crate::exit::USAGE);
        assert!(is_consumer_group("classic") && is_consumer_group("consumer") && !is_consumer_group("connect"));
        assert!(has_committed_offsets("streams") && !is_consumer_group("streams") && !has_committed_offsets("share"));
    }
}
