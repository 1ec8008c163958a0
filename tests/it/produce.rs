//! `evbus produce` and `evbus schemas` against a real broker: valid samples, determinism, murmur2
//! key placement, all-or-nothing file input, headers.

use crate::common::*;
use evbus::schema::SchemaStore;
use predicates::prelude::*;
use serde_json::{Value, json};

fn setup(b: &Broker, topics: &[(&str, i32)]) {
    let mut m = String::from("version: 1\ntopics:\n");
    for (t, p) in topics {
        m.push_str(&format!("  - name: {t}\n    partitions: {p}\n"));
    }
    std::fs::write(b.dir.path().join("topics.yaml"), m).unwrap();
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
}

fn schemas_arg() -> String {
    repo_root().join("schemas").display().to_string()
}

#[test]
fn samples_of_several_schemas_are_valid_on_the_broker() {
    let b = Broker::start();
    let store = SchemaStore::open(&repo_root().join("schemas")).unwrap();
    for schema in [
        "auth.user.registered",
        "appointment.appointment.confirmed",
        "message.message.sent",
        "medical.consultation.created",
    ] {
        let topic = b.unique(schema);
        setup(&b, &[(&topic, 3)]);
        b.evbus()
            .args(["produce", &topic, "--schema", schema, "--schemas", &schemas_arg(), "-n", "50"])
            .assert()
            .success()
            .stderr(predicate::str::contains("sent 50 of 50 events"));
        let records = b.read_all(&topic);
        assert_eq!(records.len(), 50, "{schema}");
        let compiled = store.load(schema).unwrap();
        for r in &records {
            let v: Value = serde_json::from_slice(r.value.as_ref().unwrap()).unwrap();
            compiled.validate(&v).unwrap_or_else(|e| panic!("{schema}: {v} invalid: {e:?}"));
            assert_eq!(v["eventType"], schema);
            assert_eq!(v["producer"], "evbus");
            let hs: std::collections::HashMap<_, _> = r.headers.iter().cloned().collect();
            assert_eq!(hs["event-type"].as_deref(), Some(schema.as_bytes()));
            assert_eq!(hs["content-type"].as_deref(), Some(&b"application/json"[..]));
        }
    }
}

#[test]
fn same_seed_same_events() {
    let run = |seed: &str| {
        evbus_cmd()
            .args([
                "schemas",
                "sample",
                "appointment.appointment.confirmed",
                "-n",
                "20",
                "--seed",
                seed,
                "--schemas",
                &schemas_arg(),
            ])
            .output()
            .unwrap()
    };
    let (a, b, c) = (run("42"), run("42"), run("43"));
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout, "same seed must be byte-identical");
    assert_ne!(a.stdout, c.stdout);
    assert_eq!(json_lines(&a).len(), 20);

    // And through the broker: the payloads produced with one seed are the ones sampled with it.
    let broker = Broker::start();
    let topic = broker.unique("seeded");
    setup(&broker, &[(&topic, 1)]);
    broker
        .evbus()
        .args([
            "produce",
            &topic,
            "--schema",
            "appointment.appointment.confirmed",
            "--schemas",
            &schemas_arg(),
            "-n",
            "20",
            "--seed",
            "42",
        ])
        .assert()
        .success();
    let got: Vec<Value> =
        broker.read_all(&topic).iter().map(|r| serde_json::from_slice(r.value.as_ref().unwrap()).unwrap()).collect();
    assert_eq!(got, json_lines(&a));
}

