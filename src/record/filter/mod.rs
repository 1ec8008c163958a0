//! Record filters shared by `evbus tail` and `evbus dlq replay`.
//!
//! [`RecordFilter`] ANDs cheap byte-level conditions (key, headers, grep) with JSON-level ones
//! (event type, jq program). The cheap ones run first so a jq program is only evaluated for
//! records that could still match.
//!
//! jq programs are compiled once with jaq (core + std + json definitions) and evaluated per
//! record. Input is the record's JSON value; the global `$__meta` holds
//! `{"topic","partition","offset","timestamp","key","headers"}`. Because this runs per record
//! at very high rates:
//! * JSON bytes are parsed straight into jaq values through serde_json's parser (strict JSON,
//!   bounded nesting depth, one pass, no intermediate `serde_json::Value`);
//! * `$__meta` is only built when the program text mentions it;
//! * the most common shape, `.a.b == "x"`, skips jq altogether ([`fast`]), with the same answer.
//!
//! Programs cannot crash or hang evbus, whatever they are:
//! * [`limits`] rejects programs longer or more deeply nested than jaq can parse, compile and
//!   evaluate within the stacks below, before jaq sees them (a usage error, exit 2);
//! * programs are compiled on a thread with a large stack ([`guard::COMPILE_STACK`]) and
//!   evaluated on threads with a known one ([`guard`]), where recursing too deeply is an
//!   [`EvalError::TooDeep`] and an [`Interrupter`] (Ctrl-C) stops any running evaluation;
//! * `fromjson` is evbus's own, with the same 128-level limit as record values.

mod fast;
pub mod guard;
pub mod limits;

use std::fmt;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, ValT as _, Vars};
use jaq_json::{Num, Val};
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::record::render::RecordView;
use fast::FastEq;
pub use guard::{EvalError, Interrupter, spawn_eval_thread, spawn_scoped_eval_thread};
use guard::{Guarded, on_eval_thread, run_guarded};

/// Name of the global variable holding record metadata.
pub const META_VAR: &str = "$__meta";

/// Runtime error messages embed (possibly huge) input values; cap their size so that a program
/// failing on every record costs little and prints a readable line.
const MAX_ERROR_LEN: usize = 300;

/// A compiled jq program.
pub struct JqFilter {
    filter: jaq_core::Filter<Guarded>,
    /// The same program without jq, when it has the shape [`FastEq`] handles.
    fast: Option<FastEq>,
    uses_meta: bool,
    source: String,
    interrupt: Interrupter,
}

impl fmt::Debug for JqFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JqFilter").field("source", &self.source).finish_non_exhaustive()
    }
}

impl JqFilter {
    /// Checks `src` against [`limits`], then parses and compiles it. Errors read like `jq:
    /// syntax error at line 1, column 9: expected term, found ")"`, `jq: undefined filter
    /// "foo/0" at line 1, column 1` or `jq: the program is nested 3000 levels deep (…)`.
    pub fn compile(src: &str) -> Result<JqFilter, String> {
        limits::check(src)?;
        // jaq's lexer, parser and compiler recurse per level of nesting: give them a stack that
        // holds the deepest program `limits` lets through, whatever thread compiles.
        let filter = std::thread::scope(|s| {
            let compiling = std::thread::Builder::new()
                .name("evbus-jq-compile".into())
                .stack_size(guard::COMPILE_STACK)
                .spawn_scoped(s, || compile_jaq(src))
                .map_err(|e| format!("jq: cannot start a thread to compile the program: {e}"))?;
            compiling.join().unwrap_or_else(|_| Err("jq: internal error in jaq while compiling the program".into()))
        })?;
        Ok(JqFilter {
            filter,
            fast: FastEq::parse(src),
            uses_meta: src.contains(META_VAR),
            source: src.to_string(),
            interrupt: Interrupter::default(),
        })
    }

    /// The program text this filter was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the program refers to `$__meta` (otherwise callers may pass `Value::Null`).
    pub fn uses_meta(&self) -> bool {
        self.uses_meta
    }

    /// Whether records are answered without jq ([`fast`]), which costs little per record.
    pub fn is_fast(&self) -> bool {
        self.fast.is_some()
    }

    /// A handle that stops this filter's evaluations, running or future ([`EvalError::Interrupted`]).
    pub fn interrupter(&self) -> Interrupter {
        self.interrupt.clone()
    }

    /// True when the program's first output is truthy (neither `false` nor `null`); no output
    /// (e.g. a failing `select`) is no match. `meta` is what `$__meta` is bound to; see
    /// [`meta_json`].
    pub fn matches(&self, input: &serde_json::Value, meta: &serde_json::Value) -> Result<bool, EvalError> {
        on_eval_thread(|| {
            let meta = if self.uses_meta { json_to_val(meta) } else { Val::Null };
            self.run(json_to_val(input), meta)
        })?
    }

    /// Like [`JqFilter::matches`] but parses the JSON bytes directly into jaq's value type.
    /// Bytes that are not (strict) JSON are an error.
    pub fn matches_bytes(&self, value_json: &[u8], meta: &serde_json::Value) -> Result<bool, EvalError> {
        on_eval_thread(|| {
            let input = parse_val(value_json).map_err(|e| EvalError::Runtime(format!("value is not JSON: {e}")))?;
            let meta = if self.uses_meta { json_to_val(meta) } else { Val::Null };
            self.run(input, meta)
        })?
    }

