//! A platform unlike the README's example (seed 004's: several event types per topic, naive UTC
//! timestamps, a dead-letter queue written by its own consumers), end to end against a broker:
//! `schemas:` topics validated and sampled by type, the `event-type` header taken from the
//! record only, `schemas validate --only-with-schemas`, and a filtered DLQ replay whose
//! passed-over records `health` still counts and `replay --pending` replays, each once.

use std::path::Path;

use predicates::prelude::*;
use serde_json::{Value, json};

use crate::common::*;

/// The seed's envelope (timestamp: Python's naive `isoformat()`), two patient events whose
/// producer is pinned, in `dir/schemas`.
fn write_schemas(dir: &Path) {
    let s = dir.join("schemas");
    std::fs::create_dir_all(&s).unwrap();
    let w = |name: &str, v: Value| std::fs::write(s.join(name), v.to_string()).unwrap();
    w(
        "envelope.json",
        json!({
            "type": "object",
            "required": ["eventId", "eventType", "version", "timestamp", "producer", "payload"],
            "properties": {
                "eventId": {"type": "string", "format": "uuid"},
                "eventType": {"type": "string"},
                "version": {"const": "1.0"},
                "timestamp": {"type": "string", "format": "date-time-local"},
                "producer": {"type": "string"},
                "payload": {"type": "object"}
            }
        }),
    );
    let event = |t: &str, required: Value, props: Value| {
        json!({
            "allOf": [{"$ref": "envelope.json"}],
            "properties": {
                "eventType": {"const": t},
                "producer": {"const": "patient-service"},
                "payload": {"type": "object", "required": required, "properties": props}
            }
        })
    };
    w(
        "patient-created.json",
        event(
            "patient.created",
            json!(["patientId", "email"]),
            json!({"patientId": {"type": "string"}, "email": {"type": "string", "format": "email"}}),
        ),
    );
    w(
        "patient-updated.json",
        event(
            "patient.updated",
            json!(["patientId", "changes"]),
            json!({"patientId": {"type": "string"}, "changes": {"type": "object", "minProperties": 1}}),
        ),
    );
}

fn event(t: &str, payload: Value) -> String {
    json!({
        "eventId": "0b3c2f1e-8a55-4a44-9b51-111111111111", "eventType": t, "version": "1.0",
        "timestamp": "2026-01-05T09:12:00.123456", "producer": "patient-service", "payload": payload
    })
    .to_string()
}

fn header<'a>(r: &'a ReadRecord, name: &str) -> Option<&'a [u8]> {
    r.headers.iter().rev().find(|(n, _)| n == name).and_then(|(_, v)| v.as_deref())
}

