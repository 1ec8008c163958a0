//! The checks of `evbus health` about where replicas and leaders sit: partitions not led by their
//! preferred replica (leadership piles up on the brokers that stayed up), eligible leader
//! replicas (KIP-966, from DescribeTopicPartitions), and each broker's log dirs (offline ones
//! take their replicas with them; cordoned ones, KIP-1066, take no new replicas).
//!
//! The verdicts are pure; [`layout_checks`] fetches what they need over the raw protocol path
//! (librdkafka has neither DescribeTopicPartitions nor DescribeLogDirs) and DescribeConfigs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminOptions, ResourceSpecifier};

use crate::health::report::{Check, Status, ms, plural, some_of};
use crate::kafka::admin::Admin;
use crate::kafka::wire::logdirs::{self, BrokerDirs};
use crate::kafka::wire::partitions::{self, Described, ELR_FEATURE, Elr};
use crate::kafka::{ClusterMeta, Error, Kind, Settings};

/// How many partitions a detail names before "and N more".
const NAMED: usize = 10;

/// The broker config that lists a broker's cordoned log dirs (Kafka 4.3+, KIP-1066).
const CORDONED: &str = "cordoned.log.dirs";

/// The three checks, each timed on its own, asked concurrently within `limit`.
pub(super) async fn layout_checks(
    settings: &Settings,
    admin: &Arc<Admin>,
    md: &ClusterMeta,
    limit: Duration,
) -> Vec<Check> {
    let started = Instant::now();
    let mut raw = settings.clone();
    raw.timeout = limit;
    let names: Vec<String> = md.topics.iter().filter(|t| t.error.is_none()).map(|t| t.name.clone()).collect();
    let brokers: Vec<(i32, String)> = md.brokers.iter().map(|b| (b.id, format!("{}:{}", b.host, b.port))).collect();
    let ids: Vec<i32> = md.brokers.iter().map(|b| b.id).collect();
    let elr = async {
        let r = partitions::describe(&raw, &names).await;
        (r, ms(started.elapsed()))
    };
    let dirs = async {
        let (dirs, cordoned) =
            tokio::join!(logdirs::describe(settings, &brokers, limit), cordoned_config(admin, &ids, limit));
        (dirs, cordoned, ms(started.elapsed()))
    };
    let ((described, elr_ms), (dirs, cordoned, dirs_ms)) = tokio::join!(elr, dirs);
    let bootstrap = settings.brokers.split(',').next().unwrap_or_default().trim().to_string();
    let check = |name: &str, (status, detail): (Status, String), elapsed_ms| Check {
        name: name.into(),
        status,
        detail,
        elapsed_ms,
        not_yet: false,
    };
    // "Up" is a broker that answered DescribeLogDirs: a stopped broker stays in the metadata
    // until the controller fences it (longer on 3.9), and its replicas are the brokers check's.
    let answered: Vec<i32> = dirs.iter().filter(|(_, r)| r.is_ok()).map(|(id, _)| *id).collect();
    let offline = described.as_ref().map(|d| offline_replicas(d, &answered)).unwrap_or_default();
    vec![
        check("preferred leaders", preferred_leaders_check(md, &bootstrap), 0),
        check("eligible leaders", elr_check(&described, &bootstrap), elr_ms),
        check("log dirs", logdirs_check(&dirs, &cordoned, &offline), dirs_ms),
    ]
}

