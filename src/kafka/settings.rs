//! The connection settings every command shares, the clients made from them, and the two ways a
//! broker call is bounded by `--timeout` (a blocking librdkafka call, an async operation).

use std::time::Duration;

use anyhow::Result;
use rdkafka::ClientConfig;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::BaseConsumer;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, FutureProducer};

use super::compression::{Compression, PRODUCER_DEFAULTS};
use super::context::Ctx;
use super::error::{Error, Kind};
use super::producer::CountingCtx;
use crate::term::redact;

/// What a client without properties uses, as `config show` names it.
pub const CLIENT_DEFAULTS: &str = "PLAINTEXT, librdkafka defaults";

/// Connection settings shared by every command.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Bootstrap brokers, comma-separated `host:port`.
    pub brokers: String,
    /// librdkafka properties (context first, then `-X`, later ones win).
    pub props: Vec<(String, String)>,
    /// How long any one broker call may take before evbus gives up (`--timeout`).
    pub timeout: Duration,
    /// `-v` count: 1 prints the effective settings, 2 also librdkafka's log.
    pub verbose: u8,
}

impl Settings {
    pub(super) fn base(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        let ms = self.timeout.as_millis().clamp(1000, i32::MAX as u128).to_string();
        c.set("bootstrap.servers", &self.brokers)
            .set("client.id", "evbus")
            .set("socket.timeout.ms", socket_timeout_ms(self.timeout).to_string())
            .set("socket.connection.setup.timeout.ms", &ms)
            // Short reconnect backoff: a CLI should notice a broker coming back quickly (--wait).
            .set("reconnect.backoff.ms", "50")
            .set("reconnect.backoff.max.ms", "1000")
            .set("log.connection.close", "false")
            // Read-only means read-only: a metadata request for a missing topic must never
            // create it (librdkafka's producers, and so its admin client, ask brokers to).
            .set("allow.auto.create.topics", "false");
        c.set_log_level(if self.verbose >= 2 { RDKafkaLogLevel::Debug } else { RDKafkaLogLevel::Warning });
        if self.verbose >= 2 {
            // -vv: what librdkafka does on the wire (not `conf`, which would list settings).
            c.set("debug", "generic,broker,topic,metadata,security,protocol");
        }
        for (k, v) in &self.props {
            c.set(k, v);
        }
        c
    }

    pub(super) fn ctx(&self) -> Ctx {
        Ctx::new(self.verbose)
    }

    /// With `-v`, prints the brokers, timeout and librdkafka properties (secrets redacted) to stderr.
    pub fn log_effective(&self) {
        if self.verbose > 0 {
            eprintln!(
                "evbus: brokers={} timeout={}",
                redact::redact_text(&redact::redact_brokers(&self.brokers)),
                humantime::format_duration(self.timeout)
            );
            for (k, v) in &self.props {
                eprintln!("evbus:   {k}={}", redact::value_for_display(k, v));
            }
        }
    }

    /// A consumer that never commits by itself. `group` is needed only for group operations.
    pub fn consumer(&self, group: Option<&str>, extra: &[(&str, &str)]) -> Result<(BaseConsumer<Ctx>, Ctx), Error> {
        let ctx = self.ctx();
        let mut c = self.base();
        c.set("enable.auto.commit", "false")
            .set("enable.auto.offset.store", "false")
            .set("enable.partition.eof", "false");
        // librdkafka insists on a group.id for some calls even without subscribing; a random one
        // is never used to join because assign() does not join.
        match group {
            Some(g) => c.set("group.id", g),
            None => c.set("group.id", format!("evbus-nogroup-{}", uuid::Uuid::new_v4())),
        };
        for (k, v) in extra {
            c.set(*k, *v);
        }
        // -X wins over our defaults.
        for (k, v) in &self.props {
            c.set(k, v);
        }
        let consumer = c.create_with_context(ctx.clone()).map_err(|e| self.config_error(e))?;
        Ok((consumer, ctx))
    }

    /// An idempotent producer (acks=all) bounded by `--timeout` per record, `extra` before `-X`:
    /// for one-off sends (the health probe). Bulk sends and replays use [`Settings::send_props`].
    pub fn producer(&self, extra: &[(&str, &str)]) -> Result<(FutureProducer<Ctx>, Ctx), Error> {
        let ctx = self.ctx();
        let p = self.producer_config(extra).create_with_context(ctx.clone()).map_err(|e| self.config_error(e))?;
        Ok((p, ctx))
    }

    /// A producer whose delivery reports are counted by the context instead of one future per
    /// record, served by the caller's own `poll(0)` as kcat does (no extra polling thread
    /// contending for librdkafka's queue locks): what bulk sends (1M records) need. Configured
    /// as [`Settings::send_props`] says. `dlq replay` uses it too, with a reply per record (see
    /// [`super::producer::Reply`]).
    pub fn counting_producer(&self, c: &Compression) -> Result<BaseProducer<CountingCtx>, Error> {
        let ctx = CountingCtx { inner: self.ctx(), ..Default::default() };
        self.producer_config(&Self::send_props(c)).create_with_context(ctx).map_err(|e| self.config_error(e))
    }

