//! TLS and SASL against a real broker: nisshi with `--cert/--key` (a throwaway CA and certificates
//! made here with the openssl CLI) and with `--authentication` (SCRAM users created while it ran
//! without it, then restarted on the same sqlite database).
//!
//! What nisshi 0.8.1 cannot do, and so is not tested end to end here: requiring client
//! certificates (its TLS listener never asks for one, so mutual TLS is only checked from the
//! client side: evbus loads the certificate and key and the handshake works with them) and SASL
//! PLAIN (it enables SCRAM-SHA-256/512 only).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::*;

/// A throwaway PKI: a CA, a server certificate for 127.0.0.1 and localhost, a client certificate,
/// an encrypted copy of the client key, and an unrelated CA.
struct Pki {
    dir: tempfile::TempDir,
}

const CLIENT_KEY_PASSWORD: &str = "KeyPw-7c1d93";

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

    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    /// nisshi arguments for a TLS-only listener.
    fn broker_args(&self) -> Vec<String> {
        vec!["--cert".into(), self.s("server.pem"), "--key".into(), self.s("server.key")]
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
    let pki = Pki::new();
    let b = Broker::private(BrokerOpts { args: pki.broker_args(), ..Default::default() });
    write_manifest(b.dir.path(), "sec.tls.flags");
    let ssl = ["-X", "security.protocol=SSL", "-X", &format!("ssl.ca.location={}", pki.s("ca.pem"))];

    let out = b.evbus().args(ssl).args(["topics", "apply", "--yes", "-o", "json"]).output().unwrap();
    assert_ok(&out);
    let out = b.evbus().args(ssl).args(["topics", "list", "-o", "json"]).output().unwrap();
    assert_ok(&out);
    assert_eq!(topics_in(&out), vec!["sec.tls.flags"]);

    // The certificate's DNS name works too (the advertised listener is 127.0.0.1, the IP SAN).
    let out = evbus_cmd()
        .current_dir(b.dir.path())
        .args(["-b", &format!("localhost:{}", b.port)])
        .args(ssl)
        .args(["topics", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(topics_in(&out), vec!["sec.tls.flags"]);
}

#[test]
fn tls_via_context_with_ca_relative_to_the_config_file() {
    let pki = Pki::new();
    let b = Broker::private(BrokerOpts { args: pki.broker_args(), ..Default::default() });
    // A user config in $XDG_CONFIG_HOME with `ca: ca.pem` next to it; run from another directory.
    let xdg = tempfile::tempdir().unwrap();
    let cfg_dir = xdg.path().join("evbus");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::copy(pki.path("ca.pem"), cfg_dir.join("ca.pem")).unwrap();
    std::fs::write(
        cfg_dir.join("config.yaml"),
        format!("current: secure\ncontexts:\n  secure:\n    brokers: {}\n    tls:\n      ca: ca.pem\n", b.bootstrap),
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
    assert_eq!(topics_in(&out), vec!["sec.tls.context"]);

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
    let pki = Pki::new();
    let b = Broker::private(BrokerOpts { args: pki.broker_args(), ..Default::default() });
    let (out, took) = timed(b.evbus().args([
        "-X",
        "security.protocol=SSL",
        "-X",
        &format!("ssl.ca.location={}", pki.s("other-ca.pem")),
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
    let pki = Pki::new();
    let b = Broker::private(BrokerOpts { args: pki.broker_args(), ..Default::default() });
    let (out, took) = timed(b.evbus().args(["--timeout", "3s", "topics", "list", "-o", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?} with --timeout 3s");
    assert!(stderr(&out).contains(&b.bootstrap), "the error names the broker it tried: {}", stderr(&out));
}

/// Mutual TLS from the client side: nisshi does not request client certificates, so this checks
/// that a context's cert/key (and an encrypted key with its password from the environment) are
/// loaded and used in a working handshake, that a mismatched key is a clear local error, and that
/// the key password is never printed.
#[test]
fn client_certificate_settings_are_loaded_and_checked() {
    let pki = Pki::new();
    let b = Broker::private(BrokerOpts { args: pki.broker_args(), ..Default::default() });
    let work = tempfile::tempdir().unwrap();
    write_manifest(work.path(), "sec.mtls.check");
    std::fs::write(
        work.path().join("evbus.yaml"),
        format!(
            "contexts:\n  mtls:\n    brokers: {b}\n    tls: {{ ca: {ca}, cert: {cert}, key: {key} }}\n  \
             encrypted:\n    brokers: {b}\n    tls: {{ ca: {ca}, cert: {cert}, key: {enc}, key_password: '${{EVBUS_TEST_KEY_PW}}' }}\n  \
             mismatched:\n    brokers: {b}\n    tls: {{ ca: {ca}, cert: {cert}, key: {other} }}\n",
            b = b.bootstrap,
            ca = pki.s("ca.pem"),
            cert = pki.s("client.pem"),
            key = pki.s("client.key"),
            enc = pki.s("client-enc.key"),
            other = pki.s("server.key"),
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
    assert_eq!(topics_in(&out), vec!["sec.mtls.check"]);

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
// SASL/SCRAM

/// A sqlite broker with SCRAM users, restarted with `--authentication` (and TLS when given).
fn scram_broker(users: &[(&str, &str, &str)], tls: Option<&Pki>) -> Broker {
    let mut b = Broker::private(BrokerOpts { sqlite: true, ..Default::default() });
    for (mechanism, name, password) in users {
        let out = Command::new(nisshi_bin())
            .args([
                "user",
                "create",
                "--broker",
                &format!("tcp://{}", b.bootstrap),
                "--mechanism",
                mechanism,
                name,
                password,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "nisshi user create: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut args = vec!["--authentication".to_string()];
    if let Some(pki) = tls {
        args.extend(pki.broker_args());
    }
    b.restart_with(args);
    b
}

fn sasl_flags(mechanism: &str, user: &str, password: &str) -> Vec<String> {
    [
        "security.protocol=SASL_PLAINTEXT".to_string(),
        format!("sasl.mechanism={mechanism}"),
        format!("sasl.username={user}"),
        format!("sasl.password={password}"),
    ]
    .into_iter()
    .flat_map(|kv| ["-X".to_string(), kv])
    .collect()
}

const PW_256: &str = "Scram256-pw-e4a1f0";
const PW_512: &str = "Scram512-pw-93b7c2";

#[test]
fn scram_sha_256_and_512_work_and_a_wrong_password_says_authentication_failed() {
    let b = scram_broker(&[("scram256", "alice", PW_256), ("scram512", "bob", PW_512)], None);
    write_manifest(b.dir.path(), "sec.scram.check");

    let out = b
        .evbus()
        .args(sasl_flags("SCRAM-SHA-256", "alice", PW_256))
        .args(["topics", "apply", "--yes", "-o", "json"])
        .output()
        .unwrap();
    assert_ok(&out);
    let out = b
        .evbus()
        .args(sasl_flags("SCRAM-SHA-512", "bob", PW_512))
        .args(["topics", "list", "-o", "json"])
        .output()
        .unwrap();
    assert_ok(&out);
    assert_eq!(topics_in(&out), vec!["sec.scram.check"]);

    // Wrong password: exit 1 within --timeout, an error that says authentication failed, and
    // neither the wrong nor the right password anywhere in the output, even with -vv.
    let wrong = "Wrong-pw-5d0c2e";
    for verbosity in [None, Some("-v"), Some("-vv")] {
        let mut cmd = b.evbus();
        cmd.args(sasl_flags("SCRAM-SHA-256", "alice", wrong)).args(["--timeout", "4s"]);
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
    let (out, _) =
        timed(b.evbus().args(sasl_flags("SCRAM-SHA-256", "bob", PW_512)).args(["--timeout", "3s", "topics", "list"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains(PW_512));

    // No credentials at all: refused, within the timeout.
    let (out, took) = timed(b.evbus().args(["--timeout", "3s", "topics", "list", "-o", "json"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn scram_via_context_with_env_reference_and_password_file_never_prints_the_password() {
    let b = scram_broker(&[("scram512", "carol", PW_512)], None);
    let work = tempfile::tempdir().unwrap();
    write_manifest(work.path(), "sec.scram.context");
    std::fs::write(work.path().join("carol.pw"), format!("{PW_512}\n")).unwrap();
    std::fs::write(
        work.path().join("evbus.yaml"),
        format!(
            "current: from-env\ncontexts:\n  from-env:\n    brokers: {b}\n    sasl:\n      mechanism: SCRAM-SHA-512\n      \
             username: carol\n      password: ${{EVBUS_TEST_SASL_PASSWORD}}\n  from-file:\n    brokers: {b}\n    sasl:\n      \
             mechanism: scram-sha-512\n      username: carol\n      password_file: carol.pw\n",
            b = b.bootstrap
        ),
    )
    .unwrap();
    let run = |args: &[&str]| {
        evbus_cmd().current_dir(work.path()).env("EVBUS_TEST_SASL_PASSWORD", PW_512).args(args).output().unwrap()
    };

    assert_ok(&run(&["topics", "apply", "--yes", "-o", "json"]));
    let out = run(&["--context", "from-file", "topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert_eq!(topics_in(&out), vec!["sec.scram.context"]);

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

#[test]
fn sasl_ssl_context_combines_tls_and_scram() {
    let pki = Pki::new();
    let b = scram_broker(&[("scram256", "dave", PW_256)], Some(&pki));
    let work = tempfile::tempdir().unwrap();
    write_manifest(work.path(), "sec.saslssl.check");
    std::fs::write(
        work.path().join("evbus.yaml"),
        format!(
            "current: prod\ncontexts:\n  prod:\n    brokers: {}\n    tls: {{ ca: {} }}\n    sasl: {{ mechanism: SCRAM-SHA-256, username: dave, password: '${{DAVE_PW}}' }}\n",
            b.bootstrap,
            pki.s("ca.pem")
        ),
    )
    .unwrap();
    let run = |args: &[&str]| evbus_cmd().current_dir(work.path()).env("DAVE_PW", PW_256).args(args).output().unwrap();
    assert_ok(&run(&["topics", "apply", "--yes", "-o", "json"]));
    let out = run(&["topics", "list", "-o", "json"]);
    assert_ok(&out);
    assert_eq!(topics_in(&out), vec!["sec.saslssl.check"]);
    let show = stdout(&run(&["config", "show"]));
    assert!(show.contains("SASL_SSL"), "{show}");
    assert!(!show.contains(PW_256), "{show}");
}
