//! `evbus dev up|status|down` running Apache Kafka (the jars of `broker::kafka_libs`) on a free
//! port: the cycle, durability across restarts, idempotence, and the clear failures (port taken,
//! nothing to run, Java too old, a broker that dies at startup, stale pid file). The nisshi
//! fallback is checked with a stand-in binary, so these tests need no nisshi.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::*;
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use serde_json::Value;

/// A dev state directory whose broker is always stopped at the end of the test, even when it
/// fails.
struct Dev {
    _tmp: tempfile::TempDir,
    work: PathBuf,
    dir: PathBuf,
    port: u16,
}

impl Dev {
    fn new() -> Dev {
        let tmp = tempfile::tempdir().unwrap();
        let work = tmp.path().to_path_buf();
        Dev { dir: work.join("state"), work, _tmp: tmp, port: server_port() }
    }

    /// `evbus dev SUB` on this state dir, finding Kafka the way the test harness does (and not
    /// through a KAFKA_HOME of the developer's).
    fn evbus(&self, sub: &str) -> assert_cmd::Command {
        let mut c = evbus_cmd();
        c.current_dir(&self.work)
            .args(["dev", sub, "--dir", "state", "--port", &self.port.to_string()])
            .env_remove("KAFKA_HOME")
            .env("EVBUS_KAFKA_LIBS", kafka_libs())
            // The broker's own startup limit is at least 90s; a 2-core machine shared with other
            // test runs can need more than that, which is not what these tests are about.
            .args(["--timeout", "4m"])
            .timeout(Duration::from_secs(300));
        c
    }

    /// `evbus dev SUB` where no Apache Kafka can be found, and nothing else of the developer's.
    fn without_kafka(&self, sub: &str, empty_home: &Path) -> assert_cmd::Command {
        let mut c = self.evbus(sub);
        for v in ["EVBUS_KAFKA_LIBS", "EVBUS_CACHE", "KAFKA_VERSION", "JAVA_HOME", "NISSHI_BIN"] {
            c.env_remove(v);
        }
        c.env("HOME", empty_home);
        c
    }

    fn json(&self, sub: &str) -> (Option<i32>, Value, String) {
        let out = self.evbus(sub).args(["-o", "json"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        let v = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("dev {sub}: not JSON ({e}): {:?}\n{err}", out.stdout));
        (out.status.code(), v, err)
    }

    fn pid(&self) -> Option<i32> {
        std::fs::read_to_string(self.dir.join("broker.pid")).ok().and_then(|s| s.trim().parse().ok())
    }

    /// Node `n`'s pid, of a `dev up --brokers N` cluster.
    fn node_pid(&self, n: u16) -> Option<i32> {
        std::fs::read_to_string(self.dir.join(format!("node{n}/broker.pid"))).ok().and_then(|s| s.trim().parse().ok())
    }

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn controller_port(&self) -> Option<u16> {
        std::fs::read_to_string(self.dir.join("controller.port")).ok().and_then(|s| s.trim().parse().ok())
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.evbus("down").output();
        // Last resort when evbus itself misbehaved: never leave a broker behind (but never kill a
        // process that is not one, should the pid have been reused).
        for pid in self.pid().into_iter().chain((1..=3).filter_map(|n| self.node_pid(n))) {
            if alive(pid)
                && std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| String::from_utf8_lossy(&c).contains("evbus-dev"))
            {
                let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
            }
        }
    }
}

/// Alive and not a zombie (nobody may reap a detached broker in a container).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(stat.rsplit_once(')').and_then(|(_, r)| r.trim_start().chars().next()), Some('Z' | 'X')),
        Err(_) => false,
    }
}

fn topics_at(addr: &str) -> Vec<String> {
    let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", addr).create().unwrap();
    let md = c.fetch_metadata(None, Duration::from_secs(10)).unwrap();
    md.topics().iter().map(|t| t.name().to_string()).collect()
}

fn create_topic(addr: &str, name: &str) {
    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    let admin: AdminClient<_> = ClientConfig::new().set("bootstrap.servers", addr).create().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for r in rt
        .block_on(admin.create_topics(
            &[NewTopic::new(name, 2, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(30))),
        ))
        .unwrap()
    {
        r.unwrap();
    }
}

