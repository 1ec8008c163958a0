//! Planning: the difference between the manifest and what a cluster has, as a list of changes.
//!
//! Pure: the caller reads the cluster (topics, partitions, configs with their sources) and passes it
//! in, so every rule here is unit-tested without a broker.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::topics::manifest::Manifest;
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
}

impl Change {
    /// Name of the topic the change applies to.
    pub fn topic(&self) -> &str {
        match self {
            Change::Create { topic, .. }
            | Change::AddPartitions { topic, .. }
            | Change::AlterConfig { topic, .. }
            | Change::DeleteTopic { topic } => topic,
        }
    }

    /// The `action` tag of the JSON plan (`create`, `add_partitions`, ...).
    pub fn action(&self) -> &'static str {
        match self {
            Change::Create { .. } => "create",
            Change::AddPartitions { .. } => "add_partitions",
            Change::AlterConfig { .. } => "alter_config",
            Change::DeleteTopic { .. } => "delete_topic",
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
    /// Changes evbus cannot make (yet), each with its reason: fewer partitions (Kafka cannot),
    /// another replication factor (needs a reassignment, which evbus does not do yet).
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

/// Why a change of replication factor is refused, said once for every such line.
const RF_REASON: &str = "replication-factor changes need a partition reassignment (not yet supported by evbus)";

/// The replication factor a topic has, against the one the manifest wants: `None` when they agree.
/// A topic whose partitions differ names the partitions that are not at the wanted factor.
fn replication_drift(have: &ClusterTopic, wanted: i16) -> Option<String> {
    let name = &have.name;
    let mut by_rf: BTreeMap<i16, Vec<i32>> = BTreeMap::new();
    // A partition listed without replicas is one the metadata does not know yet (a topic just
    // created), not a partition with none: it says nothing about the replication factor.
    for (p, rf) in have.partition_replicas.iter().filter(|(_, rf)| **rf > 0) {
        by_rf.entry(*rf).or_default().push(*p);
    }
    if by_rf.len() > 1 {
        if !by_rf.keys().any(|rf| *rf != wanted) {
            return None;
        }
        let list = |ps: &[i32]| ps.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        let parts: Vec<String> = by_rf
            .iter()
            .map(|(rf, ps)| {
                let noun = if ps.len() == 1 { "partition" } else { "partitions" };
                format!("{noun} {} {} {rf}", list(ps), if ps.len() == 1 { "has" } else { "have" })
            })
            .collect();
        let odd: Vec<i32> = by_rf.iter().filter(|(rf, _)| **rf != wanted).flat_map(|(_, ps)| ps.clone()).collect();
        return Some(format!(
            "{name}: partitions differ in replication factor ({}), the manifest says {wanted} for all; \
             not at {wanted}: partition(s) {}; {RF_REASON}",
            parts.join(", "),
            list(&odd)
        ));
    }
    let rf = by_rf.keys().next().copied().unwrap_or(have.replication_factor);
    (rf > 0 && rf != wanted)
        .then(|| format!("{name}: replication factor is {rf}, the manifest says {wanted}; {RF_REASON}"))
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

/// Compares the manifest with the cluster; `prune` also plans removing what the manifest does not declare.
pub fn plan(manifest: &Manifest, cluster: &[ClusterTopic], prune: bool) -> Plan {
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
        if let Some(e) = replication_drift(have, spec.replication_factor) {
            out.errors.push(e);
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
            if c.source == Source::DynamicTopic && !spec.config.contains_key(key) {
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

    #[test]
    fn impossible_changes_are_errors() {
        let mut b = topic("b", 12, &[("retention.ms", dynamic("604800000"))]);
        b.replication_factor = 3;
        let c = [topic("a", 3, &[("retention.ms", dynamic("604800000"))]), b];
        let p = plan(&m(M), &c, false);
        assert_eq!(p.errors.len(), 2, "{p:?}");
        assert!(p.errors[0].starts_with("b: has 12 partitions"));
        assert!(p.errors[1].contains("replication factor is 3"));
        assert!(
            p.errors[1]
                .ends_with("; replication-factor changes need a partition reassignment (not yet supported by evbus)")
        );
    }

    #[test]
    fn mixed_replication_factor_names_the_partitions_that_differ() {
        let mut b = topic("b", 6, &[("retention.ms", dynamic("604800000"))]);
        b.replication_factor = 3;
        b.partition_replicas = (0..6).map(|p| (p, if p == 4 { 2 } else { 3 })).collect();
        let c = [topic("a", 3, &[("retention.ms", dynamic("604800000"))]), b.clone()];
        let src = "version: 1\ndefaults: { partitions: 3, config: { retention.ms: 7d } }\ntopics:\n  - name: a\n  - name: b\n    partitions: 6\n    replication_factor: 3\n";
        let p = plan(&m(src), &c, false);
        assert_eq!(
            p.errors,
            vec![
                "b: partitions differ in replication factor (partition 4 has 2, partitions 0,1,2,3,5 have 3), the manifest \
                 says 3 for all; not at 3: partition(s) 4; replication-factor changes need a partition reassignment (not \
                 yet supported by evbus)"
                    .to_string()
            ]
        );
        // Uniform and as declared: nothing to say, also while the metadata does not list the
        // replicas of a partition yet.
        b.partition_replicas = (0..6).map(|p| (p, if p == 2 { 0 } else { 3 })).collect();
        let p = plan(&m(src), &[c[0].clone(), b], false);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
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
