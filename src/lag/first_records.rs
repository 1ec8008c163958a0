//! Which record dates which committed offset: the plan that reads the first record at or after
//! every wanted `(topic, partition, offset)` for the time lag, as a state machine fed with the
//! records and positions a consumer sees. Pure: the consumer that reads is
//! [`crate::kafka::lag`]'s; this says what it should do next.
//!
//! Why a plan rather than one read per offset: many groups commit different offsets of the same
//! partition, and a consumer can be at one place per partition at a time. Re-assigning a shared
//! consumer to move it from offset to offset makes librdkafka stop and start the partition's
//! fetcher; a second re-assignment before the first stop completes makes it abort the process
//! (`rktp_started`). So the consumer is assigned once, at each partition's lowest wanted offset,
//! and moves forward only: it reads on while the next wanted offset is near (one read dates many
//! dense commits) and seeks to it when it is far ([`SCAN_AHEAD`]), which librdkafka handles as a
//! version bump on the partition, without touching the assignment.

use std::collections::{BTreeMap, HashMap};

/// Read on rather than seek when the next wanted offset is at most this many offsets ahead: a
/// fetch of small records carries hundreds of them, and a seek costs a round trip.
pub const SCAN_AHEAD: i64 = 256;

/// A reader is given at most about this many offsets of one partition before the work is shared
/// with another reader: each far offset costs a seek and a fetch round trip, one after another.
pub const OFFSETS_PER_READER: usize = 250;

/// At most this many readers (consumers, each with its connections) share the work.
pub const MAX_READERS: usize = 4;

/// A `(topic, partition, offset, log end)` whose first record is wanted.
pub type Wanted = (String, i32, i64, i64);

/// The wanted offsets shared out between readers, each share for one [`Plan`]: a partition's
/// offsets in ascending order, cut into contiguous runs (dense offsets stay with one reader, which
/// reads through them) when a partition has more than [`OFFSETS_PER_READER`]; never more than
/// [`MAX_READERS`] shares, never an empty one.
pub fn share(wanted: impl IntoIterator<Item = Wanted>) -> Vec<Vec<Wanted>> {
    let mut by_part: BTreeMap<(String, i32), Vec<(i64, i64)>> = BTreeMap::new();
    for (t, p, o, end) in wanted {
        by_part.entry((t, p)).or_default().push((o, end));
    }
    for offsets in by_part.values_mut() {
        offsets.sort_unstable();
        offsets.dedup_by_key(|(o, _)| *o);
    }
    let most = by_part.values().map(Vec::len).max().unwrap_or(0);
    let readers = most.div_ceil(OFFSETS_PER_READER).clamp(1, MAX_READERS);
    let mut shares: Vec<Vec<Wanted>> = vec![Vec::new(); readers];
    for ((t, p), offsets) in by_part {
        for (share, run) in shares.iter_mut().zip(offsets.chunks(offsets.len().div_ceil(readers))) {
            share.extend(run.iter().map(|(o, end)| (t.clone(), p, *o, *end)));
        }
    }
    shares.retain(|s| !s.is_empty());
    shares
}

/// What the consumer should do for a partition after a record or a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing to change: keep reading (or, for a partition already done, nothing at all).
    Continue,
    /// Seek the partition to this offset (forward, far ahead of the current record).
    Seek(i64),
    /// The partition's last wanted offset was just dated: stop fetching it.
    Done,
}

/// The wanted offsets of one partition, ascending and distinct, and how far they are dated.
#[derive(Debug)]
struct Partition {
    wanted: Vec<i64>,
    /// Index of the first wanted offset not dated yet.
    next: usize,
    /// The log end when the offsets were read: a read that reaches it without a record has none.
    end: i64,
    /// The last seek's target: records below it are what was fetched before the seek.
    sought: Option<i64>,
}

/// A plan for dating many offsets; see the module docs.
#[derive(Debug, Default)]
pub struct Plan {
    parts: BTreeMap<(String, i32), Partition>,
    /// `(topic, partition, offset)` → the first record's timestamp at or after it (`None`: no
    /// record before the log end, or a record without a timestamp).
    dated: HashMap<(String, i32, i64), Option<i64>>,
}

