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

use std::fs;
use std::io::Write as _;
use std::net::TcpListener;
use std::os::fd::AsFd as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use serde::Serialize;

use crate::app::App;
use crate::cli::{DevArgs, DevBroker, DevCommand, DevUpArgs};
use crate::exit::{self, Exit};
use crate::kafka::Settings;
use crate::term::sanitize::for_terminal_multiline;
use crate::term::ui::Mode;

/// In the command line of every broker `evbus dev` starts (nisshi's cluster id, a system property
/// of Kafka's JVM): how a recorded pid is recognised as ours, since pids get reused.
const MARKER: &str = "evbus-dev";
/// The nisshi binary's name on PATH and in ~/.cargo/bin.
const NISSHI_BIN: &str = "nisshi";
/// The KRaft cluster id storage is formatted with: base64 of the 16 bytes "evbus-dev-broker".
/// Fixed, because the data directory is only ever formatted once, by us.
const KAFKA_CLUSTER_ID: &str = "ZXZidXMtZGV2LWJyb2tlcg";
/// The Kafka version scripts/install-kafka.sh installs by default, preferred in its cache.
const KAFKA_PINNED: &str = include_str!("../../scripts/kafka/VERSION");
/// Kafka 4 and the install script's jars log through log4j2: warnings, plus the lines that say
/// the broker started, so that broker.log stays readable.
const KAFKA_LOG4J2: &str = include_str!("../../scripts/kafka/log4j2.properties");
/// The same for the reload4j (log4j 1) of Kafka 3 tarballs; without it they would log nothing.
const KAFKA_LOG4J1: &str = "\
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
";
/// Kafka 4 runs on Java 17+ only; Kafka 3 would take 11, but one rule is easier to explain.
const MIN_JAVA: u32 = 17;
/// Combined KRaft mode is production-ready (and `StorageTool format` takes our flags) from 3.3.
const MIN_KAFKA: (u64, u64) = (3, 3);
/// The first start creates the sqlite schema; a slow machine needs more than the default 10s.
const MIN_STARTUP_NISSHI: Duration = Duration::from_secs(30);
/// A JVM that loads Kafka takes 5-15s on a small, busy machine, before the first metadata answer.
const MIN_STARTUP_KAFKA: Duration = Duration::from_secs(90);
/// How long `down` waits after SIGTERM before SIGKILL. Kafka shuts down in a few seconds, but a
/// clean shutdown spares it log recovery on the next start, so it gets more time.
const TERM_GRACE_NISSHI: Duration = Duration::from_secs(5);
const TERM_GRACE_KAFKA: Duration = Duration::from_secs(30);

pub async fn run(app: &App, cmd: DevCommand) -> Result<ExitCode> {
    match cmd {
        DevCommand::Up(a) => up(app, a).await,
        DevCommand::Down(a) => down(app, a),
        DevCommand::Status(a) => status(app, a).await,
    }
}

/// Which broker a state directory runs (from `broker.kind`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Kafka(String),
    Nisshi,
}

