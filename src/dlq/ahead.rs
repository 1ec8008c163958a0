//! What a replay leaves beside its saved position (the offset commit's metadata string): the
//! records it acknowledged *past* that position, and whether the position is held by a record
//! that did not go through (refused, unknown, interrupted).
//!
//! The saved position never moves past a record that was not done, but records after it are
//! often already acknowledged (up to a window of them are in flight when the refusal comes
//! back). Without a note the next run sends those again: one record the broker keeps refusing
//! made every rerun re-send up to a thousand stored records. With it, the next run skips them,
//! and a held position makes it send the held record alone first, so nothing past a record that
//! is refused again is sent at all.
//!
//! Beside them go the records runs passed over before the position without replaying them (not
//! selected by a filter, or skipped): still waiting, so `health` counts them and `dlq replay
//! --pending` replays exactly those, once. They are kept until replayed, as runs of offsets
//! within [`MAX_PASSED_LEN`]: a run stops before passing over a record that would not fit
//! ([`passed_fits`]), and should one not fit all the same, the position is not moved past it
//! (it would be forgotten).
//!
//! Format: `evbus-replay/1 at=N [held] [acked=D+L,D+L...] [passed=D+L,...]`, ranges of offsets,
//! each `D` counted from the end of the previous range (the first from `N` for `acked`, from 0
//! for `passed`), `L` its length. `at`
//! guards against a position moved by something else (`groups reset`): a note for another
//! offset is ignored. The acknowledged ranges are kept under [`MAX_LEN`] (brokers refuse metadata over
//! `offset.metadata.max.bytes`, 4096 by default): ranges that do not fit are left out, and those
//! records are sent again rather than lost.

use std::collections::BTreeSet;

use super::ranges::Ranges;

/// The longest list of acknowledged ranges written.
pub const MAX_LEN: usize = 2400;

/// The longest list of passed-over ranges written (`passed=`); with [`MAX_LEN`] and the words
/// around them the note stays under Kafka's default `offset.metadata.max.bytes` (4096).
pub const MAX_PASSED_LEN: usize = 1500;

const TAG: &str = "evbus-replay/1";

/// A partition's note, as read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    /// The saved position was held by a record that did not go through.
    pub held: bool,
    /// Offsets past the position that an earlier run replayed (acknowledged).
    pub acked: BTreeSet<i64>,
    /// Offsets before the position that runs passed over without replaying them: not selected
    /// by their filters (`--type`, `--topic`, `--filter`...), or skipped (`--skip-unknown`,
    /// `--skip-refused`). Still waiting: `health` counts them, `dlq replay --pending` replays them.
    pub passed: Ranges,
}

/// What [`encode`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Encoded {
    /// The note (empty when there is nothing to say).
    pub note: String,
    /// Acknowledged offsets past the position that did not fit (a later run sends them again).
    pub acked_left_out: usize,
    /// The first passed-over offset that did not fit, if any: the position must not move past
    /// it, or that record would be forgotten (see [`crate::dlq::select::Tracker::positions`]).
    pub passed_cut: Option<i64>,
}

/// `D+L` ranges of `offsets`, each `D` counted from the end of the previous range (the first
/// from `from`), within `budget` bytes; also the first offset left out and how many were.
fn ranges(from: i64, offsets: impl Iterator<Item = i64>, budget: usize) -> (String, Option<i64>, usize) {
    let mut rs: Vec<(i64, i64)> = Vec::new();
    for o in offsets {
        match rs.last_mut() {
            Some((_, end)) if *end == o => *end = o + 1,
            _ => rs.push((o, o + 1)),
        }
    }
    runs(from, rs.into_iter(), budget)
}

/// [`ranges`] of runs `[start, end)` already made.
fn runs(from: i64, rs: impl Iterator<Item = (i64, i64)>, budget: usize) -> (String, Option<i64>, usize) {
    let mut out = String::new();
    let mut prev = from;
    let mut cut = None;
    let mut left_out = 0usize;
    for (start, end) in rs {
        let part = format!("{}{}+{}", if out.is_empty() { "" } else { "," }, start - prev, end - start);
        if cut.is_some() || out.len() + part.len() > budget {
            cut.get_or_insert(start);
            left_out = left_out.saturating_add((end - start) as usize);
            continue;
        }
        out.push_str(&part);
        prev = end;
    }
    (out, cut, left_out)
}

/// Whether `passed` fits beside position `at` (the check a run makes before it passes over one
/// more record: the note must still list it).
pub fn passed_fits(at: i64, passed: &Ranges) -> bool {
    runs(0, passed.below(at).iter(), MAX_PASSED_LEN).1.is_none()
}

/// The note for position `at`: `acked` holds offsets past `at`, `passed` offsets before it
/// (others are ignored).
pub fn encode_all(at: i64, held: bool, acked: &BTreeSet<i64>, passed: &Ranges) -> Encoded {
    let (a, _, acked_left_out) = ranges(at, acked.range(at + 1..).copied(), MAX_LEN);
    let (p, passed_cut, _) = runs(0, passed.below(at).iter(), MAX_PASSED_LEN);
    if !held && a.is_empty() && p.is_empty() {
        return Encoded { note: String::new(), acked_left_out, passed_cut };
    }
    let mut note = format!("{TAG} at={at}");
    if held {
        note.push_str(" held");
    }
    if !a.is_empty() {
        note.push_str(" acked=");
        note.push_str(&a);
    }
    if !p.is_empty() {
        note.push_str(" passed=");
        note.push_str(&p);
    }
    Encoded { note, acked_left_out, passed_cut }
}

