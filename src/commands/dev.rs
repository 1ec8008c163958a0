//! `evbus dev up|down|status`: a local single-node development broker, the way `rpk container
//! start` gives one.
//!
//! The broker is nisshi (Kafka-protocol compatible) with sqlite storage in the state directory, so
//! topics and records survive `down`/`up`. It runs detached in its own process group: it outlives
//! the evbus process that started it and does not get the terminal's Ctrl-C. What evbus needs to
//! find it again lives next to the data:
//!
//! - `<dir>/broker.pid`: the process id (`down` signals it, `status` checks it)
//! - `<dir>/broker.addr`: the address it listens on (`down`/`status` need no `--port`)
//! - `<dir>/broker.log`: its stdout and stderr
//! - `<dir>/broker.db`: the sqlite storage
//!
//! Exit codes of `status`: 0 running and answering, 1 stopped, 4 (unhealthy) the process runs but
//! does not answer metadata requests.

use std::fs;
use std::io::Write as _;
use std::net::TcpListener;
use std::os::fd::AsFd as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Serialize;

use super::App;
use crate::cli::{DevArgs, DevCommand, DevUpArgs};
use crate::exit::{self, Exit};
use crate::kafka::Settings;
use crate::output::Mode;
use crate::sanitize::for_terminal_multiline;

/// Cluster id of dev brokers; also how a recorded pid is recognised as ours (pids get reused).
const CLUSTER_ID: &str = "evbus-dev";
/// The broker binary's name on PATH and in ~/.cargo/bin.
const BROKER_BIN: &str = "nisshi";
/// A first start creates the sqlite schema; a slow machine needs more than the default 10s.
const MIN_STARTUP: Duration = Duration::from_secs(30);
/// How long `down` waits after SIGTERM before SIGKILL.
const TERM_GRACE: Duration = Duration::from_secs(5);

pub async fn run(app: &App, cmd: DevCommand) -> Result<ExitCode> {
    match cmd {
        DevCommand::Up(a) => up(app, a).await,
        DevCommand::Down(a) => down(app, a),
        DevCommand::Status(a) => status(app, a).await,
    }
}

/// Files of one state directory.
struct State {
    dir: PathBuf,
}

/// What the pid file says about the broker.
enum Recorded {
    /// No pid file.
    Nothing,
    /// A pid file whose process is gone (or is now some other program).
    Stale(i32),
    Running(i32),
}

impl State {
    fn pid_file(&self) -> PathBuf {
        self.dir.join("broker.pid")
    }
    fn addr_file(&self) -> PathBuf {
        self.dir.join("broker.addr")
    }
    /// The report skeleton every subcommand prints for this state dir.
    fn report(&self, status: &'static str, address: &str, pid: Option<i32>) -> Report {
        Report {
            status,
            address: address.to_string(),
            pid,
            dir: self.dir.clone(),
            log: self.log_file(),
            started: None,
            note: None,
        }
    }

    fn log_file(&self) -> PathBuf {
        self.dir.join("broker.log")
    }

    fn recorded(&self) -> Recorded {
        let Ok(text) = fs::read_to_string(self.pid_file()) else { return Recorded::Nothing };
        match text.trim().parse::<i32>() {
            Ok(pid) if pid > 0 && is_our_broker(pid) => Recorded::Running(pid),
            Ok(pid) => Recorded::Stale(pid),
            // An unreadable pid file cannot point at a process: treat it as stale.
            Err(_) => Recorded::Stale(0),
        }
    }

    /// The recorded address, else the one `--port` implies.
    fn address(&self, port: u16) -> String {
        fs::read_to_string(self.addr_file())
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| address(port))
    }

    fn forget(&self) {
        let _ = fs::remove_file(self.pid_file());
    }

    /// The last lines of the broker log, for startup failures.
    fn log_tail(&self, lines: usize) -> String {
        let text = fs::read_to_string(self.log_file()).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        let tail = all[all.len().saturating_sub(lines)..].join("\n");
        for_terminal_multiline(&tail).into_owned()
    }
}

fn address(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

/// True when `pid` is a live (not zombie) process that looks like a broker `evbus dev` started.
fn is_our_broker(pid: i32) -> bool {
    let Some(p) = rustix::process::Pid::from_raw(pid) else { return false };
    // ESRCH: gone; EPERM: another user's process, so not one we started.
    if rustix::process::test_kill_process(p).is_err() {
        return false;
    }
    let proc_dir = Path::new("/proc").join(pid.to_string());
    if let Ok(stat) = fs::read_to_string(proc_dir.join("stat"))
        && let Some((_, rest)) = stat.rsplit_once(')')
        && matches!(rest.trim_start().chars().next(), Some('Z' | 'X'))
    {
        // A zombie has exited; whoever adopted it just has not reaped it yet.
        return false;
    }
    match fs::read(proc_dir.join("cmdline")) {
        Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains(CLUSTER_ID),
        // No /proc (macOS, BSD): the signal check is all there is.
        Err(_) => true,
    }
}

fn is_executable(p: &Path) -> bool {
    p.is_file() && fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// The broker binary: $NISSHI_BIN, else `nisshi` on PATH, else ~/.cargo/bin/nisshi (where
/// scripts/install-broker.sh puts it, and which is not always on PATH).
fn find_broker() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("NISSHI_BIN").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(p);
        if is_executable(&p) {
            return Ok(p);
        }
        bail!("NISSHI_BIN={} is not an executable file; unset it or point it at the nisshi binary", p.display());
    }
    let on_path = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).map(|d| d.join(BROKER_BIN)).collect::<Vec<_>>())
        .unwrap_or_default();
    let cargo_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin").join(BROKER_BIN));
    on_path.into_iter().chain(cargo_bin).find(|p| is_executable(p)).ok_or_else(|| {
        anyhow!(
            "the dev broker `{BROKER_BIN}` is not installed (looked at $NISSHI_BIN, PATH and ~/.cargo/bin). \
                 Install it with scripts/install-broker.sh (builds nisshi 0.8.1 with cargo; ~18 minutes the first \
                 time), or run `evbus dev up --install` to do that now"
        )
    })
}

