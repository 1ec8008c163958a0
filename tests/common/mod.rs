//! Test harness: a real Kafka-protocol broker per test (nisshi on a free loopback port), or an
//! external one from `EVBUS_TEST_BOOTSTRAP=host:port` (e.g. Apache Kafka), plus helpers to run the
//! evbus binary against it and to read/write records directly with rdkafka.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::{Offset, TopicPartitionList};

/// Options for a private broker.
#[derive(Default, Clone)]
pub struct BrokerOpts {
    /// `sqlite://FILE` storage (relative to the broker's working dir) instead of memory.
    pub sqlite: bool,
    /// Extra arguments (TLS cert/key, --authentication...).
    pub args: Vec<String>,
    /// Listener scheme, tcp by default.
    pub port: Option<u16>,
}

pub struct Broker {
    pub bootstrap: String,
    pub port: u16,
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    opts: BrokerOpts,
    pub external: bool,
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The nisshi binary: $NISSHI_BIN, else on PATH, else ~/.cargo/bin/nisshi.
pub fn nisshi_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("NISSHI_BIN") {
        return PathBuf::from(p);
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&paths) {
            let p = d.join("nisshi");
            if p.is_file() {
                return p;
            }
        }
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let p = home.join(".cargo/bin/nisshi");
    assert!(
        p.is_file(),
        "the test broker `nisshi` is not installed: run scripts/install-broker.sh (or scripts/test.sh), \
         or point EVBUS_TEST_BOOTSTRAP at a running Kafka"
    );
    p
}

impl Broker {
    /// The shared test broker: external when EVBUS_TEST_BOOTSTRAP is set, else a private nisshi.
    pub fn start() -> Broker {
        if let Ok(b) = std::env::var("EVBUS_TEST_BOOTSTRAP") {
            let broker = Broker {
                port: b.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(9092),
                bootstrap: b,
                child: None,
                dir: tempfile::tempdir().unwrap(),
                opts: BrokerOpts::default(),
                external: true,
            };
            broker.wait_ready(Duration::from_secs(30));
            return broker;
        }
        Broker::private(BrokerOpts::default())
    }

    /// Always a private nisshi, even with EVBUS_TEST_BOOTSTRAP: for tests that delete every
    /// unmanaged topic or restart the broker, which must never run against a shared cluster.
    pub fn private(opts: BrokerOpts) -> Broker {
        let port = opts.port.unwrap_or_else(free_port);
        let mut b = Broker {
            bootstrap: format!("127.0.0.1:{port}"),
            port,
            child: None,
            dir: tempfile::tempdir().unwrap(),
            opts,
            external: false,
        };
        b.spawn();
        b.wait_ready(Duration::from_secs(60));
        b
    }

    fn spawn(&mut self) {
        let storage = if self.opts.sqlite { "sqlite://broker.db".to_string() } else { "memory://evbus/".to_string() };
        let listener = format!("tcp://127.0.0.1:{}", self.port);
        let log = std::fs::File::create(self.dir.path().join("broker.log")).unwrap();
        let child = Command::new(nisshi_bin())
            .current_dir(self.dir.path())
            .args([
                "broker",
                "--storage-engine",
                &storage,
                "--listener-url",
                &listener,
                "--advertised-listener-url",
                &listener,
            ])
            .args(["--cluster-id", "evbus-test"])
            .args(&self.opts.args)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("cannot start nisshi");
        self.child = Some(child);
    }

    /// Block until the broker answers a metadata request.
    pub fn wait_ready(&self, limit: Duration) {
        if !self.opts.args.is_empty() {
            // TLS/SASL brokers are probed by the tests themselves; just wait for the port.
            let start = Instant::now();
            while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
                assert!(start.elapsed() < limit, "broker did not open port {}", self.port);
                std::thread::sleep(Duration::from_millis(50));
            }
            return;
        }
        let start = Instant::now();
        loop {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", &self.bootstrap)
                .set("socket.connection.setup.timeout.ms", "1000")
                .create()
                .unwrap();
            if c.fetch_metadata(None, Duration::from_millis(1000)).is_ok_and(|m| !m.brokers().is_empty()) {
                return;
            }
            assert!(
                start.elapsed() < limit,
                "broker at {} did not answer metadata within {limit:?}; log: {}",
                self.bootstrap,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("broker.log")).unwrap_or_default()
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
        self.wait_ready(Duration::from_secs(60));
    }

