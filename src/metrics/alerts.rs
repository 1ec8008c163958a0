//! Prometheus alerting rules generated from a manifest (`evbus alerts`), over the series
//! `evbus serve` exposes, so that the thresholds alerted on are the ones the manifest declares
//! rather than hand copies that drift: a rule per group from its `max_lag` (and from a time-lag
//! threshold when one is given), a rule per group on its `lag --watch` verdict, a rule per
//! dead-letter topic on its growth, and cluster rules (evbus down, offline, under-min-ISR and
//! under-replicated partitions, too few brokers).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::topics::manifest::Manifest;

/// What the manifest does not say: how long a condition lasts before it fires, and the extra
/// thresholds.
#[derive(Debug, Clone)]
pub struct AlertOptions {
    /// Prometheus `for:` of the lag and cluster rules, as Prometheus writes durations (`5m`).
    pub for_: String,
    /// Time-lag threshold in seconds for every manifest group (`--max-time-lag`).
    pub max_time_lag_s: Option<u64>,
    /// Fewest brokers before alerting; default: the largest replication factor the manifest
    /// declares (a topic cannot keep its replicas with fewer).
    pub min_brokers: Option<usize>,
    /// The window over which a dead-letter topic must not grow (`--dlq-window`).
    pub dlq_window: String,
}

/// A rules file: `groups:` of rules, as `promtool check rules` reads it.
#[derive(Debug, Serialize)]
pub struct RuleFile {
    /// One group, `evbus`.
    pub groups: Vec<RuleGroup>,
}

/// A named group of rules.
#[derive(Debug, Serialize)]
pub struct RuleGroup {
    /// The group's name.
    pub name: String,
    /// Its alerting rules.
    pub rules: Vec<Rule>,
}

/// One alerting rule.
#[derive(Debug, Serialize)]
pub struct Rule {
    /// The alert's name (shared by the rules of one kind; labels tell them apart).
    pub alert: String,
    /// The PromQL condition.
    pub expr: String,
    /// How long the condition must hold.
    #[serde(rename = "for")]
    pub for_: String,
    /// `severity` and what the rule is about (`group`, `topic`).
    pub labels: BTreeMap<String, String>,
    /// `summary` and `description` for the notification.
    pub annotations: BTreeMap<String, String>,
}

/// A string as a PromQL double-quoted literal.
pub fn promql_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

fn rule(alert: &str, expr: String, for_: &str, severity: &str, about: &[(&str, &str)], summary: String) -> Rule {
    let mut labels: BTreeMap<String, String> = about.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    labels.insert("severity".into(), severity.into());
    let annotations = [("summary".to_string(), summary)].into_iter().collect();
    Rule { alert: alert.into(), expr, for_: for_.into(), labels, annotations }
}

