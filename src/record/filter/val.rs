//! Record data as jaq values: the record's JSON value parsed straight into jaq's value type (one
//! pass, strict, depth-limited), `$__meta` built for a record, and `serde_json::Value`s converted.

use jaq_json::{Num, Val};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::record::format::{self, Encoding};
use crate::record::view::RecordView;

/// `$__meta` for a record: its line in the record format (see [`crate::record::format`]) without
/// the value itself (that is the filter's input), so a filter reads the fields `tail -o json`
/// prints, the same way: `{"topic","partition","offset","timestamp","timestamp_type","key",
/// "key_encoding","headers":[{"key","value","encoding"?}],"value_encoding"}`; a tombstone's
/// `value_encoding` is `null`.
///
/// One difference: a JSON key nested deeper than 128 levels is given as text
/// (`"key_encoding":"text"`), see [`format::to_value`].
pub fn meta_json(rec: &RecordView) -> serde_json::Value {
    use serde_json::{Value, json};
    let (key, key_encoding) = rec.key.map(format::to_value).unzip();
    let headers: Vec<Value> = rec
        .headers
        .iter()
        .map(|(name, value)| match value.as_deref().map(|v| (v, std::str::from_utf8(v))) {
            None => json!({"key": name, "value": null}),
            Some((_, Ok(s))) => json!({"key": name, "value": s}),
            Some((v, Err(_))) => json!({"key": name, "value": B64.encode(v), "encoding": "base64"}),
        })
        .collect();
    json!({
        "topic": rec.topic,
        "partition": rec.partition,
        "offset": rec.offset,
        "timestamp": rec.timestamp_ms,
        "timestamp_type": rec.timestamp_type.map(|t| t.name()),
        "key": key.unwrap_or(Value::Null),
        "key_encoding": key_encoding.map(Encoding::name),
        "headers": headers,
        "value_encoding": rec.value.map(|v| format::encode(v).encoding().name()),
    })
}

/// Same content as [`meta_json`], as a jaq value.
pub(super) fn meta_val(rec: &RecordView) -> Val {
    json_to_val(&meta_json(rec))
}

pub(super) fn json_to_val(v: &serde_json::Value) -> Val {
    use serde_json::Value;
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => number_to_val(n),
        Value::String(s) => Val::from(s.clone()),
        Value::Array(a) => a.iter().map(json_to_val).collect(),
        Value::Object(o) => Val::obj(o.iter().map(|(k, v)| (Val::from(k.clone()), json_to_val(v))).collect()),
    }
}

fn number_to_val(n: &serde_json::Number) -> Val {
    if let Some(i) = n.as_i64() {
        Val::Num(Num::from_integral(i))
    } else if let Some(u) = n.as_u64() {
        Val::Num(Num::from_integral(u))
    } else {
        Val::from(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Parses strict JSON bytes into a jaq value in one pass.
///
/// serde_json rather than jaq's own reader: jaq accepts a superset (NaN, comments, byte
/// strings) that would disagree with what the renderers call JSON, and its recursive parser
/// has no depth limit, so hostile input like 100k `[` could overflow the stack. serde_json
/// stops at 128 levels. The value is built by jaq-json's own `serde` support (its feature
/// `serde`), so jaq decides what each JSON token becomes.
pub(super) fn parse_val(bytes: &[u8]) -> Result<Val, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = <Val as serde::Deserialize>::deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}
