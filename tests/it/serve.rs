//! `evbus serve` against a real broker: the lag on `/metrics` equals the offsets the test
//! committed and produced; `/health/kafka` in the gateway's shape with its codes for a healthy
//! cluster, a missing manifest topic and a dead broker; the server outliving a broker restart
//! (down, then recovered); SIGTERM ending it with 0; a real Prometheus scraping it; and
//! `promtool check rules` accepting what `evbus alerts` generates.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

/// A running `evbus serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `evbus -b BOOTSTRAP serve --listen 127.0.0.1:PORT --interval 1s ARGS` in `dir`, isolated like
/// the other tests' evbus runs.
fn serve(dir: &Path, bootstrap: &str, args: &[&str]) -> Server {
    let port = server_port();
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("evbus"));
    for v in ISOLATED_ENV {
        c.env_remove(v);
    }
    let listen = format!("127.0.0.1:{port}");
    let child = c
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .current_dir(dir)
        .args(["-b", bootstrap, "--timeout", "5s", "serve", "--listen", &listen, "--interval", "1s"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server { child, port }
}

/// GET `path` on a loopback port: the status code and body; `None` while nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).ok()?;
    let (head, body) = raw.split_once("\r\n\r\n")?;
    let code = head.split(' ').nth(1)?.parse().ok()?;
    Some((code, body.to_string()))
}

