//! Record data as jaq values: the record's JSON value parsed straight into jaq's value type (one
//! pass, strict, depth-limited), `$__meta` built for a record, and `serde_json::Value`s converted.

use jaq_json::{Num, Val};

use crate::record::view::RecordView;

/// `$__meta` for a record, as JSON: `{"topic","partition","offset","timestamp" (ms or null),
/// "key" (string or null),"headers":{name: string or null}}`.
///
/// Keys and header values that are not UTF-8 are converted lossily (U+FFFD), so they never
/// equal a plain string; with repeated header names the last one wins, as in Kafka's
/// `lastHeader`.
pub fn meta_json(rec: &RecordView) -> serde_json::Value {
    use serde_json::Value;
    let lossy = |b: Option<&[u8]>| b.map_or(Value::Null, |b| Value::String(String::from_utf8_lossy(b).into_owned()));
    let mut headers = serde_json::Map::new();
    for (name, value) in rec.headers {
        headers.insert(name.clone(), lossy(value.as_deref()));
    }
    serde_json::json!({
        "topic": rec.topic,
        "partition": rec.partition,
        "offset": rec.offset,
        "timestamp": rec.timestamp_ms,
        "key": lossy(rec.key),
        "headers": headers,
    })
}

/// Same content as [`meta_json`], built directly as a jaq value.
pub(super) fn meta_val(rec: &RecordView) -> Val {
    let s = |s: &str| Val::from(s.to_string());
    let lossy = |b: Option<&[u8]>| b.map_or(Val::Null, |b| Val::from(String::from_utf8_lossy(b).into_owned()));
    let int = |i: i64| Val::Num(Num::from_integral(i));
    let headers: jaq_json::Map = rec.headers.iter().map(|(k, v)| (s(k), lossy(v.as_deref()))).collect();
    let fields = [
        (s("topic"), s(rec.topic)),
        (s("partition"), int(i64::from(rec.partition))),
        (s("offset"), int(rec.offset)),
        (s("timestamp"), rec.timestamp_ms.map_or(Val::Null, int)),
        (s("key"), lossy(rec.key)),
        (s("headers"), Val::obj(headers)),
    ];
    Val::obj(fields.into_iter().collect())
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
