//! Is a port free, does a broker answer there: what `up` and `status` ask of the machine.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use crate::kafka::Settings;

/// True when nothing listens on 127.0.0.1:port (checked by binding it, as the broker will).
pub(super) fn port_is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// A metadata probe with a short per-try timeout, for readiness and status.
pub(super) async fn answers(addr: &str, timeout: Duration) -> bool {
    let settings = Settings { brokers: addr.to_string(), props: Vec::new(), timeout, verbose: 0 };
    let Ok(admin) = settings.admin() else { return false };
    Arc::new(admin).metadata(None).await.is_ok_and(|m| !m.brokers.is_empty())
}

/// The broker ids the node at `addr` lists in its metadata, when it answers within `timeout`: a
/// cluster's node is up once it lists itself (registered and unfenced), the cluster once every
/// node lists every other.
pub(super) async fn brokers_listed(addr: &str, timeout: Duration) -> Option<Vec<i32>> {
    let settings = Settings { brokers: addr.to_string(), props: Vec::new(), timeout, verbose: 0 };
    let admin = settings.admin().ok()?;
    let md = Arc::new(admin).metadata(None).await.ok()?;
    Some(md.brokers.iter().map(|b| b.id).collect())
}
