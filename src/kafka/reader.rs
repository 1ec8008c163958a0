//! A consumer that hands up finished values: records as [`RecordView`]s, partition ends and
//! errors already sorted into [`Problem`]s, partition listings and offsets as plain numbers.
//!
//! Commands that read topics (`tail`, and the DLQ reader next) orchestrate through a [`Reader`]
//! and never hold a native message, an rdkafka client or a Kafka error code: this is the one
//! place that knows how a consumed message is taken apart, what each librdkafka error means for
//! a reader, and how to restart a partition whose position left its log.
//!
//! Readers of the assign mode use `auto.offset.reset=error` (see [`Problem::OutOfRange`]): with
//! `earliest`, librdkafka jumps over offsets that retention or DeleteRecords removed under the
//! reader and says nothing; with `error` it stops that partition and tells us, and the command
//! reports the gap and restarts the partition at the log start ([`BatchQueue::restart_at`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::types::RDKafkaErrorCode;
use rdkafka::{Offset, TopicPartitionList};

use super::cluster::{ClusterMeta, owned_metadata};
use super::context::Ctx;
use super::error::Error;
use super::headers::HeaderPool;
pub use super::problem::Problem;
use super::queue::BatchQueue;
use super::retry;
use super::settings::Settings;
use crate::record::view::{RecordView, TimestampType};

/// Where an assigned partition starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartAt {
    /// The log start.
    Beginning,
    /// The log end (only records written from now on).
    End,
    /// This offset.
    Offset(i64),
}

impl StartAt {
    fn offset(self) -> Offset {
        match self {
            StartAt::Beginning => Offset::Beginning,
            StartAt::End => Offset::End,
            StartAt::Offset(o) => Offset::Offset(o),
        }
    }
}

/// What a ListOffsets request asks for, per partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetsAt {
    /// The low watermark (the log start).
    Beginning,
    /// The high watermark (the log end).
    End,
    /// The first record at or after this time (ms since the epoch).
    Time(i64),
}

/// One thing a poll handed up.
pub enum Polled<'m> {
    /// A record, borrowed from the message (valid for the callback only).
    Record(RecordView<'m>),
    /// A partition reached its end (with `enable.partition.eof`). rdkafka's poll does not say
    /// which topic's partition.
    Eof {
        /// The partition number (of some subscribed topic).
        partition: i32,
    },
    /// An error, sorted.
    Problem(Problem),
}

/// A consumer of evbus's context, with the calls readers need.
pub struct Reader {
    consumer: Arc<BaseConsumer<Ctx>>,
    ctx: Ctx,
}

impl Reader {
    /// A consumer with the global options, `extra` settings (before `-X`, which wins) and, with
    /// `group`, that group's id (else a random one nothing ever joins).
    pub fn new(settings: &Settings, group: Option<&str>, extra: &[(&str, &str)]) -> Result<Reader> {
        let (consumer, ctx) = settings.consumer(group, extra)?;
        Ok(Reader { consumer: Arc::new(consumer), ctx })
    }

    /// Positions the group member's own `auto.offset.reset` moved since the last call, because
    /// offsets under them were removed: (topic, partition, position). See
    /// [`Ctx::take_offset_resets`].
    pub fn take_offset_resets(&self) -> Vec<(String, i32, i64)> {
        self.ctx.take_offset_resets()
    }

    /// Another handle on the same consumer, for a thread of its own.
    pub fn share(&self) -> Reader {
        Reader { consumer: Arc::clone(&self.consumer), ctx: self.ctx.clone() }
    }

    /// Cluster metadata for every topic (`None`) or one, bounded by `--timeout`.
    pub async fn metadata(&self, settings: &Settings, topic: Option<&str>) -> Result<ClusterMeta, Error> {
        let c = Arc::clone(&self.consumer);
        let timeout = settings.timeout;
        let topic = topic.map(str::to_string);
        settings
            .blocking("metadata request", &self.ctx, move || {
                c.fetch_metadata(topic.as_deref(), timeout).map(|m| owned_metadata(&m))
            })
            .await
    }

