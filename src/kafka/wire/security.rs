//! How the raw protocol path connects, read from the same `-X` settings (and context settings)
//! evbus's librdkafka clients get: `security.protocol`, the PEM-file TLS settings and SASL PLAIN
//! or SCRAM credentials. Kept apart from the sockets so what is honoured, and what is refused by
//! name, is unit-tested.
//!
//! A setting this path cannot honour (a keystore, an engine, OAUTHBEARER, Kerberos...) is an
//! error naming it, never ignored: connecting without what the user asked for would fail in a
//! confusing way, or bypass it.

use std::collections::BTreeMap;

use crate::kafka::error::{Error, Kind};
use crate::kafka::settings::Settings;
use crate::term::redact;

/// The `-X` settings starting with `ssl.`/`sasl.` (or the one TLS switch without that prefix)
/// this path honours; every other one is refused by name.
pub const HONOURED: &[&str] = &[
    "ssl.ca.location",
    "ssl.certificate.location",
    "ssl.key.location",
    "ssl.key.password",
    "enable.ssl.certificate.verification",
    "ssl.endpoint.identification.algorithm",
    "sasl.mechanism",
    "sasl.mechanisms",
    "sasl.username",
    "sasl.password",
];

/// What a TLS connection is made with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tls {
    /// `ssl.ca.location`: a PEM file or a hashed directory of CA certificates; `None`: the
    /// system's trust store (as librdkafka uses it).
    pub ca: Option<String>,
    /// `ssl.certificate.location`: the client certificate (PEM, chain allowed), for mutual TLS.
    pub cert: Option<String>,
    /// `ssl.key.location`: its private key (PEM, maybe encrypted).
    pub key: Option<String>,
    /// `ssl.key.password`: the key's password.
    pub key_password: Option<String>,
    /// `enable.ssl.certificate.verification` (default true): check the broker's certificate chain.
    pub verify: bool,
    /// `ssl.endpoint.identification.algorithm=https` (the default): check the certificate names
    /// the broker's host.
    pub verify_hostname: bool,
}

/// The SASL mechanisms this path speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// RFC 4616: user and password in the clear (inside TLS, one hopes).
    Plain,
    /// RFC 7677.
    ScramSha256,
    /// RFC 5802 with SHA-512, as Kafka names it.
    ScramSha512,
}

impl Mechanism {
    /// The name Kafka and librdkafka use.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Plain => "PLAIN",
            Mechanism::ScramSha256 => "SCRAM-SHA-256",
            Mechanism::ScramSha512 => "SCRAM-SHA-512",
        }
    }
}

/// SASL credentials. `Debug` leaves the password out.
#[derive(Clone, PartialEq, Eq)]
pub struct Sasl {
    /// The mechanism.
    pub mechanism: Mechanism,
    /// `sasl.username`.
    pub username: String,
    /// `sasl.password`.
    pub password: String,
}

impl std::fmt::Debug for Sasl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sasl")
            .field("mechanism", &self.mechanism)
            .field("username", &self.username)
            .field("password", &redact::MASK)
            .finish()
    }
}

/// How to connect: TLS or not, SASL or not (`security.protocol`'s four values).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Security {
    /// TLS settings for `SSL` and `SASL_SSL`.
    pub tls: Option<Tls>,
    /// Credentials for `SASL_PLAINTEXT` and `SASL_SSL`.
    pub sasl: Option<Sasl>,
}

fn refuse(what: String) -> Error {
    Error::new(
        "raw protocol connection",
        Kind::InvalidConfig,
        format!(
            "the raw protocol path does not support {what} (it honours security.protocol, ssl.ca.location, \
             ssl.certificate.location, ssl.key.location, ssl.key.password, enable.ssl.certificate.verification, \
             ssl.endpoint.identification.algorithm, and SASL PLAIN or SCRAM-SHA-256/512 with sasl.username and \
             sasl.password)"
        ),
    )
}

fn invalid(message: String) -> Error {
    Error::new("raw protocol connection", Kind::InvalidConfig, message)
}

/// librdkafka's booleans: true/t/1 and false/f/0, any case.
fn boolean(key: &str, v: &str) -> Result<bool, Error> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" => Ok(true),
        "false" | "f" | "0" => Ok(false),
        _ => Err(invalid(format!("-X {key}={v}: expected true or false"))),
    }
}

