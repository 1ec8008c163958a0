//! String formats evbus checks beyond JSON Schema's own: platforms write timestamps in shapes
//! the standard `date-time` (RFC 3339, offset required) rightly rejects, and a schema should be
//! able to say "this shape, checked" rather than fall back to a `pattern` that accepts month 13.

/// evbus's own string format: RFC 3339 date-time without an offset (`2026-01-01T10:00:00.123456`,
/// what Python's `isoformat()` of a naive UTC datetime and Java's `LocalDateTime` write), which
/// `date-time` rightly rejects.
pub const DATE_TIME_LOCAL: &str = "date-time-local";

/// Whether `s` is a `date-time-local`: `YYYY-MM-DDTHH:MM:SS` with an optional fraction, a real
/// date and time, and no offset.
pub fn is_date_time_local(s: &str) -> bool {
    let b = s.as_bytes();
    // Digits where digits go first: the slice below is then at a character boundary, and
    // chrono cannot take a five-digit year or a sign.
    b.len() >= 19
        && b[..19].iter().enumerate().all(|(i, c)| matches!(i, 4 | 7 | 10 | 13 | 16) || c.is_ascii_digit())
        && b[10] == b'T'
        && (b.len() == 19 || (b[19] == b'.' && b.len() > 20 && b[20..].iter().all(u8::is_ascii_digit)))
        && chrono::NaiveDateTime::parse_from_str(&s[..19], "%Y-%m-%dT%H:%M:%S").is_ok()
}
