//! The checks of `evbus health` that look at the cluster: partitions, the manifest's topics, its
//! consumer groups (from one lag snapshot), its dead-letter topics, and the produce/consume
//! round trip. Each returns a status and a sentence; [`super::round`] times them into a report.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::health::report::{Check, Status, ms, plural, some_of, timed};
use crate::kafka::admin::Admin;
use crate::kafka::lag::snapshot;
use crate::kafka::topics::{read_cluster, watermarks};
use crate::kafka::{ClusterMeta, Kind, Settings};
use crate::lag::report::{NO_OFFSETS, Selection};
use crate::lag::timelag;
use crate::term::sanitize::for_terminal;
use crate::topics::manifest::Manifest;
use crate::topics::plan::{self, Change};

/// What a lag snapshot had to say on the way, for the caller to print (`-v` lines, warnings).
#[derive(Debug, Default, Clone)]
pub struct Notes {
    /// For `-v`: how the snapshot was read.
    pub debug: Vec<String>,
    /// For the user: an incomplete group list, a time lag that could not be read.
    pub warnings: Vec<String>,
}

/// Offline partitions (no leader) fail; under-replicated ones (ISR smaller than replicas) warn.
pub fn partitions_check(md: &ClusterMeta) -> (Status, String) {
    let mut total = 0usize;
    let mut offline = Vec::new();
    let mut under = Vec::new();
    for t in md.topics.iter().filter(|t| t.error.is_none()) {
        for p in &t.partitions {
            total += 1;
            let id = format!("{}[{}]", t.name, p.id);
            if p.leaderless() {
                offline.push(id);
            } else if p.isr.len() < p.replicas.len() {
                under.push(id);
            }
        }
    }
    let topics = md.topics.iter().filter(|t| t.error.is_none()).count();
    if !offline.is_empty() {
        let mut d = format!(
            "{} offline (no leader): {}",
            plural(offline.len(), "partition", "partitions"),
            some_of(&offline, 5)
        );
        if !under.is_empty() {
            d.push_str(&format!("; {} under-replicated", under.len()));
        }
        return (Status::Fail, d);
    }
    if !under.is_empty() {
        return (
            Status::Warn,
            format!(
                "{} under-replicated (ISR < replicas): {}",
                plural(under.len(), "partition", "partitions"),
                some_of(&under, 5)
            ),
        );
    }
    (
        Status::Ok,
        format!(
            "{} in {}, all with a leader and fully in sync",
            plural(total, "partition", "partitions"),
            plural(topics, "topic", "topics")
        ),
    )
}

/// Every manifest topic exists (else fail) and matches the manifest (else warn: drift).
pub async fn manifest_topics(admin: &Arc<Admin>, manifest: &Manifest) -> (Status, String) {
    let cluster = match read_cluster(admin, manifest).await {
        Ok(c) => c,
        Err(e) => return (Status::Fail, format!("{e:#}")),
    };
    let p = plan::plan(manifest, &cluster, false);
    let missing: Vec<String> =
        p.changes.iter().filter(|c| matches!(c, Change::Create { .. })).map(|c| c.topic().to_string()).collect();
    let mut drift: Vec<String> = p
        .changes
        .iter()
        // Throttles are the `reassignments` check's, which knows whether a move still needs them.
        .filter(|c| !matches!(c, Change::Create { .. } | Change::ClearThrottle { .. }))
        .map(|c| format!("{} ({})", c.topic(), c.describe()))
        .collect();
    drift.extend(p.errors.iter().cloned());
    let declared = manifest.topics.len();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("{} of {declared} missing: {}", missing.len(), some_of(&missing, 5)));
    }
    if !drift.is_empty() {
        parts.push(format!("drift on {}: {}", drift.len(), some_of(&drift, 3)));
    }
    if parts.is_empty() {
        return (Status::Ok, format!("all {} match {}", plural(declared, "topic", "topics"), manifest.path.display()));
    }
    let status = if missing.is_empty() { Status::Warn } else { Status::Fail };
    (status, format!("{} (run `evbus topics plan`)", parts.join("; ")))
}

