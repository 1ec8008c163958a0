//! The oracle (issue 22): evbus against Apache Kafka's own tools, run from the jars beside the
//! test broker, on the same data, number for number. Where evbus and Kafka agree here, a change
//! that makes them differ fails a test instead of a careful operator's trust:
//!
//! - lag rows: `kafka-consumer-groups --describe` (CURRENT-OFFSET, LOG-END-OFFSET, LAG) against
//!   `evbus lag -o json`;
//! - reset targets: `kafka-consumer-groups --reset-offsets --dry-run --export` against
//!   `evbus groups reset --dry-run -o json`, every target and scope, on one group;
//! - key → partition placement: Kafka's console producer (the Java client's default partitioner)
//!   against `evbus produce --key` and `evbus topics partition-for`;
//! - config values: `kafka-configs --describe --all` against `evbus topics describe -o json`.
//!
//! Each tool is a JVM that takes a second or two to start, so the comparisons are batched (one
//! run per reset target and scope, a few at a time) to keep the module near a minute.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

const MINUTE: i64 = 60_000;

/// Longest a Kafka tool may take: a JVM start and a few admin calls.
const TOOL_LIMIT: Duration = Duration::from_secs(90);

/// A lag row: committed offset, log end offset, lag (`None` where a tool shows none).
type LagRow = (Option<i64>, Option<i64>, Option<i64>);

/// A partition's offset, keyed by topic and partition.
type Offsets = BTreeMap<(String, i32), i64>;

/// Main classes of Kafka's tools: some moved from the Scala core (3.x) to `kafka-tools` (4.x).
fn config_command() -> &'static str {
    if kafka_major() >= 4 { "org.apache.kafka.tools.ConfigCommand" } else { "kafka.admin.ConfigCommand" }
}

fn console_producer() -> &'static str {
    if kafka_major() >= 4 { "org.apache.kafka.tools.ConsoleProducer" } else { "kafka.tools.ConsoleProducer" }
}

/// The same class in 3.9 and 4.x.
const CONSUMER_GROUPS: &str = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";

/// `kafka-consumer-groups ARGS` against the broker: its stdout, which must not report an error.
fn consumer_groups(b: &Broker, args: &[&str]) -> String {
    let mut all = vec!["--bootstrap-server", b.internal.as_str()];
    all.extend_from_slice(args);
    let out = b.kafka_tool_within(CONSUMER_GROUPS, &all, None, TOOL_LIMIT);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // The tool prints "Error: ..." on stdout and may still exit 0.
    assert!(
        out.status.success() && !stdout.contains("Error:"),
        "kafka-consumer-groups {args:?} failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The offsets of `--reset-offsets --export` output: `topic,partition,offset` lines (the tool
/// also prints warnings on stdout, such as a partition with no record at a time).
fn csv_offsets(text: &str) -> Offsets {
    text.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.trim().split(',').collect();
            match f[..] {
                [t, p, o] => Some(((t.to_string(), p.parse().ok()?), o.parse().ok()?)),
                _ => None,
            }
        })
        .collect()
}

/// Kafka's reset plan for `group`: `--reset-offsets --dry-run --export` with these scope and
/// target arguments.
fn kafka_plan(b: &Broker, group: &str, args: &[String]) -> Offsets {
    let mut all = vec!["--group", group, "--reset-offsets", "--dry-run", "--export"];
    all.extend(args.iter().map(String::as_str));
    csv_offsets(&consumer_groups(b, &all))
}

