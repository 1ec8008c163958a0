//! The fast path against the jq path: fixed cases, the ones issue 14 found, and a property
//! test over generated records.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::*;
use crate::record::filter::{JqFilter, Match, RecordFilter, spawn_eval_thread};
use crate::record::view::RecordView;

fn view(value: Option<&[u8]>) -> RecordView<'_> {
    RecordView {
        topic: "t",
        partition: 0,
        offset: 0,
        timestamp_ms: None,
        timestamp_type: None,
        key: None,
        value,
        headers: &[],
    }
}

/// `prog` as evbus uses it (with the fast path) and with jq alone.
fn both(prog: &str) -> (RecordFilter, RecordFilter) {
    let fast = JqFilter::compile(prog).unwrap();
    assert!(fast.is_fast(), "{prog} should take the fast path");
    let mut slow = JqFilter::compile(prog).unwrap();
    slow.fast = None;
    (RecordFilter { jq: Some(fast), ..Default::default() }, RecordFilter { jq: Some(slow), ..Default::default() })
}

/// Every way a caller asks gets the same answer: tail's `RecordFilter::matches` and dlq's
/// `matches_record`; and the fast path itself never answers where jq does not say plainly
/// true or false.
fn agree(prog: &str, with: &RecordFilter, without: &RecordFilter, value: Option<&[u8]>) -> Result<(), String> {
    let shown = || format!("{prog} on {:?}", value.map(String::from_utf8_lossy));
    let rec = view(value);
    let (a, b) = (with.matches(&rec, None), without.matches(&rec, None));
    if a != b {
        return Err(format!("RecordFilter: fast {a:?}, jq {b:?}: {}", shown()));
    }
    let (fast, slow) = (with.jq.as_ref().unwrap(), without.jq.as_ref().unwrap());
    let (a, b) = (fast.matches_record(&rec, None), slow.matches_record(&rec, None));
    if a != b {
        return Err(format!("matches_record: fast {a:?}, jq {b:?}: {}", shown()));
    }
    if let Some(answer) = fast.fast.as_ref().and_then(|f| f.eval(value))
        && b != Ok(Some(answer))
    {
        return Err(format!("the fast path answered {answer}, jq {b:?}: {}", shown()));
    }
    Ok(())
}

