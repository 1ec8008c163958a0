//! Planning: the difference between the manifest and what a cluster has, as a list of changes.
//!
//! Pure: the caller reads the cluster (topics, partitions, configs with their sources) and passes it
//! in, so every rule here is unit-tested without a broker.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::topics::manifest::Manifest;
use crate::topics::reassign::{self, Move, Ongoing, Placement};
use crate::topics::units;

// What DescribeConfigs reports is the broker layer's type; the rules here only read it.

/// Where a topic config value comes from, as DescribeConfigs reports it (Kafka's `ConfigSource`,
/// named as `kafka-configs --describe --all` names it, without the `_CONFIG` suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Set on this topic (`kafka-configs --alter`): the only kind evbus manages.
    DynamicTopic,
    /// A dynamic config of the one broker that answered (`--entity-type brokers --entity-name N`).
    DynamicBroker,
    /// The dynamic default of every broker in the cluster (`--entity-type brokers --entity-default`).
    DynamicDefaultBroker,
    /// The broker's `server.properties`.
    StaticBroker,
    /// Kafka's built-in default.
    Default,
    /// A source this client does not know (a newer broker).
    Unknown,
}

impl Source {
    /// How `topics describe` names the source for a person.
    pub fn words(self) -> &'static str {
        match self {
            Source::DynamicTopic => "topic override",
            Source::DynamicBroker => "dynamic broker config",
            Source::DynamicDefaultBroker => "dynamic cluster default",
            Source::StaticBroker => "static broker config",
            Source::Default => "default",
            Source::Unknown => "unknown",
        }
    }
}

/// One topic config entry as the cluster reports it, keyed by its name in `kafka::admin::Admin::topic_configs`'s map (the broker layer fills it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterConfig {
    /// The value; `None` when the broker has none, and `term::redact::MASK` for sensitive entries.
    pub value: Option<String>,
    /// Whether the topic sets the value itself or inherits it (only topic-level values are managed).
    pub source: Source,
}

/// What the cluster has for one topic.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClusterTopic {
    /// Topic name.
    pub name: String,
    /// Current partition count.
    pub partitions: i32,
    /// Replicas per partition (the most any partition has); 0 when the metadata did not say, which
    /// skips the replication check.
    pub replication_factor: i16,
    /// Replicas of each partition, by partition id, when the metadata gave them: a topic whose
    /// partitions differ (after a partial reassignment) is not "RF 3" and the plan names the odd ones.
    pub partition_replicas: BTreeMap<i32, i16>,
    /// Each partition's leader, replicas and ISR, for planning a replication-factor change.
    pub placements: BTreeMap<i32, Placement>,
    /// Kafka's own or a platform's internal topic; never managed, reported or deleted.
    pub internal: bool,
    /// Topic configs by key, with where each value comes from (topic override or a default).
    pub configs: BTreeMap<String, ClusterConfig>,
}

/// One config key an `AlterConfig` change sets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigSet {
    /// Config key, e.g. `retention.ms`.
    pub key: String,
    /// Current value on the cluster (None when not set).
    pub from: Option<String>,
    /// Value the manifest wants, normalised to Kafka's units.
    pub to: String,
}

/// One change that brings a cluster topic in line with the manifest; serialises with an `action` tag.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Change {
    /// Create a topic the manifest declares and the cluster lacks.
    Create {
        /// Topic to create.
        topic: String,
        /// Partition count from the manifest.
        partitions: i32,
        /// Replication factor from the manifest.
        replication_factor: i16,
        /// Topic configs to set at creation, by key.
        config: BTreeMap<String, String>,
    },
    /// Grow a topic to the manifest's partition count (Kafka cannot shrink one).
    AddPartitions {
        /// Topic to grow.
        topic: String,
        /// Current partition count.
        from: i32,
        /// Partition count after the change.
        to: i32,
    },
    /// Set configs that drift from the manifest and, with `--prune`, remove undeclared overrides.
    AlterConfig {
        /// Topic to alter.
        topic: String,
        /// Keys to set; includes values equal to the broker default that are not pinned on the topic.
        set: Vec<ConfigSet>,
        /// Keys to remove (back to the broker default); only with --prune.
        delete: Vec<String>,
    },
    /// Delete a topic the manifest does not declare; only with `--prune`.
    DeleteTopic {
        /// Topic to delete, with all its data.
        topic: String,
    },
    /// Change a topic's replication factor: move its partitions' replicas (AlterPartitionReassignments).
    Reassign {
        /// Topic whose replicas move.
        topic: String,
        /// The replication factor now (partitions that differ named: `3 (partition 4: 2)`).
        from: String,
        /// The replication factor the manifest wants.
        to: i16,
        /// The partitions that move, current → target replicas; empty when the brokers were not read.
        moves: Vec<Move>,
    },
    /// A reassignment of the topic runs on the cluster: `apply` watches it finish instead of
    /// submitting another.
    Reassigning {
        /// Topic being moved.
        topic: String,
        /// Its partitions still moving.
        partitions: Vec<Ongoing>,
    },
    /// Remove replication throttles left from a reassignment that ended (or was interrupted).
    ClearThrottle {
        /// The topic the throttled replicas are set on.
        #[serde(skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        /// The broker the throttle rates are set on.
        #[serde(skip_serializing_if = "Option::is_none")]
        broker: Option<i32>,
        /// The throttle keys set.
        keys: Vec<String>,
        /// `topic` or `broker N`, for the plan's table.
        #[serde(skip)]
        label: String,
    },
}

