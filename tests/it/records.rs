//! The record format (issue 22): `tail -o json` says exactly what each record is, and
//! `produce --records` writes it back byte for byte, so a tail piped into a produce copies a topic.
//! Records are written and read back with rdkafka (the harness), never with evbus's own parser.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseRecord, Producer as _};
use serde_json::{Value, json};

use crate::common::*;

/// One generated record: what the harness writes to the source topic.
#[derive(Debug, Clone)]
struct Gen {
    partition: i32,
    timestamp: i64,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
}

/// Keys, values and header values that have tripped record formats: null, empty, the text
/// `null`, JSON strings next to the same text unquoted, JSON with spacing or line breaks,
/// invalid UTF-8 (also inside a JSON string), and anything else.
fn bytes() -> impl Strategy<Value = Option<Vec<u8>>> {
    let fixed: Vec<&'static [u8]> = vec![
        b"",
        b"null",
        b" null",
        b"\"\"",
        b"\"x\"",
        b"x",
        b"{\"a\":1}",
        b"{\"a\": 1.50, \"a\":[true]}",
        b"{\"a\":1}\n",
        b"[1,\r\n2]",
        b"1e2",
        b"\"\xff\"",
        b"\xff\x00\xfe",
        "\u{202e}é\u{0}".as_bytes(),
    ];
    prop_oneof![
        2 => Just(None),
        4 => proptest::sample::select(fixed).prop_map(|b| Some(b.to_vec())),
        2 => proptest::collection::vec(any::<u8>(), 0..24).prop_map(Some),
        2 => "\\PC{0,16}".prop_map(|s| Some(s.into_bytes())),
    ]
}

fn header() -> impl Strategy<Value = (String, Option<Vec<u8>>)> {
    // Few names, so that repeats are common; no NUL (librdkafka's names are C strings).
    (proptest::sample::select(vec!["a", "b", "dup", "x y", "é"]), bytes()).prop_map(|(k, v)| (k.to_owned(), v))
}

fn record() -> impl Strategy<Value = Gen> {
    // Timestamps within the last ten years: brokers may refuse ones too far ahead.
    let now = now_ms();
    (0..2i32, (now - 315_360_000_000)..now, bytes(), bytes(), proptest::collection::vec(header(), 0..5))
        .prop_map(|(partition, timestamp, key, value, headers)| Gen { partition, timestamp, key, value, headers })
}

/// Writes `recs` with the harness's producer, each with its own partition and CreateTime.
fn write(b: &Broker, topic: &str, recs: &[Gen]) {
    let p = b.producer();
    for r in recs {
        let mut hs = OwnedHeaders::new();
        for (k, v) in &r.headers {
            hs = hs.insert(Header { key: k, value: v.as_deref() });
        }
        let mut rec: BaseRecord<[u8], [u8]> =
            BaseRecord::to(topic).partition(r.partition).timestamp(r.timestamp).headers(hs);
        if let Some(k) = &r.key {
            rec = rec.key(k.as_slice());
        }
        if let Some(v) = &r.value {
            rec = rec.payload(v.as_slice());
        }
        p.send(rec).map_err(|(e, _)| e).unwrap();
    }
    p.flush(Duration::from_secs(30)).unwrap();
}