/// Partitions led by another replica than their first (the preferred leader, where Kafka puts
/// leadership back by a preferred election) warn, named, with the command that moves them back.
/// Leaderless partitions are the partitions check's.
pub(super) fn preferred_leaders_check(md: &ClusterMeta, bootstrap: &str) -> (Status, String) {
    let mut total = 0usize;
    let mut off = Vec::new();
    let mut waiting = 0usize;
    for t in md.topics.iter().filter(|t| t.error.is_none()) {
        for p in t.partitions.iter().filter(|p| !p.leaderless()) {
            total += 1;
            let Some(&preferred) = p.replicas.first() else { continue };
            if p.leader != preferred {
                let in_sync = p.isr.contains(&preferred);
                waiting += usize::from(!in_sync);
                off.push(format!(
                    "{}[{}] (leader {}, preferred {preferred}{})",
                    t.name,
                    p.id,
                    p.leader,
                    if in_sync { "" } else { " not in sync" }
                ));
            }
        }
    }
    if off.is_empty() {
        let all = if total == 1 { "1 partition".to_string() } else { format!("all {total} partitions") };
        return (Status::Ok, format!("{all} led by their preferred replica"));
    }
    let mut d = format!(
        "{} not led by their preferred replica (the first): {}",
        plural(off.len(), "partition", "partitions"),
        some_of(&off, NAMED)
    );
    if waiting > 0 {
        d.push_str(&format!(
            "; {waiting} of them wait for their preferred replica to rejoin the ISR before an election can move them"
        ));
    }
    d.push_str(&format!(
        " (elect the preferred leaders: `kafka-leader-election --bootstrap-server {bootstrap} --election-type PREFERRED \
         --all-topic-partitions`, or set auto.leader.rebalance.enable=true on the controllers)"
    ));
    (Status::Warn, d)
}

/// Eligible leader replicas: a broker without DescribeTopicPartitions, or a setting the raw path
/// cannot honour, is a note (the cluster may be fine); partitions with an ELR or a last known ELR
/// (their ISR fell below `min.insync.replicas`) warn, named; otherwise whether ELR is on.
pub(super) fn elr_check(described: &Result<Described, Error>, bootstrap: &str) -> (Status, String) {
    let d = match described {
        Err(e) if matches!(e.kind(), Kind::Unsupported | Kind::InvalidConfig | Kind::NotAuthorized) => {
            return (Status::Ok, format!("not shown: {}", e.message()));
        }
        Err(e) => return (Status::Warn, format!("not checked: {}", e.message())),
        Ok(d) => d,
    };
    let ids = |v: &[i32]| if v.is_empty() { "-".to_string() } else { join(v) };
    let mut with = Vec::new();
    for t in &d.topics {
        for p in &t.partitions {
            let elr = p.elr.as_deref().unwrap_or_default();
            let last = p.last_known_elr.as_deref().unwrap_or_default();
            if elr.is_empty() && last.is_empty() {
                continue;
            }
            let mut s = format!("{}[{}] (ISR {}, ELR {}", t.name, p.partition, ids(&p.isr), ids(elr));
            if !last.is_empty() {
                s.push_str(&format!(", last known ELR {}", ids(last)));
            }
            s.push(')');
            with.push(s);
        }
    }
    let state = d.elr.words();
    if !with.is_empty() {
        return (
            Status::Warn,
            format!(
                "{state}; {} below min.insync.replicas with eligible leader replicas (may be elected without data \
                 loss): {}",
                plural(with.len(), "partition", "partitions"),
                some_of(&with, NAMED)
            ),
        );
    }
    let detail = match d.elr {
        Elr::Enabled(_) => format!("{state}; none kept (no ISR below its minimum)"),
        Elr::NotEnabled => format!(
            "{state}; `kafka-features --bootstrap-server {bootstrap} upgrade --feature {ELR_FEATURE}=1` turns it on"
        ),
        Elr::Unknown => format!("{state}; none reported"),
    };
    (Status::Ok, detail)
}

/// Kafka's offline replicas on brokers that are up (`live`), so on a failed log dir, as
/// `topic[p] (on N)`. Kafka also counts every replica of a broker that is down as offline: those
/// are the brokers check's.
fn offline_replicas(d: &Described, live: &[i32]) -> Vec<String> {
    let mut out = Vec::new();
    for t in &d.topics {
        for p in &t.partitions {
            let on: Vec<i32> = p.offline.iter().copied().filter(|b| live.contains(b)).collect();
            if !on.is_empty() {
                out.push(format!("{}[{}] (on {})", t.name, p.partition, join(&on)));
            }
        }
    }
    out
}

