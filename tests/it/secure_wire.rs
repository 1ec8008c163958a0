//! The raw Kafka-protocol path (src/kafka/wire/) over TLS, mutual TLS and SASL (PLAIN,
//! SCRAM-SHA-256/512), on the secured broker of `security` (same PKI, listeners and users): the
//! quorum and each broker's answer in `health`, ListGroups v5, and the errors a user gets for a
//! wrong password, a missing client certificate or an untrusted CA, within `--timeout`.
//!
//! (The name ends in `wire`, so the 3.9 pass of .ci/run, which selects `wire::`, runs it too.)

use std::time::{Duration, Instant};

use evbus::kafka::wire::route;
use evbus::kafka::wire::transport::bounded;

use crate::common::health_check as check;
use crate::common::*;
use crate::security::{CLIENT_KEY_PASSWORD, PW_256, PW_512, PW_PLAIN, Secure, sasl_flags};

/// Every listener of the secured broker, with the `-X` flags to get in.
fn ways_in(sec: &Secure) -> Vec<(&'static str, &'static str, Vec<String>)> {
    let x = |kvs: &[String]| kvs.iter().flat_map(|kv| ["-X".to_string(), kv.clone()]).collect::<Vec<_>>();
    let ca = format!("ssl.ca.location={}", sec.pki.s("ca.pem"));
    let mtls = [
        "security.protocol=SSL".to_string(),
        ca.clone(),
        format!("ssl.certificate.location={}", sec.pki.s("client.pem")),
        format!("ssl.key.location={}", sec.pki.s("client-enc.key")),
        format!("ssl.key.password={CLIENT_KEY_PASSWORD}"),
    ];
    let mut scram_ssl = sasl_flags("SASL_SSL", "SCRAM-SHA-512", "bob", PW_512);
    scram_ssl.extend(x(std::slice::from_ref(&ca)));
    vec![
        ("TLS", "TLS", x(&["security.protocol=SSL".to_string(), ca.clone()])),
        ("mutual TLS, encrypted key", "MTLS", x(&mtls)),
        ("SASL_PLAINTEXT PLAIN", "SASL", sasl_flags("SASL_PLAINTEXT", "PLAIN", "paula", PW_PLAIN)),
        ("SASL_PLAINTEXT SCRAM-SHA-256", "SASL", sasl_flags("SASL_PLAINTEXT", "SCRAM-SHA-256", "alice", PW_256)),
        ("SASL_SSL SCRAM-SHA-512", "SASLSSL", scram_ssl),
    ]
}

