//! Typed value parsers for the command line (clap `value_parser`s): the one time grammar every
//! `--from/--since/--until/--to-datetime/--by-duration` option shares, `tail --from`'s start
//! positions, rates and `--watch` intervals.
//!
//! A bad value is a usage error (exit 2) reported by clap before anything runs, as
//! `invalid value 'X' for '--flag <TIME>': <what is wrong>; expected <the accepted forms>`.
//!
//! Nothing here reads the clock: "a duration ago" stays a duration ([`TimeSpec::Ago`]) until the
//! command resolves it against the one `now` it takes per run, so `--since 2h --until 1h` means
//! the same hour whatever the parse order, and the parsers are plain functions to test.

use std::time::Duration;

/// The accepted forms of a TIME, for error messages.
pub const TIME_FORMS: &str = "TIME: an RFC 3339 time like 2026-12-01T10:00:00Z, epoch milliseconds like \
                              1764583200000, or a duration ago like 15m, 2h, 1d";

/// The accepted forms of `tail --from`, for error messages.
pub const START_FORMS: &str = "end, beginning, an offset N, -N (the last N records of each partition), or \
                               TIME: an RFC 3339 time like 2026-12-01T10:00:00Z or a duration ago like 15m, \
                               2h, 1d";

/// Epoch milliseconds of 9999-12-31T23:59:59.999Z: later instants are typos (or microseconds).
const MAX_EPOCH_MS: i64 = 253_402_300_799_999;

/// An instant as the user wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    /// Milliseconds since the Unix epoch (from RFC 3339 or epoch milliseconds).
    At(i64),
    /// This many milliseconds before the command's `now`.
    Ago(i64),
}

impl TimeSpec {
    /// Milliseconds since the epoch, with "ago" taken from `now_ms`. Never negative: Kafka reads
    /// negative timestamps as "latest"/"earliest", so "100 years ago" must mean the epoch instead.
    pub fn at(self, now_ms: i64) -> i64 {
        match self {
            TimeSpec::At(ms) => ms,
            TimeSpec::Ago(ms) => now_ms.saturating_sub(ms).max(0),
        }
    }
}

/// Parse a TIME: RFC 3339 (`2026-12-01T10:00:00Z`, `...+01:00`), epoch milliseconds
/// (`1764583200000`) or a duration ago (`15m`, `2h`, `1d`, `1h30m`).
pub fn time(raw: &str) -> Result<TimeSpec, String> {
    time_inner(raw).map_err(|why| format!("{why}; expected {TIME_FORMS}"))
}

fn time_inner(raw: &str) -> Result<TimeSpec, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("empty".into());
    }
    if s.trim_start_matches(['-', '+']).starts_with(['P', 'p']) {
        return iso_duration(s).map(TimeSpec::Ago);
    }
    if let Some(rest) = s.strip_prefix(['-', '+']) {
        // `-10m` is most likely meant as "10 minutes ago", which is written without a sign.
        return Err(if humantime::parse_duration(rest).is_ok() {
            format!("a duration ago has no sign (write {rest})")
        } else {
            "a sign is not allowed".into()
        });
    }
    if looks_like_date(s) {
        return rfc3339(s).map(TimeSpec::At);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(ms) if ms <= MAX_EPOCH_MS => Ok(TimeSpec::At(ms)),
            _ => Err("epoch milliseconds out of range (after the year 9999)".into()),
        };
    }
    let d = humantime::parse_duration(s).map_err(|e| match e {
        humantime::DurationError::NumberOverflow => "duration out of range".to_string(),
        humantime::DurationError::UnknownUnit { unit, .. } => format!("unknown unit {unit:?}"),
        _ => "not a time".to_string(),
    })?;
    match i64::try_from(d.as_millis()) {
        Ok(ms) => Ok(TimeSpec::Ago(ms)),
        Err(_) => Err("duration out of range".into()),
    }
}

