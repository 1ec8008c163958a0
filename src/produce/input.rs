//! JSON Lines input for `produce --input`: the input is held once (a memory map for files, a
//! buffer for stdin and pipes), every line is checked on all cores, and each valid line is planned
//! for sending: its key and `event-type` header are found during the check, so the send loop
//! parses nothing and the sending thread (the bottleneck of a bulk send) only hands records to
//! librdkafka.
//!
//! Nothing here knows about the broker or the terminal.
//!
//! One job, kept in one file: holding the input, checking its lines and planning their sending
//! share the line spans and the per-round chunks (about 485 lines; the rest is tests). The event
//! type is read by the rule of [`crate::record::envelope`] (a string `eventType`), on the tape.

use anyhow::{Context as _, Result};
use serde_json::Value;

use crate::schema::Tape;
use crate::schema::select::{Rejected, TopicSchema};

/// Lines checked per round; each round is split over the worker threads.
const BATCH: usize = 32_768;

/// Input bytes per round at most (a round holds at least one line): a round's keys and event
/// types are copied while it is checked, and a hostile file of megabyte keys made that a copy of
/// the whole input.
const ROUND_BYTES: usize = 16 << 20;

/// The value at a dot path (`payload.userId`), as key text.
pub fn key_at(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
        other => Some(other.to_string()),
    }
}

/// How each record's key is chosen.
#[derive(Debug, Clone)]
pub enum KeyRule {
    /// No key: the producer's partitioner spreads the records.
    None,
    /// `--key` (or the manifest's `key`): the value at this dot path in each event.
    Path(String),
    /// `--key-literal`: the same key for every record.
    Literal(String),
}

impl KeyRule {
    /// The key for event `v`; `Err` when the path is missing, or holds an object, array or null.
    pub fn key(&self, v: &Value) -> Result<Option<String>, String> {
        match self {
            KeyRule::None => Ok(None),
            KeyRule::Literal(k) => Ok(Some(k.clone())),
            KeyRule::Path(p) => key_at(v, p).map(Some).ok_or_else(|| format!("key path {p} not found in the event")),
        }
    }
}

/// The whole input, read or mapped once.
pub struct Input {
    name: String,
    data: Data,
}

enum Data {
    Map(memmap2::Mmap),
    Buf(Vec<u8>),
}

/// A character or block device other than a terminal and the null device: no device but those
/// holds JSON Lines that end (`/dev/zero`, `/dev/urandom`, a disk).
fn refused_device(file: &std::fs::File, meta: &std::fs::Metadata) -> bool {
    use std::io::IsTerminal;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let ft = meta.file_type();
    if !(ft.is_char_device() || ft.is_block_device()) || file.is_terminal() {
        return false;
    }
    let null = std::fs::metadata("/dev/null").map(|m| m.rdev()).ok();
    !(ft.is_char_device() && Some(meta.rdev()) == null)
}

impl Input {
    /// `-` is stdin; anything else a file. Regular files are memory-mapped (no copy, and the
    /// kernel pages them in as the checks go); stdin, pipes and other special files are read
    /// into memory, up to [`crate::limits::INPUT`]; devices (`--input /dev/urandom`) are refused,
    /// but for a terminal and /dev/null.
    pub fn open(spec: &str) -> Result<Input> {
        if spec == "-" {
            let buf =
                crate::limits::read_all(std::io::stdin().lock(), crate::limits::INPUT).context("cannot read stdin")?;
            return Ok(Input { name: "stdin".into(), data: Data::Buf(buf) });
        }
        // A FIFO without a writer is refused after a while rather than waited on forever.
        let file = crate::limits::open(std::path::Path::new(spec)).with_context(|| format!("cannot read {spec}"))?;
        let meta = file.metadata().with_context(|| format!("cannot read {spec}"))?;
        if meta.is_dir() {
            anyhow::bail!("cannot read {spec}: it is a directory");
        }
        if refused_device(&file, &meta) {
            // /dev/urandom or /dev/zero would be read to the input limit (1 GiB) before failing.
            anyhow::bail!(
                "cannot read {spec}: it is a device; --input reads a file, a named pipe, a terminal or stdin (-)"
            );
        }
        let data = if meta.is_file() && meta.len() > 0 {
            // SAFETY: the map is read-only and private to this process. If another process
            // truncates the file while we run, reads past the new end fault (SIGBUS), as with any
            // tool that maps its input (ripgrep); we accept that for not copying the file.
            Data::Map(unsafe { memmap2::Mmap::map(&file) }.with_context(|| format!("cannot map {spec}"))?)
        } else {
            Data::Buf(
                crate::limits::read_all(file, crate::limits::INPUT).with_context(|| format!("cannot read {spec}"))?,
            )
        };
        Ok(Input { name: spec.to_string(), data })
    }

