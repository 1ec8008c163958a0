//! The Prometheus text exposition format (version 0.0.4, which OpenMetrics scrapers also read)
//! of evbus's own state and of the last collection. Every metric name starts with `evbus_`,
//! counters end in `_total`, times are in seconds; the README's metrics reference lists them.
//!
//! The cluster's series are left out while the last collection failed: a scrape then shows
//! `evbus_up 0` and the error counter, not the lag of minutes ago as if it were current
//! (Prometheus marks the missing series stale).

use std::fmt::{Display, Write as _};

use super::model::{Collection, SelfStats};
use crate::lag::report::GroupLag;
use crate::lag::verdict::GroupStatus;

/// The `Content-Type` of [`render`]'s text.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A page of metric families, each written whole (HELP, TYPE, then its samples).
struct Page {
    out: String,
}

impl Page {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl Display) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {value}");
    }

    /// A family with one unlabelled sample.
    fn single(&mut self, name: &str, kind: &str, help: &str, value: impl Display) {
        self.family(name, kind, help);
        self.sample(name, &[], value);
    }
}

/// A label value as the text format quotes it: backslash, double quote and newline escaped.
/// Group and topic names come from the cluster and may hold any of them.
pub fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// The numeric value of a group verdict in `evbus_consumer_group_status`.
pub fn status_value(s: GroupStatus) -> u8 {
    match s {
        GroupStatus::Ok => 0,
        GroupStatus::Warn => 1,
        GroupStatus::Err => 2,
    }
}

/// The whole `/metrics` page: evbus's own series, then (when the last collection succeeded) the
/// cluster's.
pub fn render(stats: &SelfStats, last: Option<&Collection>) -> String {
    let mut p = Page { out: String::with_capacity(4096) };
    p.single("evbus_up", "gauge", "1 when the last collection reached the brokers, else 0.", u8::from(stats.up));
    p.single("evbus_collections_total", "counter", "Collections attempted since start.", stats.collections);
    p.single("evbus_collection_errors_total", "counter", "Collections that failed since start.", stats.errors);
    p.single("evbus_collection_duration_seconds", "gauge", "How long the last collection took.", stats.last_duration_s);
    if let Some(t) = stats.last_success_s {
        p.single("evbus_last_success_timestamp_seconds", "gauge", "Unix time of the last successful collection.", t);
    }
    if let Some(h) = stats.healthy {
        p.single(
            "evbus_healthy",
            "gauge",
            "1 when the last `evbus health` round passed (as /health), else 0.",
            u8::from(h),
        );
    }
    if let Some(c) = last.filter(|_| stats.up) {
        cluster(&mut p, c);
        groups(&mut p, &c.groups, c);
    }
    p.out
}

