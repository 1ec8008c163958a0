//! The test broker: Apache Kafka in KRaft mode (one combined broker+controller node) on free
//! loopback ports, started from the jars `scripts/install-kafka.sh` puts in its cache.
//!
//! - [`Broker::start`] hands out the suite's shared broker (started once per test binary): each
//!   caller gets its own working directory and must use unique topic and group names.
//! - [`Broker::private`] starts a broker of the test's own, for tests that restart it, list every
//!   topic, or need TLS, SASL or ACLs.
//! - `EVBUS_TEST_BOOTSTRAP=host:port` replaces the shared broker with an external one.
//! - `EVBUS_TEST_BROKER=nisshi` runs the plain brokers on nisshi instead (opt-in second target;
//!   the security variants need Apache Kafka and fail there).
//!
//! Every broker gets a PLAINTEXT listener named INTERNAL beside the one clients use: Kafka's
//! inter-broker traffic and the harness's own setup calls (ACLs, readiness) go through it, so a
//! broker that demands TLS or SASL of clients is still easy to prepare.
//!
//! A broker process never outlives the test binary: it is started by a small shell wrapper that
//! reads the test process's pipe and kills the JVM when the pipe closes (even after a SIGKILL).

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rdkafka::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};

mod cluster;
pub(crate) use cluster::{Cluster, shared as shared_cluster};

/// A port nobody listens on now (from the kernel's ephemeral range): for addresses that must
/// not answer. A server the tests start takes a [`server_port`].
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A free port for a server the tests start, and may kill and start again on the same port:
/// below the kernel's ephemeral range. A port from that range (what `bind(0)` gives) can be
/// taken while the server is down, as the local port of any outgoing connection or by another
/// test's `bind(0)`; a restarted node then cannot bind, or the harness's "is it up?" reaches
/// someone else's broker (the shared cluster once lost a node that way under load).
pub(crate) fn server_port() -> u16 {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicU32, Ordering};
    static START: OnceLock<u32> = OnceLock::new();
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const BASE: u32 = 10_000;
    let low: u32 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .filter(|l| *l > BASE + 1_000)
        .unwrap_or(32_768);
    let span = low - BASE;
    // Another test process (a second suite on the machine) starts elsewhere in the range.
    let start = *START.get_or_init(|| (uuid::Uuid::new_v4().as_u128() % u128::from(span)) as u32);
    for _ in 0..span {
        let p = BASE + (start + NEXT.fetch_add(1, Ordering::Relaxed)) % span;
        if TcpListener::bind(("127.0.0.1", p as u16)).is_ok() {
            return p as u16;
        }
    }
    panic!("no free port between {BASE} and {low}");
}

/// How clients talk to a listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Protocol {
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

impl Protocol {
    fn name(self) -> &'static str {
        match self {
            Protocol::Plaintext => "PLAINTEXT",
            Protocol::Ssl => "SSL",
            Protocol::SaslPlaintext => "SASL_PLAINTEXT",
            Protocol::SaslSsl => "SASL_SSL",
        }
    }
    fn sasl(self) -> bool {
        matches!(self, Protocol::SaslPlaintext | Protocol::SaslSsl)
    }
    fn tls(self) -> bool {
        matches!(self, Protocol::Ssl | Protocol::SaslSsl)
    }
}

/// The broker's TLS identity (PEM files) and whether it demands client certificates.
#[derive(Clone, Debug)]
pub(crate) struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
    pub client_auth: bool,
}

