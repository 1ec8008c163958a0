//! Where a request must go. Group APIs (describe, offsets of share and streams groups) are
//! answered only by the group's coordinator, which FindCoordinator names; admin APIs a KRaft
//! broker forwards to the controller (reassignments, quotas, features) go to any broker.
//!
//! A coordinator that is loading or moving answers with a retriable code: it is asked again until
//! the caller's `--timeout` (callers wrap the whole exchange in [`bounded`](super::transport::bounded)).

use std::time::Duration;

use kafka_protocol::messages::{ApiKey, FindCoordinatorRequest};
use kafka_protocol::protocol::{Message, StrBytes};

use super::transport::Conn;
use crate::kafka::error::Error;
use crate::kafka::settings::Settings;

/// The coordinator key types FindCoordinator knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// A group of any type (classic, consumer, streams and share groups are all key type 0).
    Group = 0,
    /// A transactional id.
    Transaction = 1,
}

/// Wait between asking again while the coordinator is loading or being elected.
const RETRY_PAUSE: Duration = Duration::from_millis(200);

/// A connection to the coordinator of `key`: asks a bootstrap broker which node it is, then
/// connects there. Retriable answers (loading, not available, not coordinator) are asked again
/// without end: the caller bounds the whole exchange by `--timeout`.
pub async fn coordinator(s: &Settings, key: &str, key_type: KeyType) -> Result<Conn, Error> {
    let op = format!("FindCoordinator for {key}");
    loop {
        let mut conn = Conn::bootstrap(s).await?;
        // v4+ asks by a list of keys and answers one coordinator per key; the codec refuses a
        // request with the field of the other versions set, so the version is picked first.
        let version = conn.versions().pick(ApiKey::FindCoordinator, (0, FindCoordinatorRequest::VERSIONS.max))?;
        let req = FindCoordinatorRequest::default().with_key_type(key_type as i8);
        let req = if version >= 4 {
            req.with_coordinator_keys(vec![StrBytes::from_string(key.to_string())])
        } else {
            req.with_key(StrBytes::from_string(key.to_string()))
        };
        let (resp, version) = conn.call_within(&req, (version, version)).await?;
        let (code, message, host, port) = if version >= 4 {
            let Some(c) = resp.coordinators.into_iter().next() else {
                return Err(Error::text(&op, format!("{op}: the broker named no coordinator")));
            };
            (c.error_code, c.error_message, c.host, c.port)
        } else {
            (resp.error_code, resp.error_message, resp.host, resp.port)
        };
        if code != 0 {
            let e = Error::from_protocol(&op, code, message.as_deref());
            if e.retriable() {
                tokio::time::sleep(RETRY_PAUSE).await;
                continue;
            }
            return Err(e);
        }
        let addr = format!("{host}:{port}");
        if addr == conn.addr() {
            return Ok(conn);
        }
        return Conn::to(s, &addr).await;
    }
}