impl Kind {
    fn parse(text: &str) -> Kind {
        match text.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["kafka", version] => Kind::Kafka(version.to_string()),
            ["kafka"] => Kind::Kafka(String::new()),
            // No file: a state directory of an evbus that only knew nisshi.
            _ => Kind::Nisshi,
        }
    }
    fn file_text(&self) -> String {
        match self {
            Kind::Kafka(v) => format!("kafka {v}\n"),
            Kind::Nisshi => "nisshi\n".into(),
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Kind::Kafka(_) => "kafka",
            Kind::Nisshi => "nisshi",
        }
    }
    fn version(&self) -> Option<String> {
        match self {
            Kind::Kafka(v) if !v.is_empty() => Some(v.clone()),
            _ => None,
        }
    }
    fn describe(&self) -> String {
        match self {
            Kind::Kafka(v) if !v.is_empty() => format!("Apache Kafka {v}"),
            Kind::Kafka(_) => "Apache Kafka".into(),
            Kind::Nisshi => "nisshi".into(),
        }
    }
    fn min_startup(&self) -> Duration {
        match self {
            Kind::Kafka(_) => MIN_STARTUP_KAFKA,
            Kind::Nisshi => MIN_STARTUP_NISSHI,
        }
    }
    fn term_grace(&self) -> Duration {
        match self {
            Kind::Kafka(_) => TERM_GRACE_KAFKA,
            Kind::Nisshi => TERM_GRACE_NISSHI,
        }
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
    fn kind_file(&self) -> PathBuf {
        self.dir.join("broker.kind")
    }
    fn log_file(&self) -> PathBuf {
        self.dir.join("broker.log")
    }

    /// The report skeleton every subcommand prints for this state dir.
    fn report(&self, status: &'static str, address: &str, pid: Option<i32>) -> Report {
        Report {
            status,
            address: address.to_string(),
            pid,
            broker: None,
            version: None,
            dir: self.dir.clone(),
            log: self.log_file(),
            started: None,
            note: None,
        }
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

    /// The broker the directory last started; only meaningful while its pid file is current.
    fn kind(&self) -> Kind {
        Kind::parse(&fs::read_to_string(self.kind_file()).unwrap_or_default())
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
        Ok(cmdline) => String::from_utf8_lossy(&cmdline).contains(MARKER),
        // No /proc (macOS, BSD): the signal check is all there is.
        Err(_) => true,
    }
}

fn is_executable(p: &Path) -> bool {
    p.is_file() && fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// `name` in a directory of PATH.
fn on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| is_executable(p))
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Whether something the broker needs is there; `Missing` says what is not (or what a setting
/// points at instead), for the message that explains what to install.
enum Avail<T> {
    Ready(T),
    Missing(String),
}

/// What it takes to run Apache Kafka.
struct Kafka {
    java: PathBuf,
    /// Absolute: the broker runs in the state directory.
    libs: PathBuf,
    version: String,
}

/// What `up` will start.
enum Broker {
    Kafka(Kafka),
    Nisshi(PathBuf),
}

/// The version of the Kafka broker jar in `libs` (`kafka_2.13-4.4.0.jar`: the part after the
/// Scala version), skipping `-test`/`-sources` jars.
fn kafka_version_in(libs: &Path) -> Option<String> {
    fs::read_dir(libs).ok()?.flatten().find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let stem = name.strip_prefix("kafka_2.")?.strip_suffix(".jar")?;
        let (_, version) = stem.split_once('-')?;
        (version.starts_with(|c: char| c.is_ascii_digit()) && !version.contains('-')).then(|| version.to_string())
    })
}

/// `4.4.0` as numbers, for ordering versions.
fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-']).map(|p| p.parse().unwrap_or(0)).collect()
}

/// A directory of Kafka jars that `what` (a setting, or the cache) points at, and its broker
/// version. A wrong one is named, not passed over for another: the user chose it.
fn check_libs(libs: &Path, what: &str) -> Avail<(PathBuf, String)> {
    let Some(version) = kafka_version_in(libs) else {
        return Avail::Missing(format!(
            "{what} is not an Apache Kafka distribution (no kafka_2.13-<version>.jar in {})",
            libs.display()
        ));
    };
    let key = version_key(&version);
    if (key.first().copied().unwrap_or(0), key.get(1).copied().unwrap_or(0)) < MIN_KAFKA {
        return Avail::Missing(format!(
            "{what} is Apache Kafka {version}, too old for a KRaft dev broker (it needs {}.{} or newer)",
            MIN_KAFKA.0, MIN_KAFKA.1
        ));
    }
    let libs = fs::canonicalize(libs).unwrap_or_else(|_| libs.to_path_buf());
    Avail::Ready((libs, version))
}

/// The cache of scripts/install-kafka.sh.
fn kafka_cache() -> Option<PathBuf> {
    env_path("EVBUS_CACHE").or_else(|| env_path("HOME").map(|h| h.join(".cache/evbus")))
}

