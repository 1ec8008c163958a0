//! Each broker's log directories (DescribeLogDirs, API 35): which are online, which failed (a
//! disk error takes a log dir offline and every replica on it with it), and how full their
//! volumes are. librdkafka has no DescribeLogDirs. Only the broker that owns a log dir knows it,
//! so every broker is asked on a connection of its own.
//!
//! Kafka 4.3 (KIP-1066) added `IsCordoned` in DescribeLogDirs v5; the `kafka-protocol` crate
//! (0.18) decodes up to v4, so evbus asks v4 and learns of cordoned dirs from the brokers'
//! `cordoned.log.dirs` config instead (see `kafka::health`). [`BrokerDirs::max_version`] keeps
//! what the broker offers, for saying so.

use std::time::Duration;

use kafka_protocol::messages::{ApiKey, DescribeLogDirsRequest};
use serde::Serialize;

use super::transport::{Conn, bounded};
use crate::kafka::error::Error;
use crate::kafka::settings::Settings;

/// Kafka's KAFKA_STORAGE_ERROR: the log dir failed (I/O error) and is offline.
const STORAGE_ERROR: i16 = 56;

/// One log directory of one broker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogDir {
    /// Its absolute path on the broker.
    pub path: String,
    /// Offline: the log dir failed (KAFKA_STORAGE_ERROR) and its replicas with it.
    pub offline: bool,
    /// Another error the broker reported for it, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Size of its volume in bytes (v4, Kafka 3.3+; `None` when unknown).
    pub total_bytes: Option<i64>,
    /// Usable bytes left on its volume (v4; `None` when unknown).
    pub usable_bytes: Option<i64>,
}

/// One broker's answer.
#[derive(Debug, Clone, Serialize)]
pub struct BrokerDirs {
    /// The broker id.
    pub id: i32,
    /// Its log dirs, in the order it listed them.
    pub dirs: Vec<LogDir>,
    /// The highest DescribeLogDirs version the broker speaks (5+: it reports cordoning).
    pub max_version: i16,
}

/// Asks each `(id, host:port)` broker for its log dirs (no partitions: only the dirs), all at
/// once, each within `limit`; one result per broker, in the order given.
pub async fn describe(
    s: &Settings,
    brokers: &[(i32, String)],
    limit: Duration,
) -> Vec<(i32, Result<BrokerDirs, Error>)> {
    let mut s = s.clone();
    s.timeout = limit;
    let mut asks = tokio::task::JoinSet::new();
    for (i, (id, addr)) in brokers.iter().cloned().enumerate() {
        let s = s.clone();
        asks.spawn(async move {
            let r = bounded(&s, &format!("DescribeLogDirs to broker {id}"), ask(&s, id, &addr)).await;
            (i, id, r)
        });
    }
    let mut out: Vec<(usize, i32, Result<BrokerDirs, Error>)> = asks.join_all().await;
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, id, r)| (id, r)).collect()
}

async fn ask(s: &Settings, id: i32, addr: &str) -> Result<BrokerDirs, Error> {
    let mut conn = Conn::to(s, addr).await?;
    let max_version = conn.versions().0.get(&(ApiKey::DescribeLogDirs as i16)).map_or(-1, |v| v.1);
    // An empty topic list: the dirs alone, not every partition's size.
    let req = DescribeLogDirsRequest::default().with_topics(Some(Vec::new()));
    let (resp, _) = conn.call(&req).await?;
    if resp.error_code != 0 {
        return Err(Error::from_protocol(format!("DescribeLogDirs to broker {id}"), resp.error_code, None));
    }
    let dirs = resp
        .results
        .iter()
        .map(|r| {
            let known = |b: i64| (b >= 0).then_some(b);
            LogDir {
                path: r.log_dir.to_string(),
                offline: r.error_code == STORAGE_ERROR,
                error: (r.error_code != 0 && r.error_code != STORAGE_ERROR).then(|| {
                    kafka_protocol::ResponseError::try_from_code(r.error_code)
                        .map_or_else(|| format!("error {}", r.error_code), |e| format!("{e:?}"))
                }),
                total_bytes: known(r.total_bytes),
                usable_bytes: known(r.usable_bytes),
            }
        })
        .collect();
    Ok(BrokerDirs { id, dirs, max_version })
}
