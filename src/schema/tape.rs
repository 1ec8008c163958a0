//! A flat, reusable "tape" encoding of one JSON document, validated by the JSON Schema validator
//! in place of a `serde_json::Value`.
//!
//! Validating JSON Lines input used to spend most of its time building and dropping a `Value` per
//! line (map inserts, one allocation per string, container and member). A [`Tape`] is kept per
//! thread and refilled for each line: strings without escapes are byte ranges of the line itself,
//! the rest lives in buffers that are cleared, never freed, so a warmed-up tape parses a line
//! without allocating.
//!
//! A line is accepted or rejected exactly as `serde_json::from_slice::<Value>` would, with the
//! same error (recursion limit included), and numbers keep `Value`'s semantics (they are stored
//! as the `serde_json::Number` the `Value` would hold). Lines in the common subset (no escapes,
//! integer numbers, modest nesting) are parsed by a small parser here that builds the same tape
//! (the tests compare the two entry by entry); everything else, errors included, goes through
//! serde_json's own parser driving a visitor that appends to the tape. The one difference: a line
//! of 4 GiB or more is rejected, because the tape stores offsets as `u32`.
//!
//! Objects look like `Value`'s objects: for a repeated member name only the last value counts
//! (`len`, `get`, `members`, `to_value`). [`Object::members`] yields members in input order (each
//! repeated name at the place of its last occurrence), not in `Value`'s sorted order; validation
//! does not depend on member order.
//!
//! One job in one file although it is long: the writers (the fast parser, the serde visitor) and
//! the readers (nodes, objects, arrays, the validator's `Json` impl) share the tape's private
//! layout (entry kinds, offsets into the line or the buffers, last-wins members); split apart,
//! that layout would have to become visible to the whole crate.

use std::borrow::Cow;
use std::fmt;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node, NodeIdentity, Object, cmp};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The representation the tape validator is built for: `jsonschema::options_for::<TapeJson>()`.
pub struct TapeJson;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Null,
    False,
    True,
    Number,
    /// Text in the input line: an unescaped string is its own decoding.
    Str,
    /// Text in the arena: a string that had escapes.
    ArenaStr,
    Array,
    Object,
}

const NAME_IN_ARENA: u8 = 1;
/// An object member whose name occurs again later in the same object (`Value` keeps the last).
const SHADOWED: u8 = 2;
/// An object with a sorted index of its members in `Tape::sorted`.
const INDEXED: u8 = 4;

/// Objects with more members than this find repeated names by sorting instead of pairwise, and
/// keep the sorted order to look members up by binary search instead of scanning.
const SMALL_OBJECT: u32 = 16;

/// One value, in document order (a container precedes its descendants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    tag: Tag,
    flags: u8,
    /// Index just past this value's subtree: the next sibling, if any.
    next: u32,
    /// String: byte range. Number: index into `numbers` (`a`). Container: distinct members or
    /// elements (`a`); for an `INDEXED` object, where its index starts in `Tape::sorted` (`b`).
    a: u32,
    b: u32,
    /// For object members, the name's byte range (in the line, or in the arena per `flags`).
    name_start: u32,
    name_end: u32,
}

impl Entry {
    fn new(tag: Tag, index: usize) -> Entry {
        Entry { tag, flags: 0, next: offset(index + 1), a: 0, b: 0, name_start: 0, name_end: 0 }
    }
}

/// Every offset is bounded by the line length, which `parse` caps at `u32::MAX`.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reusable storage for the encoding of one JSON document at a time. Keep one per thread and call
/// [`Tape::parse`] per line; the buffers keep their capacity.
#[derive(Debug, Default)]
pub struct Tape {
    entries: Vec<Entry>,
    numbers: Vec<Number>,
    /// Decoded text of the strings and member names that had escapes.
    arena: String,
    /// Members of the objects being built, innermost object's last: where repeated names are
    /// searched when an object closes.
    members: Vec<Member>,
    /// Indices of the members of large objects, sorted by name, one run per object.
    sorted: Vec<u32>,
}

impl Tape {
    pub fn new() -> Tape {
        Tape::default()
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.numbers.clear();
        self.arena.clear();
        self.sorted.clear();
        self.members.clear();
    }

