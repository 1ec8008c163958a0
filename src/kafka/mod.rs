//! Talking to Kafka: client construction from the global options, and broker calls that are
//! always bounded by `--timeout` and turned into errors a user can act on.
//!
//! librdkafka retries unreachable brokers forever and reports only "timed out", so every client
//! carries a context that remembers the last transport/auth error; timeouts quote it.

pub mod admin;
pub mod groups;
pub mod incremental;
pub mod lag;
pub mod topics;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow};
use rdkafka::ClientConfig;
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::{BaseConsumer, ConsumerContext};
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, FutureProducer, ProducerContext};

use crate::term::redact;

/// Connection settings shared by every command.
#[derive(Debug, Clone)]
pub struct Settings {
    pub brokers: String,
    /// librdkafka properties (context first, then `-X`, later ones win).
    pub props: Vec<(String, String)>,
    pub timeout: Duration,
    pub verbose: u8,
}

/// Remembers the last error librdkafka reported in the background (connection refused, SSL
/// handshake failure, SASL authentication failure) so that a timeout can say why.
#[derive(Clone, Default)]
pub struct Ctx {
    last_error: Arc<Mutex<Option<String>>>,
    verbose: u8,
}

impl Ctx {
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|g| g.clone())
    }
}

impl ClientContext for Ctx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        if self.verbose >= 2 {
            eprintln!("evbus: librdkafka {level:?} {fac}: {}", redact::redact_text(log_message));
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if let Ok(mut g) = self.last_error.lock() {
            let text = if reason.is_empty() { error.to_string() } else { reason.to_string() };
            // "all brokers down" is a consequence; keep the cause (refused, SSL, SASL) if we had one.
            let is_summary = text.contains("brokers are down");
            if !(is_summary && g.is_some()) {
                *g = Some(redact::redact_text(&text));
            }
        }
    }
}

impl ConsumerContext for Ctx {}

/// Milliseconds on a process-wide monotonic clock (for timestamps kept in atomics).
pub fn mono_ms() -> u64 {
    static T0: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    T0.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

/// Counts delivery reports (and keeps the first failure) for [`Settings::counting_producer`].
///
/// A failed record is *failed* when librdkafka knows it was not stored (never sent, or refused),
/// and *unknown* when it may have been (it was in flight when it timed out or was purged).
#[derive(Default)]
pub struct CountingCtx {
    pub inner: Ctx,
    pub delivered: std::sync::atomic::AtomicU64,
    pub failed: std::sync::atomic::AtomicU64,
    pub unknown: std::sync::atomic::AtomicU64,
    /// [`mono_ms`] of the last delivery report (0: none yet): the broker's sign of life.
    pub last_report_ms: std::sync::atomic::AtomicU64,
    pub first_error: Mutex<Option<String>>,
}

impl CountingCtx {
    /// Reports received so far, of every kind.
    pub fn reported(&self) -> u64 {
        use std::sync::atomic::Ordering::SeqCst;
        self.delivered.load(SeqCst) + self.failed.load(SeqCst) + self.unknown.load(SeqCst)
    }
}

impl ClientContext for CountingCtx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        self.inner.log(level, fac, log_message);
    }
    fn error(&self, error: KafkaError, reason: &str) {
        self.inner.error(error, reason);
    }
}

impl ProducerContext for CountingCtx {
    type DeliveryOpaque = ();
    fn delivery(&self, r: &rdkafka::message::DeliveryResult<'_>, _: ()) {
        use std::sync::atomic::Ordering::Relaxed;
        match r {
            Ok(_) => {
                self.delivered.fetch_add(1, Relaxed);
            }
            Err((e, m)) => {
                // SAFETY: the message is live for the duration of the callback.
                let status = unsafe { rdkafka_sys::rd_kafka_message_status(m.ptr()) };
                if status == rdkafka_sys::rd_kafka_msg_status_t::RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED {
                    self.unknown.fetch_add(1, Relaxed);
                } else {
                    self.failed.fetch_add(1, Relaxed);
                }
                if let Ok(mut g) = self.first_error.lock() {
                    g.get_or_insert_with(|| describe_error(e));
                }
            }
        }
        self.last_report_ms.store(mono_ms(), Relaxed);
    }
}