/// evbus's plan for `group` (`groups reset --dry-run -o json`): the whole document and the rows
/// that get an offset.
fn evbus_plan(b: &Broker, group: &str, args: &[String]) -> (Value, Offsets) {
    let out = b.evbus().args(["groups", "reset", group, "--dry-run", "-o", "json"]).args(args).output().unwrap();
    assert!(out.status.success(), "evbus groups reset {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let offsets = doc["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            Some((
                (r["topic"].as_str()?.to_string(), i32::try_from(r["partition"].as_i64()?).ok()?),
                r["new"].as_i64()?,
            ))
        })
        .collect();
    (doc, offsets)
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One comparison: Kafka's arguments, and evbus's (the same target and scope, in evbus's words).
struct Case {
    name: &'static str,
    kafka: Vec<String>,
    evbus: Vec<String>,
    /// Partitions Kafka's scope covers that evbus leaves alone without `--include-uncommitted`
    /// (a `--topic T` partition the group never committed to): evbus must leave exactly these
    /// alone, and with `--include-uncommitted` agree with Kafka on all.
    kafka_only: Vec<(String, i32)>,
    /// Partitions `--include-uncommitted` adds beyond Kafka's scope (`--all-topics`' topics'
    /// partitions without a commit, which Kafka never resets).
    evbus_extra: Vec<(String, i32)>,
}

/// Every reset target and scope, on one group whose committed offsets cover some partitions and
/// not others, on a log whose start DeleteRecords moved, with records ten minutes apart: evbus's
/// plan equals Kafka's, offset for offset. Also: Kafka's exported CSV applied by evbus, and
/// `--shift-by` over a partition without a commit refused by both.
#[test]
fn resets_match_kafka_consumer_groups_for_every_target_and_scope() {
    let b = Broker::start();
    let (ta, tb, g) = (b.unique("oracle-a"), b.unique("oracle-b"), b.unique("oracle-reset"));
    b.create_topic(&ta, 3);
    b.create_topic(&tb, 2);
    // Offset i of every partition was written at t0 + 10i minutes, three hours ago onwards.
    let t0 = now_ms() - 180 * MINUTE;
    let times = |n: i64| (0..n).map(|i| t0 + i * 10 * MINUTE).collect::<Vec<_>>();
    for (t, p, n) in [(&ta, 0, 10), (&ta, 1, 6), (&ta, 2, 4), (&tb, 0, 5), (&tb, 1, 3)] {
        b.produce_at(t, p, &times(n));
    }
    b.delete_records(&ta, 0, 2);
    // Committed: A[0], A[1], B[0]. Never committed: A[2], B[1].
    b.commit(&g, &[(&ta, 0, 3), (&ta, 1, 5), (&tb, 0, 1)]);

    let mixed = strings(&["--topic", &ta, "--topic", &format!("{tb}:0,1")]);
    let named = strings(&["--topic", &format!("{ta}:0,1"), "--topic", &format!("{tb}:0")]);
    let all = strings(&["--all-topics"]);
    let a2 = vec![(ta.clone(), 2)];
    let uncommitted = vec![(ta.clone(), 2), (tb.clone(), 1)];
    let csv = b.dir.path().join("plan.csv");
    // A[2] has no commit; B[1] has 3 records, so 9 is clamped to 3.
    std::fs::write(&csv, format!("{ta},0,7\n{ta},2,1\n{tb},1,9\n")).unwrap();
    let csv = csv.display().to_string();
    let case = |name, scope: &[String], kafka: &[&str], evbus: &[&str], kafka_only: &[(String, i32)]| Case {
        name,
        kafka: scope.iter().cloned().chain(strings(kafka)).collect(),
        evbus: scope.iter().cloned().chain(strings(evbus)).collect(),
        kafka_only: kafka_only.to_vec(),
        evbus_extra: if scope == all.as_slice() { uncommitted.clone() } else { Vec::new() },
    };
    let to_time = rfc3339(t0 + 25 * MINUTE);
    let cases = vec![
        case("earliest, --topic T and T:P", &mixed, &["--to-earliest"], &["--to", "earliest"], &a2),
        case("latest, --topic T and T:P", &mixed, &["--to-latest"], &["--to", "latest"], &a2),
        case("to-offset, clamped to the log end", &mixed, &["--to-offset", "5"], &["--to-offset", "5"], &a2),
        case("to-datetime", &mixed, &["--to-datetime", &to_time], &["--to-datetime", &to_time], &a2),
        // 125 minutes ago: between the records at t0 + 50 and t0 + 60 minutes.
        case("by-duration (ISO 8601)", &mixed, &["--by-duration", "PT125M"], &["--by-duration", "PT125M"], &a2),
        case("to-current", &mixed, &["--to-current"], &["--to", "current"], &a2),
        case("shift-by +2, T:P", &named, &["--shift-by", "2"], &["--shift-by", "+2"], &[]),
        case("from-file (Kafka's CSV)", &[], &["--from-file", &csv], &["--from-file", &csv], &[]),
        case("earliest, --all-topics", &all, &["--to-earliest"], &["--to", "earliest"], &[]),
        case("to-offset, clamped to the log start", &all, &["--to-offset", "1"], &["--to-offset", "1"], &[]),
        case("shift-by -2, --all-topics", &all, &["--shift-by", "-2"], &["--shift-by", "-2"], &[]),
        case("to-current, --all-topics", &all, &["--to-current"], &["--to", "current"], &[]),
    ];

    // Kafka's side, a few JVMs at a time (dry runs: they change nothing).
    let (bref, gref) = (&b, &g);
    let kafka: Vec<Offsets> = std::thread::scope(|s| {
        let mut done = Vec::new();
        for chunk in cases.chunks(3) {
            let running: Vec<_> = chunk.iter().map(|c| s.spawn(move || kafka_plan(bref, gref, &c.kafka))).collect();
            done.extend(running.into_iter().map(|h| h.join().unwrap()));
        }
        done
    });

    for (c, want) in cases.iter().zip(&kafka) {
        assert!(!want.is_empty(), "{}: Kafka planned nothing", c.name);
        let mut with_uncommitted = c.evbus.clone();
        with_uncommitted.push("--include-uncommitted".into());
        let (_, mut got) = evbus_plan(&b, &g, &with_uncommitted);
        for k in &c.evbus_extra {
            assert!(got.remove(k).is_some(), "{}: --include-uncommitted should add {k:?}", c.name);
        }
        assert_eq!(&got, want, "{}: evbus --include-uncommitted vs kafka-consumer-groups", c.name);

        // By default, what Kafka's scope covers less the partitions never committed to and not
        // named, which the plan shows as left alone; the named ones are new commits.
        let (doc, got) = evbus_plan(&b, &g, &c.evbus);
        let mut expected = want.clone();
        for k in &c.kafka_only {
            expected.remove(k);
        }
        assert_eq!(got, expected, "{}: evbus vs kafka-consumer-groups less never-committed partitions", c.name);
        let rows = doc["partitions"].as_array().unwrap();
        for r in rows {
            let key = (r["topic"].as_str().unwrap().to_string(), r["partition"].as_i64().unwrap() as i32);
            if c.kafka_only.contains(&key) || c.evbus_extra.contains(&key) {
                assert_eq!((&r["new"], &r["new_commit"]), (&Value::Null, &Value::Bool(false)), "{}: {r}", c.name);
                assert!(r["note"].as_str().unwrap().contains("--include-uncommitted"), "{}: {r}", c.name);
            }
            let new_commit = r["current"].is_null() && !r["new"].is_null();
            assert_eq!(r["new_commit"], new_commit, "{}: {r}", c.name);
        }
        let new_commits = rows.iter().filter(|r| r["new_commit"] == true).count();
        assert_eq!(doc["totals"]["new_commits"], new_commits, "{}: {doc:#}", c.name);
        let left_alone = c.kafka_only.len() + c.evbus_extra.len();
        assert_eq!(doc["totals"]["uncommitted_left_alone"], left_alone, "{}: {doc:#}", c.name);
    }
    // What a user reads in the table: which partitions get a first commit, which are left alone.
    let mut args = vec!["groups", "reset", g.as_str(), "--dry-run", "-o", "table", "--to", "earliest"];
    args.extend(mixed.iter().map(String::as_str));
    let out = b.evbus().args(&args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("new commit"), "{text}");
    assert!(text.contains("4 of 5 partition(s) change (1 new commit(s) where the group had no offset)"), "{text}");
    assert!(text.contains("1 partition(s) without a committed offset left alone"), "{text}");

    // The numbers themselves, for a reader: the earliest plan of --topic A --topic B:0,1.
    let earliest = &kafka[0];
    assert_eq!(earliest[&(ta.clone(), 0)], 2, "the log start DeleteRecords moved");
    assert_eq!(kafka[3][&(tb.clone(), 1)], 3, "no record that recent on B[1]: its log end");
    assert_eq!(kafka[7][&(tb.clone(), 1)], 3, "9 clamped to B[1]'s log end");

    // Kafka's own export, as `> plan.csv` saves it, applied by evbus: Kafka's plan, exactly.
    let mut args = vec!["--group", g.as_str(), "--reset-offsets", "--dry-run", "--export", "--to-latest"];
    args.extend(mixed.iter().map(String::as_str));
    let exported = consumer_groups(&b, &args);
    std::fs::write(b.dir.path().join("export.csv"), &exported).unwrap();
    let (doc, got) = evbus_plan(&b, &g, &strings(&["--from-file", "export.csv"]));
    assert_eq!(got, csv_offsets(&exported), "{exported}");
    assert_eq!(doc["totals"]["new_commits"], 2, "A[2] and B[1] are new commits: {doc:#}");

    // --shift-by over a named partition without a commit: both refuse, naming it.
    let b1 = format!("{tb}:1");
    let out = b.kafka_tool_within(
        CONSUMER_GROUPS,
        &[
            "--bootstrap-server",
            &b.internal,
            "--group",
            &g,
            "--reset-offsets",
            "--dry-run",
            "--topic",
            &b1,
            "--shift-by",
            "-1",
        ],
        None,
        TOOL_LIMIT,
    );
    // An IllegalArgumentException: printed with the usage on stderr, exit 1.
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success() && said.contains(&format!("Cannot shift offset for partition {tb}-1")), "{said}");
    let out =
        b.evbus().args(["groups", "reset", &g, "--topic", &b1, "--shift-by", "-1", "--dry-run"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("cannot shift {tb}[1]: the group has no committed offset there")), "{err}");
    // With --include-uncommitted it shifts from the log end (3), and says so.
    let (doc, got) = evbus_plan(&b, &g, &strings(&["--topic", &b1, "--shift-by", "-1", "--include-uncommitted"]));
    assert_eq!(got, [((tb.clone(), 1), 2)].into_iter().collect::<Offsets>());
    assert_eq!(doc["partitions"][0]["note"], "no committed offset: shifted from the log end 3");
    assert_eq!(b.committed(&g, &ta, 3), [Some(3), Some(5), None], "dry runs change nothing");
}

