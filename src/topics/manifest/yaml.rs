//! A YAML reader for the manifest that keeps where every node starts.
//!
//! serde_yaml keeps no positions for values, so problems found after parsing used to be located
//! by searching the text again for each topic, which was quadratic (46 s for 40,000 topics) and
//! missed flow style (`- {name: a.b}`). This reads libyaml's event stream directly (through
//! `unsafe-libyaml`, the same parser serde_yaml runs on, already built for it) into a small tree
//! whose nodes carry their `line:column`, in one pass.
//!
//! Reading events one at a time also lets hostile input be refused early: nesting is bounded by
//! [`MAX_DEPTH`] as it is read (libyaml's scanner costs time proportional to the depth for every
//! token, so `[[[[…` 100,000 deep took 25 s to load whole), aliases may not expand to more than
//! [`MAX_ALIAS_NODES`] nodes (the "billion laughs"), and a second document is reported where
//! it starts instead of being ignored.

use std::collections::HashMap;
use std::ffi::CStr;
use std::marker::PhantomData;
use std::mem::MaybeUninit;

use unsafe_libyaml as sys;

/// Deepest nesting of sequences and mappings accepted. A manifest needs 4 (the document,
/// `topics`, a topic, its `config`); the margin is for YAML written by other tools.
pub const MAX_DEPTH: usize = 64;

/// Most nodes that aliases (`*name`) may add by repeating anchored ones.
/// Enough for an anchored config block repeated under tens of thousands of topics; each node
/// costs about 100 bytes, so the bound also bounds memory.
pub const MAX_ALIAS_NODES: usize = 250_000;

/// 1-based line and column (in characters), as editors count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node starts (for a block collection, its first entry).
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `plain` is false for quoted and block scalars and `!!str`: those are always strings.
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// A plain `~`, `null` or empty scalar (what YAML reads as null).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The text of a scalar that is not null.
    pub fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            _ if self.is_null() => "null",
            Kind::Scalar { .. } => "a scalar",
            Kind::Seq(_) => "a sequence",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// Why the text could not be read as one YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub pos: Option<Pos>,
    pub message: String,
}

fn error(pos: Option<Pos>, message: impl Into<String>) -> YamlError {
    YamlError { pos, message: message.into() }
}

/// Reads `src` (UTF-8) as a single YAML document; `Ok(None)` when it holds no document at all
/// (empty, or only comments).
pub fn parse(src: &[u8]) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new(src).ok_or_else(|| error(None, "cannot start the YAML parser (out of memory)"))?;
    let mut root: Option<Node> = None;
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<Vec<u8>, (Node, usize)> = HashMap::new();
    let mut alias_nodes = 0usize;
    loop {
        let (event, pos) = parser.next().map_err(|(e, at_end)| in_context(e, at_end, &stack))?;
        let done = match event {
            Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => return Ok(root),
            Event::DocumentStart => {
                if root.is_some() {
                    return Err(error(
                        Some(pos),
                        "a second YAML document starts here; a manifest is one document (remove the `---` \
                         separator or split the file)",
                    ));
                }
                continue;
            }
            Event::Scalar { anchor, text, plain } => {
                Done { node: Node { pos, kind: Kind::Scalar { text, plain } }, size: 1, anchor }
            }
            Event::Alias(name) => {
                let Some((node, size)) = anchors.get(&name) else {
                    return Err(error(Some(pos), format!("unknown alias *{}", String::from_utf8_lossy(&name))));
                };
                alias_nodes = alias_nodes.saturating_add(*size);
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(error(
                        Some(pos),
                        format!("aliases expand to more than {MAX_ALIAS_NODES} nodes; refusing to expand them"),
                    ));
                }
                Done { node: Node { pos, ..node.clone() }, size: *size, anchor: None }
            }
            Event::SequenceStart { anchor, flow } => {
                open(&mut stack, pos, anchor, false, flow)?;
                continue;
            }
            Event::MappingStart { anchor, flow } => {
                open(&mut stack, pos, anchor, true, flow)?;
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(f) = stack.pop() else {
                    return Err(error(Some(pos), "unbalanced YAML collection"));
                };
                let kind = if f.map { Kind::Map(f.pairs) } else { Kind::Seq(f.items) };
                Done { node: Node { pos: f.pos, kind }, size: f.size, anchor: f.anchor }
            }
        };
        if let Some(name) = done.anchor {
            anchors.insert(name, (done.node.clone(), done.size));
        }
        match stack.last_mut() {
            None => root = Some(done.node),
            Some(f) => {
                f.size = f.size.saturating_add(done.size);
                if !f.map {
                    f.items.push(done.node);
                } else if let Some(k) = f.key.take() {
                    f.pairs.push((k, done.node));
                } else {
                    f.key = Some(done.node);
                }
            }
        }
    }
}

