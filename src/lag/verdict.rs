//! Consumer-lag verdicts per partition and per group, following Burrow's evaluation rules.
//!
//! A single lag number cannot tell a consumer that is briefly behind from one that is dead, so a
//! partition is judged over a window of samples of its committed offset and log-end offset.
//!
//! # Rules
//!
//! `lag = end - committed` (never negative); a sample with no committed offset has no lag and is
//! left out of the window, so a partition the group has never committed to is OK. The window is
//! ordered by sample time (oldest first); `allowed_lag` defaults to 0 and a negative value counts
//! as 0. The first rule that matches decides:
//!
//! 1. **OK** when the last lag ≤ `allowed_lag`.
//! 2. With a single sample, nothing else can be judged: **WARN** (its lag is above `allowed_lag`).
//! 3. **REWIND** when any committed offset went backwards between consecutive samples.
//! 4. **STOP** when lag > 0 and the last commit has not changed for longer than the window span,
//!    i.e. `now - time of the first sample with the current committed offset > window duration`
//!    (window duration = time of the last sample − time of the first sample; "first sample with
//!    the current committed offset" = the start of the trailing run of samples with that offset).
//! 5. **STALL** when lag > 0 in every sample and the committed offset never moved across the
//!    window (the window has ≥ 2 samples).
//! 6. **WARN** when the lag never decreased across the window (each sample's lag ≥ the previous
//!    one) and it increased at least once.
//! 7. Otherwise **OK**.
//!
//! The precedence (REWIND, then STOP, then STALL, then WARN) is Burrow's: the more a state needs
//! an operator, the earlier it is checked. A group's status is its worst partition: OK → OK,
//! WARN → WARN, and any STOP, STALL or REWIND → ERR; a group with no partitions is OK.
//!
//! Because the samples are observations rather than commit events, an unchanged committed offset
//! across the whole window reads as STALL when evaluated at the time of the last sample
//! (`now` = last sample time, so `now - first == window duration`), and as STOP once `now` is
//! later than the last sample.

use serde::Serialize;

/// The verdict for one partition of one group. Ordered from healthiest to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum PartitionStatus {
    /// Lag within `allowed_lag`, or shrinking or steady while commits move.
    Ok,
    /// Behind and not catching up: lag grew over the window, or only one sample to judge.
    Warn,
    /// Lagging and no commit for longer than the window: the consumer looks gone.
    Stop,
    /// Lagging and the committed offset never moved in the window, though still observed.
    Stall,
    /// The committed offset went backwards (a reset, or a consumer re-reading).
    Rewind,
}

impl PartitionStatus {
    /// The upper-case name used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PartitionStatus::Ok => "OK",
            PartitionStatus::Warn => "WARN",
            PartitionStatus::Stop => "STOP",
            PartitionStatus::Stall => "STALL",
            PartitionStatus::Rewind => "REWIND",
        }
    }
}

impl std::fmt::Display for PartitionStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict for a whole consumer group. Ordered from healthiest to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum GroupStatus {
    /// Every partition OK.
    Ok,
    /// Some partition WARN, none worse.
    Warn,
    /// Some partition STOP, STALL or REWIND: needs an operator.
    Err,
}

impl GroupStatus {
    /// The upper-case name used in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Ok => "OK",
            GroupStatus::Warn => "WARN",
            GroupStatus::Err => "ERR",
        }
    }
}

impl std::fmt::Display for GroupStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Burrow's default: any lag at all on the last sample is worth a look.
pub const DEFAULT_ALLOWED_LAG: i64 = 0;

/// One observation of one partition: the group's committed offset and the log-end offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// When the sample was taken, epoch milliseconds.
    pub at_ms: i64,
    /// The group's committed offset; `None` (or a negative sentinel) means nothing committed.
    pub committed: Option<i64>,
    /// The partition's log-end offset (high watermark).
    pub end: i64,
}

