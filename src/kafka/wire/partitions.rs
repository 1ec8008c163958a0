//! Partitions as DescribeTopicPartitions (API 75, Kafka 3.8+) describes them: besides leader,
//! replicas and ISR, the eligible leader replicas (ELR, KIP-966: replicas that left the ISR
//! while it was below `min.insync.replicas` and may still be elected without losing data), the
//! last known ELR, and Kafka's own offline replicas (on a failed log dir). librdkafka's Metadata
//! passes none of these on; `topics describe` and `health` show them.
//!
//! Whether ELR is on is a cluster feature (`eligible.leader.replicas.version`, Kafka 4.0+): the
//! broker's ApiVersions answer says so. Kafka 3.8 and 3.9 have no such feature (ELR was a preview
//! behind a controller setting), so there evbus cannot tell and says "unknown".

use kafka_protocol::messages::{
    DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse, TopicName, describe_topic_partitions_request,
};
use kafka_protocol::protocol::StrBytes;
use serde::Serialize;

use super::transport::{Conn, bounded};
use crate::kafka::error::Error;
use crate::kafka::settings::Settings;

/// The feature that turns ELR on (level 1).
pub const ELR_FEATURE: &str = "eligible.leader.replicas.version";

/// Partitions per answer: the broker's own default; more come by the cursor.
const PAGE: i32 = 2000;

/// Whether the cluster keeps eligible leader replicas, as the broker's features tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Elr {
    /// `eligible.leader.replicas.version` is finalized at this level (≥ 1).
    Enabled(i16),
    /// The broker knows the feature but it is not finalized (level 0): ELR stays empty.
    NotEnabled,
    /// The broker has no such feature (Kafka 3.8/3.9): ELR may or may not be kept.
    Unknown,
}

impl Elr {
    /// From an ApiVersions answer's supported and finalized features.
    pub fn from_features(supported: &[(String, i16)], finalized: &[(String, i16)]) -> Elr {
        match finalized.iter().find(|(n, _)| n == ELR_FEATURE) {
            Some((_, level)) if *level >= 1 => Elr::Enabled(*level),
            _ if supported.iter().any(|(n, _)| n == ELR_FEATURE) => Elr::NotEnabled,
            _ => Elr::Unknown,
        }
    }

    /// One line for a human: "ELR: enabled (...)", "ELR: not enabled (...)", "ELR: unknown (...)".
    pub fn words(self) -> String {
        match self {
            Elr::Enabled(l) => format!("ELR: enabled ({ELR_FEATURE}={l})"),
            Elr::NotEnabled => format!("ELR: not enabled ({ELR_FEATURE}=0)"),
            // Kafka 3.8/3.9: ELR is a preview behind the controllers' eligible.leader.replicas.enable.
            Elr::Unknown => format!("ELR: unknown (no {ELR_FEATURE} feature before Kafka 4.0)"),
        }
    }

    /// The short name JSON carries: `enabled`, `not enabled`, `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            Elr::Enabled(_) => "enabled",
            Elr::NotEnabled => "not enabled",
            Elr::Unknown => "unknown",
        }
    }
}

/// One partition as DescribeTopicPartitions answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartitionState {
    /// The partition index.
    pub partition: i32,
    /// The leader (-1: none).
    pub leader: i32,
    /// Every assigned replica, the preferred leader first.
    pub replicas: Vec<i32>,
    /// The in-sync replicas.
    pub isr: Vec<i32>,
    /// Eligible leader replicas (`None`: the broker sent none, e.g. ELR off).
    pub elr: Option<Vec<i32>>,
    /// The last known ELR: ELR members fenced (shut down uncleanly) while the partition had no leader.
    pub last_known_elr: Option<Vec<i32>>,
    /// Replicas Kafka marks offline (their log dir failed).
    pub offline: Vec<i32>,
}

/// One topic's partitions, or why it could not be described.
#[derive(Debug, Clone, Serialize)]
pub struct TopicState {
    /// The topic name.
    pub name: String,
    /// The broker's error for this topic (e.g. UNKNOWN_TOPIC_OR_PARTITION).
    pub error: Option<String>,
    /// Its partitions, in index order.
    pub partitions: Vec<PartitionState>,
}

/// What one broker told about these topics' partitions.
#[derive(Debug, Clone, Serialize)]
pub struct Described {
    /// The broker asked (`host:port`).
    pub broker: String,
    /// Whether the cluster keeps ELR.
    pub elr: Elr,
    /// Every topic asked about, in the order the broker answered.
    pub topics: Vec<TopicState>,
}

/// Describes the partitions of `topics` (all topics when empty) on the first bootstrap broker
/// that answers, page after page, within `--timeout`. A broker without the API is an
/// [`Kind::Unsupported`](crate::kafka::error::Kind::Unsupported) error naming it and Kafka 3.8.
pub async fn describe(s: &Settings, topics: &[String]) -> Result<Described, Error> {
    bounded(s, "DescribeTopicPartitions", async {
        let mut conn = Conn::bootstrap(s).await?;
        let av = &conn.api_versions;
        let supported: Vec<(String, i16)> =
            av.supported_features.iter().map(|f| (f.name.to_string(), f.max_version)).collect();
        let finalized: Vec<(String, i16)> =
            av.finalized_features.iter().map(|f| (f.name.to_string(), f.max_version_level)).collect();
        let elr = Elr::from_features(&supported, &finalized);
        let names: Vec<describe_topic_partitions_request::TopicRequest> = topics
            .iter()
            .map(|t| {
                describe_topic_partitions_request::TopicRequest::default()
                    .with_name(TopicName(StrBytes::from_string(t.clone())))
            })
            .collect();
        let mut out: Vec<TopicState> = Vec::new();
        let mut cursor = None;
        loop {
            let req = DescribeTopicPartitionsRequest::default()
                .with_topics(names.clone())
                .with_response_partition_limit(PAGE)
                .with_cursor(cursor);
            let (resp, _) = conn.call(&req).await?;
            let next = resp.next_cursor.clone();
            merge(&mut out, resp);
            match next {
                Some(c) => {
                    cursor = Some(
                        describe_topic_partitions_request::Cursor::default()
                            .with_topic_name(c.topic_name)
                            .with_partition_index(c.partition_index),
                    )
                }
                None => break,
            }
        }
        Ok(Described { broker: conn.addr().to_string(), elr, topics: out })
    })
    .await
}

