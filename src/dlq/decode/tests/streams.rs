//! Decoding Kafka Streams dead letters.

use super::*;

// ---- Streams ----

pub(super) fn streams_full() -> Hdrs {
    vec![
        hdr(STREAMS_EXCEPTION, "org.apache.kafka.common.errors.SerializationException: Size of data is not 4"),
        hdr(STREAMS_MESSAGE, "Size of data is not 4"),
        hdr(STREAMS_STACKTRACE, "org.apache.kafka.common.errors.SerializationException"),
        hdr(STREAMS_TOPIC, "clicks"),
        hdr(STREAMS_PARTITION, "2"),
        hdr(STREAMS_OFFSET, "31337"),
    ]
}

#[test]
fn streams_headers() {
    let d = decode_h(&streams_full());
    assert_eq!(d.convention, Convention::Streams);
    assert_eq!(d.original_topic.as_deref(), Some("clicks"));
    assert_eq!(d.original_partition, Some(2));
    assert_eq!(d.original_offset, Some(31_337));
    assert_eq!(d.original_timestamp_ms, Some(1_700_000_000_000));
    assert_eq!(d.error_class.as_deref(), Some("org.apache.kafka.common.errors.SerializationException"));
    assert_eq!(d.error_message.as_deref(), Some("Size of data is not 4"));
    assert_eq!(d.error_header_names.len(), 6);
}

#[test]
fn streams_null_message_falls_back_to_the_exception_text() {
    let mut h = streams_full();
    h[1] = null_hdr(STREAMS_MESSAGE);
    h[0] = hdr(STREAMS_EXCEPTION, "java.lang.RuntimeException: boom: nested");
    let d = decode_h(&h);
    assert_eq!(d.error_class.as_deref(), Some("java.lang.RuntimeException"));
    assert_eq!(d.error_message.as_deref(), Some("boom: nested"));
}

#[test]
fn streams_exception_without_message_is_the_class() {
    let mut h = streams_full();
    h[0] = hdr(STREAMS_EXCEPTION, "java.lang.NullPointerException");
    h[1] = null_hdr(STREAMS_MESSAGE);
    let d = decode_h(&h);
    assert_eq!(d.error_class.as_deref(), Some("java.lang.NullPointerException"));
    assert_eq!(d.error_message, None);
    assert_eq!(d.error_label(), "java.lang.NullPointerException");
}

#[test]
fn streams_with_null_topic_is_unknown() {
    // Streams writes a null topic for errors raised outside record processing (punctuators).
    let mut h = streams_full();
    h[3] = null_hdr(STREAMS_TOPIC);
    assert_unknown(&decode_h(&h), "streams headers present but __streams.errors.topic is missing");
}

#[test]
fn streams_bad_offset_text_is_unknown() {
    let mut h = streams_full();
    h[5] = hdr(STREAMS_OFFSET, "12a");
    assert_unknown(&decode_h(&h), "header __streams.errors.offset is not a decimal number");
}
