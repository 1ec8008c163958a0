//! Decoding the JSON wrapper dead letters.

use super::*;

// ---- JSON wrapper ----

pub(super) fn decode_v(value: &[u8]) -> Decoded {
    decode(&rec(&Vec::new(), Some(value)))
}

#[test]
fn json_wrapper_with_object_message() {
    let v = br#"{"originalTopic":"orders","originalMessage":{"id": 1, "items": [1, 2]},
                "error":"ValidationError: amount < 0","timestamp":1700000000123}"#;
    let d = decode_v(v);
    assert_eq!(d.convention, Convention::JsonWrapper);
    assert_eq!(d.original_topic.as_deref(), Some("orders"));
    assert_eq!(d.original_partition, None);
    assert_eq!(d.original_offset, None);
    assert_eq!(d.original_timestamp_ms, Some(1_700_000_000_123));
    assert_eq!(d.error_class, None);
    assert_eq!(d.error_message.as_deref(), Some("ValidationError: amount < 0"));
    assert_eq!(d.replay_value.as_deref(), Some(&br#"{"id":1,"items":[1,2]}"#[..]));
    assert!(d.error_header_names.is_empty());
    assert!(d.replayable());
    assert_eq!(d.error_label(), "ValidationError: amount < 0");
}

#[test]
fn json_wrapper_string_message_is_raw_text() {
    let v = br#"{"originalTopic":"orders","originalMessage":"{\"id\":1}\nline2","error":"x"}"#;
    assert_eq!(decode_v(v).replay_value.as_deref(), Some(&b"{\"id\":1}\nline2"[..]));
}

#[test]
fn json_wrapper_array_and_scalar_messages_are_compact_json() {
    let v = br#"{"originalTopic":"t","originalMessage":[ 1, "a" ,null ]}"#;
    assert_eq!(decode_v(v).replay_value.as_deref(), Some(&br#"[1,"a",null]"#[..]));
    let v = br#"{"originalTopic":"t","originalMessage":42}"#;
    assert_eq!(decode_v(v).replay_value.as_deref(), Some(&b"42"[..]));
    let v = br#"{"originalTopic":"t","originalMessage":true}"#;
    assert_eq!(decode_v(v).replay_value.as_deref(), Some(&b"true"[..]));
}

#[test]
fn json_wrapper_null_message_replays_no_value() {
    let d = decode_v(br#"{"originalTopic":"t","originalMessage":null}"#);
    assert_eq!(d.convention, Convention::JsonWrapper);
    assert_eq!(d.replay_value, None);
    assert!(d.replayable());
}

#[test]
fn json_wrapper_error_object_is_understood() {
    let v = br#"{"originalTopic":"t","originalMessage":"m",
                 "error":{"name":"TypeError","message":"x is undefined","stack":"TypeError: x\n at f"}}"#;
    let d = decode_v(v);
    assert_eq!(d.error_class.as_deref(), Some("TypeError"));
    assert_eq!(d.error_message.as_deref(), Some("x is undefined"));
    assert_eq!(d.stacktrace.as_deref(), Some("TypeError: x\n at f"));
}

#[test]
fn json_wrapper_timestamps() {
    let ts = |t: &str| {
        let v = format!(r#"{{"originalTopic":"t","originalMessage":"m","timestamp":{t}}}"#);
        decode_v(v.as_bytes())
    };
    assert_eq!(ts("1700000000123").original_timestamp_ms, Some(1_700_000_000_123));
    assert_eq!(ts("1700000000123.9").original_timestamp_ms, Some(1_700_000_000_123));
    assert_eq!(ts(r#""1700000000123""#).original_timestamp_ms, Some(1_700_000_000_123));
    assert_eq!(ts(r#""2023-11-14T22:13:20.123Z""#).original_timestamp_ms, Some(1_700_000_000_123));
    assert_eq!(ts("null").original_timestamp_ms, None);
    assert_eq!(ts("-1").original_timestamp_ms, None);
    assert_unknown(&ts("true"), "JSON wrapper field timestamp is not epoch milliseconds");
    assert_unknown(&ts(r#""yesterday""#), "JSON wrapper field timestamp is not epoch milliseconds");
}

#[test]
fn json_wrapper_without_error_labels_unknown() {
    let d = decode_v(br#"{"originalTopic":"t","originalMessage":"m"}"#);
    assert_eq!(d.error_label(), "unknown");
}

#[test]
fn json_wrapper_missing_message_is_unknown() {
    assert_unknown(&decode_v(br#"{"originalTopic":"t","error":"x"}"#), "JSON wrapper has no originalMessage");
}

#[test]
fn json_wrapper_bad_topic_is_unknown() {
    assert_unknown(
        &decode_v(br#"{"originalTopic":42,"originalMessage":"m"}"#),
        "JSON wrapper field originalTopic is not a string",
    );
    assert_unknown(
        &decode_v(br#"{"originalTopic":"","originalMessage":"m"}"#),
        "JSON wrapper field originalTopic is empty",
    );
    assert_unknown(
        &decode_v(br#"{"originalTopic":"a/b","originalMessage":"m"}"#),
        "JSON wrapper field originalTopic is not a legal topic name: \"a/b\"",
    );
}