/// `kafka-consumer-groups --describe` and `evbus lag -o json` on the same groups: an empty group
/// with a commit below a log start DeleteRecords moved, one reading a transactional topic (whose
/// offsets include aborted records and markers) and a topic with a transaction still open, and
/// one with a live member that has not
/// committed on one of its partitions. Every row Kafka prints, evbus prints with the same
/// committed offset, log end and lag.
#[test]
fn lag_rows_match_kafka_consumer_groups_describe() {
    let b = Broker::start();
    let (plain, txn) = (b.unique("oracle-lag"), b.unique("oracle-txn"));
    b.create_topic(&plain, 3);
    b.create_topic(&txn, 1);
    produce_n(&b, &plain, 0, 12);
    produce_n(&b, &plain, 1, 7);
    produce_n(&b, &plain, 2, 3);
    b.delete_records(&plain, 0, 5);
    let rec = |i| TestRecord { value: Some(format!("t{i}").into_bytes()), ..Default::default() };
    let (ok, aborted): (Vec<_>, Vec<_>) = ((0..3).map(rec).collect(), (3..7).map(rec).collect());
    b.produce_transactions(&txn, &[(&ok, true), (&aborted, false), (&ok, true)]);

    let (empty, reader, live) = (b.unique("oracle-empty"), b.unique("oracle-txn-reader"), b.unique("oracle-live"));
    b.commit(&empty, &[(&plain, 0, 2), (&plain, 1, 7)]);
    // And a transaction still open on another topic: both count lag to the high watermark, past
    // records a read_committed consumer cannot read yet.
    let open = b.unique("oracle-open-txn");
    b.create_topic(&open, 1);
    let pending = open_transaction(&b, &open, 2);
    b.commit(&reader, &[(&txn, 0, 4), (&open, 0, 0)]);
    let member = live_member(&b, &live, "oracle-member", "classic", &plain, 3);

    let out = consumer_groups(&b, &["--describe", "--group", &empty, "--group", &reader, "--group", &live]);
    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID; "-"
    // where there is no number.
    let num = |s: &str| s.parse::<i64>().ok();
    let mut kafka: BTreeMap<(String, String, i64), LagRow> = BTreeMap::new();
    for line in out.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 6 && [&empty, &reader, &live].iter().any(|g| g.as_str() == f[0]) {
            kafka.insert((f[0].into(), f[1].into(), num(f[2]).unwrap()), (num(f[3]), num(f[4]), num(f[5])));
        }
    }
    assert_eq!(kafka.len(), 2 + 2 + 3, "rows of kafka-consumer-groups --describe:\n{out}");

    let out = b.evbus().args(["lag", &empty, &reader, &live, "-o", "json"]).output().unwrap();
    drop((member, pending));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let mut evbus = BTreeMap::new();
    for g in doc["groups"].as_array().unwrap() {
        for p in g["partitions"].as_array().unwrap() {
            let key = (
                g["group"].as_str().unwrap().to_string(),
                p["topic"].as_str().unwrap().to_string(),
                p["partition"].as_i64().unwrap(),
            );
            evbus.insert(key, (p["committed"].as_i64(), p["end"].as_i64(), p["lag"].as_i64()));
        }
    }
    for (key, want) in &kafka {
        assert_eq!(evbus.get(key), Some(want), "{key:?}: (committed, log end, lag) evbus vs Kafka\n{doc:#}");
    }
    // Rows Kafka leaves out are partitions without a commit (an empty group's other partitions).
    for (key, row) in &evbus {
        if !kafka.contains_key(key) {
            assert_eq!(row.0, None, "{key:?} has a commit but kafka-consumer-groups shows no row\n{doc:#}");
        }
    }
    // The numbers, for a reader: a commit below the log start lags by the whole log end minus it,
    // as Kafka counts (the 3 deleted records are reported apart, as lost to retention).
    assert_eq!(kafka[&(empty.clone(), plain.clone(), 0)], (Some(2), Some(12), Some(10)));
    assert_eq!(kafka[&(reader.clone(), open.clone(), 0)], (Some(0), Some(2), Some(2)));
    // 3 + 4 aborted + 3 records and a marker after each transaction: 13.
    assert_eq!(kafka[&(reader.clone(), txn.clone(), 0)], (Some(4), Some(13), Some(9)));
}

