//! The one send path of every command that writes records (`produce`, `produce --records`, `dlq
//! replay`): the delivery-counting context, a topic handle that sends without allocating per
//! record, a per-record [`Reply`] for the senders that need each record's own answer, and the
//! flush/stall watch that bounds a send by the broker's signs of life. One path, so that the
//! producer's configuration, its FFI and its accounting cannot drift apart between them.

use std::sync::Mutex;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Result, anyhow};
use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::error::KafkaError;
use rdkafka::producer::{BaseProducer, ProducerContext};

use super::clock::mono_ms;
use super::context::Ctx;
use super::error::describe_error;
use super::ffi::{self, Owned};
use super::handle::Handle;

/// Counts delivery reports (and keeps the first failure) for [`Settings::counting_producer`].
///
/// A failed record is *failed* when librdkafka knows it was not stored (never sent, or refused),
/// and *unknown* when it may have been (it was in flight when it timed out or was purged).
#[derive(Default)]
pub struct CountingCtx {
    /// The plain client context: remembers the last background error for timeouts.
    pub inner: Ctx,
    /// Records the broker acknowledged.
    pub delivered: std::sync::atomic::AtomicU64,
    /// Records librdkafka knows were not stored.
    pub failed: std::sync::atomic::AtomicU64,
    /// Records that may or may not have been stored (in flight at a timeout or purge).
    pub unknown: std::sync::atomic::AtomicU64,
    /// [`mono_ms`] of the last delivery report (0: none yet): the broker's sign of life.
    pub last_report_ms: std::sync::atomic::AtomicU64,
    /// The first delivery error reported, for the final message; `None` if every record made it.
    pub first_error: Mutex<Option<String>>,
    /// Size in bytes of the largest record the broker refused as too large, 0 when none was:
    /// the final message names it beside the limits (see [`super::refusal::explain_refusal`]).
    pub too_large: std::sync::atomic::AtomicU64,
    /// The same for records this client refused before sending (over its `message.max.bytes`).
    pub too_large_here: std::sync::atomic::AtomicU64,
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

/// Where one record's own delivery result goes, besides the counts: `dlq replay` keeps a
/// position per record, so it waits for each; bulk sends pass [`Reply::none`] and only count.
pub struct Reply(Option<Box<tokio::sync::oneshot::Sender<Result<(), KafkaError>>>>);

impl Reply {
    /// No reply: the record is only counted.
    pub fn none() -> Reply {
        Reply(None)
    }