/// Serves a client's main librdkafka queue (errors and logs) on a background thread.
///
/// rdkafka delivers librdkafka's errors and logs as events on the main queue, and its
/// `AdminClient` polls only its own result queue: without this, "SSL handshake failed" or "SASL
/// authentication failed" never reach [`Ctx`] and a timeout cannot say why. (Consumers do not need
/// it: their main queue is forwarded to the consumer queue that `poll` serves.)
pub struct EventPump {
    _thread: StoppableThread,
}

/// A librdkafka handle moved to a helper thread (librdkafka handles are thread-safe).
struct SendPtr(*mut rdkafka_sys::RDKafka);
// SAFETY: librdkafka handles may be used from any thread.
unsafe impl Send for SendPtr {}

/// A background thread told to stop, and joined, when dropped.
struct StoppableThread {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StoppableThread {
    /// `f` runs until it returns; it should check its flag often, as dropping waits for it.
    fn spawn(name: &str, f: impl FnOnce(&AtomicBool) + Send + 'static) -> StoppableThread {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new().name(name.into()).spawn(move || f(&flag)).ok();
        StoppableThread { stop, thread }
    }
}

impl Drop for StoppableThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl EventPump {
    /// `rk` must outlive the pump: keep the pump in a field declared before the client, so that
    /// it is dropped (and its thread joined, releasing the queue) first.
    pub fn start(rk: *mut rdkafka_sys::RDKafka, ctx: Ctx) -> EventPump {
        let rk = SendPtr(rk);
        let thread = StoppableThread::spawn("evbus-events", move |stop| {
            let rk = rk;
            // SAFETY: `rk` is live until this thread is joined (see above); the queue reference
            // is released before the thread ends; events are destroyed after use.
            unsafe {
                let queue = rdkafka_sys::rd_kafka_queue_get_main(rk.0);
                while !stop.load(Ordering::Relaxed) {
                    let ev = rdkafka_sys::rd_kafka_queue_poll(queue, 100);
                    if !ev.is_null() {
                        forward_event(ev, &ctx);
                        rdkafka_sys::rd_kafka_event_destroy(ev);
                    }
                }
                rdkafka_sys::rd_kafka_queue_destroy(queue);
            }
        });
        EventPump { _thread: thread }
    }
}

/// Gets an idempotent producer its producer id as soon as a broker is up, instead of after
/// librdkafka's 500 ms retry timer, on a background thread.
///
/// librdkafka asks for the id when a metadata response arrives. The first response comes from the
/// bootstrap connection, before any broker learned from it is up, so the request waits for the
/// timer and every run idles 0.5–1 s before its first send (kcat does too). A metadata response
/// from a learned broker (non-negative id) proves that broker is up, and handling it makes
/// librdkafka send InitProducerId at once. The requests ask for brokers only: naming the topic
/// could auto-create it before the input has been validated. Errors are left for the sends.
pub struct ProducerIdWarmup {
    _thread: StoppableThread,
}

impl ProducerIdWarmup {
    /// `rk` must outlive the warm-up: either drop the warm-up before the producer (it stops
    /// within 100 ms), or pass a clone of a shared producer as `keep`, held until the thread ends.
    pub fn start<K: Send + 'static>(rk: *mut rdkafka_sys::RDKafka, timeout: Duration, keep: K) -> ProducerIdWarmup {
        let rk = SendPtr(rk);
        let thread = StoppableThread::spawn("evbus-pid", move |stop| {
            let rk = rk;
            let _keep = keep;
            let deadline = std::time::Instant::now() + timeout;
            while !stop.load(Ordering::Relaxed) {
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                if left.is_zero() {
                    return;
                }
                // Short requests, so that a drop is not held up by a dead broker.
                let wait = left.min(Duration::from_millis(100));
                // SAFETY: `rk` is live until this thread ends (see above).
                match unsafe { metadata_origin(rk.0, wait) } {
                    Some(id) if id >= 0 => return,
                    Some(_) => std::thread::sleep(Duration::from_millis(2)),
                    None => {}
                }
            }
        });
        ProducerIdWarmup { _thread: thread }
    }
}

