//! One collection of the cluster's state as plain data: its brokers, its topics with each
//! partition's offsets and replicas, and the lag snapshot with its `lag --watch` verdicts. Filled
//! by `kafka::collect` every `--interval`; every scrape of `/metrics` renders the last one.

use std::collections::BTreeMap;

use crate::lag::report::GroupLag;
use crate::lag::watch::Verdicts;

/// One partition as the metadata and ListOffsets showed it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartitionView {
    /// Partition number.
    pub id: i32,
    /// Log-end offset (high watermark); `None` when it could not be read.
    pub end: Option<i64>,
    /// Log-start offset; `None` when it could not be read.
    pub start: Option<i64>,
    /// No leader to read from or write to.
    pub leaderless: bool,
    /// Assigned replicas.
    pub replicas: usize,
    /// In-sync replicas.
    pub isr: usize,
}

/// One topic of the cluster.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TopicView {
    /// Topic name.
    pub name: String,
    /// A Kafka-internal topic (`__consumer_offsets`, ...): counted in the partition checks,
    /// left out of the per-topic series.
    pub internal: bool,
    /// Its partitions, by id.
    pub partitions: Vec<PartitionView>,
    /// Its `min.insync.replicas`; `None` when its configs could not be read.
    pub min_isr: Option<usize>,
    /// Declared `dlq: true` in the manifest.
    pub dlq: bool,
}

impl TopicView {
    /// The sum of its partitions' log-end offsets: every record ever written to it (until it is
    /// deleted and recreated). `None` when no partition's end could be read.
    pub fn end_sum(&self) -> Option<i64> {
        let ends: Vec<i64> = self.partitions.iter().filter_map(|p| p.end).collect();
        (!ends.is_empty()).then(|| ends.iter().fold(0i64, |a, b| a.saturating_add(*b)))
    }

    /// Records in the log now (end − start over the partitions whose both offsets are known).
    pub fn depth(&self) -> Option<i64> {
        let known: Vec<i64> =
            self.partitions.iter().filter_map(|p| Some(p.end?.saturating_sub(p.start?).max(0))).collect();
        (!known.is_empty()).then(|| known.iter().fold(0i64, |a, b| a.saturating_add(*b)))
    }
}

/// The cluster's brokers and topics at one collection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cluster {
    /// Brokers the metadata listed.
    pub brokers: usize,
    /// Every topic, internal ones included, sorted by name.
    pub topics: Vec<TopicView>,
}

/// Partition counts over the whole cluster that an operator alerts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PartitionHealth {
    /// Every partition of every topic.
    pub total: usize,
    /// Without a leader: unreadable and unwritable.
    pub offline: usize,
    /// Fewer in-sync replicas than replicas.
    pub under_replicated: usize,
    /// Fewer in-sync replicas than the topic's `min.insync.replicas`: producers with
    /// `acks=all` are refused.
    pub under_min_isr: usize,
}

impl Cluster {
    /// Offline, under-replicated and under-min-ISR partitions (the rules of `evbus health`'s
    /// partitions check, plus `min.insync.replicas` where the topic's configs were read).
    pub fn partition_health(&self) -> PartitionHealth {
        let mut h = PartitionHealth::default();
        for t in &self.topics {
            for p in &t.partitions {
                h.total += 1;
                if p.leaderless {
                    h.offline += 1;
                } else if p.isr < p.replicas {
                    h.under_replicated += 1;
                }
                if t.min_isr.is_some_and(|m| p.isr < m) {
                    h.under_min_isr += 1;
                }
            }
        }
        h
    }
}

/// One collection: the cluster and the consumer groups' lag, with when it was taken.
#[derive(Debug, Clone)]
pub struct Collection {
    /// When it was taken, on a monotonic clock (ms): rates divide by the time between two.
    pub mono_ms: i64,
    /// Brokers, topics, partitions and their offsets.
    pub cluster: Cluster,
    /// Every consumer group's lag (the lag snapshot `evbus lag` reads).
    pub groups: Vec<GroupLag>,
    /// `lag --watch`'s verdict of each group over the last collections.
    pub verdicts: Verdicts,
    /// Records produced per second to each topic since the previous collection (see
    /// [`super::rates`]); empty after the first.
    pub produce_rates: BTreeMap<String, f64>,
}

/// evbus's own bookkeeping, for `evbus_up` and the collection series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SelfStats {
    /// The last collection reached the brokers.
    pub up: bool,
    /// Collections attempted.
    pub collections: u64,
    /// Collections that failed.
    pub errors: u64,
    /// How long the last collection took, in seconds.
    pub last_duration_s: f64,
    /// Unix time of the last successful collection, in seconds.
    pub last_success_s: Option<f64>,
    /// The last health round passed (`None`: none ran yet).
    pub healthy: Option<bool>,
}
