//! The one ListOffsets path: watermarks and offsets by time for many partitions in batched
//! requests ([`list_offsets_on`], on a client of the caller's or one made for the call), and the
//! timestamps of the first records at given offsets (time lag).

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;
use rdkafka::consumer::{BaseConsumer, Consumer as _, ConsumerContext};
use rdkafka::error::{KafkaError, KafkaResult};
use rdkafka::{Offset, TopicPartitionList};

use super::Settings;

/// Offsets of many partitions, per partition: the broker's answer or its error.
pub type PartitionOffsets = HashMap<(String, i32), Result<i64, String>>;

/// ListOffsets for `parts` at `at` (`Offset::Beginning`, `Offset::End`, or a timestamp as
/// `Offset::Offset(ms)`) in one batched request per leader, over `consumer`: a command that
/// already has a consumer (tail) asks over its warm connections instead of opening new ones.
///
/// Right after a topic is created or a leader moves, a broker can answer "not leader" until its
/// metadata catches up: those answers are asked again until `timeout` runs out. The answer is
/// librdkafka's list, with an error or an offset per partition.
pub fn list_offsets_on<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    parts: impl IntoIterator<Item = (impl AsRef<str>, i32)>,
    at: Offset,
    timeout: Duration,
) -> KafkaResult<TopicPartitionList> {
    let mut tpl = TopicPartitionList::new();
    for (t, p) in parts {
        tpl.add_partition_offset(t.as_ref(), p, at)?;
    }
    let deadline = std::time::Instant::now() + timeout;
    super::retry::within(
        deadline,
        super::retry::LEADER_PAUSE,
        |left| consumer.offsets_for_times(tpl.clone(), left.max(Duration::from_millis(100))),
        |r| r.as_ref().is_err_and(super::retry::transient_error),
    )
}

impl Settings {
    /// ListOffsets for many partitions: one batched request per leader and per entry of `at`
    /// (`Offset::Beginning` gives low watermarks, `Offset::End` high ones), instead of a round
    /// trip per partition. One result map per entry of `at`, in the same order.
    pub async fn list_offsets(
        &self,
        what: &str,
        parts: Vec<(String, i32)>,
        at: Vec<Offset>,
        extra: &[(&str, &str)],
    ) -> Result<Vec<PartitionOffsets>> {
        let maps = self.list_offsets_raw(what, parts, at, extra).await?;
        Ok(maps
            .into_iter()
            .map(|m| {
                m.into_iter()
                    .map(|(tp, r)| {
                        let v = match r {
                            Err(e) => Err(e),
                            Ok(Offset::Offset(o)) => Ok(o),
                            Ok(other) => Err(format!("no offset in the answer ({other:?})")),
                        };
                        (tp, v)
                    })
                    .collect()
            })
            .collect())
    }

    /// ListOffsets by time: for each partition, the offset of the first record whose timestamp is
    /// at or after `ts_ms`, or `Ok(None)` when no record is that recent.
    pub async fn offsets_for_time(
        &self,
        parts: Vec<(String, i32)>,
        ts_ms: i64,
    ) -> Result<HashMap<(String, i32), Result<Option<i64>, String>>> {
        let mut maps =
            self.list_offsets_raw("ListOffsets (by timestamp)", parts, vec![Offset::Offset(ts_ms.max(0))], &[]).await?;
        Ok(maps
            .pop()
            .unwrap_or_default()
            .into_iter()
            .map(|(tp, r)| {
                let v = match r {
                    Err(e) => Err(e),
                    Ok(Offset::Offset(o)) if o >= 0 => Ok(Some(o)),
                    // librdkafka reports "no such record" as the logical end offset (-1).
                    Ok(Offset::End) | Ok(Offset::Offset(_)) => Ok(None),
                    Ok(other) => Err(format!("no offset in the answer ({other:?})")),
                };
                (tp, v)
            })
            .collect())
    }