/// One check per manifest group, from one lag snapshot of all of them, with the snapshot's
/// notes (debug lines, warnings) for the caller to print.
pub async fn group_checks(
    settings: &Settings,
    admin: &Arc<Admin>,
    manifest: &Manifest,
    strict: bool,
    retention_warn: f64,
    limit: Duration,
) -> (Vec<Check>, Notes) {
    let start = Instant::now();
    let sel = Selection {
        named: manifest.groups.iter().map(|g| g.name.clone()).collect(),
        retention_warn,
        ..Selection::default()
    };
    let (snap, notes) = match tokio::time::timeout(limit, snapshot(settings, admin, Some(manifest), &sel)).await {
        Ok(Ok(s)) => (s.groups, Notes { debug: s.debug, warnings: s.warnings }),
        Ok(Err(e)) => {
            let failed = vec![Check {
                name: "consumer groups".into(),
                status: Status::Fail,
                detail: format!("{e:#}"),
                elapsed_ms: ms(start.elapsed()),
                not_yet: false,
            }];
            return (failed, Notes::default());
        }
        Err(_) => {
            let failed = vec![Check {
                name: "consumer groups".into(),
                status: Status::Fail,
                detail: format!("no answer within {}", humantime::format_duration(limit)),
                elapsed_ms: ms(start.elapsed()),
                not_yet: false,
            }];
            return (failed, Notes::default());
        }
    };
    // Declared streams groups need a cluster that has them: asked once, only then.
    let streams_support = if manifest.groups.iter().any(|g| g.kind.as_deref() == Some("streams")) {
        crate::kafka::wire::streams::support(settings).await.err()
    } else {
        None
    };
    let elapsed_ms = ms(start.elapsed());
    let mut out = Vec::new();
    // Manifest order: the order the reader wrote them in.
    for spec in &manifest.groups {
        let Some(g) = snap.iter().find(|g| g.name == spec.name) else { continue };
        let lag_text = |l: Option<i64>| l.map_or_else(|| "-".to_string(), |l| l.to_string());
        let declared = spec.kind.as_deref();
        let (status, detail) = if let (Some("streams"), Some(e)) = (declared, &streams_support) {
            (Status::Fail, format!("declared a streams group, but {}", e.message()))
        } else if let Some(d) = declared.filter(|d| !g.kind.is_empty() && *d != g.kind) {
            (Status::Fail, format!("declared a {d} group, but it is a {} group on the cluster", g.kind))
        } else if let Some(e) = &g.error {
            let what = if g.kind == "share" { "share-group start offsets" } else { "committed offsets" };
            (Status::Fail, format!("cannot read {what}: {e}"))
        } else if g.state == NO_OFFSETS {
            (
                Status::Warn,
                "not seen yet: no members and no committed offsets (not deployed yet?); a warning even with --strict"
                    .to_string(),
            )
        } else {
            let mut d = format!("lag {}", lag_text(g.total_lag()));
            if let Some(m) = g.threshold {
                d.push_str(&format!(" (max_lag {m})"));
            }
            if let Some(t) = g.max_time_lag_ms().filter(|t| *t > 0) {
                d.push_str(&format!(", time lag {}", timelag::human_ms(t)));
            }
            d.push_str(&format!(", {}, {}", plural(g.members, "member", "members"), g.state));
            match g.kind.as_str() {
                "consumer" => d.push_str(", consumer protocol (KIP-848)"),
                "classic" => d.push_str(", classic protocol"),
                "streams" => d.push_str(", streams group (KIP-1071)"),
                "share" => d.push_str(", share group (KIP-932)"),
                _ => {}
            }
            let uncommitted = g.partitions.iter().filter(|p| p.committed.is_none()).count();
            if uncommitted > 0 {
                d.push_str(&format!(", {} without a commit", plural(uncommitted, "partition", "partitions")));
            }
            let lost = g.loss_notes();
            let risks = g.risk_notes();
            if !lost.is_empty() {
                (Status::Fail, format!("{}; {d}", lost.join("; ")))
            } else if g.over() {
                (if strict { Status::Fail } else { Status::Warn }, format!("over max_lag: {d}"))
            } else if !risks.is_empty() {
                (Status::Warn, format!("retention risk: {}; {d}", risks.join("; ")))
            } else {
                (Status::Ok, d)
            }
        };
        let not_yet = g.state == NO_OFFSETS && g.error.is_none();
        out.push(Check { name: format!("group {}", g.name), status, detail, elapsed_ms, not_yet });
    }
    (out, notes)
}

