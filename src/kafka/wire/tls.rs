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
    if let Some(ca) = &t.ca {
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
        let pkey = match &t.key_password {
            Some(pw) => PKey::private_key_from_pem_passphrase(&pem, pw.as_bytes()),
            None => PKey::private_key_from_pem(&pem),
        }
        .map_err(|_| {
            let hint =
                if t.key_password.is_some() { "wrong ssl.key.password?" } else { "encrypted? set ssl.key.password" };
            invalid(format!("cannot read the private key in ssl.key.location {key} ({hint})"))
        })?;
        b.set_private_key(&pkey).map_err(ssl(format!("cannot use ssl.key.location {key}")))?;
        b.check_private_key().map_err(|_| {
            invalid(format!(
                "ssl.key.location {key} does not match ssl.certificate.location {cert} (key/certificate mismatch)"
            ))
        })?;
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
    let failed = |why: String| Error::new(OP, Kind::Other, format!("TLS handshake with {addr} failed: {why}"));
    let ssl = c
        .configure()
        .and_then(|cfg| cfg.verify_hostname(t.verify && t.verify_hostname).into_ssl(host))
        .map_err(|e| failed(e.to_string()))?;
    let mut stream = SslStream::new(ssl, tcp).map_err(|e| failed(e.to_string()))?;
    if let Err(e) = Pin::new(&mut stream).connect().await {
        let verify = stream.ssl().verify_result();
        let why = if verify == openssl::x509::X509VerifyResult::OK {
            match e.io_error() {
                Some(io) => format!("{io} (a PLAINTEXT listener, or one that closed the connection?)"),
                None => e.to_string(),
            }
        } else {
            let hint = if verify.as_raw() == 62 {
                // X509_V_ERR_HOSTNAME_MISMATCH
                "; ssl.endpoint.identification.algorithm=none turns the name check off"
            } else {
                "; is ssl.ca.location the CA that signed it?"
            };
            format!("certificate verify failed: {}{hint}", verify.error_string())
        };
        return Err(failed(why));
    }
    Ok(stream)
}