/// Kafka's jars: $KAFKA_HOME/libs, else $EVBUS_KAFKA_LIBS, else the install script's cache
/// ($KAFKA_VERSION's, else the pinned version's, else the newest there).
fn find_kafka_libs() -> Avail<(PathBuf, String)> {
    if let Some(home) = env_path("KAFKA_HOME") {
        return check_libs(&home.join("libs"), &format!("KAFKA_HOME={}", home.display()));
    }
    if let Some(libs) = env_path("EVBUS_KAFKA_LIBS") {
        return check_libs(&libs, &format!("EVBUS_KAFKA_LIBS={}", libs.display()));
    }
    let Some(cache) = kafka_cache() else {
        return Avail::Missing("no Kafka jars (KAFKA_HOME, EVBUS_KAFKA_LIBS and HOME are unset)".into());
    };
    let installed = |v: &str| {
        let libs = cache.join(format!("kafka-{v}")).join("libs");
        // The script marks a finished download; a half-copied class path would fail obscurely.
        libs.join(".complete").is_file().then_some(libs)
    };
    let wanted = std::env::var("KAFKA_VERSION").ok().filter(|v| !v.is_empty());
    let found = match &wanted {
        Some(v) => installed(v),
        None => installed(KAFKA_PINNED.trim()).or_else(|| {
            let mut versions: Vec<String> = fs::read_dir(&cache)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| e.file_name().to_str()?.strip_prefix("kafka-").map(str::to_string))
                .filter(|v| installed(v).is_some())
                .collect();
            versions.sort_by_key(|v| version_key(v));
            versions.last().and_then(|v| installed(v))
        }),
    };
    match found {
        Some(libs) => check_libs(&libs, &format!("{} (scripts/install-kafka.sh)", libs.display())),
        None => Avail::Missing(match wanted {
            Some(v) => format!("Apache Kafka {v} (KAFKA_VERSION) is not installed in {}", cache.display()),
            None => format!(
                "no Kafka jars (KAFKA_HOME and EVBUS_KAFKA_LIBS are unset, and {} has no kafka-<version>/libs)",
                cache.display()
            ),
        }),
    }
}

/// The major version in `java -version` output: `openjdk version "17.0.15" 2025-04-15`,
/// `openjdk version "21" 2023-09-19`, `java version "1.8.0_381"`.
fn java_major(version_output: &str) -> Option<u32> {
    let line = version_output.lines().find(|l| l.contains(" version \""))?;
    let quoted = line.split('"').nth(1)?;
    let mut parts = quoted.split(['.', '_', '-', '+']);
    let first: u32 = parts.next()?.parse().ok()?;
    if first == 1 { parts.next()?.parse().ok() } else { Some(first) }
}

/// Java 17+: $JAVA_HOME/bin/java when JAVA_HOME is set (as Kafka's own scripts do), else `java`
/// on PATH.
fn find_java() -> Avail<PathBuf> {
    let java = match env_path("JAVA_HOME") {
        Some(home) => {
            let java = home.join("bin/java");
            if !is_executable(&java) {
                return Avail::Missing(format!("JAVA_HOME={} has no bin/java", home.display()));
            }
            java
        }
        None => match on_path("java") {
            Some(java) => java,
            None => return Avail::Missing("java is not on PATH".into()),
        },
    };
    let out = match Command::new(&java).arg("-version").stdin(Stdio::null()).output() {
        Ok(out) => out,
        Err(e) => return Avail::Missing(format!("cannot run {}: {e}", java.display())),
    };
    let text = format!("{}{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    match java_major(&text) {
        Some(major) if major >= MIN_JAVA => Avail::Ready(java),
        Some(major) => Avail::Missing(format!("{} is Java {major}, too old (Kafka needs {MIN_JAVA}+)", java.display())),
        None => Avail::Missing(format!("cannot tell the version of {} from `java -version`", java.display())),
    }
}

/// Java and Kafka's jars, or everything that is missing of them.
fn find_kafka() -> Avail<Kafka> {
    match (find_kafka_libs(), find_java()) {
        (Avail::Ready((libs, version)), Avail::Ready(java)) => Avail::Ready(Kafka { java, libs, version }),
        (Avail::Missing(a), Avail::Missing(b)) => Avail::Missing(format!("{a}; {b}")),
        (Avail::Missing(why), _) | (_, Avail::Missing(why)) => Avail::Missing(why),
    }
}

const KAFKA_NEEDS: &str = "Java 17+ and Kafka's jars: run scripts/install-kafka.sh (fetches both, about a \
                           minute; or `evbus dev up --install`), or set KAFKA_HOME to an unpacked Apache Kafka \
                           3.3+ distribution";

/// The nisshi binary: $NISSHI_BIN, else `nisshi` on PATH, else ~/.cargo/bin/nisshi (where
/// scripts/install-broker.sh puts it, and which is not always on PATH).
fn find_nisshi() -> Avail<PathBuf> {
    if let Some(p) = env_path("NISSHI_BIN") {
        if is_executable(&p) {
            return Avail::Ready(p);
        }
        return Avail::Missing(format!(
            "NISSHI_BIN={} is not an executable file (unset it or point it at the nisshi binary)",
            p.display()
        ));
    }
    let cargo_bin = env_path("HOME").map(|h| h.join(".cargo/bin").join(NISSHI_BIN));
    match on_path(NISSHI_BIN).or_else(|| cargo_bin.filter(|p| is_executable(p))) {
        Some(p) => Avail::Ready(p),
        None => Avail::Missing("nisshi is not installed (looked at $NISSHI_BIN, PATH and ~/.cargo/bin)".into()),
    }
}