/// An ISO 8601 duration as Java's `Duration.parse` reads it (what `kafka-consumer-groups
/// --by-duration` takes): `PT31M`, `P1DT2H`, `PT0.5S`; days are 24 hours, and years, months and
/// weeks are not durations (Java refuses them too). Milliseconds; a negative total (a time in the
/// future) is refused.
fn iso_duration(s: &str) -> Result<i64, String> {
    let bad = || format!("{s:?} is not an ISO 8601 duration like PT31M or P1DT2H");
    let upper = s.to_ascii_uppercase();
    let (negative, rest) = match upper.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, upper.strip_prefix('+').unwrap_or(&upper)),
    };
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    let (days, time) = match rest.split_once('T') {
        Some((_, "")) => return Err(bad()),
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    if days.is_empty() && time.is_empty() {
        return Err(bad());
    }
    let mut total: i128 = 0;
    // Each part: an optionally signed integer (seconds may have up to 9 decimals) and its unit,
    // in the order D, then H, M, S.
    let mut parts = |text: &str, units: &[(char, i128)]| -> Result<(), String> {
        let mut text = text;
        let mut next_unit = 0;
        while !text.is_empty() {
            let end = text.find(|c: char| c.is_ascii_alphabetic()).ok_or_else(bad)?;
            let (num, unit) = (&text[..end], text[end..].chars().next().ok_or_else(bad)?);
            let at = units[next_unit..].iter().position(|(u, _)| *u == unit).ok_or_else(bad)? + next_unit;
            next_unit = at + 1;
            let ms_per = units[at].1;
            let (int, frac) = match num.split_once(['.', ',']) {
                Some((i, f)) if unit == 'S' && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => (i, f),
                Some(_) => return Err(bad()),
                None => (num, ""),
            };
            let digits = int.trim_start_matches(['-', '+']);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || int.len() - digits.len() > 1 {
                return Err(bad());
            }
            let sign = if int.starts_with('-') { -1 } else { 1 };
            let n: i128 = digits.parse().map_err(|_| "duration out of range".to_string())?;
            let frac_ms: i128 = if frac.is_empty() { 0 } else { format!("{frac:0<9}")[..3].parse().unwrap_or(0) };
            total = total
                .checked_add(sign * (n * ms_per + frac_ms))
                .filter(|t| t.abs() <= i128::from(i64::MAX))
                .ok_or("duration out of range")?;
            text = &text[end + 1..];
        }
        Ok(())
    };
    parts(days, &[('D', 86_400_000)])?;
    parts(time, &[('H', 3_600_000), ('M', 60_000), ('S', 1_000)])?;
    let total = if negative { -total } else { total };
    if total < 0 {
        return Err(format!("{s:?} is a negative duration: that is a time in the future"));
    }
    i64::try_from(total).map_err(|_| "duration out of range".to_string())
}

/// `YYYY-...`: the user meant a calendar time, so the error should be about RFC 3339.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

fn rfc3339(s: &str) -> Result<i64, String> {
    match chrono::DateTime::parse_from_rfc3339(s) {
        Ok(t) => Ok(t.timestamp_millis()),
        // The most common slip: a local time without its offset, which would be ambiguous.
        Err(_) if chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").is_ok() => {
            Err("an RFC 3339 time needs a timezone (add Z for UTC, or an offset like +01:00)".into())
        }
        Err(e) => Err(format!("not an RFC 3339 time ({e})")),
    }
}

/// Where `tail` starts reading, as given by `--from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartSpec {
    /// Only records produced from now on (`end`, `latest`, `-0`).
    End,
    /// The oldest record still retained in each partition (`beginning`, `earliest`).
    Beginning,
    /// This offset in every partition.
    Offset(i64),
    /// The last N records of each partition.
    Last(i64),
    /// The first record at or after this time.
    Time(TimeSpec),
}

/// Parse `tail --from`: `end`, `beginning`, an offset `N`, `-N` (the last N per partition), else
/// any TIME. A bare number is an offset here, not epoch milliseconds (`--since` takes those).
pub fn start(raw: &str) -> Result<StartSpec, String> {
    let t = raw.trim();
    match t.to_ascii_lowercase().as_str() {
        "end" | "latest" | "newest" => return Ok(StartSpec::End),
        "beginning" | "earliest" | "oldest" | "start" => return Ok(StartSpec::Beginning),
        _ => {}
    }
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let too_big = || format!("number out of range; expected {START_FORMS}");
    if let Some(n) = t.strip_prefix('-')
        && digits(n)
    {
        let n: i64 = n.parse().map_err(|_| too_big())?;
        return Ok(if n == 0 { StartSpec::End } else { StartSpec::Last(n) });
    }
    if digits(t) {
        return t.parse().map(StartSpec::Offset).map_err(|_| too_big());
    }
    time_inner(t).map(StartSpec::Time).map_err(|why| format!("{why}; expected {START_FORMS}"))
}

