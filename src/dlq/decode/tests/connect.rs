//! Decoding Kafka Connect dead letters.

use super::*;

// ---- Connect ----

pub(super) fn connect_full() -> Hdrs {
    vec![
        hdr("app-header", "kept"),
        hdr(CONNECT_TOPIC, "payments"),
        hdr(CONNECT_PARTITION, "7"),
        hdr(CONNECT_OFFSET, "1000"),
        hdr(CONNECT_CONNECTOR_NAME, "jdbc-sink"),
        hdr(CONNECT_TASK_ID, "0"),
        hdr(CONNECT_STAGE, "VALUE_CONVERTER"),
        hdr(CONNECT_CLASS_NAME, "io.confluent.connect.avro.AvroConverter"),
        hdr(CONNECT_EXCEPTION_CLASS_NAME, "org.apache.kafka.connect.errors.DataException"),
        hdr(CONNECT_EXCEPTION_MESSAGE, "Failed to deserialize data"),
        hdr(CONNECT_EXCEPTION_STACKTRACE, "org.apache.kafka.connect.errors.DataException"),
    ]
}

#[test]
fn connect_headers() {
    let d = decode_h(&connect_full());
    assert_eq!(d.convention, Convention::Connect);
    assert_eq!(d.original_topic.as_deref(), Some("payments"));
    assert_eq!(d.original_partition, Some(7));
    assert_eq!(d.original_offset, Some(1000));
    assert_eq!(d.original_timestamp_ms, Some(1_700_000_000_000));
    assert_eq!(d.consumer_group, None);
    assert_eq!(d.error_class.as_deref(), Some("org.apache.kafka.connect.errors.DataException"));
    assert_eq!(d.error_message.as_deref(), Some("Failed to deserialize data"));
    assert!(d.stacktrace.is_some());
    assert_eq!(d.error_header_names.len(), 10);
    assert!(!d.error_header_names.contains(&"app-header".to_owned()));
}

#[test]
fn connect_uses_the_last_copy_of_a_header() {
    // The source record already carried Connect headers from an earlier DLQ.
    let mut h = vec![hdr(CONNECT_TOPIC, "older"), hdr(CONNECT_PARTITION, "1")];
    h.extend(connect_full());
    let d = decode_h(&h);
    assert_eq!(d.original_topic.as_deref(), Some("payments"));
    assert_eq!(d.original_partition, Some(7));
}

#[test]
fn connect_binary_partition_is_unknown() {
    let mut h = connect_full();
    h[2] = hdr(CONNECT_PARTITION, 7i32.to_be_bytes());
    assert_unknown(&decode_h(&h), "header __connect.errors.partition is not a decimal number");
}

#[test]
fn connect_without_topic_is_unknown() {
    let h: Hdrs = connect_full().into_iter().filter(|(n, _)| n != CONNECT_TOPIC).collect();
    assert_unknown(&decode_h(&h), "connect headers present but __connect.errors.topic is missing");
}

#[test]
fn connect_negative_offset_is_unknown() {
    let mut h = connect_full();
    h[3] = hdr(CONNECT_OFFSET, "-5");
    assert_unknown(&decode_h(&h), "header __connect.errors.offset has negative value -5");
}
