//! The human format: a header line, the headers, and the value re-indented when it is JSON;
//! every untrusted string goes through [`crate::term::sanitize`] first.

use std::fmt::Write as _;

use crate::record::view::{RecordView, ValueKind, classify};
use crate::term::sanitize::{push_bytes_for_terminal, push_for_terminal};

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
    match ts.and_then(crate::term::time::rfc3339_ms) {
        Some(text) => out.push_str(&text),
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
pub(super) fn reindent_json(s: &str, limit: usize, out: &mut String) {
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
