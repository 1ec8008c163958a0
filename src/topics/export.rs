//! `topics export`'s rules: which of a cluster's topics a manifest takes over, and the
//! `topics.yaml` text that declares them as they are, so that `topics plan` against the same
//! cluster has nothing to change.
//!
//! Pure: the caller reads the topics (with the configs set on each), the consumer groups and the
//! topics they read. The round trip is the contract: a value is written in the manifest's units
//! ([`units::display`], the way `plan` shows it) only because [`units::normalize`] reads it back
//! to the very integer Kafka reported; only topic-level overrides are written, since a
//! manifest value that is a broker default counts as drift (see [`crate::topics::plan::plan`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::topics::plan::{ClusterTopic, Source};
use crate::topics::{known_keys, plan, units};

/// Whether `export` takes this topic: not [`internal`], and matching `pattern` when one is given.
pub fn wanted(name: &str, pattern: Option<&regex::Regex>) -> bool {
    !internal(name) && pattern.is_none_or(|re| re.is_match(name))
}

/// Topics that belong to Kafka or to a tool around it, which a platform's manifest should not
/// declare: [`plan::is_internal`]'s (`__*`, `_schemas`, `_confluent*`, Connect's storage), any other
/// leading `_` (the convention for tool topics), Kafka Streams' `-changelog`/`-repartition` topics
/// (their application makes and sizes them) and MirrorMaker 2's `*.internal`.
pub fn internal(name: &str) -> bool {
    plan::is_internal(name)
        || name.starts_with('_')
        || name.ends_with("-changelog")
        || name.ends_with("-repartition")
        || name.ends_with(".internal")
}

/// The manifest text and what the caller should tell the user about it (on stderr).
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// The `topics.yaml`, ready to write.
    pub text: String,
    /// What was not carried over, and why (a config key this evbus does not know, ...).
    pub notes: Vec<String>,
    /// How many consumer groups the manifest declares (those that read a declared topic).
    pub groups: usize,
}

/// The topics of one cluster as a manifest. `topics` are the ones to declare (already chosen with
/// [`wanted`]); `groups` maps each consumer group to the topics it has committed offsets on (or is
/// assigned): only the declared ones are kept, and a group left with none is dropped. `origin` says
/// where the cluster is, for the header comment.
pub fn render(topics: &[ClusterTopic], groups: &BTreeMap<String, BTreeSet<String>>, origin: &str) -> Exported {
    let mut topics: Vec<&ClusterTopic> = topics.iter().collect();
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    let declared: BTreeSet<&str> = topics.iter().map(|t| t.name.as_str()).collect();
    let mut notes = Vec::new();

    let groups: BTreeMap<&str, Vec<&str>> = groups
        .iter()
        .map(|(g, ts)| (g.as_str(), ts.iter().map(String::as_str).filter(|t| declared.contains(t)).collect::<Vec<_>>()))
        .filter(|(_, ts)| !ts.is_empty())
        .collect();
    let mut readers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (g, ts) in &groups {
        for t in ts {
            readers.entry(t).or_default().push(g);
        }
    }

    let partitions = most_common(topics.iter().map(|t| i64::from(t.partitions.max(1)))).unwrap_or(1);
    // A replication factor of 0 means the metadata did not say (plan then skips the check).
    let rf = most_common(topics.iter().map(|t| i64::from(t.replication_factor)).filter(|r| *r > 0)).unwrap_or(1);

    let mut s = String::new();
    let _ = writeln!(s, "# Exported by `evbus topics export` from {origin}.");
    s.push_str(
        "# `evbus topics plan` shows the difference with a cluster, `evbus topics apply` fixes it; `--prune`\n\
         # (opt-in) also removes what this file does not declare.\n\
         # Records of each topic are checked against schemas/<topic>.json: give a topic `schema: NAME`\n\
         # for another file, or `schema: false` when it has none.\n\
         version: 1\n",
    );
    match naming_rule(&declared) {
        Some(re) => {
            let _ = writeln!(s, "# naming: '{re}'   # every topic below matches it: uncomment to hold new ones to it");
        }
        None => s.push_str(
            "# naming: '^[a-z0-9]+([._-][a-z0-9]+)*$'   # a rule for topic names; uncomment to enforce one\n",
        ),
    }
    let _ = writeln!(s, "defaults:\n  partitions: {partitions}\n  replication_factor: {rf}");
    if topics.is_empty() {
        s.push_str("topics: []\n");
    } else {
        s.push_str("topics:\n");
    }
    for t in &topics {
        let factors: BTreeSet<i16> = t.partition_replicas.values().copied().filter(|r| *r > 0).collect();
        if factors.len() > 1 {
            notes.push(format!(
                "{}: partitions differ in replication factor ({}); written as {}, and `topics plan` reports the others",
                t.name,
                plan::replication_words(&t.partition_replicas),
                t.replication_factor
            ));
        }
        let _ = writeln!(s, "  - name: {}", name(&t.name));
        if i64::from(t.partitions) != partitions {
            let _ = writeln!(s, "    partitions: {}", t.partitions);
        }
        if t.replication_factor > 0 && i64::from(t.replication_factor) != rf {
            let _ = writeln!(s, "    replication_factor: {}", t.replication_factor);
        }
        let config = config_lines(t, &mut notes);
        if !config.is_empty() {
            s.push_str("    config:\n");
            s.push_str(&config);
        }
        if let Some(gs) = readers.get(t.name.as_str()) {
            let _ = writeln!(s, "    consumers: [{}]", gs.iter().map(|g| name(g)).collect::<Vec<_>>().join(", "));
        }
    }
    if !groups.is_empty() {
        s.push_str("groups:\n");
        for (g, ts) in &groups {
            let _ = writeln!(s, "  - name: {}", name(g));
            let _ = writeln!(s, "    topics: [{}]", ts.iter().map(|t| name(t)).collect::<Vec<_>>().join(", "));
        }
    }
    Exported { text: s, notes, groups: groups.len() }
}

