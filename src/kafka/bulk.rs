//! Sending many records to one topic without waiting for them one by one: the producer's
//! delivery reports are counted by its context, sends are served in batches, a full queue waits
//! for room while the broker shows signs of life, and the end of the send hands up a finished
//! [`Delivery`] (acknowledged, failed, unknown, the first error) for `produce` to print.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, Producer as _};

use super::clock::mono_ms;
use super::compression::Compression;
use super::error::Error;
use super::events::ProducerIdWarmup;
use super::producer::{CountingCtx, Placement, Reply, TopicSink, flush_or_purge, stalled};
use super::refusal::explain_refusal;
use super::settings::Settings;

/// What became of the records of a [`BulkSender`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Records the broker acknowledged.
    pub sent: u64,
    /// Not stored: never sent, or refused by the broker.
    pub failed: u64,
    /// In flight when the broker stopped answering: each may or may not be stored.
    pub unknown: u64,
    /// Payload bytes handed to the producer.
    pub bytes: u64,
    /// The first failure, worded for the user (with the last broker error when it helps).
    pub first_error: Option<String>,
}

/// Sends records to one topic through a producer whose context counts delivery reports, so
/// sending never waits for acknowledgements one by one and costs no allocation per record beyond
/// librdkafka's.
pub struct BulkSender {
    warmup: ProducerIdWarmup,
    /// Opened at the first send, once the input is known to be sendable: a topic handle makes
    /// librdkafka ask for the topic's metadata, which auto-creates it on brokers configured so.
    sink: Option<TopicSink<Arc<BaseProducer<CountingCtx>>>>,
    producer: Arc<BaseProducer<CountingCtx>>,
    topic: String,
    bytes: u64,
    enqueued: u64,
    local_failed: u64,
    local_error: Option<String>,
    /// [`mono_ms`] of the first enqueue: where the stall watch starts.
    first_send_ms: u64,
    /// No delivery report for `--timeout` while records wait: stop sending.
    stalled: bool,
    timeout: Duration,
    /// For asking the cluster why records were refused (see [`explain_refusal`]).
    settings: Settings,
}

impl BulkSender {
    /// A counting producer for `topic` configured as every send path is ([`Settings::send_props`]),
    /// getting its producer id right away (see [`ProducerIdWarmup`]); nothing is sent until the
    /// first [`BulkSender::send`].
    pub fn new(settings: &Settings, topic: &str, compression: &Compression) -> Result<BulkSender, Error> {
        let producer = Arc::new(settings.counting_producer(compression)?);
        let timeout = settings.timeout;
        Ok(BulkSender {
            warmup: ProducerIdWarmup::start(Arc::clone(&producer), timeout),
            sink: None,
            producer,
            topic: topic.to_string(),
            bytes: 0,
            enqueued: 0,
            local_failed: 0,
            local_error: None,
            first_send_ms: 0,
            stalled: false,
            timeout,
            settings: settings.clone(),
        })
    }

    /// True once the broker stopped answering for `--timeout`: the caller stops sending.
    pub fn stalled(&self) -> bool {
        self.stalled
    }

    /// Enqueue one record; waits (serving delivery reports) while librdkafka's queue is full,
    /// unless the broker has stopped answering. A record librdkafka refuses is counted as failed.
    /// `Err` only when the topic cannot be opened.
    pub async fn send<'h, H>(&mut self, key: Option<&[u8]>, value: &[u8], headers: H) -> Result<(), Error>
    where
        H: IntoIterator<Item = (&'h str, &'h [u8])> + Clone,
    {
        self.send_record(key, Some(value), NonNull(headers), Placement::default()).await
    }