    /// An in-memory input (tests, and callers that already hold the bytes).
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Input {
        Input { name: name.to_string(), data: Data::Buf(bytes) }
    }

    /// `stdin` or the path given, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Lets the kernel drop the mapped pages of `range` from this process (they stay in the page
    /// cache and come back if read again), so that a large file does not stay resident as a
    /// whole. Does nothing for buffered input or on error.
    pub fn release(&self, range: std::ops::Range<usize>) {
        if let Data::Map(m) = &self.data
            && range.start < range.end
            && range.end <= m.len()
        {
            // SAFETY: the map is read-only and never written, so dropped pages are read back from
            // the file on the next access (the same exposure to concurrent truncation as `open`).
            let _ = unsafe { m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, range.start, range.len()) };
        }
    }

    /// Releases the input in steps as a pass over its records moves on (see [`Input::release`]).
    pub fn window(&self) -> Window<'_> {
        Window { input: self, released: 0 }
    }

    /// The whole input.
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            Data::Map(m) => m,
            Data::Buf(b) => b,
        }
    }
}

/// See [`Input::window`].
pub struct Window<'a> {
    input: &'a Input,
    released: usize,
}

impl Window<'_> {
    /// `record` (a slice of the input) is next: everything before it may go.
    pub fn at(&mut self, record: &[u8]) {
        let at = (record.as_ptr() as usize).saturating_sub(self.input.bytes().as_ptr() as usize);
        if at.saturating_sub(self.released) >= 8 << 20 {
            self.input.release(self.released..at);
            self.released = at;
        }
    }
}

/// What every line is checked against: the topic's schema (one, or one per event type) and what
/// a header discriminator reads, the headers the line will be sent with: `-H` ones, and
/// `event-type` (the line's own `eventType`, else `--type`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks<'s> {
    /// `None`: lines are only checked to be JSON (`--no-validate`, or no schema).
    pub schema: Option<&'s TopicSchema>,
    /// The `-H` headers of the run.
    pub headers: &'s [(String, String)],
    /// `--type`: the event type of lines that do not name one.
    pub event_type: Option<&'s str>,
}

impl<'s> Checks<'s> {
    /// Checked against `schema` only.
    pub fn schema(schema: Option<&'s TopicSchema>) -> Checks<'s> {
        Checks { schema, ..Checks::default() }
    }
}

/// One input line that failed, with its 1-based line number.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    /// 1-based line number in the input.
    pub line: usize,
    /// Why the line cannot be sent (invalid JSON, schema errors, missing key), bounded in length.
    pub error: String,
}

/// Where a planned string lives: in its chunk's arena (`NONE` when absent).
#[derive(Debug, Clone, Copy)]
struct Span {
    off: u32,
    len: u32,
}

impl Span {
    const NONE: Span = Span { off: u32::MAX, len: 0 };

    /// `None` when the arena would outgrow 32-bit offsets (4 GiB of keys in one run of lines).
    fn store(arena: &mut Vec<u8>, s: &[u8]) -> Option<Span> {
        let off = u32::try_from(arena.len()).ok().filter(|&o| o != u32::MAX)?;
        let len = u32::try_from(s.len()).ok()?;
        off.checked_add(len)?;
        arena.extend_from_slice(s);
        Some(Span { off, len })
    }

    fn get(self, arena: &[u8]) -> Option<&[u8]> {
        (self.off != u32::MAX).then(|| &arena[self.off as usize..(self.off + self.len) as usize])
    }
}

#[derive(Debug, Clone, Copy)]
struct PlannedRec {
    start: usize,
    len: u32,
    event_type: Span,
    key: Span,
}