/// The note for position `at` (empty when there is nothing to say); `acked` holds offsets
/// past `at` in increasing order. Also returns how many acknowledged offsets did not fit.
pub fn encode(at: i64, held: bool, acked: &BTreeSet<i64>) -> (String, usize) {
    let e = encode_all(at, held, acked, &Ranges::new());
    (e.note, e.acked_left_out)
}

/// `D+L` ranges back into runs `[start, end)`, counted from `from`; `None` when malformed.
fn parse_runs(from: i64, list: &str, max_len: i64) -> Option<Vec<(i64, i64)>> {
    let mut prev = from;
    let mut out = Vec::new();
    for r in list.split(',') {
        let (d, l) = r.split_once('+')?;
        let (d, l) = (d.parse::<i64>().ok()?, l.parse::<i64>().ok()?);
        if d < 0 || l <= 0 || l > max_len {
            return None;
        }
        let start = prev.checked_add(d)?;
        let end = start.checked_add(l)?;
        out.push((start, end));
        prev = end;
    }
    Some(out)
}

/// The note written beside position `at`; empty for no note, another tool's metadata, or a
/// note written for another offset.
pub fn decode(at: i64, note: &str) -> Note {
    let mut words = note.split(' ');
    if words.next() != Some(TAG) || words.next() != Some(&format!("at={at}")) {
        return Note::default();
    }
    let mut n = Note::default();
    for w in words {
        let ok = if w == "held" {
            n.held = true;
            Some(())
        } else if let Some(list) = w.strip_prefix("acked=") {
            // Offsets past the position are few (a window in flight): held one by one.
            parse_runs(at, list, 1_000_000).map(|rs| rs.into_iter().for_each(|(s, e)| n.acked.extend(s..e)))
        } else if let Some(list) = w.strip_prefix("passed=") {
            parse_runs(0, list, i64::MAX).map(|rs| rs.into_iter().for_each(|(s, e)| n.passed.insert_range(s, e)))
        } else {
            Some(())
        };
        if ok.is_none() {
            return Note::default();
        }
    }
    n.passed = n.passed.below(at);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let acked: BTreeSet<i64> = [11, 12, 13, 20, 21, 40].into_iter().collect();
        let (s, left) = encode(10, true, &acked);
        assert_eq!(s, "evbus-replay/1 at=10 held acked=1+3,6+2,18+1");
        assert_eq!(left, 0);
        assert_eq!(decode(10, &s), Note { held: true, acked, passed: Ranges::new() });
        // Written for another position (moved by `groups reset`): ignored.
        assert_eq!(decode(11, &s), Note::default());
        assert_eq!(encode(5, false, &BTreeSet::new()), (String::new(), 0));
        assert_eq!(decode(5, ""), Note::default());
        assert_eq!(decode(5, "someone else's"), Note::default());
        assert_eq!(decode(5, "evbus-replay/1 at=5 acked=1+x"), Note::default());
    }

    #[test]
    fn a_long_note_keeps_the_first_ranges_and_counts_the_rest() {
        let acked: BTreeSet<i64> = (0..5000).map(|i| 1 + i * 2).collect();
        let (s, left) = encode(0, true, &acked);
        assert!(s.len() <= MAX_LEN + 40, "{}", s.len());
        let back = decode(0, &s);
        assert_eq!(back.acked.len() + left, 5000);
        assert!(back.acked.iter().all(|o| acked.contains(o)));
        assert_eq!(back.acked.first(), Some(&1));
    }

    #[test]
    fn passed_over_offsets_round_trip_and_a_cut_names_the_first_left_out() {
        let mut passed = Ranges::new();
        for o in [3, 4, 5, 9] {
            passed.insert(o);
        }
        let acked: BTreeSet<i64> = [21].into_iter().collect();
        let e = encode_all(20, false, &acked, &passed);
        assert_eq!(e.note, "evbus-replay/1 at=20 acked=1+1 passed=3+3,3+1");
        assert_eq!(e.passed_cut, None);
        assert_eq!(decode(20, &e.note), Note { held: false, acked, passed: passed.clone() });
        // Only passed-over records: still a note (they are waiting).
        let e = encode_all(20, false, &BTreeSet::new(), &passed);
        assert_eq!(decode(20, &e.note).passed, passed);
        // Offsets at or past the position are not "passed over" (the next run reads them).
        let e = encode_all(4, false, &BTreeSet::new(), &passed);
        assert_eq!(decode(4, &e.note).passed.iter().collect::<Vec<_>>(), [(3, 4)]);
        // A long run is one range, however many records.
        let mut long = Ranges::new();
        long.insert_range(0, 50_000_000);
        let e = encode_all(60_000_000, false, &BTreeSet::new(), &long);
        assert_eq!(e.note, "evbus-replay/1 at=60000000 passed=0+50000000");
        assert_eq!(decode(60_000_000, &e.note).passed.len(), 50_000_000);
        // Too many runs to write: the first one left out is named, and nothing after it is written.
        let mut many = Ranges::new();
        for i in 0..2000 {
            many.insert(i * 3);
        }
        assert!(!passed_fits(10_000, &many));
        let e = encode_all(10_000, false, &BTreeSet::new(), &many);
        let cut = e.passed_cut.expect("a cut");
        let back = decode(10_000, &e.note).passed;
        assert!(back.last().unwrap() < cut && back.len() == many.below(cut).len());
        assert!(e.note.len() < 4000);
        assert!(passed_fits(10_000, &back));
    }
}
