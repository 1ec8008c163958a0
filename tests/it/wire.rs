//! The raw Kafka-protocol path (src/kafka/wire/) against the real broker: the KRaft quorum and
//! feature levels in `health`, group types from ListGroups v5, and settings it refuses by name.

use std::time::Duration;

use serde_json::Value;

use crate::broker::{Broker, kafka_major};
use crate::common::health_check as check;
use crate::common::*;

fn health_json(b: &Broker, extra: &[&str]) -> (Option<i32>, Value, String) {
    let out = b.evbus().arg("health").args(extra).args(["-o", "json"]).output().unwrap();
    (out.status.code(), stdout_json(&out), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `health` names the quorum's leader (the single node, id 1, as the harness configures it) as
/// the controller, with its voters and lag, and the finalized metadata.version.
#[test]
fn health_shows_the_quorum_leader_and_feature_levels() {
    let b = Broker::start();
    let (code, doc, err) = health_json(&b, &["--brokers-only"]);
    assert_eq!(code, Some(0), "{err}\n{doc:#}");
    let q = &doc["kraft"]["quorum"];
    assert_eq!(q["leader_id"], 1, "{doc:#}");
    let voters = q["voters"].as_array().unwrap();
    assert_eq!(voters.len(), 1, "{doc:#}");
    assert_eq!(voters[0]["id"], 1);
    assert_eq!(voters[0]["lag"], 0);
    assert!(doc["kraft"]["features"]["metadata.version"].as_i64().is_some_and(|v| v > 0), "{doc:#}");
    let quorum = check(&doc, "quorum");
    assert_eq!(quorum["status"], "ok", "{quorum}");
    let d = quorum["detail"].as_str().unwrap();
    assert!(
        d.starts_with("leader 1 (epoch ") && d.contains("voters 1 (lag 0)") && d.contains("metadata.version="),
        "{d}"
    );
    assert!(
        check(&doc, "brokers")["detail"]
            .as_str()
            .unwrap()
            .starts_with("1 broker (id 1), all answering, quorum leader 1"),
        "{doc:#}"
    );
}

/// A setting the raw path cannot honour is named in the quorum check, not ignored; the rest of
/// health (librdkafka's clients) still runs and the cluster is still healthy.
#[test]
fn a_setting_the_raw_path_cannot_honour_is_named() {
    let b = Broker::start();
    let (code, doc, err) = health_json(&b, &["--brokers-only", "-X", "ssl.cipher.suites=HIGH"]);
    assert_eq!(code, Some(0), "{err}\n{doc:#}");
    let quorum = check(&doc, "quorum");
    assert!(
        quorum["detail"]
            .as_str()
            .unwrap()
            .starts_with("not checked: the raw protocol path does not support -X ssl.cipher.suites (it honours "),
        "{doc:#}"
    );
    assert!(doc.get("kraft").is_none(), "{doc:#}");
    // Each broker is still connected to, over TCP only, and the detail says so.
    assert!(check(&doc, "brokers")["detail"].as_str().unwrap().contains(", all accepting connections"), "{doc:#}");
}

/// ListGroups v5 types a classic group `classic` and a KIP-848 group `consumer` (Kafka 4.x; 3.9
/// has no KIP-848 groups by default, so there only the classic one is made and checked).
#[test]
fn list_groups_v5_gives_each_group_its_type() {
    let b = Broker::start();
    let t = b.unique("wire-types");
    b.create_topic(&t, 1);
    let (gc, gk) = (b.unique("wire-classic"), b.unique("wire-kip848"));
    let classic = live_member(&b, &gc, "classic-member", "classic", &t, 1);
    let modern = (kafka_major() >= 4).then(|| live_member(&b, &gk, "kip848-member", "consumer", &t, 1));
    let settings = evbus::kafka::Settings {
        brokers: b.bootstrap.clone(),
        props: Vec::new(),
        timeout: Duration::from_secs(20),
        verbose: 0,
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r = rt.block_on(evbus::kafka::wire::groups::types(&settings, std::slice::from_ref(&b.bootstrap)));
    let types = r.unwrap_or_else(|e| panic!("ListGroups v5: {e}"));
    assert_eq!(types[&gc].kind, "classic", "{types:?}");
    assert_eq!(types[&gc].protocol_type, "consumer");
    if modern.is_some() {
        assert_eq!(types[&gk].kind, "consumer", "{types:?}");
    }
    drop((classic, modern));
}
