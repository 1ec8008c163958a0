//! Reading a parsed tape: the document, its nodes, objects (last-wins members) and arrays, and
//! the `jsonschema` `Json` impl the tape validator runs on.

use std::borrow::Cow;
use std::fmt;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node, NodeIdentity, Object, cmp};
use serde_json::{Map, Number, Value};

use super::{Entry, INDEXED, NAME_IN_ARENA, SHADOWED, SMALL_OBJECT, Tag, Tape, TapeJson, copy, offset};

/// One parsed document: the tape and the line it points into. Cheap to copy.
#[derive(Clone, Copy)]
pub struct TapeDoc<'a> {
    pub(super) tape: &'a Tape,
    pub(super) text: &'a str,
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

    /// The string at a dot path of members (`eventType`, `meta.type`), the way
    /// [`Discriminator`](crate::schema::select::Discriminator) reads a field: anything but a
    /// string names nothing.
    pub fn str_at(&self, path: &str) -> Option<&'a str> {
        let mut cur = self.root();
        for part in path.split('.') {
            cur = match cur.entry().tag {
                Tag::Object => cur.member(part)?,
                _ => return None,
            };
        }
        cur.str()
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
