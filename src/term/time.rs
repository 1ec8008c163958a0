//! Instants as evbus prints them: one RFC 3339 form, UTC with milliseconds and a `Z`
//! (`2026-12-01T10:00:00.000Z`), in tables, JSON, records and generated samples alike, so a time
//! copied from one command's output is accepted by every TIME flag and compares as text.
//!
//! Written by hand rather than through chrono's formatter: sample generation and record
//! rendering call this once per record.

use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

/// Milliseconds since the epoch as RFC 3339; `None` outside the range chrono can represent.
pub fn rfc3339_ms(ms: i64) -> Option<String> {
    DateTime::from_timestamp_millis(ms).map(|t| rfc3339(&t))
}

/// The current time as RFC 3339.
pub fn now_rfc3339() -> String {
    rfc3339(&Utc::now())
}

/// An instant as RFC 3339, exactly as chrono's `to_rfc3339_opts(Millis, true)` writes it.
pub fn rfc3339(t: &DateTime<Utc>) -> String {
    // Signed five-digit years and leap seconds are rare enough to leave to chrono.
    if !(0..=9999).contains(&t.year()) || t.nanosecond() >= 1_000_000_000 {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    let mut s = String::with_capacity(24);
    push_date(&mut s, t);
    s.push('T');
    push_time(&mut s, t);
    s.push('.');
    let ms = t.nanosecond() / 1_000_000;
    s.push(char::from(b'0' + (ms / 100) as u8));
    two(&mut s, ms % 100);
    s.push('Z');
    s
}

/// `YYYY-MM-DD` (years clamped to 0..=9999).
pub fn push_date(s: &mut String, t: &DateTime<Utc>) {
    let y = t.year().clamp(0, 9999) as u32;
    two(s, y / 100);
    two(s, y % 100);
    s.push('-');
    two(s, t.month());
    s.push('-');
    two(s, t.day());
}

/// `HH:MM:SS`.
pub fn push_time(s: &mut String, t: &DateTime<Utc>) {
    two(s, t.hour());
    s.push(':');
    two(s, t.minute());
    s.push(':');
    two(s, t.second());
}

fn two(s: &mut String, v: u32) {
    s.push(char::from(b'0' + (v / 10 % 10) as u8));
    s.push(char::from(b'0' + (v % 10) as u8));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_chrono_writes() {
        let chrono_form =
            |ms: i64| DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true));
        for ms in [
            0,
            1,
            999,
            1_764_583_200_000,
            1_741_064_767_089,
            253_402_300_799_999,
            253_402_300_800_000,
            -1,
            -62_167_219_200_001,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(rfc3339_ms(ms), chrono_form(ms), "{ms}");
        }
        assert_eq!(rfc3339_ms(1_741_064_767_089).unwrap(), "2025-03-04T05:06:07.089Z");
        assert_eq!(rfc3339_ms(253_402_300_800_000).unwrap(), "+10000-01-01T00:00:00.000Z");
        let mut x: i64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ms = x % 400_000_000_000_000;
            assert_eq!(rfc3339_ms(ms), chrono_form(ms), "{ms}");
        }
    }
}
