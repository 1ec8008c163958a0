//! How `evbus tail` prints a record: JSON lines, kcat-style templates, and a pretty view.
//!
//! Everything here works on a borrowed [`RecordView`], so the consumer can render straight out
//! of the client's message buffers without copying, and so the logic can be tested without a
//! broker.
//!
//! * [`to_json_line`] is the machine format. It is on the hot path (> 1M records/s into a
//!   pipe), so it writes straight into a byte buffer and embeds JSON values verbatim after a
//!   cheap validation instead of building and re-serializing a tree.
//! * [`Template`] implements kcat's `-f` format tokens.
//! * [`pretty`] is the human format; every untrusted string goes through
//!   [`crate::term::sanitize`] before it reaches the terminal.

use std::fmt::Write as _;
use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::term::sanitize::{push_bytes_for_terminal, push_for_terminal};

/// A record as seen by renderers and filters, borrowing from wherever the bytes live.
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub offset: i64,
    /// Milliseconds since the Unix epoch, `None` when the broker reported no timestamp.
    pub timestamp_ms: Option<i64>,
    pub key: Option<&'a [u8]>,
    /// `None` is a tombstone (null value), distinct from an empty value.
    pub value: Option<&'a [u8]>,
    /// In wire order; names may repeat, values may be null.
    pub headers: &'a [(String, Option<Vec<u8>>)],
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

/// Appends one JSON object describing `rec`, followed by `\n`.
///
/// Shape: `{"topic","partition","offset","timestamp","key","headers","value"}` with
/// `"key_b64"`, `"headers_b64"` and `"value_b64"` added only for bytes that are not UTF-8.
/// Duplicate header names are written as duplicate object keys (what most JSON readers,
/// including jq, resolve to the last one), because collapsing them here would lose data.
pub fn to_json_line(rec: &RecordView, out: &mut Vec<u8>) {
    to_json_line_with(rec, &[], out);
}

/// [`to_json_line`] plus extra top-level fields after `"value"`, e.g. `("invalid", "...")`.
pub fn to_json_line_with(rec: &RecordView, extra: &[(&str, serde_json::Value)], out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"topic\":");
    push_json_str(out, rec.topic);
    let _ = write!(out, ",\"partition\":{},\"offset\":{}", rec.partition, rec.offset);
    match rec.timestamp_ms {
        Some(ts) => {
            let _ = write!(out, ",\"timestamp\":{ts}");
        }
        None => out.extend_from_slice(b",\"timestamp\":null"),
    }

    out.extend_from_slice(b",\"key\":");
    match rec.key {
        None => out.extend_from_slice(b"null"),
        Some(k) => match std::str::from_utf8(k) {
            Ok(s) => push_json_str(out, s),
            Err(_) => {
                out.extend_from_slice(b"null,\"key_b64\":");
                push_b64_str(out, k);
            }
        },
    }

    out.extend_from_slice(b",\"headers\":{");
    let mut first = true;
    let mut any_binary = false;
    for (name, value) in rec.headers {
        let text = match value {
            None => None,
            Some(v) => match std::str::from_utf8(v) {
                Ok(s) => Some(s),
                Err(_) => {
                    any_binary = true;
                    continue;
                }
            },
        };
        if !first {
            out.push(b',');
        }
        first = false;
        push_json_str(out, name);
        out.push(b':');
        match text {
            Some(s) => push_json_str(out, s),
            None => out.extend_from_slice(b"null"),
        }
    }
    out.push(b'}');
    if any_binary {
        out.extend_from_slice(b",\"headers_b64\":{");
        let mut first = true;
        for (name, value) in rec.headers {
            let Some(v) = value else { continue };
            if std::str::from_utf8(v).is_ok() {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            push_json_str(out, name);
            out.push(b':');
            push_b64_str(out, v);
        }
        out.push(b'}');
    }

    out.extend_from_slice(b",\"value\":");
    match rec.value {
        None => out.extend_from_slice(b"null"),
        Some(v) => match classify(v) {
            ValueKind::Json(s) => push_json_verbatim(out, s),
            ValueKind::Text(s) => push_json_str(out, s),
            ValueKind::Binary => {
                out.extend_from_slice(b"null,\"value_b64\":");
                push_b64_str(out, v);
            }
        },
    }

    for (name, value) in extra {
        out.push(b',');
        push_json_str(out, name);
        out.push(b':');
        let mark = out.len();
        if serde_json::to_writer(&mut *out, value).is_err() {
            // Cannot happen for a Value written to a Vec, but a half-written value would
            // corrupt the whole line, so fall back to something valid.
            out.truncate(mark);
            out.extend_from_slice(b"null");
        }
    }
    out.extend_from_slice(b"}\n");
}