/// A transactional producer that has written `n` records to `topic` in a transaction it has not
/// ended; dropping it leaves the transaction to time out.
fn open_transaction(b: &Broker, topic: &str, n: usize) -> rdkafka::producer::BaseProducer {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let p: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &b.internal)
        .set("transactional.id", b.unique("oracle-open"))
        .set("transaction.timeout.ms", "60000")
        .set("linger.ms", "0")
        .create()
        .unwrap();
    p.init_transactions(Duration::from_secs(30)).unwrap();
    p.begin_transaction().unwrap();
    for i in 0..n {
        let v = format!("pending-{i}");
        p.send(BaseRecord::<(), str>::to(topic).partition(0).payload(v.as_str())).map_err(|(e, _)| e).unwrap();
    }
    p.flush(Duration::from_secs(10)).unwrap();
    p
}

/// The same keys produced by Kafka's console producer (the Java client's default partitioner,
/// murmur2) and by `evbus produce --key` land on the same partitions, and `evbus topics
/// partition-for` predicts them.
#[test]
fn keys_land_where_the_java_producer_puts_them() {
    let b = Broker::start();
    let (java, ours) = (b.unique("oracle-java-keys"), b.unique("oracle-evbus-keys"));
    b.create_topic(&java, 7);
    b.create_topic(&ours, 7);
    // ASCII, multi-byte UTF-8, long and short keys.
    let keys: Vec<String> = (0..120)
        .map(|i| match i % 4 {
            0 => format!("user-{i}"),
            1 => format!("ключ-{i}"),
            2 => format!("{i}"),
            _ => format!("tenant/{i}/{}", "x".repeat(i % 50)),
        })
        .collect();
    let input: String = keys.iter().map(|k| format!("{k}\tv\n")).collect();
    let out = b.kafka_tool_within(
        console_producer(),
        &["--bootstrap-server", &b.internal, "--topic", &java, "--property", "parse.key=true"],
        Some(input.as_bytes()),
        TOOL_LIMIT,
    );
    assert!(out.status.success(), "console producer: {}", String::from_utf8_lossy(&out.stderr));

    let lines: String = keys.iter().map(|k| format!("{}\n", serde_json::json!({ "id": k }))).collect();
    std::fs::write(b.dir.path().join("keys.jsonl"), lines).unwrap();
    let out =
        b.evbus().args(["produce", &ours, "--no-validate", "--input", "keys.jsonl", "--key", "id"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let placement = |topic: &str| -> BTreeMap<String, i32> {
        let got = b.read_all(topic);
        assert_eq!(got.len(), keys.len(), "{topic}");
        got.into_iter().map(|r| (String::from_utf8(r.key.unwrap()).unwrap(), r.partition)).collect()
    };
    let by_java = placement(&java);
    assert_eq!(placement(&ours), by_java, "evbus produce --key vs the Java producer");
    assert!(by_java.values().collect::<std::collections::BTreeSet<_>>().len() == 7, "every partition used");

    let out = b.evbus().args(["topics", "partition-for", &java, "-o", "json"]).args(&keys).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let predicted: BTreeMap<String, i32> = stdout_json(&out)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["key"].as_str().unwrap().to_string(), r["partition"].as_i64().unwrap() as i32))
        .collect();
    assert_eq!(predicted, by_java, "evbus topics partition-for vs the Java producer");
}

