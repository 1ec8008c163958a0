//! Recognises where a dead-letter record came from and why it failed, so a DLQ can be
//! summarised by error and replayed to the topic it came from.
//!
//! Frameworks disagree on how a dead letter says where it came from. [`decode`] recognises:
//!
//! | Convention | Where the origin is | Encoding |
//! |---|---|---|
//! | [`Convention::Spring`] (Spring Kafka `DeadLetterPublishingRecoverer`) | `kafka_dlt-original-*` headers | partition: 4-byte big-endian int; offset, timestamp: 8-byte big-endian long; text otherwise |
//! | [`Convention::Connect`] (Kafka Connect `errors.deadletterqueue.context.headers.enable`) | `__connect.errors.*` headers | UTF-8 text |
//! | [`Convention::Streams`] (Kafka Streams, KIP-1034) | `__streams.errors.*` headers | UTF-8 text |
//! | [`Convention::SmallRye`] (SmallRye Reactive Messaging / Quarkus) | `dead-letter-*` headers | UTF-8 text |
//! | [`Convention::JsonWrapper`] | the value: `{"originalTopic", "originalMessage", "error", "timestamp"}` | JSON |
//!
//! Header conventions are tried before the JSON wrapper, in the table's order; a record carrying
//! headers of several conventions (it went through more than one DLQ without being cleaned) is
//! read by the first. Anything else is [`Convention::Unknown`] with a human-readable
//! [`Decoded::unknown_reason`]. A record is never half-trusted: if a header the decoder reads is
//! malformed (wrong length, not UTF-8, not a number, an empty or illegal topic name) or the
//! original-topic header is missing, the whole record is `Unknown`, because replaying it would
//! send data to a place nobody can vouch for. A header whose value is null counts as absent.
//!
//! Choices callers should know:
//!
//! * **Repeated headers.** Kafka headers may repeat, and each writer repeats them differently.
//!   Spring appends a new set of `kafka_dlt-original-*` headers at every hop of a retry-topic
//!   chain, so the *first* one names the topic the record really came from; its exception
//!   headers are replaced or appended per failure, so the *last* one is the latest failure.
//!   Connect copies the source record's headers and then appends its own, so the *last* one is
//!   its own. SmallRye writes its headers and only then copies the source's, so the *first* one
//!   is its own. Kafka Streams writes each header once.
//! * **Numbers in Spring headers.** Java writes them as binary, but some non-Java producers write
//!   them as decimal text, so both are accepted. A value of exactly 4 bytes (partition) or 8 bytes
//!   (offset, timestamp) is read as binary unless every byte is an ASCII digit: the binary reading
//!   of such a value is at least `0x30303030` (808,464,432) for a partition and about 3.5 × 10¹⁸
//!   for an offset, numbers no real partition or offset reaches, while the text reading is
//!   ordinary. Negative partitions and offsets are malformed; a negative timestamp is Kafka's "no
//!   timestamp" and becomes `None`.
//! * **Error class.** For Spring, [`Decoded::error_class`] is `kafka_dlt-exception-cause-fqcn`
//!   (the root cause) when present: the top-level class is almost always Spring's own
//!   `ListenerExecutionFailedException` wrapper, which would put every failure in one group.
//!   Kafka Streams writes `Throwable.toString()` (`class: message`) into its exception header, so
//!   the class is the part before `": "`.
//! * **Timestamps.** Spring records the original timestamp in a header; Connect and Streams copy
//!   the source record's timestamp onto the dead letter, so for them it is the dead letter's own
//!   timestamp; SmallRye does not keep it.
//! * **Replay value.** For header conventions it is the dead letter's value, byte for byte. For
//!   the JSON wrapper it is `originalMessage`: a string is replayed as its raw text, `null` as no
//!   value, anything else as compact JSON. That JSON is re-serialised, so object keys come out
//!   sorted (serde_json is built without `preserve_order`). The key to replay with is the dead
//!   letter's key in every convention (all of them copy it).
//! * **Headers to strip.** [`Decoded::error_header_names`] lists every header on the record that
//!   belongs to *any* DLQ convention (see [`is_dlq_header`]), including Spring's
//!   `retry_topic-*` bookkeeping: left on a replayed record, stale attempt counts make Spring
//!   route it straight back to the DLT, and stale origin headers would be mistaken for the next
//!   failure's.

mod decoded;
mod fields;
mod frameworks;
pub mod header;
mod wrapper;

pub use decoded::{Convention, Decoded, DlqRecord, decode, is_dlq_header};

#[cfg(test)]
mod tests;
