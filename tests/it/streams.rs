//! Streams groups (KIP-1071) against Apache Kafka with a real Kafka Streams application as their
//! member (tests/fixtures/streams-app, compiled here against the `kafka-streams` jar that
//! scripts/install-kafka.sh fetches from Maven Central): `groups describe`, `groups list`, `lag`,
//! `groups reset` and `groups delete` compared number for number with Kafka's own
//! `kafka-streams-groups` (StreamsGroupCommand); `health` of a manifest group with a declared
//! type; and the error a cluster without streams groups gives (3.9, or 4.x with the
//! `streams.version` feature off).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::broker::{BrokerOpts, kafka_libs, kafka_major};
use crate::common::*;

const STREAMS_GROUPS: &str = "org.apache.kafka.tools.streams.StreamsGroupCommand";

/// Kafka's tool against the broker: its stdout, which must not report an error.
fn kafka_streams_groups(b: &Broker, args: &[&str]) -> String {
    let mut all = vec!["--bootstrap-server", b.internal.as_str()];
    all.extend_from_slice(args);
    let out = b.kafka_tool_within(STREAMS_GROUPS, &all, None, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && !stdout.contains("Error:"),
        "kafka-streams-groups {args:?} failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The rows of one of the tool's tables, each a map from its column header.
fn table(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let Some(header) = lines.find(|l| l.starts_with("GROUP")) else { return Vec::new() };
    let cols: Vec<&str> = header.split_whitespace().collect();
    lines
        .map(|l| {
            let mut cells: Vec<String> = l.split_whitespace().map(str::to_string).collect();
            // The last column (assignments) holds spaces: it takes the rest of the line.
            if cells.len() > cols.len() {
                let rest = cells.split_off(cols.len() - 1).join(" ");
                cells.push(rest);
            }
            cols.iter().map(|c| c.to_string()).zip(cells).collect()
        })
        .collect()
}

/// The class path of the test application: Kafka's jars, Kafka Streams, and the class compiled
/// (once per test binary) from tests/fixtures/streams-app.
fn app_classpath() -> &'static str {
    static CP: OnceLock<String> = OnceLock::new();
    CP.get_or_init(|| {
        let libs = kafka_libs();
        let streams = libs.parent().unwrap().join("streams-libs");
        assert!(
            streams.join(".complete").is_file(),
            "the Kafka Streams jar is not in {}: run scripts/install-kafka.sh (Kafka 4.x fetches it)",
            streams.display()
        );
        let classes = Path::new(env!("CARGO_TARGET_TMPDIR")).join("streams-app");
        std::fs::create_dir_all(&classes).unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/streams-app/EvbusStreamsApp.java");
        let deps = format!("{}/*:{}/*", libs.display(), streams.display());
        let out = Command::new("javac")
            .args(["-nowarn", "-cp", &deps, "-d"])
            .arg(&classes)
            .arg(&src)
            .output()
            .expect("cannot run javac (a JDK 17+ is needed for the streams tests)");
        assert!(out.status.success(), "javac failed:\n{}", String::from_utf8_lossy(&out.stderr));
        format!("{deps}:{}", classes.display())
    })
}

/// A running Kafka Streams application (INPUT -> filter -> OUTPUT, plus a count by value with
/// a repartition and a changelog topic), stopped when dropped.
struct StreamsApp {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    _tmp: tempfile::TempDir,
}

impl StreamsApp {
    fn start(b: &Broker, app_id: &str, input: &str, output: &str) -> StreamsApp {
        let libs = kafka_libs();
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(std::env::var_os("JAVA").unwrap_or_else(|| "java".into()))
            .args(["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
            .arg(format!("-Djava.io.tmpdir={}", tmp.path().display()))
            .arg(format!("-Dlog4j2.configurationFile={}", libs.join("log4j2.properties").display()))
            .args(["-cp", app_classpath(), "EvbusStreamsApp", &b.internal, app_id, input, output])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run java");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(l).is_err() {
                    break;
                }
            }
        });
        let app = StreamsApp { child, stdin, lines, _tmp: tmp };
        // Its log shares stdout: wait for the line it prints once running.
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut seen = Vec::new();
        loop {
            match app.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(l) if l == "RUNNING" => return app,
                Ok(l) if l == "ERROR" => panic!("the Kafka Streams application failed:\n{}", seen.join("\n")),
                Ok(l) => seen.push(l),
                Err(e) => panic!("the Kafka Streams application did not start ({e}):\n{}", seen.join("\n")),
            }
        }
    }

    /// Closes its stdin (it closes its KafkaStreams and leaves the group) and waits for it.
    fn stop(mut self) {
        drop(self.stdin.take());
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < Duration::from_secs(30), "the Kafka Streams application did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for StreamsApp {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn evbus_json(b: &Broker, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = b.evbus().args(args).args(["-o", "json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = if out.stdout.is_empty() { Value::Null } else { stdout_json(&out) };
    (out.status.code(), doc, err)
}

