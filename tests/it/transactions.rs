//! Topics written by a transactional producer (committed and aborted transactions): what evbus
//! reads, counts and replays must step over control records and aborted data, as Kafka's own
//! read_committed consumers do.

use std::time::Duration;

use crate::common::*;
use serde_json::Value;

fn value(i: usize, state: &str) -> TestRecord {
    TestRecord {
        key: Some(format!("k{i}").into_bytes()),
        value: Some(format!("{{\"i\":{i},\"txn\":\"{state}\"}}").into_bytes()),
        partition: Some(0),
        ..Default::default()
    }
}

/// 3 committed, 2 aborted, 2 committed records on partition 0: offsets 0-2 committed, 3 marker,
/// 4-5 aborted, 6 marker, 7-8 committed, 9 marker; the log ends at 10.
fn transactional_topic(b: &Broker) -> String {
    let t = b.unique("txn.orders");
    b.create_topic(&t, 1);
    let first: Vec<TestRecord> = (0..3).map(|i| value(i, "committed")).collect();
    let aborted: Vec<TestRecord> = (3..5).map(|i| value(i, "aborted")).collect();
    let last: Vec<TestRecord> = (5..7).map(|i| value(i, "committed")).collect();
    b.produce_transactions(&t, &[(&first, true), (&aborted, false), (&last, true)]);
    t
}

#[test]
fn tail_shows_committed_records_only_and_ends_at_the_log_end() {
    let b = Broker::start();
    let t = transactional_topic(&b);
    let out = b
        .evbus()
        .args(["--timeout", "10s", "tail", &t, "--from", "beginning", "--exit", "-o", "json"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = json_lines(&out);
    let offsets: Vec<i64> = recs.iter().map(|r| r["offset"].as_i64().unwrap()).collect();
    assert_eq!(offsets, vec![0, 1, 2, 7, 8], "committed records only, at their real offsets");
    assert!(recs.iter().all(|r| r["value"]["txn"] == "committed"), "{recs:?}");

    // --from with an offset inside the aborted range starts at the next committed record.
    let out = b.evbus().args(["tail", &t, "--from", "4", "--exit", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let offsets: Vec<i64> = json_lines(&out).iter().map(|r| r["offset"].as_i64().unwrap()).collect();
    assert_eq!(offsets, vec![7, 8]);
}

#[test]
fn lag_counts_offsets_as_kafka_does_across_control_records() {
    let b = Broker::start();
    let t = transactional_topic(&b);
    let g = b.unique("txn-reader");
    // A reader that consumed everything commits the log end (10), past the last marker.
    b.commit(&g, &[(&t, 0, 10)]);
    let out = b.evbus().args(["lag", &g, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let p = &doc["groups"][0]["partitions"][0];
    assert_eq!((p["committed"].as_i64(), p["end"].as_i64(), p["lag"].as_i64()), (Some(10), Some(10), Some(0)));
    // One that stopped after the first transaction's records (committed 3, the marker next):
    // Kafka's kafka-consumer-groups counts 7 (offsets, not records); so does evbus.
    b.commit(&g, &[(&t, 0, 3)]);
    let doc = stdout_json(&b.evbus().args(["lag", &g, "-o", "json"]).output().unwrap());
    assert_eq!(doc["groups"][0]["partitions"][0]["lag"], 7);
}

#[test]
fn dlq_replay_of_a_transactional_dlq_replays_committed_letters_once_and_finishes() {
    let b = Broker::start();
    let dlq = b.unique("txn.dlq");
    let orders = b.unique("txn.target");
    b.create_topic(&dlq, 1);
    b.create_topic(&orders, 1);
    let letter = |i: usize| TestRecord {
        key: Some(format!("k{i}").into_bytes()),
        value: Some(format!("{{\"i\":{i}}}").into_bytes()),
        headers: vec![
            ("kafka_dlt-original-topic".into(), Some(orders.clone().into_bytes())),
            ("kafka_dlt-original-partition".into(), Some(0i32.to_be_bytes().to_vec())),
            ("kafka_dlt-original-offset".into(), Some((i as i64).to_be_bytes().to_vec())),
        ],
        partition: Some(0),
    };
    let a: Vec<TestRecord> = (0..3).map(letter).collect();
    let x: Vec<TestRecord> = (3..5).map(letter).collect();
    let c: Vec<TestRecord> = (5..7).map(letter).collect();
    b.produce_transactions(&dlq, &[(&a, true), (&x, false), (&c, true)]);

    let out = b
        .evbus()
        .args(["--timeout", "10s", "dlq", "replay", &dlq, "--yes", "-o", "json", "-g", "txn"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = stdout_json(&out);
    assert_eq!(v["replayed"], 5, "{v}");
    let keys: Vec<String> =
        b.read_all(&orders).into_iter().map(|r| String::from_utf8(r.key.unwrap()).unwrap()).collect();
    assert_eq!(keys, vec!["k0", "k1", "k2", "k5", "k6"]);

    // The saved position is past the last marker: a second run has nothing to replay.
    let out = b.evbus().args(["dlq", "replay", &dlq, "--yes", "-o", "json", "-g", "txn"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout_json(&out)["replayed"], 0);
    assert_eq!(b.read_all(&orders).len(), 5, "nothing replayed twice");
}

/// `topics list` and `describe` print the offset span (high − low watermark) under a name that
/// says so: 7 records were written, 5 are readable, the span is 10 (markers and aborted records
/// hold offsets). A column named `messages` promised the record count it is not.
#[test]
fn topics_list_and_describe_name_the_offset_span_offsets() {
    let b = Broker::start();
    let t = transactional_topic(&b);
    let out = b.evbus().args(["topics", "list", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let row = doc["topics"].as_array().unwrap().iter().find(|r| r["topic"] == t.as_str()).unwrap().clone();
    assert_eq!(row["offsets"], 10, "{row}");
    assert!(row.get("messages").is_none(), "no field promising a record count: {row}");
    let out = b.evbus().args(["topics", "list", "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("offsets") && !text.contains("messages"), "{text}");

    let out = b.evbus().args(["topics", "describe", &t, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let p = &stdout_json(&out)["partitions"][0];
    assert_eq!((p["low"].as_i64(), p["high"].as_i64(), p["offsets"].as_i64()), (Some(0), Some(10), Some(10)), "{p}");
    assert!(p.get("messages").is_none(), "{p}");
}
