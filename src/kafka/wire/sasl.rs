//! SASL authentication on a raw protocol connection: SaslHandshake v1 names the mechanism, then
//! SaslAuthenticate carries its messages (PLAIN: one; SCRAM: two round trips, the broker's
//! signature checked, see [`super::scram`]). Done right after ApiVersions, before any other
//! request, as librdkafka does.
//!
//! A refusal is an authentication error naming the user, mechanism and broker, never the
//! password; it is not retriable (asking again with the same password cannot help).

use bytes::Bytes;
use kafka_protocol::messages::{
    ApiKey, SaslAuthenticateRequest, SaslAuthenticateResponse, SaslHandshakeRequest, SaslHandshakeResponse,
};
use kafka_protocol::protocol::StrBytes;

use super::frame::Call;
use super::scram::{self, Hash};
use super::security::{Mechanism, Sasl};
use super::transport::Conn;
use crate::kafka::error::{Error, Kind};

impl Call for SaslHandshakeRequest {
    const KEY: ApiKey = ApiKey::SaslHandshake;
    type Response = SaslHandshakeResponse;
}

impl Call for SaslAuthenticateRequest {
    const KEY: ApiKey = ApiKey::SaslAuthenticate;
    type Response = SaslAuthenticateResponse;
}

/// Kafka's UNSUPPORTED_SASL_MECHANISM: the listener does not enable the mechanism asked for.
const UNSUPPORTED_SASL_MECHANISM: i16 = 33;

/// Authenticates `conn` as `sasl` says.
pub async fn authenticate(conn: &mut Conn, sasl: &Sasl) -> Result<(), Error> {
    let mech = sasl.mechanism.name();
    let who = format!("as '{}' with {mech} to {}", sasl.username, conn.addr());
    let op = "SASL authentication";
    let fail = |kind: Kind, why: String| Error::new(op, kind, format!("SASL authentication {who} failed: {why}"));
    // v1 (Kafka 1.0+) frames the mechanism's messages in SaslAuthenticate requests; v0 sent them
    // raw, which no broker evbus supports needs.
    let req = SaslHandshakeRequest::default().with_mechanism(StrBytes::from_static_str(mech));
    let (resp, _) = conn.call_within(&req, (1, 1)).await?;
    if resp.error_code == UNSUPPORTED_SASL_MECHANISM {
        let enabled: Vec<String> = resp.mechanisms.iter().map(ToString::to_string).collect();
        return Err(fail(
            Kind::NotAuthorized,
            format!("the listener does not enable {mech} (it enables: {})", enabled.join(", ")),
        ));
    }
    if resp.error_code != 0 {
        return Err(Error::from_protocol(format!("SaslHandshake {who}"), resp.error_code, None));
    }
    let mut step = async |bytes: Vec<u8>| -> Result<Vec<u8>, Error> {
        let req = SaslAuthenticateRequest::default().with_auth_bytes(Bytes::from(bytes));
        let (resp, _) = conn.call(&req).await?;
        if resp.error_code != 0 {
            let why = resp.error_message.as_deref().filter(|m| !m.is_empty()).unwrap_or("no reason given");
            return Err(fail(Kind::NotAuthorized, format!("authentication failed: {why}")));
        }
        Ok(resp.auth_bytes.to_vec())
    };
    match sasl.mechanism {
        Mechanism::Plain => {
            // RFC 4616: authzid NUL authcid NUL password (no authorization id).
            let msg = format!("\0{}\0{}", sasl.username, sasl.password);
            step(msg.into_bytes()).await?;
        }
        Mechanism::ScramSha256 | Mechanism::ScramSha512 => {
            let hash = if sasl.mechanism == Mechanism::ScramSha256 { Hash::Sha256 } else { Hash::Sha512 };
            let local = |e: String| fail(Kind::NotAuthorized, e);
            let client = scram::Client::new(hash, &sasl.username, &sasl.password).map_err(local)?;
            let server_first = step(client.first().into_bytes()).await?;
            let server_first =
                String::from_utf8(server_first).map_err(|_| local("the broker's challenge is not text".into()))?;
            let (last, signature) = client.last(&server_first).map_err(local)?;
            let server_final = step(last.into_bytes()).await?;
            scram::Client::verify(&String::from_utf8_lossy(&server_final), &signature).map_err(local)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use bytes::{BufMut, BytesMut};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::kafka::settings::Settings;

    /// A broker that speaks just enough: ApiVersions v3 (SaslHandshake v1, SaslAuthenticate v2),
    /// then answers SaslHandshake with UNSUPPORTED_SASL_MECHANISM, enabling only PLAIN.
    async fn plain_only_broker() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            loop {
                let Ok(size) = sock.read_i32().await else { return };
                let mut req = vec![0u8; usize::try_from(size).unwrap()];
                sock.read_exact(&mut req).await.unwrap();
                let key = i16::from_be_bytes([req[0], req[1]]);
                let mut b = BytesMut::new();
                b.put_slice(&req[4..8]); // the correlation id; response header v0 for both
                match key {
                    18 => {
                        b.put_i16(0);
                        b.put_u8(3); // compact array of 2
                        for (k, max) in [(17i16, 1i16), (36, 2)] {
                            b.put_i16(k);
                            b.put_i16(0);
                            b.put_i16(max);
                            b.put_u8(0);
                        }
                        b.put_i32(0);
                        b.put_u8(0);
                    }
                    17 => {
                        b.put_i16(UNSUPPORTED_SASL_MECHANISM);
                        b.put_i32(1);
                        b.put_i16(5);
                        b.put_slice(b"PLAIN");
                    }
                    _ => return,
                }
                let mut frame = (i32::try_from(b.len()).unwrap()).to_be_bytes().to_vec();
                frame.extend_from_slice(&b);
                sock.write_all(&frame).await.unwrap();
            }
        });
        addr
    }

    #[tokio::test]
    async fn a_mechanism_the_listener_does_not_enable_is_named_with_the_ones_it_does() {
        let addr = plain_only_broker().await;
        let mut s = Settings::for_tests(&[
            ("security.protocol", "SASL_PLAINTEXT"),
            ("sasl.mechanism", "SCRAM-SHA-512"),
            ("sasl.username", "bob"),
            ("sasl.password", "Pw-0c51e9a"),
        ]);
        s.brokers = addr.clone();
        let e = Conn::bootstrap(&s).await.err().expect("refused");
        assert_eq!(e.kind(), Kind::NotAuthorized, "{e}");
        assert!(!e.retriable());
        assert_eq!(
            e.message(),
            format!(
                "SASL authentication as 'bob' with SCRAM-SHA-512 to {addr} failed: the listener does not enable \
                 SCRAM-SHA-512 (it enables: PLAIN)"
            )
        );
    }
}
