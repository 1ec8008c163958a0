//! Reading the first unconsumed records for the time lag: one consumer (never joining a group)
//! driven by a [`Plan`] from [`crate::lag::first_records`], within `--timeout`.
//!
//! The consumer is assigned exactly once and moved only by seeks: re-assigning it from offset to
//! offset made librdkafka stop and restart the partition fetchers, and a second re-assignment
//! before a stop completed aborted the whole process (`rktp_started`, exit 134). Seeks only bump
//! the partition's version, so however many offsets are wanted and however the deadline falls, the
//! assignment changes twice (assign, unassign). The work is bounded: one forward read per
//! partition, a seek per wanted offset far from the previous one, all partitions at once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::{Message as _, Offset, TopicPartitionList};

use crate::kafka::{Ctx, Settings};
use crate::lag::first_records::{Plan, Step};

/// How long one poll waits before the positions are checked for partitions read to their end.
const IDLE_POLL: Duration = Duration::from_millis(50);

/// The timestamp of the first record at or after each `(topic, partition, offset, log end)`, all
/// within `--timeout`. `None`: there is no record between the offset and the log end (it was
/// deleted up to the end, or only transaction markers are left), or the record has no timestamp.
/// Offsets not read in time are missing from the map rather than failing the others.
pub async fn first_timestamps(
    settings: &Settings,
    wanted: Vec<(String, i32, i64, i64)>,
) -> Result<HashMap<(String, i32, i64), Option<i64>>> {
    let plan = Plan::new(wanted);
    if plan.is_done() {
        return Ok(plan.into_dated());
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
        ],
    )?;
    let deadline = Instant::now() + settings.timeout;
    settings
        .blocking("reading the first unconsumed records (time lag)", &ctx, move || read(&consumer, plan, deadline))
        .await
}

/// Assign every partition at its lowest wanted offset, then follow the plan until it is done or
/// the deadline comes; always unassign once at the end.
fn read(
    consumer: &BaseConsumer<Ctx>,
    mut plan: Plan,
    deadline: Instant,
) -> KafkaResult<HashMap<(String, i32, i64), Option<i64>>> {
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