/// The valid lines of one run of one worker, in input order.
#[derive(Default)]
pub struct Chunk {
    recs: Vec<PlannedRec>,
    /// Keys and event types, copied (they are short) so that a record needs no parse to send.
    arena: Vec<u8>,
}

/// Every line checked: what to send, in input order, and what was wrong.
///
/// The send plan of the first [`KEEP_LINES`] lines is kept from the check; later rounds of lines
/// are planned again when their turn to be sent comes, so that the memory a plan takes stays
/// bounded however long the input is (the check itself had to see every line first: nothing is
/// sent from an input with an invalid line).
pub struct Plan<'s> {
    segments: Vec<Segment>,
    checks: Checks<'s>,
    key_rule: &'s KeyRule,
    threads: usize,
    /// Non-blank lines seen.
    pub total: usize,
    /// Every invalid line, in input order; nothing is sent while there is one.
    pub bad: Vec<BadLine>,
    sendable: usize,
}

/// Lines whose send plan is kept by the check (about 50 bytes each).
pub const KEEP_LINES: usize = 1 << 20;

/// Bytes of keys and event types the kept send plan may hold; rounds past it are planned again
/// when sent, so memory does not grow with the input even when its keys are large.
const KEEP_BYTES: usize = 32 << 20;

/// One round of lines.
enum Segment {
    Kept(Vec<Chunk>),
    /// `start..end` of the input, whose first line is line `first`.
    Later {
        start: usize,
        end: usize,
        first: usize,
    },
}

/// One record to send.
#[derive(Debug, PartialEq)]
pub struct Record<'a> {
    /// The line as written (trimmed of surrounding whitespace).
    pub value: &'a [u8],
    /// The key found at the key path (`KeyRule::Path` only).
    pub key: Option<&'a [u8]>,
    /// The event's `eventType`, when it is a string.
    pub event_type: Option<&'a [u8]>,
}

/// The plan of one round of lines, kept or made again (see [`Plan::segment`]).
pub enum Planned<'p> {
    /// A round whose plan the check kept.
    Kept(&'p [Chunk]),
    /// A later round, checked and planned again just now.
    Again(Vec<Chunk>),
}

impl Planned<'_> {
    /// Its records in input order. `data` must be the bytes the plan was made from.
    pub fn records<'a>(&'a self, data: &'a [u8]) -> impl Iterator<Item = Record<'a>> + 'a {
        let chunks = match self {
            Planned::Kept(c) => c,
            Planned::Again(c) => c.as_slice(),
        };
        chunks.iter().flat_map(move |c| {
            c.recs.iter().map(move |r| Record {
                value: &data[r.start..r.start + r.len as usize],
                key: r.key.get(&c.arena),
                event_type: r.event_type.get(&c.arena),
            })
        })
    }
}

impl<'s> Plan<'s> {
    /// Number of rounds of lines; send them in order, each through [`Plan::segment`].
    pub fn segments(&self) -> usize {
        self.segments.len()
    }

    /// Round `i`: its kept plan, or its lines checked again to plan them (invalid ones, already
    /// reported, are left out again).
    pub fn segment(&self, i: usize, data: &[u8]) -> Planned<'_> {
        match &self.segments[i] {
            Segment::Kept(c) => Planned::Kept(c),
            Segment::Later { start, end, first } => {
                let mut pos = *start;
                let mut n = *first;
                let lines = next_lines(&data[..*end], &mut pos, &mut n);
                Planned::Again(check_batch(data, &lines, self.checks, self.key_rule, self.threads).0)
            }
        }
    }

    /// Number of records to send.
    pub fn len(&self) -> usize {
        self.sendable
    }

    /// True when no line can be sent.
    pub fn is_empty(&self) -> bool {
        self.sendable == 0
    }
}

/// The most of one validation error kept for a line: the validator quotes the offending value,
/// which for a 50 MB line is the whole line, echoed to stderr and held in memory per bad line.
const MAX_ERROR_PART: usize = 240;
/// The most of a line's whole error text (up to three validation errors).
const MAX_ERROR: usize = 800;

/// `text` cut to at most `max` bytes (at a character boundary), saying how long it was.
fn bounded(mut text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let total = text.len();
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text.truncate(cut);
    text.push_str(&format!("… [cut, {total} bytes]"));
    text
}

