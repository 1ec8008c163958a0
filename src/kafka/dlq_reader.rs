//! Reading a dead-letter topic for `dlq inspect` and `dlq replay`: its partitions and watermarks,
//! and a reader thread that streams each partition's records, already taken apart into the DLQ's
//! own record type ([`DlqMsg`]), from a start offset up to an end offset fixed when the command
//! started.
//!
//! The end is fixed up front so that records arriving while evbus works (including replayed
//! records that fail again straight away) are left for the next run instead of looping. The
//! reader assigns partitions (never subscribes), so it never joins a group or commits.
//!
//! Retention (or DeleteRecords) can remove records under a slow reader: librdkafka then starts
//! again at the log start without a word. The reader notices the jump, asks for the log start,
//! and hands up a [`Read::Gap`] with what retention took, so that nobody passes over records
//! silently.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc;

use super::error::Error;
use super::{Ctx, Settings, describe_error};
use crate::record::view::{RecordView, TimestampType};

/// One record of the dead-letter topic, owned.
#[derive(Debug, Clone)]
pub struct DlqMsg {
    /// DLQ partition.
    pub partition: i32,
    /// Offset in its DLQ partition.
    pub offset: i64,
    /// The dead letter's own timestamp (when it was dead-lettered), when it has one.
    pub timestamp_ms: Option<i64>,
    /// Who set `timestamp_ms`; `None` exactly when it is.
    pub timestamp_type: Option<TimestampType>,
    /// Key bytes, `None` for a null key.
    pub key: Option<Vec<u8>>,
    /// Value bytes, `None` for a null value (a tombstone).
    pub value: Option<Vec<u8>>,
    /// Headers in order; a null header value stays `None`.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl DlqMsg {
    /// The decoders' and renderers' view of this record (the DLQ decoder's `DlqRecord` is the same type).
    pub fn view<'a>(&'a self, topic: &'a str) -> RecordView<'a> {
        RecordView {
            topic,
            partition: self.partition,
            offset: self.offset,
            timestamp_ms: self.timestamp_ms,
            timestamp_type: self.timestamp_type,
            key: self.key.as_deref(),
            value: self.value.as_deref(),
            headers: &self.headers,
        }
    }

    fn from_borrowed(m: &mut BorrowedMessage<'_>) -> DlqMsg {
        let (timestamp_ms, timestamp_type) = super::reader::timestamp_of(m.timestamp());
        DlqMsg {
            partition: m.partition(),
            offset: m.offset(),
            timestamp_ms,
            timestamp_type,
            key: m.key().map(<[u8]>::to_vec),
            value: m.payload().map(<[u8]>::to_vec),
            headers: super::headers::owned(m),
        }
    }
}

/// One partition of the dead-letter topic at the start of the command.
#[derive(Debug, Clone, Copy)]
pub struct PartInfo {
    /// Partition id.
    pub partition: i32,
    /// Low watermark (log start).
    pub low: i64,
    /// High watermark (next offset to be written).
    pub high: i64,
}

/// Partitions and watermarks of a topic; an error naming the topic when it does not exist.
pub async fn partitions(settings: &Settings, topic: &str) -> Result<Vec<PartInfo>> {
    let ids = topic_partitions(settings, topic).await?.ok_or_else(|| anyhow!("topic {topic} does not exist"))?;
    let parts = ids.iter().map(|p| (topic.to_owned(), *p)).collect();
    let wm = super::topics::watermarks(settings, parts).await?;
    Ok(wm.into_iter().map(|((_, partition), (low, high))| PartInfo { partition, low, high }).collect())
}

/// A topic's partition ids, `None` when the cluster does not have it.
pub async fn topic_partitions(settings: &Settings, topic: &str) -> Result<Option<Vec<i32>>, Error> {
    let (consumer, ctx) = settings.consumer(None, &[])?;
    let timeout = settings.timeout;
    let name = topic.to_owned();
    settings
        .blocking(&format!("metadata request for {topic}"), &ctx, move || {
            let md = consumer.fetch_metadata(Some(&name), timeout)?;
            let Some(t) = md.topics().iter().find(|t| t.name() == name) else {
                return Ok(None);
            };
            match t.error().map(rdkafka::types::RDKafkaErrorCode::from) {
                Some(rdkafka::types::RDKafkaErrorCode::UnknownTopicOrPartition) => return Ok(None),
                Some(e) => return Err(KafkaError::MetadataFetch(e)),
                None => {}
            }
            let ids: Vec<i32> = t.partitions().iter().map(|p| p.id()).collect();
            Ok((!ids.is_empty()).then_some(ids))
        })
        .await
}

/// What the reader hands up besides errors.
#[derive(Debug, Clone)]
pub enum Read {
    /// The next record of its partition.
    Record(DlqMsg),
    /// Retention (or DeleteRecords) removed `[from, to)` of this partition before it was read;
    /// reading goes on at `to`, the log start.
    Gap {
        /// The DLQ partition.
        partition: i32,
        /// The first offset taken.
        from: i64,
        /// The first offset still there, where reading goes on.
        to: i64,
    },
}

/// What the reader thread sends: a record or a gap, or the error that ended reading.
pub type Item = Result<Read, Error>;