/// Messages between the committed offset and the log end; `None` when nothing is committed.
///
/// Negative committed offsets are Kafka's sentinels (`-1`, `-1001` = "invalid") rather than
/// positions, so they also mean "nothing committed". A committed offset past the end (the log was
/// truncated, or the two offsets were read at different instants) is lag 0, not negative lag.
pub fn lag(committed: Option<i64>, end: i64) -> Option<i64> {
    let committed = committed.filter(|c| *c >= 0)?;
    Some(end.saturating_sub(committed).max(0))
}

/// A sample that has a committed offset, with its lag computed once.
#[derive(Debug, Clone, Copy)]
struct Point {
    at_ms: i64,
    committed: i64,
    lag: i64,
}

/// Judges one partition over `window` (see the module docs for the rules and their order).
///
/// `now_ms` is the time of the evaluation, on the same clock as the samples. The window is
/// re-sorted by `at_ms` (stable, so same-time samples keep their order) because rule 4 measures
/// durations and a caller merging sources should not get a wrong verdict from ordering alone.
pub fn evaluate(window: &[Sample], now_ms: i64, allowed_lag: i64) -> PartitionStatus {
    let allowed_lag = allowed_lag.max(0);
    let mut points: Vec<Point> = window
        .iter()
        .filter_map(|s| {
            lag(s.committed, s.end).map(|lag| Point { at_ms: s.at_ms, committed: s.committed.unwrap_or_default(), lag })
        })
        .collect();
    points.sort_by_key(|p| p.at_ms);

    let (Some(first), Some(last)) = (points.first().copied(), points.last().copied()) else {
        return PartitionStatus::Ok;
    };

    // Rule 1.
    if last.lag <= allowed_lag {
        return PartitionStatus::Ok;
    }
    // Rule 2: one point has no trend, so the threshold is all there is.
    if points.len() == 1 {
        return PartitionStatus::Warn;
    }
    // Rule 3.
    if points.windows(2).any(|w| w[1].committed < w[0].committed) {
        return PartitionStatus::Rewind;
    }
    // Rule 4. `last.lag > allowed_lag >= 0` already holds, which is the "lag > 0" part.
    let current_since =
        points.iter().rev().take_while(|p| p.committed == last.committed).last().map_or(last.at_ms, |p| p.at_ms);
    let window_ms = last.at_ms.saturating_sub(first.at_ms);
    if now_ms.saturating_sub(current_since) > window_ms {
        return PartitionStatus::Stop;
    }
    // Rule 5 (the window has >= 2 points here).
    let always_lagging = points.iter().all(|p| p.lag > 0);
    let never_moved = points.iter().all(|p| p.committed == first.committed);
    if always_lagging && never_moved {
        return PartitionStatus::Stall;
    }
    // Rule 6.
    let never_decreased = points.windows(2).all(|w| w[1].lag >= w[0].lag);
    let increased = points.windows(2).any(|w| w[1].lag > w[0].lag);
    if never_decreased && increased {
        return PartitionStatus::Warn;
    }
    PartitionStatus::Ok
}

