//! Every group's real type (classic, consumer, share, streams) from ListGroups v5+ (KIP-848,
//! KIP-932, KIP-1071), which librdkafka does not ask for: it reports consumer-protocol groups only.
//! Each broker is the coordinator of its own groups, so every broker is asked.

use std::collections::BTreeMap;

use kafka_protocol::messages::ListGroupsRequest;

use super::transport::{Conn, bounded};
use crate::kafka::error::Error;
use crate::kafka::settings::Settings;

/// A group as ListGroups v5 lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// `classic`, `consumer`, `share` or `streams` (lowercase, as evbus shows types).
    pub kind: String,
    /// The group's state as the coordinator names it.
    pub state: String,
    /// The protocol type (`consumer`, `connect`, ...; empty for share and streams groups).
    pub protocol_type: String,
}

/// The groups and their types from every broker in `brokers` (`host:port`), within
/// `--timeout`. An [`Kind::Unsupported`](crate::kafka::error::Kind::Unsupported) error when a
/// broker is older than ListGroups v5 (Kafka 3.8): the types are unknown there.
pub async fn types(s: &Settings, brokers: &[String]) -> Result<BTreeMap<String, Listed>, Error> {
    if let Some(e) = super::transport::refused_setting(s) {
        return Err(e);
    }
    bounded(s, "ListGroups", async {
        let mut out = BTreeMap::new();
        for addr in brokers {
            let mut conn = Conn::to(s, addr).await?;
            let (resp, _) = conn.call_within(&ListGroupsRequest::default(), (5, 5)).await?;
            if resp.error_code != 0 {
                return Err(Error::from_protocol(format!("ListGroups to {addr}"), resp.error_code, None));
            }
            for g in resp.groups {
                out.insert(
                    g.group_id.to_string(),
                    Listed {
                        kind: g.group_type.to_ascii_lowercase(),
                        state: g.group_state.to_string(),
                        protocol_type: g.protocol_type.to_string(),
                    },
                );
            }
        }
        Ok(out)
    })
    .await
}
