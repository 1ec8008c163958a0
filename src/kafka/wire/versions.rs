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
        _ => "a release evbus does not know",
    }
}

impl BrokerVersions {
    /// The version to send `key` at: the highest in both the broker's range and evbus's
    /// `ours.0..=ours.1`; an [`Kind::Unsupported`] error naming the API when there is none.
    pub fn pick(&self, key: ApiKey, ours: (i16, i16)) -> Result<i16, Error> {
        let what = format!("{key:?}");
        let Some(&(min, max)) = self.0.get(&(key as i16)) else {
            return Err(Error::new(
                &what,
                Kind::Unsupported,
                format!("the broker does not support {what} (API {}; added in Kafka {})", key as i16, added_in(key, 0)),
            ));
        };
        let v = max.min(ours.1);
        if v < min.max(ours.0) {
            return Err(Error::new(
                &what,
                Kind::Unsupported,
                format!(
                    "the broker does not support {what} v{}..v{} (it has v{min}..v{max}; v{} came with Kafka {})",
                    ours.0,
                    ours.1,
                    ours.0,
                    added_in(key, ours.0)
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
}
