//! Test helpers: run the evbus binary against the test broker (`broker.rs`) and read or write
//! records directly with rdkafka to set up and check what evbus did.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};

pub(crate) use crate::broker::*;

/// Direct access to the broker for test setup and checks (rdkafka, not evbus), through its
/// INTERNAL plaintext listener so it works on secured brokers too.
impl Broker {
    pub(crate) fn producer(&self) -> ThreadedProducer<DefaultProducerContext> {
        ClientConfig::new().set("bootstrap.servers", &self.internal).set("linger.ms", "0").create().unwrap()
    }

    /// Produce records and wait until every one is acknowledged.
    pub(crate) fn produce(&self, topic: &str, records: &[TestRecord]) {
        let p = self.producer();
        for r in records {
            p.send(r.to_base(topic)).map_err(|(e, _)| e).unwrap();
        }
        p.flush(Duration::from_secs(10)).unwrap();
    }

    /// Every record of a topic, read from the beginning without a group.
    pub(crate) fn read_all(&self, topic: &str) -> Vec<ReadRecord> {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.internal)
            .set("group.id", "evbus-test-reader")
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        let md = c.fetch_metadata(Some(topic), Duration::from_secs(10)).unwrap();
        let t = &md.topics()[0];
        let mut tpl = TopicPartitionList::new();
        let mut ends = std::collections::HashMap::new();
        for p in t.partitions() {
            let (_, hi) = c.fetch_watermarks(topic, p.id(), Duration::from_secs(10)).unwrap();
            ends.insert(p.id(), hi);
            tpl.add_partition_offset(topic, p.id(), Offset::Beginning).unwrap();
        }
        let total: i64 = ends.values().sum::<i64>();
        c.assign(&tpl).unwrap();
        let mut out = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(90);
        // The next offset seen per partition: done when every partition reached its end.
        let mut next: std::collections::HashMap<i32, i64> = std::collections::HashMap::new();
        let done = |next: &std::collections::HashMap<i32, i64>| {
            ends.iter().all(|(p, hi)| *hi == 0 || next.get(p).is_some_and(|n| n >= hi))
        };
        while !done(&next) && Instant::now() < deadline && total > 0 {
            if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
                let n = next.entry(m.partition()).or_insert(0);
                *n = (*n).max(m.offset() + 1);
                out.push(ReadRecord {
                    partition: m.partition(),
                    offset: m.offset(),
                    key: m.key().map(|k| k.to_vec()),
                    value: m.payload().map(|v| v.to_vec()),
                    headers: m
                        .headers()
                        .map(|h| h.iter().map(|h| (h.key.to_string(), h.value.map(|v| v.to_vec()))).collect())
                        .unwrap_or_default(),
                    timestamp: m.timestamp().to_millis(),
                    log_append_time: matches!(m.timestamp(), rdkafka::Timestamp::LogAppendTime(_)),
                });
            }
        }
        out.sort_by_key(|r| (r.partition, r.offset));
        out
    }

    /// Commit offsets for a group without joining it (what a consumer would have committed).
    pub(crate) fn commit(&self, group: &str, offsets: &[(&str, i32, i64)]) {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.internal)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        let mut tpl = TopicPartitionList::new();
        for (t, p, o) in offsets {
            tpl.add_partition_offset(t, *p, Offset::Offset(*o)).unwrap();
        }
        coordinator_retry(|| c.commit(&tpl, rdkafka::consumer::CommitMode::Sync));
    }

    /// Create a topic directly (not through evbus).
    pub(crate) fn create_topic(&self, name: &str, partitions: i32) {
        use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
        let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", &self.internal).create().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let r = rt
            .block_on(admin.create_topics(
                &[NewTopic::new(name, partitions, TopicReplication::Fixed(1))],
                &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
            ))
            .unwrap();
        for x in r {
            x.unwrap();
        }
    }

    pub(crate) fn topic_names(&self) -> Vec<String> {
        let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", &self.internal).create().unwrap();
        let md = c.fetch_metadata(None, Duration::from_secs(10)).unwrap();
        let mut v: Vec<String> = md.topics().iter().map(|t| t.name().to_string()).collect();
        v.sort();
        v
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct TestRecord {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    pub partition: Option<i32>,
}

impl TestRecord {
    /// This record as rdkafka sends it to `topic` (key, value, headers, partition).
    pub(crate) fn to_base<'a>(&'a self, topic: &'a str) -> BaseRecord<'a, [u8], [u8]> {
        let mut hs = OwnedHeaders::new();
        for (k, v) in &self.headers {
            hs = hs.insert(Header { key: k, value: v.as_deref() });
        }
        let mut rec: BaseRecord<[u8], [u8]> = BaseRecord::to(topic).headers(hs);
        if let Some(k) = &self.key {
            rec = rec.key(k.as_slice());
        }
        if let Some(v) = &self.value {
            rec = rec.payload(v.as_slice());
        }
        if let Some(pt) = self.partition {
            rec = rec.partition(pt);
        }
        rec
    }

    pub(crate) fn json(key: &str, v: serde_json::Value) -> TestRecord {
        TestRecord { key: Some(key.as_bytes().to_vec()), value: Some(v.to_string().into_bytes()), ..Default::default() }
    }
    pub(crate) fn header(mut self, k: &str, v: &[u8]) -> TestRecord {
        self.headers.push((k.to_string(), Some(v.to_vec())));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadRecord {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    pub timestamp: Option<i64>,
    /// The broker set `timestamp` (the topic's `message.timestamp.type=LogAppendTime`).
    pub log_append_time: bool,
}

/// The evbus binary with an environment that cannot leak the developer's settings into tests.
pub(crate) fn evbus_cmd() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("evbus").unwrap();
    for v in ISOLATED_ENV {
        c.env_remove(v);
    }
    c.env("XDG_CONFIG_HOME", "/nonexistent-evbus-test").timeout(Duration::from_secs(120));
    c
}

/// The environment [`evbus_cmd`] removes: the developer's own settings.
pub(crate) const ISOLATED_ENV: [&str; 9] = [
    "EVBUS_BROKERS",
    "KAFKA_BROKERS",
    "KAFKA_BOOTSTRAP_SERVERS",
    "EVBUS_CONTEXT",
    "EVBUS_CONFIG",
    "NO_COLOR",
    "EVBUS_MAX_FILE_SIZE",
    "EVBUS_MAX_INPUT_SIZE",
    "EVBUS_STRICT_PERMISSIONS",
];

/// `evbus ARGS` (in `dir`) with its stdout on /dev/full, as on a full disk, isolated like
/// [`evbus_cmd`]: the exit code and stderr.
pub(crate) fn evbus_to_full_disk(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("evbus"));
    for v in ISOLATED_ENV {
        c.env_remove(v);
    }
    let out = c
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .current_dir(dir)
        .args(args)
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

pub(crate) fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repo's topics.yaml with every topic name made unique (service segment suffixed with
/// letters, so the naming rule still holds) when running against a shared external broker.
pub(crate) fn manifest_for(broker: &Broker) -> (String, String) {
    let src = std::fs::read_to_string(repo_root().join("topics.yaml")).unwrap();
    if !broker.external {
        return (src, String::new());
    }
    let letters: String =
        uuid::Uuid::new_v4().simple().to_string().chars().filter(|c| c.is_ascii_lowercase()).take(6).collect();
    let suffix = format!("x{letters}");
    let mut doc: serde_json::Value = serde_saphyr::from_str(&src).unwrap();
    let rename = |n: &str| match n.split_once('.') {
        Some((a, b)) => format!("{a}{suffix}.{b}"),
        None => format!("{n}{suffix}"),
    };
    for t in doc["topics"].as_array_mut().unwrap() {
        let n = t["name"].as_str().unwrap().to_string();
        t["name"] = rename(&n).into();
    }
    for g in doc["groups"].as_array_mut().unwrap() {
        let n = g["name"].as_str().unwrap().to_string();
        g["name"] = format!("{n}-{suffix}").into();
        for t in g["topics"].as_array_mut().unwrap() {
            let n = t.as_str().unwrap().to_string();
            *t = rename(&n).into();
        }
    }
    (serde_saphyr::to_string(&doc).unwrap(), suffix)
}

/// Name of a manifest topic as `manifest_for` renamed it.
pub(crate) fn topic_name(name: &str, suffix: &str) -> String {
    if suffix.is_empty() {
        return name.to_string();
    }
    match name.split_once('.') {
        Some((a, b)) => format!("{a}{suffix}.{b}"),
        None => format!("{name}{suffix}"),
    }
}

pub(crate) fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The check called `name` in an `evbus health -o json` document (panics naming the document
/// when there is none).
pub(crate) fn health_check<'a>(doc: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    doc["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == name))
        .unwrap_or_else(|| panic!("no check {name:?} in {doc:#}"))
}

/// The status and detail of [`health_check`].
pub(crate) fn health_status<'a>(doc: &'a serde_json::Value, name: &str) -> (&'a str, &'a str) {
    let c = health_check(doc, name);
    (c["status"].as_str().unwrap(), c["detail"].as_str().unwrap())
}

pub(crate) fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// `n` small records to one partition, acknowledged before returning.
pub(crate) fn produce_n(b: &Broker, topic: &str, partition: i32, n: usize) {
    let records: Vec<TestRecord> = (0..n)
        .map(|i| TestRecord {
            value: Some(format!("r{i}").into_bytes()),
            partition: Some(partition),
            ..Default::default()
        })
        .collect();
    b.produce(topic, &records);
}

/// Commits offsets for one group without joining it, through one long-lived client, so that
/// commits made between two `lag --watch` samples land well within the interval.
pub(crate) struct Committer {
    consumer: BaseConsumer,
}

impl Committer {
    pub(crate) fn new(b: &Broker, group: &str) -> Committer {
        let consumer = ClientConfig::new()
            .set("bootstrap.servers", &b.internal)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        Committer { consumer }
    }

    pub(crate) fn commit(&self, offsets: &[(&str, i32, i64)]) {
        let mut tpl = TopicPartitionList::new();
        for (t, p, o) in offsets {
            tpl.add_partition_offset(t, *p, Offset::Offset(*o)).unwrap();
        }
        coordinator_retry(|| self.consumer.commit(&tpl, rdkafka::consumer::CommitMode::Sync));
    }
}

/// A topics manifest written into the broker's working directory (where `b.evbus()` runs, so
/// it is the default `./topics.yaml`).
pub(crate) fn write_topics_yaml(b: &Broker, text: &str) -> PathBuf {
    let p = b.dir.path().join("topics.yaml");
    std::fs::write(&p, text).unwrap();
    p
}

impl Broker {
    /// Write `batches` to `topic` with a transactional producer, each batch one transaction,
    /// committed (`true`) or aborted (`false`). Every transaction leaves a control record behind
    /// its records, so offsets have gaps that readers must step over.
    pub(crate) fn produce_transactions(&self, topic: &str, batches: &[(&[TestRecord], bool)]) {
        use rdkafka::producer::{BaseProducer, Producer};
        let p: BaseProducer = ClientConfig::new()
            .set("bootstrap.servers", &self.internal)
            .set("transactional.id", format!("evbus-test-{}", uuid::Uuid::new_v4()))
            .set("linger.ms", "0")
            .create()
            .unwrap();
        p.init_transactions(Duration::from_secs(30)).unwrap();
        for (records, commit) in batches {
            p.begin_transaction().unwrap();
            for r in *records {
                p.send(r.to_base(topic)).map_err(|(e, _)| e).unwrap();
            }
            p.flush(Duration::from_secs(10)).unwrap();
            if *commit {
                p.commit_transaction(Duration::from_secs(30)).unwrap();
            } else {
                p.abort_transaction(Duration::from_secs(30)).unwrap();
            }
        }
    }
}

/// A live member of `group` (subscribed to `topic`, holding `partitions` of it), with the
/// classic protocol or KIP-848's (`group.protocol=consumer`). It has committed offset 1 on
/// partition 0 by the time it is returned; dropping it leaves the group.
pub(crate) fn live_member(
    b: &Broker,
    group: &str,
    client_id: &str,
    protocol: &str,
    topic: &str,
    partitions: usize,
) -> BaseConsumer {
    let member: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &b.internal)
        .set("group.id", group)
        .set("group.protocol", protocol)
        .set("client.id", client_id)
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    member.subscribe(&[topic]).unwrap();
    let start = Instant::now();
    while member.assignment().unwrap().count() < partitions {
        assert!(start.elapsed() < Duration::from_secs(30), "the {protocol} member never got its partitions");
        let _ = member.poll(Duration::from_millis(100));
    }
    // A Stable group only takes commits from its members (Kafka refuses the others).
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Offset(1)).unwrap();
    member.commit(&tpl, rdkafka::consumer::CommitMode::Sync).unwrap();
    member
}

