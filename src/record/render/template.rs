//! kcat's `-f` format strings: parsed once, rendered per record.

use std::io::Write as _;

use crate::record::view::RecordView;
use crate::term::sanitize::{push_bytes_for_terminal, push_for_terminal};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
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
    pub(super) parts: Vec<Part>,
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