/// Checks one line: JSON, valid against `schema` (when given), key found (for a key path).
/// Returns the event type and key to send it with.
///
/// The line is read into `tape` (no tree is built) and checked by [`Schema::check_doc`], the
/// check of [`Schema::check_json`] on a document the caller keeps: the key and event type are
/// then read from the same tape, without parsing the line twice.
fn check_line<'t>(
    tape: &'t mut Tape,
    line: &'t [u8],
    checks: Checks<'_>,
    key_rule: &KeyRule,
) -> Result<(Option<&'t str>, Option<String>), String> {
    let doc = tape.parse(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(schema) = checks.schema {
        let header = |name: &str| -> Option<String> {
            if let Some((_, v)) = checks.headers.iter().rev().find(|(k, _)| k == name) {
                return Some(v.clone());
            }
            (name == crate::record::envelope::HEADER)
                .then(|| doc.event_type().or(checks.event_type).map(str::to_string))
                .flatten()
        };
        match schema.check_doc(&doc, line, &header) {
            Ok(()) => {}
            Err(Rejected::Invalid { picked, errors }) => {
                let shown: Vec<String> =
                    errors.iter().take(3).map(|e| bounded(e.to_string(), MAX_ERROR_PART)).collect();
                let more = if errors.len() > 3 { format!(" (+{} more)", errors.len() - 3) } else { String::new() };
                let picked = picked.map(|p| format!("{p}: ")).unwrap_or_default();
                return Err(format!("{picked}{}{more}", shown.join("; ")));
            }
            Err(other) => return Err(other.summary(3)),
        }
    }
    let key = match key_rule {
        KeyRule::Path(p) => Some(doc.key_at(p).ok_or_else(|| format!("key path {p} not found in the event"))?),
        _ => None,
    };
    Ok((doc.event_type(), key))
}

/// Checks a run of lines `(line number, start, end)` of `data`.
fn check_run(
    data: &[u8],
    lines: &[(usize, usize, usize)],
    checks: Checks<'_>,
    key_rule: &KeyRule,
) -> (Chunk, Vec<BadLine>) {
    let mut chunk = Chunk { recs: Vec::with_capacity(lines.len()), arena: Vec::with_capacity(lines.len() * 16) };
    let mut bad = Vec::new();
    let mut tape = Tape::new();
    for &(n, a, b) in lines {
        match check_line(&mut tape, &data[a..b], checks, key_rule) {
            Ok((t, k)) => {
                let mut keep = |s: Option<&[u8]>| match s {
                    None => Some(Span::NONE),
                    Some(s) => Span::store(&mut chunk.arena, s),
                };
                match (keep(t.map(str::as_bytes)), keep(k.as_deref().map(str::as_bytes)), u32::try_from(b - a)) {
                    (Some(event_type), Some(key), Ok(len)) => {
                        chunk.recs.push(PlannedRec { start: a, len, event_type, key })
                    }
                    _ => {
                        bad.push(BadLine { line: n, error: "too large to send (4 GiB of keys or event types)".into() })
                    }
                }
            }
            Err(error) => bad.push(BadLine { line: n, error: bounded(error, MAX_ERROR) }),
        }
    }
    (chunk, bad)
}

/// The next round of up to [`BATCH`] non-blank lines and about [`ROUND_BYTES`] from `*pos`:
/// `(line number, start, end)`.
fn next_lines(data: &[u8], pos: &mut usize, n: &mut usize) -> Vec<(usize, usize, usize)> {
    let mut lines = Vec::with_capacity(BATCH.min(data.len() / 64 + 1));
    let start = *pos;
    while *pos < data.len() && lines.len() < BATCH && *pos - start < ROUND_BYTES {
        let end = memchr::memchr(b'\n', &data[*pos..]).map_or(data.len(), |i| *pos + i);
        *n += 1;
        let raw = &data[*pos..end];
        let t = raw.trim_ascii();
        if !t.is_empty() {
            let a = *pos + (t.as_ptr() as usize - raw.as_ptr() as usize);
            lines.push((*n, a, a + t.len()));
        }
        *pos = end + 1;
    }
    lines
}

/// Checks a round of lines, split over up to `threads` threads, in order.
fn check_batch(
    data: &[u8],
    lines: &[(usize, usize, usize)],
    checks: Checks<'_>,
    key_rule: &KeyRule,
    threads: usize,
) -> (Vec<Chunk>, Vec<BadLine>) {
    if threads > 1 && lines.len() > 1024 {
        let per = lines.len().div_ceil(threads);
        let results: Vec<(Chunk, Vec<BadLine>)> = std::thread::scope(|sc| {
            let handles: Vec<_> =
                lines.chunks(per).map(|c| sc.spawn(move || check_run(data, c, checks, key_rule))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
        });
        let mut chunks = Vec::with_capacity(results.len());
        let mut bad = Vec::new();
        for (c, b) in results {
            chunks.push(c);
            bad.extend(b);
        }
        (chunks, bad)
    } else {
        let (c, b) = check_run(data, lines, checks, key_rule);
        (vec![c], b)
    }
}

/// Checks every non-blank line of `data` on up to `threads` threads. Line numbers count blank
/// lines too, so they match what an editor shows. `checked` is told each byte range once done
/// with (see [`Input::release`]).
pub fn plan<'s>(
    data: &[u8],
    checks: Checks<'s>,
    key_rule: &'s KeyRule,
    threads: usize,
    checked: impl FnMut(std::ops::Range<usize>),
) -> Plan<'s> {
    plan_keeping(data, checks, key_rule, threads, KEEP_LINES, checked)
}

