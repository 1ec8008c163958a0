//! `evbus topics export` against a real broker: topics made without evbus (partitions, replication
//! and config overrides of several kinds), read back as a manifest that `topics plan` finds in
//! line with the cluster it came from.

use std::time::Duration;

use crate::common::*;

/// A topic to create: name, partitions, and `--config` pairs.
pub(crate) type NewTopicSpec<'a> = (&'a str, i32, &'a [(&'a str, &'a str)]);

/// Topics created directly through the admin API, as `kafka-topics --create --config K=V` does,
/// replication factor 1.
pub(crate) fn create_topics(b: &Broker, topics: &[NewTopicSpec<'_>]) {
    use rdkafka::ClientConfig;
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", &b.internal).create().unwrap();
    let new: Vec<NewTopic> = topics
        .iter()
        .map(|(name, partitions, cfg)| {
            cfg.iter().fold(NewTopic::new(name, *partitions, TopicReplication::Fixed(1)), |t, (k, v)| t.set(k, v))
        })
        .collect();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let r = rt
        .block_on(admin.create_topics(&new, &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)))))
        .unwrap();
    for x in r {
        x.unwrap();
    }
}

#[test]
fn an_exported_manifest_plans_no_change() {
    let b = Broker::start();
    let p = b.unique("exp").replace('-', "x");
    let (orders, audit, compacted, plain) =
        (format!("{p}.orders"), format!("{p}.audit"), format!("{p}.profiles"), format!("{p}.plain"));
    // Kafka Streams makes and sizes its own: left out, and named in case it is not Streams'.
    let changelog = format!("{p}.app-store-changelog");
    create_topics(
        &b,
        &[
            (
                &orders,
                6,
                &[("retention.ms", "2592000000"), ("segment.bytes", "1073741824"), ("compression.type", "zstd")],
            ),
            (&audit, 3, &[("retention.ms", "-1"), ("max.message.bytes", "1000012"), ("flush.ms", "1500")]),
            (&compacted, 2, &[("cleanup.policy", "delete,compact"), ("min.compaction.lag.ms", "3600000")]),
            (&plain, 3, &[]),
            (&changelog, 1, &[]),
        ],
    );
    let group = b.unique("exp-readers");
    b.commit(&group, &[(&orders, 0, 1), (&audit, 2, 0)]);

    // Exported to a file (and the same text on stdout), only this test's topics.
    let pattern = format!("^{p}\\.");
    let out = b.evbus().args(["topics", "export", "--topic", &pattern, "-f", "exported.yaml"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&changelog), "{}", String::from_utf8_lossy(&out.stderr));
    let path = b.dir.path().join("exported.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let stdout = b.evbus().args(["topics", "export", "--topic", &pattern]).output().unwrap();
    assert!(stdout.status.success());
    assert_eq!(String::from_utf8_lossy(&stdout.stdout), text);

    // In the manifest's units, as the manifest reads them.
    let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let topic = |n: &str| doc["topics"].as_array().unwrap().iter().find(|t| t["name"] == n).cloned().unwrap();
    assert_eq!(doc["topics"].as_array().unwrap().len(), 4, "{text}");
    assert!(!text.contains("changelog"), "{text}");
    assert_eq!(topic(&orders)["config"]["retention.ms"], "30d", "{text}");
    assert_eq!(topic(&orders)["config"]["segment.bytes"], "1GiB", "{text}");
    assert_eq!(topic(&orders)["partitions"], 6, "{text}");
    assert_eq!(topic(&compacted)["config"]["min.compaction.lag.ms"], "1h", "{text}");
    assert!(topic(&plain).get("config").is_none(), "broker defaults are not pinned: {text}");
    let groups = doc["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{text}");
    assert_eq!(groups[0]["name"], group.as_str());
    assert_eq!(groups[0]["topics"], serde_json::json!([audit, orders]));
    assert!(text.contains("\n# naming: "), "a naming rule left for the user, commented: {text}");

    // The round trip: no change, exit 0 with --detailed-exitcode, though the shared broker has
    // other topics (unmanaged without --prune, left alone).
    let plan = b
        .evbus()
        .args(["topics", "plan", "-f", "exported.yaml", "--detailed-exitcode", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(plan.status.code(), Some(0), "{}\n{text}", String::from_utf8_lossy(&plan.stdout));
    let plan = stdout_json(&plan);
    assert_eq!(plan["changes"], serde_json::json!([]), "{text}");
    assert_eq!(plan["errors"], serde_json::json!([]));
    assert!(!plan["unmanaged"].as_array().unwrap().iter().any(|u| u["kind"] == "config"), "{plan}");
    let table = b.evbus().args(["topics", "plan", "-f", "exported.yaml", "-o", "table"]).output().unwrap();
    assert!(table.status.success());
    assert!(String::from_utf8_lossy(&table.stdout).to_lowercase().contains("no changes"));

    // An existing file is kept unless --force.
    std::fs::write(&path, "mine\n").unwrap();
    let again = b.evbus().args(["topics", "export", "--topic", &pattern, "-f", "exported.yaml"]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine\n");
    b.evbus().args(["topics", "export", "--topic", &pattern, "-f", "exported.yaml", "--force"]).assert().success();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}