    /// [`BulkSender::send`] for any record: a tombstone (`None` value), null header values, and
    /// a partition and timestamp of its own (`produce --records`).
    pub async fn send_record<'h, H>(
        &mut self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: H,
        at: Placement,
    ) -> Result<(), Error>
    where
        H: IntoIterator<Item = (&'h str, Option<&'h [u8]>)> + Clone,
    {
        let sink = match &mut self.sink {
            Some(sink) => &*sink,
            none => none.insert(
                TopicSink::new(Arc::clone(&self.producer), &self.topic)
                    .map_err(|e| Error::text("produce", format!("{e:#}")))?,
            ),
        };
        loop {
            match sink.send(key, value, headers.clone(), at, Reply::none()).map_err(|(e, _)| e) {
                Ok(()) => {
                    self.bytes += value.map_or(0, <[u8]>::len) as u64;
                    self.enqueued += 1;
                    if self.first_send_ms == 0 {
                        self.first_send_ms = mono_ms();
                    }
                    // Serve delivery reports as we go, without blocking; in batches, as each
                    // poll costs clock reads and queue locks.
                    if self.enqueued.is_multiple_of(64) {
                        self.producer.poll(Duration::ZERO);
                    }
                    return Ok(());
                }
                Err(RDKafkaErrorCode::QueueFull) => {
                    // librdkafka's queue is full: serve delivery reports until there is room,
                    // unless the broker has stopped answering.
                    self.producer.poll(Duration::from_millis(1));
                    if stalled(self.producer.context(), self.enqueued, self.first_send_ms, self.timeout) {
                        self.stalled = true;
                        return Ok(());
                    }
                    tokio::task::yield_now().await;
                }
                Err(e) => {
                    if e == RDKafkaErrorCode::MessageSizeTooLarge {
                        let size = value.map_or(0, <[u8]>::len) + key.map_or(0, <[u8]>::len);
                        self.producer.context().too_large_here.fetch_max(size as u64, Ordering::Relaxed);
                    }
                    self.local_failed += 1;
                    self.local_error.get_or_insert_with(|| KafkaError::MessageProduction(e).to_string());
                    return Ok(());
                }
            }
        }
    }

    /// Wait for every delivery report while the broker answers (see [`flush_or_purge`]) and
    /// count them: acknowledged, failed (not stored) and unknown (maybe stored).
    pub async fn finish(self) -> Result<Delivery, Error> {
        drop(self.sink);
        let producer = self.producer;
        let warmup = self.warmup;
        let (enqueued, since, stall) = (self.enqueued, self.first_send_ms, self.timeout);
        let (producer, complete) = tokio::task::spawn_blocking(move || {
            let r = flush_or_purge(&producer, enqueued, since, stall);
            (producer, r)
        })
        .await
        .map_err(|e| Error::text("produce", format!("{e}")))?;
        drop(warmup);
        let ctx = producer.context();
        let delivered = ctx.delivered.load(Ordering::SeqCst);
        let failed = ctx.failed.load(Ordering::SeqCst) + self.local_failed;
        let mut unknown = ctx.unknown.load(Ordering::SeqCst);
        let mut first_error = ctx.first_error.lock().ok().and_then(|g| g.clone()).or(self.local_error);
        // Records whose report never came (not even after the purge) may have been written.
        let missing = self.enqueued.saturating_sub(ctx.reported());
        unknown += missing;
        if !complete || self.stalled {
            let why = format!(
                "no answer from the broker for {} while records were waiting",
                humantime::format_duration(self.timeout)
            );
            first_error = Some(match first_error {
                Some(e) if !e.contains("urge") => format!("{why} (first error: {e})"),
                _ => why,
            });
        }
        if first_error.as_deref().is_some_and(|e| e.contains("timed out") || e.contains("unreachable"))
            && let Some(last) = ctx.inner.last_error()
        {
            first_error = Some(format!("{}; last broker error: {last}", first_error.unwrap_or_default()));
        }
        // "No answer" and "too large" say what happened, not what to change: ask the cluster.
        let no_answer = first_error.as_deref().is_some_and(|e| e.starts_with("no answer from the broker"));
        if (failed > 0 || unknown > 0 || self.stalled)
            && let Some(why) = explain_refusal(&self.settings, &producer, &self.topic, no_answer).await
        {
            first_error = Some(why);
        }
        Ok(Delivery { sent: delivered, failed, unknown, bytes: self.bytes, first_error })
    }
}

/// Headers without null values, as [`BulkSender::send_record`] takes headers (cloneable, so a
/// send can be retried without collecting them).
#[derive(Clone)]
struct NonNull<H>(H);

impl<'h, H: IntoIterator<Item = (&'h str, &'h [u8])>> IntoIterator for NonNull<H> {
    type Item = (&'h str, Option<&'h [u8]>);
    type IntoIter = std::iter::Map<H::IntoIter, fn((&'h str, &'h [u8])) -> (&'h str, Option<&'h [u8]>)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(k, v)| (k, Some(v)))
    }
}
