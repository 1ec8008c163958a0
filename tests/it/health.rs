//! `evbus health` against a real broker: a healthy cluster, a missing manifest topic, drift,
//! a non-empty DLQ, groups over their max_lag or without offsets, `--strict`, `--roundtrip`, a dead
//! address within the timeout, and `--wait` until a broker that starts late is up.

use std::time::{Duration, Instant};

use crate::common::health_check as check;
use crate::common::*;
use serde_json::Value;

/// Names of one test's manifest objects, unique per test.
struct Names {
    orders: String,
    dlq: String,
    group: String,
}

fn names(b: &Broker) -> Names {
    let p = b.unique("health");
    Names { orders: format!("{p}.orders.placed"), dlq: format!("{p}.dead.letters"), group: format!("{p}-fulfilment") }
}

fn manifest(n: &Names, orders_partitions: u32, extra_topic: Option<&str>) -> String {
    let mut s = format!(
        "version: 1\ntopics:\n  - name: {}\n    partitions: {orders_partitions}\n  - name: {}\n    partitions: 1\n    dlq: true\n",
        n.orders, n.dlq
    );
    if let Some(t) = extra_topic {
        s.push_str(&format!("  - name: {t}\n    partitions: 1\n"));
    }
    s.push_str(&format!("groups:\n  - name: {}\n    topics: [{}]\n    max_lag: 5\n", n.group, n.orders));
    s
}

/// Apply a manifest (2 partitions of orders, a DLQ, one group) and commit the group at the end.
fn healthy_cluster(b: &Broker) -> Names {
    let n = names(b);
    write_topics_yaml(b, &manifest(&n, 2, None));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    b.commit(&n.group, &[(&n.orders, 0, 0), (&n.orders, 1, 0)]);
    n
}

