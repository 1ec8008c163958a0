//! The one ListOffsets path: watermarks and offsets by time for many partitions in batched
//! requests ([`list_offsets_on`], on a client of the caller's or one made for the call). The
//! timestamps of the first records at given offsets (time lag) are [`crate::kafka::lag`]'s.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;
use rdkafka::consumer::{BaseConsumer, Consumer as _, ConsumerContext};
use rdkafka::error::KafkaResult;
use rdkafka::{Offset, TopicPartitionList};

use super::error::Error;
use super::settings::Settings;

/// Offsets of many partitions, per partition: the broker's answer or its error.
pub type PartitionOffsets = HashMap<(String, i32), Result<i64, Error>>;

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
                            Ok(other) => Err(Error::text(what, format!("no offset in the answer ({other:?})"))),
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
    ) -> Result<HashMap<(String, i32), Result<Option<i64>, Error>>> {
        const OP: &str = "ListOffsets (by timestamp)";
        let mut maps = self.list_offsets_raw(OP, parts, vec![Offset::Offset(ts_ms.max(0))], &[]).await?;
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
                    Ok(other) => Err(Error::text(OP, format!("no offset in the answer ({other:?})"))),
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
    ) -> Result<Vec<HashMap<(String, i32), Result<Offset, Error>>>, Error> {
        if parts.is_empty() {
            return Ok(at.iter().map(|_| HashMap::new()).collect());
        }
        let (consumer, ctx) = self.consumer(None, extra)?;
        let timeout = self.timeout;
        let op = what.to_string();
        self.blocking(what, &ctx, move || {
            at.into_iter()
                .map(|spec| {
                    let res = list_offsets_on(&consumer, parts.iter().map(|(t, p)| (t.as_str(), *p)), spec, timeout)?;
                    Ok(res
                        .elements()
                        .iter()
                        .map(|e| {
                            let v = match e.error() {
                                Err(err) => Err(Error::from_kafka_verbatim(op.as_str(), &err)),
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
}
