//! Reading one convention's header values: which copy of a repeated header counts, and the
//! checks every value passes (UTF-8, a legal topic name, a number in Java's binary or in text).

use super::Convention;

#[derive(Clone, Copy)]
pub(super) enum Pick {
    First,
    Last,
}

pub(super) struct Headers<'h>(pub(super) &'h [(String, Option<Vec<u8>>)]);

impl<'h> Headers<'h> {
    pub(super) fn get(&self, name: &str, pick: Pick) -> Option<&'h [u8]> {
        let mut values = self.0.iter().filter(|(n, _)| n == name).filter_map(|(_, v)| v.as_deref());
        match pick {
            Pick::First => values.next(),
            Pick::Last => values.next_back(),
        }
    }

    pub(super) fn text(&self, name: &str, pick: Pick) -> Result<Option<String>, String> {
        self.get(name, pick).map(|raw| utf8(name, raw)).transpose().map(|t| t.filter(|t| !t.trim().is_empty()))
    }

    pub(super) fn topic(&self, convention: Convention, name: &str, pick: Pick) -> Result<String, String> {
        let raw = self.get(name, pick).ok_or_else(|| format!("{convention} headers present but {name} is missing"))?;
        let topic = utf8(name, raw)?;
        check_topic(&format!("header {name}"), &topic)?;
        Ok(topic)
    }

    /// `binary_width` is `Some(4 | 8)` where Java writes the number as big-endian binary.
    pub(super) fn partition(&self, name: &str, pick: Pick, binary_width: Option<usize>) -> Result<Option<i32>, String> {
        let Some(raw) = self.get(name, pick) else {
            return Ok(None);
        };
        let n = number(name, raw, binary_width)?;
        if n < 0 {
            return Err(format!("header {name} has negative value {n}"));
        }
        i32::try_from(n).map(Some).map_err(|_| format!("header {name} value {n} is out of range"))
    }

    pub(super) fn offset(&self, name: &str, pick: Pick, binary: bool) -> Result<Option<i64>, String> {
        let Some(raw) = self.get(name, pick) else {
            return Ok(None);
        };
        let n = number(name, raw, binary.then_some(8))?;
        if n < 0 {
            return Err(format!("header {name} has negative value {n}"));
        }
        Ok(Some(n))
    }

    pub(super) fn timestamp(&self, name: &str, pick: Pick) -> Result<Option<i64>, String> {
        let Some(raw) = self.get(name, pick) else {
            return Ok(None);
        };
        Ok(Some(number(name, raw, Some(8))?).filter(|t| *t >= 0))
    }
}

pub(super) fn utf8(name: &str, raw: &[u8]) -> Result<String, String> {
    std::str::from_utf8(raw).map(str::to_owned).map_err(|_| format!("header {name} is not valid UTF-8"))
}

/// Kafka's own topic-name rule; anything else could not have been the source of a record.
pub(super) fn check_topic(what: &str, topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err(format!("{what} is empty"));
    }
    let legal = topic.len() <= 249
        && topic != "."
        && topic != ".."
        && topic.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if legal { Ok(()) } else { Err(format!("{what} is not a legal topic name: {topic:?}")) }
}

/// Reads a header number as binary (when `binary_width` says Java writes it that way and the value
/// is not all ASCII digits; see the module docs) or else as decimal text.
pub(super) fn number(name: &str, raw: &[u8], binary_width: Option<usize>) -> Result<i64, String> {
    let all_digits = !raw.is_empty() && raw.iter().all(u8::is_ascii_digit);
    if let Some(width) = binary_width
        && raw.len() == width
        && !all_digits
    {
        if let Ok(b) = <[u8; 4]>::try_from(raw) {
            return Ok(i64::from(i32::from_be_bytes(b)));
        }
        if let Ok(b) = <[u8; 8]>::try_from(raw) {
            return Ok(i64::from_be_bytes(b));
        }
    }
    let decimal = std::str::from_utf8(raw).ok().map(str::trim).filter(|t| {
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    match (decimal, binary_width) {
        (Some(text), _) => text.parse::<i64>().map_err(|_| format!("header {name} value {text} is out of range")),
        (None, Some(width)) => Err(format!("header {name} has {} bytes, expected {width}", raw.len())),
        (None, None) => Err(format!("header {name} is not a decimal number")),
    }
}
