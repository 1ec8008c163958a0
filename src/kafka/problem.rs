//! A consumer error sorted by what a reader does about it, shared by the batch queue that meets
//! the error ([`super::queue`]) and the reader that acts on it ([`super::reader`]); a leaf of its
//! own so neither has to import the other's file for it.

/// A consumer error, sorted by what a reader does about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Every broker connection is down; librdkafka keeps retrying on its own.
    AllBrokersDown,
    /// One connection failed; retried on its own (an outage shows as [`Problem::AllBrokersDown`]).
    Transport,
    /// The partition's position is no longer in its log (below the log start after retention or
    /// DeleteRecords, or past the end of a truncated log). librdkafka stopped fetching it: the
    /// reader decides where it goes on, with [`BatchQueue::restart_at`](super::queue::BatchQueue::restart_at).
    OutOfRange {
        /// The partition's topic.
        topic: String,
        /// The partition.
        partition: i32,
        /// The position that left the log (the next offset the reader wanted).
        offset: i64,
    },
    /// Anything else, as librdkafka words it.
    Other(String),
}