/// What a private broker looks like.
#[derive(Default, Clone, Debug)]
pub(crate) struct BrokerOpts {
    /// Client listeners by name; empty means one PLAINTEXT listener. The first one is `bootstrap`.
    pub listeners: Vec<(&'static str, Protocol)>,
    pub tls: Option<TlsFiles>,
    /// SASL/PLAIN users (name, password), declared in the listener's JAAS config.
    pub plain_users: Vec<(String, String)>,
    /// SCRAM credentials (mechanism, name, password), written when the storage is formatted.
    pub scram_users: Vec<(String, String, String)>,
    /// The StandardAuthorizer, with `User:admin` and the INTERNAL listener as super users.
    pub authorizer: bool,
    /// Extra `server.properties` lines.
    pub props: Vec<(String, String)>,
    /// A fixed port for the first client listener.
    pub port: Option<u16>,
    /// Advertise the first client listener at this port instead of its own (a broker whose
    /// metadata sends clients where nothing answers, while its bootstrap address does).
    pub advertise_first_at: Option<u16>,
    /// A fixed port for the KRaft controller listener (the nodes of a cluster name each other's).
    pub controller_port: Option<u16>,
    /// The JVM's `-Xmx` (default 640m); a cluster's nodes take less, to fit three on a small machine.
    pub heap: Option<&'static str>,
    /// Feature levels the storage is formatted with (`streams.version=0`: a 4.x cluster without
    /// streams groups), on top of the release's defaults.
    pub features: Vec<&'static str>,
}

pub(crate) struct Broker {
    /// The first client listener, `127.0.0.1:PORT`.
    pub bootstrap: String,
    pub port: u16,
    /// The INTERNAL PLAINTEXT listener (harness setup), equal to `bootstrap` on external brokers.
    pub internal: String,
    /// Ports of the client listeners, by name.
    pub ports: Vec<(&'static str, u16)>,
    /// This test's working directory (where `evbus()` runs). The broker's data lives in `home`.
    pub dir: tempfile::TempDir,
    home: PathBuf,
    controller_port: u16,
    internal_port: u16,
    opts: BrokerOpts,
    proc: Option<Proc>,
    /// True for the shared (or an external) broker: other tests use it at the same time.
    pub external: bool,
    nisshi: bool,
}

/// A running broker: the wrapper shell and the pipe that keeps it alive.
struct Proc {
    wrapper: Child,
    stdin: Option<ChildStdin>,
}

/// The jars of Apache Kafka (`scripts/install-kafka.sh`): `$EVBUS_KAFKA_LIBS`, else the cache
/// directory of `$KAFKA_VERSION` (default: the version pinned in scripts/kafka/VERSION).
pub(crate) fn kafka_libs() -> PathBuf {
    if let Some(p) = std::env::var_os("EVBUS_KAFKA_LIBS") {
        return PathBuf::from(p);
    }
    let version = kafka_version();
    let cache = std::env::var_os("EVBUS_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/evbus"));
    let libs = cache.join(format!("kafka-{version}/libs"));
    assert!(
        libs.join(".complete").is_file(),
        "Apache Kafka {version} is not installed in {}: run scripts/install-kafka.sh (or scripts/test.sh), \
         set EVBUS_KAFKA_LIBS to a directory of Kafka jars, or point EVBUS_TEST_BOOTSTRAP at a running broker",
        libs.display()
    );
    libs
}

/// The Kafka version under test (`KAFKA_VERSION`, else scripts/kafka/VERSION).
pub(crate) fn kafka_version() -> String {
    std::env::var("KAFKA_VERSION").ok().filter(|v| !v.is_empty()).unwrap_or_else(|| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kafka/VERSION"))
            .unwrap()
            .trim()
            .to_string()
    })
}

/// Major version of the broker under test (3 or 4).
pub(crate) fn kafka_major() -> u32 {
    kafka_version().split('.').next().and_then(|m| m.parse().ok()).unwrap_or(4)
}

fn use_nisshi() -> bool {
    std::env::var("EVBUS_TEST_BROKER").is_ok_and(|v| v == "nisshi")
}

/// The shared broker: started on first use, killed when the test binary exits.
static SHARED: OnceLock<(String, String, PathBuf)> = OnceLock::new();

impl Broker {
    /// The suite's shared broker (or the external one of EVBUS_TEST_BOOTSTRAP), with a working
    /// directory of this test's own. Use `unique` names: other tests run on it at the same time.
    pub(crate) fn start() -> Broker {
        let (bootstrap, internal, home) = SHARED
            .get_or_init(|| {
                if let Ok(b) = std::env::var("EVBUS_TEST_BOOTSTRAP") {
                    return (b.clone(), b, PathBuf::new());
                }
                let mut b = Broker::private(BrokerOpts::default());
                // Leak the process handle: the wrapper kills the broker (and removes its data)
                // when this process exits and the pipe closes.
                std::mem::forget(b.proc.take().unwrap());
                b.external = true; // so that dropping `b` leaves the running broker's data alone
                (b.bootstrap.clone(), b.internal.clone(), b.home.clone())
            })
            .clone();
        let port = bootstrap.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(9092);
        let b = Broker {
            bootstrap,
            port,
            internal,
            ports: vec![("CLIENT", port)],
            dir: tempfile::tempdir().unwrap(),
            home,
            controller_port: 0,
            internal_port: 0,
            opts: BrokerOpts::default(),
            proc: None,
            external: true,
            nisshi: use_nisshi(),
        };
        b.wait_ready(Duration::from_secs(60));
        b
    }