    /// Restart with other extra arguments (same storage, same port).
    pub fn restart_with(&mut self, args: Vec<String>) {
        self.stop();
        self.opts.args = args;
        self.spawn();
        self.wait_ready(Duration::from_secs(60));
    }

    /// The evbus binary, pointed at this broker, isolated from the developer's environment.
    pub fn evbus(&self) -> assert_cmd::Command {
        let mut c = evbus_cmd();
        c.current_dir(self.dir.path()).args(["-b", &self.bootstrap]);
        c
    }

    /// A name no other test uses (matters on a shared external broker).
    pub fn unique(&self, base: &str) -> String {
        format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
    }

    pub fn producer(&self) -> ThreadedProducer<DefaultProducerContext> {
        ClientConfig::new().set("bootstrap.servers", &self.bootstrap).set("linger.ms", "0").create().unwrap()
    }

    /// Produce records and wait until every one is acknowledged.
    pub fn produce(&self, topic: &str, records: &[TestRecord]) {
        let p = self.producer();
        for r in records {
            let mut hs = OwnedHeaders::new();
            for (k, v) in &r.headers {
                hs = hs.insert(Header { key: k, value: v.as_deref() });
            }
            let mut rec: BaseRecord<[u8], [u8]> = BaseRecord::to(topic).headers(hs);
            if let Some(k) = &r.key {
                rec = rec.key(k.as_slice());
            }
            if let Some(v) = &r.value {
                rec = rec.payload(v.as_slice());
            }
            if let Some(pt) = r.partition {
                rec = rec.partition(pt);
            }
            p.send(rec).map_err(|(e, _)| e).unwrap();
        }
        p.flush(Duration::from_secs(10)).unwrap();
    }

    /// Every record of a topic, read from the beginning without a group.
    pub fn read_all(&self, topic: &str) -> Vec<ReadRecord> {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap)
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
        let deadline = Instant::now() + Duration::from_secs(20);
        let done = |out: &Vec<ReadRecord>| {
            ends.iter().all(|(p, hi)| *hi == 0 || out.iter().any(|r| r.partition == *p && r.offset == hi - 1))
        };
        while !done(&out) && Instant::now() < deadline && total > 0 {
            if let Some(Ok(m)) = c.poll(Duration::from_millis(200)) {
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
                });
            }
        }
        out.sort_by_key(|r| (r.partition, r.offset));
        out
    }

    /// Commit offsets for a group without joining it (what a consumer would have committed).
    pub fn commit(&self, group: &str, offsets: &[(&str, i32, i64)]) {
        let c: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &self.bootstrap)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        let mut tpl = TopicPartitionList::new();
        for (t, p, o) in offsets {
            tpl.add_partition_offset(t, *p, Offset::Offset(*o)).unwrap();
        }
        c.commit(&tpl, rdkafka::consumer::CommitMode::Sync).unwrap();
    }

    /// Create a topic directly (not through evbus).
    pub fn create_topic(&self, name: &str, partitions: i32) {
        use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
        let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", &self.bootstrap).create().unwrap();
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

    pub fn topic_names(&self) -> Vec<String> {
        let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", &self.bootstrap).create().unwrap();
        let md = c.fetch_metadata(None, Duration::from_secs(10)).unwrap();
        let mut v: Vec<String> = md.topics().iter().map(|t| t.name().to_string()).collect();
        v.sort();
        v
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.stop();
    }
}

#[derive(Debug, Clone, Default)]
pub struct TestRecord {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    pub partition: Option<i32>,
}