/// Asks for the brokers' metadata; returns the id of the broker that answered (-1 for a
/// bootstrap connection), or `None` on error or timeout.
///
/// # Safety
/// `rk` must be a live client handle.
unsafe fn metadata_origin(rk: *mut rdkafka_sys::RDKafka, wait: Duration) -> Option<i32> {
    let mut md: *const rdkafka_sys::RDKafkaMetadata = std::ptr::null();
    // all_topics=0 without a topic handle asks for the brokers and the topics this client
    // already uses; `md` is freed right after reading one field.
    let err = unsafe { rdkafka_sys::rd_kafka_metadata(rk, 0, std::ptr::null_mut(), &mut md, wait.as_millis() as i32) };
    if err != rdkafka_sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR || md.is_null() {
        return None;
    }
    // SAFETY: librdkafka returned a valid metadata object, destroyed exactly once.
    unsafe {
        let id = (*md).orig_broker_id;
        rdkafka_sys::rd_kafka_metadata_destroy(md);
        Some(id)
    }
}

/// Waits until every record is acknowledged (or failed) and its delivery report served, bounded
/// by `timeout`.
///
/// rdkafka's `flush` serves reports with `poll(100 ms)`, which always runs for its whole timeout,
/// so every produce paid at least 100 ms at exit; librdkafka's own flush cannot help, as with the
/// event API it waits for reports to be served by someone else. This serves them 1 ms at a time.
pub fn flush<C: ProducerContext>(producer: &BaseProducer<C>, timeout: Duration) -> rdkafka::error::KafkaResult<()> {
    use rdkafka::producer::Producer as _;
    let deadline = std::time::Instant::now() + timeout;
    loop {
        // SAFETY: a live producer handle. A zero timeout only marks the producer as flushing
        // (lingering records go out now) and wakes its broker threads.
        unsafe { rdkafka_sys::rd_kafka_flush(producer.client().native_ptr(), 0) };
        producer.poll(Duration::from_millis(1));
        if producer.in_flight_count() == 0 {
            return Ok(());
        }
        if std::time::Instant::now() >= deadline {
            return Err(KafkaError::Flush(rdkafka::error::RDKafkaErrorCode::OperationTimedOut));
        }
    }
}

/// Waits until every record has its delivery report, as long as the broker shows signs of life:
/// returns `true` at once when all are reported, and purges what is left (queued records fail,
/// in-flight ones become unknown) when no report came for `stall` since `since_ms` or the last
/// report, returning `false` once the purge is reported (or a short grace ran out).
///
/// Why not a deadline per record (`message.timeout.ms`): librdkafka's idempotent producer resets
/// its producer id when an in-flight record times out, and the retries of the records behind it
/// are then written again: a broker restart shorter than the timeout left thousands of
/// duplicates. With no per-record timeout, librdkafka retries under the same producer id and
/// sequence numbers, which the broker deduplicates; this stall watch bounds the wait instead.
pub fn flush_or_purge(producer: &BaseProducer<CountingCtx>, enqueued: u64, since_ms: u64, stall: Duration) -> bool {
    use rdkafka::producer::Producer as _;
    let ctx = producer.context();
    loop {
        // SAFETY: a live producer handle. A zero timeout only marks the producer as flushing
        // (lingering records go out now) and wakes its broker threads.
        unsafe { rdkafka_sys::rd_kafka_flush(producer.client().native_ptr(), 0) };
        producer.poll(Duration::from_millis(1));
        if ctx.reported() >= enqueued && producer.in_flight_count() == 0 {
            return true;
        }
        if stalled(ctx, enqueued, since_ms, stall) {
            break;
        }
    }
    producer.purge(rdkafka::producer::PurgeConfig::default().queue().inflight());
    let grace = std::time::Instant::now() + Duration::from_secs(2);
    while ctx.reported() < enqueued && std::time::Instant::now() < grace {
        producer.poll(Duration::from_millis(5));
    }
    false
}

/// No delivery report for `stall` (counted from `since_ms` or the last report), with records
/// still unreported: the broker is gone or not answering.
pub fn stalled(ctx: &CountingCtx, enqueued: u64, since_ms: u64, stall: Duration) -> bool {
    let last = ctx.last_report_ms.load(Ordering::Relaxed).max(since_ms);
    ctx.reported() < enqueued && mono_ms().saturating_sub(last) > stall.as_millis() as u64
}

