//! A dev broker's state directory: which files say what (pid, address, kind, log), and whether
//! the process a pid file names is still the broker `evbus dev` started.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, Result};

use crate::term::sanitize::for_terminal_multiline;

/// The first start creates the sqlite schema; a slow machine needs more than the default 10s.
const MIN_STARTUP_NISSHI: Duration = Duration::from_secs(30);
/// A JVM that loads Kafka takes 5-15s on a small, busy machine, before the first metadata answer.
const MIN_STARTUP_KAFKA: Duration = Duration::from_secs(90);
/// How long `down` waits after SIGTERM before SIGKILL. Kafka shuts down in a few seconds, but a
/// clean shutdown spares it log recovery on the next start, so it gets more time.
const TERM_GRACE_NISSHI: Duration = Duration::from_secs(5);
const TERM_GRACE_KAFKA: Duration = Duration::from_secs(30);

/// Which broker a state directory runs (from `broker.kind`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Kind {
    Kafka(String),
    Nisshi,
}

impl Kind {
    pub(super) fn parse(text: &str) -> Kind {
        match text.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["kafka", version] => Kind::Kafka(version.to_string()),
            ["kafka"] => Kind::Kafka(String::new()),
            // No file: a state directory of an evbus that only knew nisshi.
            _ => Kind::Nisshi,
        }
    }
    pub(super) fn file_text(&self) -> String {
        match self {
            Kind::Kafka(v) => format!("kafka {v}\n"),
            Kind::Nisshi => "nisshi\n".into(),
        }
    }
    pub(super) fn name(&self) -> &'static str {
        match self {
            Kind::Kafka(_) => "kafka",
            Kind::Nisshi => "nisshi",
        }
    }
    pub(super) fn version(&self) -> Option<String> {
        match self {
            Kind::Kafka(v) if !v.is_empty() => Some(v.clone()),
            _ => None,
        }
    }
    pub(super) fn describe(&self) -> String {
        match self {
            Kind::Kafka(v) if !v.is_empty() => format!("Apache Kafka {v}"),
            Kind::Kafka(_) => "Apache Kafka".into(),
            Kind::Nisshi => "nisshi".into(),
        }
    }
    pub(super) fn min_startup(&self) -> Duration {
        match self {
            Kind::Kafka(_) => MIN_STARTUP_KAFKA,
            Kind::Nisshi => MIN_STARTUP_NISSHI,
        }
    }
    pub(super) fn term_grace(&self) -> Duration {
        match self {
            Kind::Kafka(_) => TERM_GRACE_KAFKA,
            Kind::Nisshi => TERM_GRACE_NISSHI,
        }
    }
}

/// Files of one state directory.
pub(super) struct State {
    pub(super) dir: PathBuf,
}

/// What the pid file says about the broker.
pub(super) enum Recorded {
    /// No pid file.
    Nothing,
    /// A pid file whose process is gone (or is now some other program).
    Stale(i32),
    Running(i32),
}

impl State {
    pub(super) fn pid_file(&self) -> PathBuf {
        self.dir.join("broker.pid")
    }
    pub(super) fn addr_file(&self) -> PathBuf {
        self.dir.join("broker.addr")
    }
    pub(super) fn kind_file(&self) -> PathBuf {
        self.dir.join("broker.kind")
    }
    pub(super) fn log_file(&self) -> PathBuf {
        self.dir.join("broker.log")
    }

    pub(super) fn recorded(&self) -> Recorded {
        let Ok(text) = fs::read_to_string(self.pid_file()) else { return Recorded::Nothing };
        match text.trim().parse::<i32>() {
            Ok(pid) if pid > 0 && is_our_broker(pid) => Recorded::Running(pid),
            Ok(pid) => Recorded::Stale(pid),
            // An unreadable pid file cannot point at a process: treat it as stale.
            Err(_) => Recorded::Stale(0),
        }
    }

    /// The broker the directory last started; only meaningful while its pid file is current.
    pub(super) fn kind(&self) -> Kind {
        Kind::parse(&fs::read_to_string(self.kind_file()).unwrap_or_default())
    }

    /// The recorded address, else the one `--port` implies.
    pub(super) fn address(&self, port: u16) -> String {
        fs::read_to_string(self.addr_file())
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| address(port))
    }

    pub(super) fn forget(&self) {
        let _ = fs::remove_file(self.pid_file());
    }

    /// The last lines of the broker log, for startup failures.
    pub(super) fn log_tail(&self, lines: usize) -> String {
        let text = fs::read_to_string(self.log_file()).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        let tail = all[all.len().saturating_sub(lines)..].join("\n");
        for_terminal_multiline(&tail).into_owned()
    }
}

pub(super) fn address(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

/// True when `pid` is a live (not zombie) process that looks like a broker `evbus dev` started.
pub(super) fn is_our_broker(pid: i32) -> bool {
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

/// In the command line of every broker `evbus dev` starts (nisshi's cluster id, a system property
/// of Kafka's JVM): how a recorded pid is recognised as ours, since pids get reused.
pub(super) const MARKER: &str = "evbus-dev";

pub(super) fn write_file(path: &Path, text: &str) -> Result<()> {
    let mut f = fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// ` --dir X` when X is not the default, for copy-pasteable hints.
pub(super) fn dir_flag(dir: &Path) -> String {
    if dir == Path::new(".evbus/dev") { String::new() } else { format!(" --dir {}", dir.display()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_file_round_trips_and_old_dirs_mean_nisshi() {
        for k in [Kind::Kafka("4.4.0".into()), Kind::Nisshi] {
            assert_eq!(Kind::parse(&k.file_text()), k);
        }
        assert_eq!(Kind::parse(""), Kind::Nisshi);
        assert_eq!(Kind::Kafka("4.4.0".into()).describe(), "Apache Kafka 4.4.0");
    }
}