/// A group call, asked again while Kafka answers that the group's coordinator is not ready
/// (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS), which it does for a moment on a broker that
/// just started, before panicking on any other error.
pub(crate) fn coordinator_retry<T>(mut f: impl FnMut() -> rdkafka::error::KafkaResult<T>) -> T {
    use rdkafka::types::RDKafkaErrorCode as C;
    let start = Instant::now();
    loop {
        match f() {
            Ok(v) => return v,
            Err(e)
                if matches!(e.rdkafka_error_code(), Some(C::NotCoordinator | C::CoordinatorLoadInProgress))
                    && start.elapsed() < Duration::from_secs(30) =>
            {
                std::thread::sleep(Duration::from_millis(200));
            }
            Err(e) => panic!("{e}"),
        }
    }
}

/// Milliseconds since the epoch, now.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl Broker {
    /// The committed offsets of `group` on partitions 0..n of `topic`, read by a client of the
    /// test's own (OffsetFetch), `None` where it has none.
    pub(crate) fn committed(&self, group: &str, topic: &str, n: i32) -> Vec<Option<i64>> {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.internal)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        let mut tpl = TopicPartitionList::new();
        for p in 0..n {
            tpl.add_partition(topic, p);
        }
        let got = coordinator_retry(|| c.committed_offsets(tpl.clone(), Duration::from_secs(15)));
        (0..n)
            .map(|p| match got.find_partition(topic, p).map(|e| e.offset()) {
                Some(Offset::Offset(o)) => Some(o),
                _ => None,
            })
            .collect()
    }

    /// One record per timestamp (ms since the epoch, CreateTime) to one partition, acknowledged.
    pub(crate) fn produce_at(&self, topic: &str, partition: i32, timestamps: &[i64]) {
        let p = self.producer();
        for (i, ts) in timestamps.iter().enumerate() {
            let v = format!("r{i}");
            let rec: BaseRecord<(), str> =
                BaseRecord::to(topic).partition(partition).payload(v.as_str()).timestamp(*ts);
            p.send(rec).map_err(|(e, _)| e).unwrap();
        }
        p.flush(Duration::from_secs(10)).unwrap();
    }

    /// DeleteRecords: everything before `before` on one partition goes, as retention would do it.
    pub(crate) fn delete_records(&self, topic: &str, partition: i32, before: i64) {
        use rdkafka::admin::{AdminClient, AdminOptions};
        let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", &self.internal).create().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut tpl = TopicPartitionList::new();
        tpl.add_partition_offset(topic, partition, Offset::Offset(before)).unwrap();
        let r = rt
            .block_on(admin.delete_records(&tpl, &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)))))
            .unwrap();
        for e in r.elements() {
            e.error().unwrap();
        }
    }

    /// Create a topic with topic configs (not through evbus).
    pub(crate) fn create_topic_with(&self, name: &str, partitions: i32, configs: &[(&str, &str)]) {
        use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
        let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", &self.internal).create().unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let mut t = NewTopic::new(name, partitions, TopicReplication::Fixed(1));
        for (k, v) in configs {
            t = t.set(k, v);
        }
        let r = rt
            .block_on(admin.create_topics(&[t], &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)))))
            .unwrap();
        for x in r {
            x.unwrap();
        }
    }
}

/// `--filter` programs nested far deeper than evbus accepts (issue 14): each used to abort the
/// process with a stack overflow while jaq parsed, compiled or evaluated it. Each fits in one
/// command-line argument (at most 128 KiB on Linux).
pub(crate) fn hostile_filters() -> Vec<(&'static str, String)> {
    let n = 10_000;
    vec![
        ("10k parentheses", format!("{}.{}", "(".repeat(n), ")".repeat(n))),
        ("10k if", format!("{}1{}", "if 1then ".repeat(n), " end".repeat(n))),
        ("10k 1+", format!("{}1", "1+".repeat(n))),
        ("10k .a", ".a".repeat(n)),
        ("60k unclosed brackets", "[".repeat(60_000)),
    ]
}

/// Waits for a child, killing it and failing the test after `limit`.
pub(crate) fn wait_or_kill(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("evbus did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