    /// A broker of this test's own (never the external one).
    pub(crate) fn private(opts: BrokerOpts) -> Broker {
        let mut b = Broker::prepared(opts);
        b.spawn();
        b.wait_ready(Duration::from_secs(90));
        b
    }

    /// A private broker with its storage formatted, not started yet: the nodes of a cluster are
    /// all started before any of them can answer (a quorum needs a majority).
    fn prepared(mut opts: BrokerOpts) -> Broker {
        if opts.listeners.is_empty() {
            opts.listeners.push(("CLIENT", Protocol::Plaintext));
        }
        let mut ports = Vec::new();
        for (i, (name, _)) in opts.listeners.iter().enumerate() {
            let p = if i == 0 { opts.port.unwrap_or_else(server_port) } else { server_port() };
            ports.push((*name, p));
        }
        let port = ports[0].1;
        let internal_port = server_port();
        let nisshi = use_nisshi();
        let b = Broker {
            bootstrap: format!("127.0.0.1:{port}"),
            port,
            internal: format!("127.0.0.1:{}", if nisshi { port } else { internal_port }),
            ports,
            dir: tempfile::tempdir().unwrap(),
            home: tempfile::Builder::new().prefix("evbus-kafka-").tempdir().unwrap().keep(),
            controller_port: opts.controller_port.unwrap_or_else(server_port),
            internal_port,
            opts,
            proc: None,
            external: false,
            nisshi,
        };
        if nisshi {
            assert!(
                b.opts.tls.is_none() && !b.opts.authorizer && b.opts.listeners.len() == 1 && b.opts.props.is_empty(),
                "this test needs Apache Kafka (TLS, SASL, ACLs or broker settings); nisshi cannot run it"
            );
        } else {
            b.format();
        }
        b
    }

    /// Port of a client listener by name.
    pub(crate) fn port_of(&self, name: &str) -> u16 {
        self.ports.iter().find(|(n, _)| *n == name).map(|(_, p)| *p).expect("no such listener")
    }

    fn server_properties(&self) -> String {
        // The node's listeners: INTERNAL (harness setup, inter-broker) first, then the clients'.
        let mut listeners: Vec<(&str, &str, u16)> = vec![("INTERNAL", "PLAINTEXT", self.internal_port)];
        let mut extra = String::new();
        let mut mechanisms: Vec<&str> = Vec::new();
        if !self.opts.plain_users.is_empty() {
            mechanisms.push("PLAIN");
        }
        for (m, _, _) in &self.opts.scram_users {
            if !mechanisms.contains(&m.as_str()) {
                mechanisms.push(m);
            }
        }
        for ((name, proto), (_, port)) in self.opts.listeners.iter().zip(&self.ports) {
            listeners.push((*name, proto.name(), *port));
            let lname = name.to_lowercase();
            if proto.tls() {
                let tls = self.opts.tls.as_ref().expect("a TLS listener needs BrokerOpts::tls");
                let bundle = self.home.join("server-bundle.pem");
                let key = std::fs::read_to_string(&tls.key).unwrap();
                let cert = std::fs::read_to_string(&tls.cert).unwrap();
                std::fs::write(&bundle, format!("{key}\n{cert}")).unwrap();
                extra += &format!(
                    "listener.name.{lname}.ssl.keystore.type=PEM\n\
                     listener.name.{lname}.ssl.keystore.location={}\n\
                     listener.name.{lname}.ssl.truststore.type=PEM\n\
                     listener.name.{lname}.ssl.truststore.location={}\n\
                     listener.name.{lname}.ssl.client.auth={}\n",
                    bundle.display(),
                    tls.ca.display(),
                    if tls.client_auth { "required" } else { "none" }
                );
            }
            if proto.sasl() {
                extra += &format!("listener.name.{lname}.sasl.enabled.mechanisms={}\n", mechanisms.join(","));
                if !self.opts.plain_users.is_empty() {
                    let users: String =
                        self.opts.plain_users.iter().map(|(u, p)| format!(" user_{u}=\"{p}\"")).collect();
                    extra += &format!(
                        "listener.name.{lname}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required{users};\n"
                    );
                }
                for m in &mechanisms {
                    if m.starts_with("SCRAM") {
                        extra += &format!(
                            "listener.name.{lname}.{}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;\n",
                            m.to_lowercase()
                        );
                    }
                }
            }
        }
        if self.opts.authorizer {
            extra += "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer\n\
                      super.users=User:admin;User:ANONYMOUS\n\
                      allow.everyone.if.no.acl.found=false\n";
        }
        // The node itself as `evbus dev` writes it (one source), then what tests need on top.
        let mut props =
            evbus::commands::dev::kafka::kraft_properties(&listeners, self.controller_port, &self.home.join("data"));
        props += "log.segment.bytes=16777216\nlog.retention.check.interval.ms=5000\n";
        // A streams group's first assignment waits 3 s by default for more members; the tests
        // start one (an unknown setting before Kafka 4.1, which the broker ignores).
        props += "group.streams.initial.rebalance.delay.ms=0\n";
        props += &extra;
        if let Some(port) = self.opts.advertise_first_at {
            // A later line wins in server.properties.
            let mut adv = vec![format!("INTERNAL://127.0.0.1:{}", self.internal_port)];
            for (i, ((name, _), (_, own))) in self.opts.listeners.iter().zip(&self.ports).enumerate() {
                adv.push(format!("{name}://127.0.0.1:{}", if i == 0 { port } else { *own }));
            }
            props += &format!("advertised.listeners={}\n", adv.join(","));
        }
        for (k, v) in &self.opts.props {
            props += &format!("{k}={v}\n");
        }
        props
    }

