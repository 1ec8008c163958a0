//! A "broker" that is not one (issue 14): a TCP server on loopback that answers Kafka clients
//! with garbage, in four ways, and every evbus command that talks to a broker pointed at it.
//! Each must exit with a documented non-zero code within `--timeout` plus a small margin, say
//! why on stderr, and neither hang, panic nor die of a signal.
//!
//! Server modes ([`Mode`]):
//! * `random`: answers every connection with a stream of random bytes (whatever the client sent);
//! * `framed`: reads each request and answers it with a well-formed frame (a length prefix and
//!   the request's own correlation id) whose body is random bytes, so librdkafka's response
//!   parsers, not only its framing, see garbage;
//! * `silent`: accepts and reads, never answers;
//! * `close`: accepts and closes at once.
//!
//! The 40 runs (10 commands × 4 modes) go in parallel; with `--timeout 3s` the module takes about
//! 10 s.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Random,
    Framed,
    Silent,
    Close,
}

const MODES: [Mode; 4] = [Mode::Random, Mode::Framed, Mode::Silent, Mode::Close];

/// `--timeout` of every run.
const TIMEOUT_S: u64 = 3;
/// What a run may take beyond `--timeout`: process start, librdkafka's teardown, and a loaded
/// 2-core machine running 40 of them at once.
const MARGIN: Duration = Duration::from_secs(4);

/// A deterministic xorshift generator: the same garbage on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn fill(&mut self, buf: &mut [u8]) {
        for b in buf {
            *b = self.next() as u8;
        }
    }
}

/// The garbage server: accepts on a free loopback port until dropped.
struct GarbageBroker {
    addr: String,
    stop: Arc<AtomicBool>,
    connections: Arc<AtomicUsize>,
}

