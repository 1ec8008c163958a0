//! Oracle for `topics describe`'s configs: every value and source evbus shows for a topic must be
//! what Kafka's own `kafka-configs --describe --all` shows on the same broker, with each kind of
//! source in play (topic override, one broker's dynamic config, the dynamic cluster default, a
//! static `server.properties` value, Kafka's default).

use std::collections::BTreeMap;

use crate::broker::kafka_major;
use crate::common::*;

fn config_command() -> &'static str {
    if kafka_major() >= 4 { "org.apache.kafka.tools.ConfigCommand" } else { "kafka.admin.ConfigCommand" }
}

fn kafka_configs(b: &Broker, args: &[&str]) -> String {
    let mut all = vec!["--bootstrap-server", b.internal.as_str()];
    all.extend_from_slice(args);
    let out = b.kafka_tool(config_command(), &all);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "kafka-configs {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
    text
}

/// `kafka-configs --describe --all` lines, `  name=value sensitive=false synonyms={SOURCE:key=v, ...}`,
/// as key → (value, source of the value in effect: the first synonym's, Kafka's own order). The
/// tool prints no source of its own: for the few keys the broker gives no synonyms
/// (`retention.ms`, `flush.ms`, ...) it has none to compare with.
fn parse_kafka(text: &str) -> BTreeMap<String, (String, Option<String>)> {
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("  ")) {
        let line = line.trim_start();
        let (entry, rest) = line.split_once(" sensitive=").unwrap_or_else(|| panic!("unexpected line {line:?}"));
        let (key, value) = entry.split_once('=').unwrap();
        let synonyms = rest.split_once("synonyms={").map(|(_, s)| s.trim_end_matches('}')).unwrap_or("");
        let source = synonyms.split_once(':').map(|(s, _)| s.to_string());
        out.insert(key.to_string(), (value.to_string(), source));
    }
    out
}

#[test]
fn describe_matches_kafka_configs_values_and_sources() {
    let b =
        Broker::private(BrokerOpts { props: vec![("log.retention.hours".into(), "100".into())], ..Default::default() });
    let t = "oracle.configs";
    b.create_topic(t, 1);
    kafka_configs(
        &b,
        &["--alter", "--entity-type", "topics", "--entity-name", t, "--add-config", "segment.ms=3600000"],
    );
    kafka_configs(
        &b,
        &[
            "--alter",
            "--entity-type",
            "brokers",
            "--entity-default",
            "--add-config",
            "log.cleaner.delete.retention.ms=3600000",
        ],
    );
    kafka_configs(
        &b,
        &[
            "--alter",
            "--entity-type",
            "brokers",
            "--entity-name",
            "1",
            "--add-config",
            "log.flush.interval.messages=50000",
        ],
    );

    let raw = kafka_configs(&b, &["--describe", "--all", "--entity-type", "topics", "--entity-name", t]);
    let kafka = parse_kafka(&raw);
    let source = |k: &str| kafka.get(k).and_then(|(_, s)| s.as_deref());
    // The oracle saw every kind of source this test set up (otherwise the comparison proves little);
    // the harness's server.properties sets log.segment.bytes.
    assert_eq!(source("segment.ms"), Some("DYNAMIC_TOPIC_CONFIG"), "{raw}");
    assert_eq!(source("delete.retention.ms"), Some("DYNAMIC_DEFAULT_BROKER_CONFIG"), "{raw}");
    assert_eq!(source("flush.messages"), Some("DYNAMIC_BROKER_CONFIG"), "{raw}");
    assert_eq!(source("segment.bytes"), Some("STATIC_BROKER_CONFIG"), "{raw}");
    assert_eq!(source("cleanup.policy"), Some("DEFAULT_CONFIG"), "{raw}");
    assert_eq!(kafka.get("retention.ms").map(|(v, _)| v.as_str()), Some("360000000"), "{raw}");

    let out = b.evbus().args(["topics", "describe", t, "-o", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = stdout_json(&out);
    let mut evbus: BTreeMap<String, (String, Option<String>)> = doc["all_configs"]
        .as_array()
        .unwrap_or_else(|| panic!("no all_configs in {doc}"))
        .iter()
        .map(|c| {
            let source = format!("{}_CONFIG", c["source"].as_str().unwrap().to_uppercase());
            let value = c["value"].as_str().map_or("null".to_string(), str::to_string);
            (c["key"].as_str().unwrap().to_string(), (value, Some(source)))
        })
        .collect();
    for (k, (_, s)) in &kafka {
        if s.is_none() {
            evbus.get_mut(k).unwrap_or_else(|| panic!("evbus lacks {k}: {doc}")).1 = None;
        }
    }
    assert_eq!(evbus, kafka, "evbus topics describe and kafka-configs --describe --all disagree");
    assert_eq!(doc["configs"], serde_json::json!({"segment.ms": "3600000"}), "`configs` stays the topic's overrides");

    // --overrides-only is the topic's own overrides, and the text names the sources in words.
    let out = b.evbus().args(["topics", "describe", t, "--overrides-only", "-o", "json"]).output().unwrap();
    let doc = stdout_json(&out);
    assert!(doc.get("all_configs").is_none(), "{doc}");
    assert_eq!(doc["configs"], serde_json::json!({"segment.ms": "3600000"}));
    let out = b.evbus().args(["topics", "describe", t, "-o", "table"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let row = |k: &str| text.lines().find(|l| l.contains(&format!(" {k} "))).unwrap_or_default().to_string();
    assert!(row("segment.ms").contains("topic override"), "{text}");
    assert!(row("delete.retention.ms").contains("dynamic cluster default"), "{text}");
    assert!(row("flush.messages").contains("dynamic broker config"), "{text}");
    assert!(row("segment.bytes").contains("static broker config"), "{text}");
    assert!(row("retention.ms").contains("360000000"), "{text}");
    assert!(row("cleanup.policy").contains("default"), "{text}");
}