/// Poll until `f` returns something, failing with the last answer after `limit`.
fn until<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Result<T, String>) -> T {
    let start = Instant::now();
    loop {
        match f() {
            Ok(v) => return v,
            Err(last) if start.elapsed() > limit => panic!("{what}: not within {limit:?}; last: {last}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The value of the sample whose line starts with `series` (name and labels), in a metrics page.
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

/// Wait for `path` to answer `code`, returning its JSON body.
fn json_with(port: u16, path: &str, code: u16, limit: Duration) -> Value {
    until(limit, &format!("{path} answering {code}"), || match get(port, path) {
        Some((c, body)) if c == code => serde_json::from_str(&body).map_err(|e| format!("{e}: {body}")),
        other => Err(format!("{other:?}")),
    })
}

/// `/health/kafka` once a health round has run (before, it is a 500 without `kafka`) and
/// answers `code`.
fn kafka_health(port: u16, code: u16, limit: Duration) -> Value {
    until(limit, &format!("/health/kafka answering {code} after a round"), || match get(port, "/health/kafka") {
        Some((c, body)) if c == code => {
            let v: Value = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
            if v.get("kafka").is_some() { Ok(v) } else { Err(body) }
        }
        other => Err(format!("{other:?}")),
    })
}

/// The metrics page once `series` shows `value`.
fn metric_reaches(port: u16, series: &str, value: f64, limit: Duration) -> String {
    until(limit, &format!("{series} = {value}"), || {
        let page = get(port, "/metrics").map(|(_, b)| b).unwrap_or_default();
        if sample(&page, series) == Some(value) { Ok(page) } else { Err(page) }
    })
}

/// Sends SIGTERM and checks that the server ends with 0 promptly.
fn terminate(server: &mut Server) {
    let pid = rustix::process::Pid::from_raw(server.child.id() as i32).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
    let start = Instant::now();
    let status = wait_or_kill(&mut server.child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

/// A manifest with `orders` (2 partitions), a DLQ, a group reading orders with max_lag 5, and
/// optionally a topic that is not created.
fn manifest(orders: &str, dlq: &str, group: &str, missing: Option<&str>) -> String {
    let mut s = format!(
        "version: 1\ntopics:\n  - name: {orders}\n    partitions: 2\n  - name: {dlq}\n    partitions: 1\n    dlq: true\n"
    );
    if let Some(m) = missing {
        s.push_str(&format!("  - name: {m}\n    partitions: 1\n"));
    }
    s.push_str(&format!("groups:\n  - name: {group}\n    topics: [{orders}]\n    max_lag: 5\n"));
    s
}

#[test]
fn metrics_show_the_committed_lag_and_health_kafka_is_healthy() {
    let b = Broker::start();
    let p = b.unique("serve");
    let (orders, dlq, group) = (format!("{p}.orders.placed"), format!("{p}.dead.letters"), format!("{p}-billing"));
    write_topics_yaml(&b, &manifest(&orders, &dlq, &group, None));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    produce_n(&b, &orders, 0, 10);
    produce_n(&b, &orders, 1, 4);
    produce_n(&b, &dlq, 0, 2);
    let committer = Committer::new(&b, &group);
    committer.commit(&[(&orders, 0, 3), (&orders, 1, 4)]);

    let mut server = serve(b.dir.path(), &b.bootstrap, &[]);
    let port = server.port;
    until(Duration::from_secs(30), "/ready 200", || match get(port, "/ready") {
        Some((200, _)) => Ok(()),
        other => Err(format!("{other:?}")),
    });
    let lag =
        |part: i32| format!("evbus_consumer_group_lag{{group=\"{group}\",topic=\"{orders}\",partition=\"{part}\"}}");
    let committed = |part: i32| {
        format!("evbus_consumer_group_committed_offset{{group=\"{group}\",topic=\"{orders}\",partition=\"{part}\"}}")
    };
    let end = |part: i32| {
        format!("evbus_consumer_group_end_offset{{group=\"{group}\",topic=\"{orders}\",partition=\"{part}\"}}")
    };
    let page = metric_reaches(port, &lag(0), 7.0, Duration::from_secs(20));
    // What the test committed and produced, as the harness reads it back from the broker.
    let read = b.committed(&group, &orders, 2);
    assert_eq!(read, [Some(3), Some(4)]);
    for (part, produced) in [(0, 10.0), (1, 4.0)] {
        let c = read[part as usize].unwrap() as f64;
        assert_eq!(sample(&page, &committed(part)), Some(c), "{page}");
        assert_eq!(sample(&page, &end(part)), Some(produced), "{page}");
        assert_eq!(sample(&page, &lag(part)), Some(produced - c), "{page}");
    }
    let time_lag = sample(
        &page,
        &format!("evbus_consumer_group_time_lag_seconds{{group=\"{group}\",topic=\"{orders}\",partition=\"0\"}}"),
    );
    assert!(time_lag.is_some_and(|t| t >= 0.0), "{page}");
    assert_eq!(sample(&page, &format!("evbus_consumer_group_max_lag{{group=\"{group}\"}}")), Some(5.0));
    assert_eq!(sample(&page, &format!("evbus_topic_partitions{{topic=\"{orders}\"}}")), Some(2.0));
    assert_eq!(sample(&page, &format!("evbus_topic_end_offset{{topic=\"{orders}\"}}")), Some(14.0));
    assert_eq!(sample(&page, &format!("evbus_dlq_records{{topic=\"{dlq}\"}}")), Some(2.0));
    assert_eq!(sample(&page, "evbus_up"), Some(1.0));
    assert!(sample(&page, "evbus_brokers").is_some_and(|n| n >= 1.0), "{page}");
    assert!(sample(&page, "evbus_last_success_timestamp_seconds").is_some_and(|t| t > 1.7e9), "{page}");

    // The gateway's shape; the group is over its max_lag (7 > 5): healthy unless strict.
    let v = kafka_health(port, 200, Duration::from_secs(10));
    assert_eq!(v["status"], "healthy", "{v}");
    assert_eq!(v["kafka"]["connected"], true, "{v}");
    assert!(v["kafka"]["brokers"].as_u64().is_some_and(|n| n >= 1), "{v}");
    assert!(v["kafka"]["topics"].as_u64().is_some_and(|n| n >= 2), "{v}");
    assert_eq!(v.as_object().unwrap().len(), 2, "only status and kafka: {v}");
    let v = json_with(port, "/health", 200, Duration::from_secs(10));
    let over = v["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("group {group}")).unwrap();
    assert_eq!(over["status"], "warn", "{v}");
    let v = json_with(port, "/health?strict", 503, Duration::from_secs(10));
    assert_eq!(v["healthy"], false, "{v}");
    let v = json_with(port, "/health/kafka?strict", 500, Duration::from_secs(10));
    assert!(v["error"].as_str().unwrap().contains("over max_lag"), "{v}");

    // Later collections follow the commits; the health round too (the DLQ's records keep
    // ?strict at 503, the group is no longer over).
    committer.commit(&[(&orders, 0, 10)]);
    metric_reaches(port, &lag(0), 0.0, Duration::from_secs(20));
    until(Duration::from_secs(20), "the group check ok", || {
        let v = json_with(port, "/health?strict", 503, Duration::from_secs(5));
        let c = v["checks"].as_array().unwrap().iter().find(|c| c["name"] == format!("group {group}")).cloned();
        if c.as_ref().is_some_and(|c| c["status"] == "ok") { Ok(()) } else { Err(v.to_string()) }
    });

    terminate(&mut server);
}

#[test]
fn a_missing_manifest_topic_is_unhealthy_with_500() {
    let b = Broker::start();
    let p = b.unique("serve");
    let (orders, dlq, group) = (format!("{p}.orders.placed"), format!("{p}.dead.letters"), format!("{p}-billing"));
    write_topics_yaml(&b, &manifest(&orders, &dlq, &group, None));
    b.evbus().args(["topics", "apply", "--yes"]).assert().success();
    let missing = format!("{p}.never.created");
    write_topics_yaml(&b, &manifest(&orders, &dlq, &group, Some(&missing)));
    let server = serve(b.dir.path(), &b.bootstrap, &[]);
    let v = kafka_health(server.port, 500, Duration::from_secs(30));
    assert_eq!(v["status"], "unhealthy", "{v}");
    assert_eq!(v["kafka"]["connected"], true, "{v}");
    let error = v["error"].as_str().unwrap();
    assert!(error.starts_with("manifest topics:") && error.contains(&missing), "{v}");
    let (code, _) = get(server.port, "/health").unwrap();
    assert_eq!(code, 503);
    // The metrics still serve: the brokers answer.
    assert_eq!(get(server.port, "/ready").unwrap().0, 200);
}

#[test]
fn without_a_broker_it_serves_down_and_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let nobody = format!("127.0.0.1:{}", free_port());
    let mut server = serve(dir.path(), &nobody, &[]);
    let v = kafka_health(server.port, 500, Duration::from_secs(20));
    assert_eq!(v["status"], "unhealthy", "{v}");
    assert_eq!(v["kafka"], serde_json::json!({"connected": false, "brokers": 0, "topics": 0}), "{v}");
    assert!(v["error"].as_str().unwrap().starts_with("brokers: unreachable"), "{v}");
    let page = metric_reaches(server.port, "evbus_up", 0.0, Duration::from_secs(10));
    assert!(sample(&page, "evbus_collection_errors_total").is_some_and(|n| n >= 1.0), "{page}");
    assert!(!page.contains("evbus_consumer_group_lag{"), "{page}");
    assert_eq!(get(server.port, "/ready").unwrap().0, 503);
    assert_eq!(get(server.port, "/nothing").unwrap().0, 404);
    terminate(&mut server);
}

#[test]
fn it_outlives_a_broker_restart() {
    let mut b = Broker::private(BrokerOpts::default());
    let topic = b.unique("serve.restart.events");
    b.create_topic(&topic, 1);
    produce_n(&b, &topic, 0, 5);
    let group = b.unique("serve-restart");
    b.commit(&group, &[(&topic, 0, 2)]);
    let mut server = serve(b.dir.path(), &b.bootstrap, &[]);
    let port = server.port;
    let lag = format!("evbus_consumer_group_lag{{group=\"{group}\",topic=\"{topic}\",partition=\"0\"}}");
    metric_reaches(port, &lag, 3.0, Duration::from_secs(30));
    kafka_health(port, 200, Duration::from_secs(10));

    b.stop();
    let page = metric_reaches(port, "evbus_up", 0.0, Duration::from_secs(30));
    assert!(!page.contains(&lag), "no stale lag while the broker is down: {page}");
    let v = kafka_health(port, 500, Duration::from_secs(30));
    assert_eq!(v["kafka"]["connected"], false, "{v}");
    assert_eq!(get(port, "/ready").unwrap().0, 200, "still serving");

    b.start_again();
    metric_reaches(port, &lag, 3.0, Duration::from_secs(60));
    kafka_health(port, 200, Duration::from_secs(30));
    terminate(&mut server);
}

/// A Debian package's binary (`prometheus`, `promtool`), which scripts/test.sh installs.
fn debian_tool(name: &str) -> std::path::PathBuf {
    let p = Path::new("/usr/bin").join(name);
    assert!(p.is_file(), "{name} is not installed: apt-get install prometheus (scripts/test.sh does)");
    p
}

#[test]
fn promtool_accepts_the_generated_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo_root().join("topics.yaml"), dir.path().join("topics.yaml")).unwrap();
    let out = evbus_cmd().current_dir(dir.path()).args(["alerts", "--max-time-lag", "5m"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rules = String::from_utf8(out.stdout).unwrap();
    assert!(rules.contains("EvbusConsumerLagOverMaxLag"), "{rules}");
    std::fs::write(dir.path().join("rules.yml"), &rules).unwrap();
    let check = Command::new(debian_tool("promtool"))
        .args(["check", "rules"])
        .arg(dir.path().join("rules.yml"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "promtool: {}{}\n{rules}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

/// Kills Prometheus when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn prometheus_scrapes_the_lag() {
    let b = Broker::start();
    let topic = b.unique("serve.prom.events");
    b.create_topic(&topic, 1);
    produce_n(&b, &topic, 0, 6);
    let group = b.unique("serve-prom");
    b.commit(&group, &[(&topic, 0, 2)]);
    let server = serve(b.dir.path(), &b.bootstrap, &[]);

    let prom_dir = tempfile::tempdir().unwrap();
    let config = prom_dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: evbus\n    static_configs:\n      - targets: ['127.0.0.1:{}']\n",
            server.port
        ),
    )
    .unwrap();
    let prom_port = server_port();
    let _prom = Killed(
        Command::new(debian_tool("prometheus"))
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", prom_dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let query = format!("evbus_consumer_group_lag{{group=\"{group}\",partition=\"0\"}}");
    let path = format!("/api/v1/query?query={}", percent(&query));
    let series = until(Duration::from_secs(60), "Prometheus to have the lag", || {
        let (code, body) = get(prom_port, &path).ok_or("Prometheus not answering")?;
        let v: Value = serde_json::from_str(&body).map_err(|e| format!("{code} {e}: {body}"))?;
        let result = v["data"]["result"].as_array().cloned().unwrap_or_default();
        if result.is_empty() { Err(body) } else { Ok(result) }
    });
    assert_eq!(series.len(), 1, "{series:?}");
    assert_eq!(series[0]["metric"]["topic"], topic.as_str());
    assert_eq!(series[0]["metric"]["job"], "evbus");
    assert_eq!(series[0]["value"][1], "4", "6 produced, 2 committed: {series:?}");
}

/// A query string value, percent-encoded (everything but unreserved characters).
fn percent(s: &str) -> String {
    s.bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (c as char).to_string(),
            _ => format!("%{c:02X}"),
        })
        .collect()
}