    /// ListOffsets at `at` for each partition, in order, over this consumer (its connections are
    /// already up), bounded by `--timeout`; `-1` where the broker has no offset (no record at or
    /// after a time).
    pub async fn offsets(
        &self,
        settings: &Settings,
        what: &str,
        parts: Vec<(String, i32)>,
        at: OffsetsAt,
    ) -> Result<Vec<i64>, Error> {
        let c = Arc::clone(&self.consumer);
        let timeout = settings.timeout;
        settings.blocking(what, &self.ctx, move || list_offsets(&c, &parts, at, timeout)).await
    }

    /// The log start and end of one partition, from the calling thread (bounded by `timeout`).
    pub fn bounds(&self, topic: &str, partition: i32, timeout: Duration) -> Result<(i64, i64)> {
        let parts = [(topic.to_string(), partition)];
        let deadline = Instant::now() + timeout;
        let low = list_offsets(&self.consumer, &parts, OffsetsAt::Beginning, timeout);
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
        let high = list_offsets(&self.consumer, &parts, OffsetsAt::End, left);
        match (low, high) {
            (Ok(l), Ok(h)) => Ok((l[0], h[0])),
            (Err(e), _) | (_, Err(e)) => Err(anyhow!("{}", super::describe_error(&e))),
        }
    }

    /// The group's committed offset of each partition, in order (`None` where it has none),
    /// bounded by `--timeout`; asks again while the coordinator is still loading.
    pub async fn committed(&self, settings: &Settings, parts: Vec<(String, i32)>) -> Result<Vec<Option<i64>>, Error> {
        let c = Arc::clone(&self.consumer);
        let timeout = settings.timeout;
        settings
            .blocking("committed-offsets request", &self.ctx, move || {
                let mut tpl = TopicPartitionList::new();
                for (t, p) in &parts {
                    tpl.add_partition(t, *p);
                }
                let got = retry::within(
                    Instant::now() + timeout,
                    retry::COORDINATOR_PAUSE,
                    |left| c.committed_offsets(tpl.clone(), left.max(Duration::from_millis(100))),
                    |r| r.as_ref().is_err_and(retry::transient_error),
                )?;
                Ok(parts
                    .iter()
                    .map(|(t, p)| match got.find_partition(t, *p).map(|e| e.offset()) {
                        Some(Offset::Offset(o)) if o >= 0 => Some(o),
                        _ => None,
                    })
                    .collect())
            })
            .await
    }

    /// Joins the consumer's group for these topics.
    pub fn subscribe(&self, topics: &[&str]) -> Result<()> {
        self.consumer.subscribe(topics).map_err(|e| anyhow!("cannot subscribe to {}: {e}", topics.join(", ")))
    }

    /// Assigns partitions (no group), each feeding one private queue that is drained in batches.
    pub fn assign_batched(&self, parts: &[(&str, i32, StartAt)]) -> Result<BatchQueue<Ctx>> {
        // Forwarding must be in place before assign(): once a fetch has started, records
        // already go to the consumer's own queue.
        let queue = BatchQueue::forwarding(&self.consumer, parts.iter().map(|(t, p, _)| (*t, *p)))?;
        let mut tpl = TopicPartitionList::new();
        for (t, p, at) in parts {
            tpl.add_partition_offset(t, *p, at.offset())?;
        }
        self.consumer.assign(&tpl).map_err(|e| anyhow!("cannot assign partitions: {e}"))?;
        Ok(queue)
    }

    /// Adds partitions to an assignment made by [`Reader::assign_batched`], feeding `queue` too.
    pub fn assign_more(&self, queue: &BatchQueue<Ctx>, parts: &[(&str, i32, StartAt)]) -> Result<()> {
        queue.forward(parts.iter().map(|(t, p, _)| (*t, *p)))?;
        let mut tpl = TopicPartitionList::new();
        for (t, p, at) in parts {
            tpl.add_partition_offset(t, *p, at.offset())?;
        }
        self.consumer.incremental_assign(&tpl).map_err(|e| anyhow!("cannot assign partitions: {e}"))
    }