/// A maximum rate, from `N/s`, `N/m`, `N/h` or a bare `N` (per second).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    count: f64,
    /// Seconds the count is per.
    per_secs: f64,
}

impl Rate {
    /// The rate in records per second, whatever unit it was given in.
    pub fn per_second(self) -> f64 {
        self.count / self.per_secs
    }

    /// The gap between two records at this rate.
    pub fn gap(self) -> Duration {
        Duration::from_secs_f64(self.per_secs / self.count)
    }
}

/// Parse a RATE: `50/s`, `1000/m`, `10/h`, `0.5/s` or a bare `20` (per second).
pub fn rate(raw: &str) -> Result<Rate, String> {
    const FORMS: &str = "expected RATE: N/s, N/m or N/h like 50/s or 1000/m (a bare N is per second)";
    let s = raw.trim();
    let (n, per_secs) = match s.split_once('/') {
        None => (s, 1.0),
        Some((n, unit)) => {
            let per = match unit.trim() {
                "s" | "sec" | "second" => 1.0,
                "m" | "min" | "minute" => 60.0,
                "h" | "hour" => 3600.0,
                other => return Err(format!("unknown unit {other:?}; {FORMS}")),
            };
            (n.trim(), per)
        }
    };
    let count: f64 = n.parse().map_err(|_| format!("not a number of records; {FORMS}"))?;
    if !(count.is_finite() && count > 0.0) {
        return Err(format!("the number of records must be positive; {FORMS}"));
    }
    // Beyond ~10 million a second the limit would never bind, and the gap underflows.
    if per_secs / count < 1e-7 {
        return Err("too high to be a limit (at most 10000000/s)".into());
    }
    Ok(Rate { count, per_secs })
}

/// A `--watch` interval: a duration of at least 500 ms (shorter ones would only spin).
pub fn watch_interval(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| e.to_string())?;
    if d < Duration::from_millis(500) {
        return Err(format!("{s} is too short: the interval must be at least 500ms"));
    }
    Ok(d)
}

/// The longest `--timeout`: librdkafka refuses an admin request timeout above one hour
/// (`rd_kafka_AdminOptions_set_request_timeout`), and every admin call takes `--timeout` as its own.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// `--timeout`: a duration above zero and at most [`MAX_TIMEOUT`]. Zero would mean "give up at
/// once", which evbus then reported as an unreachable broker, to a healthy one.
pub fn timeout(s: &str) -> Result<Duration, String> {
    let d =
        humantime::parse_duration(s.trim()).map_err(|e| format!("{e}; expected a duration like 500ms, 10s or 2m"))?;
    if d.is_zero() {
        return Err("must be more than zero (it bounds every broker call; try 10s)".into());
    }
    if d > MAX_TIMEOUT {
        return Err(format!(
            "{} is too long: at most {} (librdkafka's limit for one admin request)",
            s.trim(),
            humantime::format_duration(MAX_TIMEOUT)
        ));
    }
    Ok(d)
}

/// `--filter-memory`: a size like `1GiB`, `512MiB` or plain bytes, at least 1 MiB (less would
/// stop ordinary filters on ordinary records).
pub fn filter_memory(s: &str) -> Result<usize, String> {
    let bytes = parse_size::Config::new()
        .with_binary()
        .parse_size(s)
        .map_err(|e| format!("{s:?} is not a size like 512MiB or 2GiB: {e}"))?;
    if bytes < 1 << 20 {
        return Err(format!("{s} is too small: a filter needs at least 1MiB"));
    }
    usize::try_from(bytes).ok().filter(|b| *b <= isize::MAX as usize).ok_or_else(|| format!("{s} is too large"))
}

