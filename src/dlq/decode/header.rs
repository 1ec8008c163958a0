//! Header names written by the supported conventions.

/// Every Spring dead-letter header starts with this.
pub const SPRING_PREFIX: &str = "kafka_dlt-";
/// Spring's non-blocking retry bookkeeping (attempts, back-off); stripped on replay.
pub const SPRING_RETRY_PREFIX: &str = "retry_topic-";
/// Topic the failed record was originally read from.
pub const SPRING_ORIGINAL_TOPIC: &str = "kafka_dlt-original-topic";
/// Partition of the original record, as a 4-byte big-endian int.
pub const SPRING_ORIGINAL_PARTITION: &str = "kafka_dlt-original-partition";
/// Offset of the original record, as an 8-byte big-endian long.
pub const SPRING_ORIGINAL_OFFSET: &str = "kafka_dlt-original-offset";
/// Timestamp of the original record in epoch milliseconds, as an 8-byte big-endian long.
pub const SPRING_ORIGINAL_TIMESTAMP: &str = "kafka_dlt-original-timestamp";
/// `CREATE_TIME` or `LOG_APPEND_TIME`: what the original timestamp measured; not decoded.
pub const SPRING_ORIGINAL_TIMESTAMP_TYPE: &str = "kafka_dlt-original-timestamp-type";
/// Group id of the listener that failed, so a replay can tell whose offsets it affects.
pub const SPRING_ORIGINAL_CONSUMER_GROUP: &str = "kafka_dlt-original-consumer-group";
/// Class of the top-level exception thrown while handling the value.
pub const SPRING_EXCEPTION_FQCN: &str = "kafka_dlt-exception-fqcn";
/// Class of the root cause; preferred over the top-level class because listener exceptions usually wrap it.
pub const SPRING_EXCEPTION_CAUSE_FQCN: &str = "kafka_dlt-exception-cause-fqcn";
/// Message of the exception thrown while handling the value.
pub const SPRING_EXCEPTION_MESSAGE: &str = "kafka_dlt-exception-message";
/// Stack trace of the exception thrown while handling the value.
pub const SPRING_EXCEPTION_STACKTRACE: &str = "kafka_dlt-exception-stacktrace";
/// Class of the exception thrown while deserialising the key; used when no value exception is set.
pub const SPRING_KEY_EXCEPTION_FQCN: &str = "kafka_dlt-key-exception-fqcn";
/// Message of the key deserialisation exception; used when no value message is set.
pub const SPRING_KEY_EXCEPTION_MESSAGE: &str = "kafka_dlt-key-exception-message";
/// Stack trace of the key deserialisation exception; used when no value stack trace is set.
pub const SPRING_KEY_EXCEPTION_STACKTRACE: &str = "kafka_dlt-key-exception-stacktrace";

/// Every Kafka Connect dead-letter header starts with this.
pub const CONNECT_PREFIX: &str = "__connect.errors.";
/// Topic the failed record was originally read from.
pub const CONNECT_TOPIC: &str = "__connect.errors.topic";
/// Partition of the original record, as decimal text.
pub const CONNECT_PARTITION: &str = "__connect.errors.partition";
/// Offset of the original record, as decimal text.
pub const CONNECT_OFFSET: &str = "__connect.errors.offset";
/// Name of the connector whose task failed; informational, not decoded.
pub const CONNECT_CONNECTOR_NAME: &str = "__connect.errors.connector.name";
/// Task number within the connector; informational, not decoded.
pub const CONNECT_TASK_ID: &str = "__connect.errors.task.id";
/// Pipeline stage that failed (e.g. `VALUE_CONVERTER`, `TRANSFORMATION`); not decoded.
pub const CONNECT_STAGE: &str = "__connect.errors.stage";
/// Class of the converter or transformation that failed, not of the exception; not decoded.
pub const CONNECT_CLASS_NAME: &str = "__connect.errors.class.name";
/// Class of the exception that the failing stage threw.
pub const CONNECT_EXCEPTION_CLASS_NAME: &str = "__connect.errors.exception.class.name";
/// Message of the exception that the failing stage threw.
pub const CONNECT_EXCEPTION_MESSAGE: &str = "__connect.errors.exception.message";
/// Stack trace of the exception that the failing stage threw.
pub const CONNECT_EXCEPTION_STACKTRACE: &str = "__connect.errors.exception.stacktrace";

/// Every Kafka Streams dead-letter header starts with this.
pub const STREAMS_PREFIX: &str = "__streams.errors.";
/// Topic the failed record was originally read from.
pub const STREAMS_TOPIC: &str = "__streams.errors.topic";
/// Partition of the original record, as decimal text.
pub const STREAMS_PARTITION: &str = "__streams.errors.partition";
/// Offset of the original record, as decimal text.
pub const STREAMS_OFFSET: &str = "__streams.errors.offset";
/// Java's `Throwable.toString()` (`class` or `class: message`); split into class and message.
pub const STREAMS_EXCEPTION: &str = "__streams.errors.exception";
/// Exception message; preferred over the one embedded in the exception header.
pub const STREAMS_MESSAGE: &str = "__streams.errors.message";
/// Stack trace of the exception.
pub const STREAMS_STACKTRACE: &str = "__streams.errors.stacktrace";

/// Topic the failed record was originally read from.
pub const SMALLRYE_TOPIC: &str = "dead-letter-topic";
/// Partition of the original record, as decimal text.
pub const SMALLRYE_PARTITION: &str = "dead-letter-partition";
/// Offset of the original record, as decimal text.
pub const SMALLRYE_OFFSET: &str = "dead-letter-offset";
/// Why the record was nacked; used as the error message when present.
pub const SMALLRYE_REASON: &str = "dead-letter-reason";
/// Message of the cause; the error message when no reason is given.
pub const SMALLRYE_CAUSE: &str = "dead-letter-cause";
/// Class of the exception that nacked the record.
pub const SMALLRYE_EXCEPTION_CLASS_NAME: &str = "dead-letter-exception-class-name";
/// Class of the cause; recognised as a dead-letter header but not decoded.
pub const SMALLRYE_CAUSE_CLASS_NAME: &str = "dead-letter-cause-class-name";
/// SmallRye's names are listed rather than matched by prefix because `dead-letter-` is
/// generic enough for an application to use for its own headers.
pub const SMALLRYE_ALL: [&str; 7] = [
    SMALLRYE_TOPIC,
    SMALLRYE_PARTITION,
    SMALLRYE_OFFSET,
    SMALLRYE_REASON,
    SMALLRYE_CAUSE,
    SMALLRYE_EXCEPTION_CLASS_NAME,
    SMALLRYE_CAUSE_CLASS_NAME,
];
