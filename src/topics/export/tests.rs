//! The export's contract, without a broker: what it writes loads as a manifest, and planning
//! that manifest against the cluster it came from changes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::*;
use crate::topics::manifest;
use crate::topics::plan::ClusterConfig;

fn dynamic(v: &str) -> ClusterConfig {
    ClusterConfig { value: Some(v.into()), source: Source::DynamicTopic }
}

fn inherited(v: &str) -> ClusterConfig {
    ClusterConfig { value: Some(v.into()), source: Source::Default }
}

fn topic(name: &str, partitions: i32, rf: i16, cfg: &[(&str, ClusterConfig)]) -> ClusterTopic {
    ClusterTopic {
        name: name.into(),
        partitions,
        replication_factor: rf,
        partition_replicas: (0..partitions).map(|p| (p, rf)).collect(),
        placements: BTreeMap::new(),
        internal: false,
        configs: cfg.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
    }
}

fn groups(g: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
    g.iter().map(|(n, ts)| (n.to_string(), ts.iter().map(|t| t.to_string()).collect())).collect()
}

fn cluster() -> Vec<ClusterTopic> {
    vec![
        topic(
            "patient-events",
            3,
            1,
            &[
                ("retention.ms", dynamic("2592000000")),
                ("segment.bytes", dynamic("1073741824")),
                ("cleanup.policy", inherited("delete")),
            ],
        ),
        topic("matching-events", 6, 1, &[("cleanup.policy", dynamic("delete,compact")), ("flush.ms", dynamic("1500"))]),
        topic("email-commands", 3, 2, &[("max.message.bytes", dynamic("1000012")), ("retention.ms", dynamic("-1"))]),
        topic("geocoding-requests", 3, 1, &[]),
    ]
}

#[test]
fn the_export_plans_no_change_against_its_cluster() {
    let c = cluster();
    let g = groups(&[("matching-service", &["patient-events", "therapist-events"]), ("other", &["elsewhere"])]);
    let out = render(&c, &g, "127.0.0.1:9092");
    let m = manifest::parse(&out.text, Path::new("exported.yaml")).unwrap_or_else(|e| panic!("{e}\n{}", out.text));
    let p = plan::plan(&m, &c, false);
    assert!(p.changes.is_empty(), "{:?}\n{}", p.changes, out.text);
    assert!(p.unmanaged.is_empty() && p.errors.is_empty(), "{p:?}");
    // Nothing either with --prune: every override is declared.
    assert!(plan::plan(&m, &c, true).changes.is_empty());
    assert!(out.notes.is_empty(), "{:?}", out.notes);

    // In the manifest's units, overrides only, groups with the declared topics they read.
    assert!(out.text.contains("      retention.ms: 30d\n"), "{}", out.text);
    assert!(out.text.contains("      segment.bytes: 1GiB\n"), "{}", out.text);
    assert!(out.text.contains("      flush.ms: 1500ms\n"), "{}", out.text);
    assert!(out.text.contains("      retention.ms: -1\n"), "{}", out.text);
    assert!(!out.text.contains("cleanup.policy: delete\n"), "inherited values are not pinned: {}", out.text);
    assert_eq!(m.topic("matching-events").unwrap().partitions, 6);
    assert_eq!(m.topic("email-commands").unwrap().replication_factor, 2);
    assert_eq!(m.groups.len(), 1, "{:?}", m.groups);
    assert_eq!(m.groups[0].topics, ["patient-events"]);
    assert_eq!(m.topic("patient-events").unwrap().consumers, ["matching-service"]);
    // A naming rule is offered, commented out, and every exported topic satisfies it.
    let rule = out.text.lines().find_map(|l| l.strip_prefix("# naming: '")).unwrap();
    let rule = &rule[..rule.find('\'').unwrap()];
    assert!(m.naming.is_none());
    let re = regex::Regex::new(rule).unwrap();
    assert!(c.iter().all(|t| re.is_match(&t.name)), "{rule}");
}

#[test]
fn names_that_yaml_would_read_otherwise_are_quoted() {
    let c = vec![topic("null", 1, 1, &[]), topic("123", 1, 1, &[]), topic("yes", 1, 1, &[]), topic("a.b", 1, 1, &[])];
    let g = groups(&[("group with spaces: and \"quotes\" #1", &["null", "123"]), ("no", &["yes"])]);
    let out = render(&c, &g, "x");
    let m = manifest::parse(&out.text, Path::new("t.yaml")).unwrap_or_else(|e| panic!("{e}\n{}", out.text));
    let names: Vec<&str> = m.topics.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["123", "a.b", "null", "yes"]);
    assert_eq!(m.groups[0].name, "group with spaces: and \"quotes\" #1");
    assert_eq!(m.groups[1].name, "no");
    assert!(plan::plan(&m, &c, false).changes.is_empty());
}

#[test]
fn keys_the_manifest_refuses_become_comments() {
    let c = vec![topic("a", 1, 1, &[("some.future.key", dynamic("x")), ("retention.ms", dynamic("7d?"))])];
    let out = render(&c, &BTreeMap::new(), "x");
    assert!(manifest::parse(&out.text, Path::new("t.yaml")).is_ok(), "{}", out.text);
    assert!(out.text.contains("# some.future.key: x"), "{}", out.text);
    assert_eq!(out.notes.len(), 2, "{:?}", out.notes);
}

#[test]
fn internal_topics_and_the_pattern() {
    let re = regex::Regex::new("^patient").unwrap();
    for internal in [
        "__consumer_offsets",
        "_schemas",
        "_connect-offsets",
        "connect-offsets",
        "docker-connect-status",
        "my_connect_configs",
        "app-store-changelog",
        "mm2-offset-syncs.b.internal",
    ] {
        assert!(!wanted(internal, None), "{internal}");
    }
    assert!(wanted("reconnect-status", None));
    assert!(wanted("patient-events", Some(&re)));
    assert!(!wanted("therapist-events", Some(&re)));
}

#[test]
fn an_empty_selection_is_still_a_manifest() {
    let out = render(&[], &BTreeMap::new(), "x");
    let m = manifest::parse(&out.text, Path::new("t.yaml")).unwrap_or_else(|e| panic!("{e}\n{}", out.text));
    assert!(m.topics.is_empty());
}

#[test]
fn a_topic_half_way_through_a_reassignment_is_noted() {
    let mut t = topic("a", 3, 3, &[]);
    t.partition_replicas.insert(2, 2);
    let out = render(&[t], &BTreeMap::new(), "x");
    assert_eq!(out.notes.len(), 1, "{:?}", out.notes);
    assert!(
        out.notes[0].starts_with("a: partitions differ in replication factor (3 (partition 2: 2))"),
        "{:?}",
        out.notes
    );
}

#[test]
fn defaults_take_the_most_common_values() {
    assert_eq!(most_common([3, 6, 3, 1].into_iter()), Some(3));
    assert_eq!(most_common([6, 1].into_iter()), Some(1));
    assert_eq!(most_common(std::iter::empty()), None);
}