/// `--throttle`: a replication rate in bytes a second, like `10MiB` or `50MB/s` (binary units,
/// as Kafka's own `--throttle` counts bytes), at least 1 KiB (less would stall a move for good).
pub fn throttle(s: &str) -> Result<u64, String> {
    let raw = s.trim().trim_end_matches("/s");
    let bytes = parse_size::Config::new()
        .with_binary()
        .parse_size(raw)
        .map_err(|e| format!("{s:?} is not a rate like 10MiB or 50MiB/s (bytes a second): {e}"))?;
    if bytes < 1024 {
        return Err(format!("{s} is too small: a throttle below 1KiB a second would stall the move"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_rates() {
        assert_eq!(throttle("10MiB"), Ok(10 << 20));
        assert_eq!(throttle("10MiB/s"), Ok(10 << 20));
        assert_eq!(throttle("2048"), Ok(2048));
        assert!(throttle("12").unwrap_err().contains("too small"));
        assert!(throttle("fast").unwrap_err().contains("not a rate"));
    }

    #[test]
    fn filter_memory_sizes() {
        assert_eq!(filter_memory("1GiB"), Ok(1 << 30));
        assert_eq!(filter_memory("64MiB"), Ok(64 << 20));
        assert_eq!(filter_memory("2G"), Ok(2 << 30), "binary units, as the default's help says");
        assert!(filter_memory("1KiB").unwrap_err().contains("too small"));
        assert!(filter_memory("lots").unwrap_err().contains("not a size"));
        let default = filter_memory(crate::cli::FILTER_MEMORY_DEFAULT).unwrap();
        assert_eq!(
            default as isize,
            crate::record::filter::memory::MAX_EVAL_BYTES,
            "the help's default is the library's"
        );
    }

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn time_forms() {
        assert_eq!(time("2023-11-14T22:13:20.123Z"), Ok(TimeSpec::At(1_700_000_000_123)));
        assert_eq!(time("2023-11-14T23:13:20.123+01:00"), Ok(TimeSpec::At(1_700_000_000_123)));
        assert_eq!(time("2023-11-14T20:13:20.123-02:00"), Ok(TimeSpec::At(1_700_000_000_123)));
        assert_eq!(time(" 1700000000123 "), Ok(TimeSpec::At(1_700_000_000_123)));
        assert_eq!(time("0"), Ok(TimeSpec::At(0)));
        assert_eq!(time("15m"), Ok(TimeSpec::Ago(900_000)));
        assert_eq!(time("2h").unwrap().at(NOW), NOW - 7_200_000);
        assert_eq!(time("1d"), Ok(TimeSpec::Ago(86_400_000)));
        assert_eq!(time("1h30m"), Ok(TimeSpec::Ago(5_400_000)));
        // ISO 8601, as kafka-consumer-groups --by-duration takes it (Java's Duration.parse).
        assert_eq!(time("PT31M"), Ok(TimeSpec::Ago(31 * 60_000)));
        assert_eq!(time("P1DT2H"), Ok(TimeSpec::Ago(26 * 3_600_000)));
        assert_eq!(time("pt1h-10m"), Ok(TimeSpec::Ago(50 * 60_000)));
        assert_eq!(time("PT0.25S"), Ok(TimeSpec::Ago(250)));
        assert_eq!(time("P2D"), Ok(TimeSpec::Ago(2 * 86_400_000)));
        assert_eq!(time("+PT1S"), Ok(TimeSpec::Ago(1000)));
        for bad in ["P", "PT", "P1M", "P1W", "P1Y", "PT1D", "PT1M1H", "PT1.5M", "P1DT", "PT--1H", "PTH", "PT1"] {
            let e = time(bad).unwrap_err();
            assert!(e.contains("not an ISO 8601 duration"), "{bad}: {e}");
        }
        assert!(time("-PT1H").unwrap_err().contains("negative duration"));
        assert!(time("PT9999999999999999H").unwrap_err().contains("out of range"));
        assert_eq!(time("0s").unwrap().at(NOW), NOW);
        assert_eq!(TimeSpec::At(5).at(NOW), 5);
    }

    #[test]
    fn time_errors_name_the_forms() {
        for bad in ["yesterday", "", "  ", "soon", "5x", "-10m", "2026-12-01"] {
            let e = time(bad).unwrap_err();
            assert!(e.contains("RFC 3339") && e.contains("epoch milliseconds") && e.contains("15m"), "{bad}: {e}");
        }
        assert!(time("5x").unwrap_err().starts_with("unknown unit \"x\""));
        assert!(time("-10m").unwrap_err().starts_with("a duration ago has no sign (write 10m)"));
        assert!(time("-10").unwrap_err().starts_with("a sign is not allowed"));
        assert!(time("+5").unwrap_err().starts_with("a sign is not allowed"));
        assert!(time("2026-12-01T10:00:00").unwrap_err().contains("needs a timezone"));
        assert!(time("2026-12-01T10:00:00.5").unwrap_err().contains("needs a timezone"));
        assert!(time("2026-13-01T10:00:00Z").unwrap_err().starts_with("not an RFC 3339 time"));
        assert!(time("2026-12-01").unwrap_err().starts_with("not an RFC 3339 time"));
    }

    #[test]
    fn time_overflow() {
        assert!(time("99999999999999999999").unwrap_err().contains("out of range"));
        assert!(time("253402300800000").unwrap_err().contains("out of range"));
        assert_eq!(time("253402300799999"), Ok(TimeSpec::At(MAX_EPOCH_MS)));
        assert!(time("99999999999999999999999h").unwrap_err().starts_with("duration out of range"));
        // Huge but representable: clamped to the epoch, never a negative (special) timestamp.
        assert_eq!(time("100000000y").unwrap().at(NOW), 0);
        assert_eq!(TimeSpec::Ago(i64::MAX).at(i64::MIN), 0);
    }

    #[test]
    fn start_positions() {
        use StartSpec::*;
        assert_eq!(start("end"), Ok(End));
        assert_eq!(start("Beginning"), Ok(Beginning));
        assert_eq!(start("earliest"), Ok(Beginning));
        assert_eq!(start("42"), Ok(Offset(42)));
        assert_eq!(start("-10"), Ok(Last(10)));
        assert_eq!(start("-0"), Ok(End));
        assert_eq!(start("2026-11-25T12:00:00Z"), Ok(Time(TimeSpec::At(1_795_608_000_000))));
        assert_eq!(start("2026-11-25T13:00:00.5+01:00"), Ok(Time(TimeSpec::At(1_795_608_000_500))));
        assert_eq!(start("15m"), Ok(Time(TimeSpec::Ago(900_000))));
        assert!(start("-10m").unwrap_err().starts_with("a duration ago has no sign (write 10m)"));
        let e = start("yesterday").unwrap_err();
        assert!(e.contains("RFC 3339") && e.contains("beginning") && e.contains("-N"), "{e}");
        assert!(start("99999999999999999999").unwrap_err().contains("out of range"));
        assert!(start("-99999999999999999999").unwrap_err().contains("out of range"));
        assert!(start("-x").is_err());
    }

    #[test]
    fn rates() {
        assert_eq!(rate("50/s").unwrap().gap(), Duration::from_millis(20));
        assert_eq!(rate("20").unwrap().gap(), Duration::from_millis(50));
        assert_eq!(rate("60/m").unwrap().gap(), Duration::from_secs(1));
        assert_eq!(rate("0.5/s").unwrap().gap(), Duration::from_secs(2));
        assert_eq!(rate("200/s").unwrap().per_second(), 200.0);
        assert_eq!(rate("60/m").unwrap().per_second(), 1.0);
        assert_eq!(rate("3600/h").unwrap().per_second(), 1.0);
        assert_eq!(rate(" 1000 / min ").unwrap().per_second(), 1000.0 / 60.0);
        for bad in ["0/s", "-1/s", "x/s", "5/d", "", "inf", "NaN/s", "fast", "1e300/s"] {
            assert!(rate(bad).is_err(), "{bad}");
        }
        assert!(rate("5/fortnight").unwrap_err().starts_with("unknown unit \"fortnight\""));
        assert!(rate("fast").unwrap_err().contains("50/s"));
    }

    #[test]
    fn timeouts() {
        assert_eq!(timeout("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(timeout("1h"), Ok(MAX_TIMEOUT));
        assert_eq!(timeout("1ms"), Ok(Duration::from_millis(1)));
        for zero in ["0", "0s", "0ms"] {
            assert!(timeout(zero).unwrap_err().starts_with("must be more than zero"), "{zero}");
        }
        assert!(timeout("61m").unwrap_err().contains("at most 1h"));
        assert!(timeout("100000000y").unwrap_err().contains("too long"));
        assert!(timeout("soon").unwrap_err().contains("expected a duration"));
    }

    #[test]
    fn watch_intervals() {
        assert_eq!(watch_interval("5s"), Ok(Duration::from_secs(5)));
        assert!(watch_interval("100ms").unwrap_err().contains("at least 500ms"));
    }
}
