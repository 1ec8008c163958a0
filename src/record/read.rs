//! Reading the record format back (`produce --records`): one line of [`crate::record::format`]
//! into the bytes it stands for, exactly: key and value bytes, tombstone, headers in order with
//! repeats and null values, and the partition and timestamp a caller may keep.
//!
//! The reader is strict where a wrong guess would change the data (an unknown `format`, an
//! encoding that does not fit its value, bad base64) and lenient where nothing can be lost: the
//! fields a copy does not use (`topic`, `offset`, `timestamp_type`, `invalid`…) are ignored, and an
//! absent `*_encoding` is inferred the way the writer would have chosen it (a string is text,
//! anything else JSON), so hand-written lines stay short.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::record::format::{Encoding, VERSION};

/// One record read back: what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InRecord {
    /// The partition it was read from, if the line names one.
    pub partition: Option<i32>,
    /// Its timestamp (ms since the epoch), if the line has one.
    pub timestamp_ms: Option<i64>,
    /// Key bytes; `None` for a null key.
    pub key: Option<Vec<u8>>,
    /// Value bytes; `None` for a tombstone.
    pub value: Option<Vec<u8>>,
    /// Headers in order; a `None` value is a null header.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

#[derive(Deserialize)]
struct Line<'a> {
    format: Option<serde_json::Number>,
    #[serde(default)]
    partition: Option<i32>,
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(borrow, default)]
    key: Option<&'a RawValue>,
    #[serde(default)]
    key_encoding: Option<String>,
    #[serde(default)]
    headers: Option<Vec<Header>>,
    #[serde(borrow)]
    value: &'a RawValue,
    #[serde(default)]
    value_encoding: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    key: String,
    value: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
}

/// Reads one line (without its line break). The error says what is wrong, for a `line N: …`.
pub fn parse_line(line: &[u8]) -> Result<InRecord, String> {
    let l: Line = serde_json::from_slice(line).map_err(|e| format!("not a record line: {e}"))?;
    match l.format.as_ref().map(|n| (n.as_u64(), n)) {
        Some((Some(v), _)) if v == u64::from(VERSION) => {}
        Some((_, n)) => {
            return Err(format!("\"format\": {n} is not a record format this evbus reads (it reads {VERSION})"));
        }
        None => {
            return Err(format!(
                "no \"format\" field: a record line says \"format\": {VERSION} (as `tail -o json` writes it)"
            ));
        }
    }
    if let Some(p) = l.partition
        && p < 0
    {
        return Err(format!("\"partition\": {p} is not a partition"));
    }
    if let Some(t) = l.timestamp
        && t < 0
    {
        return Err(format!("\"timestamp\": {t} is before 1970 (Kafka has no such timestamp)"));
    }
    let key = match l.key {
        None => match encoding("key", l.key_encoding.as_deref())? {
            // `"key": null` with `"key_encoding": "json"` spells the four bytes `null`.
            Some(Encoding::Json) => Some(b"null".to_vec()),
            _ => None,
        },
        Some(raw) => bytes("key", raw, l.key_encoding.as_deref())?,
    };
    let value = bytes("value", l.value, l.value_encoding.as_deref())?;
    let headers = l
        .headers
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            let v = match (h.value, h.encoding.as_deref()) {
                (None, _) => None,
                (Some(s), None | Some("text")) => Some(s.into_bytes()),
                (Some(s), Some("base64")) => Some(
                    B64.decode(&s).map_err(|e| format!("header {} ({:?}): value is not base64: {e}", i + 1, h.key))?,
                ),
                (Some(_), Some(other)) => {
                    return Err(format!(
                        "header {} ({:?}): \"encoding\": {other:?} is not text or base64",
                        i + 1,
                        h.key
                    ));
                }
            };
            Ok((h.key, v))
        })
        .collect::<Result<_, String>>()?;
    Ok(InRecord { partition: l.partition, timestamp_ms: l.timestamp, key, value, headers })
}

fn encoding(field: &str, name: Option<&str>) -> Result<Option<Encoding>, String> {
    name.map(|n| {
        Encoding::from_name(n).ok_or_else(|| format!("\"{field}_encoding\": {n:?} is not json, text or base64"))
    })
    .transpose()
}

