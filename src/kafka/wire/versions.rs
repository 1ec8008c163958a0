//! Which version of an API to speak: the highest both evbus (the codec's range) and the broker
//! (its ApiVersions answer) support, and, when the broker lacks the API or every version evbus
//! needs, an error naming the API and the Kafka release that added it.

use std::collections::BTreeMap;

use kafka_protocol::messages::ApiKey;

use crate::kafka::error::{Error, Kind};

/// The API versions one broker supports, from its ApiVersions answer: key → (min, max).
#[derive(Debug, Clone, Default)]
pub struct BrokerVersions(pub BTreeMap<i16, (i16, i16)>);

/// The Kafka release that added an API (or the version of it evbus needs), for the APIs this
/// path uses: what a user must upgrade to.
pub fn added_in(key: ApiKey, min_version: i16) -> &'static str {
    match (key, min_version) {
        (ApiKey::ApiVersions, _) => "0.10.0",
        (ApiKey::DescribeQuorum, v) if v >= 2 => "3.9.0 (KIP-853)",
        (ApiKey::DescribeQuorum, _) => "2.7.0 (KIP-595; 3.3 forwards it from brokers)",
        (ApiKey::ListGroups, v) if v >= 5 => "3.8.0 (KIP-848 group types)",
        (ApiKey::ListGroups, _) => "0.9.0",
        (ApiKey::DescribeTopicPartitions, _) => "3.8.0 (KIP-966)",
        (ApiKey::DescribeLogDirs, _) => "1.0.0 (KIP-113)",
        (ApiKey::DescribeShareGroupOffsets, v) if v >= 1 => "4.2.0 (KIP-1226 share-partition lag)",
        (
            ApiKey::ShareGroupDescribe
            | ApiKey::DescribeShareGroupOffsets
            | ApiKey::AlterShareGroupOffsets
            | ApiKey::DeleteShareGroupOffsets,
            _,
        ) => "4.0.0 (KIP-932 share groups, with share.version=1)",
        (ApiKey::Metadata, _) => "0.8.0",
        (ApiKey::AlterPartitionReassignments, _) | (ApiKey::ListPartitionReassignments, _) => "2.4.0 (KIP-455)",
        (ApiKey::ElectLeaders, _) => "2.2.0 (KIP-183)",
        (ApiKey::DescribeConfigs, _) => "0.11.0",
        (ApiKey::IncrementalAlterConfigs, _) => "2.3.0 (KIP-339)",
        _ => "a release evbus does not know",
    }
}

/// The API number of StreamsGroupDescribe (KIP-1071), which the codec crate's [`ApiKey`] lacks.
pub const STREAMS_GROUP_DESCRIBE: i16 = 89;

/// [`added_in`] by API number, for the APIs evbus codes itself as well as the crate's.
pub fn added_in_key(key: i16, min_version: i16) -> &'static str {
    match key {
        // Early access in 4.1; production-ready, and on in new clusters, from 4.2.
        STREAMS_GROUP_DESCRIBE => "4.2.0 (KIP-1071 streams groups; early access in 4.1)",
        _ => ApiKey::try_from(key).map_or("a release evbus does not know", |k| added_in(k, min_version)),
    }
}

impl BrokerVersions {
    /// The version to send `key` at: the highest in both the broker's range and evbus's
    /// `ours.0..=ours.1`; an [`Kind::Unsupported`] error naming the API when there is none.
    pub fn pick(&self, key: ApiKey, ours: (i16, i16)) -> Result<i16, Error> {
        self.pick_key(key as i16, &format!("{key:?}"), ours)
    }

    /// [`BrokerVersions::pick`] by API number and name (for APIs the crate's [`ApiKey`] lacks).
    pub fn pick_key(&self, key: i16, what: &str, ours: (i16, i16)) -> Result<i16, Error> {
        let Some(&(min, max)) = self.0.get(&key) else {
            return Err(Error::new(
                what,
                Kind::Unsupported,
                format!("the broker does not support {what} (API {key}; added in Kafka {})", added_in_key(key, 0)),
            ));
        };
        let v = max.min(ours.1);
        if v < min.max(ours.0) {
            return Err(Error::new(
                what,
                Kind::Unsupported,
                format!(
                    "the broker does not support {what} v{}..v{} (it has v{min}..v{max}; v{} came with Kafka {})",
                    ours.0,
                    ours.1,
                    ours.0,
                    added_in_key(key, ours.0)
                ),
            ));
        }
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_common_version_is_picked_and_a_missing_api_is_named() {
        let b = BrokerVersions([(55, (0, 2)), (16, (0, 4))].into_iter().collect());
        assert_eq!(b.pick(ApiKey::DescribeQuorum, (0, 2)).unwrap(), 2);
        assert_eq!(b.pick(ApiKey::DescribeQuorum, (0, 1)).unwrap(), 1);
        assert_eq!(b.pick(ApiKey::ListGroups, (0, 5)).unwrap(), 4);
        let e = b.pick(ApiKey::ListGroups, (5, 5)).unwrap_err();
        assert_eq!(e.kind(), Kind::Unsupported);
        assert!(
            e.message().contains("does not support ListGroups v5..v5 (it has v0..v4; v5 came with Kafka 3.8.0"),
            "{e}"
        );
        let e = BrokerVersions::default().pick(ApiKey::DescribeQuorum, (0, 2)).unwrap_err();
        assert_eq!(
            e.message(),
            "the broker does not support DescribeQuorum (API 55; added in Kafka 2.7.0 (KIP-595; 3.3 forwards it from brokers))"
        );
    }

    #[test]
    fn an_api_the_codec_crate_lacks_is_named_by_number() {
        let e = BrokerVersions::default().pick_key(STREAMS_GROUP_DESCRIBE, "StreamsGroupDescribe", (0, 0)).unwrap_err();
        assert_eq!(
            e.message(),
            "the broker does not support StreamsGroupDescribe (API 89; added in Kafka 4.2.0 (KIP-1071 streams groups; \
             early access in 4.1))"
        );
        assert_eq!(added_in_key(ApiKey::ListGroups as i16, 5), added_in(ApiKey::ListGroups, 5));
    }
}