fn produce_one(addr: &str, topic: &str) {
    let p: ThreadedProducer<DefaultProducerContext> =
        ClientConfig::new().set("bootstrap.servers", addr).set("linger.ms", "0").create().unwrap();
    p.send(BaseRecord::<[u8], [u8]>::to(topic).payload(b"kept".as_slice()).partition(0)).map_err(|(e, _)| e).unwrap();
    p.flush(Duration::from_secs(30)).unwrap();
}

fn high_watermark(addr: &str, topic: &str) -> i64 {
    let c: BaseConsumer = ClientConfig::new().set("bootstrap.servers", addr).create().unwrap();
    c.fetch_watermarks(topic, 0, Duration::from_secs(30)).unwrap().1
}

/// A stand-in `nisshi` that fails the way a broker with broken storage would.
fn dying_nisshi(dir: &Path) -> PathBuf {
    let fake = dir.join("fake-nisshi");
    std::fs::write(&fake, "#!/bin/sh\necho \"fake broker: cannot open storage ($*)\" >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    fake
}

#[test]
fn up_status_down_cycle_keeps_data_across_restarts() {
    let dev = Dev::new();

    let (code, v, err) = dev.json("up");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["status"], "running");
    assert_eq!(v["started"], true);
    assert_eq!(v["address"], dev.addr());
    // With Kafka's jars and Java at hand, `auto` runs Apache Kafka, the version of those jars.
    assert_eq!(v["broker"], "kafka", "{v}\n{err}");
    let version = v["version"].as_str().unwrap().to_string();
    assert!(kafka_libs().join(format!("kafka_2.13-{version}.jar")).is_file(), "{version}");
    let pid = dev.pid().expect("pid file written");
    assert_eq!(v["pid"], pid);
    // evbus has exited; the broker it started still runs and answers.
    assert!(alive(pid));
    assert!(dev.dir.join("kafka-data/meta.properties").is_file(), "storage formatted in the state dir");
    assert!(err.contains("formatting Kafka's storage"), "{err}");
    let properties = std::fs::read_to_string(dev.dir.join("server.properties")).unwrap();
    let controller = dev.controller_port().expect("controller port recorded");
    assert_ne!(controller, dev.port);
    assert!(
        properties.contains(&format!("listeners=PLAINTEXT://{},CONTROLLER://127.0.0.1:{controller}", dev.addr())),
        "{properties}"
    );
    assert!(std::fs::read_to_string(dev.dir.join("broker.log")).unwrap().contains("kafka.server.BrokerServer"));
    // Stderr tells how to point evbus at a non-default port, and how to stop it.
    assert!(
        err.contains(&format!("EVBUS_BROKERS={}", dev.addr())) && err.contains("evbus dev down --dir state"),
        "{err}"
    );

    let (code, v, _) = dev.json("status");
    assert_eq!(code, Some(0));
    assert_eq!((v["status"].as_str(), v["pid"].as_i64()), (Some("running"), Some(pid as i64)));
    assert_eq!((v["broker"].as_str(), v["version"].as_str()), (Some("kafka"), Some(version.as_str())));
    let out = dev.evbus("status").args(["-o", "table"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("running at {} (Apache Kafka {version}, pid {pid})", dev.addr())
    );

    // evbus itself talks to it.
    evbus_cmd().args(["-b", &dev.addr(), "topics", "list", "-o", "json"]).assert().success();
    create_topic(&dev.addr(), "dev.data.kept");
    produce_one(&dev.addr(), "dev.data.kept");

    let out = dev.evbus("down").args(["-o", "table"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("stopped the dev broker (Apache Kafka {version}) at {} (pid {pid})", dev.addr())),
        "{text}"
    );
    assert!(!text.contains("killed"), "SIGTERM is enough for a clean shutdown: {text}");
    assert!(!alive(pid), "down stops the process");
    assert!(dev.pid().is_none(), "down removes the pid file");

    let out = dev.evbus("status").args(["-o", "table"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "status exits 1 when stopped");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "stopped");

    // Down again: nothing to do, still success.
    let (code, v, _) = dev.json("down");
    assert_eq!(code, Some(0));
    assert_eq!(v["note"], "not running");

    // Up again on the same directory: not formatted again, same controller port, and the topic
    // and its record are still there.
    let (code, v, err) = dev.json("up");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["started"], true);
    assert!(!err.contains("formatting"), "{err}");
    assert_eq!(dev.controller_port(), Some(controller));
    assert!(topics_at(&dev.addr()).contains(&"dev.data.kept".to_string()));
    assert_eq!(high_watermark(&dev.addr(), "dev.data.kept"), 1);
}