fn cluster(p: &mut Page, c: &Collection) {
    let h = c.cluster.partition_health();
    p.single("evbus_brokers", "gauge", "Brokers the cluster metadata lists.", c.cluster.brokers);
    p.single("evbus_partitions", "gauge", "Partitions of every topic, internal ones included.", h.total);
    p.single("evbus_partitions_offline", "gauge", "Partitions without a leader.", h.offline);
    p.single(
        "evbus_partitions_under_replicated",
        "gauge",
        "Partitions with fewer in-sync replicas than replicas (offline ones not counted).",
        h.under_replicated,
    );
    p.single(
        "evbus_partitions_under_min_isr",
        "gauge",
        "Partitions with fewer in-sync replicas than their topic's min.insync.replicas.",
        h.under_min_isr,
    );
    let topics: Vec<_> = c.cluster.topics.iter().filter(|t| !t.internal).collect();
    p.family("evbus_topic_partitions", "gauge", "Partitions of the topic.");
    for t in &topics {
        p.sample("evbus_topic_partitions", &[("topic", &t.name)], t.partitions.len());
    }
    p.family("evbus_topic_end_offset", "gauge", "Sum of the log-end offsets of the topic's partitions.");
    for t in &topics {
        if let Some(s) = t.end_sum() {
            p.sample("evbus_topic_end_offset", &[("topic", &t.name)], s);
        }
    }
    p.family(
        "evbus_topic_produce_records_per_second",
        "gauge",
        "Records produced to the topic per second between the last two collections.",
    );
    for (t, r) in &c.produce_rates {
        p.sample("evbus_topic_produce_records_per_second", &[("topic", t)], r);
    }
    p.family("evbus_partition_end_offset", "gauge", "Log-end offset (high watermark) of the partition.");
    for t in &topics {
        for part in &t.partitions {
            if let Some(e) = part.end {
                p.sample("evbus_partition_end_offset", &[("topic", &t.name), ("partition", &part.id.to_string())], e);
            }
        }
    }
    p.family("evbus_partition_start_offset", "gauge", "Log-start offset of the partition.");
    for t in &topics {
        for part in &t.partitions {
            if let Some(s) = part.start {
                p.sample("evbus_partition_start_offset", &[("topic", &t.name), ("partition", &part.id.to_string())], s);
            }
        }
    }
    let dlqs: Vec<_> = topics.iter().filter(|t| t.dlq).collect();
    p.family("evbus_dlq_records", "gauge", "Records in the dead-letter topic (log end minus log start).");
    for t in &dlqs {
        if let Some(d) = t.depth() {
            p.sample("evbus_dlq_records", &[("topic", &t.name)], d);
        }
    }
    p.family(
        "evbus_dlq_growth_records_per_second",
        "gauge",
        "Records written to the dead-letter topic per second between the last two collections.",
    );
    for t in &dlqs {
        if let Some(r) = c.produce_rates.get(&t.name) {
            p.sample("evbus_dlq_growth_records_per_second", &[("topic", &t.name)], r);
        }
    }
}