/// One topic of a producer, for sending many records to it.
///
/// rdkafka's `BaseProducer::send` builds a C string and looks the topic up by name for every
/// record, and `OwnedHeaders` a C string per header: on a bulk send those allocations took a
/// fifth of the sending thread, the bottleneck. Payloads and keys are still copied by librdkafka.
pub struct TopicSink {
    rkt: *mut rdkafka_sys::RDKafkaTopic,
}

impl TopicSink {
    /// Drop the sink before the producer (declare it first in a struct that holds both).
    pub fn new<C: ClientContext>(client: &rdkafka::client::Client<C>, topic: &str) -> Result<TopicSink> {
        let name = std::ffi::CString::new(topic).map_err(|_| anyhow!("topic name contains a NUL byte"))?;
        // SAFETY: a live client; a NULL conf uses the producer's topic defaults (partitioner,
        // acks, compression set in its configuration).
        let rkt = unsafe { rdkafka_sys::rd_kafka_topic_new(client.native_ptr(), name.as_ptr(), std::ptr::null_mut()) };
        if rkt.is_null() {
            return Err(anyhow!(
                "cannot open topic {topic}: {}",
                rdkafka::error::RDKafkaErrorCode::from(unsafe { rdkafka_sys::rd_kafka_last_error() })
            ));
        }
        Ok(TopicSink { rkt })
    }

    /// Enqueue one record for the partitioner to place. On error (a full queue, most often)
    /// nothing was enqueued and the caller may retry.
    pub fn send<'h, C: ClientContext>(
        &self,
        client: &rdkafka::client::Client<C>,
        key: Option<&[u8]>,
        value: &[u8],
        headers: impl IntoIterator<Item = (&'h str, &'h [u8])>,
    ) -> Result<(), rdkafka::error::RDKafkaErrorCode> {
        use rdkafka_sys::rd_kafka_vtype_t::*;
        // SAFETY: every pointer is valid for the call and its length; librdkafka copies the
        // payload (F_COPY), the key and the header names and values, and takes the header list
        // only when the record is enqueued (we destroy it otherwise).
        unsafe {
            let hdrs = rdkafka_sys::rd_kafka_headers_new(4);
            for (name, v) in headers {
                rdkafka_sys::rd_kafka_header_add(
                    hdrs,
                    name.as_ptr().cast(),
                    name.len() as isize,
                    v.as_ptr().cast(),
                    v.len() as isize,
                );
            }
            let (kp, kl) = key.map_or((std::ptr::null(), 0), |k| (k.as_ptr(), k.len()));
            let err = rdkafka_sys::rd_kafka_producev(
                client.native_ptr(),
                RD_KAFKA_VTYPE_RKT,
                self.rkt,
                RD_KAFKA_VTYPE_PARTITION,
                -1i32, // RD_KAFKA_PARTITION_UA: the partitioner decides
                RD_KAFKA_VTYPE_MSGFLAGS,
                rdkafka_sys::RD_KAFKA_MSG_F_COPY,
                RD_KAFKA_VTYPE_VALUE,
                value.as_ptr(),
                value.len(),
                RD_KAFKA_VTYPE_KEY,
                kp,
                kl,
                RD_KAFKA_VTYPE_HEADERS,
                hdrs,
                RD_KAFKA_VTYPE_END,
            );
            if err == rdkafka_sys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                Ok(())
            } else {
                rdkafka_sys::rd_kafka_headers_destroy(hdrs);
                Err(err.into())
            }
        }
    }
}

impl Drop for TopicSink {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_topic_new, released once; the producer is still alive.
        unsafe { rdkafka_sys::rd_kafka_topic_destroy(self.rkt) }
    }
}