#[test]
fn up_twice_is_a_no_op_and_another_port_is_refused() {
    let dev = Dev::new();
    let (code, _, err) = dev.json("up");
    assert_eq!(code, Some(0), "{err}");
    let pid = dev.pid().unwrap();

    let (code, v, _) = dev.json("up");
    assert_eq!(code, Some(0));
    assert_eq!((v["started"].as_bool(), v["pid"].as_i64()), (Some(false), Some(pid as i64)));
    assert_eq!(v["broker"], "kafka");

    let other = server_port();
    let out = evbus_cmd()
        .current_dir(&dev.work)
        .args(["dev", "up", "--dir", "state", "--port", &other.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("(Apache Kafka")
            && err.contains(&format!("already runs at {}", dev.addr()))
            && err.contains("evbus dev down"),
        "{err}"
    );
    assert_eq!(dev.pid(), Some(pid));
}

#[test]
fn a_taken_port_is_reported_before_starting_anything() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // The port after it taken too (when we can get it): the suggestion must skip it.
    let next = TcpListener::bind(("127.0.0.1", port.wrapping_add(1))).ok();
    let mut dev = Dev::new();
    dev.port = port;
    let start = Instant::now();
    let out = dev.evbus("up").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(5), "no waiting when the port is taken");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port} on 127.0.0.1 is already in use")) && err.contains("--port"), "{err}");
    // The port it suggests is free: not the taken one, nor blindly the one after it.
    let suggested: u16 = err
        .split("--port ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no suggested port in: {err}"));
    assert_ne!(suggested, port, "{err}");
    if next.is_some() {
        assert_ne!(suggested, port.wrapping_add(1), "{err}");
    }
    assert!(TcpListener::bind(("127.0.0.1", suggested)).is_ok(), "suggested port {suggested} is taken: {err}");
    assert!(dev.pid().is_none(), "nothing started, nothing recorded");
    assert!(!dev.dir.join("kafka-data").exists(), "nothing formatted");

    // status says stopped, and that something else holds the port.
    let (code, v, _) = dev.json("status");
    assert_eq!(code, Some(1));
    assert_eq!(v["status"], "stopped");
    assert_eq!(v["note"], format!("port {port} is in use by another process"));
}

#[test]
fn with_nothing_to_run_the_error_says_what_is_needed() {
    let dev = Dev::new();
    let empty = tempfile::tempdir().unwrap();
    // A KAFKA_HOME that is no Kafka distribution, no java and no nisshi.
    let out = dev
        .without_kafka("up", empty.path())
        .env("KAFKA_HOME", empty.path())
        .env("PATH", "/nonexistent-evbus-path")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for needed in [
        &format!("KAFKA_HOME={} is not an Apache Kafka distribution", empty.path().display()),
        "java is not on PATH",
        "Java 17+",
        "scripts/install-kafka.sh",
        "--install",
        "nisshi is not installed",
        "scripts/install-broker.sh",
    ] {
        assert!(err.contains(needed), "missing {needed:?} in:\n{err}");
    }
    assert!(!dev.dir.join("broker.pid").exists());

    // Asked for nisshi only, it speaks of nisshi only.
    let out = dev
        .without_kafka("up", empty.path())
        .args(["--broker", "nisshi"])
        .env("NISSHI_BIN", "/nonexistent/nisshi")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("NISSHI_BIN=/nonexistent/nisshi is not an executable file"), "{err}");
    assert!(err.contains("scripts/install-broker.sh") && !err.contains("Kafka"), "{err}");
}

#[test]
fn java_that_is_missing_or_too_old_is_named() {
    let dev = Dev::new();
    let bin = dev.work.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let java = bin.join("java");
    std::fs::write(&java, "#!/bin/sh\necho 'openjdk version \"11.0.2\" 2019-01-15' >&2\n").unwrap();
    std::fs::set_permissions(&java, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let out = dev.evbus("up").args(["--broker", "kafka"]).env_remove("JAVA_HOME").env("PATH", &bin).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("cannot run Apache Kafka: {} is Java 11, too old", java.display()))
            && err.contains("Java 17+"),
        "{err}"
    );

    let out = dev.evbus("up").args(["--broker", "kafka"]).env_remove("JAVA_HOME").env("PATH", "/nonexistent").output();
    let err = String::from_utf8_lossy(&out.as_ref().unwrap().stderr).into_owned();
    assert!(err.contains("java is not on PATH") && err.contains("scripts/install-kafka.sh"), "{err}");
    assert!(dev.pid().is_none() && !dev.dir.join("kafka-data").exists(), "nothing started");
}