    /// What every path that sends records (`produce`, `produce --records`, `dlq replay`) sets
    /// before `-X`, on top of [`PRODUCER_DEFAULTS`], so that they cannot drift apart:
    ///
    /// * no delivery deadline per record (`message.timeout.ms=0`): the caller bounds the send
    ///   with a stall watch (see [`super::flush_or_purge`]), so a broker restart shorter than
    ///   `--timeout` is ridden out under one producer id, without duplicates;
    /// * `murmur2_random`: keyed records land on the partition a Java producer would choose
    ///   (librdkafka's default partitioner is CRC32-based);
    /// * the codec (see [`super::compression`]).
    pub fn send_props(c: &Compression) -> [(&str, &str); 3] {
        [("message.timeout.ms", "0"), ("partitioner", "murmur2_random"), c.prop()]
    }

    /// [`PRODUCER_DEFAULTS`] (idempotent, acks=all), bounded by --timeout; `extra` then `-X`
    /// override.
    fn producer_config(&self, extra: &[(&str, &str)]) -> ClientConfig {
        let mut c = self.base();
        let ms = self.timeout.as_millis().clamp(1000, i32::MAX as u128).to_string();
        for (k, v) in PRODUCER_DEFAULTS {
            c.set(*k, *v);
        }
        c.set("message.timeout.ms", &ms);
        for (k, v) in extra {
            c.set(*k, *v);
        }
        for (k, v) in &self.props {
            c.set(k, v);
        }
        c
    }

    pub(super) fn config_error(&self, e: KafkaError) -> Error {
        config_error(e)
    }

    /// The error for a broker call that failed (`err`) or ran out of time (`None`), as text.
    pub fn failure(&self, what: &str, ctx: &Ctx, err: Option<String>) -> anyhow::Error {
        self.fail(what, ctx, err.map(|e| Error::text(what, e))).into()
    }

    /// The error for a broker call that failed (`err`) or ran out of time (`None`): the call, the
    /// cause, the brokers tried and the last error librdkafka reported in the background.
    /// A timeout whose last broker error was a denial or a refused connection is of that kind.
    pub fn fail(&self, what: &str, ctx: &Ctx, err: Option<Error>) -> Error {
        let mut msg = match &err {
            Some(e) => format!("{what} failed: {e}"),
            None => format!("{what} timed out after {}", humantime::format_duration(self.timeout)),
        };
        msg.push_str(&format!(" (brokers tried: {})", self.brokers));
        let last = ctx.last_error();
        if let Some(last) = &last
            && err.as_ref().map(Error::message) != Some(last.as_str())
        {
            msg.push_str(&format!("; last broker error: {last}"));
        }
        match err {
            Some(e) => e.reworded(msg),
            None => {
                let cause = last.map(|l| Error::text(what, l).kind());
                let kind = match cause {
                    Some(k @ (Kind::NotAuthorized | Kind::BrokerUnreachable)) => k,
                    _ => Kind::TimedOut,
                };
                Error::new(what, kind, msg)
            }
        }
    }

