//! Replication-factor changes on the 3-node cluster (`broker::shared_cluster`): `topics apply`
//! moves replicas with AlterPartitionReassignments and the result is checked against Kafka's own
//! tools (`kafka-topics --describe`, `kafka-configs --describe`); a factor above the broker count
//! is refused with nothing touched; `--throttle` sets Kafka's replication throttles for the move
//! and removes them after; `--no-wait` leaves the move running, `topics plan` (and `health`) show
//! it, and the next `apply` watches it to the end; throttles an unwatched move left are reported
//! and removed.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::broker::Cluster;
use crate::common::stdout_json;

fn unique(base: &str) -> String {
    format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

fn manifest(c: &Cluster, topic: &str, partitions: i32, rf: i32) {
    std::fs::write(
        c.dir.path().join("topics.yaml"),
        format!("version: 1\ntopics:\n  - name: {topic}\n    partitions: {partitions}\n    replication_factor: {rf}\n"),
    )
    .unwrap();
}

/// `evbus ARGS` on the cluster: exit code, stdout, stderr.
fn run(c: &Cluster, args: &[&str]) -> (Option<i32>, String, String) {
    let out = c.evbus().args(["--timeout", "15s"]).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn plan_json(c: &Cluster) -> Value {
    let out = c.evbus().args(["--timeout", "15s", "topics", "plan", "-o", "json"]).output().unwrap();
    stdout_json(&out)
}

fn actions(plan: &Value) -> Vec<(String, String)> {
    plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let on = match c["broker"].as_i64() {
                Some(b) => format!("broker {b}"),
                None => c["topic"].as_str().unwrap().to_string(),
            };
            (c["action"].as_str().unwrap().to_string(), on)
        })
        .collect()
}

