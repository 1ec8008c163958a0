//! The JSON record format, version [`VERSION`]: the one rule for how a key's or a value's bytes
//! become JSON (and back), shared by the writer (`tail -o json`, [`crate::record::render`]), the
//! jq filters' `$__meta`, and the reader (`produce --records`, [`crate::record::read`]).
//!
//! Lossless by construction: every byte string has exactly one spelling and every spelling one
//! byte string. A JSON document is embedded as is only when embedding it verbatim reproduces its
//! bytes (no surrounding whitespace, no line breaks) and it is not the literal `null`, so that
//! `"value": null` is always a tombstone; everything else that is UTF-8 is a JSON string (text),
//! and the rest is base64. The sibling `*_encoding` field says which, so nothing is guessed back.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::record::view::{ValueKind, classify};

/// The `"format"` field every record line carries; bumped on any change a reader must know of.
pub const VERSION: u32 = 2;

/// How key or value bytes are spelled in a record line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The bytes are a JSON document, embedded verbatim.
    Json,
    /// The bytes are UTF-8, written as a JSON string.
    Text,
    /// Any other bytes, as standard base64 (with padding) in a JSON string.
    Base64,
}

impl Encoding {
    /// The `*_encoding` field's value.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Json => "json",
            Encoding::Text => "text",
            Encoding::Base64 => "base64",
        }
    }

    /// The encoding a field's value names; `None` for an unknown name.
    pub fn from_name(s: &str) -> Option<Encoding> {
        match s {
            "json" => Some(Encoding::Json),
            "text" => Some(Encoding::Text),
            "base64" => Some(Encoding::Base64),
            _ => None,
        }
    }
}

/// Key or value bytes and how they are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoded<'a> {
    /// A JSON document whose text is exactly the bytes.
    Json(&'a str),
    /// UTF-8 text, written as a JSON string.
    Text(&'a str),
    /// Written as base64.
    Base64(&'a [u8]),
}

impl Encoded<'_> {
    /// Which of the three it is.
    pub fn encoding(&self) -> Encoding {
        match self {
            Encoded::Json(_) => Encoding::Json,
            Encoded::Text(_) => Encoding::Text,
            Encoded::Base64(_) => Encoding::Base64,
        }
    }
}

/// How `bytes` are written (see the module doc for the rule).
pub fn encode(bytes: &[u8]) -> Encoded<'_> {
    match classify(bytes) {
        ValueKind::Json(s) if embeddable(s) => Encoded::Json(s),
        ValueKind::Json(s) | ValueKind::Text(s) => Encoded::Text(s),
        ValueKind::Binary => Encoded::Base64(bytes),
    }
}

/// `bytes` as a JSON value in the record format, and its encoding, for output built as a tree
/// (`$__meta`, `dlq` reports). A JSON document nested deeper than serde_json's 128 levels cannot
/// be a tree: it is given as text.
pub fn to_value(bytes: &[u8]) -> (serde_json::Value, Encoding) {
    use serde_json::Value;
    match encode(bytes) {
        Encoded::Json(s) => match serde_json::from_str(s) {
            Ok(v) => (v, Encoding::Json),
            Err(_) => (Value::String(s.to_owned()), Encoding::Text),
        },
        Encoded::Text(s) => (Value::String(s.to_owned()), Encoding::Text),
        Encoded::Base64(b) => (Value::String(B64.encode(b)), Encoding::Base64),
    }
}

/// A valid JSON document that a reader gets back byte for byte when it is written verbatim: a
/// JSON parser drops whitespace around a document, a line-based reader splits at line breaks
/// (which valid JSON only has between tokens), and the literal `null` would read as a tombstone.
fn embeddable(s: &str) -> bool {
    let b = s.as_bytes();
    let ws = |c: &u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r');
    s != "null"
        && !b.first().is_some_and(ws)
        && !b.last().is_some_and(ws)
        && !b.iter().any(|&c| c == b'\n' || c == b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_spelling_per_byte_string() {
        assert_eq!(encode(br#"{"a":1}"#), Encoded::Json(r#"{"a":1}"#));
        assert_eq!(encode(br#""x""#), Encoded::Json(r#""x""#));
        assert_eq!(encode(b"x"), Encoded::Text("x"));
        assert_eq!(encode(b""), Encoded::Text(""));
        // Valid JSON a reader would not get back verbatim, and the literal a tombstone owns.
        assert_eq!(encode(b"null"), Encoded::Text("null"));
        assert_eq!(encode(b" 1"), Encoded::Text(" 1"));
        assert_eq!(encode(b"[1,\n2]"), Encoded::Text("[1,\n2]"));
        assert_eq!(encode(b"{\"a\":\t1}"), Encoded::Json("{\"a\":\t1}"));
        assert_eq!(encode(b"\xff"), Encoded::Base64(b"\xff"));
        assert_eq!(Encoding::from_name(encode(b"1").encoding().name()), Some(Encoding::Json));
    }
}
