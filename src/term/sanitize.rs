//! Making untrusted text safe to print on a terminal.
//!
//! Record keys, values, header names and even topic names come from whoever produced to the
//! cluster. Printing them raw lets a producer move the cursor, recolour or clear the screen,
//! retitle the window, or (with bidi overrides) make text read differently from its bytes.
//! Everything untrusted that reaches a terminal goes through this module, which turns every
//! such character into a visible escape:
//!
//! * `\n`, `\t`, `\r` as themselves; ESC as `\x1b`; other C0 controls and DEL as `\xNN`;
//! * C1 controls (U+0080–U+009F), bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E,
//!   U+2066–U+2069) and the line/paragraph separators U+2028/U+2029 as `\u{NNNN}`;
//! * bytes that are not UTF-8 (only in the `bytes_*` functions) as `\xNN`.
//!
//! JSON bound for a terminal goes through [`json_for_terminal`] instead, which writes the same
//! characters as JSON `\uXXXX` escapes so that the output stays valid JSON meaning the same
//! thing; JSON bound for a pipe is left byte-exact.
//!
//! Backslashes are not escaped: the output is meant for human eyes, not for round-tripping,
//! and doubling every backslash in Windows paths or regexes would hurt readability more than
//! the ambiguity does.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes every control, bidi and separator character, including `\n` and `\t`.
///
/// Use this for single-line fields (topic, key, header names and values). Borrows when nothing
/// needs escaping, which is the overwhelmingly common case.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    sanitize(s, false)
}

/// Like [`for_terminal`] but keeps `\n` and `\t`, for multi-line bodies such as record values.
///
/// `\r` is still escaped: a bare carriage return lets later text overwrite what came before it
/// on the same line, which is exactly the kind of spoofing this module exists to prevent.
pub fn for_terminal_multiline(s: &str) -> Cow<'_, str> {
    sanitize(s, true)
}

/// Single-line rendering of arbitrary bytes: valid UTF-8 as in [`for_terminal`], every byte
/// that is not part of valid UTF-8 as `\xNN`.
pub fn bytes_for_terminal(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    push_bytes_for_terminal(&mut out, b, false);
    out
}

/// Multi-line variant of [`bytes_for_terminal`] (keeps `\n` and `\t`).
pub fn bytes_for_terminal_multiline(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    push_bytes_for_terminal(&mut out, b, true);
    out
}

/// Appends the sanitized form of `s` to `out`, so renderers can avoid an intermediate `String`.
pub fn push_for_terminal(out: &mut String, s: &str, multiline: bool) {
    match first_escape(s, multiline) {
        None => out.push_str(s),
        Some(i) => {
            out.push_str(&s[..i]);
            push_escaped_tail(out, &s[i..], multiline);
        }
    }
}

/// Appends the sanitized form of arbitrary bytes to `out` (invalid UTF-8 as `\xNN`).
pub fn push_bytes_for_terminal(out: &mut String, b: &[u8], multiline: bool) {
    for chunk in b.utf8_chunks() {
        push_for_terminal(out, chunk.valid(), multiline);
        for byte in chunk.invalid() {
            let _ = write!(out, "\\x{byte:02x}");
        }
    }
}

/// JSON text made safe for a terminal while staying valid JSON with the same meaning.
///
/// In valid JSON every character this module escapes can only occur inside a string, except
/// the whitespace `\n`, `\t` and `\r` between tokens, so each one becomes a `\uXXXX` escape
/// (which JSON reads back as the very same character) and `\r` becomes a space. Strings
/// already escaped by the JSON writer (C0 controls) are not touched. Use it for `-o json` on
/// a terminal only: piped JSON stays byte-exact.
pub fn json_for_terminal(s: &str) -> Cow<'_, str> {
    let Some(i) = first_escape(s, true) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..i]);
    let tail = &s[i..];
    let mut clean_from = 0;
    for (j, c) in tail.char_indices() {
        if !needs_escape(c, true) {
            continue;
        }
        out.push_str(&tail[clean_from..j]);
        clean_from = j + c.len_utf8();
        if c == '\r' {
            out.push(' ');
        } else {
            // Every escaped character is in the Basic Multilingual Plane: one \uXXXX each.
            let _ = write!(out, "\\u{:04x}", c as u32);
        }
    }
    out.push_str(&tail[clean_from..]);
    Cow::Owned(out)
}

/// True when `s` would be changed by [`for_terminal`] (or the multiline variant).
pub fn needs_escaping(s: &str, multiline: bool) -> bool {
    first_escape(s, multiline).is_some()
}

fn sanitize(s: &str, multiline: bool) -> Cow<'_, str> {
    match first_escape(s, multiline) {
        None => Cow::Borrowed(s),
        Some(i) => {
            // Escapes are at most 10 bytes for a 1-3 byte char; a little headroom avoids most
            // regrowth without over-reserving for long mostly-clean strings.
            let mut out = String::with_capacity(s.len() + 16);
            out.push_str(&s[..i]);
            push_escaped_tail(&mut out, &s[i..], multiline);
            Cow::Owned(out)
        }
    }
}

/// Byte offset of the first char that needs escaping.
///
/// Scans bytes rather than chars: everything we escape is either ASCII or starts with one of
/// the lead bytes 0xC2 (C1 controls), 0xD8 (U+061C) or 0xE2 (U+2000 block), so clean text is
/// rejected with one comparison per byte and only candidate positions get decoded. Those lead
/// bytes never occur as continuation bytes, so a candidate is always a char boundary.
fn first_escape(s: &str, multiline: bool) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let candidate = b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xd8 || b == 0xe2;
        if candidate
            && let Some(c) = s.get(i..).and_then(|rest| rest.chars().next())
            && needs_escape(c, multiline)
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

