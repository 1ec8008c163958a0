//! The checks of `evbus health` that need more than one broker to mean anything: is every broker
//! the metadata lists (and every broker a replica lives on) there and answering, and can every
//! partition take an `acks=all` write (ISR at least the topic's effective `min.insync.replicas`)?
//! Pure verdicts over data the caller fetched, so `serve` and tests use them as they are.

use std::collections::{BTreeMap, BTreeSet};

use crate::health::report::{Status, plural, some_of};
use crate::kafka::ClusterMeta;
use crate::kafka::reach::{Answer, Reach};
use crate::topics::plan::ClusterConfig;

/// How many partitions a detail names before "and N more".
const NAMED: usize = 10;

/// Brokers expected vs listed, each listed one answering, and no replica on a broker that is gone.
///
/// A killed broker stays in the metadata until the controller fences it (it then fails to
/// answer); once fenced it is gone from the list but still named in partitions' replicas. Both
/// fail. The Metadata response's "controller" is not reported: on KRaft it is a random broker,
/// not the quorum leader (KAFKA-17404).
pub(super) fn brokers_verdict(md: &ClusterMeta, reach: &[Reach], expect: Option<usize>) -> (Status, String) {
    let listed: BTreeSet<i32> = md.brokers.iter().map(|b| b.id).collect();
    let ids = |s: &mut dyn Iterator<Item = i32>| s.map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
    let mut detail = format!(
        "{} ({} {})",
        plural(listed.len(), "broker", "brokers"),
        if listed.len() == 1 { "id" } else { "ids" },
        ids(&mut listed.iter().copied())
    );
    let mut problems = Vec::new();
    if let Some(n) = expect
        && listed.len() < n
    {
        problems.push(format!("{} of {n} expected brokers present", listed.len()));
    }
    let down: Vec<String> = reach
        .iter()
        .filter_map(|r| match &r.answer {
            Answer::Down(why) => Some(format!("broker {} at {} not answering: {why}", r.id, r.addr)),
            _ => None,
        })
        .collect();
    problems.extend(down);
    let gone: BTreeSet<i32> = md
        .topics
        .iter()
        .flat_map(|t| t.partitions.iter().flat_map(|p| p.replicas.iter().copied()))
        .filter(|id| !listed.contains(id))
        .collect();
    if !gone.is_empty() {
        problems.push(format!(
            "{} {} not answering: {} replicas but {} missing from the metadata (down or fenced)",
            if gone.len() == 1 { "broker" } else { "brokers" },
            ids(&mut gone.iter().copied()),
            if gone.len() == 1 { "holds" } else { "hold" },
            if gone.len() == 1 { "is" } else { "are" },
        ));
    }
    if md.brokers.is_empty() {
        problems.push("the metadata lists no broker".into());
    }
    if !problems.is_empty() {
        return (Status::Fail, format!("{detail}: {}", problems.join("; ")));
    }
    let tcp_only = reach.iter().any(|r| matches!(r.answer, Answer::Connected(_)));
    if !reach.is_empty() {
        detail.push_str(if tcp_only { ", all accepting connections" } else { ", all answering" });
    }
    if let Some(n) = expect {
        detail.push_str(&format!(" ({n} expected)"));
    }
    (Status::Ok, detail)
}