/// Offline log dirs fail, naming broker and path (and the replicas Kafka marks offline); a broker
/// that could not be asked warns; otherwise how many dirs, the least free space, and which dirs
/// are cordoned (`cordoned`: each broker's `cordoned.log.dirs`, `None` when it has no such
/// config, i.e. before Kafka 4.3).
pub(super) fn logdirs_check(
    answers: &[(i32, Result<BrokerDirs, Error>)],
    cordoned: &BTreeMap<i32, Result<Option<String>, Error>>,
    offline_replicas: &[String],
) -> (Status, String) {
    if let Some((_, Err(e))) = answers.iter().find(|(_, r)| r.as_ref().is_err_and(|e| e.kind() == Kind::InvalidConfig))
    {
        return (Status::Ok, format!("not shown: {}", e.message()));
    }
    let mut offline = Vec::new();
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut dirs = 0usize;
    let mut least: Option<(f64, i32)> = None;
    let mut brokers = 0usize;
    for (id, r) in answers {
        match r {
            Err(e) if e.kind() == Kind::Unsupported => notes.push(format!("broker {id}: {}", e.message())),
            Err(e) => problems.push(format!("broker {id} not asked: {}", e.message())),
            Ok(b) => {
                brokers += 1;
                for d in &b.dirs {
                    dirs += 1;
                    if d.offline {
                        offline.push(format!("broker {id} {}", d.path));
                    } else if let Some(err) = &d.error {
                        problems.push(format!("broker {id} {}: {err}", d.path));
                    }
                    if let (Some(total), Some(usable)) = (d.total_bytes, d.usable_bytes)
                        && total > 0
                    {
                        let free = usable as f64 / total as f64;
                        if least.as_ref().is_none_or(|l| free < l.0) {
                            least = Some((free, *id));
                        }
                    }
                }
            }
        }
    }
    let read: BTreeMap<i32, Option<&str>> =
        cordoned.iter().filter_map(|(id, r)| Some((*id, r.as_ref().ok()?.as_deref()))).collect();
    let mut cordon = if !read.is_empty() && read.values().all(Option::is_none) {
        "no cordoning (Kafka 4.3+, KIP-1066)".to_string()
    } else {
        let set: Vec<String> = read
            .iter()
            .filter_map(|(id, v)| Some((id, v.as_deref()?.trim())))
            .filter(|(_, v)| !v.is_empty())
            .map(|(id, v)| if v == "*" { format!("broker {id} all dirs") } else { format!("broker {id} {v}") })
            .collect();
        if set.is_empty() {
            "none cordoned".to_string()
        } else {
            format!("cordoned (no new replicas placed there): {}", set.join("; "))
        }
    };
    for (id, r) in cordoned {
        if let Err(e) = r {
            cordon.push_str(&format!("; {CORDONED} of broker {id} not read: {}", e.message()));
        }
    }
    if !offline.is_empty() {
        let mut d = format!(
            "{} offline (failed; their replicas are offline): {}",
            plural(offline.len(), "log dir", "log dirs"),
            offline.join("; ")
        );
        if !offline_replicas.is_empty() {
            d.push_str(&format!("; offline replicas: {}", some_of(offline_replicas, NAMED)));
        }
        d.push_str(&format!("; {cordon}"));
        return (Status::Fail, d);
    }
    let mut d =
        format!("{} on {}, all online", plural(dirs, "log dir", "log dirs"), plural(brokers, "broker", "brokers"));
    if let Some((free, id)) = least {
        d.push_str(&format!(", least free space {:.0}% (broker {id})", free * 100.0));
    }
    d.push_str(&format!("; {cordon}"));
    if !offline_replicas.is_empty() {
        // Offline replicas without an offline dir in the answers: the dir's broker was not asked.
        problems.push(format!("offline replicas: {}", some_of(offline_replicas, NAMED)));
    }
    for n in notes {
        d.push_str(&format!("; {n}"));
    }
    if !problems.is_empty() {
        return (Status::Warn, format!("{}; {d}", problems.join("; ")));
    }
    (Status::Ok, d)
}

/// Each broker's `cordoned.log.dirs` (`None`: the broker has no such config), by DescribeConfigs
/// of each broker at once (librdkafka sends a broker's configs request to that broker alone).
async fn cordoned_config(
    admin: &Arc<Admin>,
    ids: &[i32],
    limit: Duration,
) -> BTreeMap<i32, Result<Option<String>, Error>> {
    let mut asks = tokio::task::JoinSet::new();
    for &id in ids {
        let admin = Arc::clone(admin);
        asks.spawn(async move { (id, broker_config(&admin, id, CORDONED, limit).await) });
    }
    asks.join_all().await.into_iter().collect()
}