#[test]
fn without_kafka_auto_falls_back_to_nisshi() {
    let dev = Dev::new();
    let empty = tempfile::tempdir().unwrap();
    let fake = dying_nisshi(&dev.work);
    let start = Instant::now();
    let out = dev.without_kafka("up", empty.path()).env("NISSHI_BIN", &fake).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(30), "an exited broker is noticed at once");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Apache Kafka is not available (no Kafka jars") && err.contains("running nisshi instead"),
        "{err}"
    );
    assert!(err.contains("the dev broker (nisshi) exited during startup"), "{err}");
    // The log tail shows what the broker said, including the arguments evbus gave it.
    assert!(err.contains("fake broker: cannot open storage"), "{err}");
    assert!(
        err.contains("--storage-engine sqlite://broker.db") && err.contains(&format!("tcp://{}", dev.addr())),
        "{err}"
    );
    assert!(dev.pid().is_none(), "no pid file for a broker that is not running");
}

#[test]
fn a_kafka_that_cannot_start_is_reported_with_its_log() {
    // A KAFKA_HOME whose broker jar is no jar: the JVM cannot load Kafka's classes.
    let dev = Dev::new();
    let home = dev.work.join("kafka_2.13-4.4.0");
    std::fs::create_dir_all(home.join("libs")).unwrap();
    std::fs::write(home.join("libs/kafka_2.13-4.4.0.jar"), "not a jar").unwrap();
    let out = dev.evbus("up").env("KAFKA_HOME", &home).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("formatting Kafka's storage in") && err.contains("failed"), "{err}");
    assert!(err.contains("kafka.tools.StorageTool"), "the JVM's complaint is shown:\n{err}");
    assert!(dev.pid().is_none());
    assert!(!dev.dir.join("kafka-data/meta.properties").exists());
}

#[test]
fn a_stale_pid_file_is_recognised_and_cleaned_up() {
    let dev = Dev::new();
    std::fs::create_dir_all(&dev.dir).unwrap();
    // A pid that surely exited: a finished child of this test.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    std::fs::write(dev.dir.join("broker.pid"), format!("{dead}\n")).unwrap();

    let (code, v, _) = dev.json("status");
    assert_eq!(code, Some(1));
    assert_eq!(v["status"], "stopped");
    assert!(v["note"].as_str().unwrap().contains("stale pid file"), "{v}");
    assert!(dev.dir.join("broker.pid").exists(), "status only reports");

    // A live process that is not a dev broker (pid reuse) is not ours to kill either.
    std::fs::write(dev.dir.join("broker.pid"), format!("{}\n", std::process::id())).unwrap();
    let (code, v, _) = dev.json("down");
    assert_eq!(code, Some(0));
    assert!(v["note"].as_str().unwrap().contains("stale pid file removed"), "{v}");
    assert!(!dev.dir.join("broker.pid").exists());

    // And up works after a stale file.
    std::fs::write(dev.dir.join("broker.pid"), format!("{dead}\n")).unwrap();
    let (code, v, err) = dev.json("up");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["started"], true);
    assert_ne!(v["pid"].as_i64(), Some(dead as i64));
}

/// Three consecutive free ports (the cluster's client ports), and three more after them for
/// the controllers, the first returned. Below Linux's ephemeral range (32768+), where the source
/// ports of the suite's many client connections cannot take them between the check and the bind.
fn three_free_ports() -> u16 {
    for _ in 0..200 {
        let p = 20_000 + (uuid::Uuid::new_v4().as_u128() % 12_000) as u16;
        if (0..6).all(|i| TcpListener::bind(("127.0.0.1", p + i)).is_ok()) {
            return p;
        }
    }
    panic!("no six consecutive free ports on 127.0.0.1 between 20000 and 32000");
}

/// `evbus dev SUB N` (stop-broker, start-broker) on the dev's state dir, exit code and JSON.
fn node_cmd(dev: &Dev, args: &[&str]) -> (Option<i32>, Value, String) {
    let out = evbus_cmd()
        .current_dir(&dev.work)
        .args(["dev"])
        .args(args)
        .args(["--dir", "state", "--timeout", "4m", "-o", "json"])
        .env("EVBUS_KAFKA_LIBS", kafka_libs())
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("dev {args:?}: not JSON ({e})\n{err}"));
    (out.status.code(), v, err)
}

