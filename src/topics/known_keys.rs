//! The topic-level configuration keys Kafka knows, so that typos in topics.yaml are caught before
//! they reach a broker (which would reject the whole request) with a "did you mean" hint.

/// Topic-level configs of Apache Kafka 3.x/4.x (`kafka-configs --entity-type topics`).
pub const KNOWN_KEYS: &[&str] = &[
    "cleanup.policy",
    "compression.gzip.level",
    "compression.lz4.level",
    "compression.type",
    "compression.zstd.level",
    "delete.retention.ms",
    "file.delete.delay.ms",
    "flush.messages",
    "flush.ms",
    "follower.replication.throttled.replicas",
    "index.interval.bytes",
    "leader.replication.throttled.replicas",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.downconversion.enable",
    "message.format.version",
    "message.timestamp.after.max.ms",
    "message.timestamp.before.max.ms",
    "message.timestamp.difference.max.ms",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "preallocate",
    "remote.log.copy.disable",
    "remote.log.delete.on.disable",
    "remote.storage.enable",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.index.bytes",
    "segment.jitter.ms",
    "segment.ms",
    "unclean.leader.election.enable",
];

/// Whether Kafka accepts `key` as a topic config; any `confluent.*` key passes, since Confluent Server adds its own.
pub fn is_known(key: &str) -> bool {
    KNOWN_KEYS.contains(&key) || key.starts_with("confluent.")
}

/// The closest known key, when it is close enough to be a likely typo.
pub fn suggest(key: &str) -> Option<&'static str> {
    KNOWN_KEYS
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 3 || strsim::jaro_winkler(key, k) > 0.93)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("retention.msx"), Some("retention.ms"));
        assert_eq!(suggest("cleanup.polcy"), Some("cleanup.policy"));
        assert_eq!(suggest("completely.unrelated.thing"), None);
        assert!(is_known("min.insync.replicas"));
        assert!(!is_known("retention.msx"));
    }
}
