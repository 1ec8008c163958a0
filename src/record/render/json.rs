//! The machine format: one JSON object per record per line (the record format of
//! [`crate::record::format`]), on the hot path of `tail` into a pipe.

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;

use crate::record::format::{self, Encoded};
use crate::record::view::RecordView;

/// Appends one JSON object describing `rec` in the record format (see [`crate::record::format`]
/// and the README's "Record format"), followed by `\n`:
///
/// `{"format":2,"topic","partition","offset","timestamp","timestamp_type","key","key_encoding",
/// "headers":[{"key","value","encoding"?}],"value","value_encoding"}`.
pub fn to_json_line(rec: &RecordView, out: &mut Vec<u8>) {
    to_json_line_with(rec, &[], out);
}

/// [`to_json_line`] plus extra top-level fields after `"value_encoding"`, e.g. `("invalid", "...")`.
pub fn to_json_line_with(rec: &RecordView, extra: &[(&str, serde_json::Value)], out: &mut Vec<u8>) {
    let _ = write!(out, "{{\"format\":{},\"topic\":", format::VERSION);
    push_json_str(out, rec.topic);
    let _ = write!(out, ",\"partition\":{},\"offset\":{}", rec.partition, rec.offset);
    match rec.timestamp_ms {
        Some(ts) => {
            let _ = write!(out, ",\"timestamp\":{ts}");
        }
        None => out.extend_from_slice(b",\"timestamp\":null"),
    }
    match rec.timestamp_type {
        Some(t) => {
            let _ = write!(out, ",\"timestamp_type\":\"{}\"", t.name());
        }
        None => out.extend_from_slice(b",\"timestamp_type\":null"),
    }
    out.extend_from_slice(b",\"key\":");
    push_encoded(out, rec.key, b",\"key_encoding\":");
    push_headers(out, rec.headers);
    out.extend_from_slice(b",\"value\":");
    push_encoded(out, rec.value, b",\"value_encoding\":");

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

/// Key or value bytes and then their encoding field (`encoding_field` is `,"…_encoding":`):
/// `null` and `null` for none.
fn push_encoded(out: &mut Vec<u8>, bytes: Option<&[u8]>, encoding_field: &[u8]) {
    let Some(bytes) = bytes else {
        out.extend_from_slice(b"null");
        out.extend_from_slice(encoding_field);
        out.extend_from_slice(b"null");
        return;
    };
    let e = format::encode(bytes);
    match e {
        // Verbatim: `encode` only says Json for text a reader gets back byte for byte.
        Encoded::Json(s) => out.extend_from_slice(s.as_bytes()),
        Encoded::Text(s) => push_json_str(out, s),
        Encoded::Base64(b) => push_b64_str(out, b),
    }
    out.extend_from_slice(encoding_field);
    out.push(b'"');
    out.extend_from_slice(e.encoding().name().as_bytes());
    out.push(b'"');
}

/// `,"headers":[…]`: one object per header in wire order, repeats kept; a value is text, or
/// base64 with `"encoding":"base64"`, or `null`.
fn push_headers(out: &mut Vec<u8>, headers: &[(String, Option<Vec<u8>>)]) {
    out.extend_from_slice(b",\"headers\":[");
    for (i, (name, value)) in headers.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"key\":");
        push_json_str(out, name);
        out.extend_from_slice(b",\"value\":");
        match value.as_deref().map(|v| (v, std::str::from_utf8(v))) {
            None => out.extend_from_slice(b"null"),
            Some((_, Ok(s))) => push_json_str(out, s),
            Some((v, Err(_))) => {
                push_b64_str(out, v);
                out.extend_from_slice(b",\"encoding\":\"base64\"");
            }
        }
        out.push(b'}');
    }
    out.push(b']');
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