fn needs_escape(c: char, multiline: bool) -> bool {
    match c {
        '\n' | '\t' => !multiline,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        _ => is_bidi_or_separator(c),
    }
}

fn is_bidi_or_separator(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

fn push_escaped_tail(out: &mut String, s: &str, multiline: bool) {
    let mut clean_from = 0;
    for (i, c) in s.char_indices() {
        if !needs_escape(c, multiline) {
            continue;
        }
        out.push_str(&s[clean_from..i]);
        clean_from = i + c.len_utf8();
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            _ => {
                let _ = write!(out, "\\u{{{:04x}}}", c as u32);
            }
        }
    }
    out.push_str(&s[clean_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed() {
        for s in ["", "orders", "héllo wörld ✓ 日本語", "C:\\path\\x", "émoji 🎉 – dash"] {
            assert!(matches!(for_terminal(s), Cow::Borrowed(_)), "{s:?}");
            assert!(matches!(for_terminal_multiline(s), Cow::Borrowed(_)), "{s:?}");
        }
    }

    #[test]
    fn ansi_escape_injection_is_neutralised() {
        let evil = "ok\x1b[2J\x1b]0;pwned\x07\x1b[31mred";
        let out = for_terminal(evil);
        assert!(!out.contains('\x1b'));
        assert!(!out.contains('\x07'));
        assert_eq!(out, "ok\\x1b[2J\\x1b]0;pwned\\x07\\x1b[31mred");
    }

    #[test]
    fn bidi_override_is_visible() {
        // The classic "Trojan Source" trick: RLO makes "exe.txt" display reversed.
        let evil = "invoice\u{202e}txt.exe";
        let out = for_terminal(evil);
        assert_eq!(out, "invoice\\u{202e}txt.exe");
        for c in [
            '\u{061c}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}',
        ] {
            let s = format!("a{c}b");
            let out = for_terminal(&s);
            assert!(!out.contains(c), "{c:?} survived");
            assert_eq!(out, format!("a\\u{{{:04x}}}b", c as u32));
        }
    }

    #[test]
    fn c1_and_del_are_escaped() {
        assert_eq!(for_terminal("a\u{9b}31mb"), "a\\u{009b}31mb");
        assert_eq!(for_terminal("a\u{85}b"), "a\\u{0085}b");
        assert_eq!(for_terminal("a\x7fb"), "a\\x7fb");
        assert_eq!(for_terminal("\0"), "\\x00");
        // Neighbours of the escaped ranges stay as they are.
        assert_eq!(for_terminal("\u{a0}\u{2010}\u{2030}\u{2065}\u{206a}"), "\u{a0}\u{2010}\u{2030}\u{2065}\u{206a}");
    }

    #[test]
    fn single_line_vs_multiline() {
        let s = "line1\n\tline2\r\n";
        assert_eq!(for_terminal(s), "line1\\n\\tline2\\r\\n");
        assert_eq!(for_terminal_multiline(s), "line1\n\tline2\\r\n");
        assert!(matches!(for_terminal_multiline("a\nb\tc"), Cow::Borrowed(_)));
        assert!(needs_escaping("a\nb", false));
        assert!(!needs_escaping("a\nb", true));
    }

    #[test]
    fn bytes_with_invalid_utf8() {
        assert_eq!(bytes_for_terminal(b"ab\xff\xfecd"), "ab\\xff\\xfecd");
        assert_eq!(bytes_for_terminal(b"\x1b[0m\xc3"), "\\x1b[0m\\xc3");
        assert_eq!(bytes_for_terminal("ünï".as_bytes()), "ünï");
        assert_eq!(bytes_for_terminal(b"a\nb"), "a\\nb");
        assert_eq!(bytes_for_terminal_multiline(b"a\nb\x80"), "a\nb\\x80");
        // A raw 0x9b byte is not UTF-8 and becomes \x9b rather than being passed through.
        assert_eq!(bytes_for_terminal(b"\x9b2J"), "\\x9b2J");
    }

    #[test]
    fn json_for_terminal_stays_the_same_json() {
        let v = serde_json::json!({
            "topic": "t\u{202e}gpj.exe",
            "value": "a\u{9b}31mb\u{7f}\u{2028}\u{200f}\x1b[2J",
            "k\u{2066}": ["x\ny"],
        });
        for text in [serde_json::to_string(&v).unwrap(), serde_json::to_string_pretty(&v).unwrap()] {
            let safe = json_for_terminal(&text);
            for bad in ['\u{202e}', '\u{9b}', '\u{7f}', '\u{2028}', '\u{200f}', '\u{2066}', '\x1b'] {
                assert!(!safe.contains(bad), "{bad:?} in {safe}");
            }
            assert!(safe.contains("t\\u202egpj.exe"), "{safe}");
            let back: serde_json::Value = serde_json::from_str(&safe).expect("still JSON");
            assert_eq!(back, v);
        }
        // Layout newlines of pretty JSON are kept; clean JSON is borrowed.
        let pretty = json_for_terminal("{\n  \"a\": 1\n}");
        assert!(matches!(pretty, Cow::Borrowed(_)));
        assert_eq!(json_for_terminal("{\"a\":1}\r\n"), "{\"a\":1} \n");
    }

    #[test]
    fn escaping_is_idempotent_on_output() {
        let once = for_terminal("x\x1by\u{202e}z").into_owned();
        assert_eq!(for_terminal(&once), once.as_str());
    }
}