/// Partitions whose ISR is below their topic's effective `min.insync.replicas` fail: the leader
/// refuses every `acks=all` write with NOT_ENOUGH_REPLICAS. Partitions at their minimum while
/// they have more replicas than it (KIP-427 "at min ISR") warn: one more broker lost stops them.
/// Leaderless partitions are the partitions check's; topics missing from `min_isr` are skipped.
///
/// Only ISR members that answer count: a killed broker stays in the ISR until the controller
/// fences it, and for good when the quorum is lost with it (two of three nodes down), and the
/// leader waits for it on every `acks=all` write. A partition whose leader is `silent` takes no
/// write at all.
pub(super) fn min_isr_check(
    md: &ClusterMeta,
    min_isr: &BTreeMap<String, i32>,
    silent: &BTreeSet<i32>,
) -> (Status, String) {
    let listed: BTreeSet<i32> = md.brokers.iter().map(|b| b.id).collect();
    let alive = |id: &i32| listed.contains(id) && !silent.contains(id);
    let mut under = Vec::new();
    let mut at = Vec::new();
    let mut total = 0usize;
    for t in md.topics.iter().filter(|t| t.error.is_none()) {
        let Some(&min) = min_isr.get(&t.name) else { continue };
        for p in t.partitions.iter().filter(|p| !p.leaderless()) {
            total += 1;
            let isr = p.isr.len() as i32;
            let live = if alive(&p.leader) { p.isr.iter().filter(|id| alive(id)).count() as i32 } else { 0 };
            let id = if !alive(&p.leader) {
                format!("{}[{}] (leader {} not answering, min {min})", t.name, p.id, p.leader)
            } else if live < isr {
                format!("{}[{}] (ISR {isr}, {live} answering, min {min})", t.name, p.id)
            } else {
                format!("{}[{}] (ISR {isr}, min {min})", t.name, p.id)
            };
            if live < min {
                under.push(id);
            } else if live == min && (p.replicas.len() as i32) > min {
                at.push(id);
            }
        }
    }
    let at_text = || {
        format!(
            "{} at min.insync.replicas (one more replica lost stops acks=all writes): {}",
            plural(at.len(), "partition", "partitions"),
            some_of(&at, NAMED)
        )
    };
    if !under.is_empty() {
        let mut d = format!(
            "{} below min.insync.replicas (acks=all writes fail with NOT_ENOUGH_REPLICAS): {}",
            plural(under.len(), "partition", "partitions"),
            some_of(&under, NAMED)
        );
        if under.iter().any(|u| u.contains(" answering")) {
            // The leader waits for a silent in-sync follower rather than refusing at once.
            d.push_str(" (where a silent broker is still in the ISR, they time out instead)");
        }
        if !at.is_empty() {
            d.push_str(&format!("; {}", at_text()));
        }
        return (Status::Fail, d);
    }
    if !at.is_empty() {
        return (Status::Warn, at_text());
    }
    (
        Status::Ok,
        format!(
            "{} with more in-sync replicas than min.insync.replicas, or all of their replicas",
            if total == 1 { "1 partition".to_string() } else { format!("all {total} partitions") }
        ),
    )
}

