//! Does each broker the metadata lists actually answer? A Metadata response keeps naming a
//! killed broker until the controller fences it (seconds), and a broker can be registered yet
//! unreachable from here; a health check that trusts the list reports a dead node as present.
//!
//! Each broker gets its own connection on the raw protocol path (librdkafka's connections cannot
//! be aimed at one broker): TLS and SASL as the settings say, then ApiVersions, all at once,
//! within one deadline. Only when the settings hold one that path cannot honour or use (it is
//! named in the quorum check) is a broker just connected to over TCP, and the answer says so.

use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use super::cluster::BrokerMeta;
use super::error::Kind;
use super::settings::Settings;
use super::wire::transport::Conn;

/// How one broker answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It answered an ApiVersions request, after this long.
    ApiVersions(Duration),
    /// Its port accepted a TCP connection (a setting the raw path cannot honour or use: no
    /// request sent), after this long.
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
    let mut tasks = Vec::new();
    for b in brokers {
        let (id, addr, settings) = (b.id, format!("{}:{}", b.host, b.port), settings.clone());
        tasks.push(tokio::spawn(async move {
            let answer = match tokio::time::timeout(limit, ask(&settings, &addr)).await {
                Ok(a) => a,
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

async fn ask(settings: &Settings, addr: &str) -> Answer {
    let start = Instant::now();
    match Conn::to(settings, addr).await {
        Ok(_) => Answer::ApiVersions(start.elapsed()),
        // A setting the raw path refuses, or cannot use (a key file it cannot read), is named in
        // the quorum check; librdkafka may still connect with it, so the port is all that is
        // checked here.
        Err(e) if e.kind() == Kind::InvalidConfig => match TcpStream::connect(addr).await {
            Ok(_) => Answer::Connected(start.elapsed()),
            Err(e) => Answer::Down(e.to_string()),
        },
        // The caller names the broker already.
        Err(e) => {
            let m = e.message();
            Answer::Down(m.strip_prefix(&format!("cannot connect to {addr}: ")).unwrap_or(m).to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn broker(addr: std::net::SocketAddr) -> BrokerMeta {
        BrokerMeta { id: 7, host: addr.ip().to_string(), port: i32::from(addr.port()) }
    }

    #[tokio::test]
    async fn a_broker_that_accepts_but_never_answers_is_down_within_the_limit() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let hold = tokio::spawn(async move {
            let (sock, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(sock);
        });
        let s = Settings::for_tests(&[]);
        let started = Instant::now();
        let r = answering(&s, &[broker(addr)], Duration::from_millis(300)).await;
        assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
        assert_eq!(r[0].answer, Answer::Down("no answer within 300ms".into()));
        assert_eq!((r[0].id, r[0].addr.clone()), (7, addr.to_string()));
        hold.abort();
    }

    #[tokio::test]
    async fn with_a_setting_the_raw_path_refuses_a_tcp_connection_is_all_it_checks() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let s = Settings::for_tests(&[("ssl.keystore.location", "/ks.p12")]);
        let r = answering(&s, &[broker(addr)], Duration::from_secs(2)).await;
        assert!(matches!(r[0].answer, Answer::Connected(_)), "{:?}", r[0].answer);
        // A CA file it cannot read: librdkafka's clients will say what is wrong with it.
        let unreadable = Settings::for_tests(&[("security.protocol", "SSL"), ("ssl.ca.location", "/nonexistent.pem")]);
        let r = answering(&unreadable, &[broker(addr)], Duration::from_secs(2)).await;
        assert!(matches!(r[0].answer, Answer::Connected(_)), "{:?}", r[0].answer);
        drop(listener);
        let r = answering(&s, &[broker(addr)], Duration::from_secs(2)).await;
        assert!(matches!(&r[0].answer, Answer::Down(why) if why.contains("refused")), "{:?}", r[0].answer);
    }
}
