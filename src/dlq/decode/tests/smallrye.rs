//! Decoding SmallRye dead letters.

use super::*;

// ---- SmallRye ----

fn smallrye_full() -> Hdrs {
    vec![
        hdr(SMALLRYE_EXCEPTION_CLASS_NAME, "java.lang.IllegalArgumentException"),
        hdr(SMALLRYE_REASON, "price must be positive"),
        hdr(SMALLRYE_CAUSE_CLASS_NAME, "java.lang.NumberFormatException"),
        hdr(SMALLRYE_CAUSE, "For input string: \"x\""),
        hdr(SMALLRYE_TOPIC, "prices"),
        hdr(SMALLRYE_PARTITION, "0"),
        hdr(SMALLRYE_OFFSET, "5"),
        hdr("dead-letter-custom", "app's own header"),
    ]
}

#[test]
fn smallrye_headers() {
    let d = decode_h(&smallrye_full());
    assert_eq!(d.convention, Convention::SmallRye);
    assert_eq!(d.original_topic.as_deref(), Some("prices"));
    assert_eq!(d.original_partition, Some(0));
    assert_eq!(d.original_offset, Some(5));
    assert_eq!(d.original_timestamp_ms, None);
    assert_eq!(d.error_class.as_deref(), Some("java.lang.IllegalArgumentException"));
    assert_eq!(d.error_message.as_deref(), Some("price must be positive"));
    assert_eq!(d.stacktrace, None);
    assert_eq!(d.error_header_names.len(), 7);
    assert!(!d.error_header_names.contains(&"dead-letter-custom".to_owned()));
}

#[test]
fn smallrye_uses_its_own_first_copy() {
    let mut h = smallrye_full();
    h.push(hdr(SMALLRYE_TOPIC, "copied-from-an-older-dlq"));
    assert_eq!(decode_h(&h).original_topic.as_deref(), Some("prices"));
}

#[test]
fn smallrye_cause_is_the_message_without_a_reason() {
    let h = vec![hdr(SMALLRYE_TOPIC, "prices"), hdr(SMALLRYE_CAUSE, "root cause")];
    let d = decode_h(&h);
    assert_eq!(d.error_message.as_deref(), Some("root cause"));
    assert_eq!(d.error_label(), "root cause");
}

#[test]
fn smallrye_without_topic_is_unknown() {
    let h = vec![hdr(SMALLRYE_REASON, "boom")];
    assert_unknown(&decode_h(&h), "smallrye headers present but dead-letter-topic is missing");
}
