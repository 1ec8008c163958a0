//! TLS for the raw protocol path, on OpenSSL as librdkafka uses it: the same PEM files
//! (`ssl.ca.location`, `ssl.certificate.location`, `ssl.key.location` with `ssl.key.password`),
//! the broker's chain checked against the CA (or the system store), its certificate checked to
//! name the host connected to unless `ssl.endpoint.identification.algorithm=none`.
//!
//! Failures say which file or which check, never a key password: a certificate the CA did not
//! sign, a name that does not match and a key that is not the certificate's are three different
//! fixes for the user.

use std::path::Path;
use std::pin::Pin;

use openssl::pkey::PKey;
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use openssl::x509::X509;
use openssl::x509::store::X509StoreBuilder;
use tokio::net::TcpStream;
use tokio_openssl::SslStream;

use super::security::Tls;
use crate::kafka::error::{Error, Kind};

const OP: &str = "TLS connection";

fn invalid(message: String) -> Error {
    Error::new(OP, Kind::InvalidConfig, message)
}

fn read(setting: &str, path: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| invalid(format!("cannot read {setting} {path}: {e}")))
}

/// What TLS connections are made with: the settings' files read and checked once.
pub fn connector(t: &Tls) -> Result<SslConnector, Error> {
    let ssl = |what: String| move |e: openssl::error::ErrorStack| invalid(format!("{what}: {e}"));
    let mut b = SslConnector::builder(SslMethod::tls_client()).map_err(ssl("cannot set up TLS".into()))?;
    // `probe`, as librdkafka: the system's trust store (which the builder has loaded already).
    if let Some(ca) = t.ca.as_ref().filter(|ca| *ca != "probe") {
        // Only the CA given, as librdkafka: the system store would trust more than asked.
        b.set_cert_store(X509StoreBuilder::new().map_err(ssl("cannot set up TLS".into()))?.build());
        if Path::new(ca).is_dir() {
            b.load_verify_locations(None, Some(Path::new(ca)))
                .map_err(ssl(format!("cannot use ssl.ca.location directory {ca}")))?;
        } else {
            let certs = X509::stack_from_pem(&read("ssl.ca.location", ca)?)
                .map_err(ssl(format!("ssl.ca.location {ca} is not PEM")))?;
            if certs.is_empty() {
                return Err(invalid(format!("ssl.ca.location {ca} holds no PEM certificate")));
            }
            for c in certs {
                b.cert_store_mut().add_cert(c).map_err(ssl(format!("cannot use the CA in ssl.ca.location {ca}")))?;
            }
        }
    }
    if !t.verify {
        b.set_verify(SslVerifyMode::NONE);
    }
    if let (Some(cert), Some(key)) = (&t.cert, &t.key) {
        let mut chain = X509::stack_from_pem(&read("ssl.certificate.location", cert)?)
            .map_err(ssl(format!("ssl.certificate.location {cert} is not PEM")))?
            .into_iter();
        let leaf =
            chain.next().ok_or_else(|| invalid(format!("ssl.certificate.location {cert} holds no certificate")))?;
        b.set_certificate(&leaf).map_err(ssl(format!("cannot use ssl.certificate.location {cert}")))?;
        for c in chain {
            b.add_extra_chain_cert(c)
                .map_err(ssl(format!("cannot use the chain in ssl.certificate.location {cert}")))?;
        }
        let pem = read("ssl.key.location", key)?;
        // Never OpenSSL's default callback: it would prompt for the password on the terminal.
        let pw = t.key_password.clone().unwrap_or_default();
        let pkey = PKey::private_key_from_pem_callback(&pem, |buf| {
            let n = pw.len().min(buf.len());
            buf[..n].copy_from_slice(&pw.as_bytes()[..n]);
            Ok(n)
        })
        .map_err(|_| {
            let hint =
                if t.key_password.is_some() { "wrong ssl.key.password?" } else { "encrypted? set ssl.key.password" };
            invalid(format!("cannot read the private key in ssl.key.location {key} ({hint})"))
        })?;
        let mismatch = |_| {
            invalid(format!(
                "ssl.key.location {key} does not match ssl.certificate.location {cert} (key/certificate mismatch)"
            ))
        };
        b.set_private_key(&pkey).map_err(mismatch)?;
        b.check_private_key().map_err(mismatch)?;
    }
    Ok(b.build())
}