    /// Encodes `line` (one JSON document, surrounding whitespace allowed), replacing the previous
    /// document. Accepts and rejects exactly what `serde_json::from_slice::<Value>` does, with
    /// the same error; lines of 4 GiB or more are also rejected.
    pub fn parse<'a>(&'a mut self, line: &'a [u8]) -> Result<TapeDoc<'a>, serde_json::Error> {
        self.encode(line, true)
    }

    fn encode<'a>(&'a mut self, line: &'a [u8], fast: bool) -> Result<TapeDoc<'a>, serde_json::Error> {
        self.clear();
        if u32::try_from(line.len()).is_err() {
            return Err(de::Error::custom("line too long (4 GiB or more) to validate"));
        }
        if !fast || Fast::parse(self, line).is_none() {
            self.clear();
            let mut de = serde_json::Deserializer::from_slice(line);
            Sink { tape: self, input: line }.deserialize(&mut de)?;
            de.end()?;
        }
        // Cannot fail: the strings were checked, and everything else in valid JSON is ASCII.
        let text = std::str::from_utf8(line).map_err(de::Error::custom)?;
        Ok(TapeDoc { tape: self, text })
    }

    /// Test hook: [`Tape::parse`] without the fast path, always through serde_json.
    #[cfg(test)]
    pub(crate) fn parse_with_serde<'a>(&'a mut self, line: &'a [u8]) -> Result<TapeDoc<'a>, serde_json::Error> {
        self.encode(line, false)
    }

    /// Test hook: whether the fast path takes `line` (without leaving a usable document).
    #[cfg(test)]
    pub(crate) fn fast_path_takes(&mut self, line: &[u8]) -> bool {
        self.clear();
        Fast::parse(self, line).is_some()
    }

    /// Test hook: whether two tapes hold the same encoding, entry for entry.
    #[cfg(test)]
    pub(crate) fn same_encoding(&self, other: &Tape) -> bool {
        self.entries == other.entries
            && self.numbers == other.numbers
            && self.arena == other.arena
            && self.sorted == other.sorted
    }

    fn push(&mut self, tag: Tag) -> usize {
        let index = self.entries.len();
        self.entries.push(Entry::new(tag, index));
        index
    }

    fn push_number(&mut self, n: Number) {
        let at = offset(self.numbers.len());
        self.numbers.push(n);
        let index = self.push(Tag::Number);
        self.entries[index].a = at;
    }

    /// Places `s` (a string that needed decoding, or one not inside the line) in the arena.
    fn arena_span(&mut self, s: &str) -> (u32, u32) {
        let start = offset(self.arena.len());
        self.arena.push_str(s);
        (start, offset(self.arena.len()))
    }

    fn push_text(&mut self, span: Text) {
        let index = self.push(if span.in_arena { Tag::ArenaStr } else { Tag::Str });
        let e = &mut self.entries[index];
        (e.a, e.b) = (span.start, span.end);
    }

    /// Names the value just pushed at `index` as a member of the innermost open object.
    fn name_member(&mut self, index: usize, name: Text) {
        if let Some(e) = self.entries.get_mut(index) {
            (e.name_start, e.name_end) = (name.start, name.end);
            if name.in_arena {
                e.flags |= NAME_IN_ARENA;
            }
            self.members.push(Member { index: offset(index), name });
        }
    }

    /// Ends the array opened at `index`, whose descendants are everything pushed since.
    fn close_array(&mut self, index: usize, count: u32) {
        let end = offset(self.entries.len());
        let e = &mut self.entries[index];
        (e.next, e.a) = (end, count);
    }

    /// Ends the object opened at `index`, whose members are `members[base..]`.
    fn close_object(&mut self, index: usize, base: usize, input: &[u8]) {
        let count = offset(self.members.len().saturating_sub(base));
        let shadowed = match count {
            0 | 1 => 0,
            2..=SMALL_OBJECT => self.mark_repeated(base, input),
            _ => self.index_members(index, base, input),
        };
        self.members.truncate(base);
        let end = offset(self.entries.len());
        let e = &mut self.entries[index];
        (e.next, e.a) = (end, count - shadowed);
    }