impl Change {
    /// Name of the topic the change applies to.
    pub fn topic(&self) -> &str {
        match self {
            Change::Create { topic, .. }
            | Change::AddPartitions { topic, .. }
            | Change::AlterConfig { topic, .. }
            | Change::DeleteTopic { topic }
            | Change::Reassign { topic, .. }
            | Change::Reassigning { topic, .. } => topic,
            Change::ClearThrottle { label, .. } => label,
        }
    }

    /// The `action` tag of the JSON plan (`create`, `add_partitions`, ...).
    pub fn action(&self) -> &'static str {
        match self {
            Change::Create { .. } => "create",
            Change::AddPartitions { .. } => "add_partitions",
            Change::AlterConfig { .. } => "alter_config",
            Change::DeleteTopic { .. } => "delete_topic",
            Change::Reassign { .. } => "reassign",
            Change::Reassigning { .. } => "reassigning",
            Change::ClearThrottle { .. } => "clear_throttle",
        }
    }

    /// One-line human description; durations and sizes in the manifest's units (`30d`, `512MiB`).
    pub fn describe(&self) -> String {
        match self {
            Change::Create { partitions, replication_factor, config, .. } => {
                let cfg: Vec<String> = config.iter().map(|(k, v)| format!("{k}={}", units::display(k, v))).collect();
                format!("partitions={partitions} replication_factor={replication_factor} {}", cfg.join(" "))
                    .trim_end()
                    .to_string()
            }
            Change::AddPartitions { from, to, .. } => format!("partitions {from} → {to}"),
            Change::AlterConfig { set, delete, .. } => {
                let mut parts: Vec<String> = set
                    .iter()
                    .map(|s| {
                        let to = units::display(&s.key, &s.to);
                        match s.from.as_deref() {
                            // Equal but inherited: the change sets it on the topic, and a `1000000 →
                            // 1000000` would read like a no-op.
                            Some(f) if same_value(&s.key, f, &s.to) => {
                                format!("{}: {to}, pin to the current value (the broker default could change)", s.key)
                            }
                            Some(f) => format!("{}: {} → {to}", s.key, units::display(&s.key, f)),
                            None => format!("{}: (default) → {to}", s.key),
                        }
                    })
                    .collect();
                parts.extend(delete.iter().map(|k| format!("{k}: remove")));
                parts.join(", ")
            }
            Change::DeleteTopic { .. } => "delete topic and all its data".into(),
            Change::Reassign { .. } | Change::Reassigning { .. } | Change::ClearThrottle { .. } => {
                reassign::describe(self)
            }
        }
    }
}

/// Something on the cluster that the manifest does not declare.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unmanaged {
    /// A non-internal topic on the cluster that the manifest does not list.
    Topic {
        /// Name of the topic.
        topic: String,
    },
    /// A topic-level config override that the manifest does not list for a declared topic.
    Config {
        /// Declared topic the override is on.
        topic: String,
        /// Config key of the override.
        key: String,
        /// Its value on the cluster (masked when sensitive); `None` when the broker reports none.
        value: Option<String>,
    },
}

/// Everything `topics plan`/`apply` found: what to change, what is unmanaged, what cannot be done.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Plan {
    /// Changes to apply, in manifest order, then deletions.
    pub changes: Vec<Change>,
    /// What the manifest does not declare; deleted (or its override removed) only with `--prune`.
    pub unmanaged: Vec<Unmanaged>,
    /// Changes evbus cannot make, each with its reason: fewer partitions (Kafka cannot), more
    /// replicas than brokers.
    pub errors: Vec<String>,
}