fn health(b: &Broker, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = b.evbus().arg("health").args(args).args(["-o", "json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (out.status.code(), stdout_json(&out), err)
}

fn detail(doc: &Value, name: &str) -> String {
    check(doc, name)["detail"].as_str().unwrap_or_default().to_string()
}

#[test]
fn healthy_cluster_is_ok_with_every_check_listed() {
    let b = Broker::start();
    let n = healthy_cluster(&b);
    let (code, doc, err) = health(&b, &[]);
    assert_eq!(code, Some(0), "{err}\n{doc:#}");
    assert_eq!(doc["status"], "ok", "{doc:#}");
    let names: Vec<&str> = doc["checks"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "brokers",
            "quorum",
            "partitions",
            "in-sync replicas",
            "preferred leaders",
            "eligible leaders",
            "log dirs",
            "reassignments",
            "manifest topics",
            &format!("group {}", n.group),
            &format!("dlq {}", n.dlq)
        ]
    );
    for c in doc["checks"].as_array().unwrap() {
        assert_eq!(c["status"], "ok", "{c}");
        assert!(c["elapsed_ms"].is_u64(), "{c}");
        assert_eq!(c.as_object().unwrap().len(), 4, "exactly name, status, detail, elapsed_ms: {c}");
    }
    // Not Metadata's "controller N" (a random broker on KRaft, KAFKA-17404): the quorum's leader.
    assert!(detail(&doc, "brokers").starts_with("1 broker (id 1), all answering, quorum leader "), "{doc:#}");
    assert!(detail(&doc, "brokers").contains("metadata round trip"), "{doc:#}");
    assert!(detail(&doc, "manifest topics").starts_with("all 2 topics match"), "{doc:#}");
    assert!(detail(&doc, &format!("group {}", n.group)).starts_with("lag 0 (max_lag 5)"), "{doc:#}");
    assert_eq!(detail(&doc, &format!("dlq {}", n.dlq)), "empty");

    // --strict changes nothing when there is nothing to warn about.
    let (code, _, err) = health(&b, &["--strict"]);
    assert_eq!(code, Some(0), "{err}");

    // The human table: a mark per check and a verdict line.
    let out = b.evbus().args(["health", "-o", "table"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches('✓').count(), 11, "{text}");
    assert!(text.trim_end().ends_with("healthy"), "{text}");
}

#[test]
fn roundtrip_creates_the_health_topic_and_reads_the_probe_back() {
    let b = Broker::start();
    let topic = b.unique("__evbus_health_test");
    let (code, doc, err) = health(&b, &["--roundtrip", "--health-topic", &topic]);
    assert_eq!(code, Some(0), "{err}\n{doc:#}");
    let rt = check(&doc, "roundtrip");
    assert_eq!(rt["status"], "ok", "{doc:#}");
    let d = rt["detail"].as_str().unwrap();
    assert!(d.starts_with("created the topic; probe to "), "{d}");
    assert!(d.contains("read back in"), "{d}");
    assert!(b.topic_names().contains(&topic));
    // The probe is really on the topic.
    let recs = b.read_all(&topic);
    assert_eq!(recs.len(), 1);
    assert!(String::from_utf8_lossy(recs[0].value.as_deref().unwrap()).contains("\"probe\""));

    // Second run: the topic exists, the next probe lands at offset 1.
    let (code, doc, err) = health(&b, &["--roundtrip", "--health-topic", &topic]);
    assert_eq!(code, Some(0), "{err}");
    let d = detail(&doc, "roundtrip");
    assert!(d.starts_with(&format!("probe to {topic}[0]@1:")), "{d}");
}

#[test]
fn missing_manifest_topic_is_unhealthy() {
    let b = Broker::start();
    let n = healthy_cluster(&b);
    let missing = format!("{}.never.created", b.unique("health"));
    write_topics_yaml(&b, &manifest(&n, 2, Some(&missing)));
    let (code, doc, err) = health(&b, &[]);
    assert_eq!(code, Some(4), "{err}\n{doc:#}");
    assert_eq!(doc["status"], "fail");
    assert_eq!(check(&doc, "manifest topics")["status"], "fail");
    let d = detail(&doc, "manifest topics");
    assert!(d.contains("1 of 3 missing") && d.contains(&missing), "{d}");
    assert_eq!(check(&doc, "brokers")["status"], "ok");
}

#[test]
fn drift_warns_and_fails_only_with_strict() {
    let b = Broker::start();
    let n = healthy_cluster(&b);
    // The manifest now wants 4 partitions where the cluster has 2.
    write_topics_yaml(&b, &manifest(&n, 4, None));
    let (code, doc, err) = health(&b, &[]);
    assert_eq!(code, Some(0), "{err}\n{doc:#}");
    assert_eq!(doc["status"], "warn");
    let c = check(&doc, "manifest topics");
    assert_eq!(c["status"], "warn");
    let d = c["detail"].as_str().unwrap();
    assert!(d.contains(&n.orders) && d.contains("partitions 2 → 4") && d.contains("evbus topics plan"), "{d}");

    let (code, doc, _) = health(&b, &["--strict"]);
    assert_eq!(code, Some(4));
    assert_eq!(doc["status"], "warn", "the report is the same; only the exit code is stricter");
}

#[test]
fn non_empty_dlq_warns_with_the_count() {
    let b = Broker::start();
    let n = healthy_cluster(&b);
    produce_n(&b, &n.dlq, 0, 3);
    let (code, doc, err) = health(&b, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(doc["status"], "warn");
    let c = check(&doc, &format!("dlq {}", n.dlq));
    assert_eq!(c["status"], "warn");
    assert!(c["detail"].as_str().unwrap().starts_with("3 records waiting"), "{c}");
    let (code, _, _) = health(&b, &["--strict"]);
    assert_eq!(code, Some(4));
}

#[test]
fn group_over_max_lag_warns_and_fails_with_strict() {
    let b = Broker::start();
    let n = healthy_cluster(&b);
    produce_n(&b, &n.orders, 0, 9);
    let name = format!("group {}", n.group);
    let (code, doc, err) = health(&b, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(check(&doc, &name)["status"], "warn");
    assert!(detail(&doc, &name).starts_with("over max_lag: lag 9 (max_lag 5)"), "{doc:#}");

    let (code, doc, _) = health(&b, &["--strict"]);
    assert_eq!(code, Some(4));
    assert_eq!(check(&doc, &name)["status"], "fail");
    assert_eq!(doc["status"], "fail");

    // Caught up again: ok.
    b.commit(&n.group, &[(&n.orders, 0, 9)]);
    let (code, doc, _) = health(&b, &["--strict"]);
    assert_eq!(code, Some(0), "{doc:#}");
}

#[test]
fn group_without_offsets_warns() {
    let b = Broker::start();
    let n = names(&b);
    write_topics_yaml(&b, &manifest(&n, 2, None));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    let (code, doc, err) = health(&b, &[]);
    assert_eq!(code, Some(0), "{err}");
    let c = check(&doc, &format!("group {}", n.group));
    assert_eq!(c["status"], "warn");
    assert!(c["detail"].as_str().unwrap().contains("no committed offsets"), "{c}");
}

#[test]
fn dead_address_fails_within_the_timeout_with_exit_4() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = evbus_cmd()
        .current_dir(dir.path())
        .args(["-b", &format!("127.0.0.1:{port}"), "--timeout", "2s", "health", "-o", "json"])
        .output()
        .unwrap();
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(took < Duration::from_secs(4), "took {took:?}");
    let doc = stdout_json(&out);
    assert_eq!(doc["status"], "fail");
    assert_eq!(doc["checks"].as_array().unwrap().len(), 1, "{doc:#}");
    let c = check(&doc, "brokers");
    assert_eq!(c["status"], "fail");
    let d = c["detail"].as_str().unwrap();
    assert!(d.starts_with("unreachable: ") && d.contains(&port.to_string()), "{d}");
}

#[test]
fn wait_succeeds_once_a_late_broker_starts() {
    let port = server_port();
    let starter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        Broker::private(BrokerOpts { port: Some(port), ..Default::default() })
    });
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = evbus_cmd()
        .current_dir(dir.path())
        .args(["-b", &format!("127.0.0.1:{port}"), "--timeout", "2s", "health", "--wait", "60s", "-o", "json"])
        .output()
        .unwrap();
    let took = start.elapsed();
    let broker = starter.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}\nbroker log: {}", broker.log());
    assert_eq!(stdout_json(&out)["status"], "ok");
    assert!(took >= Duration::from_secs(2), "cannot be healthy before the broker starts: {took:?}");
    assert!(took < Duration::from_secs(40), "took {took:?}");
    assert!(err.contains("health: attempt 1: fail (brokers: unreachable"), "{err}");
    assert!(err.contains("healthy after"), "{err}");
}