    /// Flags every member in `members[base..]` whose name occurs again later in it, and returns
    /// how many were flagged.
    fn mark_repeated(&mut self, base: usize, input: &[u8]) -> u32 {
        let arena = self.arena.as_bytes();
        let members = self.members.get(base..).unwrap_or_default();
        let mut shadowed = 0;
        for (k, m) in members.iter().enumerate() {
            // Lengths first: most names differ in length, and those need no slicing.
            let len = m.name.len();
            let repeated = members[k + 1..]
                .iter()
                .any(|later| later.name.len() == len && later.name.bytes(arena, input) == m.name.bytes(arena, input));
            if repeated {
                self.entries[m.index as usize].flags |= SHADOWED;
                shadowed += 1;
            }
        }
        shadowed
    }

    /// For a large object: finds repeated names by sorting, and keeps the sorted order as the
    /// object's index. Returns how many members were flagged.
    #[inline(never)]
    fn index_members(&mut self, index: usize, base: usize, input: &[u8]) -> u32 {
        let arena = self.arena.as_bytes();
        let Some(members) = self.members.get_mut(base..) else { return 0 };
        // Equal names end up adjacent, in document order: all but the last of each run lose.
        members.sort_unstable_by(|x, y| {
            x.name.bytes(arena, input).cmp(y.name.bytes(arena, input)).then(x.index.cmp(&y.index))
        });
        let first_sorted = offset(self.sorted.len());
        let mut shadowed = 0;
        for (k, m) in members.iter().enumerate() {
            if members.get(k + 1).is_some_and(|later| later.name.bytes(arena, input) == m.name.bytes(arena, input)) {
                self.entries[m.index as usize].flags |= SHADOWED;
                shadowed += 1;
            } else {
                self.sorted.push(m.index);
            }
        }
        let e = &mut self.entries[index];
        e.b = first_sorted;
        e.flags |= INDEXED;
        shadowed
    }
}

/// A member of an object being built.
#[derive(Clone, Copy, Debug)]
struct Member {
    index: u32,
    name: Text,
}

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
struct Fast<'t, 'i> {
    tape: &'t mut Tape,
    input: &'i [u8],
    pos: usize,
}

impl Fast<'_, '_> {
    fn parse(tape: &mut Tape, input: &[u8]) -> Option<()> {
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

/// Where a string's text is: a byte range of the line or of the arena.
#[derive(Clone, Copy, Debug)]
struct Text {
    start: u32,
    end: u32,
    in_arena: bool,
}

impl Text {
    fn len(self) -> u32 {
        self.end.wrapping_sub(self.start)
    }

    /// The text while the tape is built (before there is a document to read it through).
    fn bytes<'x>(self, arena: &'x [u8], input: &'x [u8]) -> &'x [u8] {
        let text = if self.in_arena { arena } else { input };
        text.get(self.start as usize..self.end as usize).unwrap_or_default()
    }
}

/// Where `s`, handed over by the parser, lies: in `input` when it is a slice of it (a string
/// without escapes), else copied into the arena.
fn locate(tape: &mut Tape, input: &[u8], s: &str) -> Text {
    let start = (s.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    if start <= input.len() && s.len() <= input.len() - start {
        return Text { start: offset(start), end: offset(start + s.len()), in_arena: false };
    }
    copy(tape, s)
}

fn copy(tape: &mut Tape, s: &str) -> Text {
    let (start, end) = tape.arena_span(s);
    Text { start, end, in_arena: true }
}

/// Appends one value to the tape. Its visitor methods mirror `Value`'s `Deserialize` impl, so the
/// tape holds exactly what the `Value` would.
struct Sink<'t, 'de> {
    tape: &'t mut Tape,
    input: &'de [u8],
}

impl<'de> DeserializeSeed<'de> for Sink<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sink<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.tape.push(if v { Tag::True } else { Tag::False });
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.tape.push_number(v.into());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.tape.push_number(v.into());
        Ok(())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        let n = <Number as de::Deserialize>::deserialize(de::value::I128Deserializer::<E>::new(v))?;
        self.tape.push_number(n);
        Ok(())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        let n = <Number as de::Deserialize>::deserialize(de::value::U128Deserializer::<E>::new(v))?;
        self.tape.push_number(n);
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // `Value` turns a non-finite float into null; serde_json never produces one from text.
        match Number::from_f64(v) {
            Some(n) => self.tape.push_number(n),
            None => {
                self.tape.push(Tag::Null);
            }
        }
        Ok(())
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        let text = locate(self.tape, self.input, v);
        self.tape.push_text(text);
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let text = copy(self.tape, v);
        self.tape.push_text(text);
        Ok(())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.visit_str(&v)
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.tape.push(Tag::Null);
        Ok(())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.tape.push(Tag::Null);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Sink { tape, input } = self;
        let index = tape.push(Tag::Array);
        let mut count = 0u32;
        while seq.next_element_seed(Sink { tape: &mut *tape, input })?.is_some() {
            count += 1;
        }
        tape.close_array(index, count);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Sink { tape, input } = self;
        let index = tape.push(Tag::Object);
        let base = tape.members.len();
        while let Some(name) = map.next_key_seed(NameSink { tape: &mut *tape, input })? {
            let member = tape.entries.len();
            map.next_value_seed(Sink { tape: &mut *tape, input })?;
            tape.name_member(member, name);
        }
        tape.close_object(index, base, input);
        Ok(())
    }
}

/// Reads a member name, the way `Value` does (`deserialize_str`).
struct NameSink<'t, 'de> {
    tape: &'t mut Tape,
    input: &'de [u8],
}

impl<'de> DeserializeSeed<'de> for NameSink<'_, 'de> {
    type Value = Text;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameSink<'_, 'de> {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text, E> {
        Ok(locate(self.tape, self.input, v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Text, E> {
        Ok(copy(self.tape, v))
    }

    fn visit_string<E>(self, v: String) -> Result<Text, E> {
        Ok(copy(self.tape, &v))
    }
}

/// One parsed document: the tape and the line it points into. Cheap to copy.
#[derive(Clone, Copy)]
pub struct TapeDoc<'a> {
    tape: &'a Tape,
    text: &'a str,
}

impl fmt::Debug for TapeDoc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TapeDoc({})", self.to_value())
    }
}

impl<'a> TapeDoc<'a> {
    /// The document's value, the node to validate.
    pub fn root(&self) -> TapeNode<'a> {
        TapeNode { doc: *self, index: 0 }
    }

