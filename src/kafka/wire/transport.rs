//! One connection to one broker on the raw protocol path: TCP to the first bootstrap broker that
//! answers, TLS and SASL as the settings say ([`security`](super::security)), ApiVersions to learn
//! what it speaks, then requests at the highest version both sides support. Every exchange a
//! caller makes is bounded by `--timeout` ([`bounded`]).
//!
//! Every way to a broker ([`Conn::bootstrap`], [`Conn::to`]) goes through one private `open`, so no
//! connection skips the user's TLS or SASL settings; a setting this path cannot honour is refused
//! by name before anything is sent.

use std::future::Future;

use bytes::Bytes;
use kafka_protocol::messages::{ApiVersionsRequest, ApiVersionsResponse};
use kafka_protocol::protocol::{Message, StrBytes};
use openssl::ssl::SslConnector;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::frame::{self, Call, Exchange};
use super::security::Security;
use super::versions::BrokerVersions;
use super::{sasl, tls};
use crate::kafka::error::{Error, Kind};
use crate::kafka::settings::Settings;

/// No Kafka answer evbus asks for comes near this; a larger size is a misread stream.
const MAX_FRAME: usize = 100 << 20;

/// The error naming the first `-X` setting this path cannot honour; `None` when it can connect as
/// the user asked.
pub fn refused_setting(s: &Settings) -> Option<Error> {
    Security::from_settings(s).err()
}

/// A byte stream to a broker: TCP, or TLS over it.
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// How every connection of one exchange is made: the settings read, and the TLS files loaded,
/// once.
struct Plan {
    security: Security,
    tls: Option<SslConnector>,
}

impl Plan {
    fn new(s: &Settings) -> Result<Plan, Error> {
        let security = Security::from_settings(s)?;
        let tls = security.tls.as_ref().map(tls::connector).transpose()?;
        Ok(Plan { security, tls })
    }
}

/// Run `fut` (a whole exchange: connect, negotiate, ask) within `--timeout`.
pub async fn bounded<T>(s: &Settings, what: &str, fut: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    match tokio::time::timeout(s.timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(Error::new(
            what,
            Kind::TimedOut,
            format!("{what} timed out after {} (brokers tried: {})", humantime::format_duration(s.timeout), s.brokers),
        )),
    }
}

/// A connection to one broker, with what it told about itself in ApiVersions.
pub struct Conn {
    stream: Box<dyn Io>,
    addr: String,
    next_id: i32,
    versions: BrokerVersions,
    /// The broker's ApiVersions answer (v3+: also its finalized feature levels).
    pub api_versions: ApiVersionsResponse,
}

impl Conn {
    /// Connects to the first of the bootstrap brokers that accepts, and negotiates versions.
    /// Not bounded by itself: callers wrap the whole exchange in [`bounded`].
    pub async fn bootstrap(s: &Settings) -> Result<Conn, Error> {
        let plan = Plan::new(s)?;
        let mut failures = Vec::new();
        for addr in s.brokers.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            match Conn::open(&plan, addr).await {
                Ok(c) => return Ok(c),
                Err(e) if e.kind() == Kind::BrokerUnreachable => failures.push(e.message().to_string()),
                Err(e) => return Err(e),
            }
        }
        Err(Error::new(
            "raw protocol connection",
            Kind::BrokerUnreachable,
            format!("broker unreachable: {} (brokers tried: {})", failures.join("; "), s.brokers),
        ))
    }

    /// Connects to one broker, `addr` (`host:port`, as Metadata or FindCoordinator names it), with
    /// the user's settings, and negotiates versions. Not bounded by itself, as [`Conn::bootstrap`].
    pub async fn to(s: &Settings, addr: &str) -> Result<Conn, Error> {
        Conn::open(&Plan::new(s)?, addr).await
    }

    /// Connects to `addr` (`host:port`), TLS as planned, asks it ApiVersions, then authenticates
    /// (SASL after ApiVersions, as librdkafka does: the handshake's versions come from it).
    async fn open(plan: &Plan, addr: &str) -> Result<Conn, Error> {
        let tcp = TcpStream::connect(addr).await.map_err(|e| {
            Error::new("raw protocol connection", Kind::BrokerUnreachable, format!("cannot connect to {addr}: {e}"))
        })?;
        // Requests are small and answered one at a time: send each at once.
        let _ = tcp.set_nodelay(true);
        let stream: Box<dyn Io> = match (&plan.tls, &plan.security.tls) {
            (Some(c), Some(t)) => Box::new(tls::handshake(c, t, host_of(addr), addr, tcp).await?),
            _ => Box::new(tcp),
        };
        let mut c = Conn {
            stream,
            addr: addr.to_string(),
            next_id: 0,
            versions: BrokerVersions::default(),
            api_versions: ApiVersionsResponse::default(),
        };
        // v3 (Kafka 2.4+) is the first with feature levels; every KRaft broker speaks it.
        let req = ApiVersionsRequest::default()
            .with_client_software_name(StrBytes::from_static_str("evbus"))
            .with_client_software_version(StrBytes::from_static_str(env!("CARGO_PKG_VERSION")));
        let resp = c.exchange(&req, 3).await?;
        if resp.error_code != 0 {
            return Err(Error::from_protocol(format!("ApiVersions to {addr}"), resp.error_code, None));
        }
        c.versions =
            BrokerVersions(resp.api_keys.iter().map(|k| (k.api_key, (k.min_version, k.max_version))).collect());
        c.api_versions = resp;
        if let Some(creds) = &plan.security.sasl {
            sasl::authenticate(&mut c, creds).await?;
        }
        Ok(c)
    }

    /// The broker this connection is to (`host:port`).
    pub fn addr(&self) -> &str {
        &self.addr
    }

    /// The versions the broker supports ([`BrokerVersions::pick`] chooses from them).
    pub fn versions(&self) -> &BrokerVersions {
        &self.versions
    }

    /// Sends `req` at the highest version both sides support and returns the answer and the
    /// version spoken; an [`Kind::Unsupported`] error naming the API when there is none.
    pub async fn call<C: Call + Message>(&mut self, req: &C) -> Result<(C::Response, i16), Error> {
        self.call_within(req, (C::VERSIONS.min, C::VERSIONS.max)).await
    }

    /// [`Conn::call`] limited to evbus's `ours` range of versions (a field it needs came later).
    pub async fn call_within<C: Exchange>(&mut self, req: &C, ours: (i16, i16)) -> Result<(C::Reply, i16), Error> {
        let v = self.versions.pick_key(C::API_KEY, &C::name(), ours)?;
        Ok((self.exchange(req, v).await?, v))
    }

    async fn exchange<C: Exchange>(&mut self, req: &C, version: i16) -> Result<C::Reply, Error> {
        let op = C::name();
        let io = |e: std::io::Error| {
            let (kind, why) = tls::read_failure(&e).unwrap_or((Kind::BrokerUnreachable, e.to_string()));
            Error::new(&op, kind, format!("{op} to {} failed: {why}", self.addr))
        };
        self.next_id = self.next_id.wrapping_add(1);
        let id = self.next_id;
        let buf = frame::encode(req, version, id).map_err(|e| Error::new(&op, Kind::Other, e))?;
        self.stream.write_all(&buf).await.map_err(io)?;
        let mut prefix = [0u8; 4];
        self.stream.read_exact(&mut prefix).await.map_err(io)?;
        let size = frame::frame_size(prefix, MAX_FRAME).map_err(|e| Error::new(&op, Kind::Other, e))?;
        let mut body = vec![0u8; size];
        self.stream.read_exact(&mut body).await.map_err(io)?;
        frame::decode::<C>(Bytes::from(body), version, id)
            .map_err(|e| Error::new(&op, Kind::Other, format!("{op} to {}: {e}", self.addr)))
    }
}

