//! Bulk producing: the delivery-counting context, a topic handle that sends without allocating per
//! record, and the flush/stall watch that bounds a send by the broker's signs of life.

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
    /// the final message names it beside the limits (see [`explain_refusal`]).
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

/// The value of a librdkafka property of a live client (its default when not set).
fn client_property<C: ClientContext>(client: &rdkafka::client::Client<C>, key: &str) -> Option<String> {
    let name = std::ffi::CString::new(key).ok()?;
    let mut buf: [std::ffi::c_char; 64] = [0; 64];
    let mut len = buf.len();
    // SAFETY: a live handle; rd_kafka_conf borrows its configuration, which lives as long as
    // the handle; rd_kafka_conf_get writes at most `len` bytes, NUL-terminated.
    let ok = unsafe {
        let conf = rdkafka::bindings::rd_kafka_conf(client.native_ptr());
        rdkafka::bindings::rd_kafka_conf_get(conf, name.as_ptr(), buf.as_mut_ptr(), &mut len)
    };
    if ok != rdkafka::bindings::rd_kafka_conf_res_t::RD_KAFKA_CONF_OK {
        return None;
    }
    // SAFETY: NUL-terminated by librdkafka on success.
    Some(unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned())
}

/// What a producer's failure was, with the fix, when the cluster can tell more than librdkafka
/// said: a record too large names its size, the topic's `max.message.bytes` and the client's
/// `message.max.bytes` to raise; records left without an answer on a partition with fewer
/// in-sync replicas than `min.insync.replicas` were refused with NOT_ENOUGH_REPLICAS (librdkafka
/// retries those quietly, so the stall watch saw no answer). `None`: nothing to add.
pub async fn explain_refusal(
    settings: &super::Settings,
    producer: &BaseProducer<CountingCtx>,
    topic: &str,
    no_answer: bool,
) -> Option<String> {
    use rdkafka::producer::Producer as _;
    let ctx = producer.context();
    let (here, there) = (ctx.too_large_here.load(Ordering::SeqCst), ctx.too_large.load(Ordering::SeqCst));
    if here == 0 && there == 0 && !no_answer {
        return None;
    }
    // A broker that answers says this in milliseconds; a dead one must not add another
    // `--timeout` to a run that already waited one out.
    let bound = settings.timeout.min(Duration::from_secs(1));
    tokio::time::timeout(bound, ask_the_cluster(settings, producer, topic, here, there)).await.ok().flatten()
}

/// [`explain_refusal`]'s questions to the cluster: the topic's limits, and its in-sync replicas.
async fn ask_the_cluster(
    settings: &super::Settings,
    producer: &BaseProducer<CountingCtx>,
    topic: &str,
    here: u64,
    there: u64,
) -> Option<String> {
    use rdkafka::producer::Producer as _;
    let admin = std::sync::Arc::new(settings.admin().ok()?);
    let configs = admin.topic_configs(&[topic.to_string()]).await.ok();
    let config = |key: &str| -> Option<u64> { configs.as_ref()?.get(topic)?.get(key)?.value.as_deref()?.parse().ok() };
    if here > 0 || there > 0 {
        let client = client_property(producer.client(), "message.max.bytes").and_then(|v| v.parse().ok());
        return Some(too_large(here.max(there), here > 0, client, config("max.message.bytes")));
    }
    let min_isr = config("min.insync.replicas")?;
    if !matches!(client_property(producer.client(), "acks").as_deref(), Some("all" | "-1")) {
        return None;
    }
    let md = admin.metadata(Some(topic)).await.ok()?;
    let t = md.topics.iter().find(|t| t.name == topic)?;
    let short = short_of_isr(t.partitions.iter().map(|p| (p.id, p.isr.len(), p.replicas.len())), min_isr);
    (!short.is_empty()).then(|| {
        format!(
            "the broker refuses the records with NOT_ENOUGH_REPLICAS (Broker: Not enough in-sync replicas), which \
             librdkafka retries without a word: {}; the topic's min.insync.replicas is {min_isr}, and acks=all \
             needs that many replicas in sync (bring the replicas back, or lower min.insync.replicas on the topic)",
            short.join(", ")
        )
    })
}

