//! `evbus dev up|down|status`: a local single-node development broker, the way `rpk container
//! start` gives one.
//!
//! The broker is Apache Kafka in KRaft mode (one combined broker+controller node on loopback)
//! when Java 17+ and Kafka's jars are at hand: `$KAFKA_HOME/libs` (an official tarball), else
//! `$EVBUS_KAFKA_LIBS`, else the cache of `scripts/install-kafka.sh`. Without them it falls back
//! to nisshi (Kafka-protocol compatible, sqlite storage), which is what `dev` ran before Kafka
//! could be had without Docker; `--broker` picks one explicitly. Either way the data lives in the
//! state directory, so topics and records survive `down`/`up`.
//!
//! The broker runs detached in its own process group: it outlives the evbus process that started
//! it and does not get the terminal's Ctrl-C. What evbus needs to find it again lives next to the
//! data:
//!
//! - `<dir>/broker.pid`: the process id (`down` signals it, `status` checks it)
//! - `<dir>/broker.addr`: the address it listens on (`down`/`status` need no `--port`)
//! - `<dir>/broker.kind`: which broker runs (`kafka <version>` or `nisshi`)
//! - `<dir>/broker.log`: its stdout and stderr
//! - Kafka: `<dir>/kafka-data/` (formatted on the first start), `<dir>/server.properties` and the
//!   log configuration (both rewritten on every start), `<dir>/controller.port`
//! - nisshi: `<dir>/broker.db`, the sqlite storage
//!
//! Exit codes of `status`: 0 running and answering, 1 stopped, 4 (unhealthy) the process runs but
//! does not answer metadata requests.
//!
//! Split by job: [`state`] (the state directory's files and what they say), [`find`] (which
//! broker can run here: Java and Kafka's jars, or nisshi), [`kafka`] and [`nisshi`] (starting
//! each); `up`, `down` and `status` themselves are here.

mod find;
pub mod kafka;
mod nisshi;
mod state;

use std::fs;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Serialize;

use crate::app::App;
use crate::cli::{DevArgs, DevCommand, DevUpArgs};
use crate::exit::{Exit, Outcome};
use crate::kafka::Settings;
use crate::term::ui::Mode;

use find::{Broker, choose};
use kafka::start_kafka;
use nisshi::start_nisshi;
use state::{Kind, Recorded, State, address, is_our_broker};

/// In the command line of every broker `evbus dev` starts (nisshi's cluster id, a system property
/// of Kafka's JVM): how a recorded pid is recognised as ours, since pids get reused.
pub(super) const MARKER: &str = "evbus-dev";

/// `evbus dev`: runs the local single-node development broker (Apache Kafka, else nisshi).
pub async fn run(app: &App, cmd: DevCommand) -> Result<Outcome> {
    match cmd {
        DevCommand::Up(a) => up(app, a).await,
        DevCommand::Down(a) => down(app, a),
        DevCommand::Status(a) => status(app, a).await,
    }
}

/// True when nothing listens on 127.0.0.1:port (checked by binding it, as the broker will).
pub(super) fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A metadata probe with a short per-try timeout, for readiness and status.
async fn answers(addr: &str, timeout: Duration) -> bool {
    let settings = Settings { brokers: addr.to_string(), props: Vec::new(), timeout, verbose: 0 };
    let Ok(admin) = settings.admin() else { return false };
    Arc::new(admin).metadata(None).await.is_ok_and(|m| !m.brokers.is_empty())
}

