//! Which broker `evbus dev up` can run here: Apache Kafka (Java 17+ and Kafka's jars, from
//! `$KAFKA_HOME`, `$EVBUS_KAFKA_LIBS` or the install script's cache) or nisshi, and running the
//! install scripts when asked to.

use std::fs;
use std::os::fd::AsFd as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, anyhow, bail};

use crate::app::App;
use crate::cli::DevBroker;

/// The nisshi binary's name on PATH and in ~/.cargo/bin.
const NISSHI_BIN: &str = "nisshi";
/// The Kafka version scripts/install-kafka.sh installs by default, preferred in its cache.
const KAFKA_PINNED: &str = include_str!("../../../scripts/kafka/VERSION");
/// Kafka 4 runs on Java 17+ only; Kafka 3 would take 11, but one rule is easier to explain.
const MIN_JAVA: u32 = 17;
/// Combined KRaft mode is production-ready (and `StorageTool format` takes our flags) from 3.3.
const MIN_KAFKA: (u64, u64) = (3, 3);

pub(super) fn is_executable(p: &Path) -> bool {
    p.is_file() && fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

/// `name` in a directory of PATH.
pub(super) fn on_path(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|d| d.join(name)).find(|p| is_executable(p))
}

pub(super) fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Whether something the broker needs is there; `Missing` says what is not (or what a setting
/// points at instead), for the message that explains what to install.
pub(super) enum Avail<T> {
    Ready(T),
    Missing(String),
}

/// What it takes to run Apache Kafka.
pub(super) struct Kafka {
    pub(super) java: PathBuf,
    /// Absolute: the broker runs in the state directory.
    pub(super) libs: PathBuf,
    pub(super) version: String,
}

/// What `up` will start.
pub(super) enum Broker {
    Kafka(Kafka),
    Nisshi(PathBuf),
}

/// The version of the Kafka broker jar in `libs` (`kafka_2.13-4.4.0.jar`: the part after the
/// Scala version), skipping `-test`/`-sources` jars.
pub(super) fn kafka_version_in(libs: &Path) -> Option<String> {
    fs::read_dir(libs).ok()?.flatten().find_map(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let stem = name.strip_prefix("kafka_2.")?.strip_suffix(".jar")?;
        let (_, version) = stem.split_once('-')?;
        (version.starts_with(|c: char| c.is_ascii_digit()) && !version.contains('-')).then(|| version.to_string())
    })
}

/// `4.4.0` as numbers, for ordering versions.
pub(super) fn version_key(v: &str) -> Vec<u64> {
    v.split(['.', '-']).map(|p| p.parse().unwrap_or(0)).collect()
}

/// A directory of Kafka jars that `what` (a setting, or the cache) points at, and its broker
/// version. A wrong one is named, not passed over for another: the user chose it.
pub(super) fn check_libs(libs: &Path, what: &str) -> Avail<(PathBuf, String)> {
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
pub(super) fn kafka_cache() -> Option<PathBuf> {
    env_path("EVBUS_CACHE").or_else(|| env_path("HOME").map(|h| h.join(".cache/evbus")))
}

/// Kafka's jars: $KAFKA_HOME/libs, else $EVBUS_KAFKA_LIBS, else the install script's cache
/// ($KAFKA_VERSION's, else the pinned version's, else the newest there).
pub(super) fn find_kafka_libs() -> Avail<(PathBuf, String)> {
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
pub(super) fn java_major(version_output: &str) -> Option<u32> {
    let line = version_output.lines().find(|l| l.contains(" version \""))?;
    let quoted = line.split('"').nth(1)?;
    let mut parts = quoted.split(['.', '_', '-', '+']);
    let first: u32 = parts.next()?.parse().ok()?;
    if first == 1 { parts.next()?.parse().ok() } else { Some(first) }
}

/// Java 17+: $JAVA_HOME/bin/java when JAVA_HOME is set (as Kafka's own scripts do), else `java`
/// on PATH.
pub(super) fn find_java() -> Avail<PathBuf> {
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
pub(super) fn find_kafka() -> Avail<Kafka> {
    match (find_kafka_libs(), find_java()) {
        (Avail::Ready((libs, version)), Avail::Ready(java)) => Avail::Ready(Kafka { java, libs, version }),
        (Avail::Missing(a), Avail::Missing(b)) => Avail::Missing(format!("{a}; {b}")),
        (Avail::Missing(why), _) | (_, Avail::Missing(why)) => Avail::Missing(why),
    }
}

pub(super) const KAFKA_NEEDS: &str = "Java 17+ and Kafka's jars: run scripts/install-kafka.sh (fetches both, about a \
                           minute; or `evbus dev up --install`), or set KAFKA_HOME to an unpacked Apache Kafka \
                           3.3+ distribution";

/// The nisshi binary: $NISSHI_BIN, else `nisshi` on PATH, else ~/.cargo/bin/nisshi (where
/// scripts/install-broker.sh puts it, and which is not always on PATH).
pub(super) fn find_nisshi() -> Avail<PathBuf> {
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
pub(super) fn choose(app: &App, choice: DevBroker, install: bool) -> Result<Broker> {
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
pub(super) fn find_script(name: &str) -> Option<PathBuf> {
    let rel = Path::new("scripts").join(name);
    if rel.is_file() {
        return Some(rel);
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors().skip(1).map(|d| d.join(&rel)).find(|p| p.is_file())
}

pub(super) fn run_install_script(app: &App, name: &str, what: &str) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn pinned_kafka_version_is_a_version() {
        let v = KAFKA_PINNED.trim();
        assert!(!v.is_empty() && version_key(v).len() >= 2, "{v:?}");
    }
}