/// Escapes, for a terminal, the JSON written to `buf` from `start` on (see
/// [`crate::term::sanitize::json_for_terminal`]): still valid JSON with the same meaning, but bidi
/// overrides, C1 and other controls that the JSON writer leaves raw (and that JSON values
/// embedded verbatim may hold) become `\uXXXX`.
pub fn escape_json_for_terminal(buf: &mut Vec<u8>, start: usize) {
    let Some(tail) = buf.get(start..) else { return };
    // Always UTF-8: the writers above only embed text that passed `from_utf8`.
    let Ok(text) = std::str::from_utf8(tail) else { return };
    if let std::borrow::Cow::Owned(safe) = crate::term::sanitize::json_for_terminal(text) {
        buf.truncate(start);
        buf.extend_from_slice(safe.as_bytes());
    }
}

/// Embeds an already-validated JSON document.
///
/// Raw CR/LF can only occur between tokens in valid JSON (inside strings they must be escaped),
/// so replacing them with spaces keeps the document equivalent while guaranteeing it stays on
/// one line. Values are usually compact, so the common path is a single memcpy.
fn push_json_verbatim(out: &mut Vec<u8>, s: &str) {
    let t = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let b = t.as_bytes();
    if b.iter().any(|&c| c == b'\n' || c == b'\r') {
        out.extend(b.iter().map(|&c| if c == b'\n' || c == b'\r' { b' ' } else { c }));
    } else {
        out.extend_from_slice(b);
    }
}

fn push_b64_str(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    let start = out.len();
    let len = base64::encoded_len(b.len(), true).unwrap_or(0);
    out.resize(start + len, 0);
    match B64.encode_slice(b, &mut out[start..]) {
        Ok(n) => out.truncate(start + n),
        Err(_) => out.truncate(start),
    }
    out.push(b'"');
}

/// Writes `s` as a JSON string literal; hand-rolled because it runs several times per record.
pub fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let b = s.as_bytes();
    let mut clean_from = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&b[clean_from..i]);
        clean_from = i + 1;
        if esc.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(c >> 4)]);
            out.push(HEX[usize::from(c & 0xf)]);
        } else {
            out.extend_from_slice(esc);
        }
    }
    out.extend_from_slice(&b[clean_from..]);
    out.push(b'"');
}

// ---------------------------------------------------------------------------------------------
// kcat-style templates

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Lit(Vec<u8>),
    Topic,
    Partition,
    Offset,
    Key,
    Value,
    ValueSize,
    KeySize,
    Timestamp,
    Headers,
}

/// A parsed kcat `-f` format string; parse once, render per record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// Parses a kcat-style format string.
///
/// Tokens: `%t` topic, `%p` partition, `%o` offset, `%k` key, `%s` value, `%S` value size,
/// `%K` key size, `%T` timestamp (ms), `%h` headers as `k=v,k2=v2`, `%%` a percent sign.
/// Escapes: `\n`, `\r`, `\t`, `\\`. Anything else is an error naming the offending token.
pub fn template(fmt: &str) -> Result<Template, String> {
    let mut parts = Vec::new();
    let mut lit = Vec::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => {
                let part = match chars.next() {
                    Some('t') => Part::Topic,
                    Some('p') => Part::Partition,
                    Some('o') => Part::Offset,
                    Some('k') => Part::Key,
                    Some('s') => Part::Value,
                    Some('S') => Part::ValueSize,
                    Some('K') => Part::KeySize,
                    Some('T') => Part::Timestamp,
                    Some('h') => Part::Headers,
                    Some('%') => {
                        lit.push(b'%');
                        continue;
                    }
                    Some(other) => {
                        return Err(format!(
                            "unknown format token '%{}' (supported: %t %p %o %k %s %S %K %T %h %%)",
                            crate::term::sanitize::for_terminal(other.encode_utf8(&mut [0; 4]))
                        ));
                    }
                    None => {
                        return Err(
                            "format string ends with a lone '%' (write %% for a literal percent sign)".to_string()
                        );
                    }
                };
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(part);
            }
            '\\' => match chars.next() {
                Some('n') => lit.push(b'\n'),
                Some('r') => lit.push(b'\r'),
                Some('t') => lit.push(b'\t'),
                Some('\\') => lit.push(b'\\'),
                Some(other) => {
                    return Err(format!(
                        "unknown escape '\\{}' in format string (supported: \\n \\r \\t \\\\)",
                        crate::term::sanitize::for_terminal(other.encode_utf8(&mut [0; 4]))
                    ));
                }
                None => {
                    return Err("format string ends with a lone '\\' (write \\\\ for a literal backslash)".to_string());
                }
            },
            c => lit.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Ok(Template { parts })
}