/// `groups describe G -o json` once `done` holds of it (the application commits and rebalances
/// in its own time), within 60 s.
fn describe_when(b: &Broker, group: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let (code, doc, err) = evbus_json(b, &["groups", "describe", group]);
        if code == Some(0) && done(&doc) {
            return doc;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{group} never {what}: {err}\n{doc:#}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn committed_by_partition(doc: &Value) -> BTreeMap<(String, i64), (Option<i64>, i64)> {
    doc["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                (p["topic"].as_str().unwrap().to_string(), p["partition"].as_i64().unwrap()),
                (p["committed"].as_i64(), p["end"].as_i64().unwrap()),
            )
        })
        .collect()
}

/// A Kafka Streams application's group, from start to deletion, against Kafka's own tool.
#[test]
fn a_streams_group_is_described_lagged_reset_and_deleted_as_kafkas_tool_sees_it() {
    // Not a silent pass on 3.9: the 3.9 pass of .ci/run skips this test by name, and the test
    // below checks what evbus says there.
    assert!(kafka_major() >= 4, "streams groups need Kafka 4.2+: skip this test by name on older brokers");
    let b = Broker::start();
    let app = b.unique("wordcount");
    let (input, output) = (b.unique("st-in"), b.unique("st-out"));
    b.create_topic(&input, 3);
    b.create_topic(&output, 1);
    produce_n(&b, &input, 0, 6);
    produce_n(&b, &input, 1, 3);
    let first = StreamsApp::start(&b, &app, &input, &output);

    // Running, with everything consumed and committed: describe it.
    let d = describe_when(&b, &app, "caught up", |d| {
        let c = committed_by_partition(d);
        d["members"].as_array().is_some_and(|m| m.len() == 1)
            && c.get(&(input.clone(), 0)) == Some(&(Some(6), 6))
            && c.get(&(input.clone(), 1)) == Some(&(Some(3), 3))
    });
    let changelog = format!("{app}-counts-changelog");
    let repartition = format!("{app}-counts-repartition");
    assert_eq!(d["type"], "streams");
    assert_eq!(d["input_topics"], serde_json::json!([input]));
    assert_eq!(d["internal_topics"], serde_json::json!([changelog, repartition]));
    assert_eq!(d["subtopologies"].as_array().unwrap().len(), 2, "{d:#}");
    assert_eq!(d["subtopologies"][0]["source_topics"], serde_json::json!([input]));
    assert_eq!(d["subtopologies"][1]["changelog_topics"], serde_json::json!([changelog]));

    // Members, tasks, state and epochs as Kafka's tool shows them.
    let members = table(&kafka_streams_groups(&b, &["--describe", "--group", &app, "--members", "--verbose"]));
    assert_eq!(members.len(), 1, "{members:?}");
    let (k, m) = (&members[0], &d["members"][0]);
    assert_eq!(k["MEMBER"], m["member_id"].as_str().unwrap());
    assert_eq!(k["PROCESS"], m["process_id"].as_str().unwrap());
    assert_eq!(k["CLIENT-ID"], m["client_id"].as_str().unwrap());
    assert_eq!(k["MEMBER-EPOCH"], m["member_epoch"].to_string());
    let active: Vec<String> = m["active"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(sub, ps)| {
            let ps: Vec<String> = ps.as_array().unwrap().iter().map(|p| p.to_string()).collect();
            format!("{sub}:[{}];", ps.join(","))
        })
        .collect();
    assert!(k["ASSIGNMENTS"].starts_with(&format!("ACTIVE: {} ", active.join(" "))), "{k:?} vs {active:?}");
    let state = table(&kafka_streams_groups(&b, &["--describe", "--group", &app, "--state", "--verbose"]));
    assert_eq!(state[0]["STATE"], d["state"].as_str().unwrap());
    assert_eq!(state[0]["GROUP-EPOCH"], d["group_epoch"].to_string());
    assert_eq!(state[0]["TARGET-ASSIGNMENT-EPOCH"], d["assignment_epoch"].to_string());
    assert_eq!(state[0]["#MEMBERS"], "1");

    // Offsets and lag per partition, number for number (evbus's `lag` and Kafka's --offsets).
    let (code, lag, err) = evbus_json(&b, &["lag", &app]);
    assert_eq!(code, Some(0), "{err}");
    let g = &lag["groups"][0];
    assert_eq!((g["type"].as_str(), g["members"].as_i64()), (Some("streams"), Some(1)), "{lag:#}");
    let ours = committed_by_partition(g);
    let offsets = table(&kafka_streams_groups(&b, &["--describe", "--group", &app, "--offsets", "--verbose"]));
    assert!(!offsets.is_empty());
    for r in &offsets {
        let key = (r["TOPIC"].clone(), r["PARTITION"].parse::<i64>().unwrap());
        let (committed, end) = ours.get(&key).unwrap_or_else(|| panic!("evbus has no {key:?}: {g:#}"));
        assert_eq!(r["CURRENT-OFFSET"], committed.map_or("-".to_string(), |c| c.to_string()), "{key:?}");
        assert_eq!(r["LOG-END-OFFSET"], end.to_string(), "{key:?}");
        if let Some(c) = committed {
            assert_eq!(r["OFFSET-LAG"], (end - c).to_string(), "{key:?}");
        }
    }
    assert_eq!(ours.len(), offsets.len(), "{g:#}");

    // `groups list` knows its members and topics; a reset is refused while it runs.
    let (_, list, _) = evbus_json(&b, &["groups", "list", &format!("^{app}$")]);
    assert_eq!(list["groups"][0]["members"], 1, "{list:#}");
    let (code, _, err) = evbus_json(&b, &["groups", "reset", &app, "--all-topics", "--to", "earliest", "--yes"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("1 active member(s)") && err.contains(m["client_id"].as_str().unwrap()), "{err}");

    first.stop();
    describe_when(&b, &app, "emptied", |d| d["members"].as_array().is_some_and(Vec::is_empty) && d["state"] == "Empty");

    // The same reset plan as Kafka's (input topics only), then applied and read back by Kafka.
    let kafka_plan = table(&kafka_streams_groups(
        &b,
        &["--reset-offsets", "--group", &app, "--all-input-topics", "--shift-by", "-2", "--dry-run"],
    ));
    let (code, plan, err) = evbus_json(&b, &["groups", "reset", &app, "--all-topics", "--shift-by", "-2", "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("only its input topics' offsets change") && err.contains(&changelog), "{err}");
    let ours: BTreeMap<(String, String), String> = plan["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["new"].is_i64())
        .map(|r| ((r["topic"].as_str().unwrap().to_string(), r["partition"].to_string()), r["new"].to_string()))
        .collect();
    let theirs: BTreeMap<(String, String), String> =
        kafka_plan.iter().map(|r| ((r["TOPIC"].clone(), r["PARTITION"].clone()), r["NEW-OFFSET"].clone())).collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.get(&(input.clone(), "0".into())).map(String::as_str), Some("4"));

    let (code, _, err) = evbus_json(&b, &["groups", "reset", &app, "--topic", &repartition, "--to", "earliest"]);
    assert_ne!(code, Some(0));
    assert!(err.contains("is an internal topic of streams group"), "{err}");
    let (code, done, err) = evbus_json(
        &b,
        &["groups", "reset", &app, "--all-topics", "--shift-by", "-2", "--delete-internal-topics", "--yes"],
    );
    assert_eq!((code, &done["applied"]), (Some(0), &Value::Bool(true)), "{err}");
    assert!(err.contains("then its internal topics") && err.contains("Deleted 2 internal topic(s)"), "{err}");
    let current = table(&kafka_streams_groups(
        &b,
        &["--reset-offsets", "--group", &app, "--all-input-topics", "--to-current", "--dry-run"],
    ));
    let now: BTreeMap<(String, String), String> =
        current.iter().map(|r| ((r["TOPIC"].clone(), r["PARTITION"].clone()), r["NEW-OFFSET"].clone())).collect();
    assert_eq!(now, theirs, "Kafka reads back the offsets evbus committed");
    wait_topics_gone(&b, &[&changelog, &repartition]);

    // Started again, the application re-reads exactly the 2 + 2 records the reset gave back, and
    // the broker creates its internal topics anew.
    assert_eq!(b.read_all(&output).len(), 9);
    let running = StreamsApp::start(&b, &app, &input, &output);
    describe_when(&b, &app, "caught up again", |d| {
        let c = committed_by_partition(d);
        c.get(&(input.clone(), 0)) == Some(&(Some(6), 6)) && c.get(&(input.clone(), 1)) == Some(&(Some(3), 3))
    });
    assert_eq!(b.read_all(&output).len(), 13);
    // A manifest of the team's topics: `--prune` shows the application's internal topics and
    // keeps them (deleting the changelog would lose the count store).
    let manifest = format!("{app}.yaml");
    std::fs::write(
        b.dir.path().join(&manifest),
        format!("version: 1\ntopics:\n  - name: {input}\n    partitions: 3\n  - name: {output}\n    partitions: 1\n"),
    )
    .unwrap();
    let (code, plan, err) = evbus_json(&b, &["topics", "plan", "-f", &manifest, "--prune"]);
    assert!(code == Some(0) || code == Some(2), "{err}");
    for t in [&changelog, &repartition] {
        let deleted = plan["changes"].as_array().unwrap().iter().any(|c| c["topic"] == *t);
        assert!(!deleted, "{t} planned for deletion: {plan:#}");
        let listed = plan["unmanaged"].as_array().unwrap().iter().find(|u| u["topic"] == *t);
        assert!(listed.is_some_and(|u| u["kept"].as_str().is_some()), "{t} not shown as kept: {plan:#}");
    }
    running.stop();
    describe_when(&b, &app, "emptied", |d| d["members"].as_array().is_some_and(Vec::is_empty));

    // Deleted with its internal topics.
    let (code, plan, err) = evbus_json(&b, &["groups", "delete", &app, "--delete-internal-topics", "--dry-run"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(plan["internal_topics"], serde_json::json!([changelog, repartition]));
    let (code, _, err) = evbus_json(&b, &["groups", "delete", &app, "--delete-internal-topics", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("Deleted 2 internal topic(s)"), "{err}");
    let listed = kafka_streams_groups(&b, &["--list"]);
    assert!(!listed.lines().any(|l| l.trim() == app), "{listed}");
    wait_topics_gone(&b, &[&changelog, &repartition]);
    assert!(b.topic_names().contains(&input), "input topics stay");
}

/// Topic deletion completes after DeleteTopics answers: wait (30 s at most) until none is listed.
fn wait_topics_gone(b: &Broker, topics: &[&str]) {
    let start = Instant::now();
    while b.topic_names().iter().any(|t| topics.contains(&t.as_str())) {
        assert!(start.elapsed() < Duration::from_secs(30), "still there: {topics:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A manifest group declared `type: streams` that is a consumer group on the cluster fails
/// `health`, naming both types.
#[test]
fn health_fails_a_group_of_another_type_than_declared() {
    let b = Broker::start();
    let p = b.unique("typed");
    let (t, g) = (format!("{p}.orders.placed"), format!("{p}-fulfilment"));
    b.create_topic(&t, 1);
    produce_n(&b, &t, 0, 2);
    b.commit(&g, &[(&t, 0, 1)]);
    write_topics_yaml(
        &b,
        &format!(
            "version: 1\ntopics:\n  - name: {t}\n    partitions: 1\ngroups:\n  - name: {g}\n    type: streams\n    topics: [{t}]\n"
        ),
    );
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let check = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == format!("group {g}"))
        .unwrap_or_else(|| panic!("{doc:#}"))
        .clone();
    assert_eq!(check["status"], "fail", "{check:#}");
    let detail = check["detail"].as_str().unwrap();
    if kafka_major() >= 4 {
        assert_eq!(detail, "declared a streams group, but it is a classic group on the cluster");
    } else {
        assert!(
            detail.starts_with("declared a streams group, but the broker does not support StreamsGroupDescribe"),
            "{detail}"
        );
    }
}

/// Where the cluster has no streams groups, evbus names what is missing: on 4.x the
/// `streams.version` feature (a private broker formatted without it), on 3.9 the API and the
/// release that brought it.
#[test]
fn a_cluster_without_streams_groups_says_what_it_lacks() {
    let private;
    let b = if kafka_major() >= 4 {
        private = Broker::private(BrokerOpts { features: vec!["streams.version=0"], ..Default::default() });
        &private
    } else {
        &Broker::start()
    };
    let out = b.evbus().args(["groups", "describe", "no-such-app"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    if kafka_major() >= 4 {
        assert!(
            err.contains(
                "no group no-such-app on the cluster (this cluster has no streams groups: the cluster's \
                 streams.version feature is off (streams groups need it; Kafka 4.2+ turns it on in new clusters"
            ),
            "{err}"
        );
    } else {
        assert!(
            err.contains(
                "(this cluster has no streams groups: the broker does not support StreamsGroupDescribe (API 89; \
                 added in Kafka 4.2.0 (KIP-1071 streams groups; early access in 4.1)))"
            ),
            "{err}"
        );
    }
}