/// Each `dlq: true` topic that exists: records not yet replayed (after the saved position of
/// `dlq replay`'s default group, else all) = warn with their count. A missing one is the manifest
/// topics check's business.
pub async fn dlq_checks(settings: &Settings, manifest: &Manifest, md: &ClusterMeta, limit: Duration) -> Vec<Check> {
    let mut out = Vec::new();
    for spec in manifest.dlq_topics() {
        let Some(t) = md.topics.iter().find(|t| t.name == spec.name && t.error.is_none()) else { continue };
        let parts: Vec<(String, i32)> = t.partitions.iter().map(|p| (t.name.clone(), p.id)).collect();
        let name = t.name.clone();
        out.push(
            timed(format!("dlq {name}"), limit, async move {
                // Records `dlq replay` already republished are not waiting: they stay in the DLQ
                // (only retention or DeleteRecords removes them), behind its default group's saved position.
                // A position that cannot be read counts nothing as replayed.
                let replayed: std::collections::BTreeMap<i32, (i64, String)> = match settings.admin() {
                    Ok(admin) => {
                        let req = vec![(crate::dlq::DEFAULT_REPLAY_GROUP.to_string(), Some(parts.clone()))];
                        crate::kafka::groups::committed_many(&Arc::new(admin), req)
                            .await
                            .ok()
                            .and_then(|mut g| g.pop())
                            .and_then(|(_, r)| r.ok())
                            .into_iter()
                            .flatten()
                            .filter_map(|c| Some((c.partition, (c.offset?, c.metadata))))
                            .collect()
                    }
                    Err(_) => Default::default(),
                };
                match watermarks(settings, parts).await {
                    Err(e) => (Status::Fail, format!("{e:#}")),
                    Ok(w) => dlq_waiting(&name, &w, &replayed),
                }
            })
            .await,
        );
    }
    out
}

/// The DLQ check's verdict: records after the saved position of `dlq replay`'s default group,
/// plus those its runs passed over before it (not selected by a filter, or skipped: listed in the
/// note beside the position) and still there, which are waiting just as much.
fn dlq_waiting(
    name: &str,
    w: &std::collections::BTreeMap<(String, i32), (i64, i64)>,
    replayed: &std::collections::BTreeMap<i32, (i64, String)>,
) -> (Status, String) {
    let mut after = 0i64;
    let mut passed = 0i64;
    for ((_, p), (lo, hi)) in w {
        let at = replayed.get(p).map_or(*lo, |(o, _)| *o).max(*lo);
        after += (hi - at).max(0);
        if let Some((o, note)) = replayed.get(p) {
            passed += crate::dlq::ahead::decode(*o, note).passed.from(*lo).len() as i64;
        }
    }
    let n = after + passed;
    if n == 0 && replayed.is_empty() {
        (Status::Ok, "empty".to_string())
    } else if n == 0 {
        (
            Status::Ok,
            format!(
                "nothing waiting: no records after the saved position of `dlq replay` (group {})",
                crate::dlq::DEFAULT_REPLAY_GROUP
            ),
        )
    } else if passed > 0 {
        (
            Status::Warn,
            format!(
                "{} waiting, {passed} of them passed over by filtered or --skip replays (run `evbus dlq inspect {}`, \
                 then `evbus dlq replay {} --pending`)",
                plural(n as usize, "record", "records"),
                for_terminal(name),
                for_terminal(name)
            ),
        )
    } else {
        (
            Status::Warn,
            format!(
                "{} waiting (run `evbus dlq inspect {}`)",
                plural(n as usize, "record", "records"),
                for_terminal(name)
            ),
        )
    }
}