    /// Run a blocking librdkafka call off the async runtime, bounded by `--timeout` (+1s grace so
    /// librdkafka's own timeout, which gives a better message, usually fires first).
    pub async fn blocking<T, F>(&self, what: &str, ctx: &Ctx, f: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, KafkaError> + Send + 'static,
    {
        let limit = self.timeout + Duration::from_secs(1);
        let started = std::time::Instant::now();
        let r = match tokio::time::timeout(limit, tokio::task::spawn_blocking(f)).await {
            Err(_) => Err(self.fail(what, ctx, None)),
            Ok(Err(join)) => Err(Error::new(what, Kind::Other, format!("broker call panicked: {join}"))),
            Ok(Ok(Ok(v))) => Ok(v),
            Ok(Ok(Err(e))) => Err(self.fail(what, ctx, Some(Error::from_kafka(what, &e)))),
        };
        self.trace(what, started, r.is_ok());
        r
    }

    /// `-v`: each request to the brokers and how long it took, on stderr.
    fn trace(&self, what: &str, started: std::time::Instant, ok: bool) {
        if self.verbose >= 1 {
            eprintln!(
                "evbus: {what}: {} in {:.1} ms",
                if ok { "answered" } else { "failed" },
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
    }

    /// Bound an async librdkafka operation (admin requests, deliveries) by `--timeout`.
    pub async fn bounded<T, Fut>(&self, what: &str, ctx: &Ctx, fut: Fut) -> Result<T, Error>
    where
        Fut: Future<Output = Result<T, KafkaError>>,
    {
        let limit = self.timeout + Duration::from_secs(1);
        let started = std::time::Instant::now();
        let r = match tokio::time::timeout(limit, fut).await {
            Err(_) => Err(self.fail(what, ctx, None)),
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.fail(what, ctx, Some(Error::from_kafka(what, &e)))),
        };
        self.trace(what, started, r.is_ok());
        r
    }
}

/// librdkafka's `socket.timeout.ms` for a `--timeout`: the same, within librdkafka's range
/// (10..300000; evbus's floor is 1s). A longer `--timeout` still bounds each call as a whole (admin
/// request timeouts, evbus's own deadlines); only one network request gives up after 5 minutes and
/// is retried within it, where a value out of range used to fail every broker command.
fn socket_timeout_ms(timeout: Duration) -> u128 {
    timeout.as_millis().clamp(1000, 300_000)
}

/// The error for a configuration librdkafka refused, without the value that was set.
///
/// rdkafka's own text for it is "{librdkafka's reason} {key} {value}", so `-X sasl.passwd=...`
/// (a misspelled, hence unregistered, secret) printed the password. librdkafka's reason names
/// the property and quotes the value only for values it cannot parse; that quote is masked
/// for secret-looking names, whatever their length.
fn config_error(e: KafkaError) -> Error {
    let text = match &e {
        KafkaError::ClientConfig(_, reason, key, value) => {
            let mut reason = reason.clone();
            if redact::is_secret_key(key) && !value.is_empty() {
                reason = reason.replace(value.as_str(), redact::MASK);
            }
            if reason.contains(key.as_str()) { reason } else { format!("{reason} ({key})") }
        }
        other => other.to_string(),
    };
    Error::new("client configuration", Kind::InvalidConfig, format!("invalid client configuration: {text}"))
}

/// Settings for unit tests: an address nothing listens on, a one-second timeout.
#[cfg(test)]
impl Settings {
    pub(crate) fn for_tests(props: &[(&str, &str)]) -> Settings {
        Settings {
            brokers: "127.0.0.1:1".into(),
            props: props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            timeout: Duration::from_secs(1),
            verbose: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(props: &[(&str, &str)]) -> Settings {
        Settings::for_tests(props)
    }

    #[test]
    fn a_timeout_past_five_minutes_still_makes_clients() {
        let mut s = settings(&[]);
        s.timeout = Duration::from_secs(3600);
        assert!(s.admin().is_ok(), "{:#}", s.admin().err().unwrap());
        assert!(s.consumer(None, &[]).is_ok());
        assert!(s.counting_producer(&s.compression(None, None)).is_ok());
        assert_eq!(socket_timeout_ms(Duration::from_millis(1)), 1000);
        assert_eq!(socket_timeout_ms(Duration::from_secs(20)), 20_000);
    }

    #[test]
    fn refused_properties_are_named_without_their_value() {
        // Not registered as a secret (Settings built directly): the error alone must not leak it.
        let e = settings(&[("sasl.passwd", "Unreg-pw-6b1f")]).consumer(None, &[]).err().expect("unknown property");
        let text = format!("{e:#}");
        assert!(text.contains("sasl.passwd"), "{text}");
        assert!(!text.contains("Unreg-pw-6b1f"), "{text}");
        let e = settings(&[("no.such.prop", "x1")]).admin().err().expect("unknown property");
        assert!(format!("{e:#}").contains("no.such.prop"), "{e:#}");
    }

    #[test]
    fn a_timeout_is_told_apart_from_a_denial_and_an_unreachable_broker() {
        use rdkafka::client::ClientContext as _;
        use rdkafka::types::RDKafkaErrorCode;
        let s = settings(&[]);
        let ctx = Ctx::new(0);
        let e = s.fail("metadata request", &ctx, None);
        assert_eq!(e.kind(), Kind::TimedOut);
        assert_eq!(e.to_string(), "metadata request timed out after 1s (brokers tried: 127.0.0.1:1)");
        // What librdkafka reported in the background decides what the timeout was.
        ctx.error(
            KafkaError::Global(RDKafkaErrorCode::Authentication),
            "SASL authentication error: Authentication failed during authentication due to invalid credentials",
        );
        let e = s.fail("metadata request", &ctx, None);
        assert_eq!(e.kind(), Kind::NotAuthorized, "{e}");
        assert!(e.to_string().contains("; last broker error: SASL authentication error"), "{e}");
        let ctx = Ctx::new(0);
        ctx.error(
            KafkaError::Global(RDKafkaErrorCode::BrokerTransportFailure),
            "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused",
        );
        assert_eq!(s.fail("metadata request", &ctx, None).kind(), Kind::BrokerUnreachable);
        // The anyhow form callers see keeps the kind and the text.
        let any: anyhow::Error = s
            .fail(
                "DeleteGroups",
                &ctx,
                Some(Error::text("DeleteGroups", "not authorized: Delete on group 'g' (DeleteGroups)")),
            )
            .into();
        assert_eq!(Error::kind_of(&any), Some(Kind::NotAuthorized));
        assert!(format!("{any:#}").starts_with("DeleteGroups failed: not authorized: Delete on group 'g'"), "{any:#}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_connection_is_broker_unreachable() {
        let admin = std::sync::Arc::new(settings(&[]).admin().unwrap());
        let e = crate::kafka::groups::list(&admin).await.unwrap_err();
        assert_eq!(e.kind(), Kind::BrokerUnreachable, "{e}");
        assert!(e.to_string().contains("(brokers tried: 127.0.0.1:1)"), "{e}");
    }
}