#[test]
fn keyed_records_land_on_the_java_partition() {
    let b = Broker::start();
    let topic = b.unique("keyed");
    setup(&b, &[(&topic, 6)]);
    // murmur2 values from Apache Kafka's UtilsTest; Java's default partitioner picks
    // (murmur2(key) & 0x7fffffff) % partitions.
    let known: [(&str, i32); 4] =
        [("21", -973932308), ("foobar", -790332482), ("a-little-bit-long-string", -985981536), ("abc", 479470107)];
    for (key, _) in known {
        b.evbus()
            .args([
                "produce",
                &topic,
                "--schema",
                "auth.user.registered",
                "--schemas",
                &schemas_arg(),
                "-n",
                "3",
                "--key-literal",
                key,
            ])
            .assert()
            .success();
    }
    let records = b.read_all(&topic);
    assert_eq!(records.len(), 12);
    for (key, hash) in known {
        let expected = (hash & 0x7fffffff) % 6;
        for r in records.iter().filter(|r| r.key.as_deref() == Some(key.as_bytes())) {
            assert_eq!(r.partition, expected, "key {key}");
        }
    }

    // The manifest's key path: every record's key is its payload.userId.
    let t2 = b.unique("bykey");
    std::fs::write(
        b.dir.path().join("keyed.yaml"),
        format!("version: 1\ntopics:\n  - name: {t2}\n    partitions: 6\n    schema: auth.user.registered\n    key: payload.userId\n"),
    )
    .unwrap();
    b.evbus().args(["topics", "apply", "--yes", "-f", "keyed.yaml"]).assert().success();
    b.evbus().args(["produce", &t2, "-f", "keyed.yaml", "--schemas", &schemas_arg(), "-n", "30"]).assert().success();
    for r in b.read_all(&t2) {
        let v: Value = serde_json::from_slice(r.value.as_ref().unwrap()).unwrap();
        let key = String::from_utf8(r.key.clone().unwrap()).unwrap();
        assert_eq!(v["payload"]["userId"], key.as_str());
        assert_eq!(r.partition, evbus::topics::partitioner::partition_for_key(key.as_bytes(), 6));
    }
}

/// A valid auth.user.registered event whose userId ends in `user` (hex digits).
fn valid_event(user: &str) -> String {
    let user = uid(user);
    json!({"eventId": "6f1c1c9e-3c4b-4b7e-9a43-1f2f5bb0c001", "eventType": "auth.user.registered", "version": "1.0",
           "timestamp": "2026-11-25T10:00:00Z", "producer": "test",
           "payload": {"userId": user, "email": "a@example.com", "role": "patient"}})
    .to_string()
}

fn uid(suffix: &str) -> String {
    format!("00000000-0000-4000-8000-{suffix:0>12}")
}

#[test]
fn invalid_jsonl_sends_nothing_and_names_lines() {
    let b = Broker::start();
    let topic = b.unique("jsonl");
    setup(&b, &[(&topic, 1)]);
    let file = b.dir.path().join("events.jsonl");
    let lines = [
        valid_event("1"),
        "{not json".to_string(),
        valid_event("2").replace("\"patient\"", "\"admin\""),
        String::new(),
        valid_event("3"),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    b.evbus()
        .args([
            "produce",
            &topic,
            "--schema",
            "auth.user.registered",
            "--schemas",
            &schemas_arg(),
            "--input",
            "events.jsonl",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("events.jsonl:2: not JSON"))
        .stderr(predicate::str::contains("events.jsonl:3: at /payload/role"))
        .stderr(predicate::str::contains("nothing was sent"))
        .stderr(predicate::str::contains("panicked").not());
    assert!(b.read_all(&topic).is_empty(), "all-or-nothing: nothing may reach the topic");

    // --skip-invalid sends the two valid lines, keyed with --key.
    b.evbus()
        .args([
            "produce",
            &topic,
            "--schema",
            "auth.user.registered",
            "--schemas",
            &schemas_arg(),
            "--input",
            "events.jsonl",
        ])
        .args(["--skip-invalid", "--key", "payload.userId", "-H", "source=test-suite"])
        .assert()
        .success();
    let got = b.read_all(&topic);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].key.as_deref(), Some(uid("1").as_bytes()));
    assert_eq!(got[1].key.as_deref(), Some(uid("3").as_bytes()));
    assert_eq!(got[0].value.as_deref(), Some(valid_event("1").as_bytes()), "file events are sent byte for byte");
    assert!(got[0].headers.contains(&("source".to_string(), Some(b"test-suite".to_vec()))));
    assert!(got[0].headers.contains(&("event-type".to_string(), Some(b"auth.user.registered".to_vec()))));
    assert!(got[0].headers.contains(&("content-type".to_string(), Some(b"application/json".to_vec()))));
}

