//! The JSON wrapper convention: the value is `{"originalTopic", "originalMessage", "error",
//! "timestamp"}`, with the failed record's value inside.

use serde_json::Value;

use super::fields::check_topic;
use super::{Convention, Decoded, DlqRecord};

pub(super) fn decode_json_wrapper(rec: &DlqRecord) -> Result<Decoded, String> {
    let Some(value) = rec.value else {
        return Err("no known DLQ headers and the record has no value".to_owned());
    };
    let not_wrapper = || "no known DLQ headers and the value is not a JSON wrapper".to_owned();
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(value) else {
        return Err(not_wrapper());
    };
    let topic = match obj.get("originalTopic") {
        None => return Err(not_wrapper()),
        Some(Value::String(t)) => t,
        Some(_) => return Err("JSON wrapper field originalTopic is not a string".to_owned()),
    };
    check_topic("JSON wrapper field originalTopic", topic)?;
    let Some(message) = obj.get("originalMessage") else {
        return Err("JSON wrapper has no originalMessage".to_owned());
    };

    let mut d = Decoded::new(Convention::JsonWrapper, rec);
    d.original_topic = Some(topic.clone());
    d.replay_value = match message {
        Value::Null => None,
        Value::String(s) => Some(s.clone().into_bytes()),
        other => serde_json::to_vec(other).ok(),
    };
    match obj.get("error") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => d.error_message = non_empty(s),
        // Tolerated because Node code often serialises the Error object itself.
        Some(Value::Object(e)) => {
            let field = |k: &str| e.get(k).and_then(Value::as_str).and_then(non_empty);
            d.error_class = field("name");
            d.error_message = field("message");
            d.stacktrace = field("stack");
        }
        Some(other) => d.error_message = Some(other.to_string()),
    }
    if let Some(ts) = obj.get("timestamp").filter(|ts| !ts.is_null()) {
        let ms =
            json_timestamp(ts).ok_or_else(|| "JSON wrapper field timestamp is not epoch milliseconds".to_owned())?;
        d.original_timestamp_ms = Some(ms).filter(|t| *t >= 0);
    }
    Ok(d)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// Epoch milliseconds as a number, as decimal text, or (since `Date.toISOString()` is the other
/// thing JavaScript code writes) as RFC 3339. `None` when it is none of those.
fn json_timestamp(v: &Value) -> Option<i64> {
    match v {
        // The bound keeps the float-to-int cast exact; real epoch millis are far below it.
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 9.0e15).map(|f| f.trunc() as i64))
        }
        Value::String(s) => {
            let s = s.trim();
            s.parse::<i64>().ok().or_else(|| chrono::DateTime::parse_from_rfc3339(s).ok().map(|t| t.timestamp_millis()))
        }
        _ => None,
    }
}