/// Adds one page of an answer to what earlier pages gave (a topic may span two pages).
fn merge(out: &mut Vec<TopicState>, resp: DescribeTopicPartitionsResponse) {
    let ids = |v: &[kafka_protocol::messages::BrokerId]| v.iter().map(|b| b.0).collect::<Vec<i32>>();
    for t in resp.topics {
        let name = t.name.map(|n| n.0.to_string()).unwrap_or_default();
        let error = (t.error_code != 0).then(|| {
            kafka_protocol::ResponseError::try_from_code(t.error_code)
                .map_or_else(|| format!("error {}", t.error_code), |e| format!("{e:?}"))
        });
        let partitions = t.partitions.iter().map(|p| PartitionState {
            partition: p.partition_index,
            leader: p.leader_id.0,
            replicas: ids(&p.replica_nodes),
            isr: ids(&p.isr_nodes),
            elr: p.eligible_leader_replicas.as_deref().map(ids),
            last_known_elr: p.last_known_elr.as_deref().map(ids),
            offline: ids(&p.offline_replicas),
        });
        match out.iter_mut().find(|o| o.name == name) {
            Some(o) => o.partitions.extend(partitions),
            None => out.push(TopicState { name, error, partitions: partitions.collect() }),
        }
    }
    for t in out.iter_mut() {
        t.partitions.sort_by_key(|p| p.partition);
    }
}

#[cfg(test)]
mod tests {
    use kafka_protocol::messages::{BrokerId, describe_topic_partitions_response as r};

    use super::*;

    fn f(n: &str, l: i16) -> (String, i16) {
        (n.to_string(), l)
    }

    #[test]
    fn elr_is_told_from_the_features_and_unknown_without_them() {
        let supported = [f(ELR_FEATURE, 1), f("metadata.version", 27)];
        assert_eq!(Elr::from_features(&supported, &[f(ELR_FEATURE, 1)]), Elr::Enabled(1));
        assert_eq!(Elr::from_features(&supported, &[f(ELR_FEATURE, 0)]), Elr::NotEnabled);
        assert_eq!(Elr::from_features(&supported, &[f("metadata.version", 27)]), Elr::NotEnabled);
        // Kafka 3.9: no such feature at all.
        assert_eq!(Elr::from_features(&[f("metadata.version", 21)], &[f("metadata.version", 21)]), Elr::Unknown);
        assert!(Elr::Unknown.words().starts_with("ELR: unknown"));
        assert_eq!(Elr::NotEnabled.words(), "ELR: not enabled (eligible.leader.replicas.version=0)");
    }

    fn part(i: i32, elr: Option<Vec<i32>>) -> r::DescribeTopicPartitionsResponsePartition {
        r::DescribeTopicPartitionsResponsePartition::default()
            .with_partition_index(i)
            .with_leader_id(BrokerId(1))
            .with_replica_nodes(vec![BrokerId(1), BrokerId(2)])
            .with_isr_nodes(vec![BrokerId(1)])
            .with_eligible_leader_replicas(elr.map(|v| v.into_iter().map(BrokerId).collect()))
            .with_offline_replicas(vec![BrokerId(2)])
    }

    fn page(parts: Vec<r::DescribeTopicPartitionsResponsePartition>, code: i16) -> DescribeTopicPartitionsResponse {
        DescribeTopicPartitionsResponse::default().with_topics(vec![
            r::DescribeTopicPartitionsResponseTopic::default()
                .with_name(Some(TopicName(StrBytes::from_static_str("t"))))
                .with_error_code(code)
                .with_partitions(parts),
        ])
    }

    #[test]
    fn a_broker_without_the_api_is_told_which_kafka_added_it() {
        use kafka_protocol::messages::ApiKey;
        let e = super::super::versions::BrokerVersions::default()
            .pick(ApiKey::DescribeTopicPartitions, (0, 0))
            .unwrap_err();
        assert_eq!(e.kind(), crate::kafka::error::Kind::Unsupported);
        assert_eq!(
            e.message(),
            "the broker does not support DescribeTopicPartitions (API 75; added in Kafka 3.8.0 (KIP-966))"
        );
    }

    #[test]
    fn pages_of_one_topic_are_merged_in_partition_order() {
        let mut out = Vec::new();
        merge(&mut out, page(vec![part(2, None), part(1, Some(vec![2]))], 0));
        merge(&mut out, page(vec![part(0, Some(vec![]))], 0));
        assert_eq!(out.len(), 1);
        let t = &out[0];
        assert_eq!(t.error, None);
        assert_eq!(t.partitions.iter().map(|p| p.partition).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(t.partitions[1].elr, Some(vec![2]));
        assert_eq!(t.partitions[2].elr, None);
        assert_eq!(t.partitions[0].offline, [2]);
        let mut missing = Vec::new();
        merge(&mut missing, page(vec![], 3));
        assert_eq!(missing[0].error.as_deref(), Some("UnknownTopicOrPartition"));
    }
}
