//! TLS, mutual TLS, SASL (PLAIN, SCRAM-SHA-256/512) and ACLs against Apache Kafka.
//!
//! One secured broker serves these tests (started on first use): a throwaway PKI made here with
//! the openssl CLI, and client listeners for each way in:
//! - `TLS` (SSL, no client certificate), `MTLS` (SSL, `ssl.client.auth=required`),
//! - `SASL` (SASL_PLAINTEXT) and `SASLSSL` (SASL_SSL), each with PLAIN and SCRAM-SHA-256/512;
//!   PLAIN users live in the listener's JAAS config, SCRAM users are written by Kafka's
//!   StorageTool when the storage is formatted;
//! - the StandardAuthorizer: every test user is a super user except `mallory`, who only gets
//!   the ACLs a test grants her, so a denial can be checked for what it says.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::*;

/// A throwaway PKI: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate,
/// an encrypted copy of the client key, and an unrelated CA.
pub(crate) struct Pki {
    dir: tempfile::TempDir,
}

pub(crate) const CLIENT_KEY_PASSWORD: &str = "KeyPw-7c1d93";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl CLI is needed for these tests");
    assert!(out.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

impl Pki {
    fn new() -> Pki {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        for (name, cn) in [("ca", "evbus-test-ca"), ("other-ca", "some-other-ca")] {
            let (key, pem, subj) = (format!("{name}.key"), format!("{name}.pem"), format!("/CN={cn}"));
            let mut args = vec!["req", "-x509"];
            args.extend(ec);
            args.extend(["-keyout", &key, "-out", &pem, "-days", "2", "-subj", &subj]);
            args.extend([
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ]);
            openssl(d, &args);
        }
        std::fs::write(
            d.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        std::fs::write(d.join("client.ext"), "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n").unwrap();
        for (name, cn) in [("server", "localhost"), ("client", "evbus-client")] {
            let (key, csr, pem, ext, subj) = (
                format!("{name}.key"),
                format!("{name}.csr"),
                format!("{name}.pem"),
                format!("{name}.ext"),
                format!("/CN={cn}"),
            );
            let mut args = vec!["req"];
            args.extend(ec);
            args.extend(["-keyout", &key, "-out", &csr, "-subj", &subj]);
            openssl(d, &args);
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-out",
                    &pem,
                    "-days",
                    "2",
                    "-extfile",
                    &ext,
                ],
            );
        }
        let pass = format!("pass:{CLIENT_KEY_PASSWORD}");
        openssl(
            d,
            &[
                "pkcs8",
                "-topk8",
                "-v2",
                "aes-256-cbc",
                "-in",
                "client.key",
                "-out",
                "client-enc.key",
                "-passout",
                &pass,
            ],
        );
        Pki { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    fn tls(&self, client_auth: bool) -> TlsFiles {
        TlsFiles { cert: self.path("server.pem"), key: self.path("server.key"), ca: self.path("ca.pem"), client_auth }
    }
}

pub(crate) const PW_PLAIN: &str = "Plain-pw-61c0aa";
pub(crate) const PW_256: &str = "Scram256-pw-e4a1f0";
pub(crate) const PW_512: &str = "Scram512-pw-93b7c2";
const PW_MALLORY: &str = "Mallory-pw-0b77e1";

/// The secured broker and its PKI, shared by the tests of this module and `secure_wire`.
pub(crate) struct Secure {
    pub(crate) pki: Pki,
    pub(crate) broker: Broker,
}

impl Secure {
    pub(crate) fn get() -> &'static Secure {
        static SECURE: std::sync::OnceLock<Secure> = std::sync::OnceLock::new();
        SECURE.get_or_init(|| {
            let pki = Pki::new();
            let s = |v: &str| v.to_string();
            let broker = Broker::private(BrokerOpts {
                listeners: vec![
                    ("TLS", Protocol::Ssl),
                    ("MTLS", Protocol::Ssl),
                    ("SASL", Protocol::SaslPlaintext),
                    ("SASLSSL", Protocol::SaslSsl),
                ],
                tls: Some(pki.tls(false)),
                plain_users: vec![(s("paula"), s(PW_PLAIN)), (s("mallory"), s(PW_MALLORY))],
                scram_users: vec![
                    (s("SCRAM-SHA-256"), s("alice"), s(PW_256)),
                    (s("SCRAM-SHA-512"), s("bob"), s(PW_512)),
                    (s("SCRAM-SHA-512"), s("carol"), s(PW_512)),
                    (s("SCRAM-SHA-256"), s("dave"), s(PW_256)),
                ],
                authorizer: true,
                props: vec![
                    (s("listener.name.mtls.ssl.client.auth"), s("required")),
                    (
                        s("super.users"),
                        s("User:ANONYMOUS;User:admin;User:paula;User:alice;User:bob;User:carol;User:dave;User:CN=evbus-client"),
                    ),
                ],
                port: None,
                advertise_first_at: None,
                ..Default::default()
            });
            Secure { pki, broker }
        })
    }

    pub(crate) fn addr(&self, listener: &str) -> String {
        format!("127.0.0.1:{}", self.broker.port_of(listener))
    }

    /// evbus against one listener, run from `work`.
    pub(crate) fn evbus(&self, listener: &str, work: &Path) -> assert_cmd::Command {
        let mut c = evbus_cmd();
        c.current_dir(work).args(["-b", &self.addr(listener)]);
        c
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run and time a command.
fn timed(cmd: &mut assert_cmd::Command) -> (Output, Duration) {
    let start = Instant::now();
    let out = cmd.output().unwrap();
    (out, start.elapsed())
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "expected success; stderr:\n{}\nstdout:\n{}", stderr(out), stdout(out));
}

/// A tiny manifest, so that success means evbus really created a topic over the secured link.
fn write_manifest(dir: &Path, topic: &str) -> PathBuf {
    let p = dir.join("topics.yaml");
    std::fs::write(&p, format!("version: 1\ntopics:\n  - name: {topic}\n    partitions: 1\n")).unwrap();
    p
}

fn topics_in(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}\nstderr: {}", stdout(out), stderr(out)));
    v["topics"].as_array().unwrap().iter().map(|t| t["topic"].as_str().unwrap().to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// TLS

#[test]
fn tls_with_x_flags_creates_and_lists_topics_over_ssl() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let topic = format!("sec.tls.flags{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    write_manifest(work.path(), &topic);
    let ca = format!("ssl.ca.location={}", sec.pki.s("ca.pem"));
    let ssl = ["-X", "security.protocol=SSL", "-X", &ca];

    let out =
        sec.evbus("TLS", work.path()).args(ssl).args(["topics", "apply", "--yes", "-o", "json"]).output().unwrap();
    assert_ok(&out);
    let out = sec.evbus("TLS", work.path()).args(ssl).args(["topics", "list", "-o", "json"]).output().unwrap();
    assert_ok(&out);
    assert!(topics_in(&out).contains(&topic), "{}", stdout(&out));

    // The certificate's DNS name works too (the advertised listener is 127.0.0.1, the IP SAN).
    let out = evbus_cmd()
        .current_dir(work.path())
        .args(["-b", &format!("localhost:{}", sec.broker.port_of("TLS"))])
        .args(ssl)
        .args(["topics", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_ok(&out);
    assert!(topics_in(&out).contains(&topic));
}

#[test]
fn tls_via_context_with_ca_relative_to_the_config_file() {
    let sec = Secure::get();
    // A user config in $XDG_CONFIG_HOME with `ca: ca.pem` next to it; run from another directory.
    let xdg = tempfile::tempdir().unwrap();
    let cfg_dir = xdg.path().join("evbus");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::copy(sec.pki.path("ca.pem"), cfg_dir.join("ca.pem")).unwrap();
    std::fs::write(
        cfg_dir.join("config.yaml"),
        format!(
            "current: secure\ncontexts:\n  secure:\n    brokers: {}\n    tls:\n      ca: ca.pem\n",
            sec.addr("TLS")
        ),
    )
    .unwrap();
    let work = tempfile::tempdir().unwrap();
    write_manifest(work.path(), "sec.tls.context");
    let run = |args: &[&str]| {
        evbus_cmd().current_dir(work.path()).env("XDG_CONFIG_HOME", xdg.path()).args(args).output().unwrap()
    };

    assert_ok(&run(&["topics", "apply", "--yes", "-o", "json"]));
    let out = run(&["topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert!(topics_in(&out).contains(&"sec.tls.context".to_string()));

    let out = run(&["config", "show", "-o", "json"]);
    assert_ok(&out);
    let show: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = show["properties"].as_array().unwrap();
    let get = |k: &str| props.iter().find(|p| p["key"] == k).map(|p| p["value"].as_str().unwrap().to_string());
    assert_eq!(get("security.protocol").as_deref(), Some("SSL"));
    assert_eq!(get("ssl.ca.location"), Some(cfg_dir.join("ca.pem").display().to_string()));
}

#[test]
fn tls_with_the_wrong_ca_fails_with_a_certificate_error_within_the_timeout() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let (out, took) = timed(sec.evbus("TLS", work.path()).args([
        "-X",
        "security.protocol=SSL",
        "-X",
        &format!("ssl.ca.location={}", sec.pki.s("other-ca.pem")),
        "--timeout",
        "4s",
        "topics",
        "list",
        "-o",
        "json",
    ]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(12), "took {took:?} with --timeout 4s");
    let err = stderr(&out).to_lowercase();
    assert!(
        err.contains("ssl") && err.contains("certificate"),
        "the error should say the certificate was not trusted:\n{err}"
    );
    assert!(stdout(&out).is_empty(), "no data on failure: {}", stdout(&out));
}

#[test]
fn plaintext_client_against_a_tls_broker_fails_within_the_timeout() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let (out, took) = timed(sec.evbus("TLS", work.path()).args(["--timeout", "3s", "topics", "list", "-o", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?} with --timeout 3s");
    assert!(stderr(&out).contains(&sec.addr("TLS")), "the error names the broker it tried: {}", stderr(&out));
}

/// Mutual TLS enforced by the broker (`ssl.client.auth=required`): a context's cert/key (and an
/// encrypted key with its password from the environment) get in; a client without a certificate
/// is refused with a reason that says so, within the timeout; a mismatched key is a clear local
/// error; the key password is never printed.
#[test]
fn mutual_tls_required_by_the_broker() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let topic = format!("sec.mtls.check{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    write_manifest(work.path(), &topic);
    std::fs::write(
        work.path().join("evbus.yaml"),
        format!(
            "contexts:\n  mtls:\n    brokers: {b}\n    tls: {{ ca: {ca}, cert: {cert}, key: {key} }}\n  \
             encrypted:\n    brokers: {b}\n    tls: {{ ca: {ca}, cert: {cert}, key: {enc}, key_password: '${{EVBUS_TEST_KEY_PW}}' }}\n  \
             mismatched:\n    brokers: {b}\n    tls: {{ ca: {ca}, cert: {cert}, key: {other} }}\n  \
             nocert:\n    brokers: {b}\n    tls: {{ ca: {ca} }}\n",
            b = sec.addr("MTLS"),
            ca = sec.pki.s("ca.pem"),
            cert = sec.pki.s("client.pem"),
            key = sec.pki.s("client.key"),
            enc = sec.pki.s("client-enc.key"),
            other = sec.pki.s("server.key"),
        ),
    )
    .unwrap();
    let run = |ctx: &str, args: &[&str]| {
        evbus_cmd()
            .current_dir(work.path())
            .env("EVBUS_TEST_KEY_PW", CLIENT_KEY_PASSWORD)
            .args(["--context", ctx])
            .args(args)
            .output()
            .unwrap()
    };

    let out = run("mtls", &["topics", "apply", "--yes", "-o", "json"]);
    assert_ok(&out);
    let out = run("encrypted", &["topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert!(topics_in(&out).contains(&topic));

    // No client certificate: the broker ends the handshake; evbus says a certificate is needed.
    let (out, took) = timed(&mut {
        let mut c = evbus_cmd();
        c.current_dir(work.path()).args(["--context", "nocert", "--timeout", "4s", "topics", "list"]);
        c
    });
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(12), "took {took:?} with --timeout 4s");
    let err = stderr(&out).to_lowercase();
    assert!(err.contains("ssl") && err.contains("certificate"), "the reason names the missing certificate:\n{err}");

    // -v logs the effective settings: the key password is masked there and everywhere else.
    for args in
        [&["-v", "topics", "plan", "-o", "json"][..], &["config", "show"][..], &["config", "show", "-o", "json"][..]]
    {
        let out = run("encrypted", args);
        assert_ok(&out);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(CLIENT_KEY_PASSWORD), "key password printed by {args:?}:\n{all}");
    }
    let show = stdout(&run("encrypted", &["config", "show"]));
    assert!(show.contains("ssl.key.password") && show.contains("[redacted]"), "{show}");

    let (out, took) = timed(&mut {
        let mut c = evbus_cmd();
        c.current_dir(work.path()).args(["--context", "mismatched", "topics", "list"]);
        c
    });
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(5), "a local key problem needs no broker round trip: {took:?}");
    let err = stderr(&out);
    assert!(err.contains("ssl.key") && err.contains("mismatch"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// SASL

pub(crate) fn sasl_flags(protocol: &str, mechanism: &str, user: &str, password: &str) -> Vec<String> {
    [
        format!("security.protocol={protocol}"),
        format!("sasl.mechanism={mechanism}"),
        format!("sasl.username={user}"),
        format!("sasl.password={password}"),
    ]
    .into_iter()
    .flat_map(|kv| ["-X".to_string(), kv])
    .collect()
}

#[test]
fn scram_sha_256_and_512_work_and_a_wrong_password_says_authentication_failed() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let topic = format!("sec.scram.check{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    write_manifest(work.path(), &topic);
    let run =
        |flags: Vec<String>, args: &[&str]| sec.evbus("SASL", work.path()).args(flags).args(args).output().unwrap();

    let out = run(
        sasl_flags("SASL_PLAINTEXT", "SCRAM-SHA-256", "alice", PW_256),
        &["topics", "apply", "--yes", "-o", "json"],
    );
    assert_ok(&out);
    let out = run(sasl_flags("SASL_PLAINTEXT", "SCRAM-SHA-512", "bob", PW_512), &["topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert!(topics_in(&out).contains(&topic));

    // Wrong password: exit 1 within --timeout, an error that says authentication failed, and
    // neither the wrong nor the right password anywhere in the output, even with -vv.
    let wrong = "Wrong-pw-5d0c2e";
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let mut cmd = sec.evbus("SASL", work.path());
        cmd.args(sasl_flags("SASL_PLAINTEXT", "SCRAM-SHA-256", "alice", wrong)).args(["--timeout", "4s"]);
        if let Some(v) = verbosity {
            cmd.arg(v);
        }
        let (out, took) = timed(cmd.args(["topics", "plan", "-o", "json"]));
        assert_eq!(out.status.code(), Some(1), "{verbosity:?}: {}", stderr(&out));
        assert!(took < Duration::from_secs(12), "took {took:?} with --timeout 4s");
        let err = stderr(&out);
        assert!(
            err.to_lowercase().contains("authentication"),
            "{verbosity:?}: the error should say authentication failed:\n{err}"
        );
        let all = format!("{}{err}", stdout(&out));
        assert!(!all.contains(wrong) && !all.contains(PW_256), "{verbosity:?}: password printed:\n{all}");
    }

    // The mechanism matters: bob has only a SCRAM-SHA-512 credential.
    let (out, _) = timed(
        sec.evbus("SASL", work.path()).args(sasl_flags("SASL_PLAINTEXT", "SCRAM-SHA-256", "bob", PW_512)).args([
            "--timeout",
            "3s",
            "topics",
            "list",
        ]),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains(PW_512));

    // No credentials at all: refused, within the timeout.
    let (out, took) = timed(sec.evbus("SASL", work.path()).args(["--timeout", "3s", "topics", "list", "-o", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn scram_via_context_with_env_reference_and_password_file_never_prints_the_password() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    write_manifest(work.path(), "sec.scram.context");
    std::fs::write(work.path().join("carol.pw"), format!("{PW_512}\n")).unwrap();
    std::fs::write(
        work.path().join("evbus.yaml"),
        format!(
            "current: from-env\ncontexts:\n  from-env:\n    brokers: {b}\n    sasl:\n      mechanism: SCRAM-SHA-512\n      \
             username: carol\n      password: ${{EVBUS_TEST_SASL_PASSWORD}}\n  from-file:\n    brokers: {b}\n    sasl:\n      \
             mechanism: scram-sha-512\n      username: carol\n      password_file: carol.pw\n",
            b = sec.addr("SASL")
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        evbus_cmd().current_dir(work.path()).env("EVBUS_TEST_SASL_PASSWORD", PW_512).args(args).output().unwrap()
    };

    assert_ok(&run(&["topics", "apply", "--yes", "-o", "json"]));
    let out = run(&["--context", "from-file", "topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert!(topics_in(&out).contains(&"sec.scram.context".to_string()));

    for args in [
        &["config", "show"][..],
        &["config", "show", "-o", "json"],
        &["--context", "from-file", "config", "show"],
        &["config", "list"],
        &["-v", "topics", "plan", "-o", "json"],
        &["-vv", "--context", "from-file", "topics", "plan", "-o", "json"],
    ] {
        let out = run(args);
        assert_ok(&out);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(PW_512), "password printed by {args:?}:\n{all}");
    }
    let show = stdout(&run(&["config", "show"]));
    assert!(show.contains("sasl.password") && show.contains("[redacted]"), "{show}");
    assert!(show.contains("SASL_PLAINTEXT") && show.contains("SCRAM-SHA-512") && show.contains("carol"), "{show}");

    // A missing variable is an error that names the variable (and no password).
    let out = evbus_cmd().current_dir(work.path()).args(["topics", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("EVBUS_TEST_SASL_PASSWORD"), "{}", stderr(&out));

    // A wrong password in the file: authentication failure, password not printed.
    std::fs::write(work.path().join("carol.pw"), "Not-carols-pw-0a9\n").unwrap();
    let (out, took) = timed(evbus_cmd().current_dir(work.path()).args([
        "--context",
        "from-file",
        "--timeout",
        "4s",
        "-v",
        "topics",
        "list",
    ]));
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(12), "took {took:?}");
    let err = stderr(&out);
    assert!(err.to_lowercase().contains("authentication"), "{err}");
    assert!(!err.contains("Not-carols-pw-0a9"), "{err}");
}

/// SASL_SSL: a context combining TLS and SCRAM, and PLAIN over TLS with -X flags.
#[test]
fn sasl_ssl_with_scram_and_plain() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let topic = format!("sec.saslssl.check{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    write_manifest(work.path(), &topic);
    std::fs::write(
        work.path().join("evbus.yaml"),
        format!(
            "current: prod\ncontexts:\n  prod:\n    brokers: {}\n    tls: {{ ca: {} }}\n    sasl: {{ mechanism: SCRAM-SHA-256, username: dave, password: '${{DAVE_PW}}' }}\n",
            sec.addr("SASLSSL"),
            sec.pki.s("ca.pem")
        ),
    )
    .unwrap();
    let run = |args: &[&str]| evbus_cmd().current_dir(work.path()).env("DAVE_PW", PW_256).args(args).output().unwrap();
    assert_ok(&run(&["topics", "apply", "--yes", "-o", "json"]));
    let out = run(&["topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert!(topics_in(&out).contains(&topic));
    let show = stdout(&run(&["config", "show"]));
    assert!(show.contains("SASL_SSL"), "{show}");
    assert!(!show.contains(PW_256), "{show}");

    // PLAIN over SASL_SSL (from a directory without that context file).
    let work = tempfile::tempdir().unwrap();
    let ca = format!("ssl.ca.location={}", sec.pki.s("ca.pem"));
    let mut flags = sasl_flags("SASL_SSL", "PLAIN", "paula", PW_PLAIN);
    flags.extend(["-X".to_string(), ca.clone()]);
    let out = sec.evbus("SASLSSL", work.path()).args(&flags).args(["topics", "list", "-o", "json"]).output().unwrap();
    assert_ok(&out);
    assert!(topics_in(&out).contains(&topic));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(PW_PLAIN));

    // A wrong PLAIN password: authentication failed, within the timeout, password not printed.
    let mut flags = sasl_flags("SASL_SSL", "PLAIN", "paula", "Wrong-plain-7a1");
    flags.extend(["-X".to_string(), ca]);
    let (out, took) = timed(sec.evbus("SASLSSL", work.path()).args(&flags).args(["--timeout", "4s", "topics", "list"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(12), "took {took:?}");
    let err = stderr(&out);
    assert!(err.to_lowercase().contains("authentication"), "{err}");
    assert!(!err.contains("Wrong-plain-7a1"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// ACLs

/// A user without permission is told what was refused: "not authorized: <operation> on
/// <resource>", at once (not a timeout), with exit 1 and nothing half-done.
#[test]
fn acl_denials_name_the_operation_and_the_resource() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    let allowed = format!("acl.readable{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    let denied = format!("acl.secret{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    sec.broker.create_topic(&allowed, 1);
    sec.broker.create_topic(&denied, 1);
    produce_n(&sec.broker, &denied, 0, 3);
    produce_n(&sec.broker, &allowed, 0, 2);
    sec.broker.acl(&[
        "--allow-principal",
        "User:mallory",
        "--operation",
        "Describe",
        "--operation",
        "Read",
        "--topic",
        &allowed,
    ]);
    let mallory = sasl_flags("SASL_PLAINTEXT", "PLAIN", "mallory", PW_MALLORY);
    let run = |args: &[&str]| timed(sec.evbus("SASL", work.path()).args(&mallory).args(["--timeout", "8s"]).args(args));

    // What she may read, she reads.
    let (out, _) = run(&["tail", &allowed, "--from", "beginning", "--exit", "-o", "json"]);
    assert_ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2, "{}", stdout(&out));

    // Reading a topic she may not describe or read.
    let (out, took) = run(&["tail", &denied, "--from", "beginning", "--exit", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(6), "a denial is an answer, not a timeout: {took:?}");
    let err = stderr(&out);
    assert!(err.contains("not authorized") && err.contains(&denied), "{err}");

    // Creating a topic: CreateTopics needs Create on the cluster or the topic.
    let new_topic = format!("acl.new{}", &uuid::Uuid::new_v4().simple().to_string()[..6]);
    write_manifest(work.path(), &new_topic);
    let (out, took) = run(&["topics", "apply", "--yes", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(6), "{took:?}");
    let err = stderr(&out);
    assert!(err.contains("not authorized") && err.contains("Create") && err.contains(&new_topic), "{err}");
    assert!(!sec.broker.topic_names().contains(&new_topic), "nothing half-done");
    assert!(!format!("{}{err}", stdout(&out)).contains(PW_MALLORY));
}