/// The bytes `raw` stands for under its `…_encoding`; `None` for JSON `null` without one.
fn bytes(field: &str, raw: &RawValue, enc: Option<&str>) -> Result<Option<Vec<u8>>, String> {
    let text = raw.get();
    let string = || {
        serde_json::from_str::<String>(text)
            .map_err(|_| format!("\"{field}_encoding\" says it is a string, but \"{field}\" is {}", kind(text)))
    };
    Ok(Some(match encoding(field, enc)? {
        None if text == "null" => return Ok(None),
        None if text.starts_with('"') => string()?.into_bytes(),
        None | Some(Encoding::Json) => text.as_bytes().to_vec(),
        Some(Encoding::Text) => string()?.into_bytes(),
        Some(Encoding::Base64) => B64.decode(string()?).map_err(|e| format!("\"{field}\" is not base64: {e}"))?,
    }))
}

fn kind(json: &str) -> &'static str {
    match json.as_bytes().first() {
        Some(b'n') => "null",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        _ => "a number",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::render::to_json_line;
    use crate::record::view::{RecordView, TimestampType};

    fn round_trip(key: Option<&[u8]>, value: Option<&[u8]>, headers: &[(String, Option<Vec<u8>>)]) {
        let rec = RecordView {
            topic: "t",
            partition: 4,
            offset: 9,
            timestamp_ms: Some(12),
            timestamp_type: Some(TimestampType::LogAppendTime),
            key,
            value,
            headers,
        };
        let mut line = Vec::new();
        to_json_line(&rec, &mut line);
        let back = parse_line(line.trim_ascii_end()).unwrap();
        let want = InRecord {
            partition: Some(4),
            timestamp_ms: Some(12),
            key: key.map(<[u8]>::to_vec),
            value: value.map(<[u8]>::to_vec),
            headers: headers.to_vec(),
        };
        assert_eq!(back, want, "{}", String::from_utf8_lossy(&line));
    }

    #[test]
    fn what_is_written_reads_back_byte_for_byte() {
        let h = vec![
            ("a".to_owned(), Some(b"1".to_vec())),
            ("bin".to_owned(), Some(b"\xff\x00".to_vec())),
            ("a".to_owned(), None),
            ("a".to_owned(), Some(Vec::new())),
        ];
        for v in [
            &b"null"[..],
            b"",
            b"\"\"",
            b"x",
            b"\"x\"",
            b"{\"b\": 1.50, \"a\":1e2, \"a\":[]}",
            b" 1",
            b"[1,\n2]",
            b"\xff\xfe",
            b"\"\\u00e9\"",
        ] {
            round_trip(Some(v), Some(v), &h);
        }
        round_trip(None, None, &[]);
        // Deeper than any tree parser would go: the text is taken back as it is.
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        round_trip(Some(deep.as_bytes()), Some(deep.as_bytes()), &[]);
    }

    #[test]
    fn hand_written_lines_infer_the_encoding() {
        let r = parse_line(br#"{"format":2,"key":"k","value":{"a": 1},"headers":[{"key":"h","value":"v"}]}"#).unwrap();
        assert_eq!(r.key.as_deref(), Some(&b"k"[..]));
        assert_eq!(r.value.as_deref(), Some(&br#"{"a": 1}"#[..]));
        assert_eq!(r.headers, vec![("h".to_owned(), Some(b"v".to_vec()))]);
        let r = parse_line(br#"{"format":2,"value":null}"#).unwrap();
        assert_eq!((r.key, r.value, r.partition, r.timestamp_ms), (None, None, None, None));
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let err = |l: &str| parse_line(l.as_bytes()).unwrap_err();
        assert!(err(r#"{"value":1}"#).contains("no \"format\""));
        assert!(err(r#"{"format":1,"value":1}"#).contains("\"format\": 1 is not"));
        assert!(err(r#"{"format":2}"#).contains("missing field `value`"));
        assert!(err(r#"{"format":2,"value":1,"value_encoding":"text"}"#).contains("is a number"));
        assert!(err(r#"{"format":2,"value":"%%","value_encoding":"base64"}"#).contains("not base64"));
        assert!(err(r#"{"format":2,"value":"x","value_encoding":"hex"}"#).contains("\"hex\" is not json"));
        assert!(
            err(r#"{"format":2,"value":1,"headers":[{"key":"h","value":"x","encoding":"hex"}]}"#).contains("header 1")
        );
        assert!(err(r#"{"format":2,"value":1,"partition":-1}"#).contains("not a partition"));
        assert!(err(r#"{"format":2,"value":1,"value":2}"#).contains("duplicate field"));
        assert!(err("[1]").contains("not a record line"));
    }
}
