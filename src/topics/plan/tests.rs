//! The plan's rules, without a broker: creates, partition increases, config drift, pruning,
//! and replication-factor changes (moves, running moves, leftover throttles).

use super::*;
use crate::topics::manifest;
use crate::topics::reassign;
use std::path::Path;

fn m(src: &str) -> Manifest {
    manifest::parse(src, Path::new("t.yaml")).unwrap()
}

const M: &str = "version: 1\ndefaults: { partitions: 3, config: { retention.ms: 7d } }\ntopics:\n  - name: a\n  - name: b\n    partitions: 6\n";

fn dynamic(v: &str) -> ClusterConfig {
    ClusterConfig { value: Some(v.into()), source: Source::DynamicTopic }
}

fn topic(name: &str, partitions: i32, cfg: &[(&str, ClusterConfig)]) -> ClusterTopic {
    ClusterTopic {
        name: name.into(),
        partitions,
        replication_factor: 1,
        partition_replicas: BTreeMap::new(),
        placements: BTreeMap::new(),
        internal: false,
        configs: cfg.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
    }
}

#[test]
fn replication_above_the_broker_count_is_a_plan_error() {
    let src = "version: 1\ntopics:\n  - name: a\n    replication_factor: 3\n  - name: b\n    replication_factor: 1\n";
    let mut p = plan(&m(src), &[], false);
    check_replication(&mut p, 1);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert!(p.errors[0].starts_with("a: replication factor 3 is more than the 1 broker(s)"), "{}", p.errors[0]);
    let mut p = plan(&m(src), &[], false);
    check_replication(&mut p, 3);
    assert!(p.errors.is_empty());
}

#[test]
fn empty_cluster_creates_everything() {
    let p = plan(&m(M), &[], false);
    assert_eq!(p.changes.len(), 2);
    assert!(matches!(&p.changes[1], Change::Create { topic, partitions: 6, config, .. }
        if topic == "b" && config["retention.ms"] == "604800000"));
}

#[test]
fn in_sync_cluster_has_no_changes() {
    let c = [
        topic("a", 3, &[("retention.ms", dynamic("604800000"))]),
        topic("b", 6, &[("retention.ms", dynamic("604800000"))]),
    ];
    let p = plan(&m(M), &c, false);
    assert!(p.is_empty(), "{p:?}");
    assert!(p.unmanaged.is_empty());
}

#[test]
fn drift_and_partition_increase() {
    let c = [
        topic("a", 3, &[("retention.ms", dynamic("86400000")), ("segment.ms", dynamic("1000"))]),
        topic("b", 4, &[("retention.ms", dynamic("604800000"))]),
    ];
    let p = plan(&m(M), &c, false);
    assert_eq!(p.changes.len(), 2, "{p:?}");
    assert_eq!(
        p.changes[0],
        Change::AlterConfig {
            topic: "a".into(),
            set: vec![ConfigSet { key: "retention.ms".into(), from: Some("86400000".into()), to: "604800000".into() }],
            delete: vec![]
        }
    );
    assert_eq!(p.changes[1], Change::AddPartitions { topic: "b".into(), from: 4, to: 6, replicas: Vec::new() });
    assert_eq!(
        p.unmanaged,
        vec![Unmanaged::Config { topic: "a".into(), key: "segment.ms".into(), value: Some("1000".into()) }]
    );
}

