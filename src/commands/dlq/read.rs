//! Reading a dead-letter topic: partitions and watermarks, committed positions, and a reader
//! thread that streams each partition's records from a start offset up to an end offset fixed
//! when the command started.
//!
//! The end is fixed up front so that records arriving while evbus works (including replayed
//! records that fail again straight away) are left for the next run instead of looping. The
//! reader assigns partitions (never subscribes), so it never joins a group or commits.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use rdkafka::consumer::Consumer;
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc;

use crate::app::App;
use crate::dlq::decode::DlqRecord;
use crate::kafka::{Settings, describe_error};
use crate::record::view::RecordView;

/// One record of the dead-letter topic, owned.
#[derive(Debug, Clone)]
pub(super) struct DlqMsg {
    pub partition: i32,
    pub offset: i64,
    pub timestamp_ms: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl DlqMsg {
    /// The decoder's view of this record (the same type as the renderers' view).
    pub(super) fn record<'a>(&'a self, topic: &'a str) -> DlqRecord<'a> {
        self.view(topic)
    }

    pub(super) fn view<'a>(&'a self, topic: &'a str) -> RecordView<'a> {
        RecordView {
            topic,
            partition: self.partition,
            offset: self.offset,
            timestamp_ms: self.timestamp_ms,
            key: self.key.as_deref(),
            value: self.value.as_deref(),
            headers: &self.headers,
        }
    }

    fn from_borrowed(m: &mut BorrowedMessage<'_>) -> DlqMsg {
        DlqMsg {
            partition: m.partition(),
            offset: m.offset(),
            timestamp_ms: m.timestamp().to_millis().filter(|t| *t >= 0),
            key: m.key().map(<[u8]>::to_vec),
            value: m.payload().map(<[u8]>::to_vec),
            headers: crate::kafka::headers::owned(m),
        }
    }
}

/// One partition of the dead-letter topic at the start of the command.
#[derive(Debug, Clone, Copy)]
pub(super) struct PartInfo {
    pub partition: i32,
    pub low: i64,
    pub high: i64,
}

/// Partitions and watermarks of a topic; an error naming the topic when it does not exist.
pub(super) async fn partitions(app: &App, topic: &str) -> Result<Vec<PartInfo>> {
    let ids = topic_partitions(app, topic).await?.ok_or_else(|| anyhow!("topic {topic} does not exist"))?;
    let parts = ids.iter().map(|p| (topic.to_owned(), *p)).collect();
    let wm = crate::kafka::topics::watermarks(&app.settings, parts).await?;
    Ok(wm.into_iter().map(|((_, partition), (low, high))| PartInfo { partition, low, high }).collect())
}

/// A topic's partition ids, `None` when the cluster does not have it.
pub(super) async fn topic_partitions(app: &App, topic: &str) -> Result<Option<Vec<i32>>> {
    let (consumer, ctx) = app.settings.consumer(None, &[])?;
    let timeout = app.settings.timeout;
    let name = topic.to_owned();
    app.settings
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

/// What the reader thread sends: a record, or the error that ended reading.
pub(super) type Item = Result<DlqMsg, String>;

/// Streams `[start, end)` of each partition through a bounded channel, from a thread of its own
/// (librdkafka's poll blocks). Records of one partition arrive in offset order. The channel
/// closes when every partition is done; an error is sent when the broker stops answering for
/// longer than `--timeout`. Setting `stop` (or dropping the receiver) ends the thread.
pub(super) fn spawn_reader(
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
    let (consumer, ctx) =
        settings.consumer(None, &[("enable.partition.eof", "true"), ("auto.offset.reset", "earliest")])?;
    let mut tpl = TopicPartitionList::new();
    for (p, start, _) in &ranges {
        tpl.add_partition_offset(topic, *p, Offset::Offset(*start))?;
    }
    consumer.assign(&tpl).map_err(|e| anyhow!("cannot assign {topic}: {}", describe_error(&e)))?;
    let timeout = settings.timeout;
    let brokers = settings.brokers.clone();
    let topic = topic.to_owned();
    std::thread::Builder::new().name("evbus-dlq-reader".into()).spawn(move || {
        let mut remaining: BTreeMap<i32, i64> = ranges.iter().map(|(p, _, end)| (*p, *end)).collect();
        let mut last_progress = Instant::now();
        let mut last_error: Option<String> = None;
        while !remaining.is_empty() {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match consumer.poll(Duration::from_millis(100)) {
                None => {
                    if last_progress.elapsed() > timeout {
                        let why = last_error.clone().or_else(|| ctx.last_error()).unwrap_or_else(|| "no answer".into());
                        let msg = format!(
                            "reading {topic} timed out after {} ({why}; brokers tried: {brokers})",
                            humantime::format_duration(timeout)
                        );
                        let _ = tx.blocking_send(Err(crate::term::redact::redact_text(&msg)));
                        return;
                    }
                }
                Some(Err(KafkaError::PartitionEOF(p))) => {
                    remaining.remove(&p);
                    last_progress = Instant::now();
                }
                // Transport errors are reported here too, but librdkafka keeps retrying; the
                // timeout above decides when to give up.
                Some(Err(e)) => last_error = Some(describe_error(&e)),
                Some(Ok(mut m)) => {
                    last_progress = Instant::now();
                    let (p, o) = (m.partition(), m.offset());
                    let Some(end) = remaining.get(&p).copied() else {
                        continue;
                    };
                    if o >= end {
                        remaining.remove(&p);
                        continue;
                    }
                    let msg = DlqMsg::from_borrowed(&mut m);
                    drop(m);
                    if tx.blocking_send(Ok(msg)).is_err() {
                        return;
                    }
                    // Time spent waiting for the consumer of the channel (rate limit, prompts)
                    // is not broker silence.
                    last_progress = Instant::now();
                    if o + 1 >= end {
                        remaining.remove(&p);
                    }
                }
            }
        }
    })?;
    Ok(rx)
}