/// The partitions, as `(id, in-sync replicas, replicas)`, whose leader refuses acks=all writes:
/// fewer in sync than `min.insync.replicas`, which Kafka caps at the replica count.
pub fn short_of_isr(partitions: impl Iterator<Item = (i32, usize, usize)>, min_isr: u64) -> Vec<String> {
    partitions
        .filter(|&(_, isr, replicas)| (isr as u64) < min_isr.min(replicas as u64))
        .map(|(id, isr, replicas)| format!("partition {id} has {isr} of {replicas} replicas in sync"))
        .collect()
}

/// The error for a record over a size limit, naming the limit it hit and the setting to raise:
/// this client's `message.max.bytes` (librdkafka's default is 1,000,000) when the client refused
/// it, else the topic's `max.message.bytes`. The suggested client value is the record's size
/// rounded up to a whole MiB, as librdkafka also counts the headers.
pub fn too_large(size: u64, client_refused: bool, client: Option<u64>, topic: Option<u64>) -> String {
    const MIB: u64 = 1 << 20;
    let topic_text = topic.map_or("unknown".to_string(), |t| t.to_string());
    let head = format!("MSG_SIZE_TOO_LARGE (Broker: Message size too large): a record of {size} bytes");
    if client_refused {
        let client = client.map_or("its default".to_string(), |c| c.to_string());
        let raise = size.div_ceil(MIB) * MIB;
        let fits = topic.is_none_or(|t| size < t);
        format!(
            "{head} is over this client's message.max.bytes ({client}); the topic's max.message.bytes is {topic_text}: \
             raise the client's limit with -X message.max.bytes={raise}{}",
            if fits { "" } else { ", and the topic's max.message.bytes (config in topics.yaml)" }
        )
    } else {
        format!(
            "{head} is over the topic's max.message.bytes ({topic_text}): raise max.message.bytes on the topic \
             (config in topics.yaml), or send smaller records"
        )
    }
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
    /// header. On error (a full queue, most often) nothing was enqueued and the caller may retry.
    pub fn send<'h>(
        &self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: impl IntoIterator<Item = (&'h str, Option<&'h [u8]>)>,
        at: Placement,
    ) -> Result<(), rdkafka::error::RDKafkaErrorCode> {
        use rdkafka::bindings::rd_kafka_vtype_t::*;
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
                RD_KAFKA_VTYPE_END,
            );
            if ffi::ok(err) {
                // Enqueued: the record owns its headers now.
                hdrs.release();
                Ok(())
            } else {
                Err(err.into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_too_large_names_its_size_the_limits_and_what_to_raise() {
        let e = too_large(1_500_000, true, Some(1_000_000), Some(26_214_400));
        assert!(e.contains("1500000 bytes"), "{e}");
        assert!(e.contains("max.message.bytes is 26214400"), "{e}");
        assert!(e.contains("-X message.max.bytes=2097152"), "{e}");
        assert!(!e.contains("topics.yaml"), "the topic allows it: {e}");
        // Refused by the broker: the topic's setting is the one to raise.
        let e = too_large(500_000, false, Some(1_000_000), Some(100_000));
        assert!(e.contains("over the topic's max.message.bytes (100000)"), "{e}");
        assert!(!e.contains("-X"), "{e}");
    }

    #[test]
    fn partitions_short_of_in_sync_replicas() {
        // Three replicas, two wanted in sync: only partition 1 refuses writes.
        let parts = [(0, 3, 3), (1, 1, 3), (2, 2, 3)].into_iter();
        assert_eq!(short_of_isr(parts, 2), vec!["partition 1 has 1 of 3 replicas in sync"]);
        // Kafka caps min.insync.replicas at the replica count: one replica in sync is enough.
        assert!(short_of_isr([(0, 1, 1)].into_iter(), 2).is_empty());
    }
}
