//! What `dlq inspect` and `dlq replay` share: the manifest's dead-letter topics, and how keys,
//! times and untrusted text are shown.

use anyhow::Result;
use base64::Engine as _;
use serde_json::{Value, json};

use crate::app::App;
use crate::cli::ManifestArg;
use crate::exit::Exit;

/// The manifest's `dlq: true` topics, or a usage error saying how to name one.
pub(super) fn manifest_dlq_topics(app: &App, m: &ManifestArg) -> Result<Vec<String>> {
    let manifest = app.manifest_opt(m)?;
    let topics: Vec<String> = manifest.iter().flat_map(|m| m.dlq_topics().map(|t| t.name.clone())).collect();
    if topics.is_empty() {
        let why = match &manifest {
            Some(m) => format!("{} declares no topic with `dlq: true`", m.path.display()),
            None => "there is no topics.yaml to take the `dlq: true` topics from".to_owned(),
        };
        return Err(Exit::usage(format!("name a dead-letter topic: {why}")));
    }
    Ok(topics)
}

/// RFC 3339 in UTC with milliseconds, or `None` for a missing/unrepresentable timestamp.
pub(super) fn rfc3339(ms: Option<i64>) -> Option<String> {
    crate::term::time::rfc3339_ms(ms?)
}

/// A key as JSON fields: `"key"` as text, or `"key": null, "key_b64"` for bytes that are not UTF-8.
pub(super) fn key_json(key: Option<&[u8]>, obj: &mut serde_json::Map<String, Value>) {
    match key.map(std::str::from_utf8) {
        None => {
            obj.insert("key".into(), Value::Null);
        }
        Some(Ok(s)) => {
            obj.insert("key".into(), json!(s));
        }
        Some(Err(_)) => {
            obj.insert("key".into(), Value::Null);
            let b64 = base64::engine::general_purpose::STANDARD.encode(key.unwrap_or_default());
            obj.insert("key_b64".into(), json!(b64));
        }
    }
}

/// A short single-line rendering of untrusted text for tables.
pub(super) fn cell(s: &str, max: usize) -> String {
    let s = crate::term::sanitize::for_terminal(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A key for tables: sanitized, shortened, `-` for none.
pub(super) fn key_cell(key: Option<&[u8]>) -> String {
    match key {
        None => "-".to_owned(),
        Some(k) => {
            let s = crate::term::sanitize::bytes_for_terminal(k);
            cell(&s, 32)
        }
    }
}
