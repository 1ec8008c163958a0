//! The brokers' replication throttle rates (`leader/follower.replication.throttled.rate`), read
//! with DescribeConfigs and set or removed with IncrementalAlterConfigs, each on the broker
//! itself: a broker resource names one node, and a broker answers for its own dynamic configs
//! (KRaft brokers refuse to alter another node's). librdkafka could do both, but the move they
//! throttle is on this path, and so are the brokers' addresses.

use std::collections::BTreeMap;

use kafka_protocol::messages::{
    DescribeConfigsRequest, IncrementalAlterConfigsRequest, describe_configs_request as describe,
    incremental_alter_configs_request as alter,
};
use kafka_protocol::protocol::StrBytes;

use super::reassign::Node;
use super::transport::{Conn, bounded};
use crate::kafka::error::{Error, Kind};
use crate::kafka::settings::Settings;
use crate::topics::reassign::{FOLLOWER_RATE, LEADER_RATE};

/// ConfigResource type BROKER.
const BROKER: i8 = 4;
/// ConfigSource DYNAMIC_BROKER_CONFIG (0 unknown, 1 topic, 2 this broker, 3 cluster default, ...):
/// set on this one broker, as a throttle is.
const DYNAMIC_BROKER: i8 = 2;
/// IncrementalAlterConfigs operations.
const SET: i8 = 0;
const DELETE: i8 = 1;

fn rate_keys() -> Vec<StrBytes> {
    [LEADER_RATE, FOLLOWER_RATE].iter().map(|k| StrBytes::from_static_str(k)).collect()
}

/// The throttle rates set on each broker (broker → key → bytes/s), within `--timeout`; brokers
/// without one are left out, and so are brokers that refuse the connection (listed but down:
/// a broker that is down replicates nothing, and its rates are read when it is back).
pub async fn rates(s: &Settings, nodes: &[Node]) -> Result<BTreeMap<i32, BTreeMap<String, String>>, Error> {
    const OP: &str = "DescribeConfigs";
    bounded(s, OP, async {
        let mut out = BTreeMap::new();
        for n in nodes {
            let mut conn = match Conn::to(s, &n.addr).await {
                Ok(c) => c,
                Err(e) if e.kind() == Kind::BrokerUnreachable => continue,
                Err(e) => return Err(e),
            };
            let req = DescribeConfigsRequest::default().with_resources(vec![
                describe::DescribeConfigsResource::default()
                    .with_resource_type(BROKER)
                    .with_resource_name(StrBytes::from_string(n.id.to_string()))
                    .with_configuration_keys(Some(rate_keys())),
            ]);
            let (resp, _) = conn.call(&req).await?;
            for r in resp.results {
                if r.error_code != 0 {
                    return Err(Error::from_protocol(
                        format!("{OP} of broker {}", n.id),
                        r.error_code,
                        r.error_message.as_deref(),
                    ));
                }
                let set: BTreeMap<String, String> = r
                    .configs
                    .into_iter()
                    .filter(|c| c.config_source == DYNAMIC_BROKER)
                    .filter_map(|c| Some((c.name.to_string(), c.value?.to_string())))
                    .collect();
                if !set.is_empty() {
                    out.insert(n.id, set);
                }
            }
        }
        Ok(out)
    })
    .await
}

/// Sets both throttle rates to `rate` bytes/s on each of `nodes`, or removes them (`None`),
/// within `--timeout`.
pub async fn set_rates(s: &Settings, nodes: &[&Node], rate: Option<u64>) -> Result<(), Error> {
    const OP: &str = "IncrementalAlterConfigs";
    bounded(s, OP, async {
        for n in nodes {
            let configs = [LEADER_RATE, FOLLOWER_RATE]
                .iter()
                .map(|k| {
                    let c = alter::AlterableConfig::default().with_name(StrBytes::from_static_str(k));
                    match rate {
                        Some(r) => c.with_config_operation(SET).with_value(Some(StrBytes::from_string(r.to_string()))),
                        None => c.with_config_operation(DELETE).with_value(None),
                    }
                })
                .collect();
            let req = IncrementalAlterConfigsRequest::default().with_resources(vec![
                alter::AlterConfigsResource::default()
                    .with_resource_type(BROKER)
                    .with_resource_name(StrBytes::from_string(n.id.to_string()))
                    .with_configs(configs),
            ]);
            let mut conn = Conn::to(s, &n.addr).await?;
            let (resp, _) = conn.call(&req).await?;
            if let Some(r) = resp.responses.iter().find(|r| r.error_code != 0) {
                return Err(Error::from_protocol(
                    format!("{OP} of broker {}", n.id),
                    r.error_code,
                    r.error_message.as_deref(),
                ));
            }
        }
        Ok(())
    })
    .await
}
