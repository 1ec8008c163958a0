//! Planning: the difference between the manifest and what a cluster has, as a list of changes.
//!
//! Pure: the caller reads the cluster (topics, partitions, configs with their sources) and passes it
//! in, so every rule here is unit-tested without a broker.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::topics::manifest::Manifest;
use crate::topics::reassign::{self, Move, Ongoing, Placement, Replication};
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
        /// Replicas of each new partition, in partition order, when the same plan changes the
        /// replication factor. Kafka creates partitions only at the topic's current factor, so
        /// they are created at it, on replicas the move keeps, and the plan's `reassign` takes
        /// them to the target with the others (an empty partition's move copies nothing): one
        /// `apply`, not a second move next time. Empty: Kafka places them.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        replicas: Vec<Vec<i32>>,
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
            Change::AddPartitions { from, to, replicas, .. } if replicas.is_empty() => {
                format!("partitions {from} → {to}")
            }
            Change::AddPartitions { from, to, replicas, .. } => {
                let placed: Vec<String> =
                    replicas.iter().zip(*from..).map(|(r, p)| format!("p{p}: {}", reassign::ids(r))).collect();
                format!("partitions {from} → {to} ({}; then moved with the others)", placed.join(", "))
            }
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
                replication_words_of(self)
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
        /// Why `--prune` keeps it anyway (see [`kept_by_prune`]); `None`: pruned.
        #[serde(skip_serializing_if = "Option::is_none")]
        kept: Option<String>,
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

/// Why `--prune` never deletes `topic`, when it does not: a topic named as Kafka Streams names
/// its internal topics (`<application.id>-<store>-changelog`, `-repartition`, a foreign-key
/// join's `-KTABLE-FK-JOIN-SUBSCRIPTION-…-topic`). Those hold an application's state: a manifest
/// lists the topics a team declares, not the ones its Streams apps create, and pruning a
/// changelog loses the state store it backs. Shown, never deleted; `kafka-topics --delete`
/// remains for one that really is unused.
pub fn kept_by_prune(topic: &str) -> Option<String> {
    let (stem, kind) = if let Some(stem) = topic.strip_suffix("-changelog") {
        (stem, "changelog")
    } else if let Some(stem) = topic.strip_suffix("-repartition") {
        (stem, "repartition topic")
    } else if topic.ends_with("-topic") && topic.contains("-KTABLE-FK-JOIN-SUBSCRIPTION-") {
        (topic, "foreign-key join topic")
    } else {
        return None;
    };
    // `<application.id>-<name>`: both parts present.
    stem.split_once('-').filter(|(app, name)| !app.is_empty() && !name.is_empty())?;
    Some(format!("named like a Kafka Streams {kind} (an application's state): --prune never deletes it"))
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
    plan_with(manifest, cluster, &Replication::default(), prune)
}

