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
use kafka_protocol::protocol::{Message, StrBytes};

use super::frame::{Call, Exchange};
use super::scram::{self, Hash};
use super::security::{Mechanism, Sasl};
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
pub(super) const UNSUPPORTED_SASL_MECHANISM: i16 = 33;

/// The connection SASL runs on (the transport's `Conn`, which calls [`authenticate`] while it
/// opens): a trait, so that this file does not import the transport that imports it.
pub(super) trait Channel {
    /// The broker (`host:port`), for the error's wording.
    fn addr(&self) -> &str;
    /// One request at the highest version in `ours` both sides support.
    async fn exchange<C: Exchange>(&mut self, req: &C, ours: (i16, i16)) -> Result<(C::Reply, i16), Error>;
}

/// Authenticates `conn` as `sasl` says.
pub(super) async fn authenticate(conn: &mut impl Channel, sasl: &Sasl) -> Result<(), Error> {
    let mech = sasl.mechanism.name();
    let who = format!("as '{}' with {mech} to {}", sasl.username, conn.addr());
    let op = "SASL authentication";
    let fail = |kind: Kind, why: String| Error::new(op, kind, format!("SASL authentication {who} failed: {why}"));
    // v1 (Kafka 1.0+) frames the mechanism's messages in SaslAuthenticate requests; v0 sent them
    // raw, which no broker evbus supports needs.
    let req = SaslHandshakeRequest::default().with_mechanism(StrBytes::from_static_str(mech));
    let (resp, _) = conn.exchange(&req, (1, 1)).await?;
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
        let ours = (SaslAuthenticateRequest::VERSIONS.min, SaslAuthenticateRequest::VERSIONS.max);
        let (resp, _) = conn.exchange(&req, ours).await?;
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