impl GarbageBroker {
    fn start(mode: Mode) -> GarbageBroker {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(AtomicUsize::new(0));
        let (s, n) = (stop.clone(), connections.clone());
        std::thread::spawn(move || {
            let mut seed = 0x9e37_79b9_7f4a_7c15u64 ^ mode as u64;
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        n.fetch_add(1, Ordering::Relaxed);
                        seed = seed.wrapping_add(0x2545_f491_4f6c_dd1d);
                        let s = s.clone();
                        std::thread::spawn(move || serve(conn, mode, Rng(seed | 1), &s));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        GarbageBroker { addr, stop, connections }
    }
}

impl Drop for GarbageBroker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(mut conn: TcpStream, mode: Mode, mut rng: Rng, stop: &AtomicBool) {
    let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = vec![0u8; 64 * 1024];
    match mode {
        Mode::Close => drop(conn),
        Mode::Silent => {
            // Read (so the client's writes succeed) and never answer, until the client goes.
            while !stop.load(Ordering::Relaxed) {
                match conn.read(&mut buf) {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(e) if is_timeout(&e) => {}
                    Err(_) => return,
                }
            }
        }
        Mode::Random => {
            // Random bytes in bursts, whatever the client says, until it hangs up.
            while !stop.load(Ordering::Relaxed) {
                let n = 1 + (rng.next() % 4096) as usize;
                rng.fill(&mut buf[..n]);
                if conn.write_all(&buf[..n]).is_err() {
                    return;
                }
                match conn.read(&mut buf) {
                    Ok(0) => return,
                    Ok(_) => {}
                    Err(e) if is_timeout(&e) => {}
                    Err(_) => return,
                }
            }
        }
        Mode::Framed => {
            // Kafka framing: i32 size, then (request header) i16 api key, i16 version, i32
            // correlation id. Each answer: a size that matches, the same correlation id, then
            // random bytes.
            let mut pending: Vec<u8> = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                match conn.read(&mut buf) {
                    Ok(0) => return,
                    Ok(n) => pending.extend_from_slice(&buf[..n]),
                    Err(e) if is_timeout(&e) => continue,
                    Err(_) => return,
                }
                while pending.len() >= 4 {
                    let size = i32::from_be_bytes(pending[..4].try_into().unwrap());
                    if size < 8 || size as usize > 16 << 20 {
                        return; // not a Kafka request (a TLS hello, say): hang up
                    }
                    if pending.len() < 4 + size as usize {
                        break;
                    }
                    let correlation = pending[8..12].to_vec();
                    pending.drain(..4 + size as usize);
                    let body_len = (rng.next() % 512) as usize;
                    let mut frame = Vec::with_capacity(8 + body_len);
                    frame.extend_from_slice(&((4 + body_len) as i32).to_be_bytes());
                    frame.extend_from_slice(&correlation);
                    let start = frame.len();
                    frame.resize(start + body_len, 0);
                    rng.fill(&mut frame[start..]);
                    if conn.write_all(&frame).is_err() {
                        return;
                    }
                }
            }
        }
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

/// The commands under test: every one that talks to a broker, with the arguments it needs.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("topics list", vec!["topics", "list"]),
        ("topics describe", vec!["topics", "describe", "orders.order.placed"]),
        ("topics plan", vec!["topics", "plan"]),
        ("topics apply", vec!["topics", "apply", "--yes"]),
        ("produce", vec!["produce", "orders.order.placed", "--input", "events.jsonl", "--no-validate"]),
        ("tail --exit", vec!["tail", "orders.order.placed", "--from", "beginning", "--exit"]),
        ("lag", vec!["lag"]),
        ("health", vec!["health"]),
        ("dlq inspect", vec!["dlq", "inspect", "orders.dead.letters"]),
        ("groups list", vec!["groups", "list"]),
    ]
}

/// A manifest (the default `./topics.yaml` of every run) and an input file, in `dir`.
fn workdir(dir: &Path) {
    std::fs::write(
        dir.join("topics.yaml"),
        "version: 1\ntopics:\n  - name: orders.order.placed\n    partitions: 2\n  - name: orders.dead.letters\n    partitions: 1\n    dlq: true\ngroups:\n  - name: billing\n    topics: [orders.order.placed]\n",
    )
    .unwrap();
    std::fs::write(dir.join("events.jsonl"), "{\"id\":\"e1\",\"n\":1}\n{\"id\":\"e2\",\"n\":2}\n").unwrap();
}

struct Run {
    mode: Mode,
    addr: String,
    name: &'static str,
    code: Option<i32>,
    signal: Option<i32>,
    took: Duration,
    stderr: String,
    stdout: String,
}

/// Runs `args` against `addr`, killing it (and reporting a hang) after `limit`.
fn run(dir: &Path, addr: &str, mode: Mode, name: &'static str, args: &[&str], limit: Duration) -> Run {
    use std::os::unix::process::ExitStatusExt as _;
    let tag = format!("{mode:?}-{}", name.replace(' ', "_"));
    let (out_path, err_path) = (dir.join(format!("{tag}.out")), dir.join(format!("{tag}.err")));
    let start = Instant::now();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("evbus"))
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
        .env_remove("EVBUS_BROKERS")
        .env_remove("EVBUS_CONTEXT")
        .args(["-b", addr, "--timeout", &format!("{TIMEOUT_S}s"), "-o", "json"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        mode,
        addr: addr.to_string(),
        name,
        code: status.and_then(|s| s.code()),
        signal: status.and_then(|s| s.signal()),
        took: start.elapsed(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
    }
}

#[test]
fn every_broker_command_fails_in_time_against_a_garbage_sending_broker() {
    let dir = tempfile::tempdir().unwrap();
    workdir(dir.path());
    let servers: Vec<GarbageBroker> = MODES.iter().map(|m| GarbageBroker::start(*m)).collect();
    let limit = Duration::from_secs(TIMEOUT_S) + MARGIN;
    // A hang is reported as one, not waited out for the whole suite.
    let kill_after = limit + Duration::from_secs(20);
    let runs: Vec<Run> = std::thread::scope(|s| {
        let mut handles = Vec::new();
        for (mode, server) in MODES.iter().zip(&servers) {
            for (name, args) in commands() {
                let (d, addr) = (dir.path(), server.addr.as_str());
                handles.push(s.spawn(move || run(d, addr, *mode, name, &args, kill_after)));
            }
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let mut failures = Vec::new();
    for r in &runs {
        let what = format!("{} against the {:?} server", r.name, r.mode);
        // Documented codes: 1 (error, broker unreachable), 4 (health: unhealthy).
        let expected: &[i32] = if r.name == "health" { &[4] } else { &[1] };
        if r.code.is_none() && r.signal.is_none() {
            failures.push(format!("{what}: still running after {kill_after:?} (hang), stderr: {}", r.stderr));
            continue;
        }
        if let Some(sig) = r.signal {
            failures.push(format!("{what}: killed by signal {sig}, stderr: {}", r.stderr));
            continue;
        }
        let code = r.code.unwrap();
        if !expected.contains(&code) {
            failures.push(format!("{what}: exit {code}, expected {expected:?}; stderr: {}", r.stderr));
        }
        if r.took > limit {
            failures.push(format!("{what}: took {:?}, more than --timeout {TIMEOUT_S}s + {MARGIN:?}", r.took));
        }
        if r.stderr.contains("panicked") || r.stderr.contains("RUST_BACKTRACE") {
            failures.push(format!("{what}: panicked: {}", r.stderr));
        }
        // Says why: health in its JSON report on stdout, every other command on stderr.
        if r.name == "health" {
            let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
            let brokers = doc["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == "brokers"));
            let ok =
                brokers.is_some_and(|c| c["status"] == "fail" && c["detail"].as_str().is_some_and(|d| !d.is_empty()));
            if !ok {
                failures.push(format!("{what}: no failed `brokers` check in {}", r.stdout));
            }
        } else if !r.stderr.starts_with("evbus: error: ") || !r.stderr.contains(&format!("brokers tried: {}", r.addr)) {
            failures.push(format!("{what}: no error naming the broker, stderr: {:?}", r.stderr));
        }
    }
    let slowest = runs.iter().max_by_key(|r| r.took).unwrap();
    eprintln!(
        "hostile: {} runs, slowest {} against the {:?} server in {:?}; connections accepted per mode: {:?}",
        runs.len(),
        slowest.name,
        slowest.mode,
        slowest.took,
        servers.iter().map(|s| s.connections.load(Ordering::Relaxed)).collect::<Vec<_>>()
    );
    for r in &runs {
        eprintln!("  {:?} {:<16} exit {:?} in {:>5.1?}: {}", r.mode, r.name, r.code, r.took, first_line(&r.stderr));
    }
    // Every mode was really exercised: the commands connected to each server.
    for s in &servers {
        assert!(s.connections.load(Ordering::Relaxed) > 0, "no connection reached {}", s.addr);
    }
    assert!(failures.is_empty(), "{} of {} runs misbehaved:\n{}", failures.len(), runs.len(), failures.join("\n"));
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Issue 26: `--help`/`--version` to a full disk exited 0 with nothing written; a closed pipe
/// still is no failure.
#[test]
fn help_and_version_to_a_full_disk_fail() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["--help"][..], &["--version"], &["topics", "--help"], &["help", "lag"]] {
        let (code, err) = crate::common::evbus_to_full_disk(dir.path(), args);
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write the") && err.contains("No space left on device"), "{args:?}: {err}");
    }
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("evbus"))
        .arg("--help")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Issue 26: `--timeout 0` said "broker unreachable" to a healthy broker, and any `--timeout`
/// above 5 minutes failed every broker command (librdkafka's socket.timeout.ms range).
#[test]
fn timeouts_out_of_range_are_refused_or_mapped() {
    let out = crate::common::evbus_cmd().args(["--timeout", "0", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("'--timeout <DURATION>'") && err.contains("must be more than zero"), "{err}");
    let out = crate::common::evbus_cmd().args(["--timeout", "2h", "topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 1h"));

    // The longest accepted: metadata, an admin request (CreateTopics) and a describe all work.
    let b = crate::common::Broker::start();
    let t = b.unique("long.timeout");
    std::fs::write(
        b.dir.path().join("topics.yaml"),
        format!("version: 1\ntopics:\n  - name: {t}\n    partitions: 1\n"),
    )
    .unwrap();
    for args in [&["topics", "list"][..], &["topics", "apply", "--yes"], &["topics", "describe", &t]] {
        let out = b.evbus().args(["--timeout", "1h", "-o", "json"]).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// Issue 26: a full stderr made every diagnostic a panic (std's `eprintln!`), exit 101 instead of
/// the command's own code. The diagnostics are dropped now and the exit code stays.
#[test]
fn a_full_stderr_keeps_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stderr: Stdio| {
        Command::new(assert_cmd::cargo::cargo_bin("evbus"))
            .env_remove("EVBUS_BROKERS")
            .env_remove("EVBUS_CONFIG")
            .env("XDG_CONFIG_HOME", "/nonexistent-evbus-test")
            .current_dir(dir.path())
            .args(args)
            .stderr(stderr)
            .status()
            .unwrap()
            .code()
    };
    for (args, code) in [
        (&["topics", "validate", "-f", "missing.yaml"][..], 1),
        (&["--timeout", "0", "topics", "list"], 2),
        (&["-b", "127.0.0.1:1", "--timeout", "1s", "topics", "list"], 1),
    ] {
        assert_eq!(run(args, Stdio::null()), Some(code), "{args:?}");
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
        assert_eq!(run(args, Stdio::from(full)), Some(code), "{args:?} with stderr on /dev/full");
    }
}

/// Issue 26: `produce --input /dev/urandom` read 1 GiB before the size limit refused it. A device
/// is refused before reading (but for /dev/null: no input, nothing sent).
#[test]
fn a_device_as_produce_input_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = crate::common::evbus_cmd()
        .current_dir(dir.path())
        .args(["produce", "t", "--input", "/dev/urandom", "--no-validate", "--dry-run"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot read /dev/urandom: it is a device"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10), "{:?}", start.elapsed());
    let out = crate::common::evbus_cmd()
        .current_dir(dir.path())
        .args(["produce", "t", "--input", "/dev/null", "--no-validate", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}