/// Each partition of `topic` as Kafka's own `kafka-topics --describe` shows it: (leader, replicas, isr).
fn kafka_describe(c: &Cluster, topic: &str) -> BTreeMap<i32, (i32, Vec<i32>, Vec<i32>)> {
    let b = c.live();
    let out = b.kafka_tool(
        "org.apache.kafka.tools.TopicCommand",
        &["--bootstrap-server", &b.internal, "--describe", "--topic", topic],
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "kafka-topics failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    let field =
        |l: &str, name: &str| l.split(&format!("{name}: ")).nth(1)?.split_whitespace().next().map(str::to_string);
    let ids =
        |s: Option<String>| -> Vec<i32> { s.unwrap_or_default().split(',').filter_map(|x| x.parse().ok()).collect() };
    text.lines()
        .filter_map(|l| {
            let p = field(l, "Partition")?.parse().ok()?;
            let leader = field(l, "Leader")?.parse().ok()?;
            Some((p, (leader, ids(field(l, "Replicas")), ids(field(l, "Isr")))))
        })
        .collect()
}

/// The throttle settings Kafka's own `kafka-configs --describe` shows: on every broker
/// (`broker N` → keys) and on `topic` (`topic` → keys).
fn kafka_throttles(c: &Cluster, topic: &str) -> BTreeMap<String, BTreeSet<String>> {
    let b = c.live();
    let class = if crate::broker::kafka_major() >= 4 {
        "org.apache.kafka.tools.ConfigCommand"
    } else {
        "kafka.admin.ConfigCommand"
    };
    let mut out = BTreeMap::new();
    for (kind, name, label) in [("brokers", None, None), ("topics", Some(topic), Some(topic.to_string()))] {
        let mut args = vec!["--bootstrap-server", b.internal.as_str(), "--entity-type", kind, "--describe"];
        if let Some(n) = name {
            args.extend(["--entity-name", n]);
        }
        let o = b.kafka_tool(class, &args);
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(o.status.success(), "kafka-configs failed:\n{text}{}", String::from_utf8_lossy(&o.stderr));
        let mut section = label.clone();
        for l in text.lines() {
            if let Some(rest) = l.strip_prefix("Dynamic configs for broker ") {
                section = rest.split_whitespace().next().map(|id| format!("broker {id}"));
            } else if l.starts_with("Dynamic configs for topic ") {
                section = label.clone();
            } else if l.starts_with("Default configs") {
                section = None;
            } else if let (Some(s), Some((key, _))) = (&section, l.trim().split_once('=')) {
                if key.contains("replication.throttled") {
                    out.entry(s.clone()).or_insert_with(BTreeSet::new).insert(key.to_string());
                }
            }
        }
    }
    out
}

/// Waits until every node's metadata shows `topic` with `rf` replicas, all in sync, per partition.
fn wait_rf(c: &Cluster, topic: &str, rf: usize) {
    c.wait_for(Duration::from_secs(30), &format!("{topic} at RF {rf}, in sync"), |v| {
        let ps: Vec<_> = v.partitions.iter().filter(|p| p.0 == topic).collect();
        !ps.is_empty() && ps.iter().all(|p| p.3.len() == rf && p.4.len() == rf)
    });
}

/// Declares `topic` with `partitions` at `rf` replicas, applies it (exit 0) and waits until every
/// node shows each partition at `rf`, all in sync.
fn apply_rf(c: &Cluster, topic: &str, partitions: i32, rf: i32) {
    manifest(c, topic, partitions, rf);
    let (code, _, err) = run(c, &["topics", "apply", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    wait_rf(c, topic, rf as usize);
}

fn cluster() -> MutexGuard<'static, Cluster> {
    crate::broker::shared_cluster()
}

#[test]
fn replication_factor_up_and_down_as_kafka_sees_it_and_above_the_broker_count_refused() {
    let c = cluster();
    let t = unique("rf.move");
    apply_rf(&c, &t, 6, 1);
    let before = kafka_describe(&c, &t);

    // RF 4 on 3 brokers: refused by plan and apply, nothing moved.
    manifest(&c, &t, 6, 4);
    let (code, _, err) = run(&c, &["topics", "apply", "--yes"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(&format!("{t}: replication factor 4 is more than the 3 live broker(s)")), "{err}");
    let (code, _, err) = run(&c, &["topics", "plan"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("evbus cannot make these changes"), "{err}");

    // RF 3: the plan shows each partition's move, leader first and kept, every broker used alike.
    manifest(&c, &t, 6, 3);
    let plan = plan_json(&c);
    assert_eq!(actions(&plan), [("reassign".to_string(), t.clone())], "{plan:#}");
    let moves = plan["changes"][0]["moves"].as_array().unwrap();
    assert_eq!(moves.len(), 6, "{plan:#}");
    let mut per_broker: BTreeMap<i64, usize> = BTreeMap::new();
    let mut planned = BTreeMap::new();
    for m in moves {
        let p = m["partition"].as_i64().unwrap() as i32;
        let to: Vec<i32> = m["to"].as_array().unwrap().iter().map(|b| b.as_i64().unwrap() as i32).collect();
        assert_eq!(to[0], before[&p].1[0], "the current replica stays the preferred leader: {m}");
        assert_eq!(to.iter().collect::<BTreeSet<_>>().len(), 3, "{m}");
        for b in &to {
            *per_broker.entry(i64::from(*b)).or_default() += 1;
        }
        planned.insert(p, to);
    }
    assert_eq!(per_broker.values().collect::<Vec<_>>(), [&6, &6, &6], "{per_broker:?}");
    let (_, text, _) = run(&c, &["topics", "plan", "-o", "table"]);
    assert!(text.contains("replication factor 1 → 3") && text.contains("p0: "), "{text}");

    let (code, _, err) = run(&c, &["topics", "apply", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    wait_rf(&c, &t, 3);
    let after = kafka_describe(&c, &t);
    for (p, (leader, replicas, isr)) in &after {
        assert_eq!(replicas, &planned[p], "partition {p}: {after:?}");
        assert_eq!(isr.len(), 3, "partition {p}: {after:?}");
        assert_eq!(*leader, before[p].0, "partition {p} kept its leader: {after:?}");
    }
    let (code, _, err) = run(&c, &["topics", "plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "apply then plan shows no change: {err}");

    // RF 2: a non-leader replica goes from each partition, the leader stays.
    apply_rf(&c, &t, 6, 2);
    let down = kafka_describe(&c, &t);
    let mut per_broker: BTreeMap<i32, usize> = BTreeMap::new();
    for (p, (leader, replicas, _)) in &down {
        assert_eq!(replicas.len(), 2, "{down:?}");
        assert_eq!(*leader, after[p].0, "partition {p} kept its leader: {down:?}");
        assert_eq!(replicas[0], *leader, "{down:?}");
        for b in replicas {
            *per_broker.entry(*b).or_default() += 1;
        }
    }
    assert_eq!(per_broker.values().collect::<Vec<_>>(), [&4, &4, &4], "{per_broker:?}");
}

/// More partitions and a higher replication factor in one manifest change: one `apply` brings
/// every partition, old and new, to the new factor (Kafka alone would create the new ones at the
/// old factor), as the plan placed them, and the next plan has nothing to do.
#[test]
fn partitions_added_with_a_replication_change_are_created_at_the_new_factor() {
    let c = cluster();
    let t = unique("rf.grow");
    apply_rf(&c, &t, 2, 1);

    manifest(&c, &t, 5, 3);
    let plan = plan_json(&c);
    assert_eq!(
        actions(&plan),
        [("add_partitions".to_string(), t.clone()), ("reassign".to_string(), t.clone())],
        "{plan:#}"
    );
    // Kafka creates partitions only at the topic's factor: created with 1 replica, then moved.
    let created: Vec<Vec<i32>> = serde_json::from_value(plan["changes"][0]["replicas"].clone()).unwrap();
    assert_eq!(created.len(), 3, "{plan:#}");
    let target: BTreeMap<i32, Vec<i32>> = plan["changes"][1]["moves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["partition"].as_i64().unwrap() as i32, serde_json::from_value(m["to"].clone()).unwrap()))
        .collect();
    assert_eq!(target.keys().copied().collect::<Vec<_>>(), [0, 1, 2, 3, 4], "{plan:#}");
    for (i, c) in created.iter().enumerate() {
        assert_eq!(c[..], target[&(i as i32 + 2)][..1], "created on the target's preferred leader: {plan:#}");
    }
    let (code, _, err) = run(&c, &["topics", "apply", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    wait_rf(&c, &t, 3);
    let after = kafka_describe(&c, &t);
    assert_eq!(after.len(), 5, "{after:?}");
    for (p, (_, replicas, isr)) in &after {
        assert_eq!(replicas, &target[p], "partition {p}: {after:?}");
        assert_eq!(isr.len(), 3, "partition {p}: {after:?}");
    }
    let (code, _, err) = run(&c, &["topics", "plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "apply then plan shows no change: {err}");
}

/// Cancels what a failed test left moving (and its broker throttles): a move stuck at 1 KiB/s
/// would keep the shared cluster unsettled for every later test.
struct Cleanup<'a> {
    c: &'a Cluster,
    topic: String,
}

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let s = evbus::kafka::Settings {
            brokers: self.c.bootstrap.clone(),
            props: Vec::new(),
            timeout: Duration::from_secs(10),
            verbose: 0,
        };
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let _ = evbus::kafka::wire::reassign::cancel(&s, &[(self.topic.clone(), 0)]).await;
            if let Ok(nodes) = evbus::kafka::wire::reassign::brokers(&s).await {
                let all: Vec<_> = nodes.iter().collect();
                let _ = evbus::kafka::wire::throttle::set_rates(&s, &all, None).await;
            }
        });
    }
}

/// Writes `n` records of 1 KiB to partition 0 of `topic`.
fn fill(c: &Cluster, topic: &str, n: usize) {
    use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
    let p: BaseProducer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", &c.live().internal)
        .set("linger.ms", "5")
        .create()
        .unwrap();
    let value = vec![b'x'; 1024];
    for i in 0..n {
        let key = i.to_string();
        let mut rec = BaseRecord::to(topic).partition(0).key(&key).payload(&value);
        loop {
            match p.send(rec) {
                Ok(()) => break,
                Err((_, r)) => {
                    p.poll(Duration::from_millis(10));
                    rec = r;
                }
            }
        }
    }
    p.flush(Duration::from_secs(30)).unwrap();
}

#[test]
fn a_throttled_move_left_running_is_shown_by_plan_and_health_and_finished_by_the_next_apply() {
    let c = cluster();
    let t = unique("rf.throttled");
    let _cleanup = Cleanup { c: &c, topic: t.clone() };
    apply_rf(&c, &t, 1, 1);
    // 3 MiB at 1 KiB/s: the move cannot finish while the test looks at it.
    fill(&c, &t, 3072);
    let leader = kafka_describe(&c, &t)[&0].0;

    manifest(&c, &t, 1, 2);
    let started = Instant::now();
    let (code, _, err) = run(&c, &["topics", "apply", "--yes", "--no-wait", "--throttle", "1KiB"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20), "--no-wait returned at once");
    assert!(err.contains("not waiting (--no-wait)"), "{err}");

    // During the move: Kafka's throttles on the brokers involved and on the topic.
    let during = kafka_throttles(&c, &t);
    let brokers: Vec<&String> = during.keys().filter(|k| k.starts_with("broker ")).collect();
    assert_eq!(brokers.len(), 2, "the leader and the new follower are throttled: {during:?}");
    assert!(during.contains_key(&format!("broker {leader}")), "{during:?}");
    assert_eq!(
        during[&t],
        ["follower.replication.throttled.replicas", "leader.replication.throttled.replicas"].map(String::from).into(),
        "{during:?}"
    );

    // plan: in progress, no second submission; health warns.
    let plan = plan_json(&c);
    assert_eq!(actions(&plan), [("reassigning".to_string(), t.clone())], "{plan:#}");
    let (_, text, _) = run(&c, &["topics", "plan", "-o", "table"]);
    assert!(text.contains("reassignment in progress"), "{text}");
    let out = c.evbus().args(["--timeout", "15s", "health", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let check = doc["checks"].as_array().unwrap().iter().find(|c| c["name"] == "reassignments").unwrap().clone();
    assert_eq!(check["status"], "warn", "{doc:#}");
    assert!(
        check["detail"].as_str().unwrap().contains(&format!("reassignment in progress: {t} (1 partition)")),
        "{check}"
    );

    // apply again, with a higher throttle: resumes watching (nothing resubmitted), finishes,
    // removes every throttle, elects the preferred leader.
    let (code, _, err) = run(&c, &["topics", "apply", "--yes", "--throttle", "100MiB"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("Throttle: 100 MiB/s") && err.contains("Moved the replicas of 1 partition(s)"), "{err}");
    wait_rf(&c, &t, 2);
    let after = kafka_describe(&c, &t);
    assert_eq!(after[&0].0, leader, "{after:?}");
    assert_eq!(after[&0].1.len(), 2, "{after:?}");
    assert_eq!(kafka_throttles(&c, &t), BTreeMap::new(), "every throttle removed");
    let (code, _, err) = run(&c, &["topics", "plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn throttles_an_unwatched_move_left_are_reported_and_removed() {
    let c = cluster();
    let t = unique("rf.leftover");
    apply_rf(&c, &t, 2, 1);
    manifest(&c, &t, 2, 2);
    let (code, _, err) = run(&c, &["topics", "apply", "--yes", "--no-wait", "--throttle", "5MiB"]);
    assert_eq!(code, Some(0), "{err}");
    // Empty partitions move at once; nobody watched, so the throttles stay behind.
    let deadline = Instant::now() + Duration::from_secs(30);
    let plan = loop {
        let plan = plan_json(&c);
        if !actions(&plan).iter().any(|(a, _)| a == "reassigning") || Instant::now() > deadline {
            break plan;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let acts = actions(&plan);
    assert!(acts.contains(&("clear_throttle".to_string(), t.clone())), "{plan:#}");
    let brokers = acts.iter().filter(|(a, l)| a == "clear_throttle" && l.starts_with("broker ")).count();
    assert!(brokers >= 2, "{plan:#}");
    assert!(!acts.iter().any(|(a, _)| a == "reassign"), "{plan:#}");
    let (_, text, _) = run(&c, &["topics", "plan", "-o", "table"]);
    assert!(text.contains("leftover throttle, remove: "), "{text}");
    let out = c.evbus().args(["--timeout", "15s", "health", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    let check = doc["checks"].as_array().unwrap().iter().find(|c| c["name"] == "reassignments").unwrap().clone();
    assert_eq!(check["status"], "warn", "{doc:#}");
    assert!(check["detail"].as_str().unwrap().contains("leftover throttles with no move running"), "{check}");

    let (code, _, err) = run(&c, &["topics", "apply", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(kafka_throttles(&c, &t), BTreeMap::new(), "every throttle removed");
    let (code, _, err) = run(&c, &["topics", "plan", "--detailed-exitcode"]);
    assert_eq!(code, Some(0), "{err}");
}