#[test]
fn a_topic_with_several_event_types_validates_samples_and_labels_each_by_its_own_type() {
    let b = Broker::start();
    let dir = b.dir.path();
    write_schemas(dir);
    let topic = b.unique("patient-events");
    let dlq = b.unique("platform.dlq");
    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {topic}\n    partitions: 1\n    key: payload.patientId\n    schemas:\n      \
             patient.created: patient-created\n      patient.updated: patient-updated\n  - name: {dlq}\n    partitions: 1\n    \
             schema: false\n    dlq: true\n"
        ),
    );

    // A file mixing both types, with Python's naive timestamps: each line checked by its type.
    let good = [
        event("patient.created", json!({"patientId": "p1", "email": "ada@example.org"})),
        event("patient.updated", json!({"patientId": "p1", "changes": {"city": "Lyon"}})),
    ];
    std::fs::write(dir.join("good.jsonl"), good.join("\n")).unwrap();
    b.evbus().args(["produce", &topic, "--input", "good.jsonl"]).assert().success();

    let bad = [
        event("patient.updated", json!({"patientId": "p2", "changes": {}})),
        event("patient.deleted", json!({"patientId": "p2"})),
    ];
    std::fs::write(dir.join("bad.jsonl"), bad.join("\n")).unwrap();
    b.evbus().args(["produce", &topic, "--input", "bad.jsonl"]).assert().code(1).stderr(
        predicate::str::contains(
            "bad.jsonl:1: event type patient.updated (schema patient-updated): at /payload/changes: {} has less than 1 \
             property",
        )
        .and(predicate::str::contains(
            "bad.jsonl:2: unknown event type 'patient.deleted' (field eventType); known: patient.created, patient.updated",
        )),
    );

    // Samples of both types, each keeping its branch's const producer (no --producer needed).
    b.evbus().args(["produce", &topic, "-n", "8", "--seed", "4"]).assert().success();
    b.evbus().args(["produce", &topic, "--type", "patient.nope", "--dry-run"]).assert().code(2).stderr(
        predicate::str::contains("unknown event type 'patient.nope' (known: patient.created, patient.updated)"),
    );
    let out =
        b.evbus().args(["produce", &topic, "--type", "patient.updated", "-n", "3", "--dry-run"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(json_lines(&out).iter().all(|v| v["eventType"] == "patient.updated"));

    let got = b.read_all(&topic);
    assert_eq!(got.len(), 10);
    let mut types = std::collections::BTreeSet::new();
    for r in &got {
        let v: Value = serde_json::from_slice(r.value.as_deref().unwrap()).unwrap();
        let t = v["eventType"].as_str().unwrap();
        types.insert(t.to_string());
        assert_eq!(header(r, "event-type"), Some(t.as_bytes()), "the header is the record's own type: {v}");
        assert_eq!(v["producer"], "patient-service", "{v}");
        let ts = v["timestamp"].as_str().unwrap();
        assert!(chrono::NaiveDateTime::parse_from_str(ts, "%Y-%m-%dT%H:%M:%S%.f").is_ok(), "no offset: {ts}");
    }
    assert_eq!(types.len(), 2, "{types:?}");

    // Dead letters written to the DLQ carry no event-type of the DLQ's name (replay keeps headers).
    let wrapper = json!({"originalTopic": topic, "originalKey": "p2", "originalMessage": {"x": 1}, "error": "E: boom"});
    std::fs::write(dir.join("dead.jsonl"), wrapper.to_string()).unwrap();
    b.evbus().args(["produce", &dlq, "--input", "dead.jsonl", "--key", "originalKey"]).assert().success();
    let dead = b.read_all(&dlq);
    assert_eq!(dead.len(), 1);
    assert_eq!(header(&dead[0], "event-type"), None, "{:?}", dead[0].headers);
    assert_eq!(dead[0].key.as_deref(), Some(b"p2".as_slice()));
}

#[test]
fn validation_in_ci_can_cover_only_the_topics_that_have_schemas() {
    let dir = tempfile::tempdir().unwrap();
    write_schemas(dir.path());
    std::fs::write(
        dir.path().join("topics.yaml"),
        "version: 1\ntopics:\n  - name: patient-events\n    schemas: {patient.created: patient-created}\n  \
         - name: therapist-events\n  - name: raw-bytes\n    schema: false\n",
    )
    .unwrap();
    let run = |args: &[&str]| evbus_cmd().current_dir(dir.path()).args(args).output().unwrap();
    // A topic without a schema file fails validation, naming how to opt out...
    let out = run(&["schemas", "validate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("topic therapist-events uses schema 'therapist-events'") && err.contains("--only-with-schemas")
    );
    // ...unless validation is asked to cover only the topics that have theirs: listed, not failed.
    let out = run(&["schemas", "validate", "--only-with-schemas", "-o", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = stdout_json(&out);
    assert_eq!(v["topics_missing_schema"], json!(["therapist-events"]));
    assert_eq!(v["topics_without_schema"], json!(["raw-bytes"]));
    // `schemas sample` of a topic with several types: among them, or `--type` only.
    let out = run(&["schemas", "sample", "patient-events", "--type", "patient.created", "-n", "2", "--seed", "1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(json_lines(&out).iter().all(|v| v["eventType"] == "patient.created" && v["producer"] == "patient-service"));
    // A schema a `schemas:` topic maps must exist, flag or not.
    std::fs::remove_file(dir.path().join("schemas/patient-created.json")).unwrap();
    let out = run(&["schemas", "validate"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("uses schema 'patient-created' for event type patient.created")
    );
}

/// The DLQ check's detail in `health -o json`.
fn dlq_detail(b: &Broker, dlq: &str) -> String {
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    let v = stdout_json(&out);
    let check = v["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("dlq {dlq}")).cloned();
    check.unwrap_or_else(|| panic!("no dlq check in {v}"))["detail"].as_str().unwrap().to_string()
}

#[test]
fn records_a_filtered_replay_passed_over_stay_waiting_and_pending_replays_each_once() {
    let b = Broker::start();
    let (a, c, dlq) = (b.unique("orders-a"), b.unique("orders-b"), b.unique("dlq"));
    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {a}\n    partitions: 1\n  - name: {c}\n    partitions: 1\n  - name: {dlq}\n    \
             partitions: 1\n    dlq: true\n"
        ),
    );
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    let letters: Vec<TestRecord> = (0..6)
        .map(|i| {
            let to = if i % 2 == 0 { &a } else { &c };
            let w = json!({"originalTopic": to, "originalMessage": {"n": i}, "error": "E: boom", "timestamp": 1});
            TestRecord::json(&format!("k{i}"), w)
        })
        .collect();
    b.produce(&dlq, &letters);

    // Only the first topic's: the position moves past the others, which still wait.
    b.evbus().args(["dlq", "replay", &dlq, "--topic", &a, "--yes"]).assert().success();
    assert_eq!(b.read_all(&a).len(), 3);
    assert_eq!(b.read_all(&c).len(), 0);
    let d = dlq_detail(&b, &dlq);
    assert!(d.starts_with("3 records waiting, 3 of them passed over by filtered or --skip replays"), "{d}");
    assert!(d.contains("--pending"), "{d}");

    // --pending: exactly those, once; the position stays; a second --pending finds nothing.
    b.evbus().args(["dlq", "replay", &dlq, "--pending", "--yes"]).assert().success();
    let got = b.read_all(&c);
    let keys: Vec<_> = got.iter().map(|r| String::from_utf8(r.key.clone().unwrap()).unwrap()).collect();
    assert_eq!(keys, ["k1", "k3", "k5"]);
    b.evbus().args(["dlq", "replay", &dlq, "--pending", "--yes"]).assert().success();
    b.evbus().args(["dlq", "replay", &dlq, "--yes"]).assert().success();
    assert_eq!(b.read_all(&c).len(), 3, "no duplicates");
    assert_eq!(b.read_all(&a).len(), 3, "no duplicates");
    let d = dlq_detail(&b, &dlq);
    assert!(d.starts_with("nothing waiting"), "{d}");
}

#[test]
fn a_filtered_replay_stops_where_its_list_of_passed_over_records_is_full_and_loses_nothing() {
    let b = Broker::start();
    let (a, c, dlq) = (b.unique("orders-a"), b.unique("orders-b"), b.unique("dlq"));
    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {a}\n    partitions: 1\n  - name: {c}\n    partitions: 1\n  - name: {dlq}\n    \
             partitions: 1\n    dlq: true\n"
        ),
    );
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    // 1000 dead letters alternating between two topics: a run selecting one topic passes over
    // 500 separate records, more runs of offsets than the list beside the position holds.
    let letters: Vec<TestRecord> = (0..1000)
        .map(|i| {
            let to = if i % 2 == 0 { &a } else { &c };
            TestRecord::json(&format!("k{i}"), json!({"originalTopic": to, "originalMessage": {"n": i}, "error": "E"}))
        })
        .collect();
    b.produce(&dlq, &letters);

    let out = b.evbus().args(["dlq", "replay", &dlq, "--topic", &a, "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fill the list kept beside the saved position") && err.contains("--pending"), "{err}");
    let first_a = b.read_all(&a).len();
    assert!(first_a > 100 && first_a < 500, "{first_a}");

    // The waiting ones, then the rest: every record exactly once.
    b.evbus().args(["dlq", "replay", &dlq, "--pending", "--yes"]).assert().success();
    b.evbus().args(["dlq", "replay", &dlq, "--yes"]).assert().success();
    for (t, parity) in [(&a, 0), (&c, 1)] {
        let mut ns: Vec<i64> = b
            .read_all(t)
            .iter()
            .map(|r| serde_json::from_slice::<Value>(r.value.as_deref().unwrap()).unwrap()["n"].as_i64().unwrap())
            .collect();
        ns.sort();
        let want: Vec<i64> = (0..1000).filter(|n| n % 2 == parity).collect();
        assert_eq!(ns, want, "each record of {t} once");
    }
    assert!(dlq_detail(&b, &dlq).starts_with("nothing waiting"));
}