impl Security {
    /// How `s` says to connect, or the error naming the first setting this path cannot honour.
    pub fn from_settings(s: &Settings) -> Result<Security, Error> {
        // Later settings win, as in librdkafka (context first, then -X).
        let mut props: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, v) in &s.props {
            props.insert(k.as_str(), v.as_str());
        }
        for k in props.keys() {
            let security = k.starts_with("ssl.") || k.starts_with("ssl_") || k.starts_with("sasl.");
            let other = matches!(*k, "enable.sasl.oauthbearer.unsecure.jwt" | "enable.ssl.certificate.verification");
            if (security || other) && !HONOURED.contains(k) {
                return Err(refuse(format!("-X {k}")));
            }
        }
        let protocol = props.get("security.protocol").copied().unwrap_or("plaintext");
        let (tls, sasl) = match protocol.to_ascii_uppercase().as_str() {
            "PLAINTEXT" => (false, false),
            "SSL" => (true, false),
            "SASL_PLAINTEXT" => (false, true),
            "SASL_SSL" => (true, true),
            _ => {
                return Err(invalid(format!(
                    "-X security.protocol={protocol}: expected PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"
                )));
            }
        };
        Ok(Security {
            tls: if tls { Some(tls_from(&props)?) } else { None },
            sasl: if sasl { Some(sasl_from(&props)?) } else { None },
        })
    }
}

fn tls_from(props: &BTreeMap<&str, &str>) -> Result<Tls, Error> {
    let get = |k: &str| props.get(k).map(|v| v.to_string()).filter(|v| !v.is_empty());
    let verify = match props.get("enable.ssl.certificate.verification") {
        Some(v) => boolean("enable.ssl.certificate.verification", v)?,
        None => true,
    };
    let verify_hostname = match props.get("ssl.endpoint.identification.algorithm") {
        None => true,
        Some(v) if v.eq_ignore_ascii_case("https") => true,
        Some(v) if v.eq_ignore_ascii_case("none") => false,
        Some(v) => {
            return Err(invalid(format!("-X ssl.endpoint.identification.algorithm={v}: expected https or none")));
        }
    };
    let t = Tls {
        ca: get("ssl.ca.location"),
        cert: get("ssl.certificate.location"),
        key: get("ssl.key.location"),
        key_password: get("ssl.key.password"),
        verify,
        verify_hostname,
    };
    if t.cert.is_some() != t.key.is_some() {
        return Err(invalid(
            "mutual TLS needs both ssl.certificate.location and ssl.key.location (one of them is set)".into(),
        ));
    }
    Ok(t)
}