#[derive(Serialize)]
pub(super) struct Report {
    status: &'static str,
    address: String,
    pid: Option<i32>,
    /// `kafka` or `nisshi`, when one runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    broker: Option<&'static str>,
    /// Kafka's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    dir: PathBuf,
    log: PathBuf,
    /// `up`: whether this call started it (false: it was already running).
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<bool>,
    /// `status`/`down`: anything worth knowing (stale pid file, port taken by someone else).
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

impl Report {
    fn of(mut self, kind: &Kind) -> Report {
        self.broker = Some(kind.name());
        self.version = kind.version();
        self
    }
}

async fn up(app: &App, a: DevUpArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let DevUpArgs { dev: DevArgs { port, dir }, broker: choice, install } = a;
    if port == 0 {
        bail!(Exit::usage("--port 0: give the port the broker should listen on (clients need to know it)"));
    }
    let state = State { dir: dir.clone() };
    let addr = address(port);

    match state.recorded() {
        Recorded::Running(pid) => {
            let running_at = state.address(port);
            let kind = state.kind();
            if running_at != addr {
                bail!(
                    "a dev broker ({}) from {} already runs at {running_at} (pid {pid}); stop it first with `evbus dev down{}`",
                    kind.describe(),
                    dir.display(),
                    dir_flag(&dir)
                );
            }
            let ok = answers(&running_at, app.settings.timeout).await;
            let report = Report {
                started: Some(false),
                ..state.report(if ok { "running" } else { "unresponsive" }, &running_at, Some(pid)).of(&kind)
            };
            print_report(
                app,
                mode,
                &report,
                &format!("dev broker ({}) already running at {running_at} (pid {pid})", kind.describe()),
            )?;
            return Ok(if ok { Outcome::Ok } else { Outcome::Unhealthy });
        }
        Recorded::Stale(pid) => {
            app.ui.debug(format!("removing stale pid file (pid {pid} is not running)"));
            state.forget();
        }
        Recorded::Nothing => {}
    }

    if !port_is_free(port) {
        let other = suggest_port(port, port_is_free);
        bail!(
            "port {port} on 127.0.0.1 is already in use (another Kafka or dev broker?). Stop whatever listens \
             there, or start on another port: evbus dev up --port {other} (then use -b 127.0.0.1:{other} or \
             EVBUS_BROKERS)"
        );
    }

    let broker = choose(app, choice, install)?;
    if matches!(broker, Broker::Kafka(_)) && dir.join("broker.db").exists() && !dir.join("kafka-data").exists() {
        // A state dir from before `dev` ran Kafka: its topics seem to vanish otherwise.
        app.ui.warn(format!(
            "{} holds nisshi's data (broker.db), which Apache Kafka does not read; `evbus dev up --broker nisshi` \
             runs that again",
            dir.display()
        ));
    }
    fs::create_dir_all(&dir).with_context(|| format!("cannot create the state directory {}", dir.display()))?;
    // The broker runs in the state directory: paths it is given must not be relative to ours.
    let abs_dir = fs::canonicalize(&dir).with_context(|| format!("cannot resolve {}", dir.display()))?;
    let log =
        fs::File::create(state.log_file()).with_context(|| format!("cannot create {}", state.log_file().display()))?;
    let (kind, mut child, data) = match broker {
        Broker::Kafka(k) => {
            let child = start_kafka(app, &state, &abs_dir, &k, port, log)?;
            (Kind::Kafka(k.version), child, dir.join("kafka-data"))
        }
        Broker::Nisshi(bin) => (Kind::Nisshi, start_nisshi(app, &abs_dir, &bin, &addr, log)?, dir.join("broker.db")),
    };
    let pid = child.id() as i32;
    write_file(&state.kind_file(), &kind.file_text())?;
    write_file(&state.pid_file(), &format!("{pid}\n"))?;
    write_file(&state.addr_file(), &format!("{addr}\n"))?;

    let limit = app.settings.timeout.max(kind.min_startup());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            state.forget();
            bail!(
                "the dev broker ({}) exited during startup ({status}). Last lines of {}:\n{}",
                kind.describe(),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
        if answers(&addr, Duration::from_secs(1)).await {
            break;
        }
        if started.elapsed() > limit {
            let _ = stop_pid(pid, kind.term_grace());
            let _ = child.wait();
            state.forget();
            bail!(
                "the dev broker ({}) did not answer at {addr} within {}; it was stopped. Last lines of {}:\n{}",
                kind.describe(),
                humantime::format_duration(limit),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let report = Report { started: Some(true), ..state.report("running", &addr, Some(pid)).of(&kind) };
    print_report(app, mode, &report, &format!("dev broker ({}) running at {addr} (pid {pid})", kind.describe()))?;
    app.ui.info(format!(
        "evbus: data in {}, log in {}; stop it with `evbus dev down{}`",
        data.display(),
        state.log_file().display(),
        dir_flag(&dir)
    ));
    if addr != crate::config::DEFAULT_BROKERS {
        app.ui.info(format!("evbus: point evbus at it with `export EVBUS_BROKERS={addr}` (or -b {addr})"));
    }
    Ok(Outcome::Ok)
}

/// A port to suggest instead of a taken one that is free right now (probed by binding it, as the
/// broker will): the next ones after 19092 for Kafka's default, else after `port`; failing
/// those, one the system picks. A suggestion that is itself taken just fails the next `up` too.
fn suggest_port(port: u16, is_free: impl Fn(u16) -> bool) -> u16 {
    let first = if port == 9092 { 19092 } else { port.checked_add(1).unwrap_or(19092) };
    (first..=first.saturating_add(100))
        .find(|p| *p != port && is_free(*p))
        .or_else(|| TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok().map(|a| a.port()))
        .unwrap_or(first)
}

/// ` --dir X` when X is not the default, for copy-pasteable hints.
fn dir_flag(dir: &Path) -> String {
    if dir == Path::new(".evbus/dev") { String::new() } else { format!(" --dir {}", dir.display()) }
}

pub(super) fn write_file(path: &Path, text: &str) -> Result<()> {
    let mut f = fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Send a signal to the broker's process group (it leads one; a wrapper script's children go
/// too), falling back to the process alone.
fn signal(pid: i32, sig: rustix::process::Signal) -> bool {
    let Some(p) = rustix::process::Pid::from_raw(pid) else { return false };
    rustix::process::kill_process_group(p, sig).is_ok() || rustix::process::kill_process(p, sig).is_ok()
}

/// SIGTERM, then SIGKILL when it is still there after `grace`. Returns whether SIGKILL was
/// needed, or an error when the process survived both.
fn stop_pid(pid: i32, grace: Duration) -> Result<bool> {
    use rustix::process::Signal;
    let gone_within = |limit: Duration| {
        let start = Instant::now();
        while start.elapsed() < limit {
            if !is_our_broker(pid) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        !is_our_broker(pid)
    };
    signal(pid, Signal::TERM);
    if gone_within(grace) {
        return Ok(false);
    }
    signal(pid, Signal::KILL);
    if gone_within(Duration::from_secs(3)) {
        return Ok(true);
    }
    Err(anyhow!("the dev broker (pid {pid}) is still running after SIGTERM and SIGKILL"))
}

fn down(app: &App, a: DevArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let state = State { dir: a.dir.clone() };
    let address = state.address(a.port);
    let mut report = state.report("stopped", &address, None);
    let text = match state.recorded() {
        Recorded::Nothing => {
            report.note = Some("not running".into());
            format!("no dev broker running from {} (no pid file)", a.dir.display())
        }
        Recorded::Stale(pid) => {
            state.forget();
            report.note = Some(format!("stale pid file removed (pid {pid} was not running)"));
            format!("dev broker was not running (removed the stale pid file for pid {pid})")
        }
        Recorded::Running(pid) => {
            let kind = state.kind();
            report = report.of(&kind);
            report.pid = Some(pid);
            let grace = kind.term_grace();
            if matches!(kind, Kind::Kafka(_)) {
                app.ui.info(format!("evbus: stopping {} (a clean shutdown takes a few seconds)", kind.describe()));
            }
            let killed = stop_pid(pid, grace)?;
            state.forget();
            if killed {
                report.note = Some(format!("did not stop within {}s of SIGTERM; killed", grace.as_secs()));
            }
            format!(
                "stopped the dev broker ({}) at {address} (pid {pid}{}); data kept in {}",
                kind.describe(),
                if killed { ", killed after SIGTERM was ignored" } else { "" },
                a.dir.display()
            )
        }
    };
    print_report(app, mode, &report, &text)?;
    Ok(Outcome::Ok)
}

async fn status(app: &App, a: DevArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    let state = State { dir: a.dir.clone() };
    let address = state.address(a.port);
    let mut report = state.report("stopped", &address, None);
    let (text, outcome) = match state.recorded() {
        Recorded::Running(pid) => {
            let kind = state.kind();
            report = report.of(&kind);
            report.pid = Some(pid);
            if answers(&address, app.settings.timeout).await {
                report.status = "running";
                (format!("running at {address} ({}, pid {pid})", kind.describe()), Outcome::Ok)
            } else {
                report.status = "unresponsive";
                report.note = Some(format!("see {}", state.log_file().display()));
                (
                    format!(
                        "{} (pid {pid}) runs but {address} does not answer within {} (starting, or stuck: see {})",
                        kind.describe(),
                        humantime::format_duration(app.settings.timeout),
                        state.log_file().display()
                    ),
                    Outcome::Unhealthy,
                )
            }
        }
        other => {
            let mut text = "stopped".to_string();
            if let Recorded::Stale(pid) = other {
                report.note = Some(format!("stale pid file (pid {pid} is not running)"));
                text.push_str(&format!(" (stale pid file: pid {pid} is not running)"));
            }
            let port = address.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(a.port);
            if !port_is_free(port) {
                let note = format!("port {port} is in use by another process");
                text.push_str(&format!("; {note}"));
                report.note = Some(note);
            }
            (text, Outcome::Failed)
        }
    };
    print_report(app, mode, &report, &text)?;
    Ok(outcome)
}

fn print_report(app: &App, mode: Mode, report: &Report, text: &str) -> Result<()> {
    match mode {
        Mode::Json => app.ui.json(report),
        Mode::Table => app.ui.out(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggested_port_is_one_that_is_free() {
        // 19092 and 19093 taken: the next free one, not blindly the one after.
        assert_eq!(suggest_port(9092, |p| p > 19093), 19094);
        assert_eq!(suggest_port(5000, |p| p != 5001), 5002);
        assert_eq!(suggest_port(u16::MAX, |_| true), 19092);
    }
}