/// One config of `kafka-configs --describe --all`: its value and where it comes from (the first
/// synonym's source: DYNAMIC_TOPIC_CONFIG for a topic override, DYNAMIC_BROKER_CONFIG,
/// DYNAMIC_DEFAULT_BROKER_CONFIG, STATIC_BROKER_CONFIG or DEFAULT_CONFIG).
#[derive(Debug, Clone, PartialEq)]
struct KafkaConfig {
    value: String,
    source: String,
}

/// `kafka-configs --describe --all --entity-type topics --entity-name T`, parsed: lines like
/// `  retention.ms=7200000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=7200000, ...}`.
fn kafka_topic_configs(b: &Broker, topic: &str) -> BTreeMap<String, KafkaConfig> {
    let out = b.kafka_tool_within(
        config_command(),
        &["--bootstrap-server", &b.internal, "--describe", "--all", "--entity-type", "topics", "--entity-name", topic],
        None,
        TOOL_LIMIT,
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "kafka-configs: {text}{}", String::from_utf8_lossy(&out.stderr));
    let mut configs = BTreeMap::new();
    for line in text.lines() {
        let Some((entry, rest)) = line.trim().split_once(" sensitive=") else { continue };
        let Some((name, value)) = entry.split_once('=') else { continue };
        // A config without synonyms (`synonyms={}`) has its built-in default.
        let source = rest
            .split_once("synonyms={")
            .and_then(|(_, s)| s.split_once(':'))
            .map_or_else(|| "DEFAULT_CONFIG".to_string(), |(src, _)| src.to_string());
        configs.insert(name.to_string(), KafkaConfig { value: value.to_string(), source });
    }
    assert!(configs.len() > 20, "kafka-configs --all printed too little:\n{text}");
    configs
}