    /// A reply, and where its result arrives (an error from the receiver: the producer was
    /// dropped before the record's report was served).
    pub fn channel() -> (Reply, tokio::sync::oneshot::Receiver<Result<(), KafkaError>>) {
        let (tx, rx) = tokio::sync::oneshot::channel();
        (Reply(Some(Box::new(tx))), rx)
    }
}

impl rdkafka::util::IntoOpaque for Reply {
    fn into_ptr(self) -> *mut std::ffi::c_void {
        self.0.map_or(std::ptr::null_mut(), |b| Box::into_raw(b).cast())
    }
    unsafe fn from_ptr(p: *mut std::ffi::c_void) -> Self {
        // SAFETY: the caller's contract: `p` came from `into_ptr` and is taken back once (by the
        // delivery report, or by `TopicSink::send` when the record was not enqueued).
        Reply((!p.is_null()).then(|| unsafe { Box::from_raw(p.cast()) }))
    }
}

impl ProducerContext for CountingCtx {
    type DeliveryOpaque = Reply;
    fn delivery(&self, r: &rdkafka::message::DeliveryResult<'_>, reply: Reply) {
        use std::sync::atomic::Ordering::Relaxed;
        match r {
            Ok(_) => {
                self.delivered.fetch_add(1, Relaxed);
            }
            Err((e, m)) => {
                // SAFETY: the message is live for the duration of the callback.
                let status = unsafe { rdkafka::bindings::rd_kafka_message_status(m.ptr()) };
                if status == rdkafka::bindings::rd_kafka_msg_status_t::RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED {
                    self.unknown.fetch_add(1, Relaxed);
                } else {
                    self.failed.fetch_add(1, Relaxed);
                }
                if e.rdkafka_error_code() == Some(rdkafka::types::RDKafkaErrorCode::MessageSizeTooLarge) {
                    use rdkafka::message::Message as _;
                    let size = m.payload_len() + m.key().map_or(0, <[u8]>::len);
                    self.too_large.fetch_max(size as u64, Relaxed);
                }
                if let Ok(mut g) = self.first_error.lock() {
                    g.get_or_insert_with(|| describe_error(e));
                }
            }
        }
        self.last_report_ms.store(mono_ms(), Relaxed);
        if let Some(tx) = reply.0 {
            // A receiver gone (its run stopped waiting) needs no answer.
            let _ = tx.send(r.as_ref().map(|_| ()).map_err(|(e, _)| e.clone()));
        }
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
        unsafe { rdkafka::bindings::rd_kafka_flush(producer.client().native_ptr(), 0) };
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
        unsafe { rdkafka::bindings::rd_kafka_flush(producer.client().native_ptr(), 0) };
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
///
/// The sink holds its producer (an `Arc` of it): the topic handle is destroyed before the
/// producer whatever order the owner drops them in.
pub struct TopicSink<P: Handle> {
    /// Declared before the producer, so it is destroyed first.
    rkt: Owned<rdkafka::types::RDKafkaTopic>,
    producer: P,
}

// SAFETY: librdkafka topic handles may be used from any thread, like the client that owns them.
unsafe impl<P: Handle> Send for TopicSink<P> {}

impl<P: Handle> TopicSink<P> {
    /// A handle for `topic` on `producer`; fails if the name has a NUL byte or librdkafka refuses it.
    pub fn new(producer: P, topic: &str) -> Result<TopicSink<P>> {
        let name = std::ffi::CString::new(topic).map_err(|_| anyhow!("topic name contains a NUL byte"))?;
        // SAFETY: a live client (held by `producer`); a NULL conf uses the producer's topic
        // defaults (partitioner, acks, compression set in its configuration). The handle is
        // owned by the guard, released once.
        let rkt = unsafe {
            Owned::new(
                rdkafka::bindings::rd_kafka_topic_new(producer.native().ptr(), name.as_ptr(), std::ptr::null_mut()),
                rdkafka::bindings::rd_kafka_topic_destroy,
            )
        };
        if rkt.is_null() {
            // SAFETY: reads this thread's last librdkafka error; no arguments.
            let code = unsafe { rdkafka::bindings::rd_kafka_last_error() };
            return Err(anyhow!("cannot open topic {topic}: {}", rdkafka::error::RDKafkaErrorCode::from(code)));
        }
        Ok(TopicSink { rkt, producer })
    }

    /// Enqueue one record: on `at.partition`, else where the partitioner places it; with
    /// `at.timestamp_ms`, else now. `None` value is a tombstone, a `None` header value a null
    /// header. `reply` goes to the delivery report (see [`Reply`]). On error (a full queue, most
    /// often) nothing was enqueued, `reply` is handed back, and the caller may retry.
    pub fn send<'h>(
        &self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: impl IntoIterator<Item = (&'h str, Option<&'h [u8]>)>,
        at: Placement,
        reply: Reply,
    ) -> Result<(), (rdkafka::error::RDKafkaErrorCode, Reply)> {
        use rdkafka::bindings::rd_kafka_vtype_t::*;
        use rdkafka::util::IntoOpaque as _;
        // SAFETY: every pointer is valid for the call and its length (a null pointer with length
        // 0 is librdkafka's null key, value or header value); librdkafka copies the payload
        // (F_COPY), the key and the header names and values, and takes the header list only when
        // the record is enqueued (the guard destroys it otherwise).
        unsafe {
            let hdrs =
                Owned::new(rdkafka::bindings::rd_kafka_headers_new(4), rdkafka::bindings::rd_kafka_headers_destroy);
            for (name, v) in headers {
                let (vp, vl) = v.map_or((std::ptr::null(), 0), |v| (v.as_ptr(), v.len()));
                rdkafka::bindings::rd_kafka_header_add(
                    hdrs.ptr(),
                    name.as_ptr().cast(),
                    name.len() as isize,
                    vp.cast(),
                    vl as isize,
                );
            }
            let (kp, kl) = key.map_or((std::ptr::null(), 0), |k| (k.as_ptr(), k.len()));
            let (vp, vl) = value.map_or((std::ptr::null(), 0), |v| (v.as_ptr(), v.len()));
            let opaque = reply.into_ptr();
            let err = rdkafka::bindings::rd_kafka_producev(
                self.producer.native().ptr(),
                RD_KAFKA_VTYPE_RKT,
                self.rkt.ptr(),
                RD_KAFKA_VTYPE_PARTITION,
                at.partition.unwrap_or(-1), // -1, RD_KAFKA_PARTITION_UA: the partitioner decides
                RD_KAFKA_VTYPE_MSGFLAGS,
                rdkafka::bindings::RD_KAFKA_MSG_F_COPY,
                RD_KAFKA_VTYPE_VALUE,
                vp,
                vl,
                RD_KAFKA_VTYPE_KEY,
                kp,
                kl,
                RD_KAFKA_VTYPE_TIMESTAMP,
                at.timestamp_ms.unwrap_or(0), // 0: librdkafka stamps the current time
                RD_KAFKA_VTYPE_HEADERS,
                hdrs.ptr(),
                RD_KAFKA_VTYPE_OPAQUE,
                opaque, // taken back by the delivery report (CountingCtx::delivery)
                RD_KAFKA_VTYPE_END,
            );
            if ffi::ok(err) {
                // Enqueued: the record owns its headers now.
                hdrs.release();
                Ok(())
            } else {
                // Not enqueued: librdkafka did not keep the opaque, so it is ours again.
                Err((err.into(), Reply::from_ptr(opaque)))
            }
        }
    }
}

/// Where and when a record goes: [`Placement::default`] lets the partitioner and the clock decide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Placement {
    /// This partition instead of the partitioner's choice.
    pub partition: Option<i32>,
    /// This timestamp (ms since the epoch) instead of the current time.
    pub timestamp_ms: Option<i64>,
}

impl ProducerContext for Ctx {
    type DeliveryOpaque = ();
    fn delivery(&self, _: &rdkafka::message::DeliveryResult<'_>, _: Self::DeliveryOpaque) {}
}
