//! Sending dead letters back out for `dlq replay`: the send path of `produce` (an idempotent
//! `acks=all` [`Settings::counting_producer`] and its [`TopicSink`]s) with a [`Reply`] per record,
//! so that every record ends in a typed [`Delivery`] (acknowledged, refused, not sent, unknown)
//! and the replay's accounting never reads a Kafka error code.
//!
//! Records have no delivery deadline of their own (`message.timeout.ms=0`), as in `produce` (see
//! [`super::flush_or_purge`] for why: a per-record timeout made librdkafka reset the producer id
//! and write the retries behind it twice). The caller bounds the wait with a stall watch and
//! [`Republisher::purge`] instead.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Result;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, Producer};
use tokio::time::Instant;

use super::events::StoppableThread;
use super::producer::{CountingCtx, Placement, Reply, TopicSink};
use super::refusal::{client_property, refusal, too_large};
use super::{Ctx, ProducerIdWarmup, Settings, describe_error};

/// One record to send: where, and what.
pub struct OutRecord<'a> {
    /// Destination topic.
    pub topic: &'a str,
    /// Destination partition; `None` partitions by key (murmur2, as Java producers do).
    pub partition: Option<i32>,
    /// Key bytes, `None` for a null key.
    pub key: Option<&'a [u8]>,
    /// Value bytes, `None` for a null value.
    pub value: Option<&'a [u8]>,
    /// Headers in order; a `None` value is a null header.
    pub headers: Vec<(&'a str, Option<&'a [u8]>)>,
}

/// How a record handed to the producer ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The broker stored it.
    Acked,
    /// Refused for what it is or where it goes (too large, not authorized, invalid, a policy):
    /// sending it again gets the same answer. Known not stored.
    Refused(String),
    /// Known not stored for another reason (purged before it was sent, a producer failure).
    NotSent(String),
    /// In flight when it was purged (or timed out under a `-X message.timeout.ms`): it may or
    /// may not be stored.
    Unknown(String),
}

/// A failed delivery in words, with the broker error behind it when there was one.
///
/// A topic's size limit is checked per batch, so the records batched with one too large are
/// refused too: the refusal does not name this record's size (the replay sends such records
/// again alone to tell them apart).
fn delivery_of(e: &KafkaError, ctx: &Ctx) -> Delivery {
    let last = || ctx.last_error().map(|l| format!(" (last broker error: {l})")).unwrap_or_default();
    match e.rdkafka_error_code() {
        Some(RDKafkaErrorCode::MessageTimedOut) => {
            Delivery::Unknown(format!("not acknowledged within message.timeout.ms{}", last()))
        }
        Some(RDKafkaErrorCode::PurgeInflight) => {
            Delivery::Unknown(format!("in flight when the broker stopped answering{}", last()))
        }
        Some(RDKafkaErrorCode::PurgeQueue) => {
            Delivery::NotSent(format!("not sent: the broker stopped answering first{}", last()))
        }
        Some(c) if refusal(c) => Delivery::Refused(describe_error(e)),
        _ => Delivery::NotSent(describe_error(e)),
    }
}

/// A topic handle of the replay's producer.
type Sink = TopicSink<Arc<BaseProducer<CountingCtx>>>;

/// The replay's producer: `produce`'s counting producer, whose reports are served by a thread of
/// its own (the replay awaits each record's [`Reply`] instead of polling), with its producer-id
/// warm-up.
pub struct Republisher {
    producer: Arc<BaseProducer<CountingCtx>>,
    /// One topic handle per destination, opened at its first record (records go to their
    /// original topics, known only as they are read).
    sinks: Mutex<HashMap<String, Sink>>,
    /// Serves delivery reports (which answer the records' replies) until dropped.
    _poller: StoppableThread,
    /// Gets the producer its id without librdkafka's startup delay; holds a clone of it.
    _warmup: ProducerIdWarmup,
}

impl Republisher {
    /// Created before the lookups of a run, so that the producer id's setup overlaps them.
    pub fn new(settings: &Settings, compression: &super::compression::Compression) -> Result<Republisher> {
        // The producer of produce's BulkSender (see Settings::send_props): murmur2 puts keyed
        // records on the partition a Java producer (and therefore the original) would have chosen.
        let producer = Arc::new(settings.counting_producer(compression)?);
        let warmup = ProducerIdWarmup::start(Arc::clone(&producer), settings.timeout);
        let polled = Arc::clone(&producer);
        let poller = StoppableThread::spawn("evbus-dlq-reports", move |stop| {
            while !stop.load(Ordering::Relaxed) {
                polled.poll(Duration::from_millis(100));
            }
        });
        Ok(Republisher { producer, sinks: Mutex::new(HashMap::new()), _poller: poller, _warmup: warmup })
    }

