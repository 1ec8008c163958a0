//! A YAML reader for the manifest that keeps where every node starts.
//!
//! Problems found after parsing (a duplicate topic, a partition count out of range) must be
//! located as `file:line:column`, so the event stream of `saphyr-parser` (pure, safe Rust; YAML
//! 1.2; every event has its span) is read into a small tree whose nodes carry their position, in
//! one pass. Locating them by searching the text again for each topic was quadratic (46 s for
//! 40,000 topics) and missed flow style (`- {name: a.b}`).
//!
//! Only the structure comes from the parser: scalars stay text, and the manifest decides what
//! reads as an integer, a boolean or null, so YAML 1.1 and 1.2 parsers would agree on it.
//!
//! Reading events one at a time also lets hostile input be refused early: nesting is bounded by
//! [`MAX_DEPTH`] as events arrive (the parser itself is a state machine with an explicit stack,
//! and its scanner stops at 255 flow levels), aliases may not expand to more than
//! [`MAX_ALIAS_NODES`] nodes (the "billion laughs"), and a second document is reported where it
//! starts instead of being ignored.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, Tag};

/// Deepest nesting of sequences and mappings accepted. A manifest needs 4 (the document,
/// `topics`, a topic, its `config`); the margin is for YAML written by other tools.
pub(super) const MAX_DEPTH: usize = 64;

/// Most nodes that aliases (`*name`) may add by repeating anchored ones.
/// Enough for an anchored config block repeated under tens of thousands of topics; each node
/// costs about 100 bytes, so the bound also bounds memory.
pub(super) const MAX_ALIAS_NODES: usize = 250_000;

