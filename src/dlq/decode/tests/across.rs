//! What holds across conventions: precedence, unknown records, presentation, robustness.

use proptest::prelude::*;
use serde_json::Value;

use super::super::fields::check_topic;
use super::*;

// ---- precedence between conventions ----

#[test]
fn spring_wins_over_connect() {
    let mut h = connect_full();
    h.extend(spring_full());
    let d = decode_h(&h);
    assert_eq!(d.convention, Convention::Spring);
    assert_eq!(d.original_topic.as_deref(), Some("orders"));
    // Both conventions' headers are stripped.
    assert!(d.error_header_names.contains(&CONNECT_TOPIC.to_owned()));
    assert!(d.error_header_names.contains(&SPRING_ORIGINAL_TOPIC.to_owned()));
}

#[test]
fn malformed_headers_do_not_fall_through_to_the_json_wrapper() {
    let h = vec![hdr(SPRING_ORIGINAL_TOPIC, "")];
    let value = br#"{"originalTopic":"orders","originalMessage":"x"}"#;
    let d = decode(&rec(&h, Some(value)));
    assert_unknown(&d, "header kafka_dlt-original-topic is empty");
}

// ---- Unknown ----

#[test]
fn plain_record_is_unknown() {
    let d = decode_v(b"just text");
    assert_unknown(&d, "no known DLQ headers and the value is not a JSON wrapper");
    assert_eq!(d.replay_value.as_deref(), Some(&b"just text"[..]));
    assert!(d.error_header_names.is_empty());
    assert_eq!(d.error_label(), "unknown");
}

#[test]
fn other_json_is_unknown() {
    for v in [&br#"{"id":1}"#[..], b"[1,2]", b"\"s\"", b"{", b""] {
        assert_unknown(&decode_v(v), "no known DLQ headers and the value is not a JSON wrapper");
    }
}

#[test]
fn record_without_value_or_headers_is_unknown() {
    let h = Vec::new();
    let d = decode(&rec(&h, None));
    assert_unknown(&d, "no known DLQ headers and the record has no value");
    assert_eq!(d.replay_value, None);
}

#[test]
fn unknown_reason_is_only_set_for_unknown() {
    for d in [decode_h(&spring_full()), decode_h(&connect_full()), decode_h(&streams_full())] {
        assert_ne!(d.convention, Convention::Unknown);
        assert_eq!(d.unknown_reason, None);
    }
}

// ---- helpers and presentation ----

#[test]
fn error_label_prefers_class_then_first_message_line() {
    let mut d = decode_h(&spring_full());
    assert_eq!(d.error_label(), "java.lang.IllegalStateException");
    d.error_class = None;
    d.error_message = Some("\n  first line  \nsecond".to_owned());
    assert_eq!(d.error_label(), "first line");
    d.error_message = Some("   ".to_owned());
    assert_eq!(d.error_label(), "unknown");
    d.error_message = None;
    assert_eq!(d.error_label(), "unknown");
}

#[test]
fn empty_error_texts_are_none() {
    let h =
        vec![hdr(SPRING_ORIGINAL_TOPIC, "orders"), hdr(SPRING_EXCEPTION_FQCN, ""), hdr(SPRING_EXCEPTION_MESSAGE, " ")];
    let d = decode_h(&h);
    assert_eq!(d.error_class, None);
    assert_eq!(d.error_message, None);
}

#[test]
fn is_dlq_header_matches_each_convention() {
    for name in [
        SPRING_ORIGINAL_TOPIC,
        "kafka_dlt-something-new",
        "retry_topic-backoff-timestamp",
        CONNECT_STAGE,
        STREAMS_STACKTRACE,
        SMALLRYE_CAUSE_CLASS_NAME,
    ] {
        assert!(is_dlq_header(name), "{name}");
    }
    for name in ["traceparent", "dead-letter-custom", "kafka_receivedTopic", "__connect"] {
        assert!(!is_dlq_header(name), "{name}");
    }
}

#[test]
fn convention_names() {
    let all = [
        Convention::Spring,
        Convention::Connect,
        Convention::Streams,
        Convention::SmallRye,
        Convention::JsonWrapper,
        Convention::Unknown,
    ];
    let json = serde_json::to_string(&all).unwrap();
    assert_eq!(json, r#"["spring","connect","streams","smallrye","json-wrapper","unknown"]"#);
    let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["spring", "connect", "streams", "smallrye", "json-wrapper", "unknown"]);
}

#[test]
fn decoded_serialises_replay_value_as_base64() {
    let d = decode_h(&spring_full());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["replay_value"], "cGF5bG9hZA==");
    assert_eq!(json["convention"], "spring");
    assert_eq!(json["original_partition"], 3);
    let d = decode_v(br#"{"originalTopic":"t","originalMessage":null}"#);
    assert_eq!(serde_json::to_value(&d).unwrap()["replay_value"], Value::Null);
}

// ---- robustness ----

fn any_header() -> impl Strategy<Value = (String, Option<Vec<u8>>)> {
    let names = prop_oneof![
        Just(SPRING_ORIGINAL_TOPIC.to_owned()),
        Just(SPRING_ORIGINAL_PARTITION.to_owned()),
        Just(SPRING_ORIGINAL_OFFSET.to_owned()),
        Just(SPRING_ORIGINAL_TIMESTAMP.to_owned()),
        Just(SPRING_EXCEPTION_MESSAGE.to_owned()),
        Just(CONNECT_TOPIC.to_owned()),
        Just(CONNECT_PARTITION.to_owned()),
        Just(STREAMS_EXCEPTION.to_owned()),
        Just(STREAMS_TOPIC.to_owned()),
        Just(SMALLRYE_TOPIC.to_owned()),
        Just(SMALLRYE_OFFSET.to_owned()),
        "[a-z_.-]{0,12}",
    ];
    let values = prop_oneof![
        proptest::option::of(proptest::collection::vec(any::<u8>(), 0..12)),
        proptest::option::of("[0-9a-z.-]{0,10}".prop_map(String::into_bytes)),
    ];
    (names, values)
}

fn any_value() -> impl Strategy<Value = Option<Vec<u8>>> {
    proptest::option::of(prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        (
            "[a-z.]{0,8}",
            prop_oneof![Just("null"), Just("\"m\""), Just("{\"a\":[1]}"), Just("1.5e3")],
            prop_oneof![Just("1"), Just("\"x\""), Just("-5"), Just("{}"), Just("1e400")],
        )
            .prop_map(|(t, m, ts)| {
                format!(r#"{{"originalTopic":"{t}","originalMessage":{m},"timestamp":{ts}}}"#).into_bytes()
            }),
    ])
}

proptest! {
    #[test]
    fn decode_never_panics_and_is_self_consistent(
        headers in proptest::collection::vec(any_header(), 0..8),
        value in any_value(),
    ) {
        let d = decode(&rec(&headers, value.as_deref()));
        prop_assert_eq!(d.convention == Convention::Unknown, d.unknown_reason.is_some());
        prop_assert_eq!(d.convention == Convention::Unknown, !d.replayable());
        prop_assert!(d.error_header_names.iter().all(|n| is_dlq_header(n)));
        prop_assert!(!d.error_label().is_empty());
        if let Some(t) = &d.original_topic {
            prop_assert!(check_topic("t", t).is_ok());
        }
        prop_assert!(d.original_partition.is_none_or(|p| p >= 0));
        prop_assert!(d.original_offset.is_none_or(|o| o >= 0));
    }
}