/// Produce a probe with a unique id to the health topic (created when missing) and read it back by
/// assigning its partition at the produced offset: proves the write and read paths end to end.
pub async fn roundtrip(settings: &Settings, admin: &Arc<Admin>, topic: &str, md: &ClusterMeta) -> (Status, String) {
    match roundtrip_inner(settings, admin, topic, md).await {
        Ok(d) => (Status::Ok, d),
        Err(e) => (Status::Fail, format!("{e:#}")),
    }
}

async fn roundtrip_inner(settings: &Settings, admin: &Arc<Admin>, topic: &str, md: &ClusterMeta) -> Result<String> {
    let mut created = false;
    if !md.topics.iter().any(|t| t.name == topic && t.error.is_none() && !t.partitions.is_empty()) {
        // One partition, short retention: probes are tiny and worthless after a minute.
        let rf = md.brokers.len().clamp(1, 3) as i16;
        let cfg = [("retention.ms".to_string(), "3600000".to_string())].into_iter().collect();
        let res = admin.create_topics(&[(topic.to_string(), 1, rf, cfg)]).await?;
        for (_, r) in res {
            if let Err(e) = r
                && e.kind() != Kind::AlreadyExists
            {
                anyhow::bail!("cannot create health topic {}: {e}", for_terminal(topic));
            }
        }
        created = true;
    }
    let probe = uuid::Uuid::new_v4().to_string();
    let payload = serde_json::json!({"probe": probe, "by": "evbus health"}).to_string();
    let trip = crate::kafka::probe::round_trip(settings, topic, 0, "evbus-health", &payload, &probe).await?;
    let (partition, offset, produced, total) = (trip.partition, trip.offset, trip.produced, trip.total);
    let timeout = settings.timeout;
    let found = trip.found;
    if !found {
        anyhow::bail!(
            "probe produced to {}[{partition}]@{offset} but not read back within {}",
            for_terminal(topic),
            humantime::format_duration(timeout)
        );
    }
    Ok(format!(
        "{}probe to {}[{partition}]@{offset}: produced in {} ms, read back in {} ms",
        if created { "created the topic; " } else { "" },
        for_terminal(topic),
        ms(produced),
        ms(total)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{PartitionMeta, TopicMeta};

    fn md(parts: Vec<PartitionMeta>) -> ClusterMeta {
        ClusterMeta {
            brokers: vec![],
            topics: vec![TopicMeta { name: "t".into(), error: None, partitions: parts }],
            orig_broker_id: 1,
        }
    }

    fn p(id: i32, leader: i32, replicas: &[i32], isr: &[i32]) -> PartitionMeta {
        PartitionMeta { id, leader, replicas: replicas.to_vec(), isr: isr.to_vec(), error: None }
    }

    #[test]
    fn offline_partitions_fail_and_under_replicated_warn() {
        let (s, d) = partitions_check(&md(vec![p(0, 1, &[1, 2], &[1, 2]), p(1, -1, &[1, 2], &[])]));
        assert_eq!(s, Status::Fail);
        assert!(d.contains("t[1]"), "{d}");
        let (s, d) = partitions_check(&md(vec![p(0, 1, &[1, 2], &[1])]));
        assert_eq!(s, Status::Warn);
        assert!(d.contains("1 partition under-replicated"), "{d}");
        let (s, _) = partitions_check(&md(vec![p(0, 1, &[1], &[1])]));
        assert_eq!(s, Status::Ok);
    }
}
