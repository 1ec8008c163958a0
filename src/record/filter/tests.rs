//! Tests of record filters: jq programs, the byte-level conditions, and how they combine.

use super::guard::on_eval_thread;
use super::val::{json_to_val, meta_val};
use super::*;
use crate::record::view::RecordView;
use serde_json::json;

fn hdrs(v: &[(&str, Option<&str>)]) -> Vec<(String, Option<Vec<u8>>)> {
    v.iter().map(|(k, v)| (k.to_string(), v.map(|v| v.as_bytes().to_vec()))).collect()
}

fn rec<'a>(key: Option<&'a [u8]>, value: Option<&'a [u8]>, headers: &'a [(String, Option<Vec<u8>>)]) -> RecordView<'a> {
    RecordView {
        topic: "patients",
        partition: 2,
        offset: 77,
        timestamp_ms: Some(1_700_000_000_000),
        timestamp_type: Some(crate::record::view::TimestampType::CreateTime),
        key,
        value,
        headers,
    }
}

fn jq(src: &str) -> RecordFilter {
    RecordFilter { jq: Some(JqFilter::compile(src).expect("compiles")), ..Default::default() }
}

const DOCTOR: &[u8] = br#"{"eventType":"UserCreated","payload":{"role":"doctor","n":3}}"#;
const NURSE: &[u8] = br#"{"eventType":"UserUpdated","payload":{"role":"nurse","n":4}}"#;

#[test]
fn jq_boolean_program() {
    let f = jq(r#".payload.role == "doctor""#);
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::No);
    // Pre-parsed input takes the serde_json::Value path.
    let v: serde_json::Value = serde_json::from_slice(DOCTOR).unwrap();
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), Some(&v)), Match::Yes);
    let j = f.jq.as_ref().unwrap();
    assert_eq!(j.matches(&v, &serde_json::Value::Null), Ok(true));
    assert_eq!(j.matches_bytes(NURSE, &serde_json::Value::Null), Ok(false));
    assert!(j.matches_bytes(b"nope", &serde_json::Value::Null).is_err());
    assert!(!j.uses_meta());
}