/// Starts reading a collection, unless that nests too deep.
fn open(stack: &mut Vec<Frame>, pos: Pos, anchor: Option<Vec<u8>>, map: bool, flow: bool) -> Result<(), YamlError> {
    if stack.len() >= MAX_DEPTH {
        return Err(error(Some(pos), format!("nesting is deeper than {MAX_DEPTH} levels; a manifest needs 4")));
    }
    stack.push(Frame { pos, anchor, map, flow, items: Vec::new(), pairs: Vec::new(), key: None, size: 1 });
    Ok(())
}

/// Where in the document the parser was, as a path like `topics[0].partitions`.
fn path(stack: &[Frame]) -> String {
    let mut out = String::new();
    for f in stack {
        if !f.map {
            out.push_str(&format!("[{}]", f.items.len()));
        } else if let Some(k) = f.key.as_ref().and_then(Node::scalar) {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(k);
        }
    }
    out
}

/// libyaml's error with the path it occurred at. At the end of the input inside a flow
/// collection the problem is an unclosed bracket: libyaml then points at the end of the file,
/// so the error points at the bracket instead.
fn in_context(mut e: YamlError, at_end: bool, stack: &[Frame]) -> YamlError {
    let mut within = stack;
    if at_end && let Some(i) = stack.iter().rposition(|f| f.flow) {
        let f = &stack[i];
        let (open, close) = if f.map { ('{', '}') } else { ('[', ']') };
        // libyaml's own words ("did not find expected ',' or ']'") describe the end of the file.
        e.message = format!("`{open}` is never closed with `{close}` (the file ends first)");
        e.pos = Some(f.pos);
        within = &stack[..i];
    }
    let at = path(within);
    if !at.is_empty() {
        e.message = format!("{at}: {}", e.message);
    }
    e
}

/// A collection being read.
struct Frame {
    pos: Pos,
    anchor: Option<Vec<u8>>,
    map: bool,
    /// `[...]` or `{...}` rather than block style.
    flow: bool,
    items: Vec<Node>,
    pairs: Vec<(Node, Node)>,
    /// A mapping's key waiting for its value.
    key: Option<Node>,
    /// Nodes in this collection so far, itself included (what an alias to it repeats).
    size: usize,
}

/// A node just completed.
struct Done {
    node: Node,
    size: usize,
    anchor: Option<Vec<u8>>,
}

enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(Vec<u8>),
    Scalar { anchor: Option<Vec<u8>>, text: String, plain: bool },
    SequenceStart { anchor: Option<Vec<u8>>, flow: bool },
    SequenceEnd,
    MappingStart { anchor: Option<Vec<u8>>, flow: bool },
    MappingEnd,
}

/// Owns a libyaml parser reading from a borrowed buffer.
struct Parser<'a> {
    /// Boxed: libyaml keeps pointers into the parser struct, so it must not move.
    raw: Box<sys::yaml_parser_t>,
    /// The input's length, to tell an error at its end.
    len: usize,
    _input: PhantomData<&'a [u8]>,
}