/// A group's status: its worst partition, with STOP, STALL and REWIND all reported as ERR.
pub fn roll_up(statuses: impl IntoIterator<Item = PartitionStatus>) -> GroupStatus {
    statuses
        .into_iter()
        .map(|s| match s {
            PartitionStatus::Ok => GroupStatus::Ok,
            PartitionStatus::Warn => GroupStatus::Warn,
            PartitionStatus::Stop | PartitionStatus::Stall | PartitionStatus::Rewind => GroupStatus::Err,
        })
        .max()
        .unwrap_or(GroupStatus::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PartitionStatus::*;
    use proptest::prelude::*;

    fn s(at_ms: i64, committed: i64, end: i64) -> Sample {
        Sample { at_ms, committed: Some(committed), end }
    }

    fn none(at_ms: i64, end: i64) -> Sample {
        Sample { at_ms, committed: None, end }
    }

    // ---- lag ----

    #[test]
    fn lag_is_end_minus_committed() {
        assert_eq!(lag(Some(90), 100), Some(10));
        assert_eq!(lag(Some(100), 100), Some(0));
        assert_eq!(lag(Some(0), 0), Some(0));
    }

    #[test]
    fn lag_is_none_without_a_commit() {
        assert_eq!(lag(None, 100), None);
        assert_eq!(lag(Some(-1), 100), None);
        assert_eq!(lag(Some(-1001), 100), None);
    }

    #[test]
    fn lag_is_never_negative() {
        assert_eq!(lag(Some(120), 100), Some(0));
        assert_eq!(lag(Some(i64::MAX), i64::MIN), Some(0));
        assert_eq!(lag(Some(0), i64::MAX), Some(i64::MAX));
    }

    // ---- degenerate windows ----

    #[test]
    fn empty_window_is_ok() {
        assert_eq!(evaluate(&[], 0, 0), Ok);
    }

    #[test]
    fn window_without_commits_is_ok() {
        assert_eq!(evaluate(&[none(0, 10), none(10, 20)], 20, 0), Ok);
    }

    #[test]
    fn single_sample_ok_within_allowed_lag() {
        assert_eq!(evaluate(&[s(0, 100, 100)], 1_000, 0), Ok);
        assert_eq!(evaluate(&[s(0, 95, 100)], 1_000, 5), Ok);
    }

    #[test]
    fn single_sample_warns_above_allowed_lag() {
        assert_eq!(evaluate(&[s(0, 90, 100)], 0, 0), Warn);
        assert_eq!(evaluate(&[s(0, 90, 100)], 1_000_000, 5), Warn);
    }

    #[test]
    fn single_committed_sample_among_uncommitted_ones_is_a_single_sample() {
        let w = [none(0, 50), none(10, 80), s(20, 90, 100)];
        assert_eq!(evaluate(&w, 1_000_000, 0), Warn);
    }

    // ---- rule 1: OK by threshold ----

    #[test]
    fn caught_up_at_the_end_is_ok_whatever_came_before() {
        let w = [s(0, 10, 100), s(10, 10, 100), s(20, 100, 100)];
        assert_eq!(evaluate(&w, 1_000, 0), Ok);
    }

    #[test]
    fn last_lag_within_allowed_lag_is_ok() {
        let w = [s(0, 10, 20), s(10, 10, 25), s(20, 10, 30)];
        assert_eq!(evaluate(&w, 20, 20), Ok);
        assert_eq!(evaluate(&w, 20, 19), Stall);
    }

    #[test]
    fn rewind_is_not_reported_once_caught_up() {
        let w = [s(0, 100, 100), s(10, 50, 100), s(20, 100, 100)];
        assert_eq!(evaluate(&w, 20, 0), Ok);
    }

    #[test]
    fn negative_allowed_lag_counts_as_zero() {
        assert_eq!(evaluate(&[s(0, 100, 100)], 0, -5), Ok);
        assert_eq!(evaluate(&[s(0, 99, 100)], 0, -5), Warn);
    }

    // ---- rule 3: REWIND ----

    #[test]
    fn committed_going_backwards_is_rewind() {
        let w = [s(0, 100, 150), s(10, 120, 160), s(20, 40, 170)];
        assert_eq!(evaluate(&w, 20, 0), Rewind);
    }

    #[test]
    fn rewind_wins_over_stop() {
        // Unchanged for far longer than the window since the rewind, but REWIND comes first.
        let w = [s(0, 100, 150), s(10, 40, 150), s(20, 40, 150)];
        assert_eq!(evaluate(&w, 1_000_000, 0), Rewind);
    }

    #[test]
    fn rewind_is_seen_across_missing_commits() {
        let w = [s(0, 100, 150), none(10, 150), s(20, 40, 150)];
        assert_eq!(evaluate(&w, 20, 0), Rewind);
    }

    // ---- rule 4: STOP ----

    #[test]
    fn unchanged_commit_older_than_the_window_is_stop() {
        let w = [s(0, 10, 20), s(10, 10, 20), s(20, 10, 20)];
        assert_eq!(evaluate(&w, 21, 0), Stop);
        assert_eq!(evaluate(&w, 10_000, 0), Stop);
    }

    #[test]
    fn unchanged_commit_exactly_the_window_old_is_not_stop() {
        let w = [s(0, 10, 20), s(10, 10, 20), s(20, 10, 20)];
        assert_eq!(evaluate(&w, 20, 0), Stall);
    }

    #[test]
    fn stop_measures_from_the_first_sample_with_the_current_offset() {
        // Current offset 30 first seen at t=20; window span 40; lag 40, 40, 45, 50.
        let w = [s(0, 10, 50), s(20, 30, 70), s(30, 30, 75), s(40, 30, 80)];
        assert_eq!(evaluate(&w, 60, 0), Warn); // 40 since, not > 40
        assert_eq!(evaluate(&w, 61, 0), Stop); // 41 since, > 40
    }

    #[test]
    fn stop_wins_over_stall_and_warn() {
        // Also stalled and with a growing lag; STOP is checked first.
        let w = [s(0, 10, 20), s(10, 10, 30), s(20, 10, 40)];
        assert_eq!(evaluate(&w, 100, 0), Stop);
    }

    #[test]
    fn commits_moving_up_to_now_are_not_stop() {
        let w = [s(0, 10, 100), s(10, 20, 100), s(20, 30, 100)];
        assert_eq!(evaluate(&w, 20, 0), Ok);
        assert_eq!(evaluate(&w, 40, 0), Ok);
    }

    #[test]
    fn commits_that_moved_but_not_since_longer_than_the_window_are_stop() {
        // Last move seen at t=20, window span 20: by t=41 the commit is older than the window.
        let w = [s(0, 10, 100), s(10, 20, 100), s(20, 30, 100)];
        assert_eq!(evaluate(&w, 41, 0), Stop);
    }

    #[test]
    fn zero_width_window_with_time_passing_is_stop() {
        // Two observations at the same instant: span 0, so any later `now` exceeds it.
        let w = [s(5, 10, 20), s(5, 10, 20)];
        assert_eq!(evaluate(&w, 6, 0), Stop);
        assert_eq!(evaluate(&w, 5, 0), Stall);
    }

    // ---- rule 5: STALL ----

    #[test]
    fn lagging_with_a_frozen_commit_is_stall() {
        let w = [s(0, 10, 20), s(10, 10, 20), s(20, 10, 20)];
        assert_eq!(evaluate(&w, 20, 0), Stall);
    }

    #[test]
    fn stall_needs_lag_in_every_sample() {
        // Commit frozen at the end offset at first, then the producer moves on: growing lag.
        let w = [s(0, 20, 20), s(10, 20, 25), s(20, 20, 30)];
        assert_eq!(evaluate(&w, 20, 0), Warn);
    }

    #[test]
    fn stall_wins_over_warn() {
        let w = [s(0, 10, 20), s(10, 10, 30)];
        assert_eq!(evaluate(&w, 10, 0), Stall);
    }

    // ---- rule 6: WARN ----

    #[test]
    fn growing_lag_with_moving_commits_is_warn() {
        let w = [s(0, 10, 20), s(10, 15, 30), s(20, 20, 40)];
        assert_eq!(evaluate(&w, 20, 0), Warn);
    }

    #[test]
    fn lag_that_grows_then_holds_is_warn() {
        let w = [s(0, 10, 20), s(10, 15, 30), s(20, 25, 40)];
        assert_eq!(evaluate(&w, 20, 0), Warn);
    }

    #[test]
    fn flat_lag_with_moving_commits_is_ok() {
        let w = [s(0, 10, 20), s(10, 20, 30), s(20, 30, 40)];
        assert_eq!(evaluate(&w, 20, 0), Ok);
    }

    #[test]
    fn lag_that_decreased_once_is_ok() {
        let w = [s(0, 10, 20), s(10, 15, 40), s(20, 35, 50), s(30, 40, 60)];
        assert_eq!(evaluate(&w, 30, 0), Ok);
    }

    // ---- rule 7 and ordering ----

    #[test]
    fn recovering_consumer_is_ok() {
        let w = [s(0, 10, 100), s(10, 50, 100), s(20, 90, 100)];
        assert_eq!(evaluate(&w, 20, 0), Ok);
    }

    #[test]
    fn window_is_sorted_by_time_before_judging() {
        let sorted = [s(0, 10, 20), s(10, 15, 30), s(20, 20, 40)];
        let shuffled = [sorted[2], sorted[0], sorted[1]];
        assert_eq!(evaluate(&shuffled, 20, 0), evaluate(&sorted, 20, 0));
        assert_eq!(evaluate(&shuffled, 20, 0), Warn);
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let w = [s(i64::MIN, 0, i64::MAX), s(i64::MAX, 0, i64::MAX)];
        assert_eq!(evaluate(&w, i64::MIN, 0), Stall);
        assert_eq!(evaluate(&w, i64::MAX, i64::MAX), Ok);
    }

    // ---- roll_up ----

    #[test]
    fn roll_up_of_nothing_is_ok() {
        assert_eq!(roll_up([]), GroupStatus::Ok);
    }

    #[test]
    fn roll_up_all_ok_is_ok() {
        assert_eq!(roll_up([Ok, Ok, Ok]), GroupStatus::Ok);
    }

    #[test]
    fn roll_up_warn_is_warn() {
        assert_eq!(roll_up([Ok, Warn, Ok]), GroupStatus::Warn);
    }

    #[test]
    fn roll_up_each_error_state_is_err() {
        for bad in [Stop, Stall, Rewind] {
            assert_eq!(roll_up([Ok, bad]), GroupStatus::Err, "{bad}");
            assert_eq!(roll_up([Warn, bad, Ok]), GroupStatus::Err, "{bad}");
            assert_eq!(roll_up([bad]), GroupStatus::Err, "{bad}");
        }
    }

    #[test]
    fn roll_up_accepts_any_iterator() {
        let v = vec![Ok, Warn];
        assert_eq!(roll_up(v.iter().copied()), GroupStatus::Warn);
        assert_eq!(roll_up(v), GroupStatus::Warn);
    }

    // ---- names ----

    #[test]
    fn statuses_serialize_upper_case() {
        let json = serde_json::to_string(&[Ok, Warn, Stop, Stall, Rewind]).unwrap();
        assert_eq!(json, r#"["OK","WARN","STOP","STALL","REWIND"]"#);
        let json = serde_json::to_string(&[GroupStatus::Ok, GroupStatus::Warn, GroupStatus::Err]).unwrap();
        assert_eq!(json, r#"["OK","WARN","ERR"]"#);
        assert_eq!(Rewind.to_string(), "REWIND");
        assert_eq!(GroupStatus::Err.to_string(), "ERR");
    }

    #[test]
    fn statuses_order_from_healthy_to_worst() {
        assert!(Ok < Warn && Warn < Stop && Stop < Stall && Stall < Rewind);
        assert!(GroupStatus::Ok < GroupStatus::Warn && GroupStatus::Warn < GroupStatus::Err);
    }

    // ---- properties ----

    fn sample() -> impl Strategy<Value = Sample> {
        (any::<i64>(), proptest::option::of(any::<i64>()), any::<i64>()).prop_map(|(at_ms, committed, end)| Sample {
            at_ms,
            committed,
            end,
        })
    }

    proptest! {
        #[test]
        fn evaluate_never_panics(window in proptest::collection::vec(sample(), 0..12),
                                 now in any::<i64>(), allowed in any::<i64>()) {
            let _ = evaluate(&window, now, allowed);
        }

        #[test]
        fn lag_within_allowed_is_always_ok(window in proptest::collection::vec(sample(), 1..12),
                                           now in any::<i64>()) {
            let allowed = window
                .iter()
                .filter_map(|s| lag(s.committed, s.end))
                .max()
                .unwrap_or(0);
            prop_assert_eq!(evaluate(&window, now, allowed), Ok);
        }

        #[test]
        fn roll_up_is_the_worst(statuses in proptest::collection::vec(
            prop_oneof![Just(Ok), Just(Warn), Just(Stop), Just(Stall), Just(Rewind)], 0..10)) {
            let expected = match statuses.iter().max() {
                None | Some(Ok) => GroupStatus::Ok,
                Some(Warn) => GroupStatus::Warn,
                Some(_) => GroupStatus::Err,
            };
            prop_assert_eq!(roll_up(statuses), expected);
        }
    }
}