#[test]
fn jq_select_program_and_numbers() {
    let f = jq(r#"select(.payload.n > 3 and (.eventType | startswith("User")))"#);
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::No);
    assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::Yes);
    let f = jq("empty");
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::No);
    let f = jq("false, true");
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::No, "first output decides");
    let f = jq(r#"[.payload[]] | length == 2 and (map(tostring) | join(",") == "doctor,3")"#);
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
    let f = jq(r#"test("^u"; "i") | not"#);
    assert_eq!(f.matches(&rec(None, Some(br#""User""#), &[]), None), Match::No);
    let f = jq(".big > 18446744073709551614 and .f == 1.5");
    assert_eq!(f.matches(&rec(None, Some(br#"{"big":18446744073709551615,"f":1.5}"#), &[]), None), Match::Yes);
}

#[test]
fn jq_meta() {
    let h = hdrs(&[("trace", Some("abc")), ("trace", Some("def")), ("nil", None)]);
    let f = jq(r#"select($__meta.key == "u1")"#);
    assert!(f.jq.as_ref().unwrap().uses_meta());
    assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(Some(b"u2"), Some(DOCTOR), &h), None), Match::No);
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &h), None), Match::No);

    let f = jq(concat!(
        r#"$__meta.topic == "patients" and $__meta.partition == 2 and $__meta.offset == 77"#,
        r#" and $__meta.timestamp == 1700000000000 and $__meta.timestamp_type == "CreateTime""#,
        r#" and ([$__meta.headers[] | select(.key == "trace") | .value] == ["abc", "def"])"#,
        r#" and any($__meta.headers[]; .key == "nil" and .value == null) and ($__meta.headers | length) == 3"#
    ));
    assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &h), None), Match::Yes);

    // A tombstone is `null` input, so metadata-only programs still see it.
    let f = jq(r#"$__meta.key == "u1" and . == null"#);
    assert_eq!(f.matches(&rec(Some(b"u1"), None, &h), None), Match::Yes);

    // A tombstone and the value `null` differ in `$__meta.value_encoding`.
    let f = jq(r#". == null and $__meta.value_encoding == null"#);
    assert_eq!(f.matches(&rec(Some(b"u1"), None, &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(Some(b"u1"), Some(b"null"), &h), None), Match::No);

    // meta_json and the internal builder agree; `$__meta` is the record line without the value.
    let h = hdrs(&[("trace", Some("abc")), ("nil", None)]);
    let r = rec(Some(b"u1"), Some(DOCTOR), &h);
    assert_eq!(
        meta_json(&r),
        json!({"topic":"patients","partition":2,"offset":77,"timestamp":1700000000000i64,"timestamp_type":"CreateTime",
               "key":"u1","key_encoding":"text","headers":[{"key":"trace","value":"abc"},{"key":"nil","value":null}],
               "value_encoding":"json"})
    );
    assert_eq!(json_to_val(&meta_json(&r)), meta_val(&r));
    let j = JqFilter::compile(r#"$__meta.headers[0].value == "abc""#).unwrap();
    assert_eq!(j.matches(&json!({}), &meta_json(&r)), Ok(true));
}

#[test]
fn jq_runtime_errors_are_err_and_no_match() {
    let j = JqFilter::compile(".a.b").unwrap();
    let e = j.matches_bytes(br#"{"a":"str"}"#, &serde_json::Value::Null).unwrap_err().to_string();
    assert!(e.contains("cannot index"), "{e}");
    let f = RecordFilter { jq: Some(j), ..Default::default() };
    assert_eq!(f.matches(&rec(None, Some(br#"{"a":"str"}"#), &[]), None), Match::No);

    // Huge values in error messages are cut short.
    let big = format!(r#"{{"a":"{}"}}"#, "x".repeat(100_000));
    let j = JqFilter::compile(".a | .[0]").unwrap();
    let e = j.matches_bytes(big.as_bytes(), &serde_json::Value::Null).unwrap_err().to_string();
    assert!(e.len() < 400 && e.ends_with('…'), "{}", e.len());

    // `halt` must not exit the process.
    let j = JqFilter::compile("halt").unwrap();
    assert!(j.matches_bytes(b"1", &serde_json::Value::Null).unwrap_err().to_string().contains("halt"));
    let j = JqFilter::compile(r#"error("boom")"#).unwrap();
    assert_eq!(j.matches_bytes(b"1", &serde_json::Value::Null), Err(EvalError::Runtime("boom".into())));
    let j = JqFilter::compile(r#"error("\u001b[2J")"#).unwrap();
    assert_eq!(j.matches_bytes(b"1", &serde_json::Value::Null), Err(EvalError::Runtime("\\x1b[2J".into())));
    let j = JqFilter::compile(r#"error({"a":1})"#).unwrap();
    assert_eq!(j.matches_bytes(b"1", &serde_json::Value::Null), Err(EvalError::Runtime(r#"{"a":1}"#.into())));
}

#[test]
fn jq_compile_errors() {
    let e = JqFilter::compile(".a | (").unwrap_err();
    assert!(e.starts_with("jq: syntax error at line 1, column"), "{e}");
    let e = JqFilter::compile(".a ==").unwrap_err();
    assert!(e.contains("syntax error") && e.contains("end of input"), "{e}");
    let e = JqFilter::compile("select(.a == 1))").unwrap_err();
    assert!(e.contains("syntax error"), "{e}");
    let e = JqFilter::compile(r#""unterminated"#).unwrap_err();
    assert!(e.contains("closing quote"), "{e}");
    let e = JqFilter::compile(r#"@json "x"#).unwrap_err();
    assert!(e.contains("syntax error"), "{e}");
    let e = JqFilter::compile(".a |\n  nosuchfn(1)").unwrap_err();
    assert_eq!(e, "jq: undefined filter \"nosuchfn/1\" at line 2, column 3");
    let e = JqFilter::compile("$nope").unwrap_err();
    assert!(e.contains("undefined variable") && e.contains("line 1, column 1"), "{e}");
    let e = JqFilter::compile(r#"import "x" as x; ."#).unwrap_err();
    assert!(e.contains("cannot load module"), "{e}");
    // jq reads an empty program as `.`; jaq does not.
    let e = JqFilter::compile("").unwrap_err();
    assert_eq!(e, "jq: syntax error at line 1, column 1: expected term, found end of input");
}

#[test]
fn jq_non_json_values() {
    let f = jq("true");
    assert_eq!(f.matches(&rec(None, Some(b"plain text"), &[]), None), Match::NotJson);
    assert_eq!(f.matches(&rec(None, Some(b"\xff\xfe"), &[]), None), Match::NotJson);
    assert_eq!(f.matches(&rec(None, Some(b"NaN"), &[]), None), Match::NotJson);
    // Hostile nesting is rejected, not a stack overflow.
    let deep = "[".repeat(200_000);
    assert_eq!(f.matches(&rec(None, Some(deep.as_bytes()), &[]), None), Match::NotJson);
    // ...but cheap conditions that fail first give a plain No.
    let f = RecordFilter { key: Some("k".into()), ..jq("true") };
    assert_eq!(f.matches(&rec(None, Some(b"plain"), &[]), None), Match::No);
}

#[test]
fn key_header_grep() {
    let h = hdrs(&[("source", Some("web")), ("trace", None), ("source", Some("api"))]);
    let f = RecordFilter { key: Some("u1".into()), ..Default::default() };
    assert_eq!(f.matches(&rec(Some(b"u1"), None, &[]), None), Match::Yes);
    assert_eq!(f.matches(&rec(Some(b"u12"), None, &[]), None), Match::No);
    assert_eq!(f.matches(&rec(None, None, &[]), None), Match::No);

    let f = RecordFilter { headers: vec![("source".into(), "api".into())], ..Default::default() };
    assert_eq!(f.matches(&rec(None, None, &h), None), Match::Yes);
    let f = RecordFilter {
        headers: vec![("source".into(), "api".into()), ("trace".into(), "".into())],
        ..Default::default()
    };
    assert_eq!(f.matches(&rec(None, None, &h), None), Match::No, "null header is not an empty string");

    let f = RecordFilter { grep: Some("doctor".into()), ..Default::default() };
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::No);
    assert_eq!(f.matches(&rec(Some(b"doctor-7"), None, &[]), None), Match::Yes, "grep looks at the key too");
    assert_eq!(f.matches(&rec(None, Some(b"\xffdoctor\xfe"), &[]), None), Match::Yes, "binary values");
    assert_eq!(f.matches(&rec(None, Some(b"\xffdocto"), &[]), None), Match::No);

    let f = RecordFilter::default();
    assert!(f.is_empty());
    assert_eq!(f.matches(&rec(None, Some(b"\xff"), &[]), None), Match::Yes);
}

#[test]
fn event_type() {
    let f = RecordFilter { event_type: Some("UserCreated".into()), ..Default::default() };
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::No);
    let v: serde_json::Value = serde_json::from_slice(NURSE).unwrap();
    assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), Some(&v)), Match::No);

    // Header fallback when the value lacks the field, is a tombstone, or is not JSON.
    let h = hdrs(&[("event-type", Some("UserCreated"))]);
    assert_eq!(f.matches(&rec(None, Some(br#"{"id":1}"#), &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, Some(br#"[1,{"eventType":"x"}]"#), &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, None, &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, Some(b"\x08protobuf"), &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(None, Some(NURSE), &h), None), Match::No, "the value's field wins");
    assert_eq!(f.matches(&rec(None, Some(br#"{"id":1}"#), &[]), None), Match::No);
    assert_eq!(f.matches(&rec(None, Some(b"not json"), &[]), None), Match::NotJson);
    assert_eq!(f.matches(&rec(None, None, &[]), None), Match::No);

    // Combined with jq: one parse serves both.
    let f = RecordFilter { event_type: Some("UserCreated".into()), ..jq(".payload.n == 3") };
    assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
    let f = RecordFilter { event_type: Some("3".into()), ..Default::default() };
    assert_eq!(f.matches(&rec(None, Some(br#"{"eventType":3}"#), &[]), None), Match::Yes);
    let f = RecordFilter { event_type: Some("3".into()), ..jq("true") };
    assert_eq!(f.matches(&rec(None, Some(br#"{"eventType":3}"#), &[]), None), Match::Yes);
}

#[test]
fn all_conditions_are_anded() {
    let h = hdrs(&[("source", Some("web"))]);
    let f = RecordFilter {
        jq: Some(JqFilter::compile(r#".payload.role == "doctor""#).unwrap()),
        key: Some("u1".into()),
        headers: vec![("source".into(), "web".into())],
        event_type: Some("UserCreated".into()),
        grep: Some("role".into()),
    };
    assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &h), None), Match::Yes);
    assert_eq!(f.matches(&rec(Some(b"u2"), Some(DOCTOR), &h), None), Match::No);
    assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &[]), None), Match::No);
    assert_eq!(f.matches(&rec(Some(b"u1"), Some(NURSE), &h), None), Match::No);
}

/// Programs built by repeating one construct `n` times, each true on `{}`.
const NESTINGS: &[(&str, fn(usize) -> String)] = &[
    ("parentheses", |n| format!("{}true{}", "(".repeat(n), ")".repeat(n))),
    ("brackets", |n| format!("{}1{} | length == 1", "[".repeat(n), "]".repeat(n))),
    ("if", |n| format!("{}true{}", "if true then ".repeat(n), " end".repeat(n))),
    ("1+", |n| format!("{}1 > 0", "1+".repeat(n))),
    (".a", |n| format!("{} == null", ".a".repeat(n))),
    ("calls", |n| format!("{}true{}", "select(".repeat(n), ")".repeat(n))),
    ("interpolation", |n| format!(r#"{}1{} == "1""#, r#""\("#.repeat(n), r#")""#.repeat(n))),
    ("objects", |n| format!("{}1{} | length == 1", "{a:".repeat(n), "}".repeat(n))),
    ("def", |n| format!("{}true{}", "def f: ".repeat(n), "; f".repeat(n))),
    ("unary minus", |n| format!("{}1 | . * . == 1", "-".repeat(n))),
    ("try", |n| format!("{}true", "try ".repeat(n))),
    ("pipes", |n| format!("{}true", ". | ".repeat(n))),
    ("commas", |n| format!("[{}1] | length > 0", "1,".repeat(n))),
    ("label", |n| format!("{}true", "label $out | ".repeat(n))),
    ("reduce", |n| format!("{}true{}", "reduce 1 as $x (".repeat(n), "; .)".repeat(n))),
];

#[test]
fn programs_at_the_depth_limit_compile_and_run_one_more_level_does_not() {
    for (what, make) in NESTINGS {
        // The most repetitions within the limit: accepted, compiled and evaluated.
        let n = (1..).find(|n| limits::depth(&make(*n)).0 > limits::MAX_DEPTH).unwrap() - 1;
        let at = make(n);
        let depth = limits::depth(&at).0;
        assert!(depth > limits::MAX_DEPTH - 6, "{what}: {n} repetitions are only {depth} deep");
        let f = JqFilter::compile(&at).unwrap_or_else(|e| panic!("{what} x{n}: {e}"));
        assert_eq!(f.matches_bytes(b"{}", &serde_json::Value::Null), Ok(true), "{what} x{n}");
        // One more is a clean error naming the limit.
        let e = JqFilter::compile(&make(n + 1)).unwrap_err();
        assert!(e.contains("evbus accepts at most 2048 levels"), "{what} x{}: {e}", n + 1);
    }
}

#[test]
fn pathological_programs_are_rejected_before_jaq_sees_them() {
    for (what, make) in NESTINGS {
        for n in [10_000, 100_000] {
            let src = make(n);
            if src.len() > limits::MAX_PROGRAM_BYTES {
                assert!(JqFilter::compile(&src).unwrap_err().contains("bytes long"), "{what} x{n}");
            } else {
                assert!(JqFilter::compile(&src).unwrap_err().contains("levels deep"), "{what} x{n}");
            }
        }
    }
    // Unclosed: jaq's lexer would recurse into every bracket before noticing.
    let e = JqFilter::compile(&"(".repeat(60_000)).unwrap_err();
    assert!(e.starts_with("jq: the program is nested 60000 levels deep (deepest at line 1, column 60000)"), "{e}");
}

#[test]
fn runaway_recursion_is_an_error_not_a_crash() {
    for prog in [
        "def f: [f]; f",
        "def f: 1 + f; f",
        "def f: f | f; f",
        "def f: .[f]; f",
        "def f($n): if $n > 0 then 1 + f($n - 1) else 0 end; f(1000000) > 0",
    ] {
        let j = JqFilter::compile(prog).unwrap();
        assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Err(EvalError::TooDeep), "{prog}");
        let f = RecordFilter { jq: Some(j), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(b"0"), &[]), None), Match::Failed(EvalError::TooDeep), "{prog}");
    }
    // Recursion as deep as the data is long: stopped the same way, depending on the input.
    let j =
        JqFilter::compile("def sum($i): if $i < length then .[$i] + sum($i + 1) else 0 end; [range(.)] | sum(0) > 0")
            .unwrap();
    assert_eq!(j.matches_bytes(b"1000", &serde_json::Value::Null), Ok(true));
    assert_eq!(j.matches_bytes(b"1000000", &serde_json::Value::Null), Err(EvalError::TooDeep));
    // ...and the filter still works afterwards, on the same thread and on others.
    let j = JqFilter::compile("def f: if . < 1000 then .+1 | f else . end; f == 1000").unwrap();
    assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Ok(true));
    assert_eq!(
        EvalError::TooDeep.to_string(),
        "the jq program recursed too deeply (it used up the 55 MiB of stack one evaluation may use)"
    );
}

#[test]
fn a_program_building_ever_larger_values_stops_at_the_memory_bound() {
    for prog in [
        "[repeat(1)] | length > 0",
        "reduce range(64) as $i (\"x\"; . + .) | length > 0",
        "[limit(1e12; repeat(\"x\"))] | length > 0",
        "[range(1e12) | [.]] | length > 0",
    ] {
        // 64 MiB rather than the default GiB: the same check, reached in a debug build's second.
        let j = JqFilter::compile(prog).unwrap().with_memory_limit(64 << 20);
        let start = std::time::Instant::now();
        assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Err(EvalError::TooBig), "{prog}");
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "{prog}: {:?}", start.elapsed());
        let f = RecordFilter { jq: Some(j), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(b"0"), &[]), None), Match::Failed(EvalError::TooBig), "{prog}");
    }
    // Under the bound, a large value is fine; and what an evaluation built is freed, so the
    // thread's next evaluation starts afresh.
    let j = JqFilter::compile("[range(1000000)] | length == 1000000").unwrap().with_memory_limit(64 << 20);
    assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Ok(true));
    assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Ok(true));
    assert_eq!(
        EvalError::TooBig.to_string(),
        "the jq program built values larger than the memory one evaluation may hold (--filter-memory)"
    );
}

#[test]
fn fromjson_has_the_record_parsers_depth_limit() {
    let j = JqFilter::compile(r#""[" * 1000000 | fromjson"#).unwrap();
    let e = j.matches_bytes(b"null", &serde_json::Value::Null).unwrap_err().to_string();
    assert!(e.starts_with("cannot parse \"[[[[") && e.contains("recursion limit exceeded"), "{e}");
    let j = JqFilter::compile(r#".s | fromjson | .a == [1, {"b": null}]"#).unwrap();
    assert_eq!(j.matches(&json!({"s": r#"{"a":[1,{"b":null}]}"#}), &serde_json::Value::Null), Ok(true));
    let j = JqFilter::compile("fromjson").unwrap();
    let e = j.matches(&json!(1), &serde_json::Value::Null).unwrap_err().to_string();
    assert_eq!(e, "cannot use 1 as string");
    assert!(j.matches(&json!("1 2"), &serde_json::Value::Null).is_err(), "one value, like jq");
}

#[test]
fn an_interrupt_stops_a_running_program() {
    let j = std::sync::Arc::new(JqFilter::compile("def f: f; f").unwrap());
    let running = {
        let j = std::sync::Arc::clone(&j);
        spawn_eval_thread("looping", move || j.matches_bytes(b"1", &serde_json::Value::Null)).unwrap()
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!running.is_finished(), "the program loops");
    let start = std::time::Instant::now();
    j.interrupter().interrupt();
    assert_eq!(running.join().unwrap(), Err(EvalError::Interrupted));
    assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
    // Interrupted for good: later evaluations stop at once too, and the record filter says so.
    let f = RecordFilter { jq: std::sync::Arc::into_inner(j), ..Default::default() };
    assert_eq!(f.matches(&rec(None, Some(b"1"), &[]), None), Match::Failed(EvalError::Interrupted));
    // Other filters are not affected.
    assert_eq!(JqFilter::compile("true").unwrap().matches_bytes(b"1", &serde_json::Value::Null), Ok(true));
}

#[test]
fn an_interrupt_stops_a_long_range() {
    // `range` is a native generator: it has to look at the interrupt itself.
    let j = std::sync::Arc::new(JqFilter::compile("last(range(1e18)) > 0").unwrap());
    let running = {
        let j = std::sync::Arc::clone(&j);
        spawn_eval_thread("ranging", move || j.matches_bytes(b"1", &serde_json::Value::Null)).unwrap()
    };
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!running.is_finished(), "a billion billion values take a while");
    let start = std::time::Instant::now();
    j.interrupter().interrupt();
    assert_eq!(running.join().unwrap(), Err(EvalError::Interrupted));
    assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
}

#[test]
fn a_panic_inside_an_evaluation_is_the_records_error() {
    // jaq has a few `panic!`s for states it considers impossible; one must not end a long tail.
    let filter = jq::compile_text(".").unwrap();
    let got = on_eval_thread(|| {
        guard::run_guarded(&filter.lut, &Interrupter::default(), memory::MAX_EVAL_BYTES, |_| -> Result<(), EvalError> {
            panic!("boom")
        })
    })
    .unwrap();
    assert_eq!(got, Err(EvalError::Runtime("internal error in jaq while running the program: boom".into())));
}

#[test]
fn a_string_repeated_past_memory_is_an_error_not_an_abort() {
    // jaq-json allocates `len × n` bytes up front; an allocation that fails aborts the process.
    for p in [
        r#""xxxxxxxxxx" * 1000000000000000000 | length > 0"#,
        r#"1000000000000000000 * "xxxxxxxxxx" | length > 0"#,
        r#"("a" | . * 100000000000000000000000) | length > 0"#,
        r#"{s: "ab"} | .s *= 300000000 | .s | length > 0"#,
        r#".s * .n | length > 0"#,
    ] {
        let j = JqFilter::compile(p).unwrap();
        match j.matches(&json!({"s": "xy", "n": 4_000_000_000_000_000_000u64}), &serde_json::Value::Null) {
            Err(EvalError::Runtime(e)) => {
                assert!(e.contains("stops string repetition at 256 MiB"), "{p}: {e}")
            }
            other => panic!("{p}: {other:?}"),
        }
    }
    // Under the bound, `*` is jq's: repetition, null for a count of 0 or less, merge, product.
    for (p, want) in [
        (r#""ab" * 3"#, json!("ababab")),
        (r#"3 * "ab""#, json!("ababab")),
        (r#""ab" * 0"#, json!(null)),
        (r#""ab" * -2"#, json!(null)),
        (r#"{a: {b: 1}} * {a: {c: 2}}"#, json!({"a": {"b": 1, "c": 2}})),
        ("6 * 7", json!(42)),
        ("[.[] * 2]", json!([2, 4])),
        ("{x: 3} | .x *= 5 | .x", json!(15)),
        (r#""x" * 1000000 | length"#, json!(1_000_000)),
    ] {
        let j = JqFilter::compile(&format!("({p}) == {want}")).unwrap();
        assert_eq!(j.matches(&json!([1, 2]), &serde_json::Value::Null), Ok(true), "{p}");
    }
}

#[test]
fn a_program_that_multiplies_reports_errors_in_the_users_text() {
    // The routed program has other columns; errors must point into what the user wrote.
    let e = JqFilter::compile("1 *   foo").unwrap_err();
    assert!(e.contains("undefined filter \"foo/0\" at line 1, column 7"), "{e}");
}

#[test]
fn products_as_deep_as_the_limit_allows_still_compile_and_run_once_routed() {
    // The rewrite nests a call per product (`1*1*1` becomes `_evbus_mul(_evbus_mul(1; 1); 1)`),
    // deeper than the chain `limits` measured: it must still fit the compile and evaluation stacks.
    let chain = format!("{}1 == 1", "1 * ".repeat(limits::MAX_DEPTH - 8));
    let j = JqFilter::compile(&chain).expect("a chain of products at the limit compiles");
    assert_eq!(j.matches(&json!(null), &serde_json::Value::Null), Ok(true));
    let nested =
        format!("{}1{} == 1", "(1 * ".repeat(limits::MAX_DEPTH / 2 - 4), ")".repeat(limits::MAX_DEPTH / 2 - 4));
    let j = JqFilter::compile(&nested).expect("nested products at the limit compile");
    assert_eq!(j.matches(&json!(null), &serde_json::Value::Null), Ok(true));
}

#[test]
fn squaring_an_integer_without_end_is_an_error_not_a_stall() {
    // jaq keeps integers exact: 40 squarings would be a trillion-bit number, computed for
    // minutes without a check in between.
    let j = JqFilter::compile(&format!("3 | {} . > 0", "(. * .) | ".repeat(40))).unwrap();
    let start = std::time::Instant::now();
    match j.matches(&json!(null), &serde_json::Value::Null) {
        Err(EvalError::Runtime(e)) => assert!(e.contains("stops integer products at 1048576 bits"), "{e}"),
        other => panic!("{other:?}"),
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
    let j = JqFilter::compile(&format!("3 | {} . > 0", "(. * .) | ".repeat(10))).unwrap();
    assert_eq!(j.matches(&json!(null), &serde_json::Value::Null), Ok(true), "3^1024 is fine");
}

#[test]
fn range_counts_as_jq_does() {
    for (p, want) in [
        ("range(5)", json!([0, 1, 2, 3, 4])),
        ("range(2; 5)", json!([2, 3, 4])),
        ("range(0; 10; 3)", json!([0, 3, 6, 9])),
        ("range(5; 0; -2)", json!([5, 3, 1])),
        ("range(0; 1; 0.25)", json!([0, 0.25, 0.5, 0.75])),
        ("range(3; 1)", json!([])),
        // The jq manual's example: every $from with every $upto.
        ("range(0, 1; 3, 4)", json!([0, 1, 2, 0, 1, 2, 3, 1, 2, 1, 2, 3])),
    ] {
        let j = JqFilter::compile(&format!("[{p}] == {want}")).unwrap();
        assert_eq!(j.matches(&json!(null), &serde_json::Value::Null), Ok(true), "{p}");
    }
    // A step that cannot be added is an error of the program, not a crash.
    let j = JqFilter::compile(r#"[range(0; 3; "a")] | length > 0"#).unwrap();
    assert!(matches!(j.matches(&json!(null), &serde_json::Value::Null), Err(EvalError::Runtime(_))));
}

#[test]
fn jq_filter_is_shareable() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<JqFilter>();
    send_sync::<RecordFilter>();
}

#[test]
fn header_args() {
    assert_eq!(parse_header_arg("a=b"), Ok(("a".into(), "b".into())));
    assert_eq!(parse_header_arg("a=b=c"), Ok(("a".into(), "b=c".into())));
    assert_eq!(parse_header_arg("a="), Ok(("a".into(), "".into())));
    assert!(parse_header_arg("=b").is_err());
    assert!(parse_header_arg("ab").unwrap_err().contains("NAME=VALUE"));
}