/// A Streams application's changelog and repartition topics are not the team's to declare:
/// shown, never pruned (pruning a changelog loses the state store it backs).
#[test]
fn prune_keeps_topics_named_like_kafka_streams_internal_topics() {
    let c = [
        topic("a", 3, &[("retention.ms", dynamic("604800000")), ("segment.ms", dynamic("1000"))]),
        topic("b", 6, &[("retention.ms", dynamic("604800000"))]),
        topic("wordcount-counts-changelog", 2, &[]),
        topic("wordcount-KSTREAM-AGGREGATE-0000000003-repartition", 2, &[]),
        topic("app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic", 2, &[]),
        topic("changelog", 1, &[]),
        topic("-changelog", 1, &[]),
        topic("stray", 1, &[]),
    ];
    let p = plan(&m(M), &c, true);
    let deleted: Vec<&str> = p.changes.iter().filter(|c| c.action() == "delete_topic").map(|c| c.topic()).collect();
    assert_eq!(deleted, ["changelog", "-changelog", "stray"]);
    let kept: Vec<&str> = p
        .unmanaged
        .iter()
        .filter_map(|u| match u {
            Unmanaged::Topic { topic, kept: Some(_) } => Some(topic.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(kept.len(), 3, "{:?}", p.unmanaged);
    assert!(kept_by_prune("wordcount-counts-changelog").unwrap().contains("Kafka Streams changelog"));
}

#[test]
fn prune_deletes_unmanaged_keys_and_topics_but_not_internal() {
    let mut off = topic("__consumer_offsets", 50, &[]);
    off.internal = true;
    let c = [
        topic("a", 3, &[("retention.ms", dynamic("604800000")), ("segment.ms", dynamic("1000"))]),
        topic("b", 6, &[("retention.ms", dynamic("604800000"))]),
        topic("stray", 1, &[]),
        off,
        topic("__evbus_health", 1, &[]),
    ];
    let p = plan(&m(M), &c, false);
    assert!(p.changes.is_empty());
    assert_eq!(p.unmanaged.len(), 2);
    let p = plan(&m(M), &c, true);
    assert_eq!(
        p.changes,
        vec![
            Change::AlterConfig { topic: "a".into(), set: vec![], delete: vec!["segment.ms".into()] },
            Change::DeleteTopic { topic: "stray".into() }
        ]
    );
}

fn placed(t: &mut ClusterTopic, replicas: &[&[i32]]) {
    t.placements = replicas
        .iter()
        .enumerate()
        .map(|(p, r)| (p as i32, Placement { leader: r[0], replicas: r.to_vec(), isr: r.to_vec() }))
        .collect();
    t.partition_replicas = replicas.iter().enumerate().map(|(p, r)| (p as i32, r.len() as i16)).collect();
    t.replication_factor = replicas.iter().map(|r| r.len() as i16).max().unwrap_or(0);
}

fn brokers(n: i32) -> Replication {
    Replication {
        brokers: Some((1..=n).map(|id| reassign::Broker { id, rack: Some(format!("r{id}")) }).collect()),
        ..Default::default()
    }
}

#[test]
fn fewer_partitions_is_an_error_and_another_replication_factor_a_reassignment() {
    let mut b = topic("b", 12, &[("retention.ms", dynamic("604800000"))]);
    b.replication_factor = 3;
    let c = [topic("a", 3, &[("retention.ms", dynamic("604800000"))]), b];
    let p = plan(&m(M), &c, false);
    assert_eq!(p.errors.len(), 1, "{p:?}");
    assert!(p.errors[0].starts_with("b: has 12 partitions"));
    assert_eq!(p.changes, [Change::Reassign { topic: "b".into(), from: "3".into(), to: 1, moves: vec![] }]);
    assert_eq!(p.changes[0].describe(), "replication factor 3 → 1");
}

#[test]
fn a_replication_change_plans_each_partitions_target_replicas() {
    let src = "version: 1\ntopics:\n  - name: a\n    partitions: 3\n    replication_factor: 2\n";
    let mut a = topic("a", 3, &[]);
    placed(&mut a, &[&[1], &[2], &[3]]);
    let p = plan_with(&m(src), &[a.clone()], &brokers(3), false);
    assert!(p.errors.is_empty(), "{p:?}");
    let Change::Reassign { moves, .. } = &p.changes[0] else { panic!("{p:?}") };
    assert_eq!(moves.len(), 3);
    assert_eq!(p.changes[0].describe(), "replication factor 1 → 2, replicas:\np0: 1 → 1,2\np1: 2 → 2,3\np2: 3 → 3,1");
    // More replicas than live brokers: refused, nothing planned for the topic.
    let p = plan_with(&m(&src.replace("factor: 2", "factor: 4")), &[a], &brokers(3), false);
    assert!(p.changes.is_empty(), "{p:?}");
    assert_eq!(p.errors.len(), 1);
    assert!(p.errors[0].starts_with("a: replication factor 4 is more than the 3 live broker(s)"), "{:?}", p.errors);
}

/// Growing a topic and raising its factor in one plan: the new partitions are created at the
/// new factor (Kafka would copy the old one and leave them for a second move), placed with the
/// moving ones so the load stays even, their leaders on different brokers.
#[test]
fn partitions_added_with_a_replication_change_are_created_at_the_new_factor() {
    let src = "version: 1\ntopics:\n  - name: a\n    partitions: 5\n    replication_factor: 3\n";
    let mut a = topic("a", 2, &[]);
    placed(&mut a, &[&[1], &[2]]);
    let p = plan_with(&m(src), &[a.clone()], &brokers(3), false);
    assert!(p.errors.is_empty(), "{p:?}");
    let Change::AddPartitions { from: 2, to: 5, replicas, .. } = &p.changes[0] else { panic!("{p:?}") };
    // Created at the topic's factor (Kafka accepts no other), on the target's preferred leader.
    assert_eq!(replicas.len(), 3);
    assert!(replicas.iter().all(|r| r.len() == 1), "{replicas:?}");
    let Change::Reassign { moves, .. } = &p.changes[1] else { panic!("{p:?}") };
    assert_eq!(moves.iter().map(|m| m.partition).collect::<Vec<_>>(), [0, 1, 2, 3, 4], "the new ones move too");
    for m in &moves[2..] {
        assert_eq!(m.from, replicas[(m.partition - 2) as usize], "{m:?}");
        assert_eq!(m.from[0], m.to[0], "the replica it is created on stays the preferred leader: {m:?}");
        assert_eq!(m.to.iter().collect::<BTreeSet<_>>().len(), 3, "{m:?}");
    }
    let leaders: BTreeSet<i32> = moves.iter().map(|m| m.to[0]).collect();
    assert_eq!(leaders.len(), 3, "leaders spread over the brokers: {moves:?}");
    let mut load: BTreeMap<i32, usize> = BTreeMap::new();
    for b in moves.iter().flat_map(|m| &m.to) {
        *load.entry(*b).or_default() += 1;
    }
    assert_eq!(load.values().collect::<Vec<_>>(), [&5, &5, &5], "{load:?}");
    assert!(p.changes[0].describe().ends_with("; then moved with the others)"), "{}", p.changes[0].describe());
    // Down from 3 with a partition added: created with 3 replicas, the move drops one.
    let mut b = topic("b", 1, &[]);
    placed(&mut b, &[&[1, 2, 3]]);
    let src_b = "version: 1\ntopics:\n  - name: b\n    partitions: 2\n    replication_factor: 2\n";
    let p = plan_with(&m(src_b), &[b], &brokers(3), false);
    let Change::AddPartitions { replicas, .. } = &p.changes[0] else { panic!("{p:?}") };
    let Change::Reassign { moves, .. } = &p.changes[1] else { panic!("{p:?}") };
    assert_eq!(replicas[0].len(), 3, "{p:?}");
    let m1 = moves.iter().find(|m| m.partition == 1).unwrap();
    assert_eq!((m1.from.len(), m1.to.len(), m1.from[..2] == m1.to[..]), (3, 2, true), "{moves:?}");
    // Without a replication change, Kafka places the new partitions as it does.
    let p = plan_with(&m(&src.replace("factor: 3", "factor: 1")), &[a], &brokers(3), false);
    assert_eq!(p.changes, [Change::AddPartitions { topic: "a".into(), from: 2, to: 5, replicas: Vec::new() }]);
}

#[test]
fn mixed_replication_factor_names_the_partitions_that_differ_and_moves_only_them() {
    let mut b = topic("b", 3, &[]);
    placed(&mut b, &[&[1, 2, 3], &[2, 3], &[3, 1, 2]]);
    let src = "version: 1\ntopics:\n  - name: b\n    partitions: 3\n    replication_factor: 3\n";
    let p = plan_with(&m(src), &[b.clone()], &brokers(3), false);
    assert_eq!(
        p.changes,
        [Change::Reassign {
            topic: "b".into(),
            from: "3 (partition 1: 2)".into(),
            to: 3,
            moves: vec![Move { partition: 1, from: vec![2, 3], to: vec![2, 3, 1] }]
        }]
    );
    // Uniform and as declared: nothing to say, also while the metadata does not list the
    // replicas of a partition yet.
    b.partition_replicas = (0..3).map(|p| (p, if p == 1 { 0 } else { 3 })).collect();
    let p = plan(&m(src), &[b], false);
    assert!(p.is_empty(), "{p:?}");
}

#[test]
fn a_running_reassignment_is_watched_not_planned_again() {
    let src = "version: 1\ntopics:\n  - name: a\n    partitions: 1\n    replication_factor: 2\n";
    let mut a = topic("a", 1, &[]);
    // Mid-move from [1,2,3] to [1,2]: the metadata lists all three.
    placed(&mut a, &[&[1, 2, 3]]);
    let mut r = brokers(3);
    let ongoing = Ongoing { partition: 0, replicas: vec![1, 2, 3], adding: vec![], removing: vec![3] };
    r.ongoing.insert("a".into(), vec![ongoing.clone()]);
    let p = plan_with(&m(src), &[a], &r, false);
    assert_eq!(p.changes, [Change::Reassigning { topic: "a".into(), partitions: vec![ongoing] }]);
    assert!(p.changes[0].describe().starts_with("reassignment in progress"), "{}", p.changes[0].describe());
}

#[test]
fn leftover_throttles_are_planned_for_removal_not_listed_as_unmanaged() {
    let src = "version: 1\ntopics:\n  - name: a\n    partitions: 1\n";
    let a = topic("a", 1, &[(reassign::LEADER_REPLICAS, dynamic("0:1")), ("segment.ms", dynamic("1000"))]);
    let mut r = brokers(3);
    r.broker_throttles.insert(2, vec![reassign::LEADER_RATE.into(), reassign::FOLLOWER_RATE.into()]);
    let p = plan_with(&m(src), std::slice::from_ref(&a), &r, false);
    assert_eq!(p.unmanaged.len(), 1, "only segment.ms: {:?}", p.unmanaged);
    let labels: Vec<(&str, &str)> = p.changes.iter().map(|c| (c.action(), c.topic())).collect();
    assert_eq!(labels, [("clear_throttle", "a"), ("clear_throttle", "broker 2")]);
    // While a topic moves, its throttles and every broker rate are the move's.
    r.ongoing.insert("a".into(), vec![Ongoing { partition: 0, replicas: vec![1], adding: vec![], removing: vec![] }]);
    let p = plan_with(&m(src), &[a], &r, false);
    assert_eq!(p.changes.iter().map(|c| c.action()).collect::<Vec<_>>(), ["reassigning"]);
}

#[test]
fn replication_words_name_the_partitions_that_differ() {
    let rf = |v: &[i16]| replication_words(&v.iter().enumerate().map(|(p, r)| (p as i32, *r)).collect());
    assert_eq!(rf(&[3, 3, 3]), "3");
    assert_eq!(rf(&[3, 3, 3, 3, 2, 3]), "3 (partition 4: 2)");
    assert_eq!(rf(&[3, 1, 3, 1, 2, 3]), "3 (partitions 1,3: 1; partition 4: 2)");
    assert_eq!(rf(&[]), "0");
    assert_eq!(rf(&[3, 0, 3]), "3", "a partition without replicas in the metadata is unknown, not different");
}

#[test]
fn a_pinned_value_reads_as_a_pin_not_a_no_op() {
    let set = |from: &str| Change::AlterConfig {
        topic: "a".into(),
        set: vec![ConfigSet { key: "retention.ms".into(), from: Some(from.into()), to: "360000000".into() }],
        delete: vec![],
    };
    assert_eq!(
        set("360000000").describe(),
        "retention.ms: 100h, pin to the current value (the broker default could change)"
    );
    assert_eq!(set("86400000").describe(), "retention.ms: 1d → 100h");
}

#[test]
fn default_valued_but_unpinned_key_is_set() {
    let c = [
        topic("a", 3, &[("retention.ms", ClusterConfig { value: Some("604800000".into()), source: Source::Default })]),
        topic("b", 6, &[("retention.ms", dynamic("604800000"))]),
    ];
    let p = plan(&m(M), &c, false);
    assert_eq!(p.changes.len(), 1);
    assert_eq!(p.changes[0].action(), "alter_config");
}
