//! The KRaft quorum (DescribeQuorum: leader, voters and how far each is behind) and the cluster's
//! finalized feature levels (metadata.version, group.version, ...: from ApiVersions v3+), for
//! `evbus health`. librdkafka has neither.
//!
//! DescribeQuorum goes to any broker, which forwards it to the active controller (Kafka 3.3+), so
//! the leader named here is the quorum's, unlike the "controller" in a Metadata answer, which
//! under KRaft is a random live broker (KAFKA-17404).

use std::collections::BTreeMap;

use kafka_protocol::messages::{ApiKey, DescribeQuorumRequest, TopicName, describe_quorum_request};
use kafka_protocol::protocol::StrBytes;
use serde::Serialize;

use super::transport::{Conn, bounded};
use crate::kafka::error::{Error, Kind};
use crate::kafka::settings::Settings;

/// The metadata log's topic: the quorum DescribeQuorum is asked about.
const METADATA_TOPIC: &str = "__cluster_metadata";

/// One member of the quorum as its leader sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Replica {
    /// The node id.
    pub id: i32,
    /// The end of its copy of the metadata log.
    pub log_end_offset: i64,
    /// How many records it is behind the leader's log end (0 for the leader).
    pub lag: i64,
}

/// The KRaft quorum: who leads it and how far behind every voter and observer is.
#[derive(Debug, Clone, Serialize)]
pub struct Quorum {
    /// The active controller (-1: no leader, the quorum is lost or electing).
    pub leader_id: i32,
    /// The leader's epoch.
    pub leader_epoch: i32,
    /// The metadata log's high watermark.
    pub high_watermark: i64,
    /// The controllers that vote.
    pub voters: Vec<Replica>,
    /// The brokers (and non-voting controllers) following the log.
    pub observers: Vec<Replica>,
}

impl Quorum {
    /// The largest lag of any voter.
    pub fn max_voter_lag(&self) -> i64 {
        self.voters.iter().map(|v| v.lag).max().unwrap_or(0)
    }
}

/// What the raw protocol path learned about the cluster's KRaft side.
#[derive(Debug, Clone, Serialize)]
pub struct Kraft {
    /// The broker asked (`host:port`).
    pub broker: String,
    /// The quorum; `None` when it could not be described (see `quorum_note`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Quorum>,
    /// Why there is no quorum: the broker lacks DescribeQuorum, or refused it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quorum_note: Option<String>,
    /// Whether `quorum_note` is the cluster's problem (an error from the broker) rather than an
    /// older broker or a missing permission evbus cannot see past.
    #[serde(skip)]
    pub quorum_failed: bool,
    /// Finalized feature levels, e.g. `metadata.version` → 27 (empty before Kafka 2.7).
    pub features: BTreeMap<String, i16>,
}

/// Asks the first bootstrap broker that answers for its finalized features and the quorum, all
/// within `--timeout`.
pub async fn describe(s: &Settings) -> Result<Kraft, Error> {
    bounded(s, "DescribeQuorum", async {
        let mut conn = Conn::bootstrap(s).await?;
        let features =
            conn.api_versions.finalized_features.iter().map(|f| (f.name.to_string(), f.max_version_level)).collect();
        let mut out =
            Kraft { broker: conn.addr().to_string(), quorum: None, quorum_note: None, quorum_failed: false, features };
        match ask(&mut conn).await {
            Ok(q) => out.quorum = Some(q),
            Err(e) => {
                out.quorum_failed = !matches!(e.kind(), Kind::Unsupported | Kind::NotAuthorized);
                out.quorum_note = Some(e.message().to_string());
            }
        }
        Ok(out)
    })
    .await
}

async fn ask(conn: &mut Conn) -> Result<Quorum, Error> {
    const OP: &str = "DescribeQuorum";
    let req = DescribeQuorumRequest::default().with_topics(vec![
        describe_quorum_request::TopicData::default()
            .with_topic_name(TopicName(StrBytes::from_static_str(METADATA_TOPIC)))
            .with_partitions(vec![describe_quorum_request::PartitionData::default().with_partition_index(0)]),
    ]);
    let (resp, _) = conn.call(&req).await?;
    if resp.error_code != 0 {
        return Err(Error::from_protocol(OP, resp.error_code, resp.error_message.as_deref()));
    }
    let p = resp
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .next()
        .ok_or_else(|| Error::text(OP, format!("{OP}: the broker described no partition of {METADATA_TOPIC}")))?;
    if p.error_code != 0 {
        return Err(Error::from_protocol(OP, p.error_code, p.error_message.as_deref()));
    }
    let leader_end = p
        .current_voters
        .iter()
        .find(|v| v.replica_id.0 == p.leader_id.0)
        .map(|v| v.log_end_offset)
        .unwrap_or(p.high_watermark);
    let replicas = |rs: &[kafka_protocol::messages::describe_quorum_response::ReplicaState]| {
        rs.iter()
            .map(|r| Replica {
                id: r.replica_id.0,
                log_end_offset: r.log_end_offset,
                // -1: not known to the leader yet.
                lag: if r.log_end_offset < 0 { leader_end.max(0) } else { (leader_end - r.log_end_offset).max(0) },
            })
            .collect::<Vec<_>>()
    };
    Ok(Quorum {
        leader_id: p.leader_id.0,
        leader_epoch: p.leader_epoch,
        high_watermark: p.high_watermark,
        voters: replicas(&p.current_voters),
        observers: replicas(&p.observers),
    })
}

/// The API this module needs, for callers that word a note about it.
pub const API: ApiKey = ApiKey::DescribeQuorum;
