//! jq error messages as evbus prints them: jaq's load, compile and runtime errors worded like
//! jq's, with positions as `line L, column C`, bounded in size and safe for a terminal.

use std::fmt;

/// Runtime error messages embed (possibly huge) input values; cap their size so that a program
/// failing on every record costs little and prints a readable line.
pub(super) const MAX_ERROR_LEN: usize = 300;

/// Renders `Display` into at most `max` bytes, stopping the formatter early once the budget is
/// spent (the error may embed an arbitrarily large value).
pub(super) fn bounded_display(v: &dyn fmt::Display, max: usize) -> String {
    struct Bounded {
        buf: String,
        max: usize,
        truncated: bool,
    }
    impl fmt::Write for Bounded {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let room = self.max.saturating_sub(self.buf.len());
            if s.len() <= room {
                self.buf.push_str(s);
                return Ok(());
            }
            let mut cut = room;
            while cut > 0 && !s.is_char_boundary(cut) {
                cut -= 1;
            }
            self.buf.push_str(&s[..cut]);
            self.truncated = true;
            Err(fmt::Error)
        }
    }
    let mut b = Bounded { buf: String::new(), max, truncated: false };
    let _ = fmt::write(&mut b, format_args!("{v}"));
    if b.truncated {
        b.buf.push('…');
    }
    b.buf
}

/// jq's `error("boom")` displays as the JSON literal `"boom"`; show the text like jq does.
pub(super) fn error_message(err: &jaq_json::Error) -> String {
    let shown = bounded_display(err, MAX_ERROR_LEN);
    let text = match serde_json::from_str::<String>(&shown) {
        Ok(text) if shown.starts_with('"') => text,
        _ => shown,
    };
    // Messages quote record data.
    crate::term::sanitize::for_terminal(&text).into_owned()
}

/// `line L, column C` of a slice that points into `src` (jaq reports positions as subslices).
fn position(src: &str, at: &str) -> Option<String> {
    let base = src.as_ptr() as usize;
    let p = at.as_ptr() as usize;
    if p < base || p > base + src.len() {
        return None;
    }
    Some(line_col(src, p - base))
}

/// `line L, column C` of the byte `offset` of `src` (columns count characters, from 1).
pub(super) fn line_col(src: &str, offset: usize) -> String {
    let mut end = offset.min(src.len());
    while !src.is_char_boundary(end) {
        end -= 1;
    }
    let before = &src[..end];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {col}")
}

/// A short, printable excerpt of what the parser found.
pub(super) fn found(at: &str) -> String {
    let trimmed = at.trim_start();
    if trimmed.is_empty() {
        return "end of input".to_string();
    }
    let excerpt: String = trimmed.chars().take(20).collect();
    let ellipsis = if trimmed.chars().nth(20).is_some() { "…" } else { "" };
    format!("\"{}{ellipsis}\"", crate::term::sanitize::for_terminal(&excerpt))
}

fn at(src: &str, slice: &str) -> String {
    position(src, slice).map_or_else(String::new, |p| format!(" at {p}"))
}

pub(super) fn load_errors(src: &str, errs: jaq_core::load::Errors<&str, ()>) -> String {
    use jaq_core::load::{Error, lex};
    let mut msgs = Vec::new();
    for (_file, err) in errs {
        match err {
            Error::Io(v) => msgs.extend(v.into_iter().map(|(path, e)| {
                format!(
                    "jq: cannot load module \"{}\": {}",
                    crate::term::sanitize::for_terminal(path),
                    crate::term::sanitize::for_terminal(&e)
                )
            })),
            Error::Lex(v) => msgs.extend(v.into_iter().map(|(expect, rest)| {
                // `as_str` panics for delimiters it does not know, so map them here.
                let what = match expect {
                    lex::Expect::Delim("(") => "closing parenthesis",
                    lex::Expect::Delim("[") => "closing bracket",
                    lex::Expect::Delim("{") => "closing brace",
                    lex::Expect::Delim(_) => "closing quote",
                    other => other.as_str(),
                };
                format!("jq: syntax error{}: expected {what}, found {}", at(src, rest), found(rest))
            })),
            Error::Parse(v) => msgs.extend(v.into_iter().map(|(expect, tok)| {
                format!("jq: syntax error{}: expected {}, found {}", at(src, tok), expect.as_str(), found(tok))
            })),
        }
    }
    if msgs.is_empty() {
        msgs.push("jq: invalid program".to_string());
    }
    msgs.join("\n")
}

pub(super) fn compile_errors(src: &str, errs: jaq_core::compile::Errors<&str, ()>) -> String {
    use jaq_core::compile::Undefined;
    let mut msgs = Vec::new();
    for (_file, v) in errs {
        for (name, undefined) in v {
            let name_shown = crate::term::sanitize::for_terminal(name);
            let what = match undefined {
                Undefined::Filter(arity) => format!("undefined filter \"{name_shown}/{arity}\""),
                other => format!("undefined {} \"{name_shown}\"", other.as_str()),
            };
            msgs.push(format!("jq: {what}{}", at(src, name)));
        }
    }
    if msgs.is_empty() {
        msgs.push("jq: invalid program".to_string());
    }
    msgs.join("\n")
}
