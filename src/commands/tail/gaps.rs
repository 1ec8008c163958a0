//! tail's gaps: offsets removed under the reader (retention, DeleteRecords) before it read them.
//!
//! The assign mode reads with `auto.offset.reset=error`, so the client stops a partition whose
//! position left its log and tells us (see `kafka::reader`) instead of jumping to the log start
//! in silence. Here the position is compared with the log's bounds: below the log start is a gap
//! (reported with its size, counted for the summary and the exit code), past the end a
//! truncated log; either way the partition reads on from where the log now is. Offsets that
//! compaction or transaction markers leave out never get here: those are inside the log.
//!
//! The group mode keeps the group's `auto.offset.reset` (it places partitions that have no
//! committed offset), which librdkafka also applies, in silence but for a log warning, to a
//! position that left the log: [`report_resets`] reports those the same way.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Result;

use super::engine::{Engine, Flow};
use crate::kafka::Ctx;
use crate::kafka::queue::BatchQueue;
use crate::kafka::reader::Reader;
use crate::term::sanitize::for_terminal;

/// Where a reader whose position left the log goes on, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Offsets `from..=to` were removed before they were read; the log starts at `to + 1`.
    Gap { from: i64, to: i64 },
    /// The position is past the log's end (a truncated log); reading goes on at the end.
    PastEnd { end: i64 },
    /// The position is inside the log after all (it moved while we looked): read on there.
    Inside,
}

/// The verdict for position `pos` of a log from `low` to `high`.
pub(super) fn verdict(pos: i64, low: i64, high: i64) -> Verdict {
    if pos < low {
        Verdict::Gap { from: pos.max(0), to: low - 1 }
    } else if pos > high {
        Verdict::PastEnd { end: high }
    } else {
        Verdict::Inside
    }
}

/// Reports and restarts every partition whose position left its log since the last call. A
/// partition whose log bounds cannot be read now is tried again on the next call.
pub(super) fn resolve(
    reader: &Reader,
    queue: &BatchQueue<Ctx>,
    engine: &mut Engine,
    timeout: Duration,
) -> Result<Flow> {
    let mut again = Vec::new();
    let mut flow = Flow::Go;
    for (topic, p, pos) in std::mem::take(&mut engine.out_of_range) {
        let (low, high) = match reader.bounds(&topic, p, timeout) {
            Ok(b) => b,
            Err(e) => {
                engine.warn_once(format!(
                    "{}[{p}]: offset {pos} is no longer in the log, and its bounds could not be read ({e}); trying again",
                    for_terminal(&topic)
                ));
                again.push((topic, p, pos));
                continue;
            }
        };
        let resume = match verdict(pos, low, high) {
            Verdict::Gap { from, to } => {
                warn_gap(engine, &topic, p, from, to, low, &low.to_string());
                low
            }
            Verdict::PastEnd { end } => {
                engine.ui.warn(format!(
                    "{}[{p}]: offset {pos} is past the log end {end} (the log was truncated); reading on from {end}",
                    for_terminal(&topic)
                ));
                end
            }
            Verdict::Inside => pos,
        };
        queue.restart_at(&topic, p, resume)?;
        // With --exit: a partition whose remaining records all went is done (no EOF may follow).
        if let Some(t) = engine.topic_names.iter().position(|n| *n == topic)
            && engine.stop_at_high
            && engine.parts.get(t).and_then(|v| v.get(usize::try_from(p).ok()?)).is_some_and(|s| resume >= s.high)
            && engine.eof(t, p) == Flow::Stop
        {
            flow = Flow::Stop;
        }
    }
    engine.out_of_range = again;
    Ok(flow)
}

/// Counts a gap and says so.
fn warn_gap(engine: &mut Engine, topic: &str, p: i32, from: i64, to: i64, low: i64, resume: &str) {
    let count = to - from + 1;
    engine.stats.gaps += 1;
    engine.stats.gap_offsets += count.unsigned_abs();
    engine.ui.warn(format!(
        "gap in {}[{p}]: offsets {from} to {to} ({count} offset(s)) were removed by retention or \
         DeleteRecords before they were read (below the log start {low}); reading on from {resume}",
        for_terminal(topic)
    ));
}

/// Group mode: reports the positions librdkafka moved by `auto.offset.reset` because the offsets
/// under them were removed ([`Reader::take_offset_resets`]); the client already reads on. A
/// partition can be moved more than once for one removal (its cached log start lags), so
/// `reported` keeps, per partition, the last offset a reported gap covered.
pub(super) fn report_resets(
    reader: &Reader,
    engine: &mut Engine,
    timeout: Duration,
    reported: &mut HashMap<(String, i32), i64>,
) {
    for (topic, p, pos) in reader.take_offset_resets() {
        let key = (topic, p);
        let pos = reported.get(&key).map_or(pos, |&through| pos.max(through + 1));
        let (topic, p) = &key;
        let (low, high) = match reader.bounds(topic, *p, timeout) {
            Ok(b) => b,
            Err(e) => {
                engine.ui.warn(format!(
                    "{}[{p}]: offset {pos} is no longer in the log and the client moved on, but its bounds \
                     could not be read ({e}): records may have been skipped",
                    for_terminal(topic)
                ));
                continue;
            }
        };
        match verdict(pos, low, high) {
            Verdict::Gap { from, to } => {
                let resume = if engine.resets_to_end {
                    "the log end (the group's auto.offset.reset, from --from end)".to_owned()
                } else {
                    low.to_string()
                };
                warn_gap(engine, topic, *p, from, to, low, &resume);
                reported.insert(key, to);
            }
            Verdict::PastEnd { end } => engine.ui.warn(format!(
                "{}[{p}]: offset {pos} is past the log end {end} (the log was truncated); the client moved on",
                for_terminal(topic)
            )),
            Verdict::Inside => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        assert_eq!(verdict(12, 250, 300), Verdict::Gap { from: 12, to: 249 });
        assert_eq!(verdict(0, 1, 1), Verdict::Gap { from: 0, to: 0 });
        assert_eq!(verdict(400, 0, 300), Verdict::PastEnd { end: 300 });
        assert_eq!(verdict(250, 250, 300), Verdict::Inside, "at the log start: nothing was skipped");
        assert_eq!(verdict(300, 250, 300), Verdict::Inside);
    }
}