    /// Enqueues a record on `topic`'s handle, opened at its first record (see [`TopicSink::send`]).
    /// The handles are held under a lock only for the enqueue itself, never across an await.
    fn enqueue(
        &self,
        topic: &str,
        rec: &OutRecord<'_>,
        at: Placement,
        reply: Reply,
    ) -> Result<Result<(), (RDKafkaErrorCode, Reply)>, Delivery> {
        let mut sinks = self.sinks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let sink = match sinks.entry(topic.to_owned()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                TopicSink::new(Arc::clone(&self.producer), topic).map_err(|e| Delivery::NotSent(format!("{e:#}")))?,
            ),
        };
        Ok(sink.send(rec.key, rec.value, rec.headers.iter().copied(), at, reply))
    }

    /// Hands a record to librdkafka, waiting while its queue is full until `deadline`. The
    /// future resolves when the broker answers (or the record is purged); `Err` is a record
    /// that was not even queued ([`Delivery::Refused`] or [`Delivery::NotSent`]).
    pub async fn send(
        &self,
        rec: OutRecord<'_>,
        deadline: Instant,
    ) -> Result<impl Future<Output = Delivery> + Send + 'static, Delivery> {
        let size = (rec.key.map_or(0, <[u8]>::len) + rec.value.map_or(0, <[u8]>::len)) as u64;
        let at = Placement { partition: rec.partition, timestamp_ms: None };
        let (mut reply, rx) = Reply::channel();
        loop {
            match self.enqueue(rec.topic, &rec, at, reply)? {
                Ok(()) => break,
                Err((RDKafkaErrorCode::QueueFull, back)) if Instant::now() < deadline => {
                    reply = back;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err((code, _)) => {
                    return Err(match code {
                        RDKafkaErrorCode::MessageSizeTooLarge => {
                            let limit = client_property(self.producer.client(), "message.max.bytes");
                            Delivery::Refused(too_large(size, true, limit.and_then(|v| v.parse().ok()), None))
                        }
                        c if refusal(c) => Delivery::Refused(describe_error(&KafkaError::MessageProduction(c))),
                        c => Delivery::NotSent(describe_error(&KafkaError::MessageProduction(c))),
                    });
                }
            }
        }
        let ctx = self.producer.context().inner.clone();
        Ok(async move {
            match rx.await {
                Ok(Ok(())) => Delivery::Acked,
                Ok(Err(e)) => delivery_of(&e, &ctx),
                Err(_) => Delivery::Unknown("the producer went away before the broker answered".to_owned()),
            }
        })
    }

    /// Purges what the producer holds: queued records end [`Delivery::NotSent`], in-flight ones
    /// [`Delivery::Unknown`].
    pub fn purge(&self) {
        self.producer.purge(rdkafka::producer::PurgeConfig::default().queue().inflight());
    }

    /// Flushes the producer (bounded by `timeout`); returns how many messages it still held (-1:
    /// no answer in time).
    ///
    /// On a thread of its own, so that a producer stuck on a dead broker cannot hold up the exit
    /// after the bound.
    pub async fn flush(self, timeout: Duration) -> i32 {
        let Republisher { producer, sinks, _poller, _warmup } = self;
        // Everything else that holds the producer goes first (the topic handles, then the
        // threads, which stop within 100 ms): the flush thread, serving the reports from now on,
        // is left its last holder, so that destroying a producer stuck on a dead broker happens
        // there and cannot hold up the exit after the bound.
        drop(sinks);
        drop(_poller);
        drop(_warmup);
        let (tx, rx) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new().name("evbus-dlq-flush".into()).spawn(move || {
            let _ = super::producer::flush(&producer, timeout);
            let _ = tx.send(producer.in_flight_count());
        });
        if spawned.is_err() {
            return -1;
        }
        match tokio::time::timeout(timeout + Duration::from_secs(1), rx).await {
            Ok(Ok(n)) => n,
            _ => -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record over the client's limit is refused before it is sent, worded as `produce` words
    /// it: its size, the limit, and the value to pass with `-X`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_record_over_the_clients_limit_is_refused_with_its_size_and_the_fix() {
        let settings = Settings {
            brokers: "127.0.0.1:1".into(),
            props: vec![("message.max.bytes".into(), "1000".into())],
            timeout: Duration::from_secs(1),
            verbose: 0,
        };
        let r = Republisher::new(&settings, &settings.compression(None, None)).unwrap();
        let value = vec![b'x'; 3000];
        let rec = OutRecord { topic: "t", partition: Some(0), key: None, value: Some(&value), headers: vec![] };
        match r.send(rec, Instant::now() + Duration::from_secs(1)).await {
            Err(Delivery::Refused(e)) => {
                assert!(e.contains("a record of 3000 bytes"), "{e}");
                assert!(e.contains("message.max.bytes (1000)"), "{e}");
                assert!(e.contains("-X message.max.bytes=1048576"), "{e}");
            }
            Err(other) => panic!("not refused: {other:?}"),
            Ok(_) => panic!("a record over message.max.bytes was queued"),
        }
    }

    /// A queued record's own answer comes through the shared counting producer's report: purged
    /// before any broker took it, it ends not sent (known not stored), and it is counted once.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_purged_record_gets_its_own_answer_and_is_counted_once() {
        let settings =
            Settings { brokers: "127.0.0.1:1".into(), props: vec![], timeout: Duration::from_secs(1), verbose: 0 };
        let r = Republisher::new(&settings, &settings.compression(None, None)).unwrap();
        let rec = OutRecord { topic: "t", partition: Some(0), key: Some(b"k"), value: Some(b"v"), headers: vec![] };
        let Ok(answer) = r.send(rec, Instant::now() + Duration::from_secs(1)).await else {
            panic!("a small record was not queued");
        };
        r.purge();
        match tokio::time::timeout(Duration::from_secs(10), answer).await {
            Ok(Delivery::NotSent(e)) => assert!(e.contains("not sent: the broker stopped answering first"), "{e}"),
            other => panic!("not a purged record's answer: {other:?}"),
        }
        assert_eq!(r.producer.context().reported(), 1);
    }
}