/// 1-based line and column (in characters), as editors count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Pos {
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    /// Where the node starts (its anchor, when it has one; for a block collection, its first
    /// entry).
    pub pos: Pos,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kind {
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
    pub(super) fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The text of a scalar that is not null.
    pub(super) fn scalar(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    pub(super) fn kind_name(&self) -> &'static str {
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
pub(super) struct YamlError {
    pub pos: Option<Pos>,
    pub message: String,
}

fn error(pos: Option<Pos>, message: impl Into<String>) -> YamlError {
    YamlError { pos, message: message.into() }
}

fn deeper_than_max(pos: Pos) -> YamlError {
    error(Some(pos), format!("nesting is deeper than {MAX_DEPTH} levels; a manifest needs 4"))
}

/// Reads `src` as a single YAML document; `Ok(None)` when it holds no document at all (empty,
/// or only comments).
pub(super) fn parse(src: &str) -> Result<Option<Node>, YamlError> {
    let mut text = Text::new(src);
    let mut root: Option<Node> = None;
    let mut stack: Vec<Frame> = Vec::new();
    // Keyed by the parser's anchor id: a redefined `&name` gets a new id, so aliases see the
    // latest definition, as YAML says.
    let mut anchors: HashMap<usize, (Node, usize)> = HashMap::new();
    let mut alias_nodes = 0usize;
    for event in Parser::new_from_str(src) {
        let (event, span) = event.map_err(|e| scan_error(&e, &mut text, &stack))?;
        let pos = to_pos(span.start);
        let done = match event {
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if root.is_some() {
                    return Err(error(
                        Some(pos),
                        "a second YAML document starts here; a manifest is one document (remove the `---` \
                         separator or split the file)",
                    ));
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => Done {
                node: Node {
                    pos,
                    kind: Kind::Scalar {
                        text: value.into_owned(),
                        plain: style == ScalarStyle::Plain && !tag.as_deref().is_some_and(is_string_tag),
                    },
                },
                size: 1,
                anchor,
            },
            Event::Alias(id) => {
                // The parser refuses an alias to an anchor it has not seen.
                let Some((node, size)) = anchors.get(&id) else {
                    return Err(error(Some(pos), "unknown alias"));
                };
                alias_nodes = alias_nodes.saturating_add(*size);
                if alias_nodes > MAX_ALIAS_NODES {
                    return Err(error(
                        Some(pos),
                        format!("aliases expand to more than {MAX_ALIAS_NODES} nodes; refusing to expand them"),
                    ));
                }
                Done { node: Node { pos, ..node.clone() }, size: *size, anchor: 0 }
            }
            Event::SequenceStart(anchor, _) => {
                let flow = text.ends_with(span, '[');
                open(&mut stack, pos, anchor, false, flow)?;
                continue;
            }
            Event::MappingStart(anchor, _) => {
                let flow = text.ends_with(span, '{');
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
        if done.anchor != 0 {
            anchors.insert(done.anchor, (done.node.clone(), done.size));
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
    Ok(root)
}

/// `!!str 123` and the non-specific `! 123` are strings, like quoted scalars.
fn is_string_tag(tag: &Tag) -> bool {
    (tag.is_yaml_core_schema() && tag.suffix == "str") || (tag.handle.is_empty() && tag.suffix == "!")
}

/// Starts reading a collection, unless that nests too deep.
fn open(stack: &mut Vec<Frame>, pos: Pos, anchor: usize, map: bool, flow: bool) -> Result<(), YamlError> {
    if stack.len() >= MAX_DEPTH {
        return Err(deeper_than_max(pos));
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

/// The parser's error, in the manifest's words where they say more, with the path it occurred
/// at.
fn scan_error(e: &ScanError, text: &mut Text, stack: &[Frame]) -> YamlError {
    let at = to_pos(*e.marker());
    let info = e.info();
    if info == "recursion limit exceeded" {
        // The scanner looks ahead through `[[[[…` before the parser emits their events, and
        // gives up at 255 flow levels: point at the level that goes past MAX_DEPTH instead.
        return first_too_deep(text.src, e.marker()).unwrap_or_else(|| deeper_than_max(at));
    }
    if info == "while parsing node, found unknown anchor" {
        return error(Some(at), format!("unknown alias {}", text.word_at(e.marker().index())));
    }
    let mut err = error(Some(at), info);
    let mut within = stack;
    if let Some(i) = stack.iter().rposition(|f| f.flow) {
        let f = &stack[i];
        let (open, close) = if f.map { ('{', '}') } else { ('[', ']') };
        // At the end of the input inside a flow collection, or where a less indented line
        // starts, the problem is an unclosed bracket: the parser's words describe where it gave
        // up, so the error points at the bracket instead.
        if e.marker().index() >= text.char_count() {
            err.message = format!("`{open}` is never closed with `{close}` (the file ends first)");
        } else if info == "invalid indentation in flow construct" {
            err.message = format!(
                "`{open}` is not closed with `{close}` before line {} column {}, which is indented no deeper \
                 than the collection it is in",
                at.line, at.col
            );
        } else {
            return with_path(err, stack);
        }
        err.pos = Some(f.pos);
        within = &stack[..i];
    }
    with_path(err, within)
}

fn with_path(mut e: YamlError, stack: &[Frame]) -> YamlError {
    let at = path(stack);
    if !at.is_empty() {
        e.message = format!("{at}: {}", e.message);
    }
    e
}

/// Where the nesting of `src` first goes past [`MAX_DEPTH`], found by reading again up to
/// `limit` (where the scanner gave up), which the parser then reads event by event.
fn first_too_deep(src: &str, limit: &Marker) -> Option<YamlError> {
    let end = src.char_indices().nth(limit.index()).map_or(src.len(), |(b, _)| b);
    if end >= src.len() {
        return None;
    }
    match parse(&src[..end]) {
        Err(e) if e.message.starts_with("nesting is deeper") => Some(e),
        _ => None,
    }
}

fn to_pos(m: Marker) -> Pos {
    Pos { line: m.line(), col: m.col() + 1 }
}

/// The source, with the character indexes of the parser's markers turned into byte offsets.
struct Text<'a> {
    src: &'a str,
    ascii: bool,
    /// A character index and its byte offset: markers arrive mostly in order, so each lookup
    /// walks from the previous one.
    cursor: (usize, usize),
}

impl<'a> Text<'a> {
    fn new(src: &'a str) -> Text<'a> {
        Text { src, ascii: src.is_ascii(), cursor: (0, 0) }
    }

    /// The byte offset of character `i` (the length of the text past its end).
    fn byte(&mut self, i: usize) -> usize {
        if self.ascii {
            return i.min(self.src.len());
        }
        let (mut c, mut b) = self.cursor;
        if i < c {
            (c, b) = (0, 0);
        }
        for ch in self.src[b..].chars() {
            if c == i {
                break;
            }
            c += 1;
            b += ch.len_utf8();
        }
        self.cursor = (c, b);
        b
    }

    /// Whether the span's last character is `ch` (a flow collection's span ends with its bracket;
    /// a block collection's is empty, or its anchor and tag).
    fn ends_with(&mut self, span: Span, ch: char) -> bool {
        if span.is_empty() {
            return false;
        }
        let b = self.byte(span.end.index() - 1);
        self.src[b..].starts_with(ch)
    }

    fn char_count(&self) -> usize {
        if self.ascii { self.src.len() } else { self.src.chars().count() }
    }

    /// The alias (or other word) that starts at character `i`.
    fn word_at(&mut self, i: usize) -> &'a str {
        let b = self.byte(i);
        let rest = &self.src[b..];
        let end = rest.find(|c: char| c.is_whitespace() || ",[]{}".contains(c)).unwrap_or(rest.len());
        &rest[..end]
    }
}

/// A collection being read.
struct Frame {
    pos: Pos,
    /// The parser's anchor id, 0 for none.
    anchor: usize,
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
    /// The parser's anchor id, 0 for none.
    anchor: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, col: usize) -> Pos {
        Pos { line, col }
    }

    #[test]
    fn positions_of_block_and_flow_nodes() {
        let n = parse("a: 1\nb:\n  - {x: y, z: [1, 2]}\n").unwrap().unwrap();
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
        let n = parse("a: &x {k: 'v'}\nb: *x\nc: ~\nd: \"1\"\ne: !!str 2\n").unwrap().unwrap();
        let Kind::Map(p) = &n.kind else { panic!() };
        assert_eq!(p[1].1.kind, p[0].1.kind, "the alias repeats the anchored node");
        assert_eq!(p[1].1.pos, at(2, 4), "located where it is used");
        assert!(p[2].1.is_null());
        assert_eq!(p[3].1.kind, Kind::Scalar { text: "1".into(), plain: false });
        assert_eq!(p[4].1.kind, Kind::Scalar { text: "2".into(), plain: false });
        assert_eq!(parse("# only a comment\n").unwrap(), None);
        assert_eq!(parse("").unwrap(), None);
    }

    #[test]
    fn hostile_input_is_refused_quickly() {
        let t = std::time::Instant::now();
        let deep = "[".repeat(100_000);
        let e = parse(&deep).unwrap_err();
        assert_eq!(e.pos, Some(at(1, MAX_DEPTH + 1)), "{e:?}");
        assert!(e.message.contains("deeper than 64"), "{e:?}");
        let deep_block = format!("{}x\n", "- ".repeat(100_000));
        let e = parse(&deep_block).unwrap_err();
        assert!(e.message.contains("deeper than 64"), "{e:?}");
        // A billion laughs: every level doubles the nodes.
        let mut lol = String::from("a0: &a0 [x, x]\n");
        for i in 1..40 {
            lol.push_str(&format!("a{i}: &a{i} [*a{}, *a{}]\n", i - 1, i - 1));
        }
        let e = parse(&lol).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{e:?}");
        // Measured at well under 0.1 s in a debug build; generous for a loaded CI machine.
        assert!(t.elapsed() < std::time::Duration::from_secs(5), "{:?}", t.elapsed());
    }

    #[test]
    fn second_document_and_syntax_errors_are_located() {
        let e = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert_eq!(e.pos, Some(at(2, 1)), "{e:?}");
        assert!(e.message.contains("second YAML document"), "{e:?}");
        assert!(parse("---\na: 1\n...\n").unwrap().is_some(), "explicit markers around one document are fine");
        // YAML 1.2 ends a flow collection's lines where a less indented one starts, so the parser
        // stops at line 2 (libyaml read to the end of the file).
        let e = parse("a: [1,\nb: 2\n").unwrap_err();
        assert_eq!(
            (e.pos, e.message.as_str()),
            (
                Some(at(1, 4)),
                "a: `[` is not closed with `]` before line 2 column 1, which is indented no deeper than the \
                 collection it is in"
            )
        );
        let e = parse("a: [1,\n  2\n").unwrap_err();
        assert_eq!(
            (e.pos, e.message.as_str()),
            (Some(at(1, 4)), "a: `[` is never closed with `]` (the file ends first)")
        );
        let e = parse("a:\n  - x\n b: 1\n").unwrap_err();
        assert_eq!(e.pos, Some(at(3, 2)), "{e:?}");
        // An unclosed bracket is reported where it opens, with the path to it.
        let e = parse("t:\n  - name: x\n    p: [\n").unwrap_err();
        assert_eq!(e.pos, Some(at(3, 8)), "{e:?}");
        assert_eq!(e.message, "t[0].p: `[` is never closed with `]` (the file ends first)");
        let e = parse("a: *nope\n").unwrap_err();
        assert_eq!((e.pos, e.message.as_str()), (Some(at(1, 4)), "unknown alias *nope"));
        // An anchored block mapping is not a flow one, whatever its first key looks like.
        let e = parse("a: &x\n  é: [1,\n").unwrap_err();
        assert_eq!(
            (e.pos, e.message.as_str()),
            (Some(at(2, 6)), "a.é: `[` is never closed with `]` (the file ends first)")
        );
    }
}