fn groups(p: &mut Page, groups: &[GroupLag], c: &Collection) {
    p.family("evbus_consumer_group_info", "gauge", "1 per consumer group, with its protocol and state.");
    for g in groups {
        let kind = if g.kind.is_empty() { "unknown" } else { g.kind.as_str() };
        p.sample("evbus_consumer_group_info", &[("group", &g.name), ("type", kind), ("state", &g.state)], 1);
    }
    p.family("evbus_consumer_group_members", "gauge", "Active members of the consumer group.");
    for g in groups {
        p.sample("evbus_consumer_group_members", &[("group", &g.name)], g.members);
    }
    p.family(
        "evbus_consumer_group_status",
        "gauge",
        "The group's `evbus lag --watch` verdict over the last collections: 0 OK, 1 WARN, 2 ERR.",
    );
    for g in groups {
        if let Some(v) = c.verdicts.get(&g.name) {
            p.sample("evbus_consumer_group_status", &[("group", &g.name)], status_value(v.status));
        }
    }
    p.family("evbus_consumer_group_max_lag", "gauge", "The group's max_lag threshold (manifest).");
    for g in groups {
        if let Some(t) = g.threshold {
            p.sample("evbus_consumer_group_max_lag", &[("group", &g.name)], t);
        }
    }
    type Cell = fn(&crate::lag::report::PartitionLag) -> Option<String>;
    let per_partition: [(&str, &str, Cell); 4] = [
        ("evbus_consumer_group_lag", "Log-end offset minus committed offset (partitions with a commit).", |x| {
            x.lag.map(|v| v.to_string())
        }),
        ("evbus_consumer_group_committed_offset", "The group's committed offset.", |x| {
            x.committed.filter(|c| *c >= 0).map(|v| v.to_string())
        }),
        ("evbus_consumer_group_end_offset", "Log-end offset of a partition the group consumes.", |x| {
            x.end.map(|v| v.to_string())
        }),
        (
            "evbus_consumer_group_time_lag_seconds",
            "Age of the first record the group has not consumed (0 without lag).",
            |x| x.time_lag_ms.map(|ms| (ms as f64 / 1000.0).to_string()),
        ),
    ];
    for (name, help, cell) in per_partition {
        p.family(name, "gauge", help);
        for g in groups {
            for part in &g.partitions {
                if let Some(v) = cell(part) {
                    let id = part.partition.to_string();
                    p.sample(name, &[("group", &g.name), ("topic", &part.topic), ("partition", &id)], v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lag::report::fixtures::{group, part};
    use crate::lag::watch::{Windows, judge};
    use crate::metrics::model::{Cluster, PartitionView, TopicView};

    fn collection() -> Collection {
        let mut g = group("bill\"ing", vec![part("orders", 0, Some(5), 12), part("orders", 1, None, 3)], Some(100));
        g.partitions[0].time_lag_ms = Some(1500);
        let groups = vec![g];
        let verdicts = judge(&mut Windows::new(), &groups, 0, 10);
        let pv = |id, end, start, isr| PartitionView {
            id,
            end: Some(end),
            start: Some(start),
            leaderless: false,
            replicas: 3,
            isr,
        };
        Collection {
            mono_ms: 0,
            cluster: Cluster {
                brokers: 3,
                topics: vec![
                    TopicView {
                        name: "orders".into(),
                        partitions: vec![pv(0, 12, 0, 3), pv(1, 3, 0, 1)],
                        min_isr: Some(2),
                        ..Default::default()
                    },
                    TopicView {
                        name: "orders.dlq".into(),
                        partitions: vec![pv(0, 9, 4, 3)],
                        dlq: true,
                        ..Default::default()
                    },
                    TopicView {
                        name: "__consumer_offsets".into(),
                        internal: true,
                        partitions: vec![pv(0, 1, 0, 3)],
                        ..Default::default()
                    },
                ],
            },
            groups,
            verdicts,
            produce_rates: [("orders.dlq".to_string(), 0.5)].into_iter().collect(),
        }
    }

    fn up() -> SelfStats {
        SelfStats {
            up: true,
            collections: 3,
            errors: 1,
            last_duration_s: 0.25,
            last_success_s: Some(1.7e9),
            healthy: Some(true),
        }
    }

    #[test]
    fn lag_offsets_and_cluster_series_are_rendered_with_escaped_labels() {
        let text = render(&up(), Some(&collection()));
        for line in [
            "evbus_up 1",
            "evbus_collection_errors_total 1",
            "evbus_brokers 3",
            "evbus_partitions 4",
            "evbus_partitions_under_replicated 1",
            "evbus_partitions_under_min_isr 1",
            "evbus_topic_partitions{topic=\"orders\"} 2",
            "evbus_topic_end_offset{topic=\"orders\"} 15",
            "evbus_dlq_records{topic=\"orders.dlq\"} 5",
            "evbus_dlq_growth_records_per_second{topic=\"orders.dlq\"} 0.5",
            "evbus_consumer_group_lag{group=\"bill\\\"ing\",topic=\"orders\",partition=\"0\"} 7",
            "evbus_consumer_group_committed_offset{group=\"bill\\\"ing\",topic=\"orders\",partition=\"0\"} 5",
            "evbus_consumer_group_end_offset{group=\"bill\\\"ing\",topic=\"orders\",partition=\"1\"} 3",
            "evbus_consumer_group_time_lag_seconds{group=\"bill\\\"ing\",topic=\"orders\",partition=\"0\"} 1.5",
            "evbus_consumer_group_status{group=\"bill\\\"ing\"} 1",
            "evbus_consumer_group_max_lag{group=\"bill\\\"ing\"} 100",
        ] {
            assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
        }
        // No lag for a partition without a commit, and internal topics only in the counts.
        assert!(!text.contains("evbus_consumer_group_lag{group=\"bill\\\"ing\",topic=\"orders\",partition=\"1\"}"));
        assert!(!text.contains("__consumer_offsets"));
        // Every family is announced once, before its samples.
        let types: Vec<&str> = text.lines().filter(|l| l.starts_with("# TYPE ")).collect();
        let mut unique = types.clone();
        unique.dedup();
        assert_eq!(types, unique);
    }

    #[test]
    fn a_failed_collection_shows_only_evbus_own_series() {
        let down = SelfStats { up: false, ..up() };
        let text = render(&down, Some(&collection()));
        assert!(text.contains("evbus_up 0\n"), "{text}");
        assert!(!text.contains("evbus_consumer_group_lag{"), "{text}");
        assert!(!text.contains("evbus_brokers"), "{text}");
    }

    #[test]
    fn label_values_escape_what_the_format_quotes() {
        assert_eq!(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    }
}
