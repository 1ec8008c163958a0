//! Lag measured in time, records lost to retention, retention risk and catch-up estimates: pure
//! rules over offsets, record timestamps and topic configs, used by `lag`, `groups describe` and
//! `health`. No terminal, no broker: the commands read the inputs and print the outcome.
//!
//! - **Time lag** of a partition: how old the first record the group has not consumed is (now −
//!   its timestamp). A partition without lag has time lag 0 whatever its records' age; a group's
//!   time lag is its largest partition's.
//! - **Lost to retention**: a committed offset below the log start offset means the records in
//!   between were deleted before the group read them.
//! - **Retention risk**: the oldest unconsumed record is at least `warn` (a fraction, 0.8 for the
//!   default `80%`) of the topic's `retention.ms` old, so it is about to be deleted unread. The time
//!   left is an estimate: Kafka deletes whole segments, so a record can outlive `retention.ms` a
//!   little, never the other way round.
//! - **Rates** (`lag --watch`): offsets consumed and produced per second over the window, and the
//!   time to catch up at those rates.

use serde::Serialize;

use crate::lag::verdict::Sample;

/// Age of the first unconsumed record, in milliseconds.
///
/// `lag` 0 is time lag 0: nothing waits. Without a commit (`lag` `None`) or without the record's
/// timestamp there is no time lag to give. A timestamp in the future (a producer's clock ahead of
/// ours) counts as 0 rather than a negative age.
pub fn time_lag_ms(lag: Option<i64>, first_unconsumed_ts: Option<i64>, now_ms: i64) -> Option<i64> {
    match lag? {
        l if l <= 0 => Some(0),
        _ => first_unconsumed_ts.filter(|t| *t >= 0).map(|t| now_ms.saturating_sub(t).max(0)),
    }
}

/// Records removed (by retention or DeleteRecords) before the group read them: how far the committed offset is below
/// the log start. `Some(0)` when nothing was lost, `None` when either offset is unknown.
pub fn lost_to_retention(committed: Option<i64>, log_start: Option<i64>) -> Option<i64> {
    let committed = committed.filter(|c| *c >= 0)?;
    let start = log_start.filter(|s| *s >= 0)?;
    Some(start.saturating_sub(committed).max(0))
}

/// The time-based retention of a topic from its `retention.ms` and `cleanup.policy`: `None` when
/// records are never deleted by age (`retention.ms` −1 or unset, or a compact-only policy).
pub fn retention_ms(retention: Option<&str>, cleanup_policy: Option<&str>) -> Option<i64> {
    let deletes = cleanup_policy.is_none_or(|p| p.split(',').any(|x| x.trim() == "delete"));
    if !deletes {
        return None;
    }
    retention?.trim().parse::<i64>().ok().filter(|ms| *ms > 0)
}

/// An unconsumed record close to being deleted by retention.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Risk {
    /// Age of the oldest unconsumed record.
    pub age_ms: i64,
    /// The topic's `retention.ms`.
    pub retention_ms: i64,
    /// Estimated time until it is deleted (0 when already due).
    pub left_ms: i64,
    /// Age as a percentage of `retention.ms`.
    pub percent: f64,
}

/// A [`Risk`] when a record of age `age_ms` is at least `warn` (0 < warn ≤ 1) of `retention_ms`
/// old; `None` when it is younger or the topic does not delete by age.
pub fn retention_risk(age_ms: i64, retention_ms: Option<i64>, warn: f64) -> Option<Risk> {
    let retention_ms = retention_ms.filter(|r| *r > 0)?;
    if age_ms <= 0 {
        return None;
    }
    let percent = age_ms as f64 * 100.0 / retention_ms as f64;
    (percent >= warn * 100.0).then(|| Risk {
        age_ms,
        retention_ms,
        left_ms: retention_ms.saturating_sub(age_ms).max(0),
        percent,
    })
}

/// `--retention-warn`: a percentage of retention.ms, `80%` or `80` (0 < N ≤ 100), as a fraction.
pub fn parse_percent(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let n: f64 =
        t.strip_suffix('%').unwrap_or(t).trim().parse().map_err(|_| format!("{s:?} is not a percentage (like 80%)"))?;
    if !(n > 0.0 && n <= 100.0) {
        return Err(format!("{s:?}: the percentage must be above 0 and at most 100"));
    }
    Ok(n / 100.0)
}

/// A short human duration: `0s`, `45s`, `3m12s`, `2h05m`, `3d04h`. Precision drops with size:
/// an age of days does not need seconds.
pub fn human_ms(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (d, h, m, sec) = (s / 86_400, (s / 3600) % 24, (s / 60) % 60, s % 60);
    if d > 0 {
        format!("{d}d{h:02}h")
    } else if h > 0 {
        format!("{h}h{m:02}m")
    } else if m > 0 {
        format!("{m}m{sec:02}s")
    } else if ms > 0 && ms < 1000 {
        "<1s".to_string()
    } else {
        format!("{sec}s")
    }
}