    /// Waits up to `timeout` for one thing from the consumer's own queue (records of a group
    /// member, logs, errors) and hands it to `f`, with the record's headers in `headers`.
    pub fn poll<R>(&self, timeout: Duration, headers: &mut HeaderPool, f: impl FnOnce(Polled<'_>) -> R) -> Option<R> {
        match self.consumer.poll(timeout)? {
            Ok(mut m) => {
                headers.fill(&mut m);
                let (timestamp_ms, timestamp_type) = timestamp_of(m.timestamp());
                let rec = RecordView {
                    topic: m.topic(),
                    partition: m.partition(),
                    offset: m.offset(),
                    timestamp_ms,
                    timestamp_type,
                    key: m.key(),
                    value: m.payload(),
                    headers: headers.as_slice(),
                };
                Some(f(Polled::Record(rec)))
            }
            Err(KafkaError::PartitionEOF(partition)) => Some(f(Polled::Eof { partition })),
            Err(e) => Some(f(Polled::Problem(triage(&e)))),
        }
    }

    /// Commits the next offset of each partition (topic, partition, offset); with `wait`, until
    /// the coordinator answered.
    pub fn commit(&self, positions: &[(&str, i32, i64)], wait: bool) -> Result<()> {
        let mut tpl = TopicPartitionList::new();
        for (t, p, o) in positions {
            tpl.add_partition_offset(t, *p, Offset::Offset(*o))?;
        }
        if tpl.count() == 0 {
            return Ok(());
        }
        let mode = if wait { CommitMode::Sync } else { CommitMode::Async };
        self.consumer.commit(&tpl, mode).map_err(|e| anyhow!("{}", super::describe_error(&e)))
    }

    /// True when a broker answers a metadata request within `timeout`.
    pub fn brokers_up(&self, timeout: Duration) -> bool {
        self.consumer.fetch_metadata(None, timeout).is_ok_and(|m| !m.brokers().is_empty())
    }

    /// The last transport or authentication error librdkafka reported, redacted.
    pub fn last_error(&self) -> Option<String> {
        self.ctx.last_error()
    }

    /// Asks for metadata every `every` on a thread of its own (all topics, or only `topics`), so
    /// the reader can follow partitions and topics that appear while it runs. The thread ends
    /// soon after the watch is dropped.
    pub fn watch_metadata(
        &self,
        every: Duration,
        topics: Option<Vec<String>>,
        timeout: Duration,
    ) -> Result<MetadataWatch> {
        let (tx, rx) = mpsc::sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let c = Arc::clone(&self.consumer);
        let quit = Arc::clone(&stop);
        std::thread::Builder::new().name("evbus-metadata".into()).spawn(move || {
            let tick = Duration::from_millis(50);
            'watch: loop {
                let next = Instant::now() + every;
                while Instant::now() < next {
                    if quit.load(Ordering::Relaxed) {
                        break 'watch;
                    }
                    std::thread::sleep(tick);
                }
                let meta = match &topics {
                    None => c.fetch_metadata(None, timeout).map(|m| owned_metadata(&m)),
                    Some(names) => {
                        let mut all = ClusterMeta { brokers: Vec::new(), orig_broker_id: -1, topics: Vec::new() };
                        let mut res = Ok(());
                        for n in names {
                            match c.fetch_metadata(Some(n), timeout) {
                                Ok(m) => all.topics.extend(owned_metadata(&m).topics),
                                Err(e) => {
                                    res = Err(e);
                                    break;
                                }
                            }
                        }
                        res.map(|()| all)
                    }
                };
                // A failed refresh is the outage watch's business; the next one may work.
                if let Ok(m) = meta
                    && tx.try_send(m).is_err_and(|e| matches!(e, mpsc::TrySendError::Disconnected(_)))
                {
                    break;
                }
            }
            // Dropped here, before the closing thread waits for the last reference.
            drop(c);
        })?;
        Ok(MetadataWatch { rx, stop })
    }

    /// Closes the consumer (which leaves the group, if any) without letting a dead broker hold
    /// the process: after `limit` the close carries on in the background while we exit.
    ///
    /// Only dropping the last reference closes a consumer, so this first waits (within `limit`)
    /// for the threads that shared it (the consumer thread, a final commit) to let go of theirs:
    /// dropping a reference that is not the last returned at once, and the process then exited
    /// as a member the coordinator kept until the session timed out.
    pub fn close(self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let (tx, rx) = mpsc::channel();
        let consumer = self.consumer;
        let spawned = std::thread::Builder::new().name("evbus-close".into()).spawn(move || {
            let mut shared = consumer;
            loop {
                match Arc::try_unwrap(shared) {
                    // rdkafka's drop closes the consumer queue and serves it until the close
                    // (with its LeaveGroup) is done.
                    Ok(owned) => {
                        drop(owned);
                        break;
                    }
                    Err(again) if Instant::now() < deadline => {
                        shared = again;
                        std::thread::sleep(Duration::from_millis(5));
                    }
                    Err(_) => break,
                }
            }
            let _ = tx.send(());
        });
        if spawned.is_ok() {
            let _ = rx.recv_timeout(limit);
        }
    }
}

