//! Topics' effective `min.insync.replicas` asked of one chosen broker (DescribeConfigs), for the
//! health check of partitions that can take `acks=all` writes.
//!
//! librdkafka sends a topic's DescribeConfigs to "the controller", which under KRaft is whichever
//! broker the last Metadata response named at random (KAFKA-17404), a killed one included until
//! the controller fences it (and for good once the quorum is lost with it): the request then
//! waits out `--timeout` for a dead node. Here it goes to a broker known to answer.

use std::collections::BTreeMap;

use kafka_protocol::messages::DescribeConfigsRequest;
use kafka_protocol::messages::describe_configs_request::DescribeConfigsResource;
use kafka_protocol::protocol::StrBytes;

use super::transport::{Conn, bounded};
use crate::kafka::error::{Error, Kind};
use crate::kafka::settings::Settings;

/// DescribeConfigs' resource type of a topic.
const TOPIC: i8 = 2;
const KEY: &str = "min.insync.replicas";

/// Each topic's effective `min.insync.replicas` (its own, else the broker's default), asked of
/// the broker at `addr` (or a bootstrap broker) within `--timeout`. Topics the broker answers
/// with an error, or without a number, are left out.
pub async fn min_insync_replicas(
    s: &Settings,
    addr: Option<&str>,
    topics: &[String],
) -> Result<BTreeMap<String, i32>, Error> {
    if let Some(e) = super::transport::refused_setting(s) {
        return Err(e);
    }
    bounded(s, "DescribeConfigs", async {
        // The broker that answered Metadata, else (gone since, or not named: librdkafka can leave
        // it unknown) the first bootstrap broker that accepts; never librdkafka's "controller".
        let mut conn = match addr {
            Some(a) => match Conn::to(s, a).await {
                Err(e) if e.kind() == Kind::BrokerUnreachable => Conn::bootstrap(s).await?,
                other => other?,
            },
            None => Conn::bootstrap(s).await?,
        };
        let req = DescribeConfigsRequest::default().with_resources(
            topics
                .iter()
                .map(|t| {
                    DescribeConfigsResource::default()
                        .with_resource_type(TOPIC)
                        .with_resource_name(StrBytes::from_string(t.clone()))
                        .with_configuration_keys(Some(vec![StrBytes::from_static_str(KEY)]))
                })
                .collect(),
        );
        // v1 (Kafka 1.1) answers config sources; nothing newer is needed for one value.
        let (resp, _) = conn.call_within(&req, (1, 4)).await?;
        Ok(resp
            .results
            .iter()
            .filter(|r| r.error_code == 0)
            .filter_map(|r| {
                let v = r.configs.iter().find(|c| c.name.as_str() == KEY)?.value.as_ref()?.parse().ok()?;
                Some((r.resource_name.to_string(), v))
            })
            .collect())
    })
    .await
}