/// The TLS handshake over `tcp` with the broker at `host` (`addr` for messages).
pub async fn handshake(
    c: &SslConnector,
    t: &Tls,
    host: &str,
    addr: &str,
    tcp: TcpStream,
) -> Result<SslStream<TcpStream>, Error> {
    let failed = |kind, why: String| Error::new(OP, kind, format!("TLS handshake with {addr} failed: {why}"));
    let ssl = c
        .configure()
        .and_then(|cfg| cfg.verify_hostname(t.verify && t.verify_hostname).into_ssl(host))
        .map_err(|e| failed(Kind::Other, e.to_string()))?;
    let mut stream = SslStream::new(ssl, tcp).map_err(|e| failed(Kind::Other, e.to_string()))?;
    if let Err(e) = Pin::new(&mut stream).connect().await {
        let verify = stream.ssl().verify_result();
        // A certificate that does not verify is the user's to fix, and the same on every broker;
        // a connection closed or reset mid-handshake is the broker's (restarting?): another
        // bootstrap broker may answer.
        let (kind, why) = if verify == openssl::x509::X509VerifyResult::OK {
            let why = match (e.io_error(), e.ssl_error().and_then(|s| s.errors().first()?.reason())) {
                (Some(io), _) => io.to_string(),
                (None, Some(reason)) => reason.to_string(),
                (None, None) => e.to_string(),
            };
            (Kind::BrokerUnreachable, format!("{why} (a PLAINTEXT listener, or one that closed the connection?)"))
        } else {
            // X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH
            let hint = if matches!(verify.as_raw(), 62 | 64) {
                "; ssl.endpoint.identification.algorithm=none turns the name check off"
            } else {
                "; is ssl.ca.location the CA that signed it?"
            };
            (Kind::Other, format!("certificate verify failed: {}{hint}", verify.error_string()))
        };
        return Err(failed(kind, why));
    }
    Ok(stream)
}

/// What a TLS failure after the handshake means, when `e` is one: with TLS 1.3 a broker that
/// requires a client certificate refuses it only on the first read, as an alert. OpenSSL's own
/// text (`error:0A000412:SSL routines:...`) is reduced to the alert, and that case is named.
pub fn read_failure(e: &std::io::Error) -> Option<(Kind, String)> {
    let ssl = e.get_ref()?.downcast_ref::<openssl::ssl::Error>()?;
    let reasons: Vec<&str> = ssl.ssl_error()?.errors().iter().filter_map(|r| r.reason()).collect();
    let reason = reasons.first()?;
    Some(if reason.contains("certificate") {
        (
            Kind::NotAuthorized,
            format!(
                "the broker refused the TLS session ({reason}): does the listener require a client certificate \
                 (ssl.certificate.location, ssl.key.location) from a CA it trusts?"
            ),
        )
    } else {
        (Kind::BrokerUnreachable, format!("the TLS session failed: {reason}"))
    })
}

#[cfg(test)]
mod tests {
    use openssl::asn1::Asn1Time;
    use openssl::bn::BigNum;
    use openssl::ec::{EcGroup, EcKey};
    use openssl::hash::MessageDigest;
    use openssl::nid::Nid;
    use openssl::pkey::Private;
    use openssl::ssl::{Ssl, SslAcceptor};
    use openssl::x509::X509Name;
    use openssl::x509::extension::SubjectAlternativeName;

    use super::*;