impl Template {
    /// Renders raw bytes exactly like kcat: key and value bytes are copied as-is, a null key or
    /// value renders as nothing, `%K`/`%S` are -1 for null and `%T` is -1 without a timestamp.
    ///
    /// Meant for pipes. For a terminal use [`Template::render_for_terminal`].
    pub fn render(&self, rec: &RecordView, out: &mut Vec<u8>) {
        for part in &self.parts {
            match part {
                Part::Lit(l) => out.extend_from_slice(l),
                Part::Topic => out.extend_from_slice(rec.topic.as_bytes()),
                Part::Key => out.extend_from_slice(rec.key.unwrap_or_default()),
                Part::Value => out.extend_from_slice(rec.value.unwrap_or_default()),
                Part::Headers => {
                    for (i, (name, value)) in rec.headers.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        out.extend_from_slice(name.as_bytes());
                        out.push(b'=');
                        out.extend_from_slice(value.as_deref().unwrap_or_default());
                    }
                }
                other => push_number_part(other, rec, out),
            }
        }
    }

    /// Like [`Template::render`], but every untrusted piece is sanitized. Newlines and tabs in
    /// values are kept (they are content), while the key, topic and headers are single-line.
    /// Literal text from the format string itself is trusted and copied as-is.
    pub fn render_for_terminal(&self, rec: &RecordView, out: &mut Vec<u8>) {
        let mut s = String::new();
        for part in &self.parts {
            s.clear();
            match part {
                Part::Lit(l) => {
                    out.extend_from_slice(l);
                    continue;
                }
                Part::Topic => push_for_terminal(&mut s, rec.topic, false),
                Part::Key => push_bytes_for_terminal(&mut s, rec.key.unwrap_or_default(), false),
                Part::Value => push_bytes_for_terminal(&mut s, rec.value.unwrap_or_default(), true),
                Part::Headers => {
                    for (i, (name, value)) in rec.headers.iter().enumerate() {
                        if i > 0 {
                            s.push(',');
                        }
                        push_for_terminal(&mut s, name, false);
                        s.push('=');
                        push_bytes_for_terminal(&mut s, value.as_deref().unwrap_or_default(), false);
                    }
                }
                other => {
                    push_number_part(other, rec, out);
                    continue;
                }
            }
            out.extend_from_slice(s.as_bytes());
        }
    }
}

fn push_number_part(part: &Part, rec: &RecordView, out: &mut Vec<u8>) {
    let len = |b: Option<&[u8]>| b.map_or(-1, |b| i64::try_from(b.len()).unwrap_or(i64::MAX));
    let n = match part {
        Part::Partition => i64::from(rec.partition),
        Part::Offset => rec.offset,
        Part::ValueSize => len(rec.value),
        Part::KeySize => len(rec.key),
        Part::Timestamp => rec.timestamp_ms.unwrap_or(-1),
        _ => return,
    };
    let _ = write!(out, "{n}");
}

// ---------------------------------------------------------------------------------------------
// Pretty (human) output

/// Options for [`pretty`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrettyOpts {
    /// Use ANSI colours (only ever for our own decorations, never from record data).
    pub color: bool,
    /// Never truncate values.
    pub full: bool,
    /// Values longer than this many bytes are truncated unless `full`.
    pub max_value_bytes: usize,
    /// Mark the record as failing validation, with this reason.
    pub invalid: Option<String>,
}

