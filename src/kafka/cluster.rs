//! A cluster's metadata as owned data (no librdkafka pointers), for every command that shows or
//! checks topics, partitions and brokers.

/// A broker's answer to a metadata request, owned (no librdkafka pointers).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterMeta {
    pub brokers: Vec<BrokerMeta>,
    pub topics: Vec<TopicMeta>,
    pub orig_broker_id: i32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerMeta {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TopicMeta {
    pub name: String,
    pub error: Option<String>,
    pub partitions: Vec<PartitionMeta>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PartitionMeta {
    pub id: i32,
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub error: Option<String>,
}

impl TopicMeta {
    pub fn replication_factor(&self) -> i16 {
        self.partitions.iter().map(|p| p.replicas.len()).max().unwrap_or(0) as i16
    }
}

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