fn sasl_from(props: &BTreeMap<&str, &str>) -> Result<Sasl, Error> {
    // `sasl.mechanisms` is librdkafka's older name for the same setting; the later one wins there
    // too, but both at once with different values is a mistake worth naming.
    let mech = match (props.get("sasl.mechanism"), props.get("sasl.mechanisms")) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => {
            return Err(invalid(format!("-X sasl.mechanism={a} and -X sasl.mechanisms={b} disagree")));
        }
        (Some(m), _) | (None, Some(m)) => m.trim().to_ascii_uppercase(),
        (None, None) => {
            return Err(refuse("SASL mechanism GSSAPI (librdkafka's default when sasl.mechanism is not set)".into()));
        }
    };
    let mechanism = match mech.as_str() {
        "PLAIN" => Mechanism::Plain,
        "SCRAM-SHA-256" => Mechanism::ScramSha256,
        "SCRAM-SHA-512" => Mechanism::ScramSha512,
        _ => return Err(refuse(format!("-X sasl.mechanism={mech}"))),
    };
    let need = |k: &str| {
        props.get(k).map(|v| v.to_string()).ok_or_else(|| {
            invalid(format!("SASL {} needs sasl.username and sasl.password; {k} is not set", mechanism.name()))
        })
    };
    let (username, password) = (need("sasl.username")?, need("sasl.password")?);
    // Masked wherever it might show up later (a broker's message, a log line).
    redact::register_secret(&password);
    Ok(Sasl { mechanism, username, password })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sec(props: &[(&str, &str)]) -> Result<Security, Error> {
        Security::from_settings(&Settings::for_tests(props))
    }

    fn refused(props: &[(&str, &str)]) -> String {
        let e = sec(props).expect_err("refused");
        assert_eq!(e.kind(), Kind::InvalidConfig, "{e}");
        e.message().to_string()
    }

    #[test]
    fn plaintext_needs_nothing_and_ignores_unrelated_settings() {
        assert_eq!(sec(&[]).unwrap(), Security::default());
        assert_eq!(
            sec(&[("security.protocol", "plaintext"), ("socket.keepalive.enable", "true")]).unwrap(),
            Security::default()
        );
        // The last security.protocol wins, as in librdkafka.
        assert_eq!(
            sec(&[("security.protocol", "SASL_SSL"), ("security.protocol", "PLAINTEXT")]).unwrap(),
            Security::default()
        );
    }

    #[test]
    fn tls_settings_are_read_with_librdkafkas_defaults() {
        let s = sec(&[("security.protocol", "ssl"), ("ssl.ca.location", "/ca.pem")]).unwrap();
        let t = s.tls.unwrap();
        assert_eq!(t.ca.as_deref(), Some("/ca.pem"));
        assert!(t.verify && t.verify_hostname, "{t:?}");
        assert!(s.sasl.is_none());
        let s = sec(&[
            ("security.protocol", "SSL"),
            ("ssl.certificate.location", "/c.pem"),
            ("ssl.key.location", "/k.pem"),
            ("ssl.key.password", "Kp-1"),
            ("ssl.endpoint.identification.algorithm", "none"),
            ("enable.ssl.certificate.verification", "false"),
        ])
        .unwrap();
        let t = s.tls.unwrap();
        assert_eq!(
            (t.cert.as_deref(), t.key.as_deref(), t.key_password.as_deref()),
            (Some("/c.pem"), Some("/k.pem"), Some("Kp-1"))
        );
        assert!(!t.verify && !t.verify_hostname);
        assert!(refused(&[("security.protocol", "SSL"), ("ssl.key.location", "/k.pem")]).contains("needs both"));
        let m = refused(&[("security.protocol", "SSL"), ("ssl.endpoint.identification.algorithm", "dns")]);
        assert!(m.contains("expected https or none"), "{m}");
        let m = refused(&[("security.protocol", "SSL"), ("enable.ssl.certificate.verification", "maybe")]);
        assert!(m.contains("expected true or false"), "{m}");
        assert!(refused(&[("security.protocol", "TLS")]).contains("-X security.protocol=TLS: expected PLAINTEXT, SSL"));
    }

    #[test]
    fn sasl_plain_and_scram_are_read_and_the_password_is_never_shown() {
        let s = sec(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanisms", "scram-sha-512"),
            ("sasl.username", "bob"),
            ("sasl.password", "Sasl-pw-77f1e2"),
        ])
        .unwrap();
        assert!(s.tls.is_some());
        let sasl = s.sasl.unwrap();
        assert_eq!((sasl.mechanism, sasl.username.as_str()), (Mechanism::ScramSha512, "bob"));
        assert!(!format!("{sasl:?}").contains("Sasl-pw-77f1e2"));
        let plain = [("security.protocol", "SASL_PLAINTEXT"), ("sasl.mechanism", "PLAIN"), ("sasl.username", "u")];
        let m = refused(&plain);
        assert_eq!(m, "SASL PLAIN needs sasl.username and sasl.password; sasl.password is not set");
        let m = refused(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "PLAIN"),
            ("sasl.mechanisms", "SCRAM-SHA-256"),
        ]);
        assert!(m.contains("disagree"), "{m}");
    }

    #[test]
    fn settings_it_cannot_honour_are_refused_by_name() {
        for (k, v) in [
            ("ssl.keystore.location", "/ks.p12"),
            ("ssl.keystore.password", "x"),
            ("ssl.engine.id", "pkcs11"),
            ("ssl.engine.location", "/e.so"),
            ("ssl.ca.pem", "-----BEGIN"),
            ("ssl.cipher.suites", "HIGH"),
            ("ssl.crl.location", "/crl.pem"),
            ("ssl.providers", "legacy"),
            ("sasl.oauthbearer.config", "x"),
            ("sasl.kerberos.service.name", "kafka"),
            ("enable.sasl.oauthbearer.unsecure.jwt", "true"),
        ] {
            // Refused whatever the protocol: a setting that is there is never silently dropped.
            let m = refused(&[("security.protocol", "SSL"), (k, v)]);
            assert!(m.starts_with(&format!("the raw protocol path does not support -X {k} (it honours ")), "{m}");
            assert!(refused(&[(k, v)]).contains(&format!("-X {k} ")));
        }
        for mech in ["OAUTHBEARER", "GSSAPI"] {
            let m = refused(&[("security.protocol", "SASL_SSL"), ("sasl.mechanism", mech)]);
            assert!(
                m.starts_with(&format!("the raw protocol path does not support -X sasl.mechanism={mech} (")),
                "{m}"
            );
        }
        let m = refused(&[("security.protocol", "SASL_PLAINTEXT"), ("sasl.username", "u"), ("sasl.password", "p")]);
        assert!(m.contains("does not support SASL mechanism GSSAPI (librdkafka's default"), "{m}");
        // The ones it honours are not refused, under any protocol.
        for k in HONOURED {
            assert!(sec(&[(k, "PLAIN")]).is_ok(), "{k}");
        }
    }
}