impl Plan {
    /// A plan for `(topic, partition, offset, log end)` wishes. An offset at or past the log end
    /// has no record to read (everything below the end was deleted): it is dated `None` at once,
    /// with no read and no wait.
    pub fn new(wanted: impl IntoIterator<Item = Wanted>) -> Plan {
        let mut plan = Plan::default();
        for (topic, partition, offset, end) in wanted {
            if offset >= end {
                plan.dated.insert((topic, partition, offset), None);
                continue;
            }
            let p = plan.parts.entry((topic, partition)).or_insert(Partition {
                wanted: Vec::new(),
                next: 0,
                end,
                sought: None,
            });
            p.end = p.end.max(end);
            p.wanted.push(offset);
        }
        for p in plan.parts.values_mut() {
            p.wanted.sort_unstable();
            p.wanted.dedup();
        }
        plan
    }

    /// Where to assign each partition: its lowest wanted offset.
    pub fn starts(&self) -> Vec<(&str, i32, i64)> {
        self.parts.iter().map(|((t, p), part)| (t.as_str(), *p, part.wanted[0])).collect()
    }

    /// Every wanted offset is dated.
    pub fn is_done(&self) -> bool {
        self.parts.values().all(|p| p.next >= p.wanted.len())
    }

    /// A record read at `offset` with timestamp `ts`: it dates every wanted offset not dated yet
    /// at or below it, since the partition is read forward from below them. Then: read on, seek
    /// to a far wanted offset, or stop.
    pub fn on_record(&mut self, topic: &str, partition: i32, offset: i64, ts: Option<i64>) -> Step {
        let Some(p) = self.parts.get_mut(&(topic.to_string(), partition)) else { return Step::Continue };
        if p.next >= p.wanted.len() {
            return Step::Continue;
        }
        if p.sought.is_some_and(|s| offset < s) {
            return Step::Continue;
        }
        while p.next < p.wanted.len() && p.wanted[p.next] <= offset {
            self.dated.insert((topic.to_string(), partition, p.wanted[p.next]), ts.filter(|t| *t >= 0));
            p.next += 1;
        }
        match p.wanted.get(p.next) {
            None => Step::Done,
            Some(&w) if w.saturating_sub(offset) > SCAN_AHEAD => {
                p.sought = Some(w);
                Step::Seek(w)
            }
            Some(_) => Step::Continue,
        }
    }

    /// The consumer's position on a partition while nothing arrives: at or past the log end,
    /// the offsets not dated yet have no record (only transaction markers were left).
    pub fn on_position(&mut self, topic: &str, partition: i32, position: i64) -> Step {
        let Some(p) = self.parts.get_mut(&(topic.to_string(), partition)) else { return Step::Continue };
        if p.next >= p.wanted.len() {
            return Step::Continue;
        }
        // A position from before the last seek is below its target, itself below the end.
        if position < p.end || p.sought.is_some_and(|s| position < s) {
            return Step::Continue;
        }
        for &w in &p.wanted[p.next..] {
            self.dated.insert((topic.to_string(), partition, w), None);
        }
        p.next = p.wanted.len();
        Step::Done
    }

    /// The partitions with offsets still to date.
    pub fn pending(&self) -> usize {
        self.parts.values().filter(|p| p.next < p.wanted.len()).count()
    }