/// Hand an error or log event to the context, as rdkafka does for the clients it polls.
///
/// # Safety
/// `ev` must be a live event.
unsafe fn forward_event(ev: *mut rdkafka_sys::RDKafkaEvent, ctx: &Ctx) {
    let text = |p: *const std::ffi::c_char| {
        if p.is_null() {
            String::new()
        } else {
            unsafe { std::ffi::CStr::from_ptr(p) }.to_string_lossy().trim().to_string()
        }
    };
    match unsafe { rdkafka_sys::rd_kafka_event_type(ev) } {
        rdkafka_sys::RD_KAFKA_EVENT_ERROR => {
            let code = rdkafka::types::RDKafkaErrorCode::from(unsafe { rdkafka_sys::rd_kafka_event_error(ev) });
            let reason = text(unsafe { rdkafka_sys::rd_kafka_event_error_string(ev) });
            ctx.error(KafkaError::Global(code), &reason);
        }
        rdkafka_sys::RD_KAFKA_EVENT_LOG => {
            let (mut fac, mut msg, mut level) = (std::ptr::null(), std::ptr::null(), 0);
            if unsafe { rdkafka_sys::rd_kafka_event_log(ev, &mut fac, &mut msg, &mut level) } == 0 {
                let level = match level {
                    0..=3 => RDKafkaLogLevel::Error,
                    4 => RDKafkaLogLevel::Warning,
                    5 => RDKafkaLogLevel::Notice,
                    6 => RDKafkaLogLevel::Info,
                    _ => RDKafkaLogLevel::Debug,
                };
                ctx.log(level, &text(fac), &text(msg));
            }
        }
        _ => {}
    }
}

impl ProducerContext for Ctx {
    type DeliveryOpaque = ();
    fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: Self::DeliveryOpaque) {}
}