#[test]
fn invalid_file_leaves_a_missing_topic_missing() {
    // Brokers that auto-create topics (nisshi does, as Kafka does by default) create one when a
    // producer asks for its metadata: that must not happen before the whole file is checked.
    // Enough lines that the check takes long enough for an early metadata request to go out.
    let b = Broker::start();
    let topic = b.unique("never-created");
    let mut text = String::new();
    for i in 0..60_000 {
        text.push_str(&valid_event(&i.to_string()));
        text.push('\n');
    }
    text.push_str("{not json\n");
    std::fs::write(b.dir.path().join("events.jsonl"), text).unwrap();
    b.evbus()
        .args(["produce", &topic, "--schema", "auth.user.registered", "--schemas", &schemas_arg()])
        .args(["--input", "events.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("events.jsonl:60001: not JSON"))
        .stderr(predicate::str::contains("nothing was sent"));
    assert!(!b.topic_names().contains(&topic), "the topic was created: {:?}", b.topic_names());
}

#[test]
fn large_file_arrives_whole_and_in_order() {
    // Enough lines to be checked in several rounds on several threads: the records must still go
    // out in file order (one partition keeps it) with each line's own event type and key.
    let b = Broker::start();
    let topic = b.unique("large");
    setup(&b, &[(&topic, 1)]);
    let n = 40_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("{{\"eventType\":\"t{}\",\"id\":\"k{i}\",\"n\":{i}}}\n", i % 3));
        if i % 10_000 == 0 {
            text.push_str("   \n");
        }
    }
    std::fs::write(b.dir.path().join("large.jsonl"), text).unwrap();
    b.evbus()
        .args(["produce", &topic, "--no-validate", "--input", "large.jsonl", "--key", "id"])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("sent {n} of {n} events")));
    let got = b.read_all(&topic);
    assert_eq!(got.len(), n);
    for (i, r) in got.iter().enumerate() {
        let v: Value = serde_json::from_slice(r.value.as_deref().unwrap()).unwrap();
        assert_eq!(v["n"], i, "record {i} out of order");
        assert_eq!(r.key.as_deref(), Some(format!("k{i}").as_bytes()));
        let t = format!("t{}", i % 3);
        assert!(r.headers.contains(&("event-type".to_string(), Some(t.into_bytes()))), "record {i}");
    }
}

#[test]
fn stdin_input_and_dry_run() {
    let b = Broker::start();
    let topic = b.unique("stdin");
    setup(&b, &[(&topic, 1)]);
    let input = format!("{}\n{}\n", valid_event("a"), valid_event("b"));
    // --dry-run prints what would be sent and sends nothing.
    let out = b
        .evbus()
        .args([
            "produce",
            &topic,
            "--schema",
            "auth.user.registered",
            "--schemas",
            &schemas_arg(),
            "--input",
            "-",
            "--dry-run",
        ])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json_lines(&out).len(), 2);
    assert!(b.read_all(&topic).is_empty());
    b.evbus()
        .args(["produce", &topic, "--schema", "auth.user.registered", "--schemas", &schemas_arg(), "--input", "-"])
        .write_stdin(input)
        .assert()
        .success();
    assert_eq!(b.read_all(&topic).len(), 2);
}

#[test]
fn dead_broker_produce_fails_within_timeout() {
    let port = free_port();
    let start = std::time::Instant::now();
    evbus_cmd()
        .args([
            "-b",
            &format!("127.0.0.1:{port}"),
            "--timeout",
            "2s",
            "produce",
            "x.y.z",
            "--schema",
            "auth.user.registered",
        ])
        .args(["--schemas", &schemas_arg(), "-n", "5"])
        .assert()
        .code(1)
        // The cause, not a timeout: nothing listens there.
        .stderr(predicate::str::contains("Connection refused"))
        .stderr(predicate::str::contains(format!("127.0.0.1:{port}")));
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
}