    /// What was dated; offsets not dated (the deadline came first) are missing.
    pub fn into_dated(self) -> HashMap<(String, i32, i64), Option<i64>> {
        self.dated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(wanted: &[(&str, i32, i64, i64)]) -> Plan {
        Plan::new(wanted.iter().map(|(t, p, o, e)| (t.to_string(), *p, *o, *e)))
    }

    #[test]
    fn one_forward_read_dates_dense_offsets_and_seeks_only_to_far_ones() {
        let mut p = plan(&[("t", 0, 5, 2_000), ("t", 0, 1, 2_000), ("t", 0, 3, 2_000), ("t", 0, 1_000, 2_000)]);
        // Assigned once, at the lowest offset; duplicates are one read.
        assert_eq!(p.starts(), [("t", 0, 1)]);
        assert_eq!(p.on_record("t", 0, 1, Some(100)), Step::Continue);
        // Offset 2 is gone (compacted): record 4 is the first at or after 3.
        assert_eq!(p.on_record("t", 0, 4, Some(140)), Step::Continue);
        assert_eq!(p.on_record("t", 0, 5, Some(150)), Step::Seek(1_000));
        // Records fetched before the seek do not date the far offset.
        assert_eq!(p.on_record("t", 0, 6, Some(160)), Step::Continue);
        assert_eq!(p.on_position("t", 0, 7), Step::Continue);
        assert!(!p.is_done());
        assert_eq!(p.on_record("t", 0, 1_002, Some(900)), Step::Done);
        assert!(p.is_done());
        let d = p.into_dated();
        let at = |o: i64| d.get(&("t".to_string(), 0, o)).copied();
        assert_eq!(
            [at(1), at(3), at(5), at(1_000)],
            [Some(Some(100)), Some(Some(140)), Some(Some(150)), Some(Some(900))]
        );
        assert_eq!(d.len(), 4);
    }

    #[test]
    fn many_offsets_of_a_partition_are_shared_in_contiguous_runs() {
        let w = |t: &str, p: i32, o: i64| (t.to_string(), p, o, 1_000_000);
        // Few offsets: one reader, duplicates once.
        let few = share([w("t", 0, 9), w("t", 0, 3), w("t", 0, 9), w("u", 1, 4)]);
        assert_eq!(few, [vec![w("t", 0, 3), w("t", 0, 9), w("u", 1, 4)]]);
        assert!(share([]).is_empty());
        // 600 offsets of one partition: three readers, each a contiguous run, together all of them.
        let many = share((0..600).rev().map(|i| w("t", 0, i * 7)).chain([w("u", 0, 1)]));
        assert_eq!(many.len(), 3);
        assert_eq!(many.iter().map(Vec::len).sum::<usize>(), 601);
        assert_eq!((many[0][0].2, many[0][199].2, many[1][0].2), (0, 199 * 7, 200 * 7));
        assert!(many.iter().all(|s| s.windows(2).all(|x| x[0] < x[1])));
        // However many, at most MAX_READERS.
        assert_eq!(share((0..100_000).map(|i| w("t", 0, i))).len(), MAX_READERS);
    }

    #[test]
    fn offsets_with_nothing_before_the_end_are_dated_none_without_waiting() {
        // At the end (everything below it deleted): no read at all.
        let mut p = plan(&[("t", 0, 10, 10), ("u", 1, 3, 8)]);
        assert_eq!(p.starts(), [("u", 1, 3)]);
        assert_eq!(p.pending(), 1);
        // Only transaction markers up to the end: the position reaches it, no record came.
        assert_eq!(p.on_position("u", 1, 5), Step::Continue);
        assert_eq!(p.on_position("u", 1, 8), Step::Done);
        assert!(p.is_done());
        let d = p.into_dated();
        assert_eq!(d.get(&("t".to_string(), 0, 10)), Some(&None));
        assert_eq!(d.get(&("u".to_string(), 1, 3)), Some(&None));
    }

    #[test]
    fn a_position_from_before_a_seek_dates_nothing() {
        let mut p = plan(&[("t", 0, 0, 10_000), ("t", 0, 5_000, 10_000)]);
        assert_eq!(p.on_record("t", 0, 0, Some(1)), Step::Seek(5_000));
        assert_eq!(p.on_position("t", 0, 1), Step::Continue);
        assert_eq!(p.on_record("t", 0, 5_000, None), Step::Done);
        // A record without a timestamp (or a negative one) dates its offset as unknown.
        assert_eq!(p.into_dated().get(&("t".to_string(), 0, 5_000)), Some(&None));
    }

    #[test]
    fn records_of_other_or_finished_partitions_change_nothing() {
        let mut p = plan(&[("t", 0, 2, 5)]);
        assert_eq!(p.on_record("other", 0, 9, Some(1)), Step::Continue);
        assert_eq!(p.on_record("t", 0, 2, Some(7)), Step::Done);
        // Once: records fetched before the pause, and positions, ask for nothing more.
        assert_eq!(p.on_record("t", 0, 3, Some(8)), Step::Continue);
        assert_eq!(p.on_position("t", 0, 5), Step::Continue);
        assert_eq!(p.into_dated().get(&("t".to_string(), 0, 2)), Some(&Some(7)));
    }
}
