//! `lag --watch` over time: a window of samples per partition, each partition judged by
//! [`super::verdict`] (Burrow's rules) at every sample, and each group's rates over the same
//! windows ([`super::timelag`]).

use std::collections::{HashMap, VecDeque};

use super::report::GroupLag;
use super::timelag;
use super::verdict::{self, GroupStatus, PartitionStatus, Sample};

/// One group's `--watch` evaluation.
#[derive(Debug, Clone)]
pub struct GroupVerdict {
    /// The group's worst partition verdict, rolled up.
    pub status: GroupStatus,
    /// Verdict of each (topic, partition) with a window.
    pub partitions: HashMap<(String, i32), PartitionStatus>,
    /// Over the window; `None` until two samples have a commit.
    pub rates: Option<timelag::Rates>,
}

/// Per group: its rolled-up status, each partition's verdict and the group's rates.
pub type Verdicts = HashMap<String, GroupVerdict>;

/// The last samples of every (group, topic, partition), oldest first.
pub type Windows = HashMap<(String, String, i32), VecDeque<Sample>>;

/// Add this sample to every partition's window and evaluate it at the sample's time; each group's
/// rates come from the same windows.
pub fn judge(windows: &mut Windows, groups: &[GroupLag], at_ms: i64, window: usize) -> Verdicts {
    let mut out = Verdicts::new();
    for g in groups {
        let mut per = HashMap::new();
        let mut all: Vec<Vec<Sample>> = Vec::with_capacity(g.partitions.len());
        for p in &g.partitions {
            let w = windows.entry((g.name.clone(), p.topic.clone(), p.partition)).or_default();
            // Without a log-end offset there is nothing to measure; the window keeps what it had.
            if let Some(end) = p.end {
                w.push_back(Sample { at_ms, committed: p.committed, end });
                while w.len() > window {
                    w.pop_front();
                }
            }
            let samples: Vec<Sample> = w.iter().copied().collect();
            per.insert(
                (p.topic.clone(), p.partition),
                verdict::evaluate(&samples, at_ms, verdict::DEFAULT_ALLOWED_LAG),
            );
            all.push(samples);
        }
        let status = verdict::roll_up(per.values().copied());
        let rates = timelag::group_rates(all.iter().map(Vec::as_slice));
        out.insert(g.name.clone(), GroupVerdict { status, partitions: per, rates });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lag::report::fixtures::{group, part};

    #[test]
    fn watch_windows_are_trimmed_and_judged_at_the_sample_time() {
        let mut w = Windows::new();
        let mk = |c: i64, e: i64| vec![group("g", vec![part("t", 0, Some(c), e)], None)];
        judge(&mut w, &mk(10, 20), 0, 3);
        judge(&mut w, &mk(10, 20), 100, 3);
        let v = judge(&mut w, &mk(10, 20), 200, 3);
        assert_eq!(v["g"].status, GroupStatus::Err);
        assert_eq!(v["g"].partitions[&("t".to_string(), 0)], PartitionStatus::Stall);
        // A frozen commit with a fixed log end: nothing consumed, nothing produced.
        assert_eq!(v["g"].rates, Some(timelag::Rates { consume_per_s: 0.0, produce_per_s: 0.0 }));
        judge(&mut w, &mk(15, 30), 300, 3);
        let v = judge(&mut w, &mk(20, 40), 400, 3);
        // Window now [10/20, 15/30, 20/40]: lag 10, 15, 20 with moving commits.
        assert_eq!(w[&("g".to_string(), "t".to_string(), 0)].len(), 3);
        assert_eq!(v["g"].partitions[&("t".to_string(), 0)], PartitionStatus::Warn);
        assert_eq!(v["g"].status, GroupStatus::Warn);
        // 10 offsets committed and 20 produced over the window's 200 ms.
        assert_eq!(v["g"].rates, Some(timelag::Rates { consume_per_s: 50.0, produce_per_s: 100.0 }));
    }
}