/// The `config:` entries of one topic: its topic-level overrides in the manifest's units. Keys
/// the manifest would refuse are written as comments, so the file still loads.
fn config_lines(t: &ClusterTopic, notes: &mut Vec<String>) -> String {
    let mut s = String::new();
    for (key, c) in &t.configs {
        if c.source != Source::DynamicTopic {
            continue;
        }
        let Some(value) = &c.value else { continue };
        if value == crate::term::redact::MASK {
            notes.push(format!("{}: {key} is a sensitive config; left out", t.name));
            continue;
        }
        let known = known_keys::is_known(key);
        let Ok(kafka) = units::normalize(key, value) else {
            let _ =
                writeln!(s, "      # {key}: {}   (the manifest cannot hold this value: left unmanaged)", scalar(value));
            notes.push(format!(
                "{}: config {key}={value} cannot be written in the manifest; written as a comment",
                t.name
            ));
            continue;
        };
        // The written value must read back as what the cluster has, or plan would see drift.
        let shown = units::display(key, value);
        let shown = if units::normalize(key, &shown).is_ok_and(|n| n == kafka) { shown } else { value.clone() };
        if known {
            let _ = writeln!(s, "      {key}: {}", scalar(&shown));
        } else {
            let _ = writeln!(
                s,
                "      # {key}: {}   (not a topic config this evbus knows: left unmanaged)",
                scalar(&shown)
            );
            notes
                .push(format!("{}: config {key} is not a topic config this evbus knows; written as a comment", t.name));
        }
    }
    s
}

/// The most frequent value (the smallest of equally frequent ones), for `defaults:`.
fn most_common(values: impl Iterator<Item = i64>) -> Option<i64> {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    // max_by_key keeps the last of equal maxima: iterate from the largest value down.
    counts.into_iter().rev().max_by_key(|(_, n)| *n).map(|(v, _)| v)
}

/// The first of a few common naming rules that every declared topic matches, if any.
fn naming_rule(names: &BTreeSet<&str>) -> Option<&'static str> {
    const RULES: &[&str] = &[
        r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
        r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$",
        r"^[a-z][a-z0-9]*([._-][a-z0-9]+)*$",
    ];
    if names.is_empty() {
        return None;
    }
    RULES.iter().copied().find(|r| regex::Regex::new(r).is_ok_and(|re| names.iter().all(|n| re.is_match(n))))
}

/// A topic or group name: plain when every YAML reader takes it as that string, else quoted.
fn name(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !is_reserved(s);
    if plain { s.to_string() } else { quote(s) }
}

/// A config value: integers and unit values (`30d`, `1GiB`) plain, like names otherwise.
fn scalar(s: &str) -> String {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let int = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && !(digits.len() > 1 && digits.starts_with('0'));
    let unit = s
        .find(|c: char| !c.is_ascii_digit())
        .is_some_and(|i| i > 0 && s[i..].chars().all(|c| c.is_ascii_alphabetic()) && !s[i..].eq_ignore_ascii_case("e"));
    if int || unit { s.to_string() } else { name(s) }
}

/// YAML 1.1 and 1.2 words that a reader takes for a boolean or null when unquoted.
fn is_reserved(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "nan" | "inf"
    )
}

/// A double-quoted YAML scalar: JSON's string syntax is a subset of it, escapes included.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

#[cfg(test)]
mod tests;
