//! The tape's layout (entries, flags, the arena) and its writing primitives, shared by the two
//! parsers ([`super::fast`], [`super::visit`]) and read back by [`super::read`].

use serde::de::{self, DeserializeSeed};
use serde_json::Number;

use super::fast::Fast;
use super::read::TapeDoc;
use super::visit::Sink;

/// The representation the tape validator is built for: `jsonschema::options_for::<TapeJson>()`.
pub struct TapeJson;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tag {
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

pub(super) const NAME_IN_ARENA: u8 = 1;
/// An object member whose name occurs again later in the same object (`Value` keeps the last).
pub(super) const SHADOWED: u8 = 2;
/// An object with a sorted index of its members in `Tape::sorted`.
pub(super) const INDEXED: u8 = 4;

/// Objects with more members than this find repeated names by sorting instead of pairwise, and
/// keep the sorted order to look members up by binary search instead of scanning.
pub(super) const SMALL_OBJECT: u32 = 16;

/// One value, in document order (a container precedes its descendants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Entry {
    pub(super) tag: Tag,
    pub(super) flags: u8,
    /// Index just past this value's subtree: the next sibling, if any.
    pub(super) next: u32,
    /// String: byte range. Number: index into `numbers` (`a`). Container: distinct members or
    /// elements (`a`); for an `INDEXED` object, where its index starts in `Tape::sorted` (`b`).
    pub(super) a: u32,
    pub(super) b: u32,
    /// For object members, the name's byte range (in the line, or in the arena per `flags`).
    pub(super) name_start: u32,
    pub(super) name_end: u32,
}

impl Entry {
    #[inline]
    pub(super) fn new(tag: Tag, index: usize) -> Entry {
        Entry { tag, flags: 0, next: offset(index + 1), a: 0, b: 0, name_start: 0, name_end: 0 }
    }
}

/// Every offset is bounded by the line length, which `parse` caps at `u32::MAX`.
#[inline]
pub(super) fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Reusable storage for the encoding of one JSON document at a time. Keep one per thread and call
/// [`Tape::parse`] per line; the buffers keep their capacity.
#[derive(Debug, Default)]
pub struct Tape {
    pub(super) entries: Vec<Entry>,
    pub(super) numbers: Vec<Number>,
    /// Decoded text of the strings and member names that had escapes.
    pub(super) arena: String,
    /// Members of the objects being built, innermost object's last: where repeated names are
    /// searched when an object closes.
    pub(super) members: Vec<Member>,
    /// Indices of the members of large objects, sorted by name, one run per object.
    pub(super) sorted: Vec<u32>,
}

impl Tape {
    /// An empty tape; buffers grow on the first parses and are then reused.
    pub fn new() -> Tape {
        Tape::default()
    }

    pub(super) fn clear(&mut self) {
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

    pub(super) fn encode<'a>(&'a mut self, line: &'a [u8], fast: bool) -> Result<TapeDoc<'a>, serde_json::Error> {
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

    #[inline]
    pub(super) fn push(&mut self, tag: Tag) -> usize {
        let index = self.entries.len();
        self.entries.push(Entry::new(tag, index));
        index
    }

    #[inline]
    pub(super) fn push_number(&mut self, n: Number) {
        let at = offset(self.numbers.len());
        self.numbers.push(n);
        let index = self.push(Tag::Number);
        self.entries[index].a = at;
    }

    /// Places `s` (a string that needed decoding, or one not inside the line) in the arena.
    pub(super) fn arena_span(&mut self, s: &str) -> (u32, u32) {
        let start = offset(self.arena.len());
        self.arena.push_str(s);
        (start, offset(self.arena.len()))
    }

    #[inline]
    pub(super) fn push_text(&mut self, span: Text) {
        let index = self.push(if span.in_arena { Tag::ArenaStr } else { Tag::Str });
        let e = &mut self.entries[index];
        (e.a, e.b) = (span.start, span.end);
    }

    /// Names the value just pushed at `index` as a member of the innermost open object.
    pub(super) fn name_member(&mut self, index: usize, name: Text) {
        if let Some(e) = self.entries.get_mut(index) {
            (e.name_start, e.name_end) = (name.start, name.end);
            if name.in_arena {
                e.flags |= NAME_IN_ARENA;
            }
            self.members.push(Member { index: offset(index), name });
        }
    }

    /// Ends the array opened at `index`, whose descendants are everything pushed since.
    pub(super) fn close_array(&mut self, index: usize, count: u32) {
        let end = offset(self.entries.len());
        let e = &mut self.entries[index];
        (e.next, e.a) = (end, count);
    }

    /// Ends the object opened at `index`, whose members are `members[base..]`.
    pub(super) fn close_object(&mut self, index: usize, base: usize, input: &[u8]) {
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
    pub(super) fn mark_repeated(&mut self, base: usize, input: &[u8]) -> u32 {
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
    pub(super) fn index_members(&mut self, index: usize, base: usize, input: &[u8]) -> u32 {
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
pub(super) struct Member {
    pub(super) index: u32,
    pub(super) name: Text,
}

/// Where a string's text is: a byte range of the line or of the arena.
#[derive(Clone, Copy, Debug)]
pub(super) struct Text {
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) in_arena: bool,
}

impl Text {
    #[inline]
    pub(super) fn len(self) -> u32 {
        self.end.wrapping_sub(self.start)
    }

    /// The text while the tape is built (before there is a document to read it through).
    pub(super) fn bytes<'x>(self, arena: &'x [u8], input: &'x [u8]) -> &'x [u8] {
        let text = if self.in_arena { arena } else { input };
        text.get(self.start as usize..self.end as usize).unwrap_or_default()
    }
}

/// Where `s`, handed over by the parser, lies: in `input` when it is a slice of it (a string
/// without escapes), else copied into the arena.
pub(super) fn locate(tape: &mut Tape, input: &[u8], s: &str) -> Text {
    let start = (s.as_ptr() as usize).wrapping_sub(input.as_ptr() as usize);
    if start <= input.len() && s.len() <= input.len() - start {
        return Text { start: offset(start), end: offset(start + s.len()), in_arena: false };
    }
    copy(tape, s)
}

pub(super) fn copy(tape: &mut Tape, s: &str) -> Text {
    let (start, end) = tape.arena_span(s);
    Text { start, end, in_arena: true }
}
