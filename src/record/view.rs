//! [`RecordView`], the one record type every layer shares (decoding, filtering, printing), and
//! [`classify`], the one rule for what a value's bytes are (JSON, text, binary).
//!
//! The view borrows from wherever the bytes live, so the consumer can filter and render straight
//! out of the client's message buffers without copying, and the rules can be tested without a
//! broker.

/// A record as seen by renderers and filters, borrowing from wherever the bytes live.
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    /// Topic the record was read from.
    pub topic: &'a str,
    /// Partition within the topic.
    pub partition: i32,
    /// Offset within the partition.
    pub offset: i64,
    /// Milliseconds since the Unix epoch, `None` when the broker reported no timestamp.
    pub timestamp_ms: Option<i64>,
    /// Who set the timestamp; `None` exactly when `timestamp_ms` is.
    pub timestamp_type: Option<TimestampType>,
    /// `None` when the record has no key (null), distinct from an empty key.
    pub key: Option<&'a [u8]>,
    /// `None` is a tombstone (null value), distinct from an empty value.
    pub value: Option<&'a [u8]>,
    /// In wire order; names may repeat, values may be null.
    pub headers: &'a [(String, Option<Vec<u8>>)],
}

/// Who set a record's timestamp, as Kafka's `TimestampType` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampType {
    /// The producer (or the client library for it) when the record was created.
    CreateTime,
    /// The broker when it appended the record (topic config `message.timestamp.type=LogAppendTime`).
    LogAppendTime,
}

impl TimestampType {
    /// Kafka's name for it, as the JSON record format writes it.
    pub fn name(self) -> &'static str {
        match self {
            TimestampType::CreateTime => "CreateTime",
            TimestampType::LogAppendTime => "LogAppendTime",
        }
    }
}

/// What a value's bytes turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind<'a> {
    /// A single, strictly valid JSON document (UTF-8, surrounding whitespace allowed).
    Json(&'a str),
    /// UTF-8 text that is not JSON (including the empty value).
    Text(&'a str),
    /// Not UTF-8.
    Binary,
}

/// Classifies value (or key) bytes, with the same rules used by every renderer and filter.
///
/// UTF-8 is checked separately because serde_json does not validate UTF-8 inside strings it is
/// only skipping, and embedding such bytes verbatim would produce invalid JSON lines.
pub fn classify(bytes: &[u8]) -> ValueKind<'_> {
    match std::str::from_utf8(bytes) {
        Ok(s) if is_json(s) => ValueKind::Json(s),
        Ok(s) => ValueKind::Text(s),
        Err(_) => ValueKind::Binary,
    }
}

/// Strict JSON check without building a tree.
pub fn is_json(s: &str) -> bool {
    // A cheap first-byte check skips the deserializer for obvious plain text (the common case
    // for non-JSON topics), where serde_json would otherwise build an error value.
    let Some(first) = s.bytes().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')) else {
        return false;
    };
    if !matches!(first, b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') {
        return false;
    }
    serde_json::from_str::<serde::de::IgnoredAny>(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_rules() {
        assert_eq!(classify(b" 1 "), ValueKind::Json(" 1 "));
        assert_eq!(classify(b"nul"), ValueKind::Text("nul"));
        assert_eq!(classify(b"NaN"), ValueKind::Text("NaN"));
        assert_eq!(classify(b"   "), ValueKind::Text("   "));
        assert_eq!(classify(b"{}{}"), ValueKind::Text("{}{}"));
        assert_eq!(classify(b"\xff"), ValueKind::Binary);
    }
}
