//! The tape's fast path: a small JSON parser for the common subset (no escapes, integer numbers,
//! modest nesting) that writes the same tape serde_json's path would, at well under half the
//! cost. Whatever it does not take goes to `super::visit`.

use serde_json::Number;

use super::{Tag, Tape, Text, offset};

/// Nesting the fast path handles; serde_json's limit is 128, and deeper lines are its to judge.
const FAST_MAX_DEPTH: usize = 64;

/// `FAST_BYTE[b]`: what `b` means inside a string for the fast path. Quote and backslash end
/// the plain run, control characters are errors, bytes past ASCII need UTF-8 validation.
const PLAIN: u8 = 0;
const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const CONTROL: u8 = 3;
const HIGH: u8 = 4;
const FAST_BYTE: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b {
            0x00..=0x1f => CONTROL,
            0x22 => QUOTE,
            0x5c => BACKSLASH,
            0x80..=0xff => HIGH,
            _ => PLAIN,
        };
        b += 1;
    }
    t
};

/// The common case without serde_json: lines whose strings have no escapes and whose numbers
/// are integers that fit `u64`/`i64` (not `-0`). Anything else, errors included, returns `None`
/// and the line goes through serde_json, whose verdict (and error) counts; so this accepts a
/// subset of what serde_json accepts and builds the same tape for it (tested entry by entry).
/// Parsing a typical event through serde_json costs well over twice as much (its visitor
/// interface, and a UTF-8 check of every string where this only checks strings past ASCII).
pub(super) struct Fast<'t, 'i> {
    tape: &'t mut Tape,
    input: &'i [u8],
    pos: usize,
}

impl Fast<'_, '_> {
    pub(super) fn parse(tape: &mut Tape, input: &[u8]) -> Option<()> {
        let mut p = Fast { tape, input, pos: 0 };
        p.skip_ws();
        p.value(0)?;
        p.skip_ws();
        (p.pos == input.len()).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8], tag: Tag) -> Option<()> {
        if !self.input.get(self.pos..)?.starts_with(word) {
            return None;
        }
        self.pos += word.len();
        self.tape.push(tag);
        Some(())
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => {
                let text = self.string()?;
                self.tape.push_text(text);
                Some(())
            }
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b't' => self.literal(b"true", Tag::True),
            b'f' => self.literal(b"false", Tag::False),
            b'n' => self.literal(b"null", Tag::Null),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    /// A string without escapes, starting at the opening quote.
    fn string(&mut self) -> Option<Text> {
        let start = self.pos + 1;
        let mut i = start;
        let mut high = false;
        loop {
            match FAST_BYTE[usize::from(*self.input.get(i)?)] {
                PLAIN => {}
                HIGH => high = true,
                QUOTE => break,
                _ => return None,
            }
            i += 1;
        }
        // serde_json checks each string's UTF-8, and rejects the line if one is malformed.
        if high {
            std::str::from_utf8(&self.input[start..i]).ok()?;
        }
        self.pos = i + 1;
        Some(Text { start: offset(start), end: offset(i), in_arena: false })
    }

    /// What serde_json reads as `u64` (non-negative) or `i64` (negative, not `-0`).
    fn integer(&mut self) -> Option<()> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let first = self.pos;
        let mut n: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.pos += 1;
        }
        let digits = self.pos - first;
        if digits == 0 || (digits > 1 && self.input[first] == b'0') || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let number = if !negative {
            Number::from(n)
        } else if (1..=1 << 63).contains(&n) {
            Number::from((n as i64).wrapping_neg())
        } else {
            return None;
        };
        self.tape.push_number(number);
        Some(())
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > FAST_MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let index = self.tape.push(Tag::Array);
        let mut count = 0u32;
        self.skip_ws();
        if self.peek()? != b']' {
            loop {
                self.value(depth)?;
                count += 1;
                self.skip_ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    b']' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.tape.close_array(index, count);
        Some(())
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        if depth > FAST_MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        let index = self.tape.push(Tag::Object);
        let base = self.tape.members.len();
        self.skip_ws();
        if self.peek()? != b'}' {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                let name = self.string()?;
                self.skip_ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.pos += 1;
                self.skip_ws();
                let member = self.tape.entries.len();
                self.value(depth)?;
                self.tape.name_member(member, name);
                self.skip_ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.skip_ws();
                    }
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        self.tape.close_object(index, base, self.input);
        Some(())
    }
}