    /// Evaluates against a record: input is the parsed value (`null` for a tombstone), `$__meta`
    /// is derived from the record. `Ok(None)` means the value is not JSON.
    pub fn matches_record(
        &self,
        rec: &RecordView,
        parsed: Option<&serde_json::Value>,
    ) -> Result<Option<bool>, EvalError> {
        if parsed.is_none()
            && let Some(answer) = self.fast.as_ref().and_then(|f| f.eval(rec.value))
        {
            return Ok(Some(answer));
        }
        on_eval_thread(|| {
            let input = match (parsed, rec.value) {
                (Some(v), _) => json_to_val(v),
                (None, None) => Val::Null,
                (None, Some(bytes)) => match parse_val(bytes) {
                    Ok(v) => v,
                    Err(_) => return Ok(None),
                },
            };
            self.run_record(input, rec).map(Some)
        })?
    }

    fn run_record(&self, input: Val, rec: &RecordView) -> Result<bool, EvalError> {
        let meta = if self.uses_meta { meta_val(rec) } else { Val::Null };
        self.run(input, meta)
    }

    /// Runs the program; only on an evaluation thread (see [`guard`]).
    fn run(&self, input: Val, meta: Val) -> Result<bool, EvalError> {
        run_guarded(&self.filter.lut, &self.interrupt, |guard| {
            let ctx = Ctx::<Guarded>::new(guard, Vars::new([meta]));
            let mut outputs = self.filter.id.run((ctx, input));
            match outputs.next() {
                None => Ok(false),
                Some(Ok(v)) => Ok(v.as_bool()),
                // Not `jaq_core::unwrap_valr`: it calls `process::exit` when the program halts.
                Some(Err(exn)) => Err(EvalError::Runtime(match exn.get_err() {
                    Ok(err) => error_message(&err),
                    Err(exn) => match exn.get_halt() {
                        Ok(code) => format!("jq program called halt (exit code {code})"),
                        Err(_) => "jq program raised an internal exception".to_string(),
                    },
                })),
            }
        })
    }
}

/// Parses and compiles a program that passed [`limits::check`]; runs on the compile thread.
fn compile_jaq(src: &str) -> Result<jaq_core::Filter<Guarded>, String> {
    let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
    // jaq's `fromjson` parses recursively without a depth limit, so a record holding a string of
    // a million `[` would exhaust any stack; ours has serde_json's limit, like record values.
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs().filter(|(name, _, _)| *name != "fromjson"))
        .chain([fromjson()]);
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader.load(&arena, File { code: src, path: () }).map_err(|errs| load_errors(src, errs))?;
    Compiler::default()
        .with_funs(funs)
        .with_global_vars([META_VAR])
        .compile(modules)
        .map_err(|errs| compile_errors(src, errs))
}

/// `fromjson`: the input string parsed as one strict JSON value (at most 128 levels deep).
fn fromjson() -> jaq_core::native::Fun<Guarded> {
    jaq_core::native::run(("fromjson", jaq_core::native::v(0), |cv| {
        let parsed = cv.1.try_as_utf8_bytes_owned().and_then(|text| {
            parse_val(&text).map_err(|e| {
                // Short enough that serde_json's reason still fits in the error's bound.
                let shown = bounded_display(&cv.1, MAX_ERROR_LEN / 4);
                jaq_core::Error::str(format_args!("cannot parse {shown} as JSON: {e}"))
            })
        });
        jaq_core::native::bome(parsed)
    }))
}

/// `$__meta` for a record, as JSON: `{"topic","partition","offset","timestamp" (ms or null),
/// "key" (string or null),"headers":{name: string or null}}`.
///
/// Keys and header values that are not UTF-8 are converted lossily (U+FFFD), so they never
/// equal a plain string; with repeated header names the last one wins, as in Kafka's
/// `lastHeader`.
pub fn meta_json(rec: &RecordView) -> serde_json::Value {
    use serde_json::Value;
    let lossy = |b: Option<&[u8]>| b.map_or(Value::Null, |b| Value::String(String::from_utf8_lossy(b).into_owned()));
    let mut headers = serde_json::Map::new();
    for (name, value) in rec.headers {
        headers.insert(name.clone(), lossy(value.as_deref()));
    }
    serde_json::json!({
        "topic": rec.topic,
        "partition": rec.partition,
        "offset": rec.offset,
        "timestamp": rec.timestamp_ms,
        "key": lossy(rec.key),
        "headers": headers,
    })
}

/// Same content as [`meta_json`], built directly as a jaq value.
fn meta_val(rec: &RecordView) -> Val {
    let s = |s: &str| Val::from(s.to_string());
    let lossy = |b: Option<&[u8]>| b.map_or(Val::Null, |b| Val::from(String::from_utf8_lossy(b).into_owned()));
    let int = |i: i64| Val::Num(Num::from_integral(i));
    let headers: jaq_json::Map = rec.headers.iter().map(|(k, v)| (s(k), lossy(v.as_deref()))).collect();
    let fields = [
        (s("topic"), s(rec.topic)),
        (s("partition"), int(i64::from(rec.partition))),
        (s("offset"), int(rec.offset)),
        (s("timestamp"), rec.timestamp_ms.map_or(Val::Null, int)),
        (s("key"), lossy(rec.key)),
        (s("headers"), Val::obj(headers)),
    ];
    Val::obj(fields.into_iter().collect())
}