impl Settings {
    fn base(&self) -> ClientConfig {
        let mut c = ClientConfig::new();
        let ms = self.timeout.as_millis().clamp(1000, i32::MAX as u128).to_string();
        c.set("bootstrap.servers", &self.brokers)
            .set("client.id", "evbus")
            .set("socket.timeout.ms", &ms)
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

    fn ctx(&self) -> Ctx {
        Ctx { last_error: Arc::default(), verbose: self.verbose }
    }

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

    pub fn admin(&self) -> Result<admin::Admin> {
        let ctx = self.ctx();
        let client: rdkafka::admin::AdminClient<Ctx> =
            self.base().create_with_context(ctx.clone()).map_err(|e| self.config_error(e))?;
        let events = EventPump::start(client.inner().native_ptr(), ctx.clone());
        Ok(admin::Admin { events, client, ctx, settings: self.clone() })
    }

    /// A consumer that never commits by itself. `group` is needed only for group operations.
    pub fn consumer(&self, group: Option<&str>, extra: &[(&str, &str)]) -> Result<(BaseConsumer<Ctx>, Ctx)> {
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

    /// An idempotent producer (acks=all) for produce and DLQ replay.
    pub fn producer(&self, extra: &[(&str, &str)]) -> Result<(FutureProducer<Ctx>, Ctx)> {
        let ctx = self.ctx();
        let p = self.producer_config(extra).create_with_context(ctx.clone()).map_err(|e| self.config_error(e))?;
        Ok((p, ctx))
    }

    /// A producer whose delivery reports are counted by the context instead of one future per
    /// record, served by the caller's own `poll(0)` as kcat does (no extra polling thread
    /// contending for librdkafka's queue locks): what bulk sends (1M records) need.
    ///
    /// Records have no delivery deadline of their own (`message.timeout.ms=0`): the caller
    /// bounds the send with [`flush_or_purge`] and [`stalled`], so a broker restart shorter than
    /// `--timeout` is ridden out under one producer id, without duplicates.
    pub fn counting_producer(&self, extra: &[(&str, &str)]) -> Result<BaseProducer<CountingCtx>> {
        let ctx = CountingCtx { inner: self.ctx(), ..Default::default() };
        let mut all: Vec<(&str, &str)> = vec![("message.timeout.ms", "0")];
        all.extend_from_slice(extra);
        self.producer_config(&all).create_with_context(ctx).map_err(|e| self.config_error(e))
    }

    /// Idempotent, acks=all, bounded by --timeout; `extra` then `-X` override.
    fn producer_config(&self, extra: &[(&str, &str)]) -> ClientConfig {
        let mut c = self.base();
        let ms = self.timeout.as_millis().clamp(1000, i32::MAX as u128).to_string();
        c.set("enable.idempotence", "true")
            .set("acks", "all")
            .set("message.timeout.ms", &ms)
            .set("linger.ms", "5")
            .set("compression.type", "lz4");
        for (k, v) in extra {
            c.set(*k, *v);
        }
        for (k, v) in &self.props {
            c.set(k, v);
        }
        c
    }

    fn config_error(&self, e: KafkaError) -> anyhow::Error {
        config_error(e)
    }

    /// The error for a broker call that failed or ran out of time.
    pub fn failure(&self, what: &str, ctx: &Ctx, err: Option<String>) -> anyhow::Error {
        let mut msg = match &err {
            Some(e) => format!("{what} failed: {e}"),
            None => format!("{what} timed out after {}", humantime::format_duration(self.timeout)),
        };
        msg.push_str(&format!(" (brokers tried: {})", self.brokers));
        if let Some(last) = ctx.last_error()
            && err.as_deref() != Some(last.as_str())
        {
            msg.push_str(&format!("; last broker error: {last}"));
        }
        anyhow!(redact::redact_text(&msg))
    }

    /// Run a blocking librdkafka call off the async runtime, bounded by `--timeout` (+1s grace so
    /// librdkafka's own timeout, which gives a better message, usually fires first).
    pub async fn blocking<T, F>(&self, what: &str, ctx: &Ctx, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> Result<T, KafkaError> + Send + 'static,
    {
        let limit = self.timeout + Duration::from_secs(1);
        let started = std::time::Instant::now();
        let r = match tokio::time::timeout(limit, tokio::task::spawn_blocking(f)).await {
            Err(_) => Err(self.failure(what, ctx, None)),
            Ok(join) => match join.context("broker call panicked")? {
                Ok(v) => Ok(v),
                Err(e) => Err(self.failure(what, ctx, Some(describe_error(&e)))),
            },
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
    pub async fn bounded<T, Fut>(&self, what: &str, ctx: &Ctx, fut: Fut) -> Result<T>
    where
        Fut: std::future::Future<Output = Result<T, KafkaError>>,
    {
        let limit = self.timeout + Duration::from_secs(1);
        let started = std::time::Instant::now();
        let r = match tokio::time::timeout(limit, fut).await {
            Err(_) => Err(self.failure(what, ctx, None)),
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.failure(what, ctx, Some(describe_error(&e)))),
        };
        self.trace(what, started, r.is_ok());
        r
    }
}

/// Offsets of many partitions, per partition: the broker's answer or its error.
pub type PartitionOffsets = HashMap<(String, i32), Result<i64, String>>;

impl Settings {
    /// ListOffsets for many partitions: one batched request per leader and per entry of `at`
    /// (`Offset::Beginning` gives low watermarks, `Offset::End` high ones), instead of a round
    /// trip per partition. One result map per entry of `at`, in the same order.
    pub async fn list_offsets(
        &self,
        what: &str,
        parts: Vec<(String, i32)>,
        at: Vec<rdkafka::Offset>,
        extra: &[(&str, &str)],
    ) -> Result<Vec<PartitionOffsets>> {
        let maps = self.list_offsets_raw(what, parts, at, extra).await?;
        Ok(maps
            .into_iter()
            .map(|m| {
                m.into_iter()
                    .map(|(tp, r)| {
                        let v = match r {
                            Err(e) => Err(e),
                            Ok(rdkafka::Offset::Offset(o)) => Ok(o),
                            Ok(other) => Err(format!("no offset in the answer ({other:?})")),
                        };
                        (tp, v)
                    })
                    .collect()
            })
            .collect())
    }

    /// ListOffsets by time: for each partition, the offset of the first record whose timestamp is
    /// at or after `ts_ms`, or `Ok(None)` when no record is that recent.
    pub async fn offsets_for_time(
        &self,
        parts: Vec<(String, i32)>,
        ts_ms: i64,
    ) -> Result<HashMap<(String, i32), Result<Option<i64>, String>>> {
        let mut maps = self
            .list_offsets_raw("ListOffsets (by timestamp)", parts, vec![rdkafka::Offset::Offset(ts_ms.max(0))], &[])
            .await?;
        Ok(maps
            .pop()
            .unwrap_or_default()
            .into_iter()
            .map(|(tp, r)| {
                let v = match r {
                    Err(e) => Err(e),
                    Ok(rdkafka::Offset::Offset(o)) if o >= 0 => Ok(Some(o)),
                    // librdkafka reports "no such record" as the logical end offset (-1).
                    Ok(rdkafka::Offset::End) | Ok(rdkafka::Offset::Offset(_)) => Ok(None),
                    Ok(other) => Err(format!("no offset in the answer ({other:?})")),
                };
                (tp, v)
            })
            .collect())
    }

    /// [`Settings::list_offsets`] with librdkafka's answer as it is: an offset, or a logical one.
    async fn list_offsets_raw(
        &self,
        what: &str,
        parts: Vec<(String, i32)>,
        at: Vec<rdkafka::Offset>,
        extra: &[(&str, &str)],
    ) -> Result<Vec<HashMap<(String, i32), Result<rdkafka::Offset, String>>>> {
        if parts.is_empty() {
            return Ok(at.iter().map(|_| HashMap::new()).collect());
        }
        let (consumer, ctx) = self.consumer(None, extra)?;
        let timeout = self.timeout;
        self.blocking(what, &ctx, move || {
            use rdkafka::consumer::Consumer;
            at.into_iter()
                .map(|spec| {
                    let mut tpl = rdkafka::TopicPartitionList::with_capacity(parts.len());
                    for (t, p) in &parts {
                        tpl.add_partition_offset(t, *p, spec)?;
                    }
                    // Right after a topic is created or a leader moves, a broker can answer "not
                    // leader" until its metadata catches up: retry those within the timeout.
                    let deadline = std::time::Instant::now() + timeout;
                    let res = loop {
                        let left = deadline.saturating_duration_since(std::time::Instant::now());
                        match consumer.offsets_for_times(tpl.clone(), left.max(Duration::from_millis(100))) {
                            Err(e) if transient(&e) && !left.is_zero() => {
                                std::thread::sleep(Duration::from_millis(100).min(left));
                            }
                            r => break r?,
                        }
                    };
                    Ok(res
                        .elements()
                        .iter()
                        .map(|e| {
                            let v = match e.error() {
                                Err(err) => Err(err.to_string()),
                                Ok(()) => Ok(e.offset()),
                            };
                            ((e.topic().to_string(), e.partition()), v)
                        })
                        .collect())
                })
                .collect()
        })
        .await
    }

    /// The timestamp of the first record at or after each `(topic, partition, offset, log end)`,
    /// read by a consumer assigned to those partitions (it never joins a group), all within
    /// `--timeout`. `Some(None)`: the log end was reached without a record (only transaction
    /// markers were left), or the record has no timestamp. Partitions not answered in time are
    /// missing from the map rather than failing the others.
    ///
    /// A partition wanted at several offsets (groups that committed different positions) is read
    /// once per offset, in rounds, as a consumer can be at one place per partition at a time.
    pub async fn first_timestamps(
        &self,
        wanted: Vec<(String, i32, i64, i64)>,
    ) -> Result<HashMap<(String, i32, i64), Option<i64>>> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let (consumer, ctx) = self.consumer(
            None,
            &[
                // Records the consumer cannot reach any more (deleted meanwhile) start it at the
                // oldest one left, which is then the oldest unconsumed record.
                ("auto.offset.reset", "earliest"),
                ("enable.partition.eof", "true"),
                // Lag counts every offset up to the high watermark, so read as far.
                ("isolation.level", "read_uncommitted"),
                // One record per partition is all we need: small fetches, no prefetching.
                ("fetch.wait.max.ms", "100"),
                ("max.partition.fetch.bytes", "65536"),
                ("queued.min.messages", "1"),
            ],
        )?;
        let timeout = self.timeout;
        self.blocking("reading the first unconsumed records (time lag)", &ctx, move || {
            use rdkafka::Message as _;
            use rdkafka::consumer::Consumer;
            let deadline = std::time::Instant::now() + timeout;
            let mut by_part: std::collections::BTreeMap<(String, i32), Vec<(i64, i64)>> = Default::default();
            for (t, p, o, end) in wanted {
                let v = by_part.entry((t, p)).or_default();
                if !v.iter().any(|(x, _)| *x == o) {
                    v.push((o, end));
                }
            }
            let rounds = by_part.values().map(Vec::len).max().unwrap_or(0);
            let mut out = HashMap::new();
            for round in 0..rounds {
                let mut pending: HashMap<(String, i32), (i64, i64)> =
                    by_part.iter().filter_map(|(k, v)| v.get(round).map(|x| (k.clone(), *x))).collect();
                let mut tpl = rdkafka::TopicPartitionList::with_capacity(pending.len());
                for ((t, p), (o, _)) in &pending {
                    tpl.add_partition_offset(t, *p, rdkafka::Offset::Offset(*o))?;
                }
                consumer.assign(&tpl)?;
                while !pending.is_empty() && std::time::Instant::now() < deadline {
                    let idle = match consumer.poll(Duration::from_millis(50)) {
                        Some(Ok(m)) => {
                            let key = (m.topic().to_string(), m.partition());
                            if let Some((o, _)) = pending.get(&key).copied()
                                && m.offset() >= o
                            {
                                pending.remove(&key);
                                out.insert((key.0, key.1, o), m.timestamp().to_millis().filter(|t| *t >= 0));
                            }
                            false
                        }
                        Some(Err(KafkaError::PartitionEOF(_))) | None => true,
                        Some(Err(e)) => return Err(e),
                    };
                    if idle {
                        // A partition whose position reached the log end has nothing left to read.
                        let pos = consumer.position()?;
                        for e in pos.elements() {
                            let key = (e.topic().to_string(), e.partition());
                            if let (Some((o, end)), rdkafka::Offset::Offset(at)) =
                                (pending.get(&key).copied(), e.offset())
                                && at >= end
                            {
                                pending.remove(&key);
                                out.insert((key.0, key.1, o), None);
                            }
                        }
                    }
                }
            }
            let _ = consumer.unassign();
            Ok(out)
        })
        .await
    }
}

/// The error for a configuration librdkafka refused, without the value that was set.
///
/// rdkafka's own text for it is "{librdkafka's reason} {key} {value}", so `-X sasl.passwd=...`
/// (a misspelled, hence unregistered, secret) printed the password. librdkafka's reason names
/// the property and quotes the value only for values it cannot parse; that quote is masked
/// for secret-looking names, whatever their length.
fn config_error(e: KafkaError) -> anyhow::Error {
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
    anyhow!("invalid client configuration: {}", redact::redact_text(&text))
}

/// Errors a broker gives while its metadata catches up (a new topic, a moved leader).
fn transient(e: &KafkaError) -> bool {
    use rdkafka::types::RDKafkaErrorCode as C;
    matches!(e.rdkafka_error_code(), Some(C::NotLeaderForPartition | C::LeaderNotAvailable | C::NotCoordinator))
}

/// librdkafka's error text, with the timeout case spelled out.
pub fn describe_error(e: &KafkaError) -> String {
    use rdkafka::types::RDKafkaErrorCode as C;
    match e.rdkafka_error_code() {
        Some(C::OperationTimedOut) | Some(C::RequestTimedOut) => "timed out".into(),
        Some(C::BrokerTransportFailure) | Some(C::AllBrokersDown) => "broker unreachable".into(),
        _ => e.to_string(),
    }
}

/// A broker's answer to a metadata request, owned (no librdkafka pointers).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterMeta {
    pub brokers: Vec<BrokerMeta>,
    pub topics: Vec<TopicMeta>,
    pub orig_broker_id: i32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BrokerMeta {
    pub id: i32,
    pub host: String,
    pub port: i32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TopicMeta {
    pub name: String,
    pub error: Option<String>,
    pub partitions: Vec<PartitionMeta>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct PartitionMeta {
    pub id: i32,
    pub leader: i32,
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub error: Option<String>,
}

impl TopicMeta {
    pub fn replication_factor(&self) -> i16 {
        self.partitions.iter().map(|p| p.replicas.len()).max().unwrap_or(0) as i16
    }
}

pub fn owned_metadata(md: &rdkafka::metadata::Metadata) -> ClusterMeta {
    ClusterMeta {
        orig_broker_id: md.orig_broker_id(),
        brokers: md
            .brokers()
            .iter()
            .map(|b| BrokerMeta { id: b.id(), host: b.host().to_string(), port: b.port() })
            .collect(),
        topics: md
            .topics()
            .iter()
            .map(|t| TopicMeta {
                name: t.name().to_string(),
                error: t.error().map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                partitions: t
                    .partitions()
                    .iter()
                    .map(|p| PartitionMeta {
                        id: p.id(),
                        leader: p.leader(),
                        replicas: p.replicas().to_vec(),
                        isr: p.isr().to_vec(),
                        error: p.error().map(|e| format!("{:?}", rdkafka::types::RDKafkaErrorCode::from(e))),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(props: &[(&str, &str)]) -> Settings {
        Settings {
            brokers: "127.0.0.1:1".into(),
            props: props.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            timeout: Duration::from_secs(1),
            verbose: 0,
        }
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
}
