//! Tests of the three printed formats.

use super::pretty::reindent_json;
use super::*;
use crate::record::view::{RecordView, TimestampType};

fn hdrs(v: &[(&str, Option<&[u8]>)]) -> Vec<(String, Option<Vec<u8>>)> {
    v.iter().map(|(k, v)| (k.to_string(), v.map(<[u8]>::to_vec))).collect()
}

fn rec<'a>(key: Option<&'a [u8]>, value: Option<&'a [u8]>, headers: &'a [(String, Option<Vec<u8>>)]) -> RecordView<'a> {
    RecordView {
        topic: "orders",
        partition: 3,
        offset: 1042,
        timestamp_ms: Some(1_795_608_000_123),
        timestamp_type: Some(TimestampType::CreateTime),
        key,
        value,
        headers,
    }
}

fn line(r: &RecordView) -> String {
    let mut out = Vec::new();
    to_json_line(r, &mut out);
    let s = String::from_utf8(out).expect("utf8");
    assert!(s.ends_with('\n'));
    assert_eq!(s.matches('\n').count(), 1, "one line: {s}");
    serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON line");
    s
}

/// The line's fields from `"key"` on, for comparing what changes between cases.
fn from_key(r: &RecordView) -> String {
    let l = line(r);
    l[l.find(",\"key\":").expect("key") + 1..].trim_end().to_owned()
}