impl Default for PrettyOpts {
    fn default() -> Self {
        Self { color: false, full: false, max_value_bytes: 4096, invalid: None }
    }
}

const RESET: &str = "\x1b[0m";
const BOLD_CYAN: &str = "\x1b[1;36m";
const DIM: &str = "\x1b[2m";
const YELLOW: &str = "\x1b[33m";
const BLUE: &str = "\x1b[34m";
const BOLD_RED: &str = "\x1b[1;31m";

/// Appends a human-readable rendering of `rec`, every line terminated by `\n`:
///
/// ```text
/// orders[3]@1042  2026-11-25T12:00:00.123Z  key=u1
/// ✗ invalid: missing field "id"            (only when opts.invalid is set)
///   content-type: application/json
/// {
///   "id": 1
/// }
/// ```
pub fn pretty(rec: &RecordView, opts: &PrettyOpts, out: &mut String) {
    let paint = |out: &mut String, code: &str| {
        if opts.color {
            out.push_str(code);
        }
    };

    paint(out, BOLD_CYAN);
    push_for_terminal(out, rec.topic, false);
    let _ = write!(out, "[{}]@{}", rec.partition, rec.offset);
    paint(out, RESET);
    out.push_str("  ");
    paint(out, DIM);
    push_timestamp(out, rec.timestamp_ms);
    paint(out, RESET);
    out.push_str("  ");
    paint(out, YELLOW);
    out.push_str("key=");
    match rec.key {
        None => out.push_str("(null)"),
        Some(k) => push_bytes_for_terminal(out, k, false),
    }
    paint(out, RESET);
    out.push('\n');

    if let Some(reason) = &opts.invalid {
        paint(out, BOLD_RED);
        out.push_str("✗ invalid: ");
        // Validation messages quote record data, so they are untrusted too.
        push_for_terminal(out, reason, false);
        paint(out, RESET);
        out.push('\n');
    }

    for (name, value) in rec.headers {
        out.push_str("  ");
        paint(out, BLUE);
        push_for_terminal(out, name, false);
        paint(out, RESET);
        out.push_str(": ");
        match value {
            None => {
                paint(out, DIM);
                out.push_str("(null)");
                paint(out, RESET);
            }
            Some(v) => push_bytes_for_terminal(out, v, false),
        }
        out.push('\n');
    }

    let Some(value) = rec.value else {
        paint(out, DIM);
        out.push_str("(tombstone: null value)");
        paint(out, RESET);
        out.push('\n');
        return;
    };
    if value.is_empty() {
        paint(out, DIM);
        out.push_str("(empty value)");
        paint(out, RESET);
        out.push('\n');
        return;
    }

    let limit = if opts.full || value.len() <= opts.max_value_bytes { usize::MAX } else { opts.max_value_bytes };
    let start = out.len();
    match classify(value) {
        ValueKind::Json(s) => {
            let mut tmp = String::with_capacity(s.len().min(limit).saturating_add(64));
            reindent_json(s, limit, &mut tmp);
            // JSON escapes C0 controls itself, but DEL, C1 and bidi characters may appear raw
            // inside strings; structural newlines from the re-indent are kept.
            push_for_terminal(out, &tmp, true);
        }
        ValueKind::Text(s) => {
            let cut = floor_char_boundary(s, limit);
            push_for_terminal(out, &s[..cut], true);
        }
        ValueKind::Binary => {
            push_bytes_for_terminal(out, &value[..value.len().min(limit)], true);
        }
    }
    if !out[start..].ends_with('\n') {
        out.push('\n');
    }
    if limit != usize::MAX {
        paint(out, DIM);
        let _ = write!(out, "… [truncated, {} total; use --full]", human_size(value.len()));
        paint(out, RESET);
        out.push('\n');
    }
}

