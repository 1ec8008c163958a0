//! Header names written by the supported conventions.

/// Every Spring dead-letter header starts with this.
pub const SPRING_PREFIX: &str = "kafka_dlt-";
/// Spring's non-blocking retry bookkeeping (attempts, back-off); stripped on replay.
pub const SPRING_RETRY_PREFIX: &str = "retry_topic-";
pub const SPRING_ORIGINAL_TOPIC: &str = "kafka_dlt-original-topic";
pub const SPRING_ORIGINAL_PARTITION: &str = "kafka_dlt-original-partition";
pub const SPRING_ORIGINAL_OFFSET: &str = "kafka_dlt-original-offset";
pub const SPRING_ORIGINAL_TIMESTAMP: &str = "kafka_dlt-original-timestamp";
pub const SPRING_ORIGINAL_TIMESTAMP_TYPE: &str = "kafka_dlt-original-timestamp-type";
pub const SPRING_ORIGINAL_CONSUMER_GROUP: &str = "kafka_dlt-original-consumer-group";
pub const SPRING_EXCEPTION_FQCN: &str = "kafka_dlt-exception-fqcn";
pub const SPRING_EXCEPTION_CAUSE_FQCN: &str = "kafka_dlt-exception-cause-fqcn";
pub const SPRING_EXCEPTION_MESSAGE: &str = "kafka_dlt-exception-message";
pub const SPRING_EXCEPTION_STACKTRACE: &str = "kafka_dlt-exception-stacktrace";
pub const SPRING_KEY_EXCEPTION_FQCN: &str = "kafka_dlt-key-exception-fqcn";
pub const SPRING_KEY_EXCEPTION_MESSAGE: &str = "kafka_dlt-key-exception-message";
pub const SPRING_KEY_EXCEPTION_STACKTRACE: &str = "kafka_dlt-key-exception-stacktrace";

/// Every Kafka Connect dead-letter header starts with this.
pub const CONNECT_PREFIX: &str = "__connect.errors.";
pub const CONNECT_TOPIC: &str = "__connect.errors.topic";
pub const CONNECT_PARTITION: &str = "__connect.errors.partition";
pub const CONNECT_OFFSET: &str = "__connect.errors.offset";
pub const CONNECT_CONNECTOR_NAME: &str = "__connect.errors.connector.name";
pub const CONNECT_TASK_ID: &str = "__connect.errors.task.id";
pub const CONNECT_STAGE: &str = "__connect.errors.stage";
pub const CONNECT_CLASS_NAME: &str = "__connect.errors.class.name";
pub const CONNECT_EXCEPTION_CLASS_NAME: &str = "__connect.errors.exception.class.name";
pub const CONNECT_EXCEPTION_MESSAGE: &str = "__connect.errors.exception.message";
pub const CONNECT_EXCEPTION_STACKTRACE: &str = "__connect.errors.exception.stacktrace";

/// Every Kafka Streams dead-letter header starts with this.
pub const STREAMS_PREFIX: &str = "__streams.errors.";
pub const STREAMS_TOPIC: &str = "__streams.errors.topic";
pub const STREAMS_PARTITION: &str = "__streams.errors.partition";
pub const STREAMS_OFFSET: &str = "__streams.errors.offset";
pub const STREAMS_EXCEPTION: &str = "__streams.errors.exception";
pub const STREAMS_MESSAGE: &str = "__streams.errors.message";
pub const STREAMS_STACKTRACE: &str = "__streams.errors.stacktrace";

pub const SMALLRYE_TOPIC: &str = "dead-letter-topic";
pub const SMALLRYE_PARTITION: &str = "dead-letter-partition";
pub const SMALLRYE_OFFSET: &str = "dead-letter-offset";
pub const SMALLRYE_REASON: &str = "dead-letter-reason";
pub const SMALLRYE_CAUSE: &str = "dead-letter-cause";
pub const SMALLRYE_EXCEPTION_CLASS_NAME: &str = "dead-letter-exception-class-name";
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