/// Offsets per second consumed (committed offsets moving) and produced (log-end offsets moving).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rates {
    /// Committed offsets advanced per second.
    pub consume_per_s: f64,
    /// Log-end offsets advanced per second.
    pub produce_per_s: f64,
}

/// The rates of one partition over its window: from its first to its last sample (each with a
/// commit, so that a partition committed for the first time mid-window is not a huge jump).
/// `None` with fewer than two such samples or no time between them.
pub fn partition_rates(window: &[Sample]) -> Option<Rates> {
    let mut points: Vec<(i64, i64, i64)> =
        window.iter().filter_map(|s| s.committed.filter(|c| *c >= 0).map(|c| (s.at_ms, c, s.end))).collect();
    points.sort_by_key(|p| p.0);
    let (first, last) = (points.first()?, points.last()?);
    let secs = last.0.saturating_sub(first.0) as f64 / 1000.0;
    if secs <= 0.0 {
        return None;
    }
    Some(Rates {
        // A rewind is not negative consumption; a truncated log is not negative production.
        consume_per_s: (last.1.saturating_sub(first.1)).max(0) as f64 / secs,
        produce_per_s: (last.2.saturating_sub(first.2)).max(0) as f64 / secs,
    })
}

/// A group's rates: the sum of its partitions' (`None` when no partition has two samples).
pub fn group_rates<'a>(windows: impl IntoIterator<Item = &'a [Sample]>) -> Option<Rates> {
    let mut any = false;
    let mut r = Rates::default();
    for w in windows {
        if let Some(p) = partition_rates(w) {
            any = true;
            r.consume_per_s += p.consume_per_s;
            r.produce_per_s += p.produce_per_s;
        }
    }
    any.then_some(r)
}

/// How long until a group with `lag` catches up at `rates`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CatchUp {
    /// No lag.
    Done,
    /// At the current rates, in about this many milliseconds.
    In(i64),
    /// It consumes no faster than records arrive: the lag does not shrink.
    Never,
}

/// Estimates when `lag` is gone, given that consumption outpaces production by their difference.
pub fn catch_up(lag: i64, rates: Rates) -> CatchUp {
    if lag <= 0 {
        return CatchUp::Done;
    }
    let net = rates.consume_per_s - rates.produce_per_s;
    if net <= 0.0 || !net.is_finite() {
        return CatchUp::Never;
    }
    let ms = (lag as f64 / net * 1000.0).ceil();
    CatchUp::In(if ms >= i64::MAX as f64 { i64::MAX } else { ms as i64 })
}

impl CatchUp {
    /// Seconds for JSON: 0 when done, `None` when never.
    pub fn seconds(self) -> Option<f64> {
        match self {
            CatchUp::Done => Some(0.0),
            CatchUp::In(ms) => Some(ms as f64 / 1000.0),
            CatchUp::Never => None,
        }
    }

