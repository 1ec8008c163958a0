//! Decoding Spring Kafka dead letters.

use super::*;

pub(super) fn spring_full() -> Hdrs {
    vec![
        hdr("traceparent", "00-abc-def-01"),
        hdr(SPRING_ORIGINAL_TOPIC, "orders"),
        hdr(SPRING_ORIGINAL_PARTITION, 3i32.to_be_bytes()),
        hdr(SPRING_ORIGINAL_OFFSET, 42i64.to_be_bytes()),
        hdr(SPRING_ORIGINAL_TIMESTAMP, 1_699_999_999_000i64.to_be_bytes()),
        hdr(SPRING_ORIGINAL_TIMESTAMP_TYPE, "CREATE_TIME"),
        hdr(SPRING_ORIGINAL_CONSUMER_GROUP, "billing"),
        hdr(SPRING_EXCEPTION_FQCN, "org.springframework.kafka.listener.ListenerExecutionFailedException"),
        hdr(SPRING_EXCEPTION_CAUSE_FQCN, "java.lang.IllegalStateException"),
        hdr(SPRING_EXCEPTION_MESSAGE, "Listener failed; bad amount"),
        hdr(SPRING_EXCEPTION_STACKTRACE, "java.lang.IllegalStateException: bad\n\tat x"),
    ]
}

// ---- Spring ----

#[test]
fn spring_binary_headers() {
    let d = decode_h(&spring_full());
    assert_eq!(d.convention, Convention::Spring);
    assert_eq!(d.original_topic.as_deref(), Some("orders"));
    assert_eq!(d.original_partition, Some(3));
    assert_eq!(d.original_offset, Some(42));
    assert_eq!(d.original_timestamp_ms, Some(1_699_999_999_000));
    assert_eq!(d.consumer_group.as_deref(), Some("billing"));
    assert_eq!(d.error_class.as_deref(), Some("java.lang.IllegalStateException"));
    assert_eq!(d.error_message.as_deref(), Some("Listener failed; bad amount"));
    assert!(d.stacktrace.as_deref().unwrap().starts_with("java.lang.IllegalStateException"));
    assert_eq!(d.unknown_reason, None);
    assert_eq!(d.replay_value.as_deref(), Some(&b"payload"[..]));
    assert!(d.replayable());
    assert_eq!(d.error_label(), "java.lang.IllegalStateException");
}

#[test]
fn spring_strip_list_has_only_dlq_headers_in_order() {
    let d = decode_h(&spring_full());
    assert_eq!(
        d.error_header_names,
        vec![
            SPRING_ORIGINAL_TOPIC,
            SPRING_ORIGINAL_PARTITION,
            SPRING_ORIGINAL_OFFSET,
            SPRING_ORIGINAL_TIMESTAMP,
            SPRING_ORIGINAL_TIMESTAMP_TYPE,
            SPRING_ORIGINAL_CONSUMER_GROUP,
            SPRING_EXCEPTION_FQCN,
            SPRING_EXCEPTION_CAUSE_FQCN,
            SPRING_EXCEPTION_MESSAGE,
            SPRING_EXCEPTION_STACKTRACE,
        ]
    );
}

#[test]
fn spring_without_cause_uses_top_level_class() {
    let h = vec![hdr(SPRING_ORIGINAL_TOPIC, "orders"), hdr(SPRING_EXCEPTION_FQCN, "com.acme.BadOrder")];
    let d = decode_h(&h);
    assert_eq!(d.error_class.as_deref(), Some("com.acme.BadOrder"));
    assert_eq!(d.original_partition, None);
    assert_eq!(d.original_offset, None);
    assert_eq!(d.original_timestamp_ms, None);
    assert_eq!(d.consumer_group, None);
}