    /// The `Value` that `serde_json::from_slice` makes of the line.
    pub fn to_value(&self) -> Value {
        self.root().value()
    }

    /// The root object's `eventType` member, when it is a string.
    pub fn event_type(&self) -> Option<&'a str> {
        self.root().event_type()
    }

    /// `produce`'s `key_at` (dot path; members by name, elements by index; a string's text, any
    /// other scalar in JSON, nothing for null or a container) on this document.
    pub fn key_at(&self, path: &str) -> Option<String> {
        self.root().key_at(path)
    }
}

/// A value in a [`TapeDoc`].
#[derive(Clone, Copy)]
pub struct TapeNode<'a> {
    doc: TapeDoc<'a>,
    index: u32,
}

impl fmt::Debug for TapeNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TapeNode({})", self.value())
    }
}

impl<'a> TapeNode<'a> {
    fn at(&self, index: usize) -> TapeNode<'a> {
        TapeNode { doc: self.doc, index: offset(index) }
    }

    fn entry(&self) -> &'a Entry {
        &self.doc.tape.entries[self.index as usize]
    }

    fn text(&self, in_arena: bool, start: u32, end: u32) -> &'a str {
        let text = if in_arena { self.doc.tape.arena.as_str() } else { self.doc.text };
        text.get(start as usize..end as usize).unwrap_or_default()
    }

    fn str(&self) -> Option<&'a str> {
        let e = self.entry();
        match e.tag {
            Tag::Str => Some(self.text(false, e.a, e.b)),
            Tag::ArenaStr => Some(self.text(true, e.a, e.b)),
            _ => None,
        }
    }

    fn number(&self) -> Option<&'a Number> {
        let e = self.entry();
        if e.tag == Tag::Number { self.doc.tape.numbers.get(e.a as usize) } else { None }
    }

    fn name(&self) -> &'a str {
        let e = self.entry();
        self.text(e.flags & NAME_IN_ARENA != 0, e.name_start, e.name_end)
    }

    /// Children: members of an object (repeated names included) or elements of an array.
    fn children(&self) -> Children<'a> {
        let e = self.entry();
        let end = match e.tag {
            Tag::Array | Tag::Object => e.next,
            _ => self.index + 1,
        };
        Children { node: *self, pos: self.index + 1, end }
    }

    /// The member named `key`, the last one if the name repeats.
    fn member(&self, key: &str) -> Option<TapeNode<'a>> {
        let e = self.entry();
        if e.tag != Tag::Object {
            return None;
        }
        if e.flags & INDEXED != 0 {
            return self.indexed_member(e, key);
        }
        self.children().find(|m| m.entry().flags & SHADOWED == 0 && m.name().as_bytes() == key.as_bytes())
    }

    #[inline(never)]
    fn indexed_member(&self, e: &Entry, key: &str) -> Option<TapeNode<'a>> {
        let start = e.b as usize;
        let sorted = self.doc.tape.sorted.get(start..start + e.a as usize)?;
        let found = sorted.binary_search_by(|&m| self.at(m as usize).name().as_bytes().cmp(key.as_bytes())).ok()?;
        Some(self.at(sorted[found] as usize))
    }

    fn element(&self, n: usize) -> Option<TapeNode<'a>> {
        if self.entry().tag != Tag::Array {
            return None;
        }
        self.children().nth(n)
    }

    fn value(&self) -> Value {
        let e = self.entry();
        match e.tag {
            Tag::Null => Value::Null,
            Tag::False => Value::Bool(false),
            Tag::True => Value::Bool(true),
            Tag::Number => self.number().map_or(Value::Null, |n| Value::Number(n.clone())),
            Tag::Str | Tag::ArenaStr => Value::String(self.str().unwrap_or_default().to_owned()),
            Tag::Array => Value::Array(self.children().map(|c| c.value()).collect()),
            Tag::Object => {
                // Every member in order, repeated names included: inserting them is what
                // serde_json does, so the map comes out the same whatever its ordering.
                let mut map = Map::new();
                for m in self.children() {
                    map.insert(m.name().to_owned(), m.value());
                }
                Value::Object(map)
            }
        }
    }

    /// The `eventType` member of this object, when it is a string: what
    /// [`envelope::field_str`](crate::record::envelope::field_str) reads from a `Value`.
    pub fn event_type(&self) -> Option<&'a str> {
        self.member(crate::record::envelope::FIELD)?.str()
    }

    /// `produce`'s `key_at` on this value: see [`TapeDoc::key_at`].
    pub fn key_at(&self, path: &str) -> Option<String> {
        let mut cur = *self;
        for part in path.split('.') {
            cur = match cur.entry().tag {
                Tag::Object => cur.member(part)?,
                Tag::Array => cur.element(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        match cur.entry().tag {
            Tag::Str | Tag::ArenaStr => cur.str().map(str::to_owned),
            Tag::Null | Tag::Object | Tag::Array => None,
            // Exactly `Value`'s rendering of the scalar.
            _ => Some(cur.value().to_string()),
        }
    }

    fn equals(&self, expected: &Value) -> bool {
        match (self.entry().tag, expected) {
            (Tag::Null, Value::Null) => true,
            (Tag::False, Value::Bool(b)) => !*b,
            (Tag::True, Value::Bool(b)) => *b,
            (Tag::Number, Value::Number(n)) => self.number().is_some_and(|mine| cmp::equal_numbers(&mine, n)),
            (Tag::Str | Tag::ArenaStr, Value::String(s)) => self.str() == Some(s.as_str()),
            (Tag::Array, Value::Array(items)) => {
                self.entry().a as usize == items.len() && self.children().zip(items).all(|(c, v)| c.equals(v))
            }
            // Same number of distinct names, each of `expected`'s found and equal: the same object.
            (Tag::Object, Value::Object(map)) => {
                self.entry().a as usize == map.len()
                    && map.iter().all(|(k, v)| self.member(k).is_some_and(|m| m.equals(v)))
            }
            _ => false,
        }
    }
}

/// Children of a container, in document order, shadowed members included.
#[derive(Clone)]
struct Children<'a> {
    node: TapeNode<'a>,
    pos: u32,
    end: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = TapeNode<'a>;

    fn next(&mut self) -> Option<TapeNode<'a>> {
        if self.pos >= self.end {
            return None;
        }
        let child = self.node.at(self.pos as usize);
        // `max` keeps a corrupt `next` from looping forever.
        self.pos = child.entry().next.max(self.pos + 1);
        Some(child)
    }
}