/// The broker `up` starts: the one asked for, or with `auto` Kafka when it is at hand, else
/// nisshi. `install` runs the matching install script when what is asked for is missing.
fn choose(app: &App, choice: DevBroker, install: bool) -> Result<Broker> {
    if choice == DevBroker::Nisshi {
        return match find_nisshi() {
            Avail::Ready(bin) => Ok(Broker::Nisshi(bin)),
            Avail::Missing(why) if install => {
                app.ui.debug(why);
                run_install_script(app, "install-broker.sh", "builds nisshi with cargo; this takes a while")?;
                match find_nisshi() {
                    Avail::Ready(bin) => Ok(Broker::Nisshi(bin)),
                    Avail::Missing(why) => bail!("scripts/install-broker.sh ran, but still: {why}"),
                }
            }
            Avail::Missing(why) => bail!(
                "{why}. Install it with scripts/install-broker.sh (builds nisshi 0.8.1 with cargo; ~18 minutes \
                 the first time), or run `evbus dev up --broker nisshi --install` to do that now"
            ),
        };
    }
    let why_not_kafka = match find_kafka() {
        Avail::Ready(k) => return Ok(Broker::Kafka(k)),
        Avail::Missing(why) => why,
    };
    if install {
        app.ui.debug(&why_not_kafka);
        run_install_script(app, "install-kafka.sh", "fetches Apache Kafka's jars, and Java when it is missing")?;
        return match find_kafka() {
            Avail::Ready(k) => Ok(Broker::Kafka(k)),
            Avail::Missing(why) => bail!("scripts/install-kafka.sh ran, but Apache Kafka still cannot run: {why}"),
        };
    }
    if choice == DevBroker::Kafka {
        bail!("cannot run Apache Kafka: {why_not_kafka}. It needs {KAFKA_NEEDS}");
    }
    match find_nisshi() {
        Avail::Ready(bin) => {
            app.ui.info(format!("evbus: Apache Kafka is not available ({why_not_kafka}); running nisshi instead"));
            Ok(Broker::Nisshi(bin))
        }
        Avail::Missing(why_not_nisshi) => bail!(
            "no dev broker available. Apache Kafka: {why_not_kafka}. nisshi: {why_not_nisshi}.\n\
             evbus dev up needs {KAFKA_NEEDS}. Or else nisshi: scripts/install-broker.sh builds it (~18 minutes), \
             or point NISSHI_BIN at it"
        ),
    }
}