#[test]
fn spring_key_exception_headers_are_a_fallback() {
    let h = vec![
        hdr(SPRING_ORIGINAL_TOPIC, "orders"),
        hdr(SPRING_KEY_EXCEPTION_FQCN, "org.apache.kafka.common.errors.SerializationException"),
        hdr(SPRING_KEY_EXCEPTION_MESSAGE, "bad key"),
        hdr(SPRING_KEY_EXCEPTION_STACKTRACE, "trace"),
    ];
    let d = decode_h(&h);
    assert_eq!(d.convention, Convention::Spring);
    assert_eq!(d.error_class.as_deref(), Some("org.apache.kafka.common.errors.SerializationException"));
    assert_eq!(d.error_message.as_deref(), Some("bad key"));
    assert_eq!(d.stacktrace.as_deref(), Some("trace"));
    assert_eq!(d.error_header_names.len(), 4);
}

#[test]
fn spring_text_numbers_are_accepted() {
    let h = vec![
        hdr(SPRING_ORIGINAL_TOPIC, "orders"),
        hdr(SPRING_ORIGINAL_PARTITION, "3"),
        hdr(SPRING_ORIGINAL_OFFSET, "42"),
        hdr(SPRING_ORIGINAL_TIMESTAMP, "1699999999000"),
    ];
    let d = decode_h(&h);
    assert_eq!(d.original_partition, Some(3));
    assert_eq!(d.original_offset, Some(42));
    assert_eq!(d.original_timestamp_ms, Some(1_699_999_999_000));
}

#[test]
fn spring_all_digit_values_of_binary_width_are_text() {
    let h = vec![
        hdr(SPRING_ORIGINAL_TOPIC, "orders"),
        hdr(SPRING_ORIGINAL_PARTITION, "1234"),
        hdr(SPRING_ORIGINAL_OFFSET, "12345678"),
    ];
    let d = decode_h(&h);
    assert_eq!(d.original_partition, Some(1234));
    assert_eq!(d.original_offset, Some(12_345_678));
}

#[test]
fn spring_binary_values_that_contain_some_digit_bytes_stay_binary() {
    // 0x00_00_00_31 has one ASCII digit byte ('1') but is not all digits.
    let h = vec![
        hdr(SPRING_ORIGINAL_TOPIC, "orders"),
        hdr(SPRING_ORIGINAL_PARTITION, [0, 0, 0, b'1']),
        hdr(SPRING_ORIGINAL_OFFSET, [0, 0, 0, 0, 0, 0, b'0', b'9']),
    ];
    let d = decode_h(&h);
    assert_eq!(d.original_partition, Some(0x31));
    assert_eq!(d.original_offset, Some(0x3039));
}

#[test]
fn spring_partition_of_wrong_length_is_unknown() {
    let mut h = spring_full();
    h[2] = hdr(SPRING_ORIGINAL_PARTITION, [0, 0, 3]);
    let d = decode_h(&h);
    assert_unknown(&d, "header kafka_dlt-original-partition has 3 bytes, expected 4");
    // Still told what to strip, so a manual replay stays clean.
    assert!(d.error_header_names.contains(&SPRING_ORIGINAL_PARTITION.to_owned()));
    assert_eq!(d.replay_value.as_deref(), Some(&b"payload"[..]));
}

#[test]
fn spring_offset_of_wrong_length_is_unknown() {
    let mut h = spring_full();
    h[3] = hdr(SPRING_ORIGINAL_OFFSET, [0, 0, 0, 42]);
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-offset has 4 bytes, expected 8");
}

#[test]
fn spring_empty_number_is_unknown() {
    let mut h = spring_full();
    h[4] = hdr(SPRING_ORIGINAL_TIMESTAMP, b"");
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-timestamp has 0 bytes, expected 8");
}

#[test]
fn spring_negative_partition_is_unknown() {
    let mut h = spring_full();
    h[2] = hdr(SPRING_ORIGINAL_PARTITION, (-1i32).to_be_bytes());
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-partition has negative value -1");
}

#[test]
fn spring_text_partition_out_of_range_is_unknown() {
    let mut h = spring_full();
    h[2] = hdr(SPRING_ORIGINAL_PARTITION, "99999999999");
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-partition value 99999999999 is out of range");
}

#[test]
fn spring_no_timestamp_is_none() {
    let mut h = spring_full();
    h[4] = hdr(SPRING_ORIGINAL_TIMESTAMP, (-1i64).to_be_bytes());
    let d = decode_h(&h);
    assert_eq!(d.convention, Convention::Spring);
    assert_eq!(d.original_timestamp_ms, None);
}