/// `evbus -b BOOTSTRAP tail TOPICS --from beginning --exit -o json`: its stdout.
fn tail_json(b: &Broker, bootstrap: &str, topics: &[&str]) -> Vec<u8> {
    let out = evbus_cmd()
        .current_dir(b.dir.path())
        .args(["-b", bootstrap, "tail"])
        .args(topics)
        .args(["--from", "beginning", "--exit", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "tail failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// `evbus -b BOOTSTRAP produce TOPIC --records - ARGS` with `input` on stdin: (exit code, stderr).
fn produce_records(b: &Broker, bootstrap: &str, topic: &str, args: &[&str], input: &[u8]) -> (Option<i32>, String) {
    let out = evbus_cmd()
        .current_dir(b.dir.path())
        .args(["-b", bootstrap, "produce", topic, "--records", "-", "--create"])
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The record format's JSON Schema, from docs/.
fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo_root().join("docs/record-format.schema.json")).unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
}

fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8(stdout.to_vec())
        .expect("JSON lines are UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// Random records, both timestamp types, through tail → produce --records → the harness's
/// reader: the same bytes, headers in order, timestamps and partitions. Each case is one batch of
/// records through one tail and one produce, so that few evbus processes run.
#[test]
fn tail_then_produce_records_copies_any_record_exactly() {
    let b = Broker::start();
    let validator = schema();
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/it-records.txt"))),
        ..Config::default()
    });
    runner
        .run(&proptest::collection::vec(record(), 60..120), |recs| {
            let create = b.unique("rec-create");
            let append = b.unique("rec-append");
            let copy = b.unique("rec-copy");
            // Kept forever: the generated CreateTimes go back ten years, and the broker's retention
            // (7 days by default, checked every 5 s here) deleted such records between the
            // write and the read (low watermark = high) once the broker had been up for 30 s.
            let forever = ("retention.ms", "-1");
            b.create_topic_with(&create, 2, &[forever]);
            b.create_topic_with(&copy, 2, &[forever]);
            b.create_topic_with(&append, 2, &[("message.timestamp.type", "LogAppendTime"), forever]);
            write(&b, &create, &recs);
            write(&b, &append, &recs);
            let source: Vec<(String, ReadRecord)> =
                [&create, &append].iter().flat_map(|t| b.read_all(t).into_iter().map(|r| (t.to_string(), r))).collect();
            prop_assert_eq!(source.len(), 2 * recs.len());

            // The source as the harness reads it is what was written (CreateTime kept as is).
            let written: Vec<&ReadRecord> = source.iter().filter(|(t, _)| *t == create).map(|(_, r)| r).collect();
            for r in &written {
                let g = recs
                    .iter()
                    .filter(|g| g.partition == r.partition)
                    .nth(written.iter().filter(|w| w.partition == r.partition && w.offset < r.offset).count())
                    .unwrap();
                prop_assert_eq!((&r.key, &r.value, &r.headers), (&g.key, &g.value, &g.headers));
                prop_assert_eq!(r.timestamp, Some(g.timestamp));
            }

            // Source and destination named by different listeners of the broker, as two clusters would be.
            let out = tail_json(&b, &b.bootstrap, &[&create, &append]);
            let parsed = lines(&out);
            prop_assert_eq!(parsed.len(), source.len());
            for l in &parsed {
                if let Err(e) = validator.validate(l) {
                    return Err(TestCaseError::fail(format!("{l} does not match the schema: {e}")));
                }
                let want = if l["topic"] == json!(create) { "CreateTime" } else { "LogAppendTime" };
                prop_assert_eq!(&l["timestamp_type"], &json!(want));
            }
            let (code, err) =
                produce_records(&b, &b.internal, &copy, &["--keep-partitions", "--keep-timestamps"], &out);
            prop_assert_eq!(code, Some(0), "{}", err);

            // The copy holds, partition by partition in the order tail printed them, the source's records.
            let copied = b.read_all(&copy);
            prop_assert_eq!(copied.len(), source.len());
            for p in 0..2 {
                let want: Vec<&ReadRecord> = parsed
                    .iter()
                    .filter(|l| l["partition"] == json!(p))
                    .map(|l| {
                        let (topic, offset) = (l["topic"].as_str().unwrap(), l["offset"].as_i64().unwrap());
                        &source.iter().find(|(t, r)| t == topic && r.partition == p && r.offset == offset).unwrap().1
                    })
                    .collect();
                let got: Vec<&ReadRecord> = copied.iter().filter(|r| r.partition == p).collect();
                prop_assert_eq!(got.len(), want.len());
                for (g, w) in got.iter().zip(&want) {
                    prop_assert_eq!((&g.key, &g.value, &g.headers), (&w.key, &w.value, &w.headers));
                    prop_assert_eq!(g.timestamp, w.timestamp);
                    prop_assert!(!g.log_append_time);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// A tombstone is the only `"value": null`; the text `null`, an empty value and the JSON `""`
/// each say what they are; duplicate headers keep their order; filters read the same shape.
#[test]
fn tombstones_text_and_headers_are_told_apart() {
    let b = Broker::start();
    let t = b.unique("rec-kinds");
    b.create_topic(&t, 1);
    let hdrs = vec![
        ("dup".to_owned(), Some(b"1".to_vec())),
        ("x".to_owned(), Some(b"a".to_vec())),
        ("dup".to_owned(), Some(b"2".to_vec())),
        ("bin".to_owned(), Some(b"\xff\x00".to_vec())),
        ("nil".to_owned(), None),
    ];
    let recs = vec![
        TestRecord { key: Some(b"tomb".to_vec()), value: None, ..Default::default() },
        TestRecord { key: Some(b"null".to_vec()), value: Some(b"null".to_vec()), ..Default::default() },
        TestRecord { key: None, value: Some(Vec::new()), ..Default::default() },
        TestRecord { key: Some(b"\"\"".to_vec()), value: Some(b"\"\"".to_vec()), headers: hdrs, ..Default::default() },
        TestRecord {
            key: Some(b"{\"id\":7}".to_vec()),
            value: Some(b"{\"a\":{\"b\":2}}".to_vec()),
            ..Default::default()
        },
    ];
    b.produce(&t, &recs);
    let out = tail_json(&b, &b.bootstrap, &[&t]);
    let l = lines(&out);
    let kv = |i: usize| {
        (l[i]["key"].clone(), l[i]["key_encoding"].clone(), l[i]["value"].clone(), l[i]["value_encoding"].clone())
    };
    assert_eq!(kv(0), (json!("tomb"), json!("text"), Value::Null, Value::Null));
    assert_eq!(kv(1), (json!("null"), json!("text"), json!("null"), json!("text")));
    assert_eq!(kv(2), (Value::Null, Value::Null, json!(""), json!("text")));
    assert_eq!(kv(3), (json!(""), json!("json"), json!(""), json!("json")));
    assert_eq!(kv(4), (json!({"id": 7}), json!("json"), json!({"a": {"b": 2}}), json!("json")));
    // `select(.value == null)` finds the tombstone only; `.value.a.b` reads JSON values.
    let tombs: Vec<&Value> = l.iter().filter(|l| l["value"].is_null()).map(|l| &l["key"]).collect();
    assert_eq!(tombs, vec![&json!("tomb")]);
    assert_eq!(l[4]["value"]["a"]["b"], json!(2));
    assert_eq!(
        l[3]["headers"],
        json!([{"key": "dup", "value": "1"}, {"key": "x", "value": "a"}, {"key": "dup", "value": "2"},
               {"key": "bin", "value": "/wA=", "encoding": "base64"}, {"key": "nil", "value": null}])
    );
    assert_eq!(l[0]["format"], json!(2));
    assert_eq!(l[0]["timestamp_type"], json!("CreateTime"));

    // Filters: `--header` matches any occurrence of a repeated name; `$__meta.headers` is the
    // same list, in order; `$__meta.value_encoding` tells a tombstone from the value `null`.
    let keys = |args: &[&str]| -> Vec<Value> {
        let out =
            b.evbus().args(["tail", &t, "--from", "beginning", "--exit", "-o", "json"]).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        lines(&out.stdout).iter().map(|l| l["key"].clone()).collect()
    };
    assert_eq!(keys(&["--header", "dup=1"]), vec![json!("")]);
    assert_eq!(keys(&["--header", "dup=2"]), vec![json!("")]);
    assert_eq!(
        keys(&["--filter", r#"[$__meta.headers[] | select(.key == "dup") | .value] == ["1", "2"]"#]),
        vec![json!("")]
    );
    assert_eq!(
        keys(&["--filter", r#"$__meta.headers[3] == {"key":"bin","value":"/wA=","encoding":"base64"}"#]),
        vec![json!("")]
    );
    assert_eq!(keys(&["--filter", "$__meta.value_encoding == null"]), vec![json!("tomb")]);

    // And back: the same bytes, tombstone and all, in a topic of their own.
    let copy = b.unique("rec-kinds-copy");
    let (code, err) = produce_records(&b, &b.bootstrap, &copy, &[], &out);
    assert_eq!(code, Some(0), "{err}");
    let got: Vec<_> = b.read_all(&copy).into_iter().map(|r| (r.key, r.value, r.headers)).collect();
    let want: Vec<_> = recs.into_iter().map(|r| (r.key, r.value, r.headers)).collect();
    assert_eq!(got, want);
}

/// A bad line anywhere: every bad line is named, nothing is sent; `--skip-invalid` sends the rest.
#[test]
fn produce_records_refuses_bad_lines_and_sends_nothing() {
    let b = Broker::start();
    let t = b.unique("rec-bad");
    b.create_topic(&t, 1);
    let input = concat!(
        r#"{"format":2,"partition":0,"key":"a","key_encoding":"text","headers":[],"value":"1","value_encoding":"text"}"#,
        "\n\n",
        r#"{"format":1,"value":"x"}"#,
        "\n",
        r#"{"format":2,"value":"%%","value_encoding":"base64"}"#,
        "\n",
        r#"{"format":2,"value":null,"partition":5}"#,
        "\n",
        r#"{"format":2,"value":null,"partition":0,"timestamp":0}"#,
        "\n"
    );
    let keep = ["--keep-partitions", "--keep-timestamps"];
    let (code, err) = produce_records(&b, &b.bootstrap, &t, &keep, input.as_bytes());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("stdin:3: \"format\": 1 is not"), "{err}");
    assert!(err.contains("stdin:4: \"value\" is not base64"), "{err}");
    assert!(err.contains("stdin:6: timestamp 0 cannot be kept"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(b.read_all(&t).is_empty());

    // Partition 5 of a one-partition topic is only known to be wrong once the topic is.
    let (code, err) =
        produce_records(&b, &b.bootstrap, &t, &[&keep[..], &["--skip-invalid"]].concat(), input.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("stdin:5: partition 5 does not exist"), "{err}");
    let got = b.read_all(&t);
    assert_eq!(got.len(), 1, "{err}");
    assert_eq!((got[0].key.as_deref(), got[0].value.as_deref()), (Some(&b"a"[..]), Some(&b"1"[..])));
}

/// Records copied with timestamps older than the destination's retention are acknowledged, then
/// deleted by the broker's next retention check: `produce --keep-timestamps` says so, and says
/// nothing where the topic keeps them.
#[test]
fn kept_timestamps_older_than_the_retention_are_called_out() {
    let b = Broker::start();
    let old = now_ms() - 30 * 24 * 3600 * 1000;
    let line =
        |ts: i64| format!(r#"{{"format":2,"partition":0,"timestamp":{ts},"value":"v","value_encoding":"text"}}"#);
    let input = format!("{}\n{}\n", line(old), line(now_ms()));
    let keep = ["--keep-timestamps"];

    let week = b.unique("rec-week");
    b.create_topic_with(&week, 1, &[("retention.ms", "604800000")]);
    let (code, err) = produce_records(&b, &b.bootstrap, &week, &keep, input.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(&format!("1 of 2 records keep a timestamp older than {week}'s retention.ms (7days)")),
        "{err}"
    );

    let forever = b.unique("rec-forever");
    b.create_topic_with(&forever, 1, &[("retention.ms", "-1")]);
    let (code, err) = produce_records(&b, &b.bootstrap, &forever, &keep, input.as_bytes());
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("retention"), "{err}");
    assert_eq!(b.read_all(&forever).iter().map(|r| r.timestamp).collect::<Vec<_>>()[0], Some(old));
}