/// scripts/install-broker.sh of the evbus checkout: in the working directory, or above the
/// running binary (target/debug/evbus inside the repository).
fn find_install_script() -> Option<PathBuf> {
    let rel = Path::new("scripts").join("install-broker.sh");
    if rel.is_file() {
        return Some(rel);
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().skip(1).map(|d| d.join(&rel)).find(|p| p.is_file())
}

fn install_broker(app: &App) -> Result<()> {
    let script = find_install_script().ok_or_else(|| {
        anyhow!("--install: cannot find scripts/install-broker.sh (run evbus from the evbus repository, or install nisshi 0.8.1 yourself and set NISSHI_BIN)")
    })?;
    app.ui.info(format!("evbus: the dev broker is missing; running {} (this takes a while)", script.display()));
    // The script's chatter is progress, not data: send it to stderr.
    let to_stderr = std::io::stderr().as_fd().try_clone_to_owned().context("cannot duplicate stderr")?;
    let status = Command::new("bash")
        .arg(&script)
        .stdin(Stdio::null())
        .stdout(Stdio::from(to_stderr))
        .status()
        .with_context(|| format!("cannot run {}", script.display()))?;
    if !status.success() {
        bail!("{} failed ({status}); see its output above", script.display());
    }
    Ok(())
}

/// True when nothing listens on 127.0.0.1:port (checked by binding it, as the broker will).
fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A metadata probe with a short per-try timeout, for readiness and status.
async fn answers(addr: &str, timeout: Duration) -> bool {
    let settings = Settings { brokers: addr.to_string(), props: Vec::new(), timeout, verbose: 0 };
    let Ok(admin) = settings.admin() else { return false };
    Arc::new(admin).metadata(None).await.is_ok_and(|m| !m.brokers.is_empty())
}

#[derive(Serialize)]
struct Report {
    status: &'static str,
    address: String,
    pid: Option<i32>,
    dir: PathBuf,
    log: PathBuf,
    /// `up`: whether this call started it (false: it was already running).
    #[serde(skip_serializing_if = "Option::is_none")]
    started: Option<bool>,
    /// `status`/`down`: anything worth knowing (stale pid file, port taken by someone else).
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

async fn up(app: &App, a: DevUpArgs) -> Result<ExitCode> {
    let mode = app.ui.mode()?;
    let DevUpArgs { dev: DevArgs { port, dir }, install } = a;
    if port == 0 {
        bail!(Exit::usage("--port 0: give the port the broker should listen on (clients need to know it)"));
    }
    let state = State { dir: dir.clone() };
    let addr = address(port);

    match state.recorded() {
        Recorded::Running(pid) => {
            let running_at = state.address(port);
            if running_at != addr {
                bail!(
                    "a dev broker from {} already runs at {running_at} (pid {pid}); stop it first with `evbus dev down{}`",
                    dir.display(),
                    dir_flag(&dir)
                );
            }
            let ok = answers(&running_at, app.settings.timeout).await;
            let report = Report {
                started: Some(false),
                ..state.report(if ok { "running" } else { "unresponsive" }, &running_at, Some(pid))
            };
            print_report(app, mode, &report, &format!("dev broker already running at {running_at} (pid {pid})"))?;
            return Ok(exit::code(if ok { exit::OK } else { exit::UNHEALTHY }));
        }
        Recorded::Stale(pid) => {
            app.ui.debug(format!("removing stale pid file (pid {pid} is not running)"));
            state.forget();
        }
        Recorded::Nothing => {}
    }

    if !port_is_free(port) {
        bail!(
            "port {port} on 127.0.0.1 is already in use (another Kafka or dev broker?). Stop whatever listens \
             there, or start on another port: evbus dev up --port {} (then use -b 127.0.0.1:{} or EVBUS_BROKERS)",
            suggest_port(port),
            suggest_port(port)
        );
    }

    let bin = match find_broker() {
        Ok(b) => b,
        Err(e) if install => {
            app.ui.debug(format!("{e:#}"));
            install_broker(app)?;
            find_broker()?
        }
        Err(e) => return Err(e),
    };
    // The broker runs in the state directory: a relative binary path must not resolve there.
    let bin = fs::canonicalize(&bin).unwrap_or(bin);

    fs::create_dir_all(&dir).with_context(|| format!("cannot create the state directory {}", dir.display()))?;
    let log =
        fs::File::create(state.log_file()).with_context(|| format!("cannot create {}", state.log_file().display()))?;
    let url = format!("tcp://{addr}");
    let mut cmd = Command::new(&bin);
    cmd.current_dir(&dir)
        .args([
            "broker",
            "--storage-engine",
            "sqlite://broker.db",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
        ])
        .args(["--cluster-id", CLUSTER_ID])
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: it outlives evbus and the terminal's Ctrl-C is not sent to it.
        .process_group(0);
    app.ui.debug(format!("starting {} in {}", bin.display(), dir.display()));
    let mut child = cmd.spawn().with_context(|| format!("cannot start {}", bin.display()))?;
    let pid = child.id() as i32;
    write_file(&state.pid_file(), &format!("{pid}\n"))?;
    write_file(&state.addr_file(), &format!("{addr}\n"))?;

    let limit = app.settings.timeout.max(MIN_STARTUP);
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            state.forget();
            bail!(
                "the dev broker exited during startup ({status}). Last lines of {}:\n{}",
                state.log_file().display(),
                state.log_tail(20)
            );
        }
        if answers(&addr, Duration::from_secs(1)).await {
            break;
        }
        if started.elapsed() > limit {
            let _ = stop_pid(pid);
            let _ = child.wait();
            state.forget();
            bail!(
                "the dev broker did not answer at {addr} within {}; it was stopped. Last lines of {}:\n{}",
                humantime::format_duration(limit),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let report = Report { started: Some(true), ..state.report("running", &addr, Some(pid)) };
    print_report(app, mode, &report, &format!("dev broker running at {addr} (pid {pid})"))?;
    app.ui.info(format!(
        "evbus: data in {}, log in {}; stop it with `evbus dev down{}`",
        dir.join("broker.db").display(),
        state.log_file().display(),
        dir_flag(&dir)
    ));
    if addr != crate::config::DEFAULT_BROKERS {
        app.ui.info(format!("evbus: point evbus at it with `export EVBUS_BROKERS={addr}` (or -b {addr})"));
    }
    Ok(exit::code(exit::OK))
}

fn suggest_port(port: u16) -> u16 {
    if port == 9092 { 19092 } else { port.checked_add(1).unwrap_or(19092) }
}

/// ` --dir X` when X is not the default, for copy-pasteable hints.
fn dir_flag(dir: &Path) -> String {
    if dir == Path::new(".evbus/dev") { String::new() } else { format!(" --dir {}", dir.display()) }
}

fn write_file(path: &Path, text: &str) -> Result<()> {
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

/// SIGTERM, then SIGKILL when it is still there after the grace period. Returns whether SIGKILL
/// was needed, or an error when the process survived both.
fn stop_pid(pid: i32) -> Result<bool> {
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
    if gone_within(TERM_GRACE) {
        return Ok(false);
    }
    signal(pid, Signal::KILL);
    if gone_within(Duration::from_secs(3)) {
        return Ok(true);
    }
    Err(anyhow!("the dev broker (pid {pid}) is still running after SIGTERM and SIGKILL"))
}

fn down(app: &App, a: DevArgs) -> Result<ExitCode> {
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
            report.pid = Some(pid);
            let killed = stop_pid(pid)?;
            state.forget();
            if killed {
                report.note = Some(format!("did not stop within {}s of SIGTERM; killed", TERM_GRACE.as_secs()));
            }
            format!(
                "stopped the dev broker at {address} (pid {pid}{}); data kept in {}",
                if killed { ", killed after SIGTERM was ignored" } else { "" },
                a.dir.display()
            )
        }
    };
    print_report(app, mode, &report, &text)?;
    Ok(exit::code(exit::OK))
}

async fn status(app: &App, a: DevArgs) -> Result<ExitCode> {
    let mode = app.ui.mode()?;
    let state = State { dir: a.dir.clone() };
    let address = state.address(a.port);
    let mut report = state.report("stopped", &address, None);
    let (text, code) = match state.recorded() {
        Recorded::Running(pid) => {
            report.pid = Some(pid);
            if answers(&address, app.settings.timeout).await {
                report.status = "running";
                (format!("running at {address} (pid {pid})"), exit::OK)
            } else {
                report.status = "unresponsive";
                report.note = Some(format!("see {}", state.log_file().display()));
                (
                    format!(
                        "process {pid} runs but {address} does not answer within {} (starting, or stuck: see {})",
                        humantime::format_duration(app.settings.timeout),
                        state.log_file().display()
                    ),
                    exit::UNHEALTHY,
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
            (text, exit::ERROR)
        }
    };
    print_report(app, mode, &report, &text)?;
    Ok(exit::code(code))
}

fn print_report(app: &App, mode: Mode, report: &Report, text: &str) -> Result<()> {
    match mode {
        Mode::Json => app.ui.json(report),
        Mode::Table => app.ui.out(text),
    }
}
