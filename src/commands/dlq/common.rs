//! What `dlq inspect` and `dlq replay` share: the manifest's dead-letter topics, and how keys,
//! times and untrusted text are shown.

use anyhow::Result;
use serde_json::{Value, json};

use crate::app::App;
use crate::cli::ManifestArg;
use crate::exit::Exit;
use crate::record::format;

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

/// A key as JSON fields, as the record format writes it (see [`crate::record::format`]): `"key"`
/// and `"key_encoding"` (`json`, `text` or `base64`; both `null` for a null key).
pub(super) fn key_json(key: Option<&[u8]>, obj: &mut serde_json::Map<String, Value>) {
    let (k, e) = match key.map(format::to_value) {
        None => (Value::Null, Value::Null),
        Some((v, e)) => (v, json!(e.name())),
    };
    obj.insert("key".into(), k);
    obj.insert("key_encoding".into(), e);
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