/// The effective `min.insync.replicas` of each topic from its described configs (the topic's
/// own value, else the broker's default, as DescribeConfigs reports it).
pub(super) fn min_isr_of(configs: &BTreeMap<String, BTreeMap<String, ClusterConfig>>) -> BTreeMap<String, i32> {
    configs
        .iter()
        .filter_map(|(t, c)| {
            let v = c.get("min.insync.replicas")?.value.as_deref()?.parse().ok()?;
            Some((t.clone(), v))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{BrokerMeta, PartitionMeta, TopicMeta};
    use std::time::Duration;

    fn md(brokers: &[i32], topics: Vec<(&str, Vec<PartitionMeta>)>) -> ClusterMeta {
        ClusterMeta {
            brokers: brokers.iter().map(|&id| BrokerMeta { id, host: "h".into(), port: 9092 }).collect(),
            topics: topics
                .into_iter()
                .map(|(n, partitions)| TopicMeta { name: n.into(), error: None, partitions })
                .collect(),
            orig_broker_id: 1,
        }
    }

    fn p(id: i32, leader: i32, replicas: &[i32], isr: &[i32]) -> PartitionMeta {
        PartitionMeta { id, leader, replicas: replicas.to_vec(), isr: isr.to_vec(), error: None }
    }

    fn up(id: i32) -> Reach {
        Reach { id, addr: format!("h:{id}"), answer: Answer::ApiVersions(Duration::from_millis(1)) }
    }

    #[test]
    fn under_min_isr_fails_naming_partitions_and_at_min_warns() {
        let m = md(
            &[1, 2],
            vec![
                ("rf2", vec![p(0, 1, &[1, 3], &[1]), p(1, 2, &[2, 1], &[2, 1])]),
                ("rf3", vec![p(0, 1, &[1, 2, 3], &[1, 2])]),
                ("rf1", vec![p(0, 1, &[1], &[1])]),
            ],
        );
        let min: BTreeMap<String, i32> =
            [("rf2".to_string(), 2), ("rf3".to_string(), 2), ("rf1".to_string(), 1)].into_iter().collect();
        let (s, d) = min_isr_check(&m, &min, &BTreeSet::new());
        assert_eq!(s, Status::Fail, "{d}");
        assert!(d.starts_with("1 partition below min.insync.replicas"), "{d}");
        assert!(d.contains("rf2[0] (ISR 1, min 2)") && !d.contains("rf2[1]"), "{d}");
        assert!(d.contains("1 partition at min.insync.replicas") && d.contains("rf3[0]"), "{d}");
        // RF = min ISR with a full ISR is not "at min" (KIP-427 counts only RF > min).
        assert!(!d.contains("rf1"), "{d}");
        let (s, d) =
            min_isr_check(&md(&[1, 2], vec![("rf3", vec![p(0, 1, &[1, 2, 3], &[1, 2])])]), &min, &BTreeSet::new());
        assert_eq!(s, Status::Warn, "{d}");
        let (s, _) = min_isr_check(&md(&[1], vec![("rf1", vec![p(0, 1, &[1], &[1])])]), &min, &BTreeSet::new());
        assert_eq!(s, Status::Ok);
    }

    /// Two of three nodes killed: the quorum went with the second, so it was never taken out of
    /// the ISR. The metadata says ISR 2 = min 2, yet the leader waits for a dead follower on every
    /// acks=all write: below the minimum. A partition led by a silent broker takes nothing.
    #[test]
    fn isr_members_that_do_not_answer_do_not_count() {
        let m = md(&[1, 2], vec![("t", vec![p(0, 1, &[1, 2, 3], &[1, 2]), p(1, 2, &[2, 1, 3], &[2, 1, 3])])]);
        let min: BTreeMap<String, i32> = [("t".to_string(), 2)].into_iter().collect();
        let silent: BTreeSet<i32> = [2].into_iter().collect();
        let (s, d) = min_isr_check(&m, &min, &silent);
        assert_eq!(s, Status::Fail, "{d}");
        assert!(d.starts_with("2 partitions below min.insync.replicas"), "{d}");
        assert!(d.contains("t[0] (ISR 2, 1 answering, min 2)"), "{d}");
        assert!(d.contains("t[1] (leader 2 not answering, min 2)"), "{d}");
        // Broker 3 fenced (not listed) while it is still in t[1]'s ISR: not counted either.
        let (s, d) = min_isr_check(&m, &min, &BTreeSet::new());
        assert_eq!(s, Status::Warn, "{d}");
        assert!(d.contains("t[0] (ISR 2, min 2)") && d.contains("t[1] (ISR 3, 2 answering, min 2)"), "{d}");
    }

    #[test]
    fn a_broker_listed_but_silent_or_gone_but_holding_replicas_fails() {
        let m = md(&[1, 2, 3], vec![("t", vec![p(0, 1, &[1, 2, 3], &[1, 2, 3])])]);
        let silent = Reach { id: 3, addr: "h:3".into(), answer: Answer::Down("connection refused".into()) };
        let (s, d) = brokers_verdict(&m, &[up(1), up(2), silent], None);
        assert_eq!(s, Status::Fail);
        assert!(d.contains("broker 3 at h:3 not answering: connection refused"), "{d}");
        let (s, d) = brokers_verdict(&m, &[up(1), up(2), up(3)], Some(3));
        assert_eq!(s, Status::Ok, "{d}");
        assert_eq!(d, "3 brokers (ids 1, 2, 3), all answering (3 expected)");

        let fenced = md(&[1, 2], vec![("t", vec![p(0, 1, &[1, 2, 3], &[1, 2])])]);
        let (s, d) = brokers_verdict(&fenced, &[up(1), up(2)], Some(3));
        assert_eq!(s, Status::Fail);
        assert!(d.contains("2 of 3 expected brokers present"), "{d}");
        assert!(d.contains("broker 3 not answering: holds replicas but is missing from the metadata"), "{d}");
    }
}
