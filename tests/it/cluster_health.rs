//! Where leaders and replicas sit, on the 3-node cluster (`broker::shared_cluster`): `health`
//! warns on partitions not led by their preferred replica after a leader moved, until a preferred
//! election moves it back; it and `topics describe` show the eligible leader replicas (KIP-966)
//! as Kafka's own `kafka-topics --describe` does; `log dirs` reports each broker's log dirs and
//! which are cordoned (Kafka 4.3+).
//!
//! The harness turns Kafka's periodic leader rebalance off, so a moved leader stays moved until
//! the test elects it back (otherwise the rebalance could race the assertions).

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::broker::{Cluster, kafka_major};
use crate::common::health_status as check;
use crate::common::stdout_json;

fn unique(base: &str) -> String {
    format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

/// `evbus health -o json`: the document and stderr.
fn health(c: &Cluster) -> (Value, String) {
    let out = c.evbus().args(["--timeout", "10s", "health", "-o", "json"]).output().unwrap();
    (stdout_json(&out), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `topics describe TOPIC -o json`'s partition 0.
fn describe0(c: &Cluster, topic: &str) -> Value {
    let out = c.evbus().args(["topics", "describe", topic, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut d = stdout_json(&out);
    let p0 = d["partitions"][0].take();
    assert_eq!(p0["partition"], 0, "{d:#}");
    serde_json::json!({"elr_state": d["elr"], "elr_note": d["elr_note"], "p": p0})
}

/// Partition 0's `Elr:` and `LastKnownElr:` as Kafka 4.x's `kafka-topics --describe` prints them.
fn kafka_elr(c: &Cluster, topic: &str) -> (BTreeSet<i64>, BTreeSet<i64>, String) {
    let b = c.live();
    let out = b.kafka_tool(
        "org.apache.kafka.tools.TopicCommand",
        &["--bootstrap-server", &b.internal, "--describe", "--topic", topic],
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "kafka-topics --describe failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
    let line = text.lines().find(|l| l.contains("Partition: 0")).unwrap_or_else(|| panic!("{text}"));
    let field = |name: &str| -> Option<BTreeSet<i64>> {
        let v = line.split('\t').map(str::trim).find_map(|f| f.strip_prefix(name))?;
        Some(v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
    };
    let elr = field("Elr:").unwrap_or_else(|| panic!("no Elr: in {line:?}"));
    let last = field("LastKnownElr:").unwrap_or_else(|| panic!("no LastKnownElr: in {line:?}"));
    (elr, last, text)
}

/// Node `id`'s `cordoned.log.dirs` set to `value` (None: deleted) with Kafka's `kafka-configs`.
fn cordon(c: &Cluster, id: i32, value: Option<&str>) -> std::process::Output {
    let b = c.live();
    let (id, add) = (id.to_string(), value.map(|v| format!("cordoned.log.dirs={v}")));
    let mut args = vec!["--bootstrap-server", &b.internal, "--alter", "--entity-type", "brokers", "--entity-name", &id];
    match &add {
        Some(a) => args.extend(["--add-config", a.as_str()]),
        None => args.extend(["--delete-config", "cordoned.log.dirs"]),
    }
    b.kafka_tool("org.apache.kafka.tools.ConfigCommand", &args)
}

/// Uncordons node 1 however the test ends: a cordoned broker takes no new replicas, which
/// would fail the next test's topics.
struct Uncordon<'a>(&'a Cluster);

impl Drop for Uncordon<'_> {
    fn drop(&mut self) {
        let out = cordon(self.0, 1, None);
        if !out.status.success() && !std::thread::panicking() {
            panic!("cannot uncordon node 1: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

fn set(v: &Value) -> BTreeSet<i64> {
    v.as_array().unwrap_or_else(|| panic!("not a list: {v}")).iter().map(|x| x.as_i64().unwrap()).collect()
}

#[test]
fn a_moved_leader_warns_until_elected_back_and_elr_matches_kafka_topics() {
    let mut c = crate::broker::shared_cluster();
    let started = Instant::now();
    let topic = unique("pref");
    // RF 2 with min.insync.replicas 2: one replica leaving drops the ISR below its minimum, which
    // is when Kafka keeps it as an eligible leader replica; one node down keeps the quorum.
    std::fs::write(
        c.dir.path().join("pref.yaml"),
        format!(
            "version: 1\ntopics:\n  - name: {topic}\n    replication_factor: 2\n    config: {{min.insync.replicas: 2}}\n"
        ),
    )
    .unwrap();
    c.evbus().args(["topics", "apply", "--yes", "-f", "pref.yaml"]).assert().success();
    let v = c.wait_for(Duration::from_secs(60), "the topic led by its preferred replica", |v| {
        v.partitions.iter().any(|p| p.0 == topic && p.1 == 0 && p.4.len() == 2 && p.2 == p.3[0])
    });
    let replicas = v.partitions.iter().find(|p| p.0 == topic && p.1 == 0).unwrap().3.clone();
    let (preferred, other) = (replicas[0], replicas[1]);
    let named = format!("{topic}[0]");

    let (doc, err) = health(&c);
    assert!(!check(&doc, "preferred leaders").1.contains(&named), "{err}\n{doc:#}");
    let (status, detail) = check(&doc, "log dirs");
    assert_eq!(status, "ok", "{doc:#}");
    assert!(detail.starts_with("3 log dirs on 3 brokers, all online"), "{detail}");
    // Kafka 4.3+ has cordoning (KIP-1066); 3.9 does not.
    if kafka_major() >= 4 {
        assert!(detail.ends_with("; none cordoned"), "{detail}");
        // Node 1's log dirs cordoned ("*": all of them), as an operator does before emptying it.
        let out = cordon(&c, 1, Some("*"));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let uncordon = Uncordon(&c);
        let (doc, err) = health(&c);
        let (status, detail) = check(&doc, "log dirs");
        assert_eq!(status, "ok", "{err}\n{doc:#}");
        assert!(detail.ends_with("; cordoned (no new replicas placed there): broker 1 all dirs"), "{detail}");
        drop(uncordon);
    } else {
        assert!(detail.ends_with("; no cordoning (Kafka 4.3+, KIP-1066)"), "{detail}");
    }

    // The preferred leader stopped the operator's way: leadership moves to the other replica,
    // and the ISR (1) drops below min.insync.replicas (2).
    c.stop(preferred);
    c.wait_for(Duration::from_secs(60), "the other replica leading alone", |v| {
        v.partitions.iter().any(|p| p.0 == topic && p.1 == 0 && p.2 == other && p.4 == [other])
    });
    let (doc, err) = health(&c);
    let (status, detail) = check(&doc, "preferred leaders");
    assert_eq!(status, "warn", "{err}\n{doc:#}");
    assert!(detail.contains(&format!("{named} (leader {other}, preferred {preferred} not in sync)")), "{detail}");
    let d = describe0(&c, &topic);
    let (status, detail) = check(&doc, "eligible leaders");
    if kafka_major() >= 4 {
        // evbus and Kafka's own tool agree on the ELR; with ELR on it names the stopped replica.
        let (elr, last, text) = kafka_elr(&c, &topic);
        assert_eq!(set(&d["p"]["elr"]), elr, "{d:#}\nkafka-topics:\n{text}");
        assert_eq!(set(&d["p"]["last_known_elr"]), last, "{d:#}\nkafka-topics:\n{text}");
        if d["elr_state"] == "enabled" {
            assert_eq!(elr, BTreeSet::from([i64::from(preferred)]), "kafka-topics:\n{text}");
            assert_eq!(status, "warn", "{doc:#}");
            assert!(detail.contains(&format!("{named} (ISR {other}, ELR {preferred})")), "{detail}");
        } else {
            assert_eq!(d["elr_state"], "not enabled", "{d:#}");
            assert!(detail.starts_with("ELR: not enabled"), "{detail}");
        }
    } else {
        // Kafka 3.9 has DescribeTopicPartitions but no ELR feature: evbus cannot tell, and says so.
        assert_eq!(d["elr_state"], "unknown", "{d:#}");
        assert!(d["elr_note"].as_str().unwrap().starts_with("ELR: unknown"), "{d:#}");
        assert_eq!(status, "ok", "{doc:#}");
        assert!(detail.starts_with("ELR: unknown"), "{detail}");
    }
    // Kafka counts a replica on a stopped broker as offline, as on a failed log dir
    // (`kafka-topics --describe` does not print offline replicas to compare with).
    assert_eq!(set(&d["p"]["offline"]), BTreeSet::from([i64::from(preferred)]), "{d:#}");
    // The log dirs check leaves a stopped broker's replicas to the brokers check.
    assert!(!check(&doc, "log dirs").1.contains(&named), "{doc:#}");

    // Back in sync, but still led by the other replica: the imbalance stays, as a warning.
    c.restart(preferred);
    c.wait_for(Duration::from_secs(60), "the preferred replica back in the ISR", |v| {
        v.partitions.iter().any(|p| p.0 == topic && p.1 == 0 && p.4.len() == 2)
    });
    let (doc, err) = health(&c);
    let (status, detail) = check(&doc, "preferred leaders");
    assert_eq!(status, "warn", "{err}\n{doc:#}");
    assert!(detail.contains(&format!("{named} (leader {other}, preferred {preferred})")), "{detail}");
    assert!(detail.contains("kafka-leader-election --bootstrap-server"), "{detail}");
    assert!(!check(&doc, "eligible leaders").1.contains(&named), "{doc:#}");
    let d = describe0(&c, &topic);
    assert_eq!(d["p"]["elr"], serde_json::json!([]), "ELR empties once the ISR is whole again: {d:#}");
    assert_eq!(d["p"]["offline"], serde_json::json!([]), "{d:#}");

    // The fix the hint names: a preferred election moves the leader back, and the warning goes.
    let b = c.live();
    let out = b.kafka_tool(
        "org.apache.kafka.tools.LeaderElectionCommand",
        &["--bootstrap-server", &b.internal, "--election-type", "PREFERRED", "--topic", &topic, "--partition", "0"],
    );
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    c.wait_for(Duration::from_secs(60), "the preferred replica leading again", |v| {
        v.partitions.iter().any(|p| p.0 == topic && p.1 == 0 && p.2 == preferred)
    });
    let (doc, err) = health(&c);
    assert!(!check(&doc, "preferred leaders").1.contains(&named), "{err}\n{doc:#}");
    eprintln!("preferred-leader and ELR drill: {:.1}s", started.elapsed().as_secs_f64());
}