/// An install script of the evbus checkout: in the working directory, or above the running
/// binary (target/debug/evbus inside the repository).
fn find_script(name: &str) -> Option<PathBuf> {
    let rel = Path::new("scripts").join(name);
    if rel.is_file() {
        return Some(rel);
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().skip(1).map(|d| d.join(&rel)).find(|p| p.is_file())
}

fn run_install_script(app: &App, name: &str, what: &str) -> Result<()> {
    let script = find_script(name).ok_or_else(|| {
        anyhow!("--install: cannot find scripts/{name} (run evbus from the evbus repository, or install the broker yourself)")
    })?;
    app.ui.info(format!("evbus: the dev broker is missing; running {} ({what})", script.display()));
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

async fn up(app: &App, a: DevUpArgs) -> Result<ExitCode> {
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
            return Ok(exit::code(if ok { exit::OK } else { exit::UNHEALTHY }));
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
    Ok(exit::code(exit::OK))
}

fn start_nisshi(app: &App, dir: &Path, bin: &Path, addr: &str, log: fs::File) -> Result<Child> {
    // It runs in the state directory: a relative binary path must not resolve there.
    let bin = fs::canonicalize(bin).unwrap_or_else(|_| bin.to_path_buf());
    let url = format!("tcp://{addr}");
    let mut cmd = Command::new(&bin);
    cmd.current_dir(dir)
        .args([
            "broker",
            "--storage-engine",
            "sqlite://broker.db",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
        ])
        .args(["--cluster-id", MARKER])
        .env("RUST_LOG", std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: it outlives evbus and the terminal's Ctrl-C is not sent to it.
        .process_group(0);
    app.ui.debug(format!("starting {} in {}", bin.display(), dir.display()));
    cmd.spawn().with_context(|| format!("cannot start {}", bin.display()))
}

/// A JVM on Kafka's class path, in the state directory, logging to stdout (broker.log).
fn kafka_java(k: &Kafka, dir: &Path, heap: &[&str]) -> Command {
    let mut c = Command::new(&k.java);
    c.current_dir(dir)
        .args(heap)
        .args(["-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true"])
        .arg(format!("-Dlog4j2.configurationFile={}", dir.join("log4j2.properties").display()))
        .arg(format!("-Dlog4j.configuration=file:{}", dir.join("log4j.properties").display()))
        .arg("-cp")
        // The JVM expands `dir/*` to the jars itself.
        .arg(format!("{}/*", k.libs.display()))
        .stdin(Stdio::null());
    c
}

/// Kafka's controller listener port: the recorded one, so it stays put across restarts, else
/// the first free port above the client port.
fn controller_port(app: &App, state: &State, port: u16) -> Result<u16> {
    let file = state.dir.join("controller.port");
    let recorded = fs::read_to_string(&file).ok().and_then(|s| s.trim().parse::<u16>().ok()).filter(|p| *p != 0);
    if let Some(p) = recorded
        && p != port
        && port_is_free(p)
    {
        return Ok(p);
    }
    let picked = (port.saturating_add(1)..=port.saturating_add(100))
        .find(|p| *p != port && port_is_free(*p))
        .or_else(|| TcpListener::bind(("127.0.0.1", 0)).ok()?.local_addr().ok().map(|a| a.port()))
        .ok_or_else(|| anyhow!("no free port on 127.0.0.1 for Kafka's controller listener"))?;
    if let Some(p) = recorded {
        // The voters are static configuration (controller.quorum.voters), not stored in the
        // metadata log, so the controller can move without touching the data.
        app.ui.info(format!("evbus: Kafka's controller port {p} is taken now; it moves to {picked}"));
    }
    write_file(&file, &format!("{picked}\n"))?;
    Ok(picked)
}

/// A combined broker+controller node with one PLAINTEXT listener for clients, sized for a
/// laptop: single-replica internal topics with few partitions, no initial rebalance delay.
fn server_properties(dir: &Path, port: u16, controller: u16) -> String {
    format!(
        "# Written by `evbus dev up` on every start: edits here are overwritten.\n\
         process.roles=broker,controller\n\
         node.id=1\n\
         controller.quorum.voters=1@127.0.0.1:{controller}\n\
         controller.listener.names=CONTROLLER\n\
         inter.broker.listener.name=PLAINTEXT\n\
         listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}\n\
         advertised.listeners=PLAINTEXT://127.0.0.1:{port}\n\
         listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT\n\
         log.dirs={data}\n\
         num.partitions=1\n\
         default.replication.factor=1\n\
         offsets.topic.replication.factor=1\n\
         offsets.topic.num.partitions=3\n\
         transaction.state.log.replication.factor=1\n\
         transaction.state.log.min.isr=1\n\
         transaction.state.log.num.partitions=2\n\
         share.coordinator.state.topic.replication.factor=1\n\
         share.coordinator.state.topic.min.isr=1\n\
         share.coordinator.state.topic.num.partitions=1\n\
         group.initial.rebalance.delay.ms=0\n\
         num.network.threads=2\n\
         num.io.threads=4\n\
         num.recovery.threads.per.data.dir=1\n",
        data = dir.join("kafka-data").display(),
    )
}

/// Write the configuration, format the storage on the first start, and start `kafka.Kafka`.
fn start_kafka(app: &App, state: &State, dir: &Path, k: &Kafka, port: u16, log: fs::File) -> Result<Child> {
    let controller = controller_port(app, state, port)?;
    write_file(&dir.join("server.properties"), &server_properties(dir, port, controller))?;
    write_file(&dir.join("log4j2.properties"), KAFKA_LOG4J2)?;
    write_file(&dir.join("log4j.properties"), KAFKA_LOG4J1)?;
    app.ui.debug(format!("Apache Kafka {} from {}, java {}", k.version, k.libs.display(), k.java.display()));

    let data = dir.join("kafka-data");
    if !data.join("meta.properties").is_file() {
        app.ui.info(format!("evbus: formatting Kafka's storage in {}", state.dir.join("kafka-data").display()));
        let status = kafka_java(k, dir, &["-Xmx256m"])
            .args(["kafka.tools.StorageTool", "format", "-t", KAFKA_CLUSTER_ID, "-c", "server.properties"])
            .stdout(log.try_clone()?)
            .stderr(log.try_clone()?)
            .status()
            .with_context(|| format!("cannot run {}", k.java.display()))?;
        if !status.success() {
            bail!(
                "formatting Kafka's storage in {} failed ({status}). Last lines of {}:\n{}",
                data.display(),
                state.log_file().display(),
                state.log_tail(20)
            );
        }
    }

    app.ui.info(format!("evbus: starting Apache Kafka {} (this takes a few seconds)", k.version));
    let mut cmd = kafka_java(k, dir, &["-Xms128m", "-Xmx1g"]);
    cmd.arg(format!("-Devbus.dev={MARKER}"))
        .args(["kafka.Kafka", "server.properties"])
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: it outlives evbus and the terminal's Ctrl-C is not sent to it.
        .process_group(0);
    cmd.spawn().with_context(|| format!("cannot start {}", k.java.display()))
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
    Ok(exit::code(exit::OK))
}

async fn status(app: &App, a: DevArgs) -> Result<ExitCode> {
    let mode = app.ui.mode()?;
    let state = State { dir: a.dir.clone() };
    let address = state.address(a.port);
    let mut report = state.report("stopped", &address, None);
    let (text, code) = match state.recorded() {
        Recorded::Running(pid) => {
            let kind = state.kind();
            report = report.of(&kind);
            report.pid = Some(pid);
            if answers(&address, app.settings.timeout).await {
                report.status = "running";
                (format!("running at {address} ({}, pid {pid})", kind.describe()), exit::OK)
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

    #[test]
    fn java_major_reads_every_version_scheme() {
        let modern = "openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6)\n";
        assert_eq!(java_major(modern), Some(17));
        assert_eq!(java_major("openjdk version \"21\" 2023-09-19\n"), Some(21));
        assert_eq!(java_major("java version \"1.8.0_381\"\n"), Some(8));
        assert_eq!(
            java_major("Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version \"11.0.2\" 2019-01-15\n"),
            Some(11)
        );
        assert_eq!(java_major("bash: java: command not found\n"), None);
    }

    #[test]
    fn kafka_version_comes_from_the_broker_jar() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["kafka-clients-4.4.0.jar", "kafka_2.13-4.4.0-test.jar", "slf4j-api-2.0.17.jar"] {
            fs::write(dir.path().join(f), "").unwrap();
        }
        assert_eq!(kafka_version_in(dir.path()), None, "only kafka_2.x-<version>.jar counts");
        fs::write(dir.path().join("kafka_2.13-4.4.0.jar"), "").unwrap();
        assert_eq!(kafka_version_in(dir.path()).as_deref(), Some("4.4.0"));
        assert!(matches!(check_libs(dir.path(), "test"), Avail::Ready((_, v)) if v == "4.4.0"));

        let old = tempfile::tempdir().unwrap();
        fs::write(old.path().join("kafka_2.12-2.8.2.jar"), "").unwrap();
        let Avail::Missing(why) = check_libs(old.path(), "KAFKA_HOME=/x") else { panic!("2.8 has no KRaft") };
        assert!(why.starts_with("KAFKA_HOME=/x is Apache Kafka 2.8.2") && why.contains("3.3 or newer"), "{why}");
    }

    #[test]
    fn versions_order_numerically() {
        let mut v = vec!["3.9.2", "4.4.0", "3.10.0", "4.0.1"];
        v.sort_by_key(|v| version_key(v));
        assert_eq!(v, ["3.9.2", "3.10.0", "4.0.1", "4.4.0"]);
    }

    #[test]
    fn kind_file_round_trips_and_old_dirs_mean_nisshi() {
        for k in [Kind::Kafka("4.4.0".into()), Kind::Nisshi] {
            assert_eq!(Kind::parse(&k.file_text()), k);
        }
        assert_eq!(Kind::parse(""), Kind::Nisshi);
        assert_eq!(Kind::Kafka("4.4.0".into()).describe(), "Apache Kafka 4.4.0");
    }

    #[test]
    fn pinned_kafka_version_is_a_version() {
        let v = KAFKA_PINNED.trim();
        assert!(!v.is_empty() && version_key(v).len() >= 2, "{v:?}");
    }
}