#[test]
fn wait_gives_up_at_its_deadline() {
    let port = free_port();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = evbus_cmd()
        .current_dir(dir.path())
        .args(["-b", &format!("127.0.0.1:{port}"), "--timeout", "1s", "health", "--wait", "3s", "-o", "json"])
        .output()
        .unwrap();
    let took = start.elapsed();
    assert_eq!(out.status.code(), Some(4));
    assert!(took >= Duration::from_secs(3) && took < Duration::from_secs(8), "took {took:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("giving up after 3s"), "{err}");
}

#[test]
fn evbus_failures_exit_1_or_2_not_4() {
    let b = Broker::start();
    // An unreadable manifest is evbus's problem, not the cluster's.
    let out = b.evbus().args(["health", "-f", "no-such-file.yaml", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-file.yaml"));
    assert!(out.stdout.is_empty());
    // So is an invalid one.
    write_topics_yaml(&b, "version: 1\ntopics:\n  - name: bad topic name\n");
    let out = b.evbus().args(["health", "-o", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // And a bad flag value.
    let out = b.evbus().args(["health", "--wait", "soon"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// The README's CI recipe, as written, against a broker that starts late: wait for the brokers
/// only, apply the repo's topics.yaml, no drift, then a strict health check that passes although
/// the manifest's groups are not deployed yet (they warn, they do not fail).
#[test]
fn the_readme_ci_recipe_passes() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let recipe: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- run: evbus "))
        .map(|l| l.split('#').next().unwrap().trim())
        .collect();
    assert_eq!(
        recipe,
        [
            "health --brokers-only --wait 60s",
            "topics apply --yes",
            "topics plan --detailed-exitcode",
            "health --strict"
        ],
        "the README's recipe changed: update this test with it"
    );
    let port = server_port();
    let starter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        Broker::private(BrokerOpts { port: Some(port), ..Default::default() })
    });
    let work = tempfile::tempdir().unwrap();
    std::fs::copy(repo_root().join("topics.yaml"), work.path().join("topics.yaml")).unwrap();
    let mut starter = Some(starter);
    let mut broker = None;
    for step in &recipe {
        let out = evbus_cmd()
            .current_dir(work.path())
            .args(["-b", &format!("127.0.0.1:{port}"), "-o", "json"])
            .args(step.split_whitespace())
            .output()
            .unwrap();
        if let Some(s) = starter.take() {
            broker = Some(s.join().unwrap());
        }
        assert_eq!(out.status.code(), Some(0), "`evbus {step}` failed:\n{}", String::from_utf8_lossy(&out.stderr));
        if *step == "health --strict" {
            let doc = stdout_json(&out);
            let groups: Vec<&Value> = doc["checks"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["name"].as_str().unwrap().starts_with("group "))
                .collect();
            assert!(!groups.is_empty(), "{doc:#}");
            for g in groups {
                assert_eq!(g["status"], "warn", "{g}");
                assert_eq!(g["not_yet"], true, "{g}");
            }
        }
    }
    // A group that has committed offsets is no longer "not yet": with lag over its max_lag it
    // fails with --strict as before (see group_over_max_lag_warns_and_fails_with_strict).
    drop(broker);
}

/// The README's compose healthcheck, as written, against an address nothing listens on: docker
/// kills a check that outlives its `timeout:` (5 s in the seeds), so evbus must answer "unhealthy"
/// (exit 4) well before that, and `--wait D` must end at D, not D plus a whole `--timeout`.
#[test]
fn the_readme_compose_healthcheck_answers_within_its_timeout() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines.iter().position(|l| l.trim().starts_with(r#"test: ["CMD", "evbus""#)).expect("no healthcheck");
    let argv: Vec<String> = serde_json::from_str(lines[at].trim().strip_prefix("test:").unwrap().trim()).unwrap();
    let limit: Duration = lines[at..]
        .iter()
        .find_map(|l| l.trim().strip_prefix("timeout:"))
        .map(|t| humantime::parse_duration(t.trim()).unwrap())
        .unwrap();
    assert_eq!(limit, Duration::from_secs(5), "the seeds allow 5 s");
    let dead = format!("127.0.0.1:{}", free_port());
    let args: Vec<String> =
        argv[2..].iter().map(|a| if a.starts_with("localhost:") { dead.clone() } else { a.clone() }).collect();
    assert!(args.contains(&"--brokers-only".to_string()), "{args:?}");
    let dir = tempfile::tempdir().unwrap();
    let run = |timeout: &str, extra: &[&str]| {
        let args: Vec<&str> = args.iter().map(|a| if a == "4s" { timeout } else { a.as_str() }).collect();
        let start = Instant::now();
        let out = evbus_cmd().current_dir(dir.path()).args(&args).args(extra).output().unwrap();
        (out, start.elapsed())
    };
    let (out, took) = run("4s", &[]);
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(took < Duration::from_secs(2), "refused at once, not after --timeout: took {took:?}");
    assert!(took < limit);
    // With the default --timeout (10 s) too: a refused connection never waits it out.
    let (out, took) = run("10s", &[]);
    assert_eq!(out.status.code(), Some(4));
    assert!(took < Duration::from_secs(2), "took {took:?}");
    let (out, took) = run("10s", &["--wait", "3s"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(took >= Duration::from_secs(3) && took < Duration::from_millis(4000), "--wait 3s took {took:?}");
}
