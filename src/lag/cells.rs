//! Lag numbers as table cells (`-` when unknown, short human ages, rates per second). Its own
//! module because both the report (threshold reasons) and the text tables use them: keeping them
//! in `text` made `report` and `text` import each other.

use super::timelag;

/// A number for a table cell: `-` when unknown.
pub fn num(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_string(), |n| n.to_string())
}

/// A time lag for a table cell: `-` when unknown.
pub fn age(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".to_string(), timelag::human_ms)
}

/// Offsets per second for a table cell.
pub fn rate(r: f64) -> String {
    if r >= 100.0 { format!("{r:.0}/s") } else { format!("{r:.1}/s") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(num(None), "-");
        assert_eq!(num(Some(42)), "42");
        assert_eq!(age(None), "-");
        assert_eq!(age(Some(600_000)), "10m00s");
        assert_eq!((rate(250.4), rate(2.54)), ("250/s".to_string(), "2.5/s".to_string()));
    }
}
