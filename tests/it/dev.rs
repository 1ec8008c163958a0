//! `evbus dev up|status|down` with the real broker binary on a free port: the cycle, durability
//! across restarts, idempotence, and the clear failures (port taken, binary missing, broker that
//! dies at startup, stale pid file).

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::common::*;
use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use serde_json::Value;

/// A dev state directory that is always stopped at the end of the test, even when it fails.
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
        Dev { dir: work.join("state"), work, _tmp: tmp, port: free_port() }
    }

    fn evbus(&self, sub: &str) -> assert_cmd::Command {
        let mut c = evbus_cmd();
        c.current_dir(&self.work).args(["dev", sub, "--dir", "state", "--port", &self.port.to_string()]);
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

    fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Dev {
    fn drop(&mut self) {
        let _ = self.evbus("down").output();
        // Last resort when evbus itself misbehaved: never leave a broker behind.
        if let Some(pid) = self.pid() {
            let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
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
        .block_on(admin.create_topics(&[NewTopic::new(name, 2, TopicReplication::Fixed(1))], &AdminOptions::new()))
        .unwrap()
    {
        r.unwrap();
    }
}

#[test]
fn up_status_down_cycle_keeps_data_across_restarts() {
    let dev = Dev::new();

    let (code, v, err) = dev.json("up");
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["status"], "running");
    assert_eq!(v["started"], true);
    assert_eq!(v["address"], dev.addr());
    let pid = dev.pid().expect("pid file written");
    assert_eq!(v["pid"], pid);
    // evbus has exited; the broker it started still runs and answers.
    assert!(alive(pid));
    assert!(dev.dir.join("broker.db").exists(), "sqlite storage lives in the state dir");
    assert!(dev.dir.join("broker.log").exists());
    // Stderr tells how to point evbus at a non-default port, and how to stop it.
    assert!(
        err.contains(&format!("EVBUS_BROKERS={}", dev.addr())) && err.contains("evbus dev down --dir state"),
        "{err}"
    );

    let (code, v, _) = dev.json("status");
    assert_eq!(code, Some(0));
    assert_eq!((v["status"].as_str(), v["pid"].as_i64()), (Some("running"), Some(pid as i64)));

    // evbus itself talks to it.
    evbus_cmd().args(["-b", &dev.addr(), "topics", "list", "-o", "json"]).assert().success();
    create_topic(&dev.addr(), "dev.data.kept");

    let out = dev.evbus("down").args(["-o", "table"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("stopped the dev broker at {} (pid {pid})", dev.addr()))
    );
    assert!(!alive(pid), "down stops the process");
    assert!(dev.pid().is_none(), "down removes the pid file");

    let out = dev.evbus("status").args(["-o", "table"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "status exits 1 when stopped");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "stopped");

    // Down again: nothing to do, still success.
    let (code, v, _) = dev.json("down");
    assert_eq!(code, Some(0));
    assert_eq!(v["note"], "not running");

    // Up again on the same directory: the topic is still there (durable sqlite storage).
    let (code, _, err) = dev.json("up");
    assert_eq!(code, Some(0), "{err}");
    assert!(topics_at(&dev.addr()).contains(&"dev.data.kept".to_string()));
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

    let other = free_port();
    let out = evbus_cmd()
        .current_dir(&dev.work)
        .args(["dev", "up", "--dir", "state", "--port", &other.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("already runs at {}", dev.addr())) && err.contains("evbus dev down"), "{err}");
    assert_eq!(dev.pid(), Some(pid));
}

#[test]
fn a_taken_port_is_reported_before_starting_anything() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut dev = Dev::new();
    dev.port = port;
    let start = Instant::now();
    let out = dev.evbus("up").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(5), "no waiting when the port is taken");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("port {port} on 127.0.0.1 is already in use")) && err.contains("--port"), "{err}");
    assert!(dev.pid().is_none(), "nothing started, nothing recorded");

    // status says stopped, and that something else holds the port.
    let (code, v, _) = dev.json("status");
    assert_eq!(code, Some(1));
    assert_eq!(v["status"], "stopped");
    assert_eq!(v["note"], format!("port {port} is in use by another process"));
}

#[test]
fn a_missing_broker_binary_says_how_to_install_it() {
    let dev = Dev::new();
    let empty_home = tempfile::tempdir().unwrap();
    let out = dev
        .evbus("up")
        .env_remove("NISSHI_BIN")
        .env("PATH", "/nonexistent-evbus-path")
        .env("HOME", empty_home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not installed") && err.contains("scripts/install-broker.sh") && err.contains("--install"),
        "{err}"
    );
    assert!(!dev.dir.join("broker.pid").exists());

    let out = dev.evbus("up").env("NISSHI_BIN", "/nonexistent/nisshi").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("NISSHI_BIN=/nonexistent/nisshi is not an executable file"));
}

#[test]
fn a_broker_that_dies_at_startup_is_reported_with_its_log() {
    let dev = Dev::new();
    let fake = dev.work.join("fake-nisshi");
    std::fs::write(&fake, "#!/bin/sh\necho \"fake broker: cannot open storage ($*)\" >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let start = Instant::now();
    let out = dev.evbus("up").env("NISSHI_BIN", &fake).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(start.elapsed() < Duration::from_secs(10), "an exited broker is noticed at once");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("exited during startup"), "{err}");
    // The log tail shows what the broker said, including the arguments evbus gave it.
    assert!(err.contains("fake broker: cannot open storage"), "{err}");
    assert!(
        err.contains("--storage-engine sqlite://broker.db") && err.contains(&format!("tcp://{}", dev.addr())),
        "{err}"
    );
    assert!(dev.pid().is_none(), "no pid file for a broker that is not running");
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
}

#[test]
fn dev_help_has_examples() {
    for sub in ["up", "down", "status"] {
        let out = evbus_cmd().args(["dev", sub, "--help"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Examples:") && text.contains(&format!("evbus dev {sub}")), "{sub}:\n{text}");
    }
}
