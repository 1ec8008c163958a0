//! The machine format: one JSON object per record per line, on the hot path of `tail` into a
//! pipe.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::record::view::{RecordView, ValueKind, classify};

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
/// It writes the bytes `serde_json::to_writer` writes (tested); serde_json was not swapped in
/// because that could not be shown not to be slower on this hot path.
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
