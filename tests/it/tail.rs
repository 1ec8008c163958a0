//! `evbus tail` against a real broker: start positions, topic selection, every filter kind, exact
//! JSON output, validation, stop conditions, no side effects, broken pipes and Ctrl-C.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseRecord, Producer};
use serde_json::{Value, json};

/// `evbus tail ARGS` against the broker; stdout is a pipe, so the default output is JSON lines.
fn tail(b: &Broker, args: &[&str]) -> std::process::Output {
    b.evbus().arg("tail").args(args).output().unwrap()
}

/// Runs tail, expects success, returns the JSON lines.
fn tail_ok(b: &Broker, args: &[&str]) -> Vec<Value> {
    let out = tail(b, args);
    assert!(
        out.status.success(),
        "evbus tail {args:?} failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn keys(lines: &[Value]) -> Vec<String> {
    lines.iter().map(|l| l["key"].as_str().unwrap_or("<none>").to_string()).collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Produce (key, value, timestamp) records to partition 0 with explicit create times.
fn produce_at(b: &Broker, topic: &str, records: &[(&str, &str, i64)]) {
    let p = b.producer();
    for (k, v, ts) in records {
        p.send(BaseRecord::to(topic).key(*k).payload(*v).partition(0).timestamp(*ts)).map_err(|(e, _)| e).unwrap();
    }
    p.flush(Duration::from_secs(10)).unwrap();
}

/// A topic with one partition and `n` JSON records keyed k0..k(n-1).
fn topic_with(b: &Broker, base: &str, partitions: i32, records: &[TestRecord]) -> String {
    let t = b.unique(base);
    b.create_topic(&t, partitions);
    b.produce(&t, records);
    t
}

fn numbered(n: usize, partition: i32) -> Vec<TestRecord> {
    (0..n)
        .map(|i| TestRecord {
            partition: Some(partition),
            ..TestRecord::json(&format!("p{partition}-k{i}"), json!({"n": i}))
        })
        .collect()
}

fn group_names(b: &Broker) -> Vec<String> {
    let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", &b.bootstrap).create().unwrap();
    let list = c.fetch_group_list(None, Duration::from_secs(10)).unwrap();
    list.groups().iter().map(|g| g.name().to_string()).collect()
}

/// The evbus binary as a plain std Command (for streaming stdout), isolated like `evbus_cmd`.
fn evbus_std(b: &Broker) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("evbus"));
    for v in ["EVBUS_BROKERS", "KAFKA_BROKERS", "KAFKA_BOOTSTRAP_SERVERS", "EVBUS_CONTEXT", "EVBUS_CONFIG", "NO_COLOR"]
    {
        c.env_remove(v);
    }
    c.env("XDG_CONFIG_HOME", "/nonexistent-evbus-test").current_dir(b.dir.path()).args(["-b", &b.bootstrap]);
    c
}