impl Plan {
    /// True when the cluster already matches the manifest (unmanaged items and errors aside).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Internal topics are never managed, listed as unmanaged, or deleted: Kafka's (`__*`), a schema
/// registry's and Confluent's, and Kafka Connect's storage topics ([`is_connect_storage`]).
pub fn is_internal(name: &str) -> bool {
    name.starts_with("__") || name.starts_with("_confluent") || name == "_schemas" || is_connect_storage(name)
}

/// Kafka Connect's config, offset and status topics as they are usually named (`connect-offsets`,
/// `docker-connect-status`, `my_connect_configs`): a `connect` word and one of those last words.
/// Deleting one (`--prune`) would lose every connector's configuration or position.
fn is_connect_storage(name: &str) -> bool {
    let words: Vec<&str> = name.split(['-', '_', '.']).collect();
    words.len() > 1
        && words[..words.len() - 1].iter().any(|w| w.eq_ignore_ascii_case("connect"))
        && words
            .last()
            .is_some_and(|w| ["configs", "offsets", "status", "statuses"].contains(&w.to_ascii_lowercase().as_str()))
}

fn same_value(key: &str, cluster: &str, wanted: &str) -> bool {
    cluster == wanted || units::normalize(key, cluster).is_ok_and(|c| c == wanted)
}

/// A topic's replication factor for a person: `3`, or with partitions that differ named,
/// `3 (partition 4: 2)`, so a topic half-way through a reassignment does not pass for RF 3.
pub fn replication_words(partition_replicas: &BTreeMap<i32, i16>) -> String {
    let mut by_rf: BTreeMap<i16, Vec<i32>> = BTreeMap::new();
    for (p, rf) in partition_replicas.iter().filter(|(_, rf)| **rf > 0) {
        by_rf.entry(*rf).or_default().push(*p);
    }
    // The factor most partitions have is the topic's; the others are named.
    let Some((&main, _)) = by_rf.iter().max_by_key(|(rf, ps)| (ps.len(), **rf)) else { return "0".into() };
    let odd: Vec<String> = by_rf
        .iter()
        .filter(|(rf, _)| **rf != main)
        .map(|(rf, ps)| {
            let list = ps.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
            format!("{} {list}: {rf}", if ps.len() == 1 { "partition" } else { "partitions" })
        })
        .collect();
    if odd.is_empty() { main.to_string() } else { format!("{main} ({})", odd.join("; ")) }
}

/// Compares the manifest with the cluster; `prune` also plans removing what the manifest does not
/// declare. Replication-factor changes are planned without targets (the brokers are not known).
pub fn plan(manifest: &Manifest, cluster: &[ClusterTopic], prune: bool) -> Plan {
    plan_with(manifest, cluster, &reassign::Replication::default(), prune)
}

/// [`plan`], with what the cluster says about replication: the brokers to place replicas on,
/// the reassignments running and the throttles set.
pub fn plan_with(manifest: &Manifest, cluster: &[ClusterTopic], repl: &reassign::Replication, prune: bool) -> Plan {
    let mut out = Plan::default();
    let by_name: BTreeMap<&str, &ClusterTopic> = cluster.iter().map(|t| (t.name.as_str(), t)).collect();

    for spec in &manifest.topics {
        let Some(have) = by_name.get(spec.name.as_str()) else {
            out.changes.push(Change::Create {
                topic: spec.name.clone(),
                partitions: spec.partitions,
                replication_factor: spec.replication_factor,
                config: spec.config.clone(),
            });
            continue;
        };
        if have.partitions > spec.partitions {
            out.errors.push(format!(
                "{}: has {} partitions, the manifest says {}; Kafka cannot remove partitions (recreate the topic or raise the manifest)",
                spec.name, have.partitions, spec.partitions
            ));
        } else if have.partitions < spec.partitions {
            out.changes.push(Change::AddPartitions {
                topic: spec.name.clone(),
                from: have.partitions,
                to: spec.partitions,
            });
        }
        match reassign::topic_change(have, spec.replication_factor, repl) {
            Ok(Some(c)) => out.changes.push(c),
            Ok(None) => {}
            Err(e) => out.errors.push(e),
        }

        let mut set = Vec::new();
        for (key, wanted) in &spec.config {
            let current = have.configs.get(key).and_then(|c| c.value.clone());
            let differs = match &current {
                Some(c) => !same_value(key, c, wanted),
                None => true,
            };
            // A value equal to the broker default still counts as drift when it is not set on the
            // topic: otherwise a later change of the broker default would silently change the topic.
            let pinned = have.configs.get(key).is_some_and(|c| c.source == Source::DynamicTopic);
            if differs || !pinned {
                set.push(ConfigSet { key: key.clone(), from: current, to: wanted.clone() });
            }
        }
        let mut delete = Vec::new();
        for (key, c) in &have.configs {
            // Throttled replicas are a reassignment's, planned below as leftovers or left to the move.
            if c.source == Source::DynamicTopic && !spec.config.contains_key(key) && !reassign::is_throttle_key(key) {
                out.unmanaged.push(Unmanaged::Config {
                    topic: spec.name.clone(),
                    key: key.clone(),
                    value: c.value.clone(),
                });
                if prune {
                    delete.push(key.clone());
                }
            }
        }
        if !set.is_empty() || !delete.is_empty() {
            out.changes.push(Change::AlterConfig { topic: spec.name.clone(), set, delete });
        }
    }

    reassign::throttle_changes(&mut out, manifest, cluster, repl);
    let declared: BTreeSet<&str> = manifest.topics.iter().map(|t| t.name.as_str()).collect();
    for t in cluster {
        if t.internal || is_internal(&t.name) || declared.contains(t.name.as_str()) {
            continue;
        }
        out.unmanaged.push(Unmanaged::Topic { topic: t.name.clone() });
        if prune {
            out.changes.push(Change::DeleteTopic { topic: t.name.clone() });
        }
    }
    out
}

/// A topic cannot have more replicas than the cluster has brokers: Kafka refuses such a
/// CreateTopics with INVALID_REPLICATION_FACTOR. Caught here, the whole plan is refused before
/// anything changes, instead of failing that one create after the rest was applied.
pub fn check_replication(plan: &mut Plan, brokers: usize) {
    if brokers == 0 {
        return;
    }
    for c in &plan.changes {
        if let Change::Create { topic, replication_factor, .. } = c {
            if *replication_factor as usize > brokers {
                plan.errors.push(format!(
                    "{topic}: replication factor {replication_factor} is more than the {brokers} broker(s) the cluster has; \
                     Kafka would refuse it (INVALID_REPLICATION_FACTOR: the target replication factor cannot be reached)"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
        let src =
            "version: 1\ntopics:\n  - name: a\n    replication_factor: 3\n  - name: b\n    replication_factor: 1\n";
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
                set: vec![ConfigSet {
                    key: "retention.ms".into(),
                    from: Some("86400000".into()),
                    to: "604800000".into()
                }],
                delete: vec![]
            }
        );
        assert_eq!(p.changes[1], Change::AddPartitions { topic: "b".into(), from: 4, to: 6 });
        assert_eq!(
            p.unmanaged,
            vec![Unmanaged::Config { topic: "a".into(), key: "segment.ms".into(), value: Some("1000".into()) }]
        );
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

    fn brokers(n: i32) -> reassign::Replication {
        reassign::Replication {
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
        assert_eq!(
            p.changes[0].describe(),
            "replication factor 1 → 2, replicas:\np0: 1 → 1,2\np1: 2 → 2,3\np2: 3 → 3,1"
        );
        // More replicas than live brokers: refused, nothing planned for the topic.
        let p = plan_with(&m(&src.replace("factor: 2", "factor: 4")), &[a], &brokers(3), false);
        assert!(p.changes.is_empty(), "{p:?}");
        assert_eq!(p.errors.len(), 1);
        assert!(p.errors[0].starts_with("a: replication factor 4 is more than the 3 live broker(s)"), "{:?}", p.errors);
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
        r.ongoing
            .insert("a".into(), vec![Ongoing { partition: 0, replicas: vec![1], adding: vec![], removing: vec![] }]);
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
            topic(
                "a",
                3,
                &[("retention.ms", ClusterConfig { value: Some("604800000".into()), source: Source::Default })],
            ),
            topic("b", 6, &[("retention.ms", dynamic("604800000"))]),
        ];
        let p = plan(&m(M), &c, false);
        assert_eq!(p.changes.len(), 1);
        assert_eq!(p.changes[0].action(), "alter_config");
    }
}