#[test]
fn fast_filter_parses_only_plain_comparisons() {
    let f = FastEq::parse(r#" .payload.role == "doctor" "#).unwrap();
    assert_eq!(
        f,
        FastEq { path: vec!["payload".into(), "role".into()], negate: false, lit: Lit::Str("doctor".into()) }
    );
    assert_eq!(FastEq::parse(".a!=null").unwrap().lit, Lit::Null);
    assert!(FastEq::parse(".a != true").unwrap().negate);
    for other in [
        ".a == 1",
        r#".a == "x\ny""#,
        r#".a == "x" and .b == "y""#,
        r#".a.b[0] == "x""#,
        r#". == "x""#,
        r#".a? == "x""#,
        ".a == .b",
        r#"$__meta.key == "x""#,
        r#".and == "x""#,
        r#".a == "x" | not"#,
        r#".a == "x" == true"#,
        r#".a == "x\(.b)""#,
        r#".1a == "x""#,
        r#".a == "x" or true"#,
    ] {
        assert_eq!(FastEq::parse(other), None, "{other}");
    }
}

#[test]
fn fast_filter_agrees_with_jq() {
    let programs = [
        r#".payload.role == "doctor""#,
        r#".payload.role != "doctor""#,
        r#".role == "doctor""#,
        r#".a.b.c == "x""#,
        ".a == null",
        ".a != null",
        ".a.b == true",
        ".a.b != false",
        r#".a == """#,
    ];
    let docs: &[&[u8]] = &[
        br#"{"payload":{"role":"doctor"}}"#,
        br#"{"payload":{"role":"nurse"},"role":"doctor"}"#,
        br#"{"payload":{"role":"doc\u0074or"}}"#,
        br#"{"pay\u006coad":{"role":"doctor"}}"#,
        br#"{"payload":{"role":"doctor"},"payload":{"role":"nurse"}}"#,
        br#"{"payload":{"role":"nurse"},"payload":{"role":"doctor"}}"#,
        br#"{"payload":"doctor"}"#,
        br#"{"payload":[{"role":"doctor"}]}"#,
        br#"{"payload":null}"#,
        br#"{"payload":{"role":null}}"#,
        br#"{"payload":{"role":["doctor"]}}"#,
        br#"{"payload":{"role":{"doctor":1}}}"#,
        br#"{"a":{"b":true}}"#,
        br#"{"a":{"b":false,"c":"x"}}"#,
        br#"{"a":{"b":{"c":"x"}}}"#,
        br#"{"a":{"b":{"c":"x","c":1}}}"#,
        br#"{"a":""}"#,
        br#"{"a":1}"#,
        br#"{"a":1.5e3}"#,
        br#"{}"#,
        b"null",
        b"  null  ",
        b"[]",
        b"[1,2]",
        br#""doctor""#,
        b"42",
        b"true",
        b"{\"a\":\"\xff\"}",
        b"{\"a\":1,\"b\":\"\xff\"}",
        br#"{"a":1"#,
        b"{}{}",
        b"not json",
        b"",
        br#"{"payload":{"role":"doctor"}} x"#,
        // Skipped fields that the jq path rejects (issue 14): the fast path must not answer.
        br#"{"x":1e400,"role":"doctor","payload":{"role":"doctor"}}"#,
        br#"{"role":"doctor","x":-1E+999}"#,
        br#"{"x":"\ud800","role":"doctor"}"#,
        br#"{"role":"doctor","payload":{"x":"a\udc00b","role":"doctor"}}"#,
        br#"{"\ud800":1,"role":"doctor"}"#,
        br#"{"role":"doctor","x":"\q"}"#,
        b"{\"role\":\"doctor\",\"x\":\"\x01\"}",
        b"{\"role\":\"doctor\",\"x\":\"\xc3\"}",
        br#"{"role":"doctor","x":01}"#,
        // ...and what it accepts: a valid pair, tiny and long numbers, 1.0 and 1e0.
        br#"{"x":"\ud800\udc00","role":"doctor"}"#,
        br#"{"x":[1e-400,1.0,1e0,-0,123456789012345678901234567890],"role":"doctor"}"#,
    ];
    // Nesting around serde_json's limit, in a skipped field and on the path.
    let deep = |n: usize, inner: &str| format!(r#"{{"role":"doctor","x":{}{inner}{}}}"#, "[".repeat(n), "]".repeat(n));
    let mut owned: Vec<Vec<u8>> = (120..135).map(|n| deep(n, "1").into_bytes()).collect();
    owned.push(deep(126, r#"{"role":"doctor"}"#).into_bytes());
    owned.push(format!(r#"{}"doctor"{}"#, r#"{"role":"#.repeat(130), "}".repeat(130)).into_bytes());
    for prog in programs {
        let (with, without) = both(prog);
        let values = docs.iter().copied().chain(owned.iter().map(Vec::as_slice)).map(Some).chain([None]);
        for value in values {
            agree(prog, &with, &without, value).unwrap();
        }
    }
}

#[test]
fn issue_14_parenthesised_and_plain_programs_select_the_same_records() {
    let plain = RecordFilter { jq: Some(JqFilter::compile(r#".role == "doctor""#).unwrap()), ..Default::default() };
    let parens = RecordFilter { jq: Some(JqFilter::compile(r#"(.role == "doctor")"#).unwrap()), ..Default::default() };
    assert!(plain.jq.as_ref().unwrap().is_fast() && !parens.jq.as_ref().unwrap().is_fast());
    for (doc, want) in [
        (&br#"{"role":"doctor"}"#[..], Match::Yes),
        (br#"{"x":1e400,"role":"doctor"}"#, Match::NotJson),
        (br#"{"x":"\ud800","role":"doctor"}"#, Match::NotJson),
        (br#"{"role":"doctor","role":"nurse"}"#, Match::No),
        (br#"{"role":"nurse","role":"doctor"}"#, Match::Yes),
        (br#"{"r\u006fle":"doctor"}"#, Match::Yes),
    ] {
        let rec = view(Some(doc));
        assert_eq!(plain.matches(&rec, None), want, "{}", String::from_utf8_lossy(doc));
        assert_eq!(parens.matches(&rec, None), want, "{}", String::from_utf8_lossy(doc));
    }
}

#[test]
fn errors_on_the_path_are_jqs_own() {
    let (with, without) = both(r#".a.b == "x""#);
    let (fast, slow) = (with.jq.unwrap(), without.jq.unwrap());
    let rec = view(Some(br#"{"a":"str"}"#));
    assert_eq!(fast.fast.as_ref().unwrap().eval(rec.value), None, "deferred to jq");
    let e = fast.matches_record(&rec, None).unwrap_err();
    assert!(e.to_string().contains("cannot index"), "{e}");
    assert_eq!(Err(e), slow.matches_record(&rec, None));
}

// ---- property test ----

/// Every fast program over the keys the generated records use.
fn programs() -> &'static [(String, RecordFilter, RecordFilter)] {
    static PROGRAMS: std::sync::OnceLock<Vec<(String, RecordFilter, RecordFilter)>> = std::sync::OnceLock::new();
    PROGRAMS.get_or_init(|| {
        let paths = [".a", ".b", ".role", ".payload.role", ".a.b", ".payload"];
        let lits = [r#""doctor""#, r#""""#, r#""x""#, "true", "false", "null"];
        let mut out = Vec::new();
        for path in paths {
            for op in ["==", " != "] {
                for lit in lits {
                    let prog = format!("{path}{op}{lit}");
                    let (with, without) = both(&prog);
                    out.push((prog, with, without));
                }
            }
        }
        out
    })
}

/// Pieces of JSON where a parser that skips could be more lenient than one that builds values.
fn leaf() -> impl Strategy<Value = String> {
    const FIXED: &[&str] = &[
        r#""doctor""#,
        r#""x""#,
        r#""""#,
        r#""doc\u0074or""#,
        r#""\ud800""#,
        r#""\udc00x""#,
        r#""\ud800\udc00""#,
        r#""\/""#,
        r#""\q""#,
        "\"\u{1}\"",
        "\"é\"",
        "1",
        "1.0",
        "1e0",
        "-0",
        "1e400",
        "-1E+999",
        "1e-400",
        "18446744073709551616",
        "123456789012345678901234567890e300",
        "01",
        "1.",
        ".5",
        "true",
        "false",
        "null",
        "nul",
    ];
    prop_oneof![
        8 => proptest::sample::select(FIXED).prop_map(str::to_owned),
        // Around serde_json's nesting limit (128), counting the levels above this leaf.
        1 => (118usize..132).prop_map(|n| format!("{}1{}", "[".repeat(n), "]".repeat(n))),
    ]
}

fn key() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(
        &[
            r#""a""#,
            r#""b""#,
            r#""role""#,
            r#""payload""#,
            r#""r\u006fle""#,
            r#""pay\u006coad""#,
            r#""\ud800""#,
            r#""x""#,
            r#""""#,
        ][..],
    )
}

/// A JSON text built from [`leaf`]s, often with repeated keys; then sometimes cut short,
/// followed by more text, or given a byte anywhere (not UTF-8, a control character, a quote).
fn record() -> impl Strategy<Value = Option<Vec<u8>>> {
    let tree = leaf().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec((key(), inner.clone()), 0..5).prop_map(|fields| {
                let fields: Vec<String> = fields.into_iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
            proptest::collection::vec(inner, 0..4).prop_map(|items| format!("[{}]", items.join(","))),
        ]
    });
    let mutated = (tree, 0u8..10, any::<prop::sample::Index>(), any::<u8>()).prop_map(|(text, how, at, byte)| {
        let mut b = text.into_bytes();
        let at = at.index(b.len() + 1);
        match how {
            0 => b.truncate(at),
            1 => b.extend_from_slice(b" {}"),
            2 => b.insert(at, byte),
            3 => b.insert(at, 0xff),
            4 => b.splice(0..0, *b" \n\t").for_each(drop),
            _ => {}
        }
        b
    });
    prop_oneof![20 => mutated.prop_map(Some), 1 => Just(None)]
}

#[test]
fn fast_path_agrees_with_jq() {
    // The whole run on one evaluation thread, instead of a thread per jq evaluation.
    let run = spawn_eval_thread("evbus-fast-proptest", || {
        let config = Config { cases: 4000, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new(config);
        let programs = programs();
        let result = runner.run(&(0..programs.len(), record()), |(p, value)| {
            let (prog, with, without) = &programs[p];
            agree(prog, with, without, value.as_deref()).map_err(TestCaseError::fail)
        });
        result.map_err(|e| e.to_string())
    })
    .unwrap();
    run.join().unwrap().unwrap();
}