fn wait_with_limit(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("evbus tail did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn from_beginning_last_n_offset_and_exit() {
    let b = Broker::start();
    let mut recs = numbered(5, 0);
    recs.extend(numbered(3, 1));
    let t = topic_with(&b, "tail-pos", 2, &recs);

    let all = tail_ok(&b, &[&t, "--from", "beginning", "--exit"]);
    assert_eq!(all.len(), 8);
    let mut got: Vec<(i64, i64)> =
        all.iter().map(|l| (l["partition"].as_i64().unwrap(), l["offset"].as_i64().unwrap())).collect();
    got.sort();
    let want: Vec<(i64, i64)> = (0..5).map(|o| (0, o)).chain((0..3).map(|o| (1, o))).collect();
    assert_eq!(got, want);
    // Per partition, records come in offset order.
    let p0: Vec<i64> = all.iter().filter(|l| l["partition"] == 0).map(|l| l["value"]["n"].as_i64().unwrap()).collect();
    assert_eq!(p0, [0, 1, 2, 3, 4]);

    // -N: the last N of each partition.
    let last = tail_ok(&b, &[&t, "--from", "-2", "--exit"]);
    let mut k = keys(&last);
    k.sort();
    assert_eq!(k, ["p0-k3", "p0-k4", "p1-k1", "p1-k2"]);
    // -N larger than the partition starts at its beginning.
    assert_eq!(tail_ok(&b, &[&t, "--from", "-100", "--exit"]).len(), 8);

    // An absolute offset (clamped per partition to what exists).
    let from3 = tail_ok(&b, &[&t, "--from", "3", "--exit"]);
    assert_eq!(keys(&from3).iter().filter(|k| k.starts_with("p0")).count(), 2);
    assert_eq!(keys(&from3).iter().filter(|k| k.starts_with("p1")).count(), 0);

    // From the end with --exit: nothing to print, and it terminates.
    let out = tail(&b, &[&t, "--exit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("0 records seen, 0 matched"), "{}", stderr(&out));

    // --count stops after N matching records without --exit.
    let three = tail_ok(&b, &[&t, "--from", "beginning", "--count", "3"]);
    assert_eq!(three.len(), 3);

    // -q: data only.
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "-q"]);
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
}

#[test]
fn exit_terminates_on_empty_topics_and_no_group_is_created() {
    let b = Broker::start();
    let empty = b.unique("tail-empty");
    b.create_topic(&empty, 3);
    let t = topic_with(&b, "tail-nogroup", 1, &numbered(3, 0));
    let groups_before = group_names(&b);

    for from in ["end", "beginning", "-5", "0"] {
        let start = Instant::now();
        let out = tail(&b, &[&empty, "--from", from, "--exit"]);
        assert!(out.status.success(), "--from {from}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(start.elapsed() < Duration::from_secs(10), "--from {from} took {:?}", start.elapsed());
    }
    // A mix of an empty and a non-empty topic also ends.
    assert_eq!(tail_ok(&b, &[&empty, &t, "--from", "beginning", "--exit"]).len(), 3);
    assert_eq!(tail_ok(&b, &[&t, "--from", "-1", "--exit", "--filter", ".n == 2"]).len(), 1);
    let _ = tail_ok(&b, &[&t, "--idle-timeout", "300ms"]);

    let groups_after = group_names(&b);
    let new: Vec<_> = groups_after.iter().filter(|g| !groups_before.contains(g)).collect();
    assert!(new.is_empty(), "a plain tail must not create consumer groups, found {new:?}");
}

#[test]
fn json_output_is_exact_for_binary_text_and_json_values() {
    let b = Broker::start();
    let t = b.unique("tail-json");
    b.create_topic(&t, 1);
    let recs = vec![
        TestRecord {
            key: Some(b"u1".to_vec()),
            value: Some(br#"{"id":1,"payload":{"role":"doctor"}}"#.to_vec()),
            headers: vec![("content-type".into(), Some(b"application/json".to_vec())), ("trace".into(), None)],
            partition: Some(0),
        },
        TestRecord { key: Some(b"u2".to_vec()), value: Some(b"plain \"text\"\n".to_vec()), ..Default::default() },
        TestRecord { key: Some(b"\xff\x00".to_vec()), value: Some(b"\x00\x01\xfe\xff".to_vec()), ..Default::default() },
        TestRecord { key: Some(b"gone".to_vec()), value: None, ..Default::default() },
    ];
    b.produce(&t, &recs);
    let stored = b.read_all(&t);
    assert_eq!(stored.len(), 4);
    let ts: Vec<i64> = stored.iter().map(|r| r.timestamp.unwrap()).collect();

    let lines = tail_ok(&b, &[&t, "--from", "beginning", "--exit", "-o", "json"]);
    assert_eq!(
        lines,
        vec![
            json!({"format": 2, "topic": t, "partition": 0, "offset": 0, "timestamp": ts[0],
                   "timestamp_type": "CreateTime", "key": "u1", "key_encoding": "text",
                   "headers": [{"key": "content-type", "value": "application/json"}, {"key": "trace", "value": null}],
                   "value": {"id": 1, "payload": {"role": "doctor"}}, "value_encoding": "json"}),
            json!({"format": 2, "topic": t, "partition": 0, "offset": 1, "timestamp": ts[1],
                   "timestamp_type": "CreateTime", "key": "u2", "key_encoding": "text",
                   "headers": [], "value": "plain \"text\"\n", "value_encoding": "text"}),
            json!({"format": 2, "topic": t, "partition": 0, "offset": 2, "timestamp": ts[2],
                   "timestamp_type": "CreateTime", "key": "/wA=", "key_encoding": "base64",
                   "headers": [], "value": "AAH+/w==", "value_encoding": "base64"}),
            json!({"format": 2, "topic": t, "partition": 0, "offset": 3, "timestamp": ts[3],
                   "timestamp_type": "CreateTime", "key": "gone", "key_encoding": "text",
                   "headers": [], "value": null, "value_encoding": null}),
        ]
    );
    // The JSON value is embedded as-is, and the line order of fields is stable.
    let raw = String::from_utf8(tail(&b, &[&t, "--from", "beginning", "--count", "1"]).stdout).unwrap();
    assert!(
        raw.starts_with(&format!(
            r#"{{"format":2,"topic":"{t}","partition":0,"offset":0,"timestamp":{},"timestamp_type":"CreateTime","key":"u1","key_encoding":"text","headers":[{{"#,
            ts[0]
        )),
        "{raw}"
    );

    // Raw: value bytes and a newline (a tombstone is an empty line).
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "-o", "raw"]);
    assert_eq!(
        out.stdout,
        b"{\"id\":1,\"payload\":{\"role\":\"doctor\"}}\nplain \"text\"\n\n\x00\x01\xfe\xff\n\n".to_vec()
    );

    // kcat-style template.
    let out = tail(&b, &[&t, "--from", "beginning", "--count", "2", "--template", "%t|%p|%o|%k|%h|%S\\n"]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{t}|0|0|u1|content-type=application/json,trace=|36\n{t}|0|1|u2||13\n")
    );
    let out = tail(&b, &[&t, "--template", "%x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn every_filter_kind() {
    let b = Broker::start();
    let t = b.unique("tail-filter");
    b.create_topic(&t, 1);
    let ev = |role: &str, ty: &str| json!({"eventType": ty, "payload": {"role": role}});
    b.produce(
        &t,
        &[
            TestRecord::json("u1", ev("doctor", "UserRegistered")).header("source", b"web"),
            TestRecord::json("u2", ev("nurse", "UserRegistered")).header("source", b"api"),
            TestRecord::json("u3", ev("doctor", "UserDeleted")).header("source", b"api"),
            TestRecord {
                key: Some(b"u4".to_vec()),
                value: Some(b"not json, mentions doctor".to_vec()),
                ..Default::default()
            },
            TestRecord::json("u5", json!({"payload": {"role": "admin"}})).header("event-type", b"UserDeleted"),
        ],
    );
    let run = |extra: &[&str]| {
        let mut args = vec![t.as_str(), "--from", "beginning", "--exit"];
        args.extend_from_slice(extra);
        keys(&tail_ok(&b, &args))
    };
    assert_eq!(run(&["--filter", r#".payload.role == "doctor""#]), ["u1", "u3"]);
    assert_eq!(run(&["--filter", r#"$__meta.key == "u2""#]), ["u2"]);
    assert_eq!(
        run(&["--filter", r#"any($__meta.headers[]; .key == "source" and .value == "api") and $__meta.offset > 1"#]),
        ["u3"]
    );
    assert_eq!(run(&["--filter", r#"$__meta.topic == "nope""#]), Vec::<String>::new());
    assert_eq!(run(&["--key", "u3"]), ["u3"]);
    assert_eq!(run(&["--header", "source=api"]), ["u2", "u3"]);
    assert_eq!(run(&["--type", "UserDeleted"]), ["u3", "u5"]);
    assert_eq!(run(&["--grep", "doctor"]), ["u1", "u3", "u4"]);
    // ANDed.
    assert_eq!(
        run(&["--grep", "doctor", "--header", "source=api", "--filter", ".eventType | startswith(\"User\")"]),
        ["u3"]
    );

    // The non-JSON record never matches a JSON filter, is counted, and does not break the run.
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--filter", "true"]);
    assert!(out.status.success());
    assert_eq!(json_lines(&out).len(), 4);
    assert!(stderr(&out).contains("5 records seen, 4 matched, 1 not JSON"), "{}", stderr(&out));

    // Bad header filter: usage error.
    assert_eq!(tail(&b, &[&t, "--header", "novalue"]).status.code(), Some(2));
}

#[test]
fn bad_jq_is_a_usage_error_before_connecting() {
    // Nothing listens on port 1: connecting would take the whole --timeout and exit 1.
    let start = Instant::now();
    let out = evbus_cmd()
        .args(["-b", "127.0.0.1:1", "--timeout", "30s", "tail", "orders", "--filter", ".payload.role =="])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid --filter"), "{}", stderr(&out));
    assert!(start.elapsed() < Duration::from_secs(10));
    for bad in [vec!["--from", "yesterday"], vec!["--until", "soon"], vec!["--pattern", "("]] {
        let mut args = vec!["-b", "127.0.0.1:1", "--timeout", "30s", "tail", "orders"];
        args.extend(bad.iter().copied());
        let out = evbus_cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stderr(&out));
    }
    let out = evbus_cmd().args(["-b", "127.0.0.1:1", "tail"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn hostile_filters_are_usage_errors_before_connecting() {
    for (what, prog) in hostile_filters() {
        let start = Instant::now();
        let out = evbus_cmd()
            .args(["-b", "127.0.0.1:1", "--timeout", "30s", "tail", "orders", "--filter", &prog])
            .output()
            .unwrap();
        // Some(2): an exit code, so no signal (SIGABRT, SIGSEGV) ended it.
        assert_eq!(out.status.code(), Some(2), "{what}: {:?} {}", out.status, stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("invalid --filter: jq: the program is") && err.contains("evbus accepts at most"),
            "{what}: {err}"
        );
        assert!(start.elapsed() < Duration::from_secs(10), "{what}: {:?}", start.elapsed());
    }
}

#[test]
fn filters_at_the_depth_limit_run_and_runaway_recursion_is_reported() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-deep", 1, &numbered(3, 0));
    // `.n == 1` is 2 levels deep and each pair of parentheses adds one: 2046 pairs is the limit.
    let deep = |n: usize| format!("{}.n == 1{}", "(".repeat(n), ")".repeat(n));
    assert_eq!(keys(&tail_ok(&b, &[&t, "--from", "beginning", "--exit", "--filter", &deep(2046)])), ["p0-k1"]);
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--filter", &deep(2047)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nested 2049 levels deep"), "{}", stderr(&out));

    // Recursion without end at run time: no crash, one warning, counted, and the run goes on.
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--filter", "def f: [f]; f"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(json_lines(&out).is_empty());
    assert_eq!(err.matches("recursed too deeply").count(), 1, "{err}");
    assert!(err.contains(&format!("--filter did not finish on {t}/0/0")), "{err}");
    assert!(err.contains("3 records seen, 0 matched, 3 where --filter did not finish (never match)"), "{err}");
}

#[test]
fn products_too_large_to_hold_and_values_without_bound_end_one_record_not_the_run() {
    let b = Broker::start();
    // `.s * .n` repeats a string: by 2, then by 10^18, which jaq-json asked the allocator
    // for at once, aborting the process (SIGABRT) before `*` was bounded.
    let records = [("small", 2u64), ("huge", 1_000_000_000_000_000_000), ("last", 3)]
        .map(|(k, n)| TestRecord { partition: Some(0), ..TestRecord::json(k, json!({"s": "ab", "n": n})) });
    let t = topic_with(&b, "tail-mul", 1, &records);
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--filter", "(.s * .n | length) >= 4"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert_eq!(keys(&json_lines(&out)), ["small", "last"], "{err}");

    // A filter building an ever larger value: stopped at the evaluation's memory bound (lowered
    // from its 1GiB default, which a debug build takes a while to fill) on each record,
    // reported once, and the run goes on and exits 0.
    let filter = ["--filter", "[repeat(1)] | length > 0", "--filter-memory", "64MiB"];
    let out = tail(&b, &[&[t.as_str(), "--from", "beginning", "--exit"][..], &filter].concat());
    let err = stderr(&out);
    assert!(out.status.success(), "{:?}: {err}", out.status);
    assert!(json_lines(&out).is_empty());
    assert_eq!(err.matches("larger than the memory one evaluation may hold (--filter-memory)").count(), 1, "{err}");
    assert!(err.contains("3 records seen, 0 matched, 3 where --filter did not finish (never match)"), "{err}");
}

#[test]
fn ctrl_c_stops_a_filter_that_never_returns() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-loop", 1, &numbered(2, 0));
    let mut child = evbus_std(&b)
        .args(["tail", &t, "--from", "beginning", "--filter", "def f: f; f"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Time to fetch the first record and start looping on it.
    std::thread::sleep(Duration::from_secs(3));
    assert!(child.try_wait().unwrap().is_none(), "tail ended on its own");
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let start = Instant::now();
    let status = wait_or_kill(&mut child, Duration::from_secs(10));
    let elapsed = start.elapsed();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    // The summary proves the loop was running: a record had been taken up when Ctrl-C came.
    let seen: u32 = err
        .trim_end()
        .strip_prefix("evbus: interrupted: ")
        .and_then(|s| s.strip_suffix(" records seen, 0 matched"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected stderr: {err}"));
    assert!(seen >= 1, "{err}");
}

#[test]
fn unknown_topic_is_a_clear_error() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-known", 1, &numbered(1, 0));
    let out = tail(&b, &[&format!("{t}x"), "--exit"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains(&format!("unknown topic '{t}x'")), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("did you mean '{t}'")), "{}", stderr(&out));
    assert!(!b.topic_names().contains(&format!("{t}x")), "tail must not auto-create topics");
}

#[test]
fn timestamps_since_and_until() {
    let b = Broker::start();
    let t = b.unique("tail-time");
    b.create_topic(&t, 1);
    let now = now_ms();
    let h = 3_600_000;
    produce_at(&b, &t, &[("old", "1", now - 3 * h), ("mid", "2", now - 2 * h), ("new", "3", now - 60_000)]);

    assert_eq!(keys(&tail_ok(&b, &[&t, "--from", &rfc3339(now - 150 * 60_000), "--exit"])), ["mid", "new"]);
    assert_eq!(keys(&tail_ok(&b, &[&t, "--since", "30m", "--exit"])), ["new"]);
    assert_eq!(keys(&tail_ok(&b, &[&t, "--since", "1d", "--exit"])), ["old", "mid", "new"]);
    // A time after every record: nothing, and --exit still ends.
    assert!(tail_ok(&b, &[&t, "--from", &rfc3339(now + h), "--exit"]).is_empty());

    // --until in the past stops at the first newer record, even without --exit.
    assert_eq!(keys(&tail_ok(&b, &[&t, "--from", "beginning", "--until", &rfc3339(now - 150 * 60_000)])), ["old"]);
    assert_eq!(
        keys(&tail_ok(&b, &[&t, "--from", "beginning", "--until", &rfc3339(now - 1000)])),
        ["old", "mid", "new"]
    );
}

#[test]
fn pattern_and_all() {
    let b = Broker::private(BrokerOpts::default());
    let a = topic_with(&b, "pat-a", 1, &numbered(2, 0));
    let c = topic_with(&b, "pat-c", 2, &numbered(1, 1));
    let other = topic_with(&b, "zzz", 1, &numbered(3, 0));

    let lines = tail_ok(&b, &["--pattern", "^pat-", "--from", "beginning", "--exit"]);
    let mut topics: Vec<String> = lines.iter().map(|l| l["topic"].as_str().unwrap().to_string()).collect();
    topics.sort();
    assert_eq!(topics, [a.clone(), a.clone(), c.clone()]);

    let lines = tail_ok(&b, &["--all", "--from", "beginning", "--exit"]);
    assert_eq!(lines.len(), 6);
    assert_eq!(lines.iter().filter(|l| l["topic"] == other.as_str()).count(), 3);

    let out = tail(&b, &["--pattern", "^nothing-", "--exit"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no topic matches"), "{}", stderr(&out));
    assert_eq!(tail(&b, &["--all", &a]).status.code(), Some(2));
    assert!(group_names(&b).is_empty(), "{:?}", group_names(&b));
}

#[test]
fn validate_and_only_invalid() {
    let b = Broker::start();
    let t = b.unique("tail-valid");
    b.create_topic(&t, 1);
    let dir = b.dir.path().join("myschemas");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join(format!("{t}.json")),
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
            "required":["id"],"properties":{"id":{"type":"integer"}}}"#,
    )
    .unwrap();
    b.produce(
        &t,
        &[
            TestRecord::json("ok", json!({"id": 1})),
            TestRecord::json("bad", json!({"id": "x"})),
            TestRecord { key: Some(b"text".to_vec()), value: Some(b"oops".to_vec()), ..Default::default() },
        ],
    );
    let schemas = dir.to_str().unwrap();
    let lines = tail_ok(&b, &[&t, "--from", "beginning", "--exit", "--validate", "--schemas", schemas]);
    assert_eq!(lines.len(), 3);
    assert!(lines[0].get("invalid").is_none(), "{}", lines[0]);
    assert!(lines[1]["invalid"].as_str().unwrap().contains("/id"), "{}", lines[1]);
    assert!(lines[2]["invalid"].as_str().unwrap().contains("not JSON"), "{}", lines[2]);

    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--only-invalid", "--validate", "--schemas", schemas]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(keys(&json_lines(&out)), ["bad", "text"], "{}", stderr(&out));
    assert!(stderr(&out).contains("3 records seen, 2 matched, 2 invalid"), "{}", stderr(&out));

    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--validate", "--schemas", schemas, "-o", "pretty"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("✗ invalid:").count(), 2, "{text}");

    // A topic without a schema is reported, not fatal.
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--validate", "--schemas", "/nonexistent"]);
    assert!(out.status.success());
    assert!(stderr(&out).contains("not checked"), "{}", stderr(&out));
}

#[test]
fn pretty_output_escapes_control_characters() {
    let b = Broker::start();
    let t = b.unique("tail-pretty");
    b.create_topic(&t, 1);
    let p = b.producer();
    let hs = OwnedHeaders::new().insert(Header { key: "h\u{202e}", value: Some(b"\x1b]0;title\x07".as_slice()) });
    p.send(
        BaseRecord::to(&t).key("k\x1b[31m").payload("evil\x1b[2J\rtext\x07 \u{202e}rtl\u{9b}".as_bytes()).headers(hs),
    )
    .map_err(|(e, _)| e)
    .unwrap();
    p.send(BaseRecord::to(&t).key("j").payload(r#"{"msg":"a\u001b[2Jb"}"#)).map_err(|(e, _)| e).unwrap();
    p.flush(Duration::from_secs(10)).unwrap();

    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "-o", "pretty", "--color", "always"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    // Colour codes are ours; strip them, then no raw control or bidi character may remain.
    let plain = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap().replace_all(&text, "");
    for bad in ['\x1b', '\x07', '\r', '\u{202e}', '\u{9b}'] {
        assert!(!plain.contains(bad), "{bad:?} reached the terminal: {plain:?}");
    }
    assert!(plain.contains("evil\\x1b[2J\\rtext\\x07 \\u{202e}rtl\\u{009b}"), "{plain}");
    assert!(plain.contains("key=k\\x1b[31m"), "{plain}");
    assert!(plain.contains("h\\u{202e}: \\x1b]0;title\\x07"), "{plain}");

    // Huge values are truncated in pretty mode unless --full, and whole in JSON.
    let big = "x".repeat(100_000);
    b.produce(
        &t,
        &[TestRecord { key: Some(b"big".to_vec()), value: Some(big.clone().into_bytes()), ..Default::default() }],
    );
    let out = tail(&b, &[&t, "--from", "-1", "--exit", "-o", "pretty"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("truncated") && text.len() < 20_000, "{}", text.len());
    let out = tail(&b, &[&t, "--from", "-1", "--exit", "-o", "pretty", "--full"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains(&big));
    assert_eq!(tail_ok(&b, &[&t, "--from", "-1", "--exit"])[0]["value"], big.as_str());
}

#[test]
fn broken_pipe_exits_zero_quietly() {
    let b = Broker::start();
    let t = b.unique("tail-pipe");
    b.create_topic(&t, 1);
    let filler = "y".repeat(400);
    let recs: Vec<TestRecord> =
        (0..5000).map(|i| TestRecord::json(&format!("k{i}"), json!({"i": i, "pad": filler}))).collect();
    b.produce(&t, &recs);

    // Like `evbus tail T --from beginning | head -1`: follows (no --exit), reader goes away.
    let mut child = evbus_std(&b)
        .args(["tail", &t, "--from", "beginning", "-o", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    {
        let mut r = BufReader::new(child.stdout.take().unwrap());
        r.read_line(&mut first).unwrap();
    }
    let v: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["key"], "k0");
    let status = wait_with_limit(&mut child, Duration::from_secs(30));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert_eq!(err, "", "nothing on stderr after a broken pipe");
}

#[test]
fn ctrl_c_prints_a_summary_and_exits_130() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-int", 1, &numbered(2, 0));
    let mut child = evbus_std(&b)
        .args(["tail", &t, "--from", "beginning", "--filter", ".n == 1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    r.read_line(&mut first).unwrap();
    assert!(first.contains("p0-k1"), "{first}");
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let status = wait_with_limit(&mut child, Duration::from_secs(15));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert_eq!(err.trim_end(), "evbus: interrupted: 2 records seen, 1 matched", "{err}");
}

#[test]
fn group_opt_in_commits_what_was_printed() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-group", 1, &numbered(4, 0));
    let g = b.unique("tail-g");
    let lines = tail_ok(&b, &[&t, "--group", &g, "--from", "beginning", "--exit"]);
    assert_eq!(lines.len(), 4);
    assert!(group_names(&b).contains(&g), "{:?}", group_names(&b));

    // The committed position is the end: a second run of the group has nothing new and ends.
    let c: BaseConsumer =
        ClientConfig::new().set("bootstrap.servers", &b.bootstrap).set("group.id", &g).create().unwrap();
    let mut tpl = rdkafka::TopicPartitionList::new();
    tpl.add_partition(&t, 0);
    let committed = c.committed_offsets(tpl, Duration::from_secs(10)).unwrap();
    assert_eq!(committed.find_partition(&t, 0).unwrap().offset(), rdkafka::Offset::Offset(4));
    assert!(tail_ok(&b, &[&t, "--group", &g, "--from", "beginning", "--exit"]).is_empty());

    b.produce(&t, &numbered(1, 0));
    assert_eq!(keys(&tail_ok(&b, &[&t, "--group", &g, "--exit"])), ["p0-k0"]);
    // Offsets other than end/beginning make no sense with a group.
    assert_eq!(tail(&b, &[&t, "--group", &g, "--from", "-3"]).status.code(), Some(2));
}

#[test]
fn jq_filters_on_large_batches_keep_order_and_counts() {
    // Enough records that batches are evaluated on several threads.
    let b = Broker::start();
    let t = b.unique("tail-batch");
    b.create_topic(&t, 2);
    let mut recs = Vec::new();
    for p in 0..2 {
        for i in 0..1500 {
            recs.push(if i % 100 == 99 {
                TestRecord {
                    key: Some(format!("p{p}-x{i}").into_bytes()),
                    value: Some(b"not json".to_vec()),
                    partition: Some(p),
                    ..Default::default()
                }
            } else {
                TestRecord { partition: Some(p), ..TestRecord::json(&format!("p{p}-k{i}"), json!({"n": i})) }
            });
        }
    }
    b.produce(&t, &recs);
    let out = tail(&b, &[&t, "--from", "beginning", "--exit", "--filter", ".n % 3 == 0"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines = json_lines(&out);
    for p in 0..2 {
        let got: Vec<i64> =
            lines.iter().filter(|l| l["partition"] == p).map(|l| l["value"]["n"].as_i64().unwrap()).collect();
        let want: Vec<i64> = (0..1500).filter(|i| i % 3 == 0 && i % 100 != 99).collect();
        assert_eq!(got, want, "partition {p}");
    }
    assert!(stderr(&out).contains("3000 records seen, 990 matched, 30 not JSON"), "{}", stderr(&out));
    // --count stops at exactly N even when verdicts were computed ahead.
    assert_eq!(tail_ok(&b, &[&t, "--from", "beginning", "--filter", ".n % 3 == 0", "--count", "7"]).len(), 7);
}

/// `tail --group G --exit` leaves G at once: right after the process ends the group is Empty
/// with no members, so a `groups reset --yes` that follows is not refused. Run several times, as
/// a consumer closed on another thread after exit lost the race only some of the time.
#[test]
fn group_exit_leaves_the_group_before_returning() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-leave", 2, &numbered(3, 0));
    for i in 0..5 {
        let g = b.unique(&format!("tail-leave-{i}"));
        let lines = tail_ok(&b, &[&t, "--group", &g, "--from", "beginning", "--exit"]);
        assert_eq!(lines.len(), 3, "run {i}");
        let out = b.evbus().args(["groups", "describe", &g, "-o", "json"]).output().unwrap();
        assert!(out.status.success(), "run {i}: {}", stderr(&out));
        let doc = stdout_json(&out);
        assert_eq!(doc["state"], "Empty", "run {i}: a member outlived the process: {doc:#}");
        assert_eq!(doc["members"].as_array().map(Vec::len), Some(0), "run {i}: {doc:#}");
    }
}

/// A group commits only what it printed: a record left out by `--until` (newer than it) is not
/// committed, so the group's next run prints it.
#[test]
fn group_does_not_commit_records_left_out_by_until() {
    let b = Broker::start();
    let t = b.unique("tail-until-g");
    b.create_topic(&t, 1);
    let now = now_ms();
    let h = 3_600_000;
    produce_at(&b, &t, &[("old", "1", now - 3 * h), ("mid", "2", now - 2 * h), ("new", "3", now - 60_000)]);
    let g = b.unique("tail-until-g");
    let until = rfc3339(now - 150 * 60_000);
    assert_eq!(keys(&tail_ok(&b, &[&t, "--group", &g, "--from", "beginning", "--until", &until])), ["old"]);
    assert_eq!(keys(&tail_ok(&b, &[&t, "--group", &g, "--exit"])), ["mid", "new"]);
}

/// CreatePartitions: `topic` grows to `total` partitions (not through evbus).
fn add_partitions(b: &Broker, topic: &str, total: usize) {
    use rdkafka::admin::{AdminClient, AdminOptions, NewPartitions};
    let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", &b.internal).create().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let r = rt
        .block_on(admin.create_partitions(
            &[NewPartitions::new(topic, total)],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
        ))
        .unwrap();
    for x in r {
        x.unwrap();
    }
}

/// Produces, asking again while the producer does not know the (new) partition or topic yet.
fn produce_retrying(b: &Broker, topic: &str, records: &[TestRecord]) {
    let p = b.producer();
    let deadline = Instant::now() + Duration::from_secs(30);
    for r in records {
        loop {
            match p.send(r.to_base(topic)) {
                Ok(()) => break,
                Err((e, _)) if Instant::now() < deadline => {
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err((e, _)) => panic!("cannot produce to {topic}: {e}"),
            }
        }
    }
    p.flush(Duration::from_secs(10)).unwrap();
}

/// A following `evbus tail ARGS` with stdout and stderr piped, and a reader of its first line.
fn follow(b: &Broker, args: &[&str]) -> (std::process::Child, BufReader<std::process::ChildStdout>, String) {
    let mut child = evbus_std(b)
        .arg("tail")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    r.read_line(&mut first).unwrap();
    (child, r, first)
}

/// The rest of stdout as JSON lines, and stderr, once the process is done.
fn rest(child: &mut std::process::Child, mut r: BufReader<std::process::ChildStdout>) -> (Vec<Value>, String) {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut r, &mut text).unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    (text.lines().map(|l| serde_json::from_str(l).unwrap()).collect(), err)
}

#[test]
fn partitions_added_while_following_are_read_and_announced() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-grow", 1, &numbered(1, 0));
    let (mut child, r, first) = follow(&b, &[&t, "--from", "beginning", "--count", "3", "-o", "json"]);
    assert!(first.contains("p0-k0"), "{first}");
    // The tail is running with one partition: two more appear, with a record each.
    add_partitions(&b, &t, 3);
    let mut recs = numbered(1, 1);
    recs.extend(numbered(1, 2));
    produce_retrying(&b, &t, &recs);
    let status = wait_with_limit(&mut child, Duration::from_secs(60));
    let (lines, err) = rest(&mut child, r);
    assert_eq!(status.code(), Some(0), "{err}");
    let mut got = keys(&lines);
    got.sort();
    assert_eq!(got, ["p1-k0", "p2-k0"], "{err}");
    assert!(err.contains(&format!("evbus: following new partition(s) {t}[1..2]")), "{err}");
}

#[test]
fn pattern_picks_up_topics_created_after_the_start() {
    let b = Broker::start();
    let prefix = b.unique("tail-late");
    let first_topic = format!("{prefix}-a");
    b.create_topic(&first_topic, 1);
    b.produce(&first_topic, &numbered(1, 0));
    let pattern = format!("^{prefix}-");
    let (mut child, r, first) = follow(&b, &["--pattern", &pattern, "--from", "beginning", "--count", "2"]);
    assert!(first.contains("p0-k0"), "{first}");
    let late = format!("{prefix}-b");
    b.create_topic(&late, 1);
    produce_retrying(&b, &late, &[TestRecord::json("late-k", json!({"late": true}))]);
    let status = wait_with_limit(&mut child, Duration::from_secs(60));
    let (lines, err) = rest(&mut child, r);
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0]["topic"].as_str(), lines[0]["key"].as_str()), (Some(late.as_str()), Some("late-k")));
    assert!(err.contains(&format!("evbus: following new topic {late}[0]")), "{err}");
}

/// Records removed under a reader (DeleteRecords, as retention does it) while `tail --exit`
/// reads: returns the exit status, the offsets printed and stderr.
///
/// The reader cannot get far ahead: stdout is a pipe nobody reads while the records go, and its
/// prefetch is capped at about one record (each record is a batch of its own), so it is still
/// below offset 300 when everything before 300 is deleted.
fn gap_run(b: &Broker, base: &str, extra: &[&str]) -> (std::process::ExitStatus, Vec<i64>, String) {
    let t = b.unique(base);
    b.create_topic(&t, 1);
    let p: rdkafka::producer::ThreadedProducer<_> = ClientConfig::new()
        .set("bootstrap.servers", &b.internal)
        .set("linger.ms", "0")
        .set("batch.num.messages", "1")
        .create()
        .unwrap();
    let pad = "x".repeat(2000);
    for i in 0..400 {
        let v = json!({"i": i, "pad": pad}).to_string();
        p.send(BaseRecord::<str, str>::to(&t).partition(0).key("k").payload(&v)).map_err(|(e, _)| e).unwrap();
    }
    p.flush(Duration::from_secs(30)).unwrap();
    let mut args = vec!["-X", "queued.max.messages.kbytes=1", "-X", "queued.min.messages=1"];
    args.extend(["-X", "max.partition.fetch.bytes=1024", "tail", &t, "--from", "beginning", "--exit", "-o", "json"]);
    args.extend(extra);
    let mut child =
        evbus_std(b).args(&args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut r = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    r.read_line(&mut first).unwrap();
    // Give the reader time to fill the pipe and stop there.
    std::thread::sleep(Duration::from_millis(500));
    b.delete_records(&t, 0, 300);
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut r, &mut text).unwrap();
        text
    });
    let mut stderr = child.stderr.take().unwrap();
    let errs = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("evbus tail did not exit within 60 s; stderr:\n{}", errs.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut offsets = vec![serde_json::from_str::<Value>(&first).unwrap()["offset"].as_i64().unwrap()];
    for l in reader.join().unwrap().lines() {
        offsets.push(serde_json::from_str::<Value>(l).unwrap()["offset"].as_i64().unwrap());
    }
    (status, offsets, errs.join().unwrap())
}

/// The first offset of the gap the note on stderr reports, checked against what was printed.
fn check_gap(offsets: &[i64], err: &str) {
    let at = err.find("gap in ").unwrap_or_else(|| panic!("no gap reported: {err}"));
    let note = &err[at..];
    let from: i64 = note.split("offsets ").nth(1).and_then(|s| s.split(' ').next()).unwrap().parse().unwrap();
    assert!(
        note.contains(&format!(
            "offsets {from} to 299 ({} offset(s)) were removed by retention or DeleteRecords",
            300 - from
        )),
        "{err}"
    );
    assert!(note.contains("below the log start 300"), "{err}");
    let expected: Vec<i64> = (0..from).chain(300..400).collect();
    assert_eq!(offsets, expected, "every offset is either printed or in the gap: {err}");
}

#[test]
fn records_removed_under_the_reader_are_a_reported_gap() {
    let b = Broker::start();
    let (status, offsets, err) = gap_run(&b, "tail-gap", &[]);
    assert_eq!(status.code(), Some(1), "{err}");
    check_gap(&offsets, &err);
    assert!(err.contains("--allow-gaps accepts that"), "{err}");

    let (status, offsets, err) = gap_run(&b, "tail-gap-ok", &["--allow-gaps"]);
    assert_eq!(status.code(), Some(0), "{err}");
    check_gap(&offsets, &err);
    assert!(err.contains("removed before they were read (1 gap(s))"), "{err}");
}

/// Issue 26: with `--group` the consumer's own `auto.offset.reset` moved the position over the
/// removed offsets without a word. Reported the same way now, under a group too, and a committed
/// offset that retention overtook before the run started is a gap as well.
#[test]
fn records_removed_under_a_group_reader_are_a_reported_gap() {
    let b = Broker::start();
    let g = b.unique("gap-group");
    let (status, offsets, err) = gap_run(&b, "tail-group-gap", &["--group", &g]);
    assert_eq!(status.code(), Some(1), "{err}");
    check_gap(&offsets, &err);
    assert!(err.contains("--allow-gaps accepts that"), "{err}");

    // A committed position below the log start when the run begins.
    let t = topic_with(&b, "tail-group-behind", 1, &numbered(10, 0));
    let g = b.unique("behind");
    b.commit(&g, &[(&t, 0, 2)]);
    b.delete_records(&t, 0, 5);
    let out = tail(&b, &[&t, "--group", &g, "--from", "beginning", "--exit", "--allow-gaps"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(keys(&json_lines(&out)), ["p0-k5", "p0-k6", "p0-k7", "p0-k8", "p0-k9"], "{err}");
    assert!(err.contains("offsets 2 to 4 (3 offset(s)) were removed by retention or DeleteRecords"), "{err}");
}

#[test]
fn head_ends_tail_on_a_quiet_topic_as_soon_as_the_pipe_closes() {
    let b = Broker::start();
    let t = topic_with(&b, "tail-head", 1, &numbered(1, 0));
    let mut sh = Command::new("bash");
    for v in ["EVBUS_BROKERS", "KAFKA_BROKERS", "KAFKA_BOOTSTRAP_SERVERS", "EVBUS_CONTEXT", "EVBUS_CONFIG", "NO_COLOR"]
    {
        sh.env_remove(v);
    }
    let mut child = sh
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .env("EVBUS", assert_cmd::cargo::cargo_bin("evbus"))
        .env("BROKERS", &b.bootstrap)
        .env("TOPIC", &t)
        .current_dir(b.dir.path())
        .args(["-c", r#""$EVBUS" -b "$BROKERS" tail "$TOPIC" --from beginning -o json | head -1; echo "tail exit ${PIPESTATUS[0]}" >&2"#])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Nothing more arrives on the topic: only the closed pipe can end the tail.
    let status = wait_with_limit(&mut child, Duration::from_secs(30));
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let out = rest(&mut child, stdout);
    assert!(status.success(), "{}", out.1);
    assert_eq!(keys(&out.0), ["p0-k0"]);
    assert_eq!(out.1, "tail exit 0\n", "nothing but the exit status on stderr");
}