/// One config of broker `id` (`None`: the broker has no such config; an unset one is empty).
async fn broker_config(admin: &Admin, id: i32, key: &str, limit: Duration) -> Result<Option<String>, Error> {
    let spec = [ResourceSpecifier::Broker(id)];
    let opts = AdminOptions::new().request_timeout(Some(limit)).operation_timeout(Some(limit));
    let mut settings = admin.settings.clone();
    settings.timeout = limit;
    let what = format!("DescribeConfigs of broker {id}");
    let mut results = settings.bounded(&what, &admin.ctx, admin.client.describe_configs(spec.iter(), &opts)).await?;
    let r = results.pop().ok_or_else(|| Error::text(&what, format!("{what}: no answer")))?;
    let r = r.map_err(|e| Error::text(&what, format!("{what} failed: {e}")))?;
    Ok(r.entries.into_iter().find(|e| e.name == key).map(|e| e.value.unwrap_or_default()))
}

fn join(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::wire::logdirs::LogDir;
    use crate::kafka::wire::partitions::{PartitionState, TopicState};
    use crate::kafka::{BrokerMeta, PartitionMeta, TopicMeta};

    fn p(id: i32, leader: i32, replicas: &[i32], isr: &[i32]) -> PartitionMeta {
        PartitionMeta { id, leader, replicas: replicas.to_vec(), isr: isr.to_vec(), error: None }
    }

    fn md(parts: Vec<PartitionMeta>) -> ClusterMeta {
        ClusterMeta {
            brokers: (1..=3).map(|id| BrokerMeta { id, host: "h".into(), port: 9092 }).collect(),
            topics: vec![TopicMeta { name: "t".into(), error: None, partitions: parts }],
            orig_broker_id: 1,
        }
    }

    #[test]
    fn partitions_off_their_preferred_leader_warn_named_with_the_fix() {
        let (s, d) = preferred_leaders_check(&md(vec![p(0, 1, &[1, 2], &[1, 2]), p(1, 2, &[2, 1], &[2, 1])]), "b:1");
        assert_eq!((s, d.as_str()), (Status::Ok, "all 2 partitions led by their preferred replica"));
        let m =
            md(vec![p(0, 2, &[1, 2, 3], &[2, 3, 1]), p(1, 3, &[1, 3], &[3]), p(2, -1, &[3], &[]), p(3, 2, &[2], &[2])]);
        let (s, d) = preferred_leaders_check(&m, "b:1");
        assert_eq!(s, Status::Warn);
        assert!(d.starts_with("2 partitions not led by their preferred replica (the first): t[0] (leader 2, preferred 1), t[1] (leader 3, preferred 1 not in sync)"), "{d}");
        assert!(d.contains("1 of them wait for their preferred replica"), "{d}");
        assert!(d.contains("kafka-leader-election --bootstrap-server b:1 --election-type PREFERRED"), "{d}");
        // A leaderless partition is not "imbalanced": the partitions check fails it.
        assert!(!d.contains("t[2]"), "{d}");
    }

    fn described(elr: Elr, parts: Vec<PartitionState>) -> Described {
        Described {
            broker: "b:1".into(),
            elr,
            topics: vec![TopicState { name: "t".into(), error: None, partitions: parts }],
        }
    }

    fn ps(i: i32, isr: &[i32], elr: Option<&[i32]>, last: Option<&[i32]>) -> PartitionState {
        PartitionState {
            partition: i,
            leader: isr.first().copied().unwrap_or(-1),
            replicas: vec![1, 2, 3],
            isr: isr.to_vec(),
            elr: elr.map(<[i32]>::to_vec),
            last_known_elr: last.map(<[i32]>::to_vec),
            offline: vec![],
        }
    }

    #[test]
    fn elr_is_named_where_kept_and_its_absence_explained() {
        let d =
            described(Elr::Enabled(1), vec![ps(0, &[1], Some(&[2]), Some(&[])), ps(1, &[1, 2, 3], Some(&[]), None)]);
        let (s, t) = elr_check(&Ok(d), "b:1");
        assert_eq!(s, Status::Warn);
        assert!(t.starts_with("ELR: enabled (eligible.leader.replicas.version=1); 1 partition below"), "{t}");
        assert!(t.ends_with("t[0] (ISR 1, ELR 2)"), "{t}");
        let d = described(Elr::Enabled(1), vec![ps(0, &[], Some(&[]), Some(&[3]))]);
        assert!(elr_check(&Ok(d), "b:1").1.contains("t[0] (ISR -, ELR -, last known ELR 3)"));
        let (s, t) = elr_check(&Ok(described(Elr::NotEnabled, vec![ps(0, &[1], None, None)])), "b:1");
        assert_eq!(s, Status::Ok);
        assert!(
            t.starts_with("ELR: not enabled") && t.contains("upgrade --feature eligible.leader.replicas.version=1")
        );
        let (_, t) = elr_check(&Ok(described(Elr::Unknown, vec![])), "b:1");
        assert!(t.starts_with("ELR: unknown") && t.ends_with("none reported"), "{t}");
        let e = Error::new(
            "x",
            Kind::Unsupported,
            "the broker does not support DescribeTopicPartitions (API 75; added in Kafka 3.8.0 (KIP-966))",
        );
        let (s, t) = elr_check(&Err(e), "b:1");
        assert_eq!(s, Status::Ok);
        assert!(t.contains("added in Kafka 3.8.0"), "{t}");
    }

    fn dir(path: &str, offline: bool) -> LogDir {
        LogDir { path: path.into(), offline, error: None, total_bytes: Some(100), usable_bytes: Some(40) }
    }

    fn dirs(id: i32, d: Vec<LogDir>) -> (i32, Result<BrokerDirs, Error>) {
        (id, Ok(BrokerDirs { id, dirs: d, max_version: 4 }))
    }

    #[test]
    fn offline_log_dirs_fail_and_cordoned_ones_are_shown() {
        let cordoned: BTreeMap<i32, Result<Option<String>, Error>> =
            [(1, Ok(Some(String::new()))), (2, Ok(Some("/d/b".to_string())))].into_iter().collect();
        let answers = vec![dirs(1, vec![dir("/d/a", false)]), dirs(2, vec![dir("/d/b", false), dir("/d/c", true)])];
        let (s, d) = logdirs_check(&answers, &cordoned, &["t[0] (on 2)".into()]);
        assert_eq!(s, Status::Fail, "{d}");
        assert!(d.starts_with("1 log dir offline (failed; their replicas are offline): broker 2 /d/c"), "{d}");
        assert!(d.contains("offline replicas: t[0] (on 2)") && d.contains("broker 2 /d/b"), "{d}");
        let (s, d) = logdirs_check(&answers[..1], &cordoned, &[]);
        assert_eq!(s, Status::Ok);
        assert_eq!(
            d,
            "1 log dir on 1 broker, all online, least free space 40% (broker 1); cordoned (no new replicas placed \
             there): broker 2 /d/b"
        );
        let uncordoned = [(1, Ok(Some(String::new())))].into_iter().collect();
        let (_, d) = logdirs_check(&answers[..1], &uncordoned, &[]);
        assert_eq!(d, "1 log dir on 1 broker, all online, least free space 40% (broker 1); none cordoned");
        let none: BTreeMap<i32, Result<Option<String>, Error>> = [(1, Ok(None))].into_iter().collect();
        let (_, d) = logdirs_check(&answers[..1], &none, &[]);
        assert!(d.ends_with("; no cordoning (Kafka 4.3+, KIP-1066)"), "{d}");
        // A broker that does not answer: its dirs and its cordoned dirs are not claimed either way.
        let down =
            vec![answers[0].clone(), (3, Err(Error::new("x", Kind::BrokerUnreachable, "cannot connect to h:3")))];
        let mut silent = none.clone();
        silent.insert(3, Err(Error::new("x", Kind::TimedOut, "no answer")));
        let (s, d) = logdirs_check(&down, &silent, &[]);
        assert_eq!(s, Status::Warn);
        assert!(d.starts_with("broker 3 not asked: cannot connect to h:3; 1 log dir on 1 broker"), "{d}");
        assert!(d.ends_with("; cordoned.log.dirs of broker 3 not read: no answer"), "{d}");
    }
}