/// The rules for this manifest (see the module docs).
pub fn rules(manifest: &Manifest, opts: &AlertOptions) -> RuleFile {
    let f = opts.for_.as_str();
    let mut r = vec![rule(
        "EvbusDown",
        "evbus_up == 0".into(),
        "2m",
        "critical",
        &[],
        "evbus serve cannot reach the Kafka brokers".into(),
    )];
    for g in &manifest.groups {
        let m = promql_string(&g.name);
        let about = [("group", g.name.as_str())];
        if let Some(max) = g.max_lag {
            r.push(rule(
                "EvbusConsumerLagOverMaxLag",
                format!("sum by (group) (evbus_consumer_group_lag{{group={m}}}) > {max}"),
                f,
                "warning",
                &about,
                format!("consumer group {} is over its max_lag ({max}): {{{{ $value }}}} records behind", g.name),
            ));
        }
        if let Some(s) = opts.max_time_lag_s {
            r.push(rule(
                "EvbusConsumerTimeLagHigh",
                format!("max by (group) (evbus_consumer_group_time_lag_seconds{{group={m}}}) > {s}"),
                f,
                "warning",
                &about,
                format!("consumer group {}'s oldest unconsumed record is {{{{ $value }}}}s old (over {s}s)", g.name),
            ));
        }
        r.push(rule(
            "EvbusConsumerGroupStuck",
            format!("evbus_consumer_group_status{{group={m}}} == 2"),
            f,
            "critical",
            &about,
            format!("consumer group {} is stopped, stalled or rewinding (evbus lag --watch: ERR)", g.name),
        ));
    }
    for t in manifest.dlq_topics() {
        let m = promql_string(&t.name);
        let w = &opts.dlq_window;
        r.push(rule(
            "EvbusDeadLettersGrowing",
            format!("increase(evbus_topic_end_offset{{topic={m}}}[{w}]) > 0"),
            "0m",
            "warning",
            &[("topic", t.name.as_str())],
            format!("dead-letter topic {} received records in the last {w} (evbus dlq inspect)", t.name),
        ));
    }
    r.push(rule(
        "EvbusPartitionsOffline",
        "evbus_partitions_offline > 0".into(),
        "1m",
        "critical",
        &[],
        "{{ $value }} partitions have no leader".into(),
    ));
    r.push(rule(
        "EvbusPartitionsUnderMinIsr",
        "evbus_partitions_under_min_isr > 0".into(),
        f,
        "critical",
        &[],
        "{{ $value }} partitions have fewer in-sync replicas than min.insync.replicas: acks=all producers fail".into(),
    ));
    r.push(rule(
        "EvbusPartitionsUnderReplicated",
        "evbus_partitions_under_replicated > 0".into(),
        f,
        "warning",
        &[],
        "{{ $value }} partitions are under-replicated".into(),
    ));
    let min_brokers = opts.min_brokers.unwrap_or_else(|| {
        manifest.topics.iter().map(|t| usize::try_from(t.replication_factor).unwrap_or(1)).max().unwrap_or(1).max(1)
    });
    r.push(rule(
        "EvbusBrokersMissing",
        format!("evbus_brokers < {min_brokers}"),
        f,
        "critical",
        &[],
        format!("only {{{{ $value }}}} brokers in the cluster (expected at least {min_brokers})"),
    ));
    RuleFile { groups: vec![RuleGroup { name: "evbus".into(), rules: r }] }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        let src = "version: 1\ntopics:\n  - name: a.b.c\n    partitions: 1\n    replication_factor: 3\n  - name: a.b.dead\n    partitions: 1\n    dlq: true\ngroups:\n  - name: billing\n    topics: [a.b.c]\n    max_lag: 1000\n  - name: audit\n    topics: [a.b.c]\n";
        crate::topics::manifest::parse(src, std::path::Path::new("topics.yaml")).unwrap()
    }

    fn opts() -> AlertOptions {
        AlertOptions { for_: "5m".into(), max_time_lag_s: None, min_brokers: None, dlq_window: "10m".into() }
    }

    #[test]
    fn lag_rules_come_from_max_lag_and_dlq_rules_from_dlq_topics() {
        let f = rules(&manifest(), &opts());
        let exprs: Vec<&str> = f.groups[0].rules.iter().map(|r| r.expr.as_str()).collect();
        assert!(exprs.contains(&"sum by (group) (evbus_consumer_group_lag{group=\"billing\"}) > 1000"), "{exprs:#?}");
        assert!(!exprs.iter().any(|e| e.contains("lag{group=\"audit\"}")), "audit has no max_lag: {exprs:#?}");
        assert!(exprs.contains(&"evbus_consumer_group_status{group=\"audit\"} == 2"));
        assert!(exprs.contains(&"increase(evbus_topic_end_offset{topic=\"a.b.dead\"}[10m]) > 0"));
        assert!(exprs.contains(&"evbus_brokers < 3"), "the largest replication factor: {exprs:#?}");
        assert!(!exprs.iter().any(|e| e.contains("time_lag")));
        let f = rules(&manifest(), &AlertOptions { max_time_lag_s: Some(300), min_brokers: Some(1), ..opts() });
        let exprs: Vec<&str> = f.groups[0].rules.iter().map(|r| r.expr.as_str()).collect();
        assert!(exprs.contains(&"max by (group) (evbus_consumer_group_time_lag_seconds{group=\"audit\"}) > 300"));
        assert!(exprs.contains(&"evbus_brokers < 1"));
    }

    #[test]
    fn names_are_quoted_as_promql_strings() {
        assert_eq!(promql_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
