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
//! Format: `evbus-replay/1 at=N [held] [acked=D+L,D+L...]`, ranges of acknowledged offsets, each
//! `D` counted from the end of the previous range (the first from `N`), `L` its length. `at`
//! guards against a position moved by something else (`groups reset`): a note for another
//! offset is ignored. Kept under [`MAX_LEN`] (brokers refuse metadata over
//! `offset.metadata.max.bytes`, 4096 by default): ranges that do not fit are left out, and those
//! records are sent again rather than lost.

use std::collections::BTreeSet;

/// The longest note written.
pub const MAX_LEN: usize = 3000;

const TAG: &str = "evbus-replay/1";

/// A partition's note, as read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Note {
    /// The saved position was held by a record that did not go through.
    pub held: bool,
    /// Offsets past the position that an earlier run replayed (acknowledged).
    pub acked: BTreeSet<i64>,
}

/// The note for position `at` (empty when there is nothing to say); `acked` holds offsets
/// past `at` in increasing order. Also returns how many acknowledged offsets did not fit.
pub fn encode(at: i64, held: bool, acked: &BTreeSet<i64>) -> (String, usize) {
    if !held && acked.is_empty() {
        return (String::new(), 0);
    }
    let mut out = format!("{TAG} at={at}");
    if held {
        out.push_str(" held");
    }
    let mut ranges: Vec<(i64, i64)> = Vec::new();
    for &o in acked.range(at + 1..) {
        match ranges.last_mut() {
            Some((_, end)) if *end == o => *end = o + 1,
            _ => ranges.push((o, o + 1)),
        }
    }
    let mut prev = at;
    let mut left_out = 0usize;
    let mut first = true;
    for (start, end) in ranges {
        let part = format!("{}{}+{}", if first { " acked=" } else { "," }, start - prev, end - start);
        if left_out > 0 || out.len() + part.len() > MAX_LEN {
            left_out += (end - start) as usize;
            continue;
        }
        out.push_str(&part);
        first = false;
        prev = end;
    }
    (out, left_out)
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
        if w == "held" {
            n.held = true;
        } else if let Some(list) = w.strip_prefix("acked=") {
            let mut prev = at;
            for r in list.split(',') {
                let Some((d, l)) = r.split_once('+') else { return Note::default() };
                let (Ok(d), Ok(l)) = (d.parse::<i64>(), l.parse::<i64>()) else { return Note::default() };
                if d < 0 || l <= 0 || l > 1_000_000 {
                    return Note::default();
                }
                let start = prev.saturating_add(d);
                n.acked.extend(start..start.saturating_add(l));
                prev = start.saturating_add(l);
            }
        }
    }
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
        assert_eq!(decode(10, &s), Note { held: true, acked });
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
        assert!(s.len() <= MAX_LEN, "{}", s.len());
        let back = decode(0, &s);
        assert_eq!(back.acked.len() + left, 5000);
        assert!(back.acked.iter().all(|o| acked.contains(o)));
        assert_eq!(back.acked.first(), Some(&1));
    }
}
