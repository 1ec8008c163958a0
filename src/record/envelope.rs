//! The event type of a record, read one way everywhere (`tail --type`, `dlq replay --type`,
//! `produce`, `produce --input`): the value's top-level `eventType` field, else the last
//! `event-type` header. This is the documented rule (`--type`: "value field, else the event-type
//! header") and the header `produce` writes, so what one command writes the others find.
//!
//! Two readings of the field, because writing and matching need different things: a producer
//! only copies a *string* `eventType` into the header (anything else gets the schema's or the
//! topic's type), while a filter compares any `eventType` by its JSON text, so `--type 3` still
//! finds `"eventType": 3`.

use std::fmt;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::record::view::RecordView;

/// The value field.
pub const FIELD: &str = "eventType";
/// The header, written by `produce` and read when the value has no [`FIELD`].
pub const HEADER: &str = "event-type";

/// The `eventType` of a parsed event when it is a string: what a producer puts in [`HEADER`].
pub fn field_str(v: &Value) -> Option<&str> {
    v.get(FIELD).and_then(Value::as_str)
}

/// The `eventType` of a parsed value for matching: a string as is, anything else as its JSON
/// text; `None` when the value is not an object or has no such member.
pub fn field_text(v: &Value) -> Option<String> {
    v.get(FIELD).map(|t| match t {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// [`field_text`] straight from JSON bytes: only that member is materialised, everything else is
/// skipped. An error means the bytes are not (strict) JSON.
pub fn field_text_in(bytes: &[u8]) -> Result<Option<String>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let found = serde::Deserializer::deserialize_any(&mut de, FieldVisitor)?;
    de.end()?;
    Ok(found.as_ref().and_then(field_text_of))
}

fn field_text_of(t: &Value) -> Option<String> {
    Some(match t {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The last [`HEADER`] (Kafka's `lastHeader`), converted lossily from UTF-8; `None` when it
/// is absent or its value is null.
pub fn header(headers: &[(String, Option<Vec<u8>>)]) -> Option<String> {
    headers
        .iter()
        .rev()
        .find(|(n, _)| n == HEADER)
        .and_then(|(_, v)| v.as_deref())
        .map(|v| String::from_utf8_lossy(v).into_owned())
}

/// What [`of_record`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventType {
    /// From the value's field, or else from the header.
    Found(String),
    /// Neither the value nor the headers name one; `value_not_json` says whether that is
    /// because the value could not be read (callers count such records apart).
    Missing {
        /// True when the value is present but not JSON, so its `eventType` could not be read.
        value_not_json: bool,
    },
}

/// The record's event type: the value's `eventType` (a tombstone has none), else the header.
/// `parsed` is the value when the caller already decoded it.
pub fn of_record(rec: &RecordView, parsed: Option<&Value>) -> EventType {
    let mut not_json = false;
    let from_value = match (parsed, rec.value) {
        (Some(v), _) => field_text(v),
        (None, None) => None,
        (None, Some(bytes)) => field_text_in(bytes).unwrap_or_else(|_| {
            not_json = true;
            None
        }),
    };
    match from_value.or_else(|| header(rec.headers)) {
        Some(t) => EventType::Found(t),
        None => EventType::Missing { value_not_json: not_json },
    }
}

/// Visits a document and keeps only its top-level [`FIELD`], if it is an object that has one.
struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Must consume the elements: serde_json rejects a sequence left half-read.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_field) = map.next_key_seed(IsFieldKey)? {
            if is_field {
                found = Some(map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Map-key seed that only answers "is this [`FIELD`]?", avoiding a String per key.
struct IsFieldKey;

impl<'de> DeserializeSeed<'de> for IsFieldKey {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsFieldKey {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<bool, E> {
        Ok(s == FIELD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hdrs(v: &[(&str, Option<&str>)]) -> Vec<(String, Option<Vec<u8>>)> {
        v.iter().map(|(k, v)| (k.to_string(), v.map(|v| v.as_bytes().to_vec()))).collect()
    }

    fn rec<'a>(value: Option<&'a [u8]>, headers: &'a [(String, Option<Vec<u8>>)]) -> RecordView<'a> {
        RecordView {
            topic: "t",
            partition: 0,
            offset: 0,
            timestamp_ms: None,
            timestamp_type: None,
            key: None,
            value,
            headers,
        }
    }

    #[test]
    fn value_field_wins_over_the_header() {
        let h = hdrs(&[("event-type", Some("FromHeader"))]);
        let found = |v: &[u8]| of_record(&rec(Some(v), &h), None);
        assert_eq!(found(br#"{"eventType":"A","x":[1,{"eventType":"no"}]}"#), EventType::Found("A".into()));
        assert_eq!(found(br#"{"x":1}"#), EventType::Found("FromHeader".into()));
        assert_eq!(found(br#"[{"eventType":"nested"}]"#), EventType::Found("FromHeader".into()));
        assert_eq!(found(b"not json"), EventType::Found("FromHeader".into()));
        assert_eq!(of_record(&rec(None, &h), None), EventType::Found("FromHeader".into()));
        let parsed = json!({"eventType": "P"});
        assert_eq!(of_record(&rec(Some(b"{}"), &h), Some(&parsed)), EventType::Found("P".into()));
    }

    #[test]
    fn missing_says_whether_the_value_was_unreadable() {
        assert_eq!(of_record(&rec(Some(b"{}"), &[]), None), EventType::Missing { value_not_json: false });
        assert_eq!(of_record(&rec(Some(b"{"), &[]), None), EventType::Missing { value_not_json: true });
        assert_eq!(of_record(&rec(None, &[]), None), EventType::Missing { value_not_json: false });
    }

    #[test]
    fn the_last_header_counts_even_when_null() {
        let h = hdrs(&[("event-type", Some("first")), ("other", None), ("event-type", Some("last"))]);
        assert_eq!(header(&h), Some("last".into()));
        assert_eq!(header(&hdrs(&[("event-type", Some("first")), ("event-type", None)])), None);
    }

    #[test]
    fn non_string_types_match_by_json_text_but_are_not_written() {
        assert_eq!(field_text_in(br#"{"eventType":3}"#).unwrap(), Some("3".into()));
        assert_eq!(field_text_in(br#"{"eventType":{"a":1}}"#).unwrap(), Some(r#"{"a":1}"#.into()));
        assert_eq!(field_text(&json!({"eventType": null})), Some("null".into()));
        assert_eq!(field_str(&json!({"eventType": 3})), None);
        assert_eq!(field_str(&json!({"eventType": "x.y"})), Some("x.y"));
        assert!(field_text_in(b"{} x").is_err());
    }
}