fn push_timestamp(out: &mut String, ts: Option<i64>) {
    match ts.and_then(chrono::DateTime::from_timestamp_millis) {
        Some(dt) => {
            let _ = write!(out, "{}", dt.format("%Y-%m-%dT%H:%M:%S%.3fZ"));
        }
        None => match ts {
            // Out of chrono's range: still show what the broker sent.
            Some(ms) => {
                let _ = write!(out, "ts={ms}ms");
            }
            None => out.push_str("(no timestamp)"),
        },
    }
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `512 B`, `3.4 KiB`, `1.2 MiB`, `2.0 GiB`.
pub fn human_size(n: usize) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// Re-indents a valid JSON document with two spaces, preserving key order, number spelling and
/// string escapes exactly (a serde_json round trip would sort keys and reformat numbers).
///
/// Iterative, so arbitrarily deep documents cannot overflow the stack. Stops once `out` has
/// grown past `limit` bytes, so truncated output of a huge value costs only what is shown.
fn reindent_json(s: &str, limit: usize, out: &mut String) {
    let b = s.as_bytes();
    let start_len = out.len();
    let mut depth: usize = 0;
    let mut i = 0;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while i < b.len() {
        if out.len() - start_len > limit {
            let cut = start_len + floor_char_boundary(&out[start_len..], limit);
            out.truncate(cut);
            return;
        }
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b'\\' => j += 2,
                        b'"' => {
                            j += 1;
                            break;
                        }
                        _ => j += 1,
                    }
                }
                let j = j.min(b.len());
                // Both ends sit on ASCII quotes (or the end), hence on char boundaries.
                out.push_str(s.get(i..j).unwrap_or_default());
                i = j;
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let mut j = i + 1;
                while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\n' | b'\r') {
                    j += 1;
                }
                out.push(char::from(c));
                if j < b.len() && b[j] == close {
                    out.push(char::from(close));
                    i = j + 1;
                } else {
                    depth += 1;
                    newline(out, depth);
                    i += 1;
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(char::from(c));
                i += 1;
            }
            b',' => {
                out.push(',');
                newline(out, depth);
                i += 1;
            }
            b':' => {
                out.push_str(": ");
                i += 1;
            }
            _ => {
                // Numbers and literals: copy the run up to the next structural/space byte.
                let mut j = i + 1;
                while j < b.len()
                    && !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | b',' | b':' | b'}' | b']' | b'{' | b'[' | b'"')
                {
                    j += 1;
                }
                out.push_str(s.get(i..j).unwrap_or_default());
                i = j;
            }
        }
    }
    if out.len() - start_len > limit {
        let cut = start_len + floor_char_boundary(&out[start_len..], limit);
        out.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdrs(v: &[(&str, Option<&[u8]>)]) -> Vec<(String, Option<Vec<u8>>)> {
        v.iter().map(|(k, v)| (k.to_string(), v.map(<[u8]>::to_vec))).collect()
    }

    fn rec<'a>(
        key: Option<&'a [u8]>,
        value: Option<&'a [u8]>,
        headers: &'a [(String, Option<Vec<u8>>)],
    ) -> RecordView<'a> {
        RecordView {
            topic: "orders",
            partition: 3,
            offset: 1042,
            timestamp_ms: Some(1_795_608_000_123),
            key,
            value,
            headers,
        }
    }

    fn line(r: &RecordView) -> String {
        let mut out = Vec::new();
        to_json_line(r, &mut out);
        let s = String::from_utf8(out).expect("utf8");
        assert!(s.ends_with('\n'));
        assert_eq!(s.matches('\n').count(), 1, "one line: {s}");
        serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON line");
        s
    }

    #[test]
    fn json_line_json_value_with_headers() {
        let h = hdrs(&[("content-type", Some(b"application/json")), ("trace", None), ("bin", Some(b"\xff\x00"))]);
        let r = rec(Some(b"u1"), Some(br#"{"id":1,"payload":{"role":"doctor"}}"#), &h);
        assert_eq!(
            line(&r),
            concat!(
                r#"{"topic":"orders","partition":3,"offset":1042,"timestamp":1795608000123,"key":"u1","#,
                r#""headers":{"content-type":"application/json","trace":null},"headers_b64":{"bin":"/wA="},"#,
                r#""value":{"id":1,"payload":{"role":"doctor"}}}"#,
                "\n"
            )
        );
    }

    #[test]
    fn json_line_pretty_json_value_is_kept_on_one_line() {
        let h = [];
        let v = b"  {\n  \"a\": [1,\r\n 2],\n  \"s\": \"x y\"\n}\n";
        let r = rec(None, Some(v), &h);
        let s = line(&r);
        assert!(s.contains(r#""value":{   "a": [1,   2],   "s": "x y" }}"#), "{s}");
        let parsed: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(parsed["value"], serde_json::json!({"a": [1, 2], "s": "x y"}));
    }

    #[test]
    fn json_line_text_value() {
        let h = [];
        let r = RecordView { timestamp_ms: None, ..rec(Some(b"k"), Some(b"hello \"world\"\n\x1b[31m"), &h) };
        assert_eq!(
            line(&r),
            "{\"topic\":\"orders\",\"partition\":3,\"offset\":1042,\"timestamp\":null,\"key\":\"k\",\"headers\":{},\"value\":\"hello \\\"world\\\"\\n\\u001b[31m\"}\n"
        );
        // Almost-JSON stays text.
        let r = rec(None, Some(b"{\"a\":1"), &h);
        assert!(line(&r).contains(r#""value":"{\"a\":1""#));
        let r = rec(None, Some(b""), &h);
        assert!(line(&r).contains(r#""value":""}"#));
        let r = rec(None, Some(b"nope"), &h);
        assert!(line(&r).contains(r#""value":"nope"}"#));
    }

    #[test]
    fn json_line_binary_value() {
        let h = [];
        let r = rec(Some(b"k"), Some(b"\x00\xff\xfe"), &h);
        assert_eq!(
            line(&r),
            "{\"topic\":\"orders\",\"partition\":3,\"offset\":1042,\"timestamp\":1795608000123,\"key\":\"k\",\"headers\":{},\"value\":null,\"value_b64\":\"AP/+\"}\n"
        );
        // JSON-looking bytes with invalid UTF-8 inside a string must not be embedded verbatim.
        let r = rec(None, Some(b"\"\xff\""), &h);
        assert!(line(&r).contains(r#""value":null,"value_b64":"Iv8i""#));
    }

    #[test]
    fn json_line_tombstone() {
        let h = [];
        let r = rec(Some(b"u1"), None, &h);
        assert_eq!(
            line(&r),
            "{\"topic\":\"orders\",\"partition\":3,\"offset\":1042,\"timestamp\":1795608000123,\"key\":\"u1\",\"headers\":{},\"value\":null}\n"
        );
    }

    #[test]
    fn json_line_non_utf8_key_and_extra_fields() {
        let h = [];
        let r = rec(Some(b"\xc3\x28"), Some(b"1"), &h);
        let mut out = Vec::new();
        to_json_line_with(
            &r,
            &[("invalid", serde_json::json!("missing \"id\"")), ("n", serde_json::json!(2))],
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"topic\":\"orders\",\"partition\":3,\"offset\":1042,\"timestamp\":1795608000123,\"key\":null,\"key_b64\":\"wyg=\",\"headers\":{},\"value\":1,\"invalid\":\"missing \\\"id\\\"\",\"n\":2}\n"
        );
    }

    #[test]
    fn json_line_for_a_terminal_escapes_bidi_and_c1_and_stays_the_same_json() {
        let h = hdrs(&[("h\u{2067}", Some("v\u{9b}".as_bytes()))]);
        let value = "{\"name\":\"invoice\u{202e}fdp.exe\",\"n\":1}";
        let r = RecordView { topic: "t\u{200f}", ..rec(Some("k\u{7f}".as_bytes()), Some(value.as_bytes()), &h) };
        let mut plain = b"previous line\n".to_vec();
        let start = plain.len();
        to_json_line(&r, &mut plain);
        let mut tty = plain.clone();
        escape_json_for_terminal(&mut tty, start);
        let tty = String::from_utf8(tty).unwrap();
        assert!(tty.starts_with("previous line\n"));
        for bad in ['\u{202e}', '\u{9b}', '\u{7f}', '\u{200f}', '\u{2067}'] {
            assert!(!tty.contains(bad), "{bad:?} in {tty}");
        }
        assert!(tty.contains(r#""name":"invoice\u202efdp.exe""#), "{tty}");
        let line = |s: &str| serde_json::from_str::<serde_json::Value>(s.lines().nth(1).unwrap()).unwrap();
        assert_eq!(line(&tty), line(&String::from_utf8(plain).unwrap()));
    }

    #[test]
    fn json_str_escaping_matches_serde() {
        for s in ["", "plain", "q\"b\\s", "\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}", "ü🎉\u{202e}"] {
            let mut out = Vec::new();
            push_json_str(&mut out, s);
            let back: String = serde_json::from_slice(&out).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn template_tokens_and_escapes() {
        let h = hdrs(&[("a", Some(b"1")), ("b", None)]);
        let r = rec(Some(b"k1"), Some(b"v\x00v"), &h);
        let t = template("%t|%p|%o|%k|%s|%S|%K|%T|%h|100%%\\t\\\\\\n").unwrap();
        let mut out = Vec::new();
        t.render(&r, &mut out);
        assert_eq!(out, b"orders|3|1042|k1|v\x00v|3|2|1795608000123|a=1,b=|100%\t\\\n");

        let r2 = RecordView { timestamp_ms: None, ..rec(None, None, &[]) };
        let mut out = Vec::new();
        template("[%k][%s] %K %S %T %h\\r").unwrap().render(&r2, &mut out);
        assert_eq!(out, b"[][] -1 -1 -1 \r");
    }

    #[test]
    fn template_errors_name_the_token() {
        let e = template("%t %x").unwrap_err();
        assert!(e.contains("'%x'"), "{e}");
        let e = template("%R").unwrap_err();
        assert!(e.contains("'%R'"), "{e}");
        assert!(template("abc%").unwrap_err().contains("lone '%'"));
        assert!(template("a\\q").unwrap_err().contains("'\\q'"));
        assert!(template("a\\").is_err());
        assert!(template("%\u{1b}").unwrap_err().contains("\\x1b"));
        assert_eq!(template("").unwrap().parts, vec![]);
    }

    #[test]
    fn template_for_terminal_sanitizes_data_only() {
        let h = hdrs(&[("x\x1b", Some(b"\x1b[2J"))]);
        let r = rec(Some(b"\x1b]0;t\x07"), Some(b"line1\nline2\x1b[31m\xff"), &h);
        let mut out = Vec::new();
        template("%k\\t%s %h\\n").unwrap().render_for_terminal(&r, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), "\\x1b]0;t\\x07\tline1\nline2\\x1b[31m\\xff x\\x1b=\\x1b[2J\n");
    }

    fn pretty_str(r: &RecordView, opts: &PrettyOpts) -> String {
        let mut s = String::new();
        pretty(r, opts, &mut s);
        s
    }

    #[test]
    fn pretty_json_layout() {
        let h = hdrs(&[("content-type", Some(b"application/json")), ("n", None)]);
        let r = rec(Some(b"u1"), Some(br#"{"b":1,"a":[1, 2.50,{}],"e":[],"s":"x,y:{z}\"q"}"#), &h);
        assert_eq!(
            pretty_str(&r, &PrettyOpts::default()),
            concat!(
                "orders[3]@1042  2026-11-25T12:00:00.123Z  key=u1\n",
                "  content-type: application/json\n",
                "  n: (null)\n",
                "{\n  \"b\": 1,\n  \"a\": [\n    1,\n    2.50,\n    {}\n  ],\n  \"e\": [],\n  \"s\": \"x,y:{z}\\\"q\"\n}\n",
            )
        );
    }

    #[test]
    fn pretty_escapes_everything_untrusted() {
        let h = hdrs(&[("h\u{202e}", Some(b"\x1b[2J"))]);
        let r = RecordView {
            topic: "t\x1b[31m",
            key: Some(b"k\x1b]0;x\x07"),
            value: Some("{\"a\":\"\u{202e}\u{9b}\\u001b\u{7f}\"}".as_bytes()),
            headers: &h,
            ..rec(None, None, &[])
        };
        let out = pretty_str(&r, &PrettyOpts { invalid: Some("bad \x1b[0m value".into()), ..Default::default() });
        for bad in ['\x1b', '\x07', '\u{202e}', '\u{9b}', '\u{7f}'] {
            assert!(!out.contains(bad), "{bad:?} in {out}");
        }
        assert!(out.starts_with("t\\x1b[31m[3]@1042"), "{out}");
        assert!(out.contains("key=k\\x1b]0;x\\x07"));
        assert!(out.contains("✗ invalid: bad \\x1b[0m value\n"));
        assert!(out.contains("  h\\u{202e}: \\x1b[2J\n"));
        assert!(out.contains("\"a\": \"\\u{202e}\\u{009b}\\u001b\\x7f\""), "{out}");

        let r = rec(None, Some(b"text\r\nwith\tcontrols\x1b[1m\xff"), &[]);
        let out = pretty_str(&r, &PrettyOpts::default());
        assert!(out.ends_with("key=(null)\ntext\\r\nwith\tcontrols\\x1b[1m\\xff\n"), "{out}");
    }

    #[test]
    fn pretty_color_only_for_decorations() {
        let r = rec(Some(b"k"), Some(b"v"), &[]);
        let out = pretty_str(&r, &PrettyOpts { color: true, invalid: Some("x".into()), ..Default::default() });
        assert!(out.starts_with("\x1b[1;36morders[3]@1042\x1b[0m"), "{out:?}");
        assert!(out.contains("\x1b[1;31m✗ invalid: x\x1b[0m\n"));
        assert!(out.ends_with("\nv\n"));
    }

    #[test]
    fn pretty_truncation() {
        let big = "x".repeat(3 * 1024 * 1024 / 2 + 100);
        let r = rec(None, Some(big.as_bytes()), &[]);
        let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 10, ..Default::default() });
        assert!(out.ends_with("\nxxxxxxxxxx\n… [truncated, 1.5 MiB total; use --full]\n"), "{out}");
        let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 10, full: true, ..Default::default() });
        assert!(!out.contains("truncated"));
        assert!(out.len() > big.len());

        // Never split a UTF-8 character.
        let r = rec(None, Some("ééééé".as_bytes()), &[]);
        let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 3, ..Default::default() });
        assert!(out.contains("\né\n… [truncated, 10 B total; use --full]\n"), "{out}");

        // JSON: truncated after re-indenting, marker reports the raw size.
        let json = format!("[{}1]", "1,".repeat(5000));
        let r = rec(None, Some(json.as_bytes()), &[]);
        let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 20, ..Default::default() });
        assert!(
            out.ends_with("key=(null)\n[\n  1,\n  1,\n  1,\n  1\n… [truncated, 9.8 KiB total; use --full]\n"),
            "{out}"
        );

        // Small JSON may expand beyond the limit when indented; it is not truncated.
        let r = rec(None, Some(b"[1,2,3]"), &[]);
        let out = pretty_str(&r, &PrettyOpts { max_value_bytes: 7, ..Default::default() });
        assert!(out.ends_with("[\n  1,\n  2,\n  3\n]\n"), "{out}");
    }

    #[test]
    fn pretty_tombstone_empty_binary_and_timestamps() {
        let r = RecordView { timestamp_ms: None, ..rec(None, None, &[]) };
        assert_eq!(
            pretty_str(&r, &PrettyOpts::default()),
            "orders[3]@1042  (no timestamp)  key=(null)\n(tombstone: null value)\n"
        );
        let r = RecordView { timestamp_ms: Some(i64::MAX), ..rec(None, Some(b""), &[]) };
        assert_eq!(
            pretty_str(&r, &PrettyOpts::default()),
            format!("orders[3]@1042  ts={}ms  key=(null)\n(empty value)\n", i64::MAX)
        );
        let r = rec(None, Some(b"\x00\x01\xff\n"), &[]);
        assert!(pretty_str(&r, &PrettyOpts::default()).ends_with("key=(null)\n\\x00\\x01\\xff\n"));
    }

    #[test]
    fn reindent_deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut out = String::new();
        reindent_json(&deep, 1000, &mut out);
        assert!(out.len() <= 1000);
        let r = rec(None, Some(deep.as_bytes()), &[]);
        let mut v = Vec::new();
        to_json_line(&r, &mut v);
        assert!(v.ends_with(b"\n"));
    }

    #[test]
    fn classify_and_sizes() {
        assert_eq!(classify(b" 1 "), ValueKind::Json(" 1 "));
        assert_eq!(classify(b"nul"), ValueKind::Text("nul"));
        assert_eq!(classify(b"NaN"), ValueKind::Text("NaN"));
        assert_eq!(classify(b"   "), ValueKind::Text("   "));
        assert_eq!(classify(b"{}{}"), ValueKind::Text("{}{}"));
        assert_eq!(classify(b"\xff"), ValueKind::Binary);
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(1_258_291), "1.2 MiB");
    }
}
