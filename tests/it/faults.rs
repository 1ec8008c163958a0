//! Broker faults during a send: Apache Kafka killed with SIGKILL mid-send and started again.
//! A restart shorter than `--timeout` must end in exit 0 with every line stored exactly once; a
//! longer outage must end within `--timeout` (plus a small margin) with every record counted once
//! as acknowledged, failed, unknown or not sent.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use serde_json::Value;

/// A JSON Lines file of `n` events `{"id": i, ...}`.
fn lines_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let p = dir.join("events.jsonl");
    let mut s = String::with_capacity(n * 80);
    for i in 0..n {
        s.push_str(&format!(
            "{{\"id\":\"e{i:07}\",\"eventType\":\"fault.test\",\"payload\":\"{}\"}}\n",
            "x".repeat(40)
        ));
    }
    std::fs::write(&p, s).unwrap();
    p
}

fn spawn_produce(b: &Broker, topic: &str, file: &std::path::Path, timeout: &str, rate: &str) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("evbus"))
        .current_dir(b.dir.path())
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .env_remove("EVBUS_BROKERS")
        .args(["-b", &b.bootstrap, "--timeout", timeout, "produce", topic, "--input"])
        .arg(file)
        .args(["--no-validate", "--key", "id", "--rate", rate, "-o", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(mut child: std::process::Child, limit: Duration) -> (Option<i32>, Value, String, Duration) {
    let start = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s.code();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("evbus did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let waited = start.elapsed();
    let (mut out, mut err) = (String::new(), String::new());
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let v = serde_json::from_str(out.trim()).unwrap_or(Value::Null);
    (code, v, err, waited)
}

/// Wait until the topic holds at least `n` records (so a kill lands mid-send, whatever the load).
fn wait_stored(b: &Broker, topic: &str, partitions: i32, n: i64) {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let c: BaseConsumer = rdkafka::ClientConfig::new().set("bootstrap.servers", &b.internal).create().unwrap();
    let start = Instant::now();
    loop {
        let total: i64 = (0..partitions)
            .filter_map(|p| c.fetch_watermarks(topic, p, Duration::from_secs(5)).ok())
            .map(|(_, hi)| hi)
            .sum();
        if total >= n {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "only {total} records stored after 60 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How many times each key is stored on the topic.
fn key_counts(b: &Broker, topic: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in b.read_all(topic) {
        *m.entry(String::from_utf8(r.key.unwrap()).unwrap()).or_default() += 1;
    }
    m
}

#[test]
fn a_broker_restart_shorter_than_the_timeout_loses_and_duplicates_nothing() {
    let mut b = Broker::private(BrokerOpts::default());
    let t = "faults.restart";
    b.create_topic(t, 3);
    let n = 60_000;
    let file = lines_file(b.dir.path(), n);
    // Paced so that the kill lands mid-send: 60k at 10k/s is 6 s of sending.
    let child = spawn_produce(&b, t, &file, "60s", "10000/s");
    wait_stored(&b, t, 3, 5_000);
    b.restart(); // SIGKILL, then start again on the same data and ports
    let (code, v, err, _) = finish(child, Duration::from_secs(120));
    assert_eq!(code, Some(0), "{err}\n{v}");
    assert_eq!(
        (v["sent"].as_u64(), v["failed"].as_u64(), v["unknown"].as_u64()),
        (Some(n as u64), Some(0), Some(0)),
        "{v}"
    );
    let counts = key_counts(&b, t);
    let dups: Vec<_> = counts.iter().filter(|(_, c)| **c > 1).take(5).collect();
    assert!(
        dups.is_empty(),
        "duplicates after the restart, e.g. {dups:?} ({} keys stored twice or more)",
        counts.values().filter(|c| **c > 1).count()
    );
    assert_eq!(counts.len(), n, "every line stored");
}

#[test]
fn an_outage_longer_than_the_timeout_ends_in_time_and_counts_every_record_once() {
    let mut b = Broker::private(BrokerOpts::default());
    let t = "faults.outage";
    b.create_topic(t, 3);
    let n = 60_000;
    let file = lines_file(b.dir.path(), n);
    let child = spawn_produce(&b, t, &file, "4s", "10000/s");
    wait_stored(&b, t, 3, 5_000);
    b.stop();
    let killed = Instant::now();
    let (code, v, err, _) = finish(child, Duration::from_secs(60));
    let took = killed.elapsed();
    assert_eq!(code, Some(1), "{err}\n{v}");
    // --timeout 4s after the last acknowledgement, plus the purge's grace (2 s) and slack.
    assert!(took < Duration::from_secs(9), "ended {took:?} after the broker died, with --timeout 4s");
    assert!(err.contains("no answer from the broker for 4s"), "{err}");
    let (sent, failed, unknown, not_sent) = (
        v["sent"].as_u64().unwrap(),
        v["failed"].as_u64().unwrap(),
        v["unknown"].as_u64().unwrap(),
        v["not_sent"].as_u64().unwrap(),
    );
    assert_eq!(sent + failed + unknown + not_sent, n as u64, "each record counted once: {v}");
    assert!(sent > 0 && sent < n as u64, "{v}");

    // Back up: what is stored is every acknowledged record, and at most the unknown ones more.
    b.start_again();
    let counts = key_counts(&b, t);
    assert!(counts.values().all(|c| *c == 1), "no duplicates");
    let stored = counts.len() as u64;
    assert!(stored >= sent && stored <= sent + unknown, "stored {stored}, {v}");
}

/// `dlq replay` rides out a broker killed -9 and restarted mid-replay (shorter than --timeout):
/// exit 0, every selected dead letter stored in its original topic exactly once, and the saved
/// position at the end of the DLQ.
#[test]
fn a_broker_restart_mid_replay_stores_every_dead_letter_exactly_once() {
    let mut b = Broker::private(BrokerOpts::default());
    let (dlq, orders) = ("faults.replay.dlq", "faults.replay.orders");
    b.create_topic(dlq, 2);
    b.create_topic(orders, 3);
    let n = 4_000usize;
    let recs: Vec<TestRecord> = (0..n)
        .map(|i| TestRecord {
            key: Some(format!("k{i:05}").into_bytes()),
            value: Some(format!("{{\"i\":{i}}}").into_bytes()),
            headers: vec![
                ("kafka_dlt-original-topic".into(), Some(orders.as_bytes().to_vec())),
                ("kafka_dlt-exception-message".into(), Some(b"boom".to_vec())),
            ],
            partition: Some((i % 2) as i32),
        })
        .collect();
    b.produce(dlq, &recs);

    // Paced so that the kill lands mid-replay: 4000 at 500/s is 8 s of sending.
    let child = Command::new(assert_cmd::cargo::cargo_bin("evbus"))
        .current_dir(b.dir.path())
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .env_remove("EVBUS_BROKERS")
        .env_remove("EVBUS_CONTEXT")
        .args(["-b", &b.bootstrap, "--timeout", "60s", "dlq", "replay", dlq, "--rate", "500/s"])
        .args(["--yes", "-o", "json", "-g", "faults-replay"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_stored(&b, orders, 3, 500);
    b.restart(); // SIGKILL, then start again on the same data and ports
    let (code, v, err, _) = finish(child, Duration::from_secs(150));
    assert_eq!(code, Some(0), "{err}\n{v}");
    assert_eq!(v["replayed"].as_u64(), Some(n as u64), "{v}");
    assert_eq!(v["failed"], serde_json::json!([]), "{v}");
    assert_eq!(v["unknown"], serde_json::json!([]), "{v}");
    let saved: i64 = v["positions"].as_array().unwrap().iter().map(|p| p["saved"].as_i64().unwrap_or(0)).sum();
    assert_eq!(saved, n as i64, "the saved position is the end of the DLQ: {v}");

    let counts = key_counts(&b, orders);
    let dups: Vec<_> = counts.iter().filter(|(_, c)| **c > 1).take(5).collect();
    assert!(
        dups.is_empty(),
        "duplicates after the restart, e.g. {dups:?} ({} keys stored twice or more)",
        counts.values().filter(|c| **c > 1).count()
    );
    assert_eq!(counts.len(), n, "every dead letter stored");
}

/// A tail reading JSON lines in the background, with its stdout lines arriving on a channel.
struct Tailing {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Tailing {
    fn start(b: &Broker, args: &[&str]) -> Tailing {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("evbus"))
            .current_dir(b.dir.path())
            .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
            .env_remove("EVBUS_BROKERS")
            .args(["-b", &b.bootstrap])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead as _;
            for l in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        Tailing { child, lines: rx }
    }

    /// The next `n` records' offsets (within `limit`).
    fn offsets(&self, n: usize, limit: Duration) -> Vec<i64> {
        (0..n)
            .map(|_| {
                let l = self.lines.recv_timeout(limit).expect("a record within the limit");
                serde_json::from_str::<Value>(&l).unwrap()["offset"].as_i64().unwrap()
            })
            .collect()
    }

    fn stderr(&mut self) -> String {
        let mut e = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut e).unwrap();
        e
    }
}

/// A tail that has to end (--until in the future: it waits for records until then) fails within
/// --timeout once every broker is gone, naming them, instead of waiting forever.
#[test]
fn a_bounded_tail_fails_within_the_timeout_when_the_broker_dies() {
    let mut b = Broker::private(BrokerOpts::default());
    let t = "faults.tail.bounded";
    b.create_topic(t, 1);
    produce_n(&b, t, 0, 3);
    let until = (chrono::Utc::now() + chrono::Duration::seconds(300)).to_rfc3339();
    let mut tail =
        Tailing::start(&b, &["--timeout", "4s", "tail", t, "--from", "beginning", "--until", &until, "-o", "json"]);
    assert_eq!(tail.offsets(3, Duration::from_secs(30)), vec![0, 1, 2]);
    b.stop();
    let killed = Instant::now();
    let code = loop {
        if let Some(s) = tail.child.try_wait().unwrap() {
            break s.code();
        }
        assert!(killed.elapsed() < Duration::from_secs(30), "tail still waiting 30 s after the broker died");
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = killed.elapsed();
    let err = tail.stderr();
    assert_eq!(code, Some(1), "{err}");
    assert!(took < Duration::from_secs(10), "ended {took:?} after the broker died, with --timeout 4s");
    assert!(err.contains("no broker answered for 4s") && err.contains(&b.bootstrap), "{err}");
}

/// A following tail says when the brokers are gone and when they are back, and resumes where it
/// stopped: no gap, no record twice.
#[test]
fn a_following_tail_reports_the_outage_and_resumes_without_gaps() {
    let mut b = Broker::private(BrokerOpts::default());
    let t = "faults.tail.follow";
    b.create_topic(t, 1);
    produce_n(&b, t, 0, 3);
    let mut tail = Tailing::start(&b, &["--timeout", "3s", "tail", t, "--from", "beginning", "-o", "json"]);
    assert_eq!(tail.offsets(3, Duration::from_secs(30)), vec![0, 1, 2]);
    b.stop();
    // Down for longer than --timeout: a following tail keeps waiting.
    std::thread::sleep(Duration::from_secs(5));
    assert!(tail.child.try_wait().unwrap().is_none(), "a following tail must not give up");
    b.start_again();
    produce_n(&b, t, 0, 3);
    assert_eq!(tail.offsets(3, Duration::from_secs(60)), vec![3, 4, 5], "resumed without gap or repeat");
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(tail.child.id() as i32).unwrap(),
        rustix::process::Signal::INT,
    )
    .unwrap();
    let _ = tail.child.wait();
    assert!(tail.lines.try_recv().is_err(), "nothing more was printed");
    let err = tail.stderr();
    assert!(err.contains("lost the connection to every broker"), "{err}");
    assert!(err.contains("the brokers are back"), "{err}");
}
