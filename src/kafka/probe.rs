//! The produce/consume round trip `health` proves the write and read paths with: one record sent
//! to a known partition and read back by assigning that partition at the offset it was stored at.
//! The caller gets finished values (where it landed, how long each half took, whether it came
//! back), never a client or a message.

use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::consumer::Consumer as _;
use rdkafka::producer::FutureRecord;
use rdkafka::{Message as _, Offset, TopicPartitionList};

use super::settings::Settings;

/// What became of one probe record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbeTrip {
    /// The partition the record was stored in.
    pub partition: i32,
    /// The offset the broker gave it.
    pub offset: i64,
    /// From the start until the broker acknowledged the record.
    pub produced: Duration,
    /// From the start until the record was read back (or the read gave up).
    pub total: Duration,
    /// The record was read back (at its offset, with the marker in its payload) within `--timeout`.
    pub found: bool,
}

/// Sends `payload` with `key` to partition `partition` of `topic`, then reads that partition from
/// the offset it was stored at until a record there carries `marker` in its payload. Each half is
/// bounded by `--timeout`; the record's producer does not ask for a producer id (one record needs
/// no idempotence, and asking costs a round trip).
pub async fn round_trip(
    settings: &Settings,
    topic: &str,
    partition: i32,
    key: &str,
    payload: &str,
    marker: &str,
) -> Result<ProbeTrip> {
    let (producer, pctx) = settings.producer(&[("linger.ms", "0"), ("enable.idempotence", "false")])?;
    let start = Instant::now();
    let record = FutureRecord::to(topic).key(key).payload(payload).partition(partition);
    let delivery = settings
        .bounded("probe delivery", &pctx, async { producer.send(record, settings.timeout).await.map_err(|(e, _)| e) })
        .await?;
    let produced = start.elapsed();

    let (consumer, cctx) = settings.consumer(None, &[])?;
    let timeout = settings.timeout;
    let (topic, partition, offset) = (topic.to_string(), delivery.partition, delivery.offset);
    let want = marker.to_string();
    let found = settings
        .blocking("probe read-back", &cctx, move || {
            let mut tpl = TopicPartitionList::new();
            tpl.add_partition_offset(&topic, partition, Offset::Offset(offset))?;
            consumer.assign(&tpl)?;
            let deadline = Instant::now() + timeout;
            while Instant::now() < deadline {
                match consumer.poll(Duration::from_millis(100)) {
                    Some(Ok(m)) => {
                        let ours = m.offset() == offset
                            && m.payload().is_some_and(|p| String::from_utf8_lossy(p).contains(&want));
                        if ours {
                            return Ok(true);
                        }
                    }
                    Some(Err(e)) => return Err(e),
                    None => {}
                }
            }
            Ok(false)
        })
        .await?;
    Ok(ProbeTrip { partition, offset, produced, total: start.elapsed(), found })
}
