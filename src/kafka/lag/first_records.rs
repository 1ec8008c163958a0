//! Reading the first unconsumed records for the time lag: a consumer (never joining a group)
//! driven by a [`Plan`] from [`crate::lag::first_records`], within `--timeout`; a few of them at
//! once when one partition has many offsets to date.
//!
//! Each consumer is assigned exactly once and moved only by seeks: re-assigning it from offset to
//! offset made librdkafka stop and restart the partition fetchers, and a second re-assignment
//! before a stop completed aborted the whole process (`rktp_started`, exit 134). Seeks only bump
//! the partition's version, so however many offsets are wanted and however the deadline falls, the
//! assignment changes twice (assign, unassign). The work is bounded: one forward read per
//! partition and reader, a seek per wanted offset far from the previous one, all partitions at
//! once (a thousand offsets of one partition, all far apart: about a second on a local broker).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::{Message as _, Offset, TopicPartitionList};

use crate::kafka::{Ctx, Error, Settings};
use crate::lag::first_records::{Plan, Step, Wanted, share};

/// `(topic, partition, offset)` → the timestamp of the first record at or after it.
pub type Dated = HashMap<(String, i32, i64), Option<i64>>;

/// How long one poll waits before the positions are checked for partitions read to their end.
const IDLE_POLL: Duration = Duration::from_millis(50);

/// The timestamp of the first record at or after each `(topic, partition, offset, log end)`, all
/// within `--timeout`. `None`: there is no record between the offset and the log end (it was
/// deleted up to the end, or only transaction markers are left), or the record has no timestamp.
/// Offsets not read in time are missing from the map rather than failing the others. Many
/// offsets of one partition are shared between a few readers ([`share`]) read at once.
pub async fn first_timestamps(settings: &Settings, wanted: Vec<Wanted>) -> Result<Dated, Error> {
    let shares = share(wanted);
    let mut readers = Vec::with_capacity(shares.len());
    let mut dated = Dated::new();
    let mut first_ctx = None;
    for w in shares {
        let plan = Plan::new(w);
        if plan.is_done() {
            dated.extend(plan.into_dated());
            continue;
        }
        let (consumer, ctx) = settings.consumer(
            None,
            &[
                // Records the consumer cannot reach any more (deleted meanwhile) start it at the
                // oldest one left, which is then the oldest unconsumed record.
                ("auto.offset.reset", "earliest"),
                // Wakes the loop as soon as a partition is read to its end.
                ("enable.partition.eof", "true"),
                // Lag counts every offset up to the high watermark, so read as far.
                ("isolation.level", "read_uncommitted"),
                // Small fetches, no prefetching: most partitions need one record or a few.
                ("fetch.wait.max.ms", "100"),
                ("max.partition.fetch.bytes", "65536"),
                ("queued.min.messages", "1"),
                // With a record or two queued (always, at one message), librdkafka waits this
                // long before the next fetch, after a seek too: at its default (1 s) a thousand
                // seeks did not fit in a minute; at 1 ms they take about a second.
                ("fetch.queue.backoff.ms", "1"),
            ],
        )?;
        first_ctx.get_or_insert(ctx);
        readers.push((consumer, plan));
    }
    let Some(ctx) = first_ctx else { return Ok(dated) };
    let deadline = Instant::now() + settings.timeout;
    let read_all = move || {
        // One thread per reader: each one's seeks wait on its own round trips.
        let results: Vec<KafkaResult<Dated>> = std::thread::scope(|s| {
            let running: Vec<_> =
                readers.into_iter().map(|(consumer, plan)| s.spawn(move || read(&consumer, plan, deadline))).collect();
            running.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
        });
        // What one reader could not read is unknown; only when none could is it an error.
        let mut first_err = None;
        for r in results {
            match r {
                Ok(d) => dated.extend(d),
                Err(e) => first_err = first_err.or(Some(e)),
            }
        }
        match first_err {
            Some(e) if dated.is_empty() => Err(e),
            _ => Ok(dated),
        }
    };
    settings.blocking("reading the first unconsumed records (time lag)", &ctx, read_all).await
}

/// Assign every partition at its lowest wanted offset, then follow the plan until it is done or
/// the deadline comes; always unassign once at the end.
fn read(consumer: &BaseConsumer<Ctx>, mut plan: Plan, deadline: Instant) -> KafkaResult<Dated> {
    let mut tpl = TopicPartitionList::with_capacity(plan.pending());
    for (t, p, o) in plan.starts() {
        tpl.add_partition_offset(t, p, Offset::Offset(o))?;
    }
    consumer.assign(&tpl)?;
    let r = follow(consumer, &mut plan, deadline);
    let _ = consumer.unassign();
    r.map(|()| plan.into_dated())
}

fn follow(consumer: &BaseConsumer<Ctx>, plan: &mut Plan, deadline: Instant) -> KafkaResult<()> {
    while !plan.is_done() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        match consumer.poll(left.min(IDLE_POLL)) {
            Some(Ok(m)) => {
                let ts = m.timestamp().to_millis();
                let step = plan.on_record(m.topic(), m.partition(), m.offset(), ts);
                apply(consumer, m.topic(), m.partition(), step)?;
            }
            Some(Err(KafkaError::PartitionEOF(_))) | None => {
                for e in consumer.position()?.elements() {
                    if let Offset::Offset(at) = e.offset() {
                        let step = plan.on_position(e.topic(), e.partition(), at);
                        apply(consumer, e.topic(), e.partition(), step)?;
                    }
                }
            }
            Some(Err(e)) => return Err(e),
        }
    }
    Ok(())
}

/// A seek without waiting for it (the partition's version is bumped at once, so records fetched
/// before it are dropped), or a pause once a partition needs nothing more.
fn apply(consumer: &BaseConsumer<Ctx>, topic: &str, partition: i32, step: Step) -> KafkaResult<()> {
    match step {
        Step::Continue => Ok(()),
        Step::Seek(o) => consumer.seek(topic, partition, Offset::Offset(o), Duration::ZERO),
        Step::Done => {
            let mut tpl = TopicPartitionList::with_capacity(1);
            tpl.add_partition(topic, partition);
            consumer.pause(&tpl)
        }
    }
}