fn json_to_val(v: &serde_json::Value) -> Val {
    use serde_json::Value;
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => number_to_val(n),
        Value::String(s) => Val::from(s.clone()),
        Value::Array(a) => a.iter().map(json_to_val).collect(),
        Value::Object(o) => Val::obj(o.iter().map(|(k, v)| (Val::from(k.clone()), json_to_val(v))).collect()),
    }
}

fn number_to_val(n: &serde_json::Number) -> Val {
    if let Some(i) = n.as_i64() {
        Val::Num(Num::from_integral(i))
    } else if let Some(u) = n.as_u64() {
        Val::Num(Num::from_integral(u))
    } else {
        Val::from(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Parses strict JSON bytes into a jaq value in one pass.
///
/// serde_json rather than jaq's own reader: jaq accepts a superset (NaN, comments, byte
/// strings) that would disagree with what the renderers call JSON, and its recursive parser
/// has no depth limit, so hostile input like 100k `[` could overflow the stack. serde_json
/// stops at 128 levels.
fn parse_val(bytes: &[u8]) -> Result<Val, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = ValSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

struct ValSeed;

impl<'de> DeserializeSeed<'de> for ValSeed {
    type Value = Val;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
        d.deserialize_any(ValVisitor)
    }
}

struct ValVisitor;

impl<'de> Visitor<'de> for ValVisitor {
    type Value = Val;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Val, E> {
        Ok(Val::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Val, E> {
        Ok(Val::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Val, E> {
        Ok(Val::Num(Num::from_integral(i)))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Val, E> {
        Ok(Val::Num(Num::from_integral(u)))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Val, E> {
        Ok(Val::from(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Val, E> {
        Ok(Val::from(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Val, E> {
        Ok(Val::from(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = seq.next_element_seed(ValSeed)? {
            items.push(v);
        }
        Ok(Val::Arr(items.into()))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Val, A::Error> {
        let mut obj = jaq_json::Map::default();
        while let Some((k, v)) = map.next_entry_seed(ValSeed, ValSeed)? {
            obj.insert(k, v);
        }
        Ok(Val::obj(obj))
    }
}

/// The top-level `eventType` of a JSON document, if it is an object that has one; other fields
/// are skipped without being materialised.
enum EventType {
    Found(serde_json::Value),
    Absent,
}

fn parse_event_type(bytes: &[u8]) -> Result<EventType, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = serde::Deserializer::deserialize_any(&mut de, EventTypeVisitor)?;
    de.end()?;
    Ok(v)
}

struct EventTypeVisitor;

impl<'de> Visitor<'de> for EventTypeVisitor {
    type Value = EventType;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<EventType, E> {
        Ok(EventType::Absent)
    }
    fn visit_bool<E>(self, _: bool) -> Result<EventType, E> {
        Ok(EventType::Absent)
    }
    fn visit_i64<E>(self, _: i64) -> Result<EventType, E> {
        Ok(EventType::Absent)
    }
    fn visit_u64<E>(self, _: u64) -> Result<EventType, E> {
        Ok(EventType::Absent)
    }
    fn visit_f64<E>(self, _: f64) -> Result<EventType, E> {
        Ok(EventType::Absent)
    }
    fn visit_str<E>(self, _: &str) -> Result<EventType, E> {
        Ok(EventType::Absent)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<EventType, A::Error> {
        // Must consume the elements: serde_json rejects a sequence left half-read.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(EventType::Absent)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EventType, A::Error> {
        let mut found = None;
        while let Some(is_event_type) = map.next_key_seed(IsEventTypeKey)? {
            if is_event_type {
                found = Some(map.next_value::<serde_json::Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found.map_or(EventType::Absent, EventType::Found))
    }
}

/// Map-key seed that only answers "is this `eventType`?", avoiding a String per key.
struct IsEventTypeKey;

impl<'de> DeserializeSeed<'de> for IsEventTypeKey {
    type Value = bool;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsEventTypeKey {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<bool, E> {
        Ok(s == "eventType")
    }
}

/// Result of [`RecordFilter::matches`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Yes,
    No,
    /// A JSON-level condition (jq or event type) was set but the value is not JSON, so it
    /// could not be evaluated. Callers usually count these separately from plain misses.
    NotJson,
    /// The jq program could not finish on this record: it recursed too deeply, was
    /// interrupted, or no evaluation thread could be started (never [`EvalError::Runtime`]: a
    /// runtime error is a `No`). The record does not match; callers say why.
    Failed(EvalError),
}

/// All conditions given on the command line; every one that is set must hold.
#[derive(Debug, Default)]
pub struct RecordFilter {
    pub jq: Option<JqFilter>,
    /// Key must equal this (byte-wise against its UTF-8 encoding).
    pub key: Option<String>,
    /// Each `(name, value)` must be present as a header (any occurrence of a repeated name).
    pub headers: Vec<(String, String)>,
    /// The value's top-level `eventType`, or the `event-type` header when the value has none.
    pub event_type: Option<String>,
    /// Substring of the value bytes or of the key bytes.
    pub grep: Option<String>,
}

impl RecordFilter {
    /// True when no condition is set, so callers can skip filtering (and JSON parsing) entirely.
    pub fn is_empty(&self) -> bool {
        self.jq.is_none()
            && self.key.is_none()
            && self.headers.is_empty()
            && self.event_type.is_none()
            && self.grep.is_none()
    }

    /// Evaluates all conditions against `rec`.
    ///
    /// `parsed` is the value already decoded by the caller, if it has it; with `None` the value
    /// bytes are parsed here when a JSON-level condition needs them. Tombstones are no JSON
    /// document, but jq sees them as `null` input (so `$__meta.key == "u1"` can still match a
    /// delete) and the event type falls back to the header. A jq runtime error is a `No`.
    pub fn matches(&self, rec: &RecordView, parsed: Option<&serde_json::Value>) -> Match {
        if let Some(k) = &self.key
            && rec.key != Some(k.as_bytes())
        {
            return Match::No;
        }
        for (name, want) in &self.headers {
            let present = rec.headers.iter().any(|(n, v)| n == name && v.as_deref() == Some(want.as_bytes()));
            if !present {
                return Match::No;
            }
        }
        if let Some(needle) = &self.grep {
            let hit = rec.value.is_some_and(|v| contains(v, needle)) || rec.key.is_some_and(|k| contains(k, needle));
            if !hit {
                return Match::No;
            }
        }
        if self.event_type.is_none() && self.jq.is_none() {
            return Match::Yes;
        }

        // The fast path answers from the bytes; it defers (None) to jq for values that are not
        // JSON and for programs that raise an error on the value.
        let fast = match (parsed, self.jq.as_ref().and_then(|jq| jq.fast.as_ref())) {
            (None, Some(fast)) => fast.eval(rec.value),
            _ => None,
        };
        if fast == Some(false) {
            // The value is JSON and the program says no: nothing else can make it a match.
            return Match::No;
        }
        let run_jq = self.jq.is_some() && fast.is_none();
        if run_jq && !guard::is_eval_thread() {
            // jq values cannot move between threads, so all of it runs over there.
            return on_eval_thread(|| self.matches(rec, parsed)).unwrap_or_else(Match::Failed);
        }

        // Parse at most once, and only as far as needed: jaq value when jq runs (also used
        // for the event type), otherwise just the `eventType` field.
        let mut jq_input: Option<Val> = None;
        let mut not_json = false;
        if run_jq && parsed.is_none() {
            match rec.value {
                None => jq_input = Some(Val::Null),
                Some(bytes) => match parse_val(bytes) {
                    Ok(v) => jq_input = Some(v),
                    Err(_) => not_json = true,
                },
            }
        }

        if let Some(want) = &self.event_type {
            let from_value: Option<String> = match (parsed, &jq_input) {
                (Some(v), _) => v.get("eventType").map(type_string),
                (None, Some(v)) => val_event_type(v),
                (None, None) => match rec.value {
                    None => None,
                    Some(bytes) => match parse_event_type(bytes) {
                        Ok(EventType::Found(v)) => Some(type_string(&v)),
                        Ok(EventType::Absent) => None,
                        Err(_) => {
                            not_json = true;
                            None
                        }
                    },
                },
            };
            let actual = from_value.or_else(|| {
                rec.headers
                    .iter()
                    .rev()
                    .find(|(n, _)| n == "event-type")
                    .and_then(|(_, v)| v.as_deref())
                    .map(|v| String::from_utf8_lossy(v).into_owned())
            });
            match actual {
                Some(t) if t == *want => {}
                Some(_) => return Match::No,
                None if not_json => return Match::NotJson,
                None => return Match::No,
            }
        }

        let Some(jq) = &self.jq else { return Match::Yes };
        if fast == Some(true) {
            return Match::Yes;
        }
        if not_json {
            return Match::NotJson;
        }
        let input = match (parsed, jq_input) {
            (Some(v), _) => json_to_val(v),
            (None, Some(v)) => v,
            (None, None) => Val::Null,
        };
        match jq.run_record(input, rec) {
            Ok(true) => Match::Yes,
            Ok(false) | Err(EvalError::Runtime(_)) => Match::No,
            Err(e) => Match::Failed(e),
        }
    }
}

/// Event types compare as strings; a non-string `eventType` (e.g. a number) compares by its
/// JSON text so `--type 3` still finds `"eventType": 3`.
fn type_string(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn val_event_type(v: &Val) -> Option<String> {
    let Val::Obj(o) = v else { return None };
    // Linear scan instead of a hashed lookup: building the lookup key would allocate.
    o.iter().find_map(|(k, v)| match k {
        Val::TStr(k) if &***k == b"eventType" => Some(match v {
            Val::TStr(s) => String::from_utf8_lossy(s).into_owned(),
            other => other.to_string(),
        }),
        _ => None,
    })
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    if n.is_empty() {
        return true;
    }
    // std's two-way string search is only available for &str; fall back to a naive scan for
    // binary values.
    match std::str::from_utf8(haystack) {
        Ok(s) => s.contains(needle),
        Err(_) => haystack.windows(n.len()).any(|w| w == n),
    }
}

/// Parses a `--header k=v` argument (split at the first `=`; the value may be empty or contain
/// further `=`).
pub fn parse_header_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some(("", _)) => Err(format!("invalid header filter {s:?}: the name before '=' is empty")),
        Some((k, v)) => Ok((k.to_string(), v.to_string())),
        None => Err(format!("invalid header filter {s:?}: expected NAME=VALUE")),
    }
}

// ---------------------------------------------------------------------------------------------
// Error formatting

/// Renders `Display` into at most `max` bytes, stopping the formatter early once the budget is
/// spent (the error may embed an arbitrarily large value).
fn bounded_display(v: &dyn fmt::Display, max: usize) -> String {
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
fn error_message(err: &jaq_json::Error) -> String {
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
fn line_col(src: &str, offset: usize) -> String {
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
fn found(at: &str) -> String {
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

fn load_errors(src: &str, errs: jaq_core::load::Errors<&str, ()>) -> String {
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

fn compile_errors(src: &str, errs: jaq_core::compile::Errors<&str, ()>) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hdrs(v: &[(&str, Option<&str>)]) -> Vec<(String, Option<Vec<u8>>)> {
        v.iter().map(|(k, v)| (k.to_string(), v.map(|v| v.as_bytes().to_vec()))).collect()
    }

    fn rec<'a>(
        key: Option<&'a [u8]>,
        value: Option<&'a [u8]>,
        headers: &'a [(String, Option<Vec<u8>>)],
    ) -> RecordView<'a> {
        RecordView {
            topic: "patients",
            partition: 2,
            offset: 77,
            timestamp_ms: Some(1_700_000_000_000),
            key,
            value,
            headers,
        }
    }

    fn jq(src: &str) -> RecordFilter {
        RecordFilter { jq: Some(JqFilter::compile(src).expect("compiles")), ..Default::default() }
    }

    const DOCTOR: &[u8] = br#"{"eventType":"UserCreated","payload":{"role":"doctor","n":3}}"#;
    const NURSE: &[u8] = br#"{"eventType":"UserUpdated","payload":{"role":"nurse","n":4}}"#;

    #[test]
    fn jq_boolean_program() {
        let f = jq(r#".payload.role == "doctor""#);
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::No);
        // Pre-parsed input takes the serde_json::Value path.
        let v: serde_json::Value = serde_json::from_slice(DOCTOR).unwrap();
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), Some(&v)), Match::Yes);
        let j = f.jq.as_ref().unwrap();
        assert_eq!(j.matches(&v, &serde_json::Value::Null), Ok(true));
        assert_eq!(j.matches_bytes(NURSE, &serde_json::Value::Null), Ok(false));
        assert!(j.matches_bytes(b"nope", &serde_json::Value::Null).is_err());
        assert!(!j.uses_meta());
    }

    #[test]
    fn jq_select_program_and_numbers() {
        let f = jq(r#"select(.payload.n > 3 and (.eventType | startswith("User")))"#);
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::No);
        assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::Yes);
        let f = jq("empty");
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::No);
        let f = jq("false, true");
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::No, "first output decides");
        let f = jq(r#"[.payload[]] | length == 2 and (map(tostring) | join(",") == "doctor,3")"#);
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
        let f = jq(r#"test("^u"; "i") | not"#);
        assert_eq!(f.matches(&rec(None, Some(br#""User""#), &[]), None), Match::No);
        let f = jq(".big > 18446744073709551614 and .f == 1.5");
        assert_eq!(f.matches(&rec(None, Some(br#"{"big":18446744073709551615,"f":1.5}"#), &[]), None), Match::Yes);
    }

    #[test]
    fn jq_meta() {
        let h = hdrs(&[("trace", Some("abc")), ("trace", Some("def")), ("nil", None)]);
        let f = jq(r#"select($__meta.key == "u1")"#);
        assert!(f.jq.as_ref().unwrap().uses_meta());
        assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &h), None), Match::Yes);
        assert_eq!(f.matches(&rec(Some(b"u2"), Some(DOCTOR), &h), None), Match::No);
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &h), None), Match::No);

        let f = jq(concat!(
            r#"$__meta.topic == "patients" and $__meta.partition == 2 and $__meta.offset == 77"#,
            r#" and $__meta.timestamp == 1700000000000 and $__meta.headers.trace == "def""#,
            r#" and $__meta.headers.nil == null and ($__meta.headers | length) == 2"#
        ));
        assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &h), None), Match::Yes);

        // A tombstone is `null` input, so metadata-only programs still see it.
        let f = jq(r#"$__meta.key == "u1" and . == null"#);
        assert_eq!(f.matches(&rec(Some(b"u1"), None, &h), None), Match::Yes);

        // meta_json and the internal builder agree.
        let r = rec(Some(b"u1"), Some(DOCTOR), &h);
        assert_eq!(
            meta_json(&r),
            json!({"topic":"patients","partition":2,"offset":77,"timestamp":1700000000000i64,"key":"u1","headers":{"trace":"def","nil":null}})
        );
        assert_eq!(json_to_val(&meta_json(&r)), meta_val(&r));
        let j = JqFilter::compile(r#"$__meta.headers.trace == "def""#).unwrap();
        assert_eq!(j.matches(&json!({}), &meta_json(&r)), Ok(true));
    }

    #[test]
    fn jq_runtime_errors_are_err_and_no_match() {
        let j = JqFilter::compile(".a.b").unwrap();
        let e = j.matches_bytes(br#"{"a":"str"}"#, &serde_json::Value::Null).unwrap_err().to_string();
        assert!(e.contains("cannot index"), "{e}");
        let f = RecordFilter { jq: Some(j), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(br#"{"a":"str"}"#), &[]), None), Match::No);

        // Huge values in error messages are cut short.
        let big = format!(r#"{{"a":"{}"}}"#, "x".repeat(100_000));
        let j = JqFilter::compile(".a | .[0]").unwrap();
        let e = j.matches_bytes(big.as_bytes(), &serde_json::Value::Null).unwrap_err().to_string();
        assert!(e.len() < 400 && e.ends_with('…'), "{}", e.len());

        // `halt` must not exit the process.
        let j = JqFilter::compile("halt").unwrap();
        assert!(j.matches_bytes(b"1", &serde_json::Value::Null).unwrap_err().to_string().contains("halt"));
        let j = JqFilter::compile(r#"error("boom")"#).unwrap();
        assert_eq!(j.matches_bytes(b"1", &serde_json::Value::Null), Err(EvalError::Runtime("boom".into())));
        let j = JqFilter::compile(r#"error("\u001b[2J")"#).unwrap();
        assert_eq!(j.matches_bytes(b"1", &serde_json::Value::Null), Err(EvalError::Runtime("\\x1b[2J".into())));
        let j = JqFilter::compile(r#"error({"a":1})"#).unwrap();
        assert_eq!(j.matches_bytes(b"1", &serde_json::Value::Null), Err(EvalError::Runtime(r#"{"a":1}"#.into())));
    }

    #[test]
    fn jq_compile_errors() {
        let e = JqFilter::compile(".a | (").unwrap_err();
        assert!(e.starts_with("jq: syntax error at line 1, column"), "{e}");
        let e = JqFilter::compile(".a ==").unwrap_err();
        assert!(e.contains("syntax error") && e.contains("end of input"), "{e}");
        let e = JqFilter::compile("select(.a == 1))").unwrap_err();
        assert!(e.contains("syntax error"), "{e}");
        let e = JqFilter::compile(r#""unterminated"#).unwrap_err();
        assert!(e.contains("closing quote"), "{e}");
        let e = JqFilter::compile(r#"@json "x"#).unwrap_err();
        assert!(e.contains("syntax error"), "{e}");
        let e = JqFilter::compile(".a |\n  nosuchfn(1)").unwrap_err();
        assert_eq!(e, "jq: undefined filter \"nosuchfn/1\" at line 2, column 3");
        let e = JqFilter::compile("$nope").unwrap_err();
        assert!(e.contains("undefined variable") && e.contains("line 1, column 1"), "{e}");
        let e = JqFilter::compile(r#"import "x" as x; ."#).unwrap_err();
        assert!(e.contains("cannot load module"), "{e}");
        // jq reads an empty program as `.`; jaq does not.
        let e = JqFilter::compile("").unwrap_err();
        assert_eq!(e, "jq: syntax error at line 1, column 1: expected term, found end of input");
    }

    #[test]
    fn jq_non_json_values() {
        let f = jq("true");
        assert_eq!(f.matches(&rec(None, Some(b"plain text"), &[]), None), Match::NotJson);
        assert_eq!(f.matches(&rec(None, Some(b"\xff\xfe"), &[]), None), Match::NotJson);
        assert_eq!(f.matches(&rec(None, Some(b"NaN"), &[]), None), Match::NotJson);
        // Hostile nesting is rejected, not a stack overflow.
        let deep = "[".repeat(200_000);
        assert_eq!(f.matches(&rec(None, Some(deep.as_bytes()), &[]), None), Match::NotJson);
        // ...but cheap conditions that fail first give a plain No.
        let f = RecordFilter { key: Some("k".into()), ..jq("true") };
        assert_eq!(f.matches(&rec(None, Some(b"plain"), &[]), None), Match::No);
    }

    #[test]
    fn key_header_grep() {
        let h = hdrs(&[("source", Some("web")), ("trace", None), ("source", Some("api"))]);
        let f = RecordFilter { key: Some("u1".into()), ..Default::default() };
        assert_eq!(f.matches(&rec(Some(b"u1"), None, &[]), None), Match::Yes);
        assert_eq!(f.matches(&rec(Some(b"u12"), None, &[]), None), Match::No);
        assert_eq!(f.matches(&rec(None, None, &[]), None), Match::No);

        let f = RecordFilter { headers: vec![("source".into(), "api".into())], ..Default::default() };
        assert_eq!(f.matches(&rec(None, None, &h), None), Match::Yes);
        let f = RecordFilter {
            headers: vec![("source".into(), "api".into()), ("trace".into(), "".into())],
            ..Default::default()
        };
        assert_eq!(f.matches(&rec(None, None, &h), None), Match::No, "null header is not an empty string");

        let f = RecordFilter { grep: Some("doctor".into()), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::No);
        assert_eq!(f.matches(&rec(Some(b"doctor-7"), None, &[]), None), Match::Yes, "grep looks at the key too");
        assert_eq!(f.matches(&rec(None, Some(b"\xffdoctor\xfe"), &[]), None), Match::Yes, "binary values");
        assert_eq!(f.matches(&rec(None, Some(b"\xffdocto"), &[]), None), Match::No);

        let f = RecordFilter::default();
        assert!(f.is_empty());
        assert_eq!(f.matches(&rec(None, Some(b"\xff"), &[]), None), Match::Yes);
    }

    #[test]
    fn event_type() {
        let f = RecordFilter { event_type: Some("UserCreated".into()), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), None), Match::No);
        let v: serde_json::Value = serde_json::from_slice(NURSE).unwrap();
        assert_eq!(f.matches(&rec(None, Some(NURSE), &[]), Some(&v)), Match::No);

        // Header fallback when the value lacks the field, is a tombstone, or is not JSON.
        let h = hdrs(&[("event-type", Some("UserCreated"))]);
        assert_eq!(f.matches(&rec(None, Some(br#"{"id":1}"#), &h), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, Some(br#"[1,{"eventType":"x"}]"#), &h), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, None, &h), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, Some(b"\x08protobuf"), &h), None), Match::Yes);
        assert_eq!(f.matches(&rec(None, Some(NURSE), &h), None), Match::No, "the value's field wins");
        assert_eq!(f.matches(&rec(None, Some(br#"{"id":1}"#), &[]), None), Match::No);
        assert_eq!(f.matches(&rec(None, Some(b"not json"), &[]), None), Match::NotJson);
        assert_eq!(f.matches(&rec(None, None, &[]), None), Match::No);

        // Combined with jq: one parse serves both.
        let f = RecordFilter { event_type: Some("UserCreated".into()), ..jq(".payload.n == 3") };
        assert_eq!(f.matches(&rec(None, Some(DOCTOR), &[]), None), Match::Yes);
        let f = RecordFilter { event_type: Some("3".into()), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(br#"{"eventType":3}"#), &[]), None), Match::Yes);
        let f = RecordFilter { event_type: Some("3".into()), ..jq("true") };
        assert_eq!(f.matches(&rec(None, Some(br#"{"eventType":3}"#), &[]), None), Match::Yes);
    }

    #[test]
    fn all_conditions_are_anded() {
        let h = hdrs(&[("source", Some("web"))]);
        let f = RecordFilter {
            jq: Some(JqFilter::compile(r#".payload.role == "doctor""#).unwrap()),
            key: Some("u1".into()),
            headers: vec![("source".into(), "web".into())],
            event_type: Some("UserCreated".into()),
            grep: Some("role".into()),
        };
        assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &h), None), Match::Yes);
        assert_eq!(f.matches(&rec(Some(b"u2"), Some(DOCTOR), &h), None), Match::No);
        assert_eq!(f.matches(&rec(Some(b"u1"), Some(DOCTOR), &[]), None), Match::No);
        assert_eq!(f.matches(&rec(Some(b"u1"), Some(NURSE), &h), None), Match::No);
    }

    /// Programs built by repeating one construct `n` times, each true on `{}`.
    const NESTINGS: &[(&str, fn(usize) -> String)] = &[
        ("parentheses", |n| format!("{}true{}", "(".repeat(n), ")".repeat(n))),
        ("brackets", |n| format!("{}1{} | length == 1", "[".repeat(n), "]".repeat(n))),
        ("if", |n| format!("{}true{}", "if true then ".repeat(n), " end".repeat(n))),
        ("1+", |n| format!("{}1 > 0", "1+".repeat(n))),
        (".a", |n| format!("{} == null", ".a".repeat(n))),
        ("calls", |n| format!("{}true{}", "select(".repeat(n), ")".repeat(n))),
        ("interpolation", |n| format!(r#"{}1{} == "1""#, r#""\("#.repeat(n), r#")""#.repeat(n))),
        ("objects", |n| format!("{}1{} | length == 1", "{a:".repeat(n), "}".repeat(n))),
        ("def", |n| format!("{}true{}", "def f: ".repeat(n), "; f".repeat(n))),
        ("unary minus", |n| format!("{}1 | . * . == 1", "-".repeat(n))),
        ("try", |n| format!("{}true", "try ".repeat(n))),
        ("pipes", |n| format!("{}true", ". | ".repeat(n))),
        ("commas", |n| format!("[{}1] | length > 0", "1,".repeat(n))),
        ("label", |n| format!("{}true", "label $out | ".repeat(n))),
        ("reduce", |n| format!("{}true{}", "reduce 1 as $x (".repeat(n), "; .)".repeat(n))),
    ];

    #[test]
    fn programs_at_the_depth_limit_compile_and_run_one_more_level_does_not() {
        for (what, make) in NESTINGS {
            // The most repetitions within the limit: accepted, compiled and evaluated.
            let n = (1..).find(|n| limits::depth(&make(*n)).0 > limits::MAX_DEPTH).unwrap() - 1;
            let at = make(n);
            let depth = limits::depth(&at).0;
            assert!(depth > limits::MAX_DEPTH - 6, "{what}: {n} repetitions are only {depth} deep");
            let f = JqFilter::compile(&at).unwrap_or_else(|e| panic!("{what} x{n}: {e}"));
            assert_eq!(f.matches_bytes(b"{}", &serde_json::Value::Null), Ok(true), "{what} x{n}");
            // One more is a clean error naming the limit.
            let e = JqFilter::compile(&make(n + 1)).unwrap_err();
            assert!(e.contains("evbus accepts at most 2048 levels"), "{what} x{}: {e}", n + 1);
        }
    }

    #[test]
    fn pathological_programs_are_rejected_before_jaq_sees_them() {
        for (what, make) in NESTINGS {
            for n in [10_000, 100_000] {
                let src = make(n);
                if src.len() > limits::MAX_PROGRAM_BYTES {
                    assert!(JqFilter::compile(&src).unwrap_err().contains("bytes long"), "{what} x{n}");
                } else {
                    assert!(JqFilter::compile(&src).unwrap_err().contains("levels deep"), "{what} x{n}");
                }
            }
        }
        // Unclosed: jaq's lexer would recurse into every bracket before noticing.
        let e = JqFilter::compile(&"(".repeat(60_000)).unwrap_err();
        assert!(e.starts_with("jq: the program is nested 60000 levels deep (deepest at line 1, column 60000)"), "{e}");
    }

    #[test]
    fn runaway_recursion_is_an_error_not_a_crash() {
        for prog in [
            "def f: [f]; f",
            "def f: 1 + f; f",
            "def f: f | f; f",
            "def f: .[f]; f",
            "def f($n): if $n > 0 then 1 + f($n - 1) else 0 end; f(1000000) > 0",
        ] {
            let j = JqFilter::compile(prog).unwrap();
            assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Err(EvalError::TooDeep), "{prog}");
            let f = RecordFilter { jq: Some(j), ..Default::default() };
            assert_eq!(f.matches(&rec(None, Some(b"0"), &[]), None), Match::Failed(EvalError::TooDeep), "{prog}");
        }
        // Recursion as deep as the data is long: stopped the same way, depending on the input.
        let j = JqFilter::compile(
            "def sum($i): if $i < length then .[$i] + sum($i + 1) else 0 end; [range(.)] | sum(0) > 0",
        )
        .unwrap();
        assert_eq!(j.matches_bytes(b"1000", &serde_json::Value::Null), Ok(true));
        assert_eq!(j.matches_bytes(b"1000000", &serde_json::Value::Null), Err(EvalError::TooDeep));
        // ...and the filter still works afterwards, on the same thread and on others.
        let j = JqFilter::compile("def f: if . < 1000 then .+1 | f else . end; f == 1000").unwrap();
        assert_eq!(j.matches_bytes(b"0", &serde_json::Value::Null), Ok(true));
        assert_eq!(
            EvalError::TooDeep.to_string(),
            "the jq program recursed too deeply (it used up the 55 MiB of stack one evaluation may use)"
        );
    }

    #[test]
    fn fromjson_has_the_record_parsers_depth_limit() {
        let j = JqFilter::compile(r#""[" * 1000000 | fromjson"#).unwrap();
        let e = j.matches_bytes(b"null", &serde_json::Value::Null).unwrap_err().to_string();
        assert!(e.starts_with("cannot parse \"[[[[") && e.contains("recursion limit exceeded"), "{e}");
        let j = JqFilter::compile(r#".s | fromjson | .a == [1, {"b": null}]"#).unwrap();
        assert_eq!(j.matches(&json!({"s": r#"{"a":[1,{"b":null}]}"#}), &serde_json::Value::Null), Ok(true));
        let j = JqFilter::compile("fromjson").unwrap();
        let e = j.matches(&json!(1), &serde_json::Value::Null).unwrap_err().to_string();
        assert_eq!(e, "cannot use 1 as string");
        assert!(j.matches(&json!("1 2"), &serde_json::Value::Null).is_err(), "one value, like jq");
    }

    #[test]
    fn an_interrupt_stops_a_running_program() {
        let j = std::sync::Arc::new(JqFilter::compile("def f: f; f").unwrap());
        let running = {
            let j = std::sync::Arc::clone(&j);
            spawn_eval_thread("looping", move || j.matches_bytes(b"1", &serde_json::Value::Null)).unwrap()
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!running.is_finished(), "the program loops");
        let start = std::time::Instant::now();
        j.interrupter().interrupt();
        assert_eq!(running.join().unwrap(), Err(EvalError::Interrupted));
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "{:?}", start.elapsed());
        // Interrupted for good: later evaluations stop at once too, and the record filter says so.
        let f = RecordFilter { jq: std::sync::Arc::into_inner(j), ..Default::default() };
        assert_eq!(f.matches(&rec(None, Some(b"1"), &[]), None), Match::Failed(EvalError::Interrupted));
        // Other filters are not affected.
        assert_eq!(JqFilter::compile("true").unwrap().matches_bytes(b"1", &serde_json::Value::Null), Ok(true));
    }

    #[test]
    fn jq_filter_is_shareable() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<JqFilter>();
        send_sync::<RecordFilter>();
    }

    #[test]
    fn header_args() {
        assert_eq!(parse_header_arg("a=b"), Ok(("a".into(), "b".into())));
        assert_eq!(parse_header_arg("a=b=c"), Ok(("a".into(), "b=c".into())));
        assert_eq!(parse_header_arg("a="), Ok(("a".into(), "".into())));
        assert!(parse_header_arg("=b").is_err());
        assert!(parse_header_arg("ab").unwrap_err().contains("NAME=VALUE"));
    }
}