impl Json for TapeJson {
    type Node<'a> = TapeNode<'a>;
    type PreparedKey = String;
    type StringBuffer = Tape;

    // `get` scans the members of small objects, so one members pass beats several lookups
    // there; large objects have a sorted index, and lookups are binary searches.
    const KEYS_PER_LOOKUP: usize = SMALL_OBJECT as usize;
    const ACYCLIC: bool = true;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut Tape, string: &str, f: impl FnOnce(TapeNode<'_>) -> T) -> T {
        buffer.clear();
        let text = copy(buffer, string);
        buffer.push_text(text);
        f(TapeDoc { tape: buffer, text: "" }.root())
    }
}

impl<'a> Node<'a, TapeJson> for TapeNode<'a> {
    type Object = TapeObject<'a>;
    type Array = TapeArray<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<TapeObject<'a>> {
        (self.entry().tag == Tag::Object).then_some(TapeObject(*self))
    }

    fn as_array(&self) -> Option<TapeArray<'a>> {
        (self.entry().tag == Tag::Array).then_some(TapeArray(*self))
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        self.str().map(Cow::Borrowed)
    }

    fn as_number(&self) -> Option<&'a Number> {
        self.number()
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.entry().tag {
            Tag::False => Some(false),
            Tag::True => Some(true),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.entry().tag == Tag::Null
    }

    fn is_number(&self) -> bool {
        self.entry().tag == Tag::Number
    }

    fn is_string(&self) -> bool {
        matches!(self.entry().tag, Tag::Str | Tag::ArenaStr)
    }

    fn json_type(&self) -> JsonType {
        match self.entry().tag {
            Tag::Null => JsonType::Null,
            Tag::False | Tag::True => JsonType::Boolean,
            Tag::Number => JsonType::Number,
            Tag::Str | Tag::ArenaStr => JsonType::String,
            Tag::Array => JsonType::Array,
            Tag::Object => JsonType::Object,
        }
    }

    fn string_length(&self) -> Option<u64> {
        self.str().map(|s| s.chars().count() as u64)
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let s = self.str()?;
        // A code point takes one to four bytes, so the count lies in `ceil(bytes / 4)..=bytes`.
        let bytes = s.len() as u64;
        let fewest = bytes.div_ceil(4);
        if bytes < min || fewest > max {
            return Some(false);
        }
        if min <= fewest && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(s.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &Value) -> bool {
        self.equals(expected)
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.value())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        // Index within the tape; the tape's address tells documents apart (the parsed line
        // from the scratch tapes of `with_string_node`).
        Some(NodeIdentity::tagged(std::ptr::from_ref(self.doc.tape) as usize, self.index))
    }
}