impl TestRecord {
    pub fn json(key: &str, v: serde_json::Value) -> TestRecord {
        TestRecord { key: Some(key.as_bytes().to_vec()), value: Some(v.to_string().into_bytes()), ..Default::default() }
    }
    pub fn header(mut self, k: &str, v: &[u8]) -> TestRecord {
        self.headers.push((k.to_string(), Some(v.to_vec())));
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReadRecord {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    pub timestamp: Option<i64>,
}

/// The evbus binary with an environment that cannot leak the developer's settings into tests.
pub fn evbus_cmd() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("evbus").unwrap();
    for v in ["EVBUS_BROKERS", "KAFKA_BROKERS", "KAFKA_BOOTSTRAP_SERVERS", "EVBUS_CONTEXT", "EVBUS_CONFIG", "NO_COLOR"]
    {
        c.env_remove(v);
    }
    c.env("XDG_CONFIG_HOME", "/nonexistent-evbus-test").timeout(Duration::from_secs(120));
    c
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The repo's topics.yaml with every topic name made unique (service segment suffixed with
/// letters, so the naming rule still holds) when running against a shared external broker.
pub fn manifest_for(broker: &Broker) -> (String, String) {
    let src = std::fs::read_to_string(repo_root().join("topics.yaml")).unwrap();
    if !broker.external {
        return (src, String::new());
    }
    let letters: String =
        uuid::Uuid::new_v4().simple().to_string().chars().filter(|c| c.is_ascii_lowercase()).take(6).collect();
    let suffix = format!("x{letters}");
    let mut doc: serde_yaml::Value = serde_yaml::from_str(&src).unwrap();
    let rename = |n: &str| match n.split_once('.') {
        Some((a, b)) => format!("{a}{suffix}.{b}"),
        None => format!("{n}{suffix}"),
    };
    for t in doc["topics"].as_sequence_mut().unwrap() {
        let n = t["name"].as_str().unwrap().to_string();
        t["name"] = rename(&n).into();
    }
    for g in doc["groups"].as_sequence_mut().unwrap() {
        let n = g["name"].as_str().unwrap().to_string();
        g["name"] = format!("{n}-{suffix}").into();
        for t in g["topics"].as_sequence_mut().unwrap() {
            let n = t.as_str().unwrap().to_string();
            *t = rename(&n).into();
        }
    }
    (serde_yaml::to_string(&doc).unwrap(), suffix)
}

/// Name of a manifest topic as `manifest_for` renamed it.
pub fn topic_name(name: &str, suffix: &str) -> String {
    if suffix.is_empty() {
        return name.to_string();
    }
    match name.split_once('.') {
        Some((a, b)) => format!("{a}{suffix}.{b}"),
        None => format!("{name}{suffix}"),
    }
}

pub fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// `n` small records to one partition, acknowledged before returning.
pub fn produce_n(b: &Broker, topic: &str, partition: i32, n: usize) {
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
pub struct Committer {
    consumer: BaseConsumer,
}

impl Committer {
    pub fn new(b: &Broker, group: &str) -> Committer {
        let consumer = ClientConfig::new()
            .set("bootstrap.servers", &b.bootstrap)
            .set("group.id", group)
            .set("enable.auto.commit", "false")
            .create()
            .unwrap();
        Committer { consumer }
    }

    pub fn commit(&self, offsets: &[(&str, i32, i64)]) {
        let mut tpl = TopicPartitionList::new();
        for (t, p, o) in offsets {
            tpl.add_partition_offset(t, *p, Offset::Offset(*o)).unwrap();
        }
        self.consumer.commit(&tpl, rdkafka::consumer::CommitMode::Sync).unwrap();
    }
}

/// A topics manifest written into the broker's working directory (where `b.evbus()` runs, so
/// it is the default `./topics.yaml`).
pub fn write_topics_yaml(b: &Broker, text: &str) -> PathBuf {
    let p = b.dir.path().join("topics.yaml");
    std::fs::write(&p, text).unwrap();
    p
}