#[test]
fn json_line_json_value_with_headers_in_order() {
    let h = hdrs(&[
        ("content-type", Some(b"application/json")),
        ("trace", None),
        ("bin", Some(b"\xff\x00")),
        ("trace", Some(b"")),
    ]);
    let r = rec(Some(b"u1"), Some(br#"{"id":1,"payload":{"role":"doctor"}}"#), &h);
    assert_eq!(
        line(&r),
        concat!(
            r#"{"format":2,"topic":"orders","partition":3,"offset":1042,"timestamp":1795608000123,"#,
            r#""timestamp_type":"CreateTime","key":"u1","key_encoding":"text","#,
            r#""headers":[{"key":"content-type","value":"application/json"},{"key":"trace","value":null},"#,
            r#"{"key":"bin","value":"/wA=","encoding":"base64"},{"key":"trace","value":""}],"#,
            r#""value":{"id":1,"payload":{"role":"doctor"}},"value_encoding":"json"}"#,
            "\n"
        )
    );
}

#[test]
fn json_line_tombstone_is_the_only_null_value() {
    let h = [];
    assert_eq!(
        from_key(&rec(Some(b"u1"), None, &h)),
        r#""key":"u1","key_encoding":"text","headers":[],"value":null,"value_encoding":null}"#
    );
    // The four bytes `null` are a value, not a tombstone; likewise for keys.
    assert_eq!(
        from_key(&rec(None, Some(b"null"), &h)),
        r#""key":null,"key_encoding":null,"headers":[],"value":"null","value_encoding":"text"}"#
    );
    assert!(from_key(&rec(Some(b"null"), Some(b"1"), &h)).starts_with(r#""key":"null","key_encoding":"text","#));
}

#[test]
fn json_line_says_what_each_value_is() {
    let h = [];
    let value = |v: &[u8]| {
        let l = from_key(&rec(None, Some(v), &h));
        l[l.find("\"value\":").unwrap()..].to_owned()
    };
    // A JSON string and the same text unquoted; an empty value and the JSON `""`.
    assert_eq!(value(br#""x""#), r#""value":"x","value_encoding":"json"}"#);
    assert_eq!(value(b"x"), r#""value":"x","value_encoding":"text"}"#);
    assert_eq!(value(b""), r#""value":"","value_encoding":"text"}"#);
    assert_eq!(value(br#""""#), r#""value":"","value_encoding":"json"}"#);
    assert_eq!(
        value(b"hello \"world\"\n\x1b[31m"),
        r#""value":"hello \"world\"\n\u001b[31m","value_encoding":"text"}"#
    );
    // Almost-JSON, and JSON that would not come back byte for byte if embedded, are text.
    assert_eq!(value(b"{\"a\":1"), r#""value":"{\"a\":1","value_encoding":"text"}"#);
    assert_eq!(value(b"{\"a\":1}\n"), r#""value":"{\"a\":1}\n","value_encoding":"text"}"#);
    assert_eq!(value(b"  {\n \"a\": [1,\r\n 2]}"), r#""value":"  {\n \"a\": [1,\r\n 2]}","value_encoding":"text"}"#);
    // JSON is embedded verbatim: spacing, number spelling and key order kept.
    assert_eq!(value(b"{\"b\": 1.50, \"a\":1e2}"), r#""value":{"b": 1.50, "a":1e2},"value_encoding":"json"}"#);
    // Not UTF-8, including JSON-looking bytes with invalid UTF-8 inside a string.
    assert_eq!(value(b"\x00\xff\xfe"), r#""value":"AP/+","value_encoding":"base64"}"#);
    assert_eq!(value(b"\"\xff\""), r#""value":"Iv8i","value_encoding":"base64"}"#);
}

#[test]
fn json_line_timestamp_types() {
    let h = [];
    let r = RecordView { timestamp_type: Some(TimestampType::LogAppendTime), ..rec(None, None, &h) };
    assert!(line(&r).contains(r#""timestamp":1795608000123,"timestamp_type":"LogAppendTime","#));
    let r = RecordView { timestamp_ms: None, timestamp_type: None, ..rec(None, None, &h) };
    assert!(line(&r).contains(r#""timestamp":null,"timestamp_type":null,"#));
}

#[test]
fn json_line_non_utf8_key_and_extra_fields() {
    let h = [];
    let r = rec(Some(b"\xc3\x28"), Some(b"1"), &h);
    let mut out = Vec::new();
    to_json_line_with(&r, &[("invalid", serde_json::json!("missing \"id\"")), ("n", serde_json::json!(2))], &mut out);
    let s = String::from_utf8(out).unwrap();
    assert!(
        s.ends_with(concat!(
            r#""key":"wyg=","key_encoding":"base64","headers":[],"value":1,"value_encoding":"json","#,
            r#""invalid":"missing \"id\"","n":2}"#,
            "\n"
        )),
        "{s}"
    );
}

#[test]
fn json_line_for_a_terminal_escapes_bidi_and_c1_and_stays_the_same_json() {
    let h = hdrs(&[("h\u{2067}", Some("v\u{9b}".as_bytes()))]);
    let value = "{\"name\":\"invoice\u{202e}fdp.exe\",\"n\":1}";
    let r = RecordView { topic: "t\u{200f}", ..rec(Some("k\u{7f}".as_bytes()), Some(value.as_bytes()), &h) };
    let mut plain = b"previous line\n".to_vec();
    let start = plain.len();
    to_json_line(&r, &mut plain);
    let mut tty = plain.clone();
    escape_json_for_terminal(&mut tty, start);
    let tty = String::from_utf8(tty).unwrap();
    assert!(tty.starts_with("previous line\n"));
    for bad in ['\u{202e}', '\u{9b}', '\u{7f}', '\u{200f}', '\u{2067}'] {
        assert!(!tty.contains(bad), "{bad:?} in {tty}");
    }
    assert!(tty.contains(r#""name":"invoice\u202efdp.exe""#), "{tty}");
    let line = |s: &str| serde_json::from_str::<serde_json::Value>(s.lines().nth(1).unwrap()).unwrap();
    assert_eq!(line(&tty), line(&String::from_utf8(plain).unwrap()));
}

#[test]
fn json_str_writes_the_bytes_serde_json_writes() {
    let mut every_ascii = String::new();
    for c in 0u8..0x80 {
        every_ascii.push(char::from(c));
    }
    for s in [every_ascii.as_str(), "", "plain", "ü🎉\u{202e}\u{85}\u{2028}", "a\"b\\c\u{1f}"] {
        let mut ours = Vec::new();
        push_json_str(&mut ours, s);
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
    }
}

#[test]
fn json_str_escaping_matches_serde() {
    for s in ["", "plain", "q\"b\\s", "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}", "ü🎉\u{202e}"] {
        let mut out = Vec::new();
        push_json_str(&mut out, s);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, s);
    }
}

#[test]
fn template_tokens_and_escapes() {
    let h = hdrs(&[("a", Some(b"1")), ("b", None)]);
    let r = rec(Some(b"k1"), Some(b"v\x00v"), &h);
    let t = template("%t|%p|%o|%k|%s|%S|%K|%T|%h|100%%\\t\\\\\\n").unwrap();
    let mut out = Vec::new();
    t.render(&r, &mut out);
    assert_eq!(out, b"orders|3|1042|k1|v\x00v|3|2|1795608000123|a=1,b=|100%\t\\\n");

    let r2 = RecordView { timestamp_ms: None, timestamp_type: None, ..rec(None, None, &[]) };
    let mut out = Vec::new();
    template("[%k][%s] %K %S %T %h\\r").unwrap().render(&r2, &mut out);
    assert_eq!(out, b"[][] -1 -1 -1 \r");
}

#[test]
fn template_errors_name_the_token() {
    let e = template("%t %x").unwrap_err();
    assert!(e.contains("'%x'"), "{e}");
    let e = template("%R").unwrap_err();
    assert!(e.contains("'%R'"), "{e}");
    assert!(template("abc%").unwrap_err().contains("lone '%'"));
    assert!(template("a\\q").unwrap_err().contains("'\\q'"));
    assert!(template("a\\").is_err());
    assert!(template("%\u{1b}").unwrap_err().contains("\\x1b"));
    assert_eq!(template("").unwrap().parts, vec![]);
}

#[test]
fn template_for_terminal_sanitizes_data_only() {
    let h = hdrs(&[("x\x1b", Some(b"\x1b[2J"))]);
    let r = rec(Some(b"\x1b]0;t\x07"), Some(b"line1\nline2\x1b[31m\xff"), &h);
    let mut out = Vec::new();
    template("%k\\t%s %h\\n").unwrap().render_for_terminal(&r, &mut out);
    assert_eq!(String::from_utf8(out).unwrap(), "\\x1b]0;t\\x07\tline1\nline2\\x1b[31m\\xff x\\x1b=\\x1b[2J\n");
}

fn pretty_str(r: &RecordView, opts: &PrettyOpts) -> String {
    let mut s = String::new();
    pretty(r, opts, &mut s);
    s
}

#[test]
fn pretty_json_layout() {
    let h = hdrs(&[("content-type", Some(b"application/json")), ("n", None)]);
    let r = rec(Some(b"u1"), Some(br#"{"b":1,"a":[1, 2.50,{}],"e":[],"s":"x,y:{z}\"q"}"#), &h);
    assert_eq!(
        pretty_str(&r, &PrettyOpts::default()),
        concat!(
            "orders[3]@1042  2026-11-25T12:00:00.123Z  key=u1\n",
            "  content-type: application/json\n",
            "  n: (null)\n",
            "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2.50,\n    {}\n  ],\n  \"e\": [],\n  \"s\": \"x,y:{z}\\\"q\"\n}\n",
        )
    );
}

#[test]
fn pretty_escapes_everything_untrusted() {
    let h = hdrs(&[("h\u{202e}", Some(b"\x1b[2J"))]);
    let r = RecordView {
        topic: "t\x1b[31m",
        key: Some(b"k\x1b]0;x\x07"),
        value: Some("{\"a\":\"\u{202e}\u{9b}\\u001b\u{7f}\"}".as_bytes()),
        headers: &h,
        ..rec(None, None, &[])
    };
    let out = pretty_str(&r, &PrettyOpts { invalid: Some("bad \x1b[0m value".into()), ..Default::default() });
    for bad in ['\x1b', '\x07', '\u{202e}', '\u{9b}', '\u{7f}'] {
        assert!(!out.contains(bad), "{bad:?} in {out}");
    }
    assert!(out.starts_with("t\\x1b[31m[3]@1042"), "{out}");
    assert!(out.contains("key=k\\x1b]0;x\\x07"));
    assert!(out.contains("✗ invalid: bad \\x1b[0m value\n"));
    assert!(out.contains("  h\\u{202e}: \\x1b[2J\n"));
    assert!(out.contains("\"a\": \"\\u{202e}\\u{009b}\\u001b\\x7f\""), "{out}");

    let r = rec(None, Some(b"text\r\nwith\tcontrols\x1b[1m\xff"), &[]);
    let out = pretty_str(&r, &PrettyOpts::default());
    assert!(out.ends_with("key=(null)\ntext\\r\nwith\tcontrols\\x1b[1m\\xff\n"), "{out}");
}

#[test]
fn pretty_color_only_for_decorations() {
    let r = rec(Some(b"k"), Some(b"v"), &[]);
    let out = pretty_str(&r, &PrettyOpts { color: true, invalid: Some("x".into()), ..Default::default() });
    assert!(out.starts_with("\x1b[1;36morders[3]@1042\x1b[0m"), "{out:?}");
    assert!(out.contains("\x1b[1;31m✗ invalid: x\x1b[0m\n"));
    assert!(out.ends_with("\nv\n"));
}

#[test]
fn pretty_truncation() {
    let big = "x".repeat(3 * 1024 * 1024 / 2 + 100);
    let r = rec(None, Some(big.as_bytes()), &[]);
    let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 10, ..Default::default() });
    assert!(out.ends_with("\nxxxxxxxxxx\n… [truncated, 1.5 MiB total; use --full]\n"), "{out}");
    let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 10, full: true, ..Default::default() });
    assert!(!out.contains("truncated"));
    assert!(out.len() > big.len());

    // Never split a UTF-8 character.
    let r = rec(None, Some("ééééé".as_bytes()), &[]);
    let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 3, ..Default::default() });
    assert!(out.contains("\né\n… [truncated, 10 B total; use --full]\n"), "{out}");

    // JSON: truncated after re-indenting, marker reports the raw size.
    let json = format!("[{}1]", "1,".repeat(5000));
    let r = rec(None, Some(json.as_bytes()), &[]);
    let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 20, ..Default::default() });
    assert!(out.ends_with("key=(null)\n[\n  1,\n  1,\n  1,\n  1\n… [truncated, 9.8 KiB total; use --full]\n"), "{out}");

    // Small JSON may expand beyond the limit when indented; it is not truncated.
    let r = rec(None, Some(b"[1,2,3]"), &[]);
    let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 7, ..Default::default() });
    assert!(out.ends_with("[\n  1,\n  2,\n  3\n]\n"), "{out}");
}

#[test]
fn pretty_tombstone_empty_binary_and_timestamps() {
    let r = RecordView { timestamp_ms: None, timestamp_type: None, ..rec(None, None, &[]) };
    assert_eq!(
        pretty_str(&r, &PrettyOpts::default()),
        "orders[3]@1042  (no timestamp)  key=(null)\n(tombstone: null value)\n"
    );
    let r = RecordView { timestamp_ms: Some(i64::MAX), ..rec(None, Some(b""), &[]) };
    assert_eq!(
        pretty_str(&r, &PrettyOpts::default()),
        format!("orders[3]@1042  ts={}ms  key=(null)\n(empty value)\n", i64::MAX)
    );
    let r = rec(None, Some(b"\x00\x01\xff\n"), &[]);
    assert!(pretty_str(&r, &PrettyOpts::default()).ends_with("key=(null)\n\\x00\\x01\\xff\n"));
}

#[test]
fn reindent_deep_nesting_does_not_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut out = String::new();
    reindent_json(&deep, 1000, &mut out);
    assert!(out.len() <= 1000);
    let r = rec(None, Some(deep.as_bytes()), &[]);
    let mut v = Vec::new();
    to_json_line(&r, &mut v);
    assert!(v.ends_with(b"\n"));
}

#[test]
fn human_sizes() {
    assert_eq!(human_size(0), "0 B");
    assert_eq!(human_size(1023), "1023 B");
    assert_eq!(human_size(1024), "1.0 KiB");
    assert_eq!(human_size(1_258_291), "1.2 MiB");
}