/// A topic with overrides of several kinds (a list, a number Kafka normalises, a boolean):
/// `evbus topics describe` shows each override with the value Kafka's own tool shows, and no
/// other config as an override; `topics describe -o json` also lists every config with its source
/// (`all_configs`, issue 22 item 4), and each one's value and source match Kafka's too.
#[test]
fn topic_config_overrides_match_kafka_configs() {
    let b = Broker::start();
    let t = b.unique("oracle-configs");
    b.create_topic_with(
        &t,
        1,
        &[
            ("retention.ms", "7200000"),
            ("cleanup.policy", "compact,delete"),
            ("max.message.bytes", "2000000"),
            ("min.compaction.lag.ms", "60000"),
            ("message.timestamp.type", "LogAppendTime"),
            ("unclean.leader.election.enable", "false"),
        ],
    );
    let kafka = kafka_topic_configs(&b, &t);
    let overrides: BTreeMap<&str, &str> = kafka
        .iter()
        .filter(|(_, c)| c.source == "DYNAMIC_TOPIC_CONFIG")
        .map(|(k, c)| (k.as_str(), c.value.as_str()))
        .collect();
    assert_eq!(overrides.len(), 6, "{kafka:#?}");

    let out = b.evbus().args(["topics", "describe", &t, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let shown = evbus_override_values(&doc);
    assert_eq!(shown.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect::<BTreeMap<_, _>>(), overrides, "{doc:#}");

    // Every config with its source: `dynamic_topic` is Kafka's DYNAMIC_TOPIC_CONFIG, `default`
    // its DEFAULT_CONFIG, and so on.
    let all = doc["all_configs"].as_array().unwrap_or_else(|| panic!("no all_configs: {doc:#}"));
    let mut compared = 0;
    for c in all {
        let key = c["key"].as_str().unwrap_or_else(|| panic!("no key: {c}"));
        let Some(k) = kafka.get(key) else { continue };
        let value = c["value"].as_str().unwrap_or("null");
        let source = format!("{}_CONFIG", c["source"].as_str().unwrap_or_default().to_ascii_uppercase());
        assert_eq!((value, source.as_str()), (k.value.as_str(), k.source.as_str()), "{key}: evbus {c} vs Kafka");
        compared += 1;
    }
    assert!(compared > 20, "only {compared} configs in common with kafka-configs --all: {doc:#}");
}

/// The topic overrides `evbus topics describe -o json` shows in `configs`, name → value.
fn evbus_override_values(doc: &Value) -> BTreeMap<String, String> {
    let Some(configs) = doc["configs"].as_object() else { panic!("no configs object: {doc:#}") };
    configs
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_else(|| panic!("{k}: {v} is not a string")).to_string()))
        .collect()
}