/// An object node of a [`TapeDoc`].
#[derive(Clone, Copy, Debug)]
pub struct TapeObject<'a>(TapeNode<'a>);

impl<'a> Object<'a, TapeJson> for TapeObject<'a> {
    type Node = TapeNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.0.entry().a as usize
    }

    fn get(&self, key: &String) -> Option<TapeNode<'a>> {
        self.0.member(key)
    }

    fn members(&self) -> Members<'a> {
        Members(self.0.children())
    }
}

/// Members of an object in input order, each repeated name once (its last occurrence).
pub struct Members<'a>(Children<'a>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, TapeNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.by_ref().find(|m| m.entry().flags & SHADOWED == 0).map(|m| (m.name(), m))
    }
}

/// An array node of a [`TapeDoc`].
#[derive(Clone, Copy, Debug)]
pub struct TapeArray<'a>(TapeNode<'a>);

impl<'a> Array<'a, TapeJson> for TapeArray<'a> {
    type Node = TapeNode<'a>;
    type ElementsIter = Elements<'a>;

    fn len(&self) -> usize {
        self.0.entry().a as usize
    }

    fn elements(&self) -> Elements<'a> {
        Elements(self.0.children())
    }
}

/// Elements of an array, in order.
pub struct Elements<'a>(Children<'a>);

impl<'a> Iterator for Elements<'a> {
    type Item = TapeNode<'a>;

    fn next(&mut self) -> Option<TapeNode<'a>> {
        self.0.next()
    }
}