#[test]
fn spring_bad_utf8_topic_is_unknown() {
    let mut h = spring_full();
    h[1] = hdr(SPRING_ORIGINAL_TOPIC, [0xff, 0xfe]);
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-topic is not valid UTF-8");
}

#[test]
fn spring_bad_utf8_error_text_is_unknown() {
    let mut h = spring_full();
    h[9] = hdr(SPRING_EXCEPTION_MESSAGE, [b'o', 0xc3]);
    assert_unknown(&decode_h(&h), "header kafka_dlt-exception-message is not valid UTF-8");
}

#[test]
fn spring_empty_topic_is_unknown() {
    let mut h = spring_full();
    h[1] = hdr(SPRING_ORIGINAL_TOPIC, "");
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-topic is empty");
}

#[test]
fn spring_illegal_topic_is_unknown() {
    let mut h = spring_full();
    h[1] = hdr(SPRING_ORIGINAL_TOPIC, "orders topic");
    assert_unknown(&decode_h(&h), "header kafka_dlt-original-topic is not a legal topic name: \"orders topic\"");
}

#[test]
fn spring_without_original_topic_is_unknown() {
    let h = vec![hdr(SPRING_EXCEPTION_FQCN, "com.acme.Boom"), hdr(SPRING_ORIGINAL_PARTITION, 1i32.to_be_bytes())];
    let d = decode_h(&h);
    assert_unknown(&d, "spring headers present but kafka_dlt-original-topic is missing");
    assert_eq!(d.error_header_names.len(), 2);
}

#[test]
fn null_topic_header_counts_as_missing() {
    let h = vec![null_hdr(SPRING_ORIGINAL_TOPIC), hdr(SPRING_EXCEPTION_FQCN, "X")];
    assert_unknown(&decode_h(&h), "spring headers present but kafka_dlt-original-topic is missing");
}

#[test]
fn spring_retry_chain_uses_first_origin_and_last_error() {
    // main -> retry-0 -> DLT, appendOriginalHeaders=true, previous exception headers kept.
    let h = vec![
        hdr(SPRING_ORIGINAL_TOPIC, "orders"),
        hdr(SPRING_ORIGINAL_PARTITION, 1i32.to_be_bytes()),
        hdr(SPRING_ORIGINAL_OFFSET, 10i64.to_be_bytes()),
        hdr(SPRING_EXCEPTION_FQCN, "com.acme.First"),
        hdr("retry_topic-attempts", 2i32.to_be_bytes()),
        hdr(SPRING_ORIGINAL_TOPIC, "orders-retry-0"),
        hdr(SPRING_ORIGINAL_PARTITION, 0i32.to_be_bytes()),
        hdr(SPRING_ORIGINAL_OFFSET, 99i64.to_be_bytes()),
        hdr(SPRING_EXCEPTION_FQCN, "com.acme.Second"),
    ];
    let d = decode_h(&h);
    assert_eq!(d.original_topic.as_deref(), Some("orders"));
    assert_eq!(d.original_partition, Some(1));
    assert_eq!(d.original_offset, Some(10));
    assert_eq!(d.error_class.as_deref(), Some("com.acme.Second"));
    // Deduplicated, first-seen order, and the retry bookkeeping is included.
    assert_eq!(
        d.error_header_names,
        vec![
            SPRING_ORIGINAL_TOPIC,
            SPRING_ORIGINAL_PARTITION,
            SPRING_ORIGINAL_OFFSET,
            SPRING_EXCEPTION_FQCN,
            "retry_topic-attempts",
        ]
    );
}

#[test]
fn retry_headers_alone_are_not_a_convention() {
    let h = vec![hdr("retry_topic-attempts", 1i32.to_be_bytes())];
    let d = decode_h(&h);
    assert_unknown(&d, "no known DLQ headers and the value is not a JSON wrapper");
    assert_eq!(d.error_header_names, vec!["retry_topic-attempts"]);
}
