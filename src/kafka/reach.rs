//! Does each broker the metadata lists actually answer? A Metadata response keeps naming a
//! killed broker until the controller fences it (seconds), and a broker can be registered yet
//! unreachable from here; a health check that trusts the list reports a dead node as present.
//!
//! Each broker gets its own connection and a Kafka ApiVersions request (v0: every broker since
//! 0.10 answers it, before any SASL handshake too), all at once, within one deadline. A TLS
//! listener only gets a TCP connection: this path has no TLS of its own (librdkafka's
//! connections cannot be aimed at one broker), and says so in its answer.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::cluster::BrokerMeta;
use super::settings::Settings;

/// How one broker answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It answered an ApiVersions request, after this long.
    ApiVersions(Duration),
    /// Its port accepted a TCP connection (TLS listener: no request sent), after this long.
    Connected(Duration),
    /// No answer: why (refused, unresolvable, no answer within the deadline...).
    Down(String),
}

/// One listed broker and its answer.
#[derive(Debug, Clone)]
pub struct Reach {
    /// The broker's id.
    pub id: i32,
    /// `host:port` as the metadata advertises it.
    pub addr: String,
    /// What happened.
    pub answer: Answer,
}

/// Ask every broker at once; each has `limit` to answer.
pub async fn answering(settings: &Settings, brokers: &[BrokerMeta], limit: Duration) -> Vec<Reach> {
    let tls = settings
        .props
        .iter()
        .rev()
        .find(|(k, _)| k == "security.protocol")
        .is_some_and(|(_, v)| v.to_ascii_uppercase().contains("SSL"));
    let mut tasks = Vec::new();
    for b in brokers {
        let (id, host, port) = (b.id, b.host.clone(), b.port);
        tasks.push(tokio::spawn(async move {
            let addr = format!("{host}:{port}");
            let answer = match tokio::time::timeout(limit, ask(&host, port, tls)).await {
                Ok(Ok(a)) => a,
                Ok(Err(e)) => Answer::Down(e.to_string()),
                Err(_) => Answer::Down(format!("no answer within {}", humantime::format_duration(limit))),
            };
            Reach { id, addr, answer }
        }));
    }
    let mut out = Vec::new();
    for (t, b) in tasks.into_iter().zip(brokers) {
        out.push(t.await.unwrap_or_else(|e| Reach {
            id: b.id,
            addr: format!("{}:{}", b.host, b.port),
            answer: Answer::Down(format!("check failed: {e}")),
        }));
    }
    out
}

async fn ask(host: &str, port: i32, tls: bool) -> std::io::Result<Answer> {
    let start = Instant::now();
    let port = u16::try_from(port)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("port {port} out of range")))?;
    let mut s = TcpStream::connect((host, port)).await?;
    if tls {
        return Ok(Answer::Connected(start.elapsed()));
    }
    s.write_all(&api_versions_request(CORRELATION)).await?;
    let len = s.read_i32().await?;
    let correlation = s.read_i32().await?;
    if len < 4 || correlation != CORRELATION {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "not a Kafka answer to ApiVersions"));
    }
    Ok(Answer::ApiVersions(start.elapsed()))
}

const CORRELATION: i32 = 0x65_76_62_73; // "evbs"

/// ApiVersions v0 with request header v1: api key 18, version 0, correlation id, client id.
fn api_versions_request(correlation: i32) -> Vec<u8> {
    let client = b"evbus-health";
    let mut body = Vec::new();
    body.extend_from_slice(&18i16.to_be_bytes());
    body.extend_from_slice(&0i16.to_be_bytes());
    body.extend_from_slice(&correlation.to_be_bytes());
    body.extend_from_slice(&(client.len() as i16).to_be_bytes());
    body.extend_from_slice(client);
    let mut out = (body.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_is_framed_as_kafka_reads_it() {
        let r = api_versions_request(7);
        assert_eq!(&r[..4], &(r.len() as i32 - 4).to_be_bytes());
        assert_eq!(&r[4..8], &[0, 18, 0, 0]);
        assert_eq!(&r[8..12], &7i32.to_be_bytes());
        assert_eq!(&r[12..14], &12i16.to_be_bytes());
        assert_eq!(&r[14..], b"evbus-health");
    }
}