/// Issue 23 item 6: `dev up --brokers 3` is a 3-node cluster a failure drill can take a node of.
#[test]
fn a_three_node_dev_cluster_survives_a_stopped_broker_drill() {
    let mut dev = Dev::new();
    dev.port = three_free_ports();
    let bootstrap = (0..3).map(|i| format!("127.0.0.1:{}", dev.port + i)).collect::<Vec<_>>().join(",");
    let health = |args: &[&str]| {
        let out = evbus_cmd()
            .args(["-b", &bootstrap, "--timeout", "20s", "health", "--brokers-only", "-o", "json"])
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), stdout_json(&out))
    };

    let out = dev.evbus("up").args(["--brokers", "3", "-o", "json"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v = stdout_json(&out);
    assert_eq!((v["status"].as_str(), v["brokers"].as_u64()), (Some("running"), Some(3)), "{v}");
    assert_eq!(v["bootstrap"], bootstrap.as_str(), "{v}");
    let nodes = v["nodes"].as_array().unwrap();
    for (i, n) in nodes.iter().enumerate() {
        assert_eq!(n["id"], i + 1);
        assert_eq!(n["rack"], format!("r{}", i + 1));
        assert_eq!(n["status"], "running");
    }
    assert!(err.contains(&format!("EVBUS_BROKERS={bootstrap}")), "{err}");
    // Every node a voter of one static quorum, its data in its own directory.
    let props = std::fs::read_to_string(dev.dir.join("node2/server.properties")).unwrap();
    assert!(props.contains("\nnode.id=2\n") && props.contains("\nbroker.rack=r2\n"), "{props}");
    assert!(dev.dir.join("node3/kafka-data/meta.properties").is_file());
    // A cluster's directory is not a single broker's, nor a cluster of another size.
    let out = dev.evbus("up").args(["--brokers", "2"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds a dev cluster of 3 nodes, not 2"));

    let (code, doc) = health(&["--expect-brokers", "3"]);
    assert_eq!(code, Some(0), "{doc:#}");

    // Node 2 stopped the operator's way: status says which, health names it.
    let pid2 = dev.node_pid(2).unwrap();
    let (code, v, err) = node_cmd(&dev, &["stop-broker", "2"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["nodes"][1]["status"], "stopped", "{v}");
    assert!(!alive(pid2), "stop-broker ends the process");
    let (code, v, _) = dev.json("status");
    assert_eq!(code, Some(4), "one node down is unhealthy: {v}");
    assert_eq!(v["status"], "degraded");
    let states: Vec<&str> = v["nodes"].as_array().unwrap().iter().map(|n| n["status"].as_str().unwrap()).collect();
    assert_eq!(states, ["running", "stopped", "running"], "{v}");
    let (code, doc) = health(&["--expect-brokers", "3"]);
    assert_eq!(code, Some(4), "{doc:#}");
    let detail = doc["checks"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("(ids 1, 3)") && detail.contains("2 of 3 expected brokers present"), "{detail}");

    // Back: it answers, and the cluster is whole again.
    let (code, v, err) = node_cmd(&dev, &["start-broker", "2"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["nodes"][1]["status"], "running", "{v}");
    let (code, v, _) = dev.json("status");
    assert_eq!((code, v["status"].as_str()), (Some(0), Some("running")), "{v}");
    let (code, doc) = health(&["--expect-brokers", "3"]);
    assert_eq!(code, Some(0), "{doc:#}");

    // down stops every node.
    let pids: Vec<i32> = (1..=3).map(|n| dev.node_pid(n).unwrap()).collect();
    let (code, v, err) = dev.json("down");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["status"], "stopped", "{v}");
    for pid in pids {
        assert!(!alive(pid), "pid {pid} still runs after dev down");
    }
    assert!((1..=3).all(|n| dev.node_pid(n).is_none()), "down removes the pid files");
    let (code, _, _) = dev.json("status");
    assert_eq!(code, Some(1), "status exits 1 when the cluster is stopped");
}

#[test]
fn dev_help_has_examples() {
    for sub in ["up", "down", "status"] {
        let out = evbus_cmd().args(["dev", sub, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:") && text.contains(&format!("evbus dev {sub}")), "{sub}:\n{text}");
    }
    let out = evbus_cmd().args(["dev", "up", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--broker") && text.contains("kafka") && text.contains("nisshi"), "{text}");
}
