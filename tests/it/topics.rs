//! `evbus topics` against a real broker: apply, idempotence, drift, prune, bad manifests, dead brokers.

use std::time::{Duration, Instant};

use crate::common::*;
use predicates::prelude::*;

fn write_manifest(b: &Broker, text: &str) -> std::path::PathBuf {
    let p = b.dir.path().join("topics.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

fn describe(b: &Broker, topic: &str) -> serde_json::Value {
    let out = b.evbus().args(["topics", "describe", topic, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    stdout_json(&out)
}

#[test]
fn apply_repo_manifest_then_no_changes_then_drift() {
    // It checks the unmanaged topics of the whole cluster: a private broker.
    let b = Broker::private(BrokerOpts::default());
    let (text, sfx) = manifest_for(&b);
    write_manifest(&b, &text);
    let manifest: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let declared = manifest["topics"].as_array().unwrap().len();
    assert_eq!(declared, 34);

    // The plan against an empty cluster creates all 34 topics and nothing else.
    let out = b.evbus().args(["topics", "plan", "-o", "json", "--detailed-exitcode"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let plan = stdout_json(&out);
    let changes = plan["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 34);
    assert!(changes.iter().all(|c| c["action"] == "create"));

    b.evbus().args(["topics", "apply", "--yes"]).assert().success().stdout(predicate::str::contains("create"));

    // Every topic exists with the declared partitions and retention.
    let names = b.topic_names();
    for t in manifest["topics"].as_array().unwrap() {
        assert!(names.contains(&t["name"].as_str().unwrap().to_string()), "{t:?} missing from {names:?}");
    }
    let reg = describe(&b, &topic_name("auth.user.registered", &sfx));
    assert_eq!(reg["partitions"].as_array().unwrap().len(), 6);
    assert_eq!(reg["configs"]["retention.ms"], "2592000000");
    assert_eq!(reg["configs"]["cleanup.policy"], "delete");
    let msg = describe(&b, &topic_name("message.message.sent", &sfx));
    assert_eq!(msg["partitions"].as_array().unwrap().len(), 12);
    assert_eq!(msg["configs"]["retention.ms"], "1209600000");
    let dlq = describe(&b, &topic_name("esante.dlq", &sfx));
    assert_eq!(dlq["partitions"].as_array().unwrap().len(), 3);

    // Second plan: nothing to do, exit 0 with --detailed-exitcode; apply says so too.
    let out = b.evbus().args(["topics", "plan", "--detailed-exitcode", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stdout_json(&out)["changes"], serde_json::json!([]));
    b.evbus()
        .args(["topics", "apply", "--yes", "-o", "table"])
        .assert()
        .success()
        .stdout(predicate::str::contains("No changes"));

    // A key set on the cluster outside the manifest, then a retention edit in the manifest.
    let topic = topic_name("auth.user.verified", &sfx);
    set_config_outside(&b, &topic, 3, "segment.ms", "3600000");
    let mut doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    for t in doc["topics"].as_array_mut().unwrap() {
        if t["name"].as_str() == Some(topic.as_str()) {
            t["config"]["retention.ms"] = "2d".into();
        }
    }
    let edited = serde_saphyr::to_string(&doc).unwrap();
    write_manifest(&b, &edited);
    let out = b.evbus().args(["topics", "plan", "--detailed-exitcode", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let plan = stdout_json(&out);
    assert_eq!(
        plan["changes"],
        serde_json::json!([{"action": "alter_config", "topic": topic, "delete": [],
            "set": [{"key": "retention.ms", "from": "2592000000", "to": "172800000"}]}])
    );
    assert_eq!(
        plan["unmanaged"],
        serde_json::json!([{"kind": "config", "topic": topic, "key": "segment.ms", "value": "3600000"}])
    );

    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    let d = describe(&b, &topic);
    assert_eq!(d["configs"]["retention.ms"], "172800000");
    assert_eq!(d["configs"]["segment.ms"], "3600000", "IncrementalAlterConfigs must leave other keys alone");
    b.evbus().args(["topics", "plan", "--detailed-exitcode"]).assert().code(0);
}

/// Sets a dynamic config key "outside" the main manifest, through a second manifest that declares
/// it (the broker has no other way in: nisshi lacks the legacy AlterConfigs).
fn set_config_outside(b: &Broker, topic: &str, partitions: i32, key: &str, value: &str) {
    let m = format!(
        "version: 1\ntopics:\n  - name: {topic}\n    partitions: {partitions}\n    config: {{ {key}: {value}, retention.ms: 30d, cleanup.policy: delete }}\n"
    );
    let p = b.dir.path().join("other.yaml");
    std::fs::write(&p, m).unwrap();
    b.evbus().args(["topics", "apply", "--yes", "-f", "other.yaml"]).assert().success();
}

#[test]
fn prune_removes_unmanaged_keys_and_topics_only_with_yes() {
    // Prune deletes every unmanaged topic: always a private broker, never a shared one.
    let b = Broker::private(BrokerOpts::default());
    write_manifest(&b, "version: 1\ntopics:\n  - name: orders.order.created\n    partitions: 2\n");
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    b.create_topic("stray-topic", 1);
    // An extra dynamic key, set through another manifest.
    set_config_outside(&b, "orders.order.created", 2, "segment.ms", "3600000");
    // The set_config manifest also pinned retention/cleanup; the main manifest now sees them as unmanaged.

    // Without --prune: listed as unmanaged, nothing removed.
    let out = b.evbus().args(["topics", "plan", "-o", "json"]).output().unwrap();
    let plan = stdout_json(&out);
    assert_eq!(plan["changes"], serde_json::json!([]));
    let unmanaged = plan["unmanaged"].as_array().unwrap();
    assert!(unmanaged.contains(&serde_json::json!({"kind": "topic", "topic": "stray-topic"})), "{unmanaged:?}");
    assert!(
        !unmanaged.iter().any(|u| u["topic"].as_str().unwrap().starts_with("__")),
        "internal topics are never listed"
    );

    // --prune without --yes and without a terminal: refused, nothing deleted.
    b.evbus().args(["topics", "apply", "--prune"]).assert().code(2).stderr(predicate::str::contains("--yes"));
    assert!(b.topic_names().contains(&"stray-topic".to_string()));

    b.evbus().args(["topics", "apply", "--prune", "--yes"]).assert().success();
    let names = b.topic_names();
    assert!(!names.contains(&"stray-topic".to_string()), "{names:?}");
    assert!(names.contains(&"orders.order.created".to_string()));
    let d = describe(&b, "orders.order.created");
    assert!(d["configs"].get("segment.ms").is_none(), "unmanaged key removed: {d}");
    b.evbus().args(["topics", "plan", "--prune", "--detailed-exitcode"]).assert().code(0);
}

#[test]
fn partition_increase_reports_createpartitions_result() {
    let b = Broker::start();
    let t = b.unique("grow");
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n"));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 3\n"));
    let out = b.evbus().args(["topics", "plan", "-o", "json"]).output().unwrap();
    assert_eq!(
        stdout_json(&out)["changes"],
        serde_json::json!([{"action": "add_partitions", "topic": t, "from": 1, "to": 3}])
    );
    let out = b.evbus().args(["topics", "apply", "--yes"]).output().unwrap();
    if out.status.success() {
        // A broker with CreatePartitions (Apache Kafka).
        assert_eq!(describe(&b, &t)["partitions"].as_array().unwrap().len(), 3);
    } else {
        // nisshi has no CreatePartitions: the error must name the API and the topic.
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1));
        assert!(all.contains("CreatePartitions"), "{all}");
        assert!(all.contains(&t), "{all}");
    }
}

#[test]
fn fewer_partitions_is_an_error_naming_the_topic() {
    let b = Broker::start();
    let t = b.unique("shrink");
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 3\n"));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 2\n"));
    b.evbus()
        .args(["topics", "plan"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("{t}: has 3 partitions")));
}

#[test]
fn malformed_manifests_are_located_and_change_nothing() {
    let b = Broker::start();
    let t = b.unique("never");
    let cases = [
        (
            format!("version: 1\ntopics:\n  - name: {t}\n    partitons: 3\n"),
            "topics.yaml:4:5",
            "unknown field `partitons`",
        ),
        (
            format!("version: 1\ntopics:\n  - name: {t}\n    config: {{ retention.msx: 1d }}\n"),
            "topics.yaml:4:",
            "did you mean 'retention.ms'",
        ),
        (format!("version: 1\ntopics:\n  - name: {t}\n    partitions: [\n"), "topics.yaml:4:", "partitions"),
        (format!("version: 1\ntopics:\n  - name: {t}\n  - name: {t}\n"), "topics.yaml:4:5", "duplicate topic"),
    ];
    for (text, loc, msg) in cases {
        write_manifest(&b, &text);
        for cmd in [vec!["topics", "validate"], vec!["topics", "plan"], vec!["topics", "apply", "--yes"]] {
            b.evbus()
                .args(&cmd)
                .assert()
                .code(1)
                .stderr(predicate::str::contains(loc))
                .stderr(predicate::str::contains(msg))
                .stderr(predicate::str::contains("panicked").not());
        }
    }
    assert!(!b.topic_names().contains(&t), "nothing may be created from a bad manifest");
}

#[test]
fn dead_broker_fails_clearly_within_timeout() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo_root().join("topics.yaml"), dir.path().join("topics.yaml")).unwrap();
    let addr = format!("127.0.0.1:{port}");
    let start = Instant::now();
    evbus_cmd()
        .current_dir(dir.path())
        .args(["-b", &addr, "--timeout", "2s", "topics", "plan"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("evbus: error:"))
        .stderr(predicate::str::contains(&addr))
        .stderr(predicate::str::contains("panicked").not());
    let took = start.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?} with --timeout 2s");
}

#[test]
fn list_shows_counts_and_managed_flag() {
    let b = Broker::start();
    let t = b.unique("listed");
    let other = b.unique("unlisted");
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 2\n"));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    b.create_topic(&other, 1);
    b.produce(
        &t,
        &[TestRecord::json("a", serde_json::json!({"n": 1})), TestRecord::json("b", serde_json::json!({"n": 2}))],
    );
    let out = b.evbus().args(["topics", "list", "-o", "json"]).output().unwrap();
    let v = stdout_json(&out);
    let rows = v["topics"].as_array().unwrap();
    let row = rows.iter().find(|r| r["topic"] == t).unwrap();
    assert_eq!(row["partitions"], 2);
    assert_eq!(row["offsets"], 2);
    assert_eq!(row["managed"], true);
    assert_eq!(rows.iter().find(|r| r["topic"] == other).unwrap()["managed"], false);
    assert!(!rows.iter().any(|r| r["topic"].as_str().unwrap().starts_with("__")));
}

/// Kafka's own kafka-configs: set a dynamic topic config the way an operator would by hand.
fn kafka_configs_alter(b: &Broker, topic: &str, add: &str) {
    let class = if kafka_major() >= 4 { "org.apache.kafka.tools.ConfigCommand" } else { "kafka.admin.ConfigCommand" };
    let out = b.kafka_tool(
        class,
        &[
            "--bootstrap-server",
            &b.internal,
            "--alter",
            "--entity-type",
            "topics",
            "--entity-name",
            topic,
            "--add-config",
            add,
        ],
    );
    assert!(
        out.status.success(),
        "kafka-configs: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Real config sources: a broker started with a non-default `log.retention.hours`. Declared keys
/// compare with the effective value (the broker's static default included, and such a key is
/// pinned on the topic even when the value is equal); "unmanaged" means dynamic topic configs
/// only, never the dozens of defaults DescribeConfigs returns; prune removes only those.
#[test]
fn plan_and_prune_against_real_config_sources() {
    let b =
        Broker::private(BrokerOpts { props: vec![("log.retention.hours".into(), "100".into())], ..Default::default() });
    b.create_topic("cfg.src.weekly", 1);
    b.create_topic("cfg.src.same", 1);
    write_manifest(
        &b,
        "version: 1\ntopics:\n  - name: cfg.src.weekly\n    partitions: 1\n    config: { retention.ms: 7d }\n  \
         - name: cfg.src.same\n    partitions: 1\n    config: { retention.ms: 100h }\n",
    );
    let out = b.evbus().args(["topics", "plan", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan = stdout_json(&out);
    assert_eq!(
        plan["changes"],
        serde_json::json!([
            {"action": "alter_config", "topic": "cfg.src.weekly", "delete": [],
             "set": [{"key": "retention.ms", "from": "360000000", "to": "604800000"}]},
            {"action": "alter_config", "topic": "cfg.src.same", "delete": [],
             "set": [{"key": "retention.ms", "from": "360000000", "to": "360000000"}]},
        ]),
        "the broker's 100 h default is the effective value, and an equal value is still pinned"
    );
    assert_eq!(plan["unmanaged"], serde_json::json!([]), "defaults are not unmanaged keys");
    // In words, the equal value is a pin, not a `100h → 100h` no-op.
    let out = b.evbus().args(["topics", "plan", "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("retention.ms: 100h, pin to the current value (the broker default could change)"), "{text}");
    assert!(text.contains("retention.ms: 100h → 7d") && !text.contains("100h → 100h"), "{text}");

    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    b.evbus().args(["topics", "plan", "--detailed-exitcode"]).assert().code(0);

    // A key set by hand with Kafka's own tool is unmanaged; prune removes it and nothing else.
    kafka_configs_alter(&b, "cfg.src.weekly", "segment.ms=3600000");
    let out = b.evbus().args(["topics", "plan", "-o", "json"]).output().unwrap();
    let plan = stdout_json(&out);
    assert_eq!(
        plan["unmanaged"],
        serde_json::json!([{"kind": "config", "topic": "cfg.src.weekly", "key": "segment.ms", "value": "3600000"}])
    );
    assert_eq!(plan["changes"], serde_json::json!([]));
    let out = b.evbus().args(["topics", "apply", "--prune", "--yes", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let d = describe(&b, "cfg.src.weekly");
    assert_eq!(d["configs"], serde_json::json!({"retention.ms": "604800000"}), "only the declared key stays set");
    b.evbus().args(["topics", "plan", "--prune", "--detailed-exitcode"]).assert().code(0);
}

/// CreatePartitions succeeds; a replication factor above the broker count is refused before
/// anything changes, naming the count and Kafka's reason.
#[test]
fn add_partitions_and_a_replication_factor_above_the_broker_count() {
    let b = Broker::start();
    let t = b.unique("parts.grow");
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 2\n"));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 4\n"));
    let out = b.evbus().args(["topics", "apply", "--yes", "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout_json(&out)["applied"], serde_json::json!([{"action": "add_partitions", "ok": true, "topic": t}]));
    assert_eq!(describe(&b, &t)["partitions"].as_array().unwrap().len(), 4);
    // Records reach the new partitions at once (the apply waited for their leaders).
    produce_n(&b, &t, 3, 2);
    assert_eq!(b.read_all(&t).iter().filter(|r| r.partition == 3).count(), 2);

    let r3 = b.unique("parts.replicated");
    write_manifest(
        &b,
        &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 6\n  - name: {r3}\n    replication_factor: 3\n"),
    );
    let out = b.evbus().args(["topics", "apply", "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{r3}: replication factor 3 is more than the 1 broker(s)"))
            && err.contains("INVALID_REPLICATION_FACTOR"),
        "{err}"
    );
    assert_eq!(describe(&b, &t)["partitions"].as_array().unwrap().len(), 4, "nothing half-done");
    assert!(!b.topic_names().contains(&r3));

    // Another replication factor for an existing topic: a reassignment, refused before anything
    // moves when the cluster has fewer brokers than the factor.
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 4\n    replication_factor: 2\n"));
    let out = b.evbus().args(["topics", "plan"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("evbus cannot make these changes:") && !err.contains("Kafka cannot make"), "{err}");
    assert!(
        err.contains(&format!("{t}: replication factor 2 is more than the 1 live broker(s) the cluster has")),
        "{err}"
    );
}

#[test]
fn partition_for_predicts_where_keyed_records_land() {
    let b = Broker::start();
    let topic = b.unique("keyed.partition-for");
    b.create_topic(&topic, 6);
    let keys = ["21", "foobar", "abc", "u-1", "order-42"];
    for key in keys {
        let schemas = repo_root().join("schemas").display().to_string();
        b.evbus()
            .args(["produce", &topic, "--schema", "auth.user.registered", "--schemas", &schemas, "-n", "1"])
            .args(["--key-literal", key])
            .assert()
            .success();
    }
    let landed: std::collections::BTreeMap<String, i32> =
        b.read_all(&topic).into_iter().map(|r| (String::from_utf8(r.key.unwrap()).unwrap(), r.partition)).collect();
    assert_eq!(landed.len(), keys.len());
    // The partition count comes from the broker's metadata.
    let out = b.evbus().args(["topics", "partition-for", &topic, "-o", "json"]).args(keys).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected: Vec<serde_json::Value> =
        keys.iter().map(|k| serde_json::json!({"key": k, "partition": landed[*k]})).collect();
    assert_eq!(stdout_json(&out), serde_json::Value::from(expected));
    // The same keys spelled in hex answer the same partitions.
    let hex: Vec<String> = keys.iter().map(|k| k.bytes().map(|b| format!("{b:02x}")).collect()).collect();
    let out =
        b.evbus().args(["topics", "partition-for", &topic, "--key-hex", "-o", "json"]).args(&hex).output().unwrap();
    let got: Vec<i64> =
        stdout_json(&out).as_array().unwrap().iter().map(|r| r["partition"].as_i64().unwrap()).collect();
    assert_eq!(got, keys.iter().map(|k| i64::from(landed[*k])).collect::<Vec<_>>());

    b.evbus()
        .args(["topics", "partition-for", "no-such-topic-anywhere", "k"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does not exist").and(predicate::str::contains("--partitions")));
}

#[test]
fn partition_for_answers_offline_with_partitions() {
    // No broker at all: port 1 refuses every connection.
    let run = |args: &[&str]| {
        evbus_cmd()
            .args(["-b", "127.0.0.1:1", "--timeout", "2s", "topics", "partition-for"])
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["orders", "--partitions", "50", "foobar", "-o", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // 16: the value Kafka's Java client gives "foobar" over 50 partitions.
    assert_eq!(stdout_json(&out), serde_json::json!([{"key": "foobar", "partition": 16}]));
    let out = run(&["orders", "--partitions", "6", "--key-hex", "666f6f626172", "-o", "table"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("666f6f626172") && text.contains("┆ 0 "), "{text}");
    let out = run(&["orders", "--partitions", "6", "--key-hex", "abc"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("odd number of hex digits"));
}

#[test]
fn only_tail_takes_record_output_formats() {
    for args in [
        &["-o", "pretty", "topics", "validate"][..],
        &["topics", "list", "-o", "raw"],
        &["completions", "bash", "-o", "raw"],
    ] {
        let out = evbus_cmd().args(["-b", "127.0.0.1:1"]).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("only for record streams (tail); use auto, table or json here"), "{err}");
        assert!(out.stdout.is_empty());
    }
    let help = |args: &[&str]| {
        let out = evbus_cmd().env("COLUMNS", "300").args(args).arg("-h").output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    for args in [&["topics", "list"][..], &["lag"], &[]] {
        let h = help(args);
        assert!(h.contains("[default: auto] [possible values: auto, table, json]\n"), "{args:?}: {h}");
    }
    let h = help(&["tail"]);
    assert!(h.contains("[default: auto] [possible values: auto, table, json, pretty, raw]\n"), "{h}");
}

/// Issue 26: `topics apply -o json >/dev/full` created the topics and exited 1 as if it had not.
/// Now exit 6, with what was applied on stderr; the change is made.
#[test]
fn a_full_stdout_after_applying_says_what_was_applied() {
    let b = Broker::start();
    let t = b.unique("fulldisk.topic");
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 2\n"));
    let (code, err) = evbus_to_full_disk(b.dir.path(), &["-b", &b.bootstrap, "topics", "apply", "--yes", "-o", "json"]);
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("applied, but the output could not be written"), "{err}");
    assert!(err.contains("1 of 1 changes applied") && err.contains("do not run it again"), "{err}");
    assert_eq!(describe(&b, &t)["partitions"].as_array().map(Vec::len), Some(2));
}

#[test]
fn apply_splits_a_manifest_larger_than_one_request() {
    // A KRaft controller refuses a request of more than 10,000 metadata records: one record per
    // topic, per partition and per config. 1,100 topics of 1 partition and 8 configs are 11,000,
    // which one CreateTopics request carried and the broker refused entirely.
    let b = Broker::private(BrokerOpts::default());
    let n = 1_100;
    let mut text = String::from(
        "version: 1\ndefaults:\n  config: { retention.ms: 7d, cleanup.policy: delete, segment.ms: 1d, \
         max.message.bytes: 2000000, retention.bytes: 1073741824, delete.retention.ms: 1d, \
         min.insync.replicas: 1, compression.type: producer }\ntopics:\n",
    );
    for i in 0..n {
        text.push_str(&format!("  - name: bulk.t{i:04}\n    partitions: 1\n"));
    }
    write_manifest(&b, &text);
    let started = Instant::now();
    let out = b.evbus().args(["topics", "apply", "--yes", "-o", "json", "--timeout", "60s"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let res = stdout_json(&out);
    assert_eq!(res["failed"], 0, "{res}");
    assert_eq!(res["applied"].as_array().unwrap().iter().filter(|o| o["ok"] == true).count(), n);
    eprintln!("applied {n} topics in {:?}", started.elapsed());

    let out = b.evbus().args(["topics", "list", "-o", "json"]).output().unwrap();
    let listed = stdout_json(&out);
    let bulk: Vec<&serde_json::Value> = listed["topics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["topic"].as_str().unwrap().starts_with("bulk."))
        .collect();
    assert_eq!(bulk.len(), n);
    assert!(bulk.iter().all(|t| t["partitions"] == 1), "{bulk:?}");
    let out = b.evbus().args(["topics", "plan", "--detailed-exitcode", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(stdout_json(&out)["changes"], serde_json::json!([]));
}

#[test]
fn changes_already_made_by_an_interrupted_apply_are_done_not_failed() {
    // A plan made from metadata a broker had not yet updated (`apply` rerun right after an
    // interrupted one) asks for partitions the controller already added: Kafka answers
    // INVALID_PARTITIONS "Topic already has 3 partition(s)", and that is done, not failed.
    let b = Broker::start();
    let t = b.unique("regrow");
    b.create_topic(&t, 3);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let settings = evbus::kafka::Settings {
        brokers: b.bootstrap.clone(),
        props: vec![],
        timeout: Duration::from_secs(10),
        verbose: 0,
    };
    let admin = std::sync::Arc::new(settings.admin().unwrap());
    let r = rt.block_on(admin.create_partitions(&[(t.clone(), 3, Vec::new())])).unwrap();
    assert_eq!(r.iter().map(|(n, r)| (n.clone(), r.is_ok())).collect::<Vec<_>>(), vec![(t.clone(), true)]);
    // Fewer than it has stays a failure, with Kafka's own explanation and the code's name.
    let r = rt.block_on(admin.create_partitions(&[(t.clone(), 2, Vec::new())])).unwrap();
    let e = r[0].1.as_ref().unwrap_err().message();
    assert!(e.contains("INVALID_PARTITIONS") && e.contains("would not be an increase"), "{e}");
    // Deleting a topic already gone (deleted by the interrupted run) is done as well.
    let gone = b.unique("gone");
    let r = rt.block_on(admin.delete_topics(std::slice::from_ref(&gone))).unwrap();
    assert_eq!(r.iter().map(|(n, r)| (n.clone(), r.is_ok())).collect::<Vec<_>>(), vec![(gone, true)]);
    drop(admin);
}

#[test]
fn a_refusal_keeps_kafkas_explanation() {
    // One topic over the controller's limits cannot be split: Kafka refuses it and says why
    // ("Excessively large number of partitions per request."), and that text, not only
    // "Policy violation", reaches the user. Nothing is created.
    let b = Broker::start();
    let t = b.unique("huge");
    write_manifest(&b, &format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 10001\n"));
    b.evbus()
        .args(["topics", "apply", "--yes"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("POLICY_VIOLATION"))
        .stderr(predicate::str::contains("Excessively large number of partitions per request"));
    assert!(!b.topic_names().contains(&t));
}
