//! The conditions of `--key`, `--header`, `--event-type`, `--grep` and `--filter` together
//! ([`RecordFilter`]), checked cheapest first, and what a record's check comes to ([`Match`]).

use jaq_json::Val;

use super::guard::{self, EvalError, on_eval_thread};
use super::jq::JqFilter;
use super::val::{json_to_val, parse_val};
use crate::record::envelope::{self, EventType};
use crate::record::view::RecordView;

/// Name of the global variable holding record metadata.
pub const META_VAR: &str = "$__meta";

/// Result of [`RecordFilter::matches`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Every condition that is set holds.
    Yes,
    /// Some condition does not hold (a jq runtime error counts as this).
    No,
    /// A JSON-level condition (jq or event type) was set but the value is not JSON, so it
    /// could not be evaluated. Callers usually count these separately from plain misses.
    NotJson,
    /// The jq program could not finish on this record: it recursed too deeply, was
    /// interrupted, or no evaluation thread could be started (never [`EvalError::Runtime`]: a
    /// runtime error is a `No`). The record does not match; callers say why.
    Failed(EvalError),
}

/// All conditions given on the command line; every one that is set must hold.
#[derive(Debug, Default)]
pub struct RecordFilter {
    /// `--filter`: a jq program the value must make truthy (the record's metadata is `$__meta`).
    pub jq: Option<JqFilter>,
    /// Key must equal this (byte-wise against its UTF-8 encoding).
    pub key: Option<String>,
    /// Each `(name, value)` must be present as a header (any occurrence of a repeated name).
    pub headers: Vec<(String, String)>,
    /// The value's top-level `eventType`, or the `event-type` header when the value has none.
    pub event_type: Option<String>,
    /// Substring of the value bytes or of the key bytes.
    pub grep: Option<String>,
}

impl RecordFilter {
    /// True when no condition is set, so callers can skip filtering (and JSON parsing) entirely.
    pub fn is_empty(&self) -> bool {
        self.jq.is_none()
            && self.key.is_none()
            && self.headers.is_empty()
            && self.event_type.is_none()
            && self.grep.is_none()
    }

    /// Evaluates all conditions against `rec`.
    ///
    /// `parsed` is the value already decoded by the caller, if it has it; with `None` the value
    /// bytes are parsed here when a JSON-level condition needs them. Tombstones are no JSON
    /// document, but jq sees them as `null` input (so `$__meta.key == "u1"` can still match a
    /// delete) and the event type falls back to the header. A jq runtime error is a `No`.
    pub fn matches(&self, rec: &RecordView, parsed: Option<&serde_json::Value>) -> Match {
        if let Some(k) = &self.key
            && rec.key != Some(k.as_bytes())
        {
            return Match::No;
        }
        for (name, want) in &self.headers {
            let present = rec.headers.iter().any(|(n, v)| n == name && v.as_deref() == Some(want.as_bytes()));
            if !present {
                return Match::No;
            }
        }
        if let Some(needle) = &self.grep {
            let hit = rec.value.is_some_and(|v| contains(v, needle)) || rec.key.is_some_and(|k| contains(k, needle));
            if !hit {
                return Match::No;
            }
        }
        if self.event_type.is_none() && self.jq.is_none() {
            return Match::Yes;
        }

        // The fast path answers from the bytes; it defers (None) to jq for values that are not
        // JSON and for programs that raise an error on the value.
        let fast = match (parsed, self.jq.as_ref().and_then(|jq| jq.fast.as_ref())) {
            (None, Some(fast)) => fast.eval(rec.value),
            _ => None,
        };
        if fast == Some(false) {
            // The value is JSON and the program says no: nothing else can make it a match.
            return Match::No;
        }
        let run_jq = self.jq.is_some() && fast.is_none();
        if run_jq && !guard::is_eval_thread() {
            // jq values cannot move between threads, so all of it runs over there.
            return on_eval_thread(|| self.matches(rec, parsed)).unwrap_or_else(Match::Failed);
        }

        // Parse at most once, and only as far as needed: jaq value when jq runs (also used
        // for the event type), otherwise just the `eventType` field.
        let mut jq_input: Option<Val> = None;
        let mut not_json = false;
        if run_jq && parsed.is_none() {
            match rec.value {
                None => jq_input = Some(Val::Null),
                Some(bytes) => match parse_val(bytes) {
                    Ok(v) => jq_input = Some(v),
                    Err(_) => not_json = true,
                },
            }
        }

        if let Some(want) = &self.event_type {
            let found = match (parsed, &jq_input) {
                (None, Some(v)) => match val_event_type(v).or_else(|| envelope::header(rec.headers)) {
                    Some(t) => EventType::Found(t),
                    None => EventType::Missing { value_not_json: false },
                },
                _ => envelope::of_record(rec, parsed),
            };
            match found {
                EventType::Found(t) if t == *want => {}
                EventType::Found(_) => return Match::No,
                EventType::Missing { value_not_json } if value_not_json || not_json => return Match::NotJson,
                EventType::Missing { .. } => return Match::No,
            }
        }

        let Some(jq) = &self.jq else { return Match::Yes };
        if fast == Some(true) {
            return Match::Yes;
        }
        if not_json {
            return Match::NotJson;
        }
        let input = match (parsed, jq_input) {
            (Some(v), _) => json_to_val(v),
            (None, Some(v)) => v,
            (None, None) => Val::Null,
        };
        match jq.run_record(input, rec) {
            Ok(true) => Match::Yes,
            Ok(false) | Err(EvalError::Runtime(_)) => Match::No,
            Err(e) => Match::Failed(e),
        }
    }
}

/// The `eventType` of a value already parsed for jq, by the rule of [`envelope::field_text`]
/// (a string as is, anything else as its JSON text), so the value is not parsed twice.
fn val_event_type(v: &Val) -> Option<String> {
    let Val::Obj(o) = v else { return None };
    // Linear scan instead of a hashed lookup: building the lookup key would allocate.
    o.iter().find_map(|(k, v)| match k {
        Val::TStr(k) if &***k == envelope::FIELD.as_bytes() => Some(match v {
            Val::TStr(s) => String::from_utf8_lossy(s).into_owned(),
            other => other.to_string(),
        }),
        _ => None,
    })
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    // std's two-way string search is only available for &str; fall back to a naive scan for
    // binary values.
    match std::str::from_utf8(haystack) {
        Ok(s) => s.contains(needle),
        Err(_) => haystack.windows(n.len()).any(|w| w == n),
    }
}

/// Parses a `--header k=v` argument (split at the first `=`; the value may be empty or contain
/// further `=`).
pub fn parse_header_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some(("", _)) => Err(format!("invalid header filter {s:?}: the name before '=' is empty")),
        Some((k, v)) => Ok((k.to_string(), v.to_string())),
        None => Err(format!("invalid header filter {s:?}: expected NAME=VALUE")),
    }
}
