//! The partitions of a topic and their log-end and log-start offsets: what a lag snapshot and
//! `groups reset` read before they can compare committed offsets with the log.

use std::collections::HashMap;

use anyhow::Result;

use crate::kafka::{ClusterMeta, Settings};

/// The partitions of a topic; none when the metadata does not have it (or has it with an error).
pub fn partition_ids(md: &ClusterMeta, topic: &str) -> Vec<i32> {
    md.topics
        .iter()
        .find(|t| t.name == topic && t.error.is_none())
        .map(|t| t.partitions.iter().map(|p| p.id).collect())
        .unwrap_or_default()
}

/// Log-end and log-start offsets of many partitions (two batched ListOffsets requests per
/// leader); partitions the broker reports an error for are left out.
pub async fn log_offsets(
    settings: &Settings,
    parts: Vec<(String, i32)>,
) -> Result<(HashMap<(String, i32), i64>, HashMap<(String, i32), i64>)> {
    let maps = settings
        .list_offsets(
            "ListOffsets (log-end and log-start offsets)",
            parts,
            vec![rdkafka::Offset::End, rdkafka::Offset::Beginning],
            &[("isolation.level", "read_uncommitted")],
        )
        .await?;
    let mut it = maps.into_iter().map(|m| m.into_iter().filter_map(|(tp, o)| o.ok().map(|o| (tp, o))).collect());
    Ok((it.next().unwrap_or_default(), it.next().unwrap_or_default()))
}

/// Log-end offsets (high watermarks) of many partitions in one batched ListOffsets(latest)
/// request per leader; partitions the broker reports an error for are left out.
pub async fn end_offsets(settings: &Settings, parts: Vec<(String, i32)>) -> Result<HashMap<(String, i32), i64>> {
    // read_uncommitted: the high watermark, as kafka-consumer-groups reports lag.
    let mut maps = settings
        .list_offsets(
            "ListOffsets (log-end offsets)",
            parts,
            vec![rdkafka::Offset::End],
            &[("isolation.level", "read_uncommitted")],
        )
        .await?;
    Ok(maps.pop().unwrap_or_default().into_iter().filter_map(|(tp, o)| o.ok().map(|o| (tp, o))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{PartitionMeta, TopicMeta};

    #[test]
    fn partitions_of_missing_or_failed_topics_are_none() {
        let topic = |name: &str, error: Option<&str>| TopicMeta {
            name: name.into(),
            error: error.map(str::to_string),
            partitions: (0..3)
                .map(|id| PartitionMeta { id, leader: 1, replicas: vec![1], isr: vec![1], error: None })
                .collect(),
        };
        let md = ClusterMeta {
            brokers: Vec::new(),
            topics: vec![topic("ok", None), topic("bad", Some("UnknownTopicOrPartition"))],
            orig_broker_id: 1,
        };
        assert_eq!(partition_ids(&md, "ok"), [0, 1, 2]);
        assert!(partition_ids(&md, "bad").is_empty());
        assert!(partition_ids(&md, "none").is_empty());
    }
}
