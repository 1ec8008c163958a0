//! Sets of DLQ offsets kept as runs of consecutive offsets: the records replays passed over.
//! A filtered run over a large DLQ passes over long runs of records, so they are held (and
//! written beside the saved position) as ranges, whose count, not the records', bounds the memory
//! and the note.

use std::collections::BTreeMap;

/// Disjoint, non-adjacent half-open ranges `[start, end)` of offsets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranges {
    /// start → end (exclusive).
    map: BTreeMap<i64, i64>,
}

impl Ranges {
    /// No offsets.
    pub fn new() -> Ranges {
        Ranges::default()
    }

    /// The range holding `o`, as its start.
    fn holding(&self, o: i64) -> Option<(i64, i64)> {
        self.map.range(..=o).next_back().filter(|(_, e)| o < **e).map(|(s, e)| (*s, *e))
    }

    /// Whether `o` is in the set.
    pub fn contains(&self, o: i64) -> bool {
        self.holding(o).is_some()
    }

    /// Adds `[start, end)`.
    pub fn insert_range(&mut self, start: i64, end: i64) {
        if start >= end {
            return;
        }
        let (mut s, mut e) = (start, end);
        // Merge with every range that overlaps or touches.
        if let Some((ps, pe)) = self.map.range(..=s).next_back().map(|(a, b)| (*a, *b))
            && pe >= s
        {
            s = ps;
            e = e.max(pe);
            self.map.remove(&ps);
        }
        while let Some((ns, ne)) = self.map.range(s..).next().map(|(a, b)| (*a, *b)) {
            if ns > e {
                break;
            }
            e = e.max(ne);
            self.map.remove(&ns);
        }
        self.map.insert(s, e);
    }

    /// Adds offset `o`.
    pub fn insert(&mut self, o: i64) {
        self.insert_range(o, o.saturating_add(1));
    }

    /// Removes offset `o`.
    pub fn remove(&mut self, o: i64) {
        let Some((s, e)) = self.holding(o) else { return };
        self.map.remove(&s);
        if s < o {
            self.map.insert(s, o);
        }
        if o + 1 < e {
            self.map.insert(o + 1, e);
        }
    }

    /// Adds every offset of `other`.
    pub fn extend(&mut self, other: &Ranges) {
        for (s, e) in other.iter() {
            self.insert_range(s, e);
        }
    }

    /// The ranges, in order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.map.iter().map(|(s, e)| (*s, *e))
    }

    /// The offsets below `at` only.
    pub fn below(&self, at: i64) -> Ranges {
        Ranges { map: self.iter().filter(|(s, _)| *s < at).map(|(s, e)| (s, e.min(at))).collect() }
    }

    /// The offsets at or above `lo` only.
    pub fn from(&self, lo: i64) -> Ranges {
        Ranges { map: self.iter().filter(|(_, e)| *e > lo).map(|(s, e)| (s.max(lo), e)).collect() }
    }

    /// No offsets.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// How many offsets.
    pub fn len(&self) -> u64 {
        self.iter().map(|(s, e)| (e - s) as u64).sum()
    }

    /// How many ranges.
    pub fn runs(&self) -> usize {
        self.map.len()
    }

    /// The smallest offset.
    pub fn first(&self) -> Option<i64> {
        self.map.keys().next().copied()
    }

    /// The largest offset.
    pub fn last(&self) -> Option<i64> {
        self.map.values().next_back().map(|e| e - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_merge_into_runs_and_split_on_removal() {
        let mut r = Ranges::new();
        for o in [5, 3, 4, 10, 7, 6] {
            r.insert(o);
        }
        assert_eq!(r.iter().collect::<Vec<_>>(), [(3, 8), (10, 11)]);
        assert_eq!((r.len(), r.runs(), r.first(), r.last()), (6, 2, Some(3), Some(10)));
        assert!(r.contains(7) && !r.contains(8) && !r.contains(2));
        r.remove(5);
        assert_eq!(r.iter().collect::<Vec<_>>(), [(3, 5), (6, 8), (10, 11)]);
        r.insert_range(4, 11);
        assert_eq!(r.iter().collect::<Vec<_>>(), [(3, 11)]);
        assert_eq!(r.below(6).iter().collect::<Vec<_>>(), [(3, 6)]);
        assert_eq!(r.from(9).iter().collect::<Vec<_>>(), [(9, 11)]);
        r.remove(3);
        r.remove(10);
        assert_eq!(r.iter().collect::<Vec<_>>(), [(4, 10)]);
    }
}