/// [`plan`], keeping the send plan of about `keep` lines.
pub fn plan_keeping<'s>(
    data: &[u8],
    checks: Checks<'s>,
    key_rule: &'s KeyRule,
    threads: usize,
    keep: usize,
    mut checked: impl FnMut(std::ops::Range<usize>),
) -> Plan<'s> {
    let threads = threads.max(1);
    let mut out = Plan { segments: Vec::new(), checks, key_rule, threads, total: 0, bad: Vec::new(), sendable: 0 };
    let mut pos = 0usize;
    let mut n = 0usize;
    let mut kept_bytes = 0usize;
    while pos < data.len() {
        let (start, first) = (pos, n);
        let lines = next_lines(data, &mut pos, &mut n);
        out.total += lines.len();
        let (chunks, bad) = check_batch(data, &lines, checks, key_rule, threads);
        out.sendable += chunks.iter().map(|c| c.recs.len()).sum::<usize>();
        out.bad.extend(bad);
        kept_bytes += chunks.iter().map(|c| c.arena.len()).sum::<usize>();
        if out.total <= keep && kept_bytes <= KEEP_BYTES {
            out.segments.push(Segment::Kept(chunks));
        } else {
            out.segments.push(Segment::Later { start, end: pos.min(data.len()), first });
        }
        checked(start..pos.min(data.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_paths() {
        let v = json!({"payload": {"userId": "u1", "n": 3, "arr": ["a", "b"], "obj": {}}});
        assert_eq!(key_at(&v, "payload.userId").as_deref(), Some("u1"));
        assert_eq!(key_at(&v, "payload.n").as_deref(), Some("3"));
        assert_eq!(key_at(&v, "payload.arr.1").as_deref(), Some("b"));
        assert_eq!(key_at(&v, "payload.obj"), None);
        assert_eq!(key_at(&v, "payload.missing"), None);
    }

    /// Value, key and event type of each planned record, as text.
    type Planned3 = (String, Option<String>, Option<String>);

    /// What a plan says, with its records as text.
    struct Seen {
        recs: Vec<Planned3>,
        total: usize,
        bad: Vec<BadLine>,
        len: usize,
    }

    fn texts(p: &Plan, data: &[u8]) -> Vec<Planned3> {
        let s = |b: Option<&[u8]>| b.map(|b| String::from_utf8(b.to_vec()).unwrap());
        let mut out = Vec::new();
        for i in 0..p.segments() {
            for r in p.segment(i, data).records(data) {
                out.push((String::from_utf8(r.value.to_vec()).unwrap(), s(r.key), s(r.event_type)));
            }
        }
        out
    }

    fn plan_of_keeping(text: &str, key: KeyRule, threads: usize, keep: usize) -> Seen {
        let p = plan_keeping(text.as_bytes(), Checks::default(), &key, threads, keep, |_| {});
        Seen { recs: texts(&p, text.as_bytes()), total: p.total, bad: p.bad.clone(), len: p.len() }
    }

    fn plan_of(text: &str, key: KeyRule, threads: usize) -> Seen {
        plan_of_keeping(text, key, threads, KEEP_LINES)
    }

    #[test]
    fn errors_about_a_huge_line_quote_only_a_prefix_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("obj.json");
        std::fs::write(&path, r#"{"type": "object", "required": ["id"]}"#).unwrap();
        let schema = TopicSchema::One(crate::schema::Schema::from_file(&path).unwrap());
        // A 4 MB JSON string where an object is expected: the validator's message quotes it.
        let line = format!("\"{}\"\n{{\"id\":1}}\n", "é".repeat(2 << 20));
        let p = plan_keeping(line.as_bytes(), Checks::schema(Some(&schema)), &KeyRule::None, 1, KEEP_LINES, |_| {});
        assert_eq!((p.total, p.bad.len()), (2, 1));
        let e = &p.bad[0].error;
        assert!(e.len() < 1000, "{} bytes of error", e.len());
        assert!(e.contains("ééé") && e.contains("cut,"), "{e}");
        assert_eq!(bounded("short".into(), 10), "short");
        assert_eq!(bounded("ééé".into(), 3), "é… [cut, 6 bytes]");
    }

    #[test]
    fn lines_are_numbered_like_an_editor_and_trimmed() {
        let text = "{\"a\":1}\n\n  {\"eventType\":\"x.y\"}  \r\nnot json\n{\"b\":2}";
        let p = plan_of(text, KeyRule::None, 1);
        assert_eq!(p.total, 4);
        assert_eq!(
            p.recs,
            vec![
                ("{\"a\":1}".into(), None, None),
                ("{\"eventType\":\"x.y\"}".into(), None, Some("x.y".into())),
                ("{\"b\":2}".into(), None, None),
            ]
        );
        assert_eq!(p.bad.len(), 1);
        assert_eq!(p.bad[0].line, 4);
        assert!(p.bad[0].error.starts_with("not JSON"), "{}", p.bad[0].error);
    }

    #[test]
    fn event_types_match_the_full_parse() {
        for line in [
            r#"{"eventType":"a.b","x":1}"#,
            r#"{"eventType":5}"#,
            r#"{"x":{"eventType":"nested"}}"#,
            r#"{"eventType":null}"#,
            r#"{"eventType":"esc\"aped"}"#,
        ] {
            let v: Value = serde_json::from_str(line).unwrap();
            for rule in [KeyRule::None, KeyRule::Path("x".into())] {
                let p = plan_of(line, rule.clone(), 1);
                let got: Vec<Option<String>> = p.recs.into_iter().map(|r| r.2).collect();
                let want = if matches!(rule, KeyRule::Path(_)) && key_at(&v, "x").is_none() {
                    vec![]
                } else {
                    vec![crate::record::envelope::field_str(&v).map(str::to_string)]
                };
                assert_eq!(got, want, "{line} {rule:?}");
            }
        }
    }

    #[test]
    fn keys_are_planned_and_missing_keys_are_errors() {
        let text = "{\"id\": 1}\n{\"id\": \"k\"}\n{\"x\": 1}\n{\"id\": ";
        let p = plan_of(text, KeyRule::Path("id".into()), 1);
        assert_eq!(p.recs.iter().map(|r| r.1.clone()).collect::<Vec<_>>(), vec![Some("1".into()), Some("k".into())]);
        assert_eq!(p.bad.iter().map(|b| b.line).collect::<Vec<_>>(), vec![3, 4]);
        assert!(p.bad[0].error.contains("key path id"));
    }

    #[test]
    fn checked_ranges_cover_the_input_once_in_order() {
        let text: String = (0..(BATCH + 10)).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        let mut ranges = Vec::new();
        let p = plan(text.as_bytes(), Checks::default(), &KeyRule::None, 2, |r| ranges.push(r));
        assert_eq!(p.len(), BATCH + 10);
        assert_eq!(ranges.len(), 2, "one range per round of {BATCH} lines");
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges[0].end, ranges[1].start);
        assert_eq!(ranges[1].end, text.len());
    }

    #[test]
    fn threads_keep_input_order() {
        let text: String = (0..5000).map(|i| format!("{{\"n\":{i}}}\n")).collect();
        let one = plan_of(&text, KeyRule::Path("n".into()), 1);
        let four = plan_of(&text, KeyRule::Path("n".into()), 4);
        assert_eq!(one.recs, four.recs);
        assert_eq!(four.len, 5000);
        assert_eq!(four.recs[4999].1.as_deref(), Some("4999"));
    }

    #[test]
    fn rounds_planned_again_send_what_a_kept_plan_sends() {
        // Three rounds of lines, blank and invalid lines among them: keeping the plan of only
        // the first round must send the same records, with the same line numbers for errors.
        let mut text = String::new();
        for i in 0..(2 * BATCH + 100) {
            match i % 1000 {
                7 => text.push_str("not json\n"),
                8 => text.push_str("  \n"),
                9 => text.push_str("{\"x\":1}\n"),
                _ => text.push_str(&format!("{{\"id\":\"k{i}\",\"eventType\":\"t{}\"}}\n", i % 3)),
            }
        }
        for threads in [1, 3] {
            let all = plan_of(&text, KeyRule::Path("id".into()), threads);
            let few = plan_of_keeping(&text, KeyRule::Path("id".into()), threads, 10);
            assert_eq!(few.recs, all.recs);
            assert_eq!((few.total, few.len), (all.total, all.len));
            assert_eq!(few.bad, all.bad);
            assert_eq!(all.len, all.recs.len());
            assert!(all.bad.iter().any(|b| b.line > BATCH + 1000), "errors in later rounds are numbered");
        }
    }

    #[test]
    fn large_keys_keep_neither_the_round_nor_the_plan_growing_with_the_input() {
        // 40 lines with 4 MB keys: rounds stop near ROUND_BYTES, and the plan keeps keys only
        // up to KEEP_BYTES; the rest is planned again when sent, with the same records.
        let big = "k".repeat(4 << 20);
        let text: String = (0..40).map(|i| format!("{{\"id\":\"{i}{big}\",\"eventType\":\"t\"}}\n")).collect();
        let key = KeyRule::Path("id".into());
        let p = plan_keeping(text.as_bytes(), Checks::default(), &key, 2, KEEP_LINES, |_| {});
        assert!(p.segments() >= 40 * (4 << 20) / ROUND_BYTES, "{} rounds", p.segments());
        let kept: usize = p
            .segments
            .iter()
            .map(|s| match s {
                Segment::Kept(c) => c.iter().map(|c| c.arena.len()).sum(),
                Segment::Later { .. } => 0,
            })
            .sum();
        assert!(kept <= KEEP_BYTES + ROUND_BYTES, "{kept} bytes of keys kept");
        let recs = texts(&p, text.as_bytes());
        assert_eq!(recs.len(), 40);
        assert_eq!(recs, plan_of(&text, KeyRule::Path("id".into()), 1).recs);
    }
}

/// Hostile input for the JSON Lines reader (issue 14): arbitrary bytes never panic, every line is
/// accounted for once (sent or reported), and a report quotes a bounded prefix of its line.
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_lines_never_panic_and_are_counted_once(
            lines in proptest::collection::vec(
                prop_oneof![
                    proptest::collection::vec(any::<u8>(), 0..60),
                    "\\{\"id\":\"[a-z]{0,5}\",\"eventType\":\"[a-z.]{0,6}\",\"n\":(1e400|-0|1.5|[0-9]{1,20})\\}".prop_map(String::into_bytes),
                    Just(b"{\"id\":\"\\ud800\"}".to_vec()),
                    Just(b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]".to_vec()),
                ],
                0..20,
            ),
            threads in 1usize..4,
        ) {
            let mut data = Vec::new();
            for l in &lines {
                data.extend(l.iter().map(|b| if *b == b'\n' { b' ' } else { *b }));
                data.push(b'\n');
            }
            let rule = KeyRule::Path("id".into());
            let plan = plan(&data, Checks::default(), &rule, threads, |_| {});
            prop_assert!(plan.bad.len() <= plan.total);
            prop_assert_eq!(plan.len() + plan.bad.len(), plan.total);
            for b in &plan.bad {
                prop_assert!(b.error.len() <= 1200, "an unbounded report: {} bytes", b.error.len());
            }
        }
    }
}