/// The host of `host:port` (`[v6]:port` too), as the broker's certificate must name it.
fn host_of(addr: &str) -> &str {
    let host = addr.rsplit_once(':').map_or(addr, |(h, _)| h);
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

impl sasl::Channel for Conn {
    fn addr(&self) -> &str {
        &self.addr
    }

    async fn exchange<C: Exchange>(&mut self, req: &C, ours: (i16, i16)) -> Result<(C::Reply, i16), Error> {
        self.call_within(req, ours).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::{BufMut, BytesMut};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    fn settings(brokers: &str, props: &[(&str, &str)], timeout_ms: u64) -> Settings {
        Settings {
            brokers: brokers.into(),
            props: props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            timeout: Duration::from_millis(timeout_ms),
            verbose: 0,
        }
    }

    #[test]
    fn the_host_is_what_the_certificate_must_name() {
        assert_eq!(host_of("kafka-1.example.com:9093"), "kafka-1.example.com");
        assert_eq!(host_of("127.0.0.1:9093"), "127.0.0.1");
        assert_eq!(host_of("[::1]:9093"), "::1");
    }

    #[tokio::test]
    async fn a_refused_setting_is_named_before_connecting() {
        // Nothing listens at 127.0.0.1:1: a refusal must come first, naming the setting.
        let s = settings("127.0.0.1:1", &[("ssl.keystore.location", "/ks.p12")], 1000);
        for e in [Conn::bootstrap(&s).await.err().unwrap(), Conn::to(&s, "127.0.0.1:1").await.err().unwrap()] {
            assert_eq!(e.kind(), Kind::InvalidConfig, "{e}");
            assert!(e.message().contains("does not support -X ssl.keystore.location"), "{e}");
        }
        assert!(refused_setting(&s).is_some());
        assert!(refused_setting(&settings("x:1", &[("security.protocol", "SSL")], 1000)).is_none());
    }

    #[tokio::test]
    async fn a_broker_that_never_answers_fails_within_the_timeout() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        // Accepts and holds the connection, never answering.
        let hold = tokio::spawn(async move {
            let (sock, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(sock);
        });
        let s = settings(&addr, &[], 300);
        let started = std::time::Instant::now();
        let e = bounded(&s, "DescribeQuorum", Conn::bootstrap(&s)).await.err().expect("no answer");
        assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
        assert_eq!(e.kind(), Kind::TimedOut);
        assert_eq!(e.message(), format!("DescribeQuorum timed out after 300ms (brokers tried: {addr})"));
        hold.abort();
    }

    #[tokio::test]
    async fn a_refused_connection_is_broker_unreachable() {
        // Bound then dropped: nothing listens on the port any more.
        let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
        let s = settings(&addr, &[], 2000);
        let e = bounded(&s, "DescribeQuorum", Conn::bootstrap(&s)).await.err().expect("refused");
        assert_eq!(e.kind(), Kind::BrokerUnreachable, "{e}");
        assert!(e.message().contains(&format!("cannot connect to {addr}")), "{e}");
    }

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
                        b.put_i16(sasl::UNSUPPORTED_SASL_MECHANISM);
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