    /// A self-signed certificate naming only `localhost` (not 127.0.0.1), and its key.
    fn cert(cn: &str) -> (X509, PKey<Private>) {
        let key =
            PKey::from_ec_key(EcKey::generate(&EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap()).unwrap())
                .unwrap();
        let mut name = X509Name::builder().unwrap();
        name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
        let name = name.build();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&BigNum::from_u32(1).unwrap().to_asn1_integer().unwrap()).unwrap();
        b.set_subject_name(&name).unwrap();
        b.set_issuer_name(&name).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap()).unwrap();
        b.set_not_after(&Asn1Time::days_from_now(2).unwrap()).unwrap();
        let san = SubjectAlternativeName::new().dns("localhost").build(&b.x509v3_context(None, None)).unwrap();
        b.append_extension(san).unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        (b.build(), key)
    }

    /// A TLS server on a loopback port that completes every handshake it is offered.
    async fn server(cert: &X509, key: &PKey<Private>) -> String {
        let mut a = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).unwrap();
        a.set_certificate(cert).unwrap();
        a.set_private_key(key).unwrap();
        let a = a.build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let mut s = SslStream::new(Ssl::new(a.context()).unwrap(), tcp).unwrap();
                tokio::spawn(async move {
                    let _ = Pin::new(&mut s).accept().await;
                    let _ = tokio::io::AsyncReadExt::read(&mut s, &mut [0u8; 1]).await;
                });
            }
        });
        port.to_string()
    }

    async fn connect(t: &Tls, host: &str, port: &str) -> Result<(), Error> {
        let addr = format!("{host}:{port}");
        let tcp = TcpStream::connect(format!("127.0.0.1:{port}")).await.unwrap();
        handshake(&connector(t)?, t, host, &addr, tcp).await.map(drop)
    }

    #[tokio::test]
    async fn the_chain_and_the_host_name_are_checked_unless_turned_off() {
        let (c, k) = cert("evbus-test");
        let port = server(&c, &k).await;
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(&ca, c.to_pem().unwrap()).unwrap();
        let other = dir.path().join("other.pem");
        std::fs::write(&other, cert("other").0.to_pem().unwrap()).unwrap();
        let tls = |ca: &Path, verify, verify_hostname| Tls {
            ca: Some(ca.display().to_string()),
            verify,
            verify_hostname,
            ..Tls::default()
        };

        connect(&tls(&ca, true, true), "localhost", &port).await.expect("the name the certificate has");
        let e = connect(&tls(&ca, true, true), "127.0.0.1", &port).await.unwrap_err();
        assert!(
            e.message().starts_with(&format!("TLS handshake with 127.0.0.1:{port} failed: certificate verify failed")),
            "{e}"
        );
        assert!(e.message().contains("ssl.endpoint.identification.algorithm=none"), "{e}");
        connect(&tls(&ca, true, false), "127.0.0.1", &port).await.expect("name check off");

        let e = connect(&tls(&other, true, false), "localhost", &port).await.unwrap_err();
        assert!(e.message().contains("certificate verify failed") && e.message().contains("ssl.ca.location"), "{e}");
        connect(&tls(&other, false, true), "127.0.0.1", &port).await.expect("verification off");

        // A listener that is not TLS (Kafka closes the connection at a ClientHello read as a size).
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let plain_port = plain.local_addr().unwrap().port().to_string();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = plain.accept().await {
                drop(tcp);
            }
        });
        let e = connect(&tls(&ca, true, true), "localhost", &plain_port).await.unwrap_err();
        assert_eq!(e.kind(), Kind::BrokerUnreachable, "{e}");
        assert!(e.message().ends_with("(a PLAINTEXT listener, or one that closed the connection?)"), "{e}");
        assert!(!e.message().contains("error:0A"), "OpenSSL's codes are not for users: {e}");
    }

    #[test]
    fn unusable_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let (c, k) = cert("client");
        let pem = |name: &str, data: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, data).unwrap();
            p.display().to_string()
        };
        let cert_pem = pem("c.pem", &c.to_pem().unwrap());
        let enc = pem(
            "enc.key",
            &k.private_key_to_pem_pkcs8_passphrase(openssl::symm::Cipher::aes_256_cbc(), b"Key-pw-3f9").unwrap(),
        );
        let other = pem("o.key", &cert("o").1.private_key_to_pem_pkcs8().unwrap());
        let mtls = |key: &str, pw: Option<&str>| Tls {
            cert: Some(cert_pem.clone()),
            key: Some(key.into()),
            key_password: pw.map(Into::into),
            verify: true,
            verify_hostname: true,
            ..Tls::default()
        };
        assert!(connector(&mtls(&enc, Some("Key-pw-3f9"))).is_ok());
        let e = connector(&mtls(&enc, Some("Wrong-pw-61a"))).unwrap_err();
        assert!(
            e.message()
                .contains(&format!("cannot read the private key in ssl.key.location {enc} (wrong ssl.key.password?)")),
            "{e}"
        );
        assert!(!e.message().contains("Wrong-pw-61a"));
        let e = connector(&mtls(&enc, None)).unwrap_err();
        assert!(e.message().contains("encrypted? set ssl.key.password"), "{e}");
        let e = connector(&mtls(&other, None)).unwrap_err();
        assert!(e.message().contains("key/certificate mismatch"), "{e}");
        let missing = Tls { ca: Some("/nonexistent/ca.pem".into()), ..Tls::default() };
        let e = connector(&missing).unwrap_err();
        assert!(e.message().starts_with("cannot read ssl.ca.location /nonexistent/ca.pem: "), "{e}");
        assert_eq!(e.kind(), Kind::InvalidConfig);
        assert!(connector(&Tls { ca: Some("probe".into()), ..Tls::default() }).is_ok());
    }
}