impl<'a> Parser<'a> {
    fn new(input: &'a [u8]) -> Option<Parser<'a>> {
        let mut raw = Box::<sys::yaml_parser_t>::new_uninit();
        // SAFETY: yaml_parser_initialize fully initialises the struct (it zeroes it first) or
        // fails before allocating anything; the input outlives the parser (`'a`).
        unsafe {
            if sys::yaml_parser_initialize(raw.as_mut_ptr()).fail {
                return None;
            }
            let mut raw = raw.assume_init();
            sys::yaml_parser_set_encoding(&mut *raw, sys::YAML_UTF8_ENCODING);
            sys::yaml_parser_set_input_string(&mut *raw, input.as_ptr(), input.len() as _);
            Some(Parser { raw, len: input.len(), _input: PhantomData })
        }
    }

    /// The next event, or libyaml's error and whether it is at the end of the input.
    fn next(&mut self) -> Result<(Event, Pos), (YamlError, bool)> {
        let mut event = MaybeUninit::<sys::yaml_event_t>::uninit();
        // SAFETY: the parser is initialised; yaml_parser_parse initialises the event on
        // success, which is read once and then released with yaml_event_delete.
        unsafe {
            if self.raw.error != sys::YAML_NO_ERROR || sys::yaml_parser_parse(&mut *self.raw, event.as_mut_ptr()).fail {
                return Err((parse_error(&self.raw), self.raw.problem_mark.index as usize >= self.len));
            }
            let e = event.as_mut_ptr();
            let (pos, out) = {
                let ev: &sys::yaml_event_t = &*e;
                (to_pos(ev.start_mark), convert(ev))
            };
            sys::yaml_event_delete(e);
            Ok((out, pos))
        }
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: initialised in `new`, released once.
        unsafe { sys::yaml_parser_delete(&mut *self.raw) }
    }
}

fn to_pos(m: sys::yaml_mark_t) -> Pos {
    Pos { line: m.line as usize + 1, col: m.column as usize + 1 }
}

/// libyaml's error, located at its problem mark.
fn parse_error(p: &sys::yaml_parser_t) -> YamlError {
    // SAFETY: libyaml's problem and context are null or static NUL-terminated strings.
    let text = |s: *const u8| unsafe { bytes(s) }.map(|b| String::from_utf8_lossy(&b).into_owned());
    let mut message = text(p.problem.cast()).unwrap_or_else(|| "invalid YAML".into());
    if let Some(c) = text(p.context.cast()) {
        let at = to_pos(p.context_mark);
        message.push_str(&format!(" ({c} that starts at line {} column {})", at.line, at.col));
    }
    YamlError { pos: Some(to_pos(p.problem_mark)), message }
}

/// Bytes of a C string owned by the event, or `None` for a null pointer.
///
/// # Safety
/// `s` must be null or point to a NUL-terminated string.
unsafe fn bytes(s: *const u8) -> Option<Vec<u8>> {
    if s.is_null() { None } else { Some(unsafe { CStr::from_ptr(s.cast()) }.to_bytes().to_vec()) }
}

/// # Safety
/// `e` must be an event returned by yaml_parser_parse and not yet deleted.
unsafe fn convert(e: &sys::yaml_event_t) -> Event {
    unsafe {
        match e.type_ {
            sys::YAML_STREAM_START_EVENT => Event::StreamStart,
            sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            sys::YAML_ALIAS_EVENT => Event::Alias(bytes(e.data.alias.anchor).unwrap_or_default()),
            sys::YAML_SCALAR_EVENT => {
                let s = e.data.scalar;
                let value =
                    if s.value.is_null() { &[][..] } else { std::slice::from_raw_parts(s.value, s.length as usize) };
                // `!!str 123` and the non-specific `! 123` are strings, like quoted scalars.
                let tag = bytes(s.tag);
                let string_tag = tag.as_deref().is_some_and(|t| t == b"tag:yaml.org,2002:str" || t == b"!");
                Event::Scalar {
                    anchor: bytes(s.anchor),
                    text: String::from_utf8_lossy(value).into_owned(),
                    plain: s.style == sys::YAML_PLAIN_SCALAR_STYLE && !string_tag,
                }
            }
            sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                anchor: bytes(e.data.sequence_start.anchor),
                flow: e.data.sequence_start.style == sys::YAML_FLOW_SEQUENCE_STYLE,
            },
            sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                anchor: bytes(e.data.mapping_start.anchor),
                flow: e.data.mapping_start.style == sys::YAML_FLOW_MAPPING_STYLE,
            },
            sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            // YAML_STREAM_END_EVENT, and YAML_NO_EVENT which a successful parse never returns.
            _ => Event::StreamEnd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, col: usize) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn positions_of_block_and_flow_nodes() {
        let n = parse(b"a: 1\nb:\n  - {x: y, z: [1, 2]}\n").unwrap().unwrap();
        let Kind::Map(pairs) = &n.kind else { panic!("{n:?}") };
        assert_eq!(pairs[0].0.pos, at(1, 1));
        assert_eq!(pairs[0].1.pos, at(1, 4));
        assert_eq!(pairs[1].0.pos, at(2, 1));
        let Kind::Seq(items) = &pairs[1].1.kind else { panic!() };
        let Kind::Map(inner) = &items[0].kind else { panic!() };
        assert_eq!(inner[0].0.pos, at(3, 6));
        assert_eq!(inner[1].0.pos, at(3, 12));
        assert_eq!(inner[1].0.scalar(), Some("z"));
    }