/// `health` describes the KRaft quorum on the raw path, and asks each broker ApiVersions on a
/// connection of its own, over every kind of secured listener; before, the quorum was "not
/// checked" and a TLS broker only "accepting connections".
#[test]
fn health_describes_the_quorum_and_asks_each_broker_over_tls_mtls_and_sasl() {
    let sec = Secure::get();
    let work = tempfile::tempdir().unwrap();
    for (what, listener, flags) in ways_in(sec) {
        let out = sec
            .evbus(listener, work.path())
            .args(&flags)
            .args(["health", "--brokers-only", "-o", "json"])
            .output()
            .unwrap();
        let doc = stdout_json(&out);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{what}: {err}\n{doc:#}");
        let quorum = check(&doc, "quorum");
        assert_eq!(quorum["status"], "ok", "{what}: {quorum}");
        assert!(quorum["detail"].as_str().unwrap().starts_with("leader "), "{what}: {quorum}");
        assert!(doc["kraft"]["quorum"]["leader_id"].as_i64().is_some_and(|id| id >= 0), "{what}: {doc:#}");
        assert!(doc["kraft"]["features"]["metadata.version"].as_i64().is_some(), "{what}: {doc:#}");
        let brokers = check(&doc, "brokers")["detail"].as_str().unwrap();
        assert!(brokers.contains(", all answering"), "{what}: {brokers}");
        let all = format!("{doc}{err}");
        for pw in [PW_PLAIN, PW_256, PW_512, CLIENT_KEY_PASSWORD] {
            assert!(!all.contains(pw), "{what}: a password was printed:\n{all}");
        }
    }

    // The certificate's DNS name is checked too (the default ssl.endpoint.identification.algorithm=https).
    let (_, _, flags) = ways_in(sec).remove(0);
    let out = evbus_cmd()
        .current_dir(work.path())
        .args(["-b", &format!("localhost:{}", sec.broker.port_of("TLS"))])
        .args(&flags)
        .args(["health", "--brokers-only", "-o", "json"])
        .output()
        .unwrap();
    let doc = stdout_json(&out);
    assert_eq!(check(&doc, "quorum")["status"], "ok", "{doc:#}");
}

fn settings(sec: &Secure, listener: &str, props: &[String], timeout: Duration) -> evbus::kafka::Settings {
    evbus::kafka::Settings {
        brokers: sec.addr(listener),
        props: props
            .chunks(2)
            .map(|kv| {
                let (k, v) = kv[1].split_once('=').unwrap();
                (k.to_string(), v.to_string())
            })
            .collect(),
        timeout,
        verbose: 0,
    }
}

/// ListGroups v5 (the types `groups list` shows for share and streams groups) is asked of a
/// broker named by address (`Conn::to`, as routing to a coordinator does) with the same settings.
#[test]
fn list_groups_v5_over_every_secured_listener() {
    let sec = Secure::get();
    let t = sec.broker.unique("swire-types");
    sec.broker.create_topic(&t, 1);
    let group = sec.broker.unique("swire-classic");
    let member = live_member(&sec.broker, &group, "swire-member", "classic", &t, 1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (what, listener, flags) in ways_in(sec) {
        let s = settings(sec, listener, &flags, Duration::from_secs(20));
        let types = rt
            .block_on(evbus::kafka::wire::groups::types(&s, &[sec.addr(listener)]))
            .unwrap_or_else(|e| panic!("{what}: ListGroups v5: {e}"));
        assert_eq!(types.get(&group).map(|l| l.kind.as_str()), Some("classic"), "{what}: {types:?}");
        // FindCoordinator, as the group calls of the raw path route: the coordinator is named on
        // the listener asked, and connected to with the same settings.
        let conn = rt
            .block_on(bounded(&s, "FindCoordinator", route::coordinator(&s, &group, route::KeyType::Group)))
            .unwrap_or_else(|e| panic!("{what}: FindCoordinator: {e}"));
        assert_eq!(conn.addr(), sec.addr(listener), "{what}");
    }
    drop(member);
}

/// Failures say what failed and never print a password: a wrong password is an authentication
/// error at once (not retried until the timeout), a missing client certificate and an untrusted
/// CA say certificate; all within `--timeout`.
#[test]
fn a_wrong_password_a_missing_certificate_and_an_untrusted_ca_are_clear_errors() {
    let sec = Secure::get();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let timeout = Duration::from_secs(4);
    let describe = |listener: &str, flags: &[String]| {
        let s = settings(sec, listener, flags, timeout);
        let started = Instant::now();
        let e = rt.block_on(evbus::kafka::wire::quorum::describe(&s)).expect_err("refused");
        assert!(started.elapsed() < timeout + Duration::from_secs(1), "{:?}: {e}", started.elapsed());
        e
    };

    let wrong = "Wrong-pw-c4e19a";
    let mut flags = sasl_flags("SASL_SSL", "SCRAM-SHA-512", "bob", wrong);
    flags.extend(["-X".into(), format!("ssl.ca.location={}", sec.pki.s("ca.pem"))]);
    let e = describe("SASLSSL", &flags);
    assert_eq!(e.kind(), evbus::kafka::Kind::NotAuthorized, "{e}");
    assert!(!e.retriable());
    let m = e.message();
    assert!(
        m.starts_with(&format!(
            "SASL authentication as 'bob' with SCRAM-SHA-512 to {} failed: authentication failed: ",
            sec.addr("SASLSSL")
        )),
        "{m}"
    );
    assert!(!m.contains(wrong) && !m.contains(PW_512), "{m}");
    let e = describe("SASL", &sasl_flags("SASL_PLAINTEXT", "PLAIN", "paula", wrong));
    assert_eq!(e.kind(), evbus::kafka::Kind::NotAuthorized, "{e}");
    assert!(e.message().contains("with PLAIN") && !e.message().contains(wrong), "{e}");

    let ca = |name: &str| {
        ["-X".to_string(), "security.protocol=SSL".into(), "-X".into(), format!("ssl.ca.location={}", sec.pki.s(name))]
    };
    let e = describe("MTLS", &ca("ca.pem"));
    assert_eq!(e.kind(), evbus::kafka::Kind::NotAuthorized, "{e}");
    assert!(e.message().contains("does the listener require a client certificate"), "{e}");
    let e = describe("TLS", &ca("other-ca.pem"));
    assert!(e.message().contains("certificate verify failed"), "untrusted CA: {e}");

    // The whole command: exit 1 within --timeout, saying authentication, no password anywhere.
    let work = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = sec
        .evbus("SASL", work.path())
        .args(sasl_flags("SASL_PLAINTEXT", "SCRAM-SHA-256", "alice", wrong))
        .args(["--timeout", "4s", "-v", "health", "--brokers-only"])
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(12), "{:?}", started.elapsed());
    // 4: unhealthy (the brokers check fails), not an evbus error.
    assert_eq!(out.status.code(), Some(4), "{}", String::from_utf8_lossy(&out.stderr));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.to_lowercase().contains("authentication"), "{all}");
    assert!(!all.contains(wrong) && !all.contains(PW_256), "{all}");
}
