//! A cluster's metadata as owned data (no librdkafka pointers), for every command that shows or
//! checks topics, partitions and brokers.

/// A broker's answer to a metadata request, owned (no librdkafka pointers).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterMeta {
    /// Every broker in the cluster.
    pub brokers: Vec<BrokerMeta>,
    /// The topics asked for (or every topic), including ones the broker answered with an error.
    pub topics: Vec<TopicMeta>,
    /// The id of the broker that answered the request.
    pub orig_broker_id: i32,
}

/// One broker as the metadata lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerMeta {
    /// Broker id (`node.id` / `broker.id`).
    pub id: i32,
    /// The advertised host clients connect to.
    pub host: String,
    /// The advertised port.
    pub port: i32,
}

/// One topic of a metadata answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TopicMeta {
    /// Topic name.
    pub name: String,
    /// The broker's error code for this topic (e.g. `UnknownTopicOrPartition`); `None` when it is fine.
    pub error: Option<String>,
    /// The topic's partitions, in the order the broker listed them.
    pub partitions: Vec<PartitionMeta>,
}

/// One partition of a topic, with its replica placement.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PartitionMeta {
    /// Partition number.
    pub id: i32,
    /// Broker id of the leader (-1 when there is none).
    pub leader: i32,
    /// Broker ids of all assigned replicas.
    pub replicas: Vec<i32>,
    /// Broker ids of the in-sync replicas; fewer than `replicas` means under-replicated.
    pub isr: Vec<i32>,
    /// The broker's error code for this partition (e.g. `LeaderNotAvailable`); `None` when it is fine.
    pub error: Option<String>,
}

impl PartitionMeta {
    /// No leader to read from or write to: none assigned, or the broker says it is unavailable.
    pub fn leaderless(&self) -> bool {
        self.leader < 0 || self.error.as_deref().is_some_and(|e| e.contains("LeaderNotAvailable"))
    }
}

impl TopicMeta {
    /// What kind of failure the broker's error for this topic is (`None` when it is fine), so a
    /// caller tells "not authorized" from "unknown topic" without reading code names.
    pub fn error_kind(&self) -> Option<super::error::Kind> {
        use super::error::Kind;
        self.error.as_deref().map(|e| match e {
            "TopicAuthorizationFailed" => Kind::NotAuthorized,
            "UnknownTopicOrPartition" => Kind::UnknownTopic,
            _ => Kind::Other,
        })
    }

    /// The largest replica count among the partitions (0 for a topic without partitions).
    pub fn replication_factor(&self) -> i16 {
        self.partitions.iter().map(|p| p.replicas.len()).max().unwrap_or(0) as i16
    }
}

/// Copies librdkafka's metadata into owned data, so it outlives the client that fetched it.
pub fn owned_metadata(md: &rdkafka::metadata::Metadata) -> ClusterMeta {
    ClusterMeta {
        orig_broker_id: md.orig_broker_id(),
        brokers: md
            .brokers()
            .iter()
            .map(|b| BrokerMeta { id: b.id(), host: b.host().to_string(), port: b.port() })
            .collect(),
        topics: md
            .topics()
            .iter()
            .map(|t| TopicMeta {
                name: t.name().to_string(),
                error: t.error().map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                partitions: t
                    .partitions()
                    .iter()
                    .map(|p| PartitionMeta {
                        id: p.id(),
                        leader: p.leader(),
                        replicas: p.replicas().to_vec(),
                        isr: p.isr().to_vec(),
                        error: p.error().map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                    })
                    .collect(),
            })
            .collect(),
    }
}