    #[test]
    fn scalars_nulls_and_aliases() {
        let n = parse(b"a: &x {k: 'v'}\nb: *x\nc: ~\nd: \"1\"\ne: !!str 2\n").unwrap().unwrap();
        let Kind::Map(p) = &n.kind else { panic!() };
        assert_eq!(p[1].1.kind, p[0].1.kind, "the alias repeats the anchored node");
        assert_eq!(p[1].1.pos, at(2, 4), "located where it is used");
        assert!(p[2].1.is_null());
        assert_eq!(p[3].1.kind, Kind::Scalar { text: "1".into(), plain: false });
        assert_eq!(p[4].1.kind, Kind::Scalar { text: "2".into(), plain: false });
        assert_eq!(parse(b"# only a comment\n").unwrap(), None);
        assert_eq!(parse(b"").unwrap(), None);
    }

    #[test]
    fn hostile_input_is_refused_quickly() {
        let t = std::time::Instant::now();
        let deep = "[".repeat(100_000);
        let e = parse(deep.as_bytes()).unwrap_err();
        assert_eq!(e.pos, Some(at(1, MAX_DEPTH + 1)), "{e:?}");
        assert!(e.message.contains("deeper than 64"), "{e:?}");
        let deep_block = format!("{}x\n", "- ".repeat(100_000));
        let e = parse(deep_block.as_bytes()).unwrap_err();
        assert!(e.message.contains("deeper than 64"), "{e:?}");
        // A billion laughs: every level doubles the nodes.
        let mut lol = String::from("a0: &a0 [x, x]\n");
        for i in 1..40 {
            lol.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        }
        let e = parse(lol.as_bytes()).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{e:?}");
        // Measured at well under 0.1 s in a debug build; generous for a loaded CI machine.
        assert!(t.elapsed() < std::time::Duration::from_secs(5), "{:?}", t.elapsed());
    }

    #[test]
    fn second_document_and_syntax_errors_are_located() {
        let e = parse(b"a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e.pos, Some(at(2, 1)), "{e:?}");
        assert!(e.message.contains("second YAML document"), "{e:?}");
        assert!(parse(b"---\na: 1\n...\n").unwrap().is_some(), "explicit markers around one document are fine");
        let e = parse(b"a: [1,\nb: 2\n").unwrap_err();
        assert_eq!(
            (e.pos, e.message.as_str()),
            (Some(at(1, 4)), "a: `[` is never closed with `]` (the file ends first)")
        );
        let e = parse(b"a:\n  - x\n b: 1\n").unwrap_err();
        assert_eq!(e.pos, Some(at(3, 2)), "{e:?}");
        // An unclosed bracket is reported where it opens, with the path to it.
        let e = parse(b"t:\n  - name: x\n    p: [\n").unwrap_err();
        assert_eq!(e.pos, Some(at(3, 8)), "{e:?}");
        assert_eq!(e.message, "t[0].p: `[` is never closed with `]` (the file ends first)");
        let e = parse(b"a: *nope\n").unwrap_err();
        assert!(e.message.contains("alias"), "{e:?}");
    }
}