/// Streams `[start, end)` of each partition through a bounded channel, from a thread of its own
/// (librdkafka's poll blocks). Records of one partition arrive in offset order. The channel
/// closes when every partition is done; an error is sent when the broker stops answering for
/// longer than `--timeout`. Setting `stop` (or dropping the receiver) ends the thread.
pub fn spawn_reader(
    settings: &Settings,
    topic: &str,
    ranges: &[(i32, i64, i64)],
    stop: Arc<AtomicBool>,
) -> Result<mpsc::Receiver<Item>> {
    let (tx, rx) = mpsc::channel(1024);
    let ranges: Vec<_> = ranges.iter().copied().filter(|(_, start, end)| start < end).collect();
    if ranges.is_empty() {
        return Ok(rx);
    }
    // EOF events say "nothing more right now" even when the last offsets are transaction
    // markers or were compacted away, which a wait for offset `end - 1` would never see.
    //
    // librdkafka's default prefetch (100,000 records or 64 MiB per consumer, ~460 bytes of its own
    // per record besides the payload) let memory grow with the topic up to that bound whenever
    // evbus decoded slower than the broker sent: ~8 MiB more for 20,000 small dead letters. A few
    // thousand records ahead keeps the reader busy and memory flat in the topic's size.
    let (consumer, ctx) = settings.consumer(
        None,
        &[
            ("enable.partition.eof", "true"),
            ("auto.offset.reset", "earliest"),
            ("queued.min.messages", "2000"),
            ("queued.max.messages.kbytes", "8192"),
            ("max.partition.fetch.bytes", "262144"),
        ],
    )?;
    let mut tpl = TopicPartitionList::new();
    for (p, start, _) in &ranges {
        tpl.add_partition_offset(topic, *p, Offset::Offset(*start))?;
    }
    consumer.assign(&tpl).map_err(|e| anyhow!("cannot assign {topic}: {}", describe_error(&e)))?;
    let reader = Reader {
        consumer,
        ctx,
        timeout: settings.timeout,
        brokers: settings.brokers.clone(),
        topic: topic.to_owned(),
        tx,
        remaining: ranges.iter().map(|(p, _, end)| (*p, *end)).collect(),
        next: ranges.iter().map(|(p, start, _)| (*p, *start)).collect(),
    };
    std::thread::Builder::new().name("evbus-dlq-reader".into()).spawn(move || reader.run(&stop))?;
    Ok(rx)
}

/// The reader thread's state.
struct Reader {
    consumer: BaseConsumer<Ctx>,
    ctx: Ctx,
    timeout: Duration,
    brokers: String,
    topic: String,
    tx: mpsc::Sender<Item>,
    /// Partition → end offset (exclusive), for partitions not done yet.
    remaining: BTreeMap<i32, i64>,
    /// Partition → the offset expected next: a record past it means offsets were skipped.
    next: BTreeMap<i32, i64>,
}

impl Reader {
    fn run(mut self, stop: &AtomicBool) {
        let mut last_progress = Instant::now();
        let mut last_error: Option<String> = None;
        while !self.remaining.is_empty() {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match self.consumer.poll(Duration::from_millis(100)) {
                None => {
                    if last_progress.elapsed() > self.timeout {
                        let why =
                            last_error.clone().or_else(|| self.ctx.last_error()).unwrap_or_else(|| "no answer".into());
                        let msg = format!(
                            "reading {} timed out after {} ({why}; brokers tried: {})",
                            self.topic,
                            humantime::format_duration(self.timeout),
                            self.brokers
                        );
                        let _ = self.tx.blocking_send(Err(Error::text("reading", msg)));
                        return;
                    }
                }
                Some(Err(KafkaError::PartitionEOF(p))) => {
                    last_progress = Instant::now();
                    // The end of the log before `end`: the rest was compacted away, was
                    // transaction markers, or was taken by retention, which is said.
                    if let Some(end) = self.remaining.remove(&p)
                        && !self.gap_before(p, end)
                    {
                        return;
                    }
                }
                // Transport errors are reported here too, but librdkafka keeps retrying; the
                // timeout above decides when to give up.
                Some(Err(e)) => last_error = Some(describe_error(&e)),
                Some(Ok(mut m)) => {
                    last_progress = Instant::now();
                    let (p, o) = (m.partition(), m.offset());
                    let Some(end) = self.remaining.get(&p).copied() else {
                        continue;
                    };
                    let msg = (o < end).then(|| DlqMsg::from_borrowed(&mut m));
                    drop(m);
                    if !self.gap_before(p, o.min(end)) {
                        return;
                    }
                    let Some(msg) = msg else {
                        self.remaining.remove(&p);
                        continue;
                    };
                    if self.tx.blocking_send(Ok(Read::Record(msg))).is_err() {
                        return;
                    }
                    // Time spent waiting for the consumer of the channel (rate limit, prompts)
                    // is not broker silence.
                    last_progress = Instant::now();
                    if o + 1 >= end {
                        self.remaining.remove(&p);
                    }
                }
            }
        }
    }

    /// Before handing up offset `o` of partition `p`: when offsets were skipped, asks for the
    /// log start and reports what retention took (a jump over compacted records or transaction
    /// markers is not a gap: those offsets are still inside the log). False when the receiver
    /// went away.
    fn gap_before(&mut self, p: i32, o: i64) -> bool {
        let expected = self.next.get(&p).copied().unwrap_or(o);
        self.next.insert(p, o + 1);
        if o <= expected {
            return true;
        }
        let low = match self.consumer.fetch_watermarks(&self.topic, p, self.timeout) {
            Ok((low, _)) => low,
            // Not knowing is not a reason to stop reading; the jump is reported as a gap only
            // when the log start proves it.
            Err(_) => return true,
        };
        if low <= expected {
            return true;
        }
        let to = low.min(o);
        self.tx.blocking_send(Ok(Read::Gap { partition: p, from: expected, to })).is_ok()
    }
}