/// Metadata read periodically by [`Reader::watch_metadata`]; stops its thread when dropped.
pub struct MetadataWatch {
    rx: mpsc::Receiver<ClusterMeta>,
    stop: Arc<AtomicBool>,
}

impl MetadataWatch {
    /// The latest metadata read since the last call, if any (never waits).
    pub fn latest(&self) -> Option<ClusterMeta> {
        self.rx.try_iter().last()
    }
}

impl Drop for MetadataWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// What a consumer error means for a reader.
pub(super) fn triage(e: &KafkaError) -> Problem {
    match e.rdkafka_error_code() {
        Some(RDKafkaErrorCode::AllBrokersDown) => Problem::AllBrokersDown,
        Some(RDKafkaErrorCode::BrokerTransportFailure) => Problem::Transport,
        _ => Problem::Other(super::describe_error(e)),
    }
}

/// ListOffsets at `at` for each partition, in order; `-1` where no record is at or after a time.
///
/// A log start or end always exists, so an answer without one for a partition (left out of the
/// response, not resolved, or a retriable partition error such as a leader still being elected
/// on a topic just created) is asked again until `timeout`, then an error: read as `-1` it made
/// `tail --exit` treat the partition as empty and skip its records without a word.
fn list_offsets(
    c: &BaseConsumer<Ctx>,
    parts: &[(String, i32)],
    at: OffsetsAt,
    timeout: Duration,
) -> Result<Vec<i64>, KafkaError> {
    let spec = match at {
        OffsetsAt::Beginning => Offset::Beginning,
        OffsetsAt::End => Offset::End,
        OffsetsAt::Time(ts) => Offset::Offset(ts),
    };
    let by_time = matches!(at, OffsetsAt::Time(_));
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(100));
        let res = super::offsets::list_offsets_on(c, parts.iter().map(|(t, p)| (t.as_str(), *p)), spec, left)?;
        let mut out = Vec::with_capacity(parts.len());
        let mut unresolved: Option<KafkaError> = None;
        for (t, p) in parts {
            let o = match res.find_partition(t, *p) {
                Some(e) => match e.error() {
                    Err(err) if !by_time && retriable(&err) => {
                        unresolved = Some(err);
                        -1
                    }
                    Err(err) => return Err(err),
                    Ok(()) => match e.offset() {
                        Offset::Offset(o) => o,
                        // No record at or after the requested time: the end of the partition.
                        _ if by_time => -1,
                        _ => {
                            unresolved = Some(KafkaError::OffsetFetch(RDKafkaErrorCode::OffsetNotAvailable));
                            -1
                        }
                    },
                },
                None if by_time => -1,
                None => {
                    unresolved = Some(KafkaError::OffsetFetch(RDKafkaErrorCode::UnknownPartition));
                    -1
                }
            };
            out.push(o);
        }
        match unresolved {
            None => return Ok(out),
            Some(e) if Instant::now() >= deadline => return Err(e),
            Some(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// A partition error that a moment later may be gone (a leader being elected or moved).
fn retriable(e: &KafkaError) -> bool {
    matches!(
        e.rdkafka_error_code(),
        Some(
            RDKafkaErrorCode::NotLeaderForPartition
                | RDKafkaErrorCode::LeaderNotAvailable
                | RDKafkaErrorCode::UnknownTopicOrPartition
                | RDKafkaErrorCode::OffsetNotAvailable
                | RDKafkaErrorCode::UnknownPartition
        )
    )
}

/// rdkafka's timestamp as the record view holds it: the time and who set it, both `None` when the
/// record has none (or a negative one, which Kafka uses for "no timestamp").
pub(super) fn timestamp_of(ts: rdkafka::Timestamp) -> (Option<i64>, Option<TimestampType>) {
    match ts {
        rdkafka::Timestamp::CreateTime(t) if t >= 0 => (Some(t), Some(TimestampType::CreateTime)),
        rdkafka::Timestamp::LogAppendTime(t) if t >= 0 => (Some(t), Some(TimestampType::LogAppendTime)),
        _ => (None, None),
    }
}