    /// For tables: `caught up`, `~2m05s` or `not catching up`.
    pub fn text(self) -> String {
        match self {
            CatchUp::Done => "caught up".into(),
            CatchUp::In(ms) => format!("~{}", human_ms(ms)),
            CatchUp::Never => "not catching up".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_lag_is_the_age_of_the_first_unconsumed_record() {
        assert_eq!(time_lag_ms(Some(5), Some(1_000), 61_000), Some(60_000));
        // No lag: 0, however old the records are.
        assert_eq!(time_lag_ms(Some(0), Some(1_000), 61_000), Some(0));
        assert_eq!(time_lag_ms(Some(0), None, 61_000), Some(0));
        // No commit, or no timestamp: unknown.
        assert_eq!(time_lag_ms(None, Some(1_000), 61_000), None);
        assert_eq!(time_lag_ms(Some(3), None, 61_000), None);
        assert_eq!(time_lag_ms(Some(3), Some(-1), 61_000), None);
        // A producer clock ahead of ours is not a negative age.
        assert_eq!(time_lag_ms(Some(3), Some(70_000), 61_000), Some(0));
        assert_eq!(time_lag_ms(Some(1), Some(0), i64::MAX), Some(i64::MAX));
    }

    #[test]
    fn lost_records_are_the_gap_below_the_log_start() {
        assert_eq!(lost_to_retention(Some(3), Some(10)), Some(7));
        assert_eq!(lost_to_retention(Some(10), Some(10)), Some(0));
        assert_eq!(lost_to_retention(Some(12), Some(10)), Some(0));
        assert_eq!(lost_to_retention(None, Some(10)), None);
        assert_eq!(lost_to_retention(Some(-1001), Some(10)), None);
        assert_eq!(lost_to_retention(Some(3), None), None);
    }

    #[test]
    fn retention_comes_from_retention_ms_when_the_policy_deletes() {
        assert_eq!(retention_ms(Some("604800000"), Some("delete")), Some(604_800_000));
        assert_eq!(retention_ms(Some("1000"), Some("compact,delete")), Some(1000));
        assert_eq!(retention_ms(Some("1000"), None), Some(1000));
        assert_eq!(retention_ms(Some("1000"), Some("compact")), None);
        assert_eq!(retention_ms(Some("-1"), Some("delete")), None);
        assert_eq!(retention_ms(None, Some("delete")), None);
        assert_eq!(retention_ms(Some("soon"), Some("delete")), None);
    }

    #[test]
    fn risk_starts_at_the_warn_fraction_with_the_time_left() {
        let day = 86_400_000;
        assert_eq!(retention_risk(day * 5, Some(day * 7), 0.8), None);
        let r = retention_risk(day * 6, Some(day * 7), 0.8).unwrap();
        assert_eq!(r.left_ms, day);
        assert!((r.percent - 600.0 / 7.0).abs() < 1e-9, "{r:?}");
        // Exactly at the threshold warns.
        assert!(retention_risk(80, Some(100), 0.8).is_some());
        assert!(retention_risk(79, Some(100), 0.8).is_none());
        // Older than retention: due now, not a negative time left.
        assert_eq!(retention_risk(150, Some(100), 0.8).unwrap().left_ms, 0);
        // No age-based deletion, or nothing waiting: no risk.
        assert_eq!(retention_risk(day * 100, None, 0.8), None);
        assert_eq!(retention_risk(0, Some(100), 0.01), None);
    }

    #[test]
    fn percentages_parse_with_or_without_the_sign() {
        assert_eq!(parse_percent("80%"), Ok(0.8));
        assert_eq!(parse_percent(" 50 "), Ok(0.5));
        assert_eq!(parse_percent("100%"), Ok(1.0));
        assert_eq!(parse_percent("12.5%"), Ok(0.125));
        for bad in ["0%", "101%", "-5%", "x", "", "%", "NaN"] {
            assert!(parse_percent(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn human_durations_lose_precision_as_they_grow() {
        assert_eq!(human_ms(0), "0s");
        assert_eq!(human_ms(-5), "0s");
        assert_eq!(human_ms(400), "<1s");
        assert_eq!(human_ms(45_999), "45s");
        assert_eq!(human_ms(192_000), "3m12s");
        assert_eq!(human_ms(2 * 3_600_000 + 5 * 60_000 + 7_000), "2h05m");
        assert_eq!(human_ms(3 * 86_400_000 + 4 * 3_600_000), "3d04h");
        let _ = human_ms(i64::MAX);
    }

    fn s(at_ms: i64, committed: Option<i64>, end: i64) -> Sample {
        Sample { at_ms, committed, end }
    }

    #[test]
    fn rates_span_the_samples_with_commits() {
        let w = [s(0, None, 0), s(1_000, Some(10), 100), s(3_000, Some(50), 140)];
        let r = partition_rates(&w).unwrap();
        assert_eq!(r, Rates { consume_per_s: 20.0, produce_per_s: 20.0 });
        // Order does not matter.
        let w2 = [w[2], w[0], w[1]];
        assert_eq!(partition_rates(&w2), Some(r));
        // One sample, or no time between samples: no rate.
        assert_eq!(partition_rates(&[s(0, Some(1), 2)]), None);
        assert_eq!(partition_rates(&[s(5, Some(1), 2), s(5, Some(3), 4)]), None);
        // A rewind is not negative consumption.
        assert_eq!(partition_rates(&[s(0, Some(10), 10), s(1_000, Some(0), 10)]).unwrap().consume_per_s, 0.0);
    }

    #[test]
    fn group_rates_add_up_partitions() {
        let a = [s(0, Some(0), 10), s(2_000, Some(10), 20)];
        let b = [s(0, Some(0), 0), s(1_000, Some(1), 3)];
        let none = [s(0, None, 10)];
        let r = group_rates([&a[..], &b[..], &none[..]]).unwrap();
        assert_eq!(r, Rates { consume_per_s: 6.0, produce_per_s: 8.0 });
        assert_eq!(group_rates([&none[..]]), None);
    }

    #[test]
    fn catch_up_needs_consumption_faster_than_production() {
        let r = |c, p| Rates { consume_per_s: c, produce_per_s: p };
        assert_eq!(catch_up(0, r(0.0, 5.0)), CatchUp::Done);
        assert_eq!(catch_up(100, r(15.0, 5.0)), CatchUp::In(10_000));
        assert_eq!(catch_up(100, r(5.0, 5.0)), CatchUp::Never);
        assert_eq!(catch_up(100, r(1.0, 5.0)), CatchUp::Never);
        assert_eq!(catch_up(i64::MAX, r(1e-300, 0.0)), CatchUp::In(i64::MAX));
        assert_eq!(CatchUp::In(1_500).seconds(), Some(1.5));
        assert_eq!(CatchUp::Never.seconds(), None);
        assert_eq!(CatchUp::In(192_000).text(), "~3m12s");
    }
}