    fn java(&self) -> Command {
        let libs = kafka_libs();
        let mut c = Command::new(std::env::var_os("JAVA").unwrap_or_else(|| "java".into()));
        c.args(["-Xms128m", &format!("-Xmx{}", self.opts.heap.unwrap_or("640m"))])
            .args(["-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError"])
            .arg("-Djava.awt.headless=true")
            .arg(format!("-Dlog4j2.configurationFile={}", libs.join("log4j2.properties").display()))
            .arg("-cp")
            .arg(format!("{}/*", libs.display()))
            .current_dir(&self.home);
        c
    }

    /// Format the KRaft storage (with the SCRAM credentials, Kafka's own way to create them
    /// before the first start).
    fn format(&self) {
        std::fs::write(self.home.join("server.properties"), self.server_properties()).unwrap();
        let mut c = self.java();
        c.args(["kafka.tools.StorageTool", "format", "-t", "ZXZidXMtdGVzdC1jbHVzdA", "-c", "server.properties"]);
        for (m, u, p) in &self.opts.scram_users {
            c.args(["--add-scram", &format!("{m}=[name={u},password={p}]")]);
        }
        for f in &self.opts.features {
            c.args(["--feature", f]);
        }
        let out = c.output().expect("cannot run java: Java 17+ is needed to run Apache Kafka");
        assert!(
            out.status.success(),
            "kafka StorageTool format failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn spawn(&mut self) {
        let log = self.home.join("broker.log");
        let (program, args): (String, Vec<String>) = if self.nisshi {
            let listener = format!("tcp://127.0.0.1:{}", self.port);
            (
                nisshi_bin().display().to_string(),
                vec![
                    "broker".into(),
                    "--storage-engine".into(),
                    "sqlite://broker.db".into(),
                    "--listener-url".into(),
                    listener.clone(),
                    "--advertised-listener-url".into(),
                    listener,
                    "--cluster-id".into(),
                    "evbus-test".into(),
                ],
            )
        } else {
            let java = self.java();
            let mut args: Vec<String> = java.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
            args.extend(["kafka.Kafka".to_string(), "server.properties".to_string()]);
            (java.get_program().to_string_lossy().into_owned(), args)
        };
        // The wrapper starts the broker in the background, then waits for its stdin (our pipe)
        // to close, and kills the broker then: when the test process ends, however it ends.
        let script = r#"
            "$@" </dev/null >>broker.log 2>&1 &
            pid=$!
            echo "$pid" > broker.pid
            cat >/dev/null
            kill -9 "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            if [ -n "$EVBUS_BROKER_CLEANUP" ] && [ ! -e keep ]; then rm -rf "$EVBUS_BROKER_CLEANUP"; fi
        "#;
        let _ = std::fs::remove_file(self.home.join("broker.pid"));
        let _ = std::fs::remove_file(self.home.join("keep"));
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(&log).unwrap();
        writeln!(f, "---- evbus test harness: starting broker ----").unwrap();
        let wrapper = Command::new("sh")
            .current_dir(&self.home)
            .args(["-c", script, "evbus-broker", &program])
            .args(&args)
            .env("EVBUS_BROKER_CLEANUP", &self.home)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start the broker wrapper");
        let mut wrapper = wrapper;
        let stdin = wrapper.stdin.take();
        self.proc = Some(Proc { wrapper, stdin });
    }

    fn broker_pid(&self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(pid) =
                std::fs::read_to_string(self.home.join("broker.pid")).ok().and_then(|s| s.trim().parse().ok())
            {
                return Some(pid);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Block until the broker answers a metadata request on its INTERNAL listener.
    pub(crate) fn wait_ready(&self, limit: Duration) {
        let start = Instant::now();
        loop {
            let c: BaseConsumer = ClientConfig::new()
                .set("bootstrap.servers", &self.internal)
                .set("socket.connection.setup.timeout.ms", "1000")
                .set("log_level", "0")
                .create()
                .unwrap();
            if c.fetch_metadata(None, Duration::from_millis(1000)).is_ok_and(|m| !m.brokers().is_empty()) {
                return;
            }
            assert!(
                start.elapsed() < limit,
                "broker at {} did not answer metadata within {limit:?}; log:\n{}",
                self.internal,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The broker's log (printed by tests when they fail).
    pub(crate) fn log(&self) -> String {
        if self.home.as_os_str().is_empty() {
            return "(external broker: no log here)".into();
        }
        std::fs::read_to_string(self.home.join("broker.log")).unwrap_or_default()
    }

    /// Kill the broker at once (SIGKILL: no clean shutdown), keeping its data.
    pub(crate) fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            if let Some(pid) = self.broker_pid() {
                let _ = rustix::process::kill_process(
                    rustix::process::Pid::from_raw(pid).unwrap(),
                    rustix::process::Signal::KILL,
                );
            }
            // Closing the pipe lets the wrapper finish; its cleanup must not remove our data.
            std::fs::write(self.home.join("keep"), "").unwrap();
            drop(p.stdin.take());
            let _ = p.wrapper.wait();
        }
    }

    /// Stop the broker cleanly (SIGTERM, Kafka's controlled shutdown) and wait until its process
    /// has ended (at most `limit`, then SIGKILL), keeping its data.
    pub(crate) fn terminate(&mut self, limit: Duration) {
        if self.proc.is_none() {
            return;
        }
        if let Some(pid) = self.broker_pid() {
            let p = rustix::process::Pid::from_raw(pid).unwrap();
            let _ = rustix::process::kill_process(p, rustix::process::Signal::TERM);
            let start = Instant::now();
            // The wrapper reaps the JVM only once its pipe closes: until then an ended JVM is a zombie.
            let ended = || {
                std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .map_or(true, |s| s.rsplit_once(')').is_some_and(|(_, r)| r.trim_start().starts_with('Z')))
            };
            while !ended() && start.elapsed() < limit {
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        self.stop();
    }

    /// Kill the broker and start it again on the same data and ports.
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.start_again();
    }

    /// Start a stopped broker again (same data, same ports).
    pub(crate) fn start_again(&mut self) {
        assert!(self.proc.is_none(), "the broker is running");
        self.spawn();
        self.wait_ready(Duration::from_secs(90));
    }

    /// The evbus binary, pointed at this broker, isolated from the developer's environment.
    pub(crate) fn evbus(&self) -> assert_cmd::Command {
        let mut c = crate::common::evbus_cmd();
        c.current_dir(self.dir.path()).args(["-b", &self.bootstrap]);
        c
    }

    /// A name no other test uses (the shared broker serves every test at once).
    pub(crate) fn unique(&self, base: &str) -> String {
        format!("{base}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
    }

    /// Run one of Kafka's own command-line tools (a main class of kafka-tools or kafka_2.13)
    /// against this broker's INTERNAL listener, returning its output.
    pub(crate) fn kafka_tool(&self, class: &str, args: &[&str]) -> std::process::Output {
        self.kafka_tool_within(class, args, None, Duration::from_secs(120))
    }

    /// [`Broker::kafka_tool`] with `stdin` fed to the tool, killed (and the test failed, naming
    /// the tool and what it printed) when it has not exited within `limit`: a JVM tool that
    /// waits on a broker that is gone must not hang the suite.
    pub(crate) fn kafka_tool_within(
        &self,
        class: &str,
        args: &[&str],
        stdin: Option<&[u8]>,
        limit: Duration,
    ) -> std::process::Output {
        let libs = kafka_libs();
        let mut child = Command::new(std::env::var_os("JAVA").unwrap_or_else(|| "java".into()))
            // A short-lived client: C1 only, so it starts sooner.
            .args(["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
            .arg(format!("-Dlog4j2.configurationFile={}", libs.join("log4j2.properties").display()))
            .arg("-cp")
            .arg(format!("{}/*", libs.display()))
            .arg(class)
            .args(args)
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot run java");
        if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
            pipe.write_all(data).expect("cannot feed the Kafka tool's stdin");
        }
        // Read both pipes on threads so a chatty tool cannot block on a full pipe.
        fn read<R: std::io::Read + Send + 'static>(p: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(mut p) = p {
                    let _ = p.read_to_end(&mut buf);
                }
                buf
            })
        }
        let out = read(child.stdout.take());
        let err = read(child.stderr.take());
        let start = Instant::now();
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "{class} {args:?} did not exit within {limit:?}:\n{}{}",
                    String::from_utf8_lossy(&out.join().unwrap()),
                    String::from_utf8_lossy(&err.join().unwrap())
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        std::process::Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
    }

    /// The codec of every record batch stored for `topic` (all partitions, upper case: "NONE",
    /// "ZSTD", ...), as Kafka's own DumpLogSegments reads the broker's log files: what any
    /// consumer will be handed. Needs the broker's data directory (not an external broker).
    pub(crate) fn batch_codecs(&self, topic: &str) -> Vec<String> {
        assert!(
            !self.home.as_os_str().is_empty() && !self.nisshi,
            "this test reads the broker's log files: it needs a broker the suite started (Apache Kafka)"
        );
        let data = self.home.join("data");
        let mut logs = Vec::new();
        for entry in std::fs::read_dir(&data).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.rsplit_once('-').is_some_and(|(t, p)| t == topic && p.parse::<u32>().is_ok()) {
                for f in std::fs::read_dir(entry.path()).unwrap().flatten() {
                    if f.path().extension().is_some_and(|e| e == "log") {
                        logs.push(f.path().display().to_string());
                    }
                }
            }
        }
        assert!(!logs.is_empty(), "no log segment of {topic} in {}", data.display());
        let class =
            if kafka_major() >= 4 { "org.apache.kafka.tools.DumpLogSegments" } else { "kafka.tools.DumpLogSegments" };
        let out = self.kafka_tool(class, &["--files", &logs.join(",")]);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "DumpLogSegments failed:\n{text}{}", String::from_utf8_lossy(&out.stderr));
        text.split("compresscodec:")
            .skip(1)
            .filter_map(|rest| rest.split_whitespace().next())
            .map(|c| c.trim_end_matches(',').to_ascii_uppercase())
            .collect()
    }

    /// Grant an ACL with Kafka's own AclCommand (as a super user, on the INTERNAL listener).
    pub(crate) fn acl(&self, args: &[&str]) {
        let class = if kafka_major() >= 4 { "org.apache.kafka.tools.AclCommand" } else { "kafka.admin.AclCommand" };
        let mut all = vec!["--bootstrap-server", &self.internal, "--add", "--force"];
        all.extend_from_slice(args);
        let out = self.kafka_tool(class, &all);
        assert!(
            out.status.success(),
            "kafka-acls {all:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            // The wrapper kills the broker and removes its directory once the pipe closes.
            drop(p.stdin.take());
            let _ = p.wrapper.wait();
        } else if !self.external && !self.home.as_os_str().is_empty() {
            // Stopped by the test: nothing runs, the data is ours to remove.
            let _ = std::fs::remove_dir_all(&self.home);
        }
    }
}

/// The nisshi binary (opt-in target): $NISSHI_BIN, else on PATH, else ~/.cargo/bin/nisshi.
pub(crate) fn nisshi_bin() -> PathBuf {
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
    assert!(p.is_file(), "EVBUS_TEST_BROKER=nisshi but nisshi is not installed (scripts/install-broker.sh)");
    p
}