    /// [`Settings::list_offsets`] with librdkafka's answer as it is: an offset, or a logical one.
    async fn list_offsets_raw(
        &self,
        what: &str,
        parts: Vec<(String, i32)>,
        at: Vec<Offset>,
        extra: &[(&str, &str)],
    ) -> Result<Vec<HashMap<(String, i32), Result<Offset, String>>>> {
        if parts.is_empty() {
            return Ok(at.iter().map(|_| HashMap::new()).collect());
        }
        let (consumer, ctx) = self.consumer(None, extra)?;
        let timeout = self.timeout;
        self.blocking(what, &ctx, move || {
            at.into_iter()
                .map(|spec| {
                    let res = list_offsets_on(&consumer, parts.iter().map(|(t, p)| (t.as_str(), *p)), spec, timeout)?;
                    Ok(res
                        .elements()
                        .iter()
                        .map(|e| {
                            let v = match e.error() {
                                Err(err) => Err(err.to_string()),
                                Ok(()) => Ok(e.offset()),
                            };
                            ((e.topic().to_string(), e.partition()), v)
                        })
                        .collect())
                })
                .collect()
        })
        .await
    }

    /// The timestamp of the first record at or after each `(topic, partition, offset, log end)`,
    /// read by a consumer assigned to those partitions (it never joins a group), all within
    /// `--timeout`. `Some(None)`: the log end was reached without a record (only transaction
    /// markers were left), or the record has no timestamp. Partitions not answered in time are
    /// missing from the map rather than failing the others.
    ///
    /// A partition wanted at several offsets (groups that committed different positions) is read
    /// once per offset, in rounds, as a consumer can be at one place per partition at a time.
    pub async fn first_timestamps(
        &self,
        wanted: Vec<(String, i32, i64, i64)>,
    ) -> Result<HashMap<(String, i32, i64), Option<i64>>> {
        if wanted.is_empty() {
            return Ok(HashMap::new());
        }
        let (consumer, ctx) = self.consumer(
            None,
            &[
                // Records the consumer cannot reach any more (deleted meanwhile) start it at the
                // oldest one left, which is then the oldest unconsumed record.
                ("auto.offset.reset", "earliest"),
                ("enable.partition.eof", "true"),
                // Lag counts every offset up to the high watermark, so read as far.
                ("isolation.level", "read_uncommitted"),
                // One record per partition is all we need: small fetches, no prefetching.
                ("fetch.wait.max.ms", "100"),
                ("max.partition.fetch.bytes", "65536"),
                ("queued.min.messages", "1"),
            ],
        )?;
        let timeout = self.timeout;
        self.blocking("reading the first unconsumed records (time lag)", &ctx, move || {
            use rdkafka::Message as _;
            let deadline = std::time::Instant::now() + timeout;
            let mut by_part: std::collections::BTreeMap<(String, i32), Vec<(i64, i64)>> = Default::default();
            for (t, p, o, end) in wanted {
                let v = by_part.entry((t, p)).or_default();
                if !v.iter().any(|(x, _)| *x == o) {
                    v.push((o, end));
                }
            }
            let rounds = by_part.values().map(Vec::len).max().unwrap_or(0);
            let mut out = HashMap::new();
            for round in 0..rounds {
                let mut pending: HashMap<(String, i32), (i64, i64)> =
                    by_part.iter().filter_map(|(k, v)| v.get(round).map(|x| (k.clone(), *x))).collect();
                let mut tpl = TopicPartitionList::with_capacity(pending.len());
                for ((t, p), (o, _)) in &pending {
                    tpl.add_partition_offset(t, *p, Offset::Offset(*o))?;
                }
                consumer.assign(&tpl)?;
                while !pending.is_empty() && std::time::Instant::now() < deadline {
                    let idle = match consumer.poll(Duration::from_millis(50)) {
                        Some(Ok(m)) => {
                            let key = (m.topic().to_string(), m.partition());
                            if let Some((o, _)) = pending.get(&key).copied()
                                && m.offset() >= o
                            {
                                pending.remove(&key);
                                out.insert((key.0, key.1, o), m.timestamp().to_millis().filter(|t| *t >= 0));
                            }
                            false
                        }
                        Some(Err(KafkaError::PartitionEOF(_))) | None => true,
                        Some(Err(e)) => return Err(e),
                    };
                    if idle {
                        // A partition whose position reached the log end has nothing left to read.
                        let pos = consumer.position()?;
                        for e in pos.elements() {
                            let key = (e.topic().to_string(), e.partition());
                            if let (Some((o, end)), Offset::Offset(at)) = (pending.get(&key).copied(), e.offset())
                                && at >= end
                            {
                                pending.remove(&key);
                                out.insert((key.0, key.1, o), None);
                            }
                        }
                    }
                }
            }
            let _ = consumer.unassign();
            Ok(out)
        })
        .await
    }
}