/// [`plan`], with what the cluster says about replication: the brokers to place replicas on,
/// the reassignments running and the throttles set.
pub fn plan_with(manifest: &Manifest, cluster: &[ClusterTopic], repl: &Replication, prune: bool) -> Plan {
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
        }
        let (replication, replicas) = match replication_change(have, spec.replication_factor, repl, spec.partitions) {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(e);
                (None, Vec::new())
            }
        };
        if have.partitions < spec.partitions {
            out.changes.push(Change::AddPartitions {
                topic: spec.name.clone(),
                from: have.partitions,
                to: spec.partitions,
                replicas,
            });
        }
        out.changes.extend(replication);

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

    throttle_changes(&mut out, manifest, cluster, repl);
    let declared: BTreeSet<&str> = manifest.topics.iter().map(|t| t.name.as_str()).collect();
    for t in cluster {
        if t.internal || is_internal(&t.name) || declared.contains(t.name.as_str()) {
            continue;
        }
        let kept = kept_by_prune(&t.name);
        if prune && kept.is_none() {
            out.changes.push(Change::DeleteTopic { topic: t.name.clone() });
        }
        out.unmanaged.push(Unmanaged::Topic { topic: t.name.clone(), kept });
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

/// The replication change one managed topic needs: watching its running reassignment, moving
/// its replicas to `rf`, or nothing; an error when `rf` cannot be reached on these brokers. With
/// it, where the partitions the topic grows by (up to `grow_to`) are created when that change is
/// a move with known brokers (see [`Change::AddPartitions`]).
fn replication_change(
    have: &ClusterTopic,
    rf: i16,
    repl: &Replication,
    grow_to: i32,
) -> Result<(Option<Change>, Vec<Vec<i32>>), String> {
    if let Some(o) = repl.ongoing.get(&have.name).filter(|o| !o.is_empty()) {
        // While a move runs the metadata lists old and new replicas together: the factor it
        // shows says nothing about the one the move ends with.
        return Ok((Some(Change::Reassigning { topic: have.name.clone(), partitions: o.clone() }), Vec::new()));
    }
    // A partition listed without replicas is one the metadata does not know yet (a topic just
    // created), not a partition with none: it says nothing about the replication factor.
    let counts: BTreeSet<i16> = have.partition_replicas.values().copied().filter(|r| *r > 0).collect();
    let uniform = if counts.is_empty() { have.replication_factor } else { *counts.iter().next().unwrap_or(&0) };
    if counts.len() <= 1 && (uniform <= 0 || uniform == rf) {
        return Ok((None, Vec::new()));
    }
    let from = if have.partition_replicas.is_empty() {
        uniform.to_string()
    } else {
        replication_words(&have.partition_replicas)
    };
    let (moves, new) = match &repl.brokers {
        None => (Vec::new(), Vec::new()),
        Some(b) => {
            // The new partitions are placed with the moving ones, so the load they add counts.
            let mut parts = have.placements.clone();
            for p in have.partitions..grow_to {
                parts.insert(p, Placement { leader: -1, ..Default::default() });
            }
            let all = reassign::target(&parts, rf, b).map_err(|e| format!("{}: {e}", have.name))?;
            // Kafka compares a new partition's replica count with the topic's first partition.
            // Unknown (0): Kafka places the new ones and the next plan moves them.
            let now = have.placements.get(&0).map_or(0, |p| p.replicas.len());
            let (mut moves, mut new) = (Vec::new(), Vec::new());
            for m in all {
                if m.partition < have.partitions {
                    moves.push(m);
                } else if now > 0 {
                    let created = reassign::created_at(&m.to, now, b, m.partition);
                    if created != m.to {
                        moves.push(Move { partition: m.partition, from: created.clone(), to: m.to });
                    }
                    new.push(created);
                }
            }
            (moves, new)
        }
    };
    Ok((Some(Change::Reassign { topic: have.name.clone(), from, to: rf, moves }), new))
}

/// Adds a [`Change::ClearThrottle`] for every leftover throttle: on the manifest's topics that
/// no reassignment moves, and on brokers while none runs.
fn throttle_changes(out: &mut Plan, manifest: &Manifest, cluster: &[ClusterTopic], repl: &Replication) {
    let topic_keys: BTreeMap<String, Vec<String>> = cluster
        .iter()
        .filter(|t| manifest.topic(&t.name).is_some())
        .map(|t| {
            let keys = t
                .configs
                .iter()
                .filter(|(k, c)| reassign::is_throttle_key(k) && c.source == Source::DynamicTopic)
                .map(|(k, _)| k.clone())
                .collect();
            (t.name.clone(), keys)
        })
        .collect();
    let moving: BTreeSet<String> = repl.ongoing.iter().filter(|(_, o)| !o.is_empty()).map(|(t, _)| t.clone()).collect();
    let l = reassign::leftovers(&topic_keys, &repl.broker_throttles, &moving);
    for (topic, keys) in l.topics {
        out.changes.push(Change::ClearThrottle { label: topic.clone(), topic: Some(topic), broker: None, keys });
    }
    for (broker, keys) in l.brokers {
        out.changes.push(Change::ClearThrottle {
            label: format!("broker {broker}"),
            topic: None,
            broker: Some(broker),
            keys,
        });
    }
}

/// The plan's words for a replication change (one line per moving partition).
fn replication_words_of(c: &Change) -> String {
    match c {
        Change::Reassign { from, to, moves, .. } if moves.is_empty() => format!("replication factor {from} → {to}"),
        Change::Reassign { from, to, moves, .. } => {
            let lines: Vec<String> = moves.iter().map(Move::words).collect();
            format!("replication factor {from} → {to}, replicas:\n{}", lines.join("\n"))
        }
        Change::Reassigning { partitions, .. } => {
            let lines: Vec<String> = partitions
                .iter()
                .map(|o| {
                    let mut l = format!("p{}: {}", o.partition, reassign::ids(&o.replicas));
                    if !o.adding.is_empty() {
                        l.push_str(&format!(" adding {}", reassign::ids(&o.adding)));
                    }
                    if !o.removing.is_empty() {
                        l.push_str(&format!(" removing {}", reassign::ids(&o.removing)));
                    }
                    l
                })
                .collect();
            format!("reassignment in progress ({} moving; apply watches it):\n{}", partitions.len(), lines.join("\n"))
        }
        Change::ClearThrottle { keys, .. } => format!("leftover throttle, remove: {}", keys.join(", ")),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