#[test]
fn schemas_list_without_a_schema_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = evbus_cmd().current_dir(dir.path()).args(["schemas", "list", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no schema directory at schemas"));
    assert!(out.stdout.is_empty(), "no empty list that looks like success");
}

#[test]
fn schemas_cli_list_validate_and_broken_dir() {
    let out = evbus_cmd().current_dir(repo_root()).args(["schemas", "list", "-o", "json"]).output().unwrap();
    let v = stdout_json(&out);
    let rows = v["schemas"].as_array().unwrap();
    let reg = rows.iter().find(|r| r["schema"] == "auth.user.registered").unwrap();
    assert_eq!(reg["topics"], json!(["auth.user.registered"]));
    assert!(rows.iter().any(|r| r["schema"] == "envelope"));
    evbus_cmd().current_dir(repo_root()).args(["schemas", "validate"]).assert().success();

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    std::fs::write(dir.path().join("schemas/a.b.c.json"), r#"{"$ref": "missing.json"}"#).unwrap();
    std::fs::write(dir.path().join("schemas/broken.json"), "{\n  \"type\": \"object\",\n}").unwrap();
    std::fs::write(dir.path().join("topics.yaml"), "version: 1\ntopics:\n  - name: a.b.c\n  - name: d.e.f\n").unwrap();
    evbus_cmd()
        .current_dir(dir.path())
        .args(["schemas", "validate"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("broken.json"))
        .stderr(predicate::str::contains("a.b.c.json"))
        .stderr(predicate::str::contains("schema 'd.e.f'"));
}

#[test]
fn ctrl_c_flushes_what_was_sent_and_exits_130() {
    let b = Broker::start();
    let topic = b.unique("ctrlc");
    setup(&b, &[(&topic, 2)]);
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("evbus"))
        .current_dir(b.dir.path())
        .env_remove("EVBUS_BROKERS")
        .env_remove("EVBUS_CONTEXT")
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .args(["-b", &b.bootstrap, "-o", "json", "produce", &topic, "--schema", "auth.user.registered"])
        .args(["--schemas", &schemas_arg(), "-n", "1000", "--rate", "20/s"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["interrupted"], true, "{v}");
    let sent = v["sent"].as_u64().unwrap();
    assert!(sent > 0 && sent < 1000, "{v}");
    assert_eq!(v["failed"], 0, "{v}");
    assert!(err.contains(&format!("sent {sent} of {sent} events")), "{err}");
    // Everything counted as sent was flushed to the broker before exit.
    assert_eq!(b.read_all(&topic).len() as u64, sent);
}

/// Read-only means read-only, and produce never lets the broker auto-create a topic (the shared
/// test broker has Kafka's default `auto.create.topics.enable=true`): a missing topic is an
/// error with a hint, `--create` creates it with the broker's defaults, a manifest-declared one
/// is created as declared.
#[test]
fn missing_topics_are_never_auto_created() {
    let b = Broker::start();
    let ghost = b.unique("ghost.topic");
    let out = b.evbus().args(["topics", "describe", &ghost]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = b.evbus().args(["--timeout", "3s", "tail", &ghost, "--exit"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = b.evbus().args(["dlq", "inspect", &ghost, "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!b.topic_names().contains(&ghost), "a read-only command created {ghost}");

    let args = ["--schema", "auth.user.registered", "--schemas", &schemas_arg(), "-n", "3"];
    let out = b.evbus().args(["produce", &ghost]).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("topic '{ghost}' does not exist")) && err.contains("--create"), "{err}");
    assert!(!b.topic_names().contains(&ghost), "produce without --create created {ghost}");

    b.evbus().args(["produce", &ghost, "--create"]).args(args).assert().success();
    assert_eq!(b.read_all(&ghost).len(), 3);

    // Declared in the manifest: created as declared (4 partitions), no flag needed.
    let declared = b.unique("declared.topic");
    write_topics_yaml(&b, &format!("version: 1\ntopics:\n  - name: {declared}\n    partitions: 4\n"));
    b.evbus().args(["produce", &declared]).args(args).assert().success();
    let out = b.evbus().args(["topics", "describe", &declared, "-o", "json"]).output().unwrap();
    assert_eq!(stdout_json(&out)["partitions"].as_array().unwrap().len(), 4);
}

/// Issue 26: records stored but stdout full (`-o json >/dev/full`) exited 1 with no summary, so a
/// retry sent them all again. Now: exit 6, and stderr says what was stored and not to retry.
#[test]
fn a_full_stdout_after_sending_says_the_records_are_stored() {
    let b = Broker::start();
    let topic = b.unique("fulldisk");
    setup(&b, &[(&topic, 1)]);
    let (code, err) = evbus_to_full_disk(
        b.dir.path(),
        &[
            "-b",
            &b.bootstrap,
            "produce",
            &topic,
            "-n",
            "5",
            "--schemas",
            &schemas_arg(),
            "--schema",
            "auth.user.registered",
            "-o",
            "json",
        ],
    );
    assert_eq!(code, Some(6), "{err}");
    assert!(err.contains("applied, but the output could not be written"), "{err}");
    assert!(err.contains(&format!("5 of 5 events stored in {topic}")) && err.contains("do not run it again"), "{err}");
    assert!(err.contains("sent 5 of 5 events"), "the summary is on stderr: {err}");
    assert_eq!(b.read_all(&topic).len(), 5);
}

/// Issue 26: `--input /dev/urandom` grew to 2.5 GB; stdin (or a pipe) is read up to a limit, and
/// the message names the limit and the variable that raises it; a device is refused before any
/// read (see hostile.rs). Stdin within the limit still works.
#[test]
fn endless_input_is_refused_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let out = evbus_cmd()
        .current_dir(dir.path())
        .env("EVBUS_MAX_INPUT_SIZE", "2MiB")
        .args(["produce", "t", "--input", "-", "--no-validate", "--dry-run"])
        .write_stdin(vec![b'x'; 3 << 20])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("more than the 2 MiB limit"), "{err}");
    assert!(err.contains("set EVBUS_MAX_INPUT_SIZE to raise it"), "{err}");
    assert!(out.stdout.is_empty(), "nothing printed");
    let out = evbus_cmd()
        .current_dir(dir.path())
        .env("EVBUS_MAX_INPUT_SIZE", "2MiB")
        .args(["produce", "t", "--input", "-", "--no-validate", "--dry-run"])
        .write_stdin("{\"a\":1}\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json_lines(&out).len(), 1);
}

/// Records a client without optional codecs (kafka-python without `lz4`) can read: evbus sends
/// what Kafka's own producer sends, uncompressed batches, unless asked or the topic says otherwise.
#[test]
fn batches_are_uncompressed_unless_chosen_or_the_topic_names_a_codec() {
    let b = Broker::start();
    let plain = b.unique("codec-none");
    let chosen = b.unique("codec-zstd");
    let gzip = b.unique("codec-gzip");
    std::fs::write(
        b.dir.path().join("topics.yaml"),
        format!(
            "version: 1\ntopics:\n  - name: {plain}\n    partitions: 1\n  - name: {chosen}\n    partitions: 1\n  \
             - name: {gzip}\n    partitions: 1\n    config:\n      compression.type: gzip\n"
        ),
    )
    .unwrap();
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    let produce = |topic: &str, extra: &[&str]| {
        let mut c = b.evbus();
        c.args(["-v", "produce", topic, "--schema", "auth.user.registered", "--schemas", &schemas_arg(), "-n", "20"]);
        c.args(extra);
        let out = c.assert().success().get_output().stderr.clone();
        String::from_utf8_lossy(&out).into_owned()
    };
    let log = produce(&plain, &[]);
    assert!(log.contains("compression.type=none"), "-v shows the codec: {log}");
    let log = produce(&chosen, &["--compression", "zstd"]);
    assert!(log.contains("compression.type=zstd (--compression)"), "{log}");
    let log = produce(&gzip, &[]);
    assert!(log.contains(&format!("compression.type=gzip (topic {gzip} compression.type=gzip)")), "{log}");

    for (topic, codec) in [(&plain, "NONE"), (&chosen, "ZSTD"), (&gzip, "GZIP")] {
        let codecs = b.batch_codecs(topic);
        assert!(!codecs.is_empty() && codecs.iter().all(|c| c == codec), "{topic}: {codecs:?}, want {codec}");
    }
}

#[test]
fn a_record_too_large_names_its_size_the_topic_limit_and_the_client_setting() {
    // The topic takes 25 MB records; librdkafka's own limit is 1 MB: the message must say which
    // limit the record hit and the setting that lets it through.
    let b = Broker::start();
    let topic = b.unique("big");
    b.create_topic_with(&topic, 1, &[("max.message.bytes", "26214400")]);
    let line = format!("{{\"eventType\":\"t\",\"pad\":\"{}\"}}\n", "x".repeat(1_500_000));
    std::fs::write(b.dir.path().join("big.jsonl"), &line).unwrap();
    let size = line.trim_end().len();
    b.evbus()
        .args(["produce", &topic, "--no-validate", "--input", "big.jsonl"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("a record of {size} bytes")))
        .stderr(predicate::str::contains("max.message.bytes is 26214400"))
        .stderr(predicate::str::contains("-X message.max.bytes=2097152"));
    // With the client's limit raised as told, it goes through.
    b.evbus()
        .args(["produce", &topic, "--no-validate", "--input", "big.jsonl", "-X", "message.max.bytes=2097152"])
        .assert()
        .success();
}

/// `schema: false` declares a topic without a schema: `schemas validate` covers the topics that
/// have one (instead of demanding a `false.json`), produce sends a file to it unvalidated, and
/// samples, which need a schema, ask for --schema.
#[test]
fn schema_false_topics_are_left_out_of_validation() {
    let b = Broker::start();
    let raw = b.unique("raw.no.schema");
    let dir = b.dir.path();
    std::fs::create_dir(dir.join("schemas")).unwrap();
    std::fs::write(dir.join("schemas/a.b.c.json"), r#"{"type": "object", "required": ["id"]}"#).unwrap();
    std::fs::write(
        dir.join("topics.yaml"),
        format!("version: 1\ntopics:\n  - name: a.b.c\n  - name: {raw}\n    schema: false\n"),
    )
    .unwrap();
    b.evbus()
        .args(["schemas", "validate", "-o", "table"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 schemas, all valid"))
        .stdout(predicate::str::contains(format!("1 topic(s) without a schema (schema: false): {raw}")));
    let out = b.evbus().args(["schemas", "validate", "-o", "json"]).output().unwrap();
    assert_eq!(stdout_json(&out)["topics_without_schema"], json!([raw]));
    // A topic with neither a schema file nor `schema: false` still fails, and says how to opt out.
    std::fs::write(dir.join("topics.yaml"), "version: 1\ntopics:\n  - name: a.b.c\n  - name: d.e.f\n").unwrap();
    b.evbus().args(["schemas", "validate"]).assert().code(1).stderr(predicate::str::contains("`schema: false`"));

    std::fs::write(
        dir.join("topics.yaml"),
        format!("version: 1\ntopics:\n  - name: {raw}\n    partitions: 1\n    schema: false\n"),
    )
    .unwrap();
    std::fs::write(dir.join("events.jsonl"), "{\"anything\": 1}\n{\"goes\": true}\n").unwrap();
    b.evbus().args(["produce", &raw, "--input", "events.jsonl"]).assert().success();
    assert_eq!(b.read_all(&raw).len(), 2);
    b.evbus()
        .args(["produce", &raw])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`schema: false`").and(predicate::str::contains("--schema")));
}
