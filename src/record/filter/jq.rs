//! [`JqFilter`]: a jq program checked, compiled once with jaq and evaluated per record on an
//! evaluation thread (see [`super::guard`]).

use std::fmt;

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, ValT as _, Vars};
use jaq_json::Val;

use super::META_VAR;
use super::errors::{MAX_ERROR_LEN, bounded_display, compile_errors, error_message, load_errors};
use super::fast::FastEq;
use super::guard::{self, EvalError, Guarded, Interrupter, on_eval_thread, run_guarded};
use super::limits;
use super::val::{json_to_val, meta_val, parse_val};
use super::{mul, rewrite};
use crate::record::view::RecordView;

/// A compiled jq program.
pub struct JqFilter {
    filter: jaq_core::Filter<Guarded>,
    /// The same program without jq, when it has the shape [`FastEq`] handles.
    pub(super) fast: Option<FastEq>,
    uses_meta: bool,
    source: String,
    interrupt: Interrupter,
    memory_limit: isize,
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
            memory_limit: super::memory::MAX_EVAL_BYTES,
        })
    }

    /// Lowers (or raises) the memory one evaluation may hold ([`EvalError::TooBig`] past it)
    /// from [`super::memory::MAX_EVAL_BYTES`].
    pub fn with_memory_limit(mut self, bytes: usize) -> JqFilter {
        self.memory_limit = isize::try_from(bytes).unwrap_or(isize::MAX);
        self
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

    pub(super) fn run_record(&self, input: Val, rec: &RecordView) -> Result<bool, EvalError> {
        let meta = if self.uses_meta { meta_val(rec) } else { Val::Null };
        self.run(input, meta)
    }

    /// Runs the program; only on an evaluation thread (see [`guard`]).
    fn run(&self, input: Val, meta: Val) -> Result<bool, EvalError> {
        run_guarded(&self.filter.lut, &self.interrupt, self.memory_limit, |guard| {
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
/// A program that multiplies is compiled with its products routed through [`mul`] (see
/// [`rewrite`]); only when that fails is the user's own text compiled, for errors that point
/// into what they wrote.
fn compile_jaq(src: &str) -> Result<jaq_core::Filter<Guarded>, String> {
    let Some(routed) = rewrite::route_products(src) else { return compile_text(src) };
    compile_text(&routed).or_else(|e| {
        compile_text(src)?;
        // The rewrite reads the program as jaq does; the original compiling and the rewrite
        // not is a bug in it.
        debug_assert!(false, "rewritten program does not compile: {e}\n{routed}");
        Err(format!("jq: internal error: the program's products could not be bounded ({e})"))
    })
}

pub(super) fn compile_text(src: &str) -> Result<jaq_core::Filter<Guarded>, String> {
    let defs = jaq_core::defs().chain(jaq_std::defs()).chain(jaq_json::defs());
    // jaq's `fromjson` parses recursively without a depth limit, so a record holding a string of
    // a million `[` would exhaust any stack; ours has serde_json's limit, like record values.
    // jaq's native `range/3` is an iterator that never steps through the guard's check, so
    // `last(range(1e18))` ran on after Ctrl-C; ours checks every step (see `range`).
    let funs = jaq_core::funs()
        .filter(|(name, arity, _)| !(*name == "range" && arity.len() == 3))
        .chain(jaq_std::funs())
        .chain(jaq_json::funs().filter(|(name, _, _)| *name != "fromjson"))
        .chain([fromjson(), range(), mul::mul(), mul::times()]);
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader.load(&arena, File { code: src, path: () }).map_err(|errs| load_errors(src, errs))?;
    Compiler::default()
        .with_funs(funs)
        .with_global_vars([META_VAR])
        .compile(modules)
        .map_err(|errs| compile_errors(src, errs))
}

/// `range($from; $to; $by)`, as jaq's native (its comparisons and steps, so `range(0; 5; 0)`
/// still loops and `range(5; 0; -1)` counts down), checking the evaluation's guard before
/// every value: a generator of a billion values stops on Ctrl-C and never outruns its stack.
fn range() -> jaq_core::native::Fun<Guarded> {
    jaq_core::native::run(("range", jaq_core::native::v(3), |mut cv| {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let by = cv.0.pop_var();
        let to = cv.0.pop_var();
        let from = cv.0.pop_var();
        let guard = *cv.0.data();
        let cmp = by.partial_cmp(&Val::from(0isize)).unwrap_or(Equal);
        let mut next: Result<Val, jaq_core::Exn<Val>> = Ok(from);
        Box::new(std::iter::from_fn(move || {
            guard.check();
            match next.clone() {
                Ok(x) => match cmp {
                    Greater => x < to,
                    Less => x > to,
                    Equal => x != to,
                }
                .then(|| std::mem::replace(&mut next, (x + by.clone()).map_err(jaq_core::Exn::from))),
                e @ Err(_) => {
                    next = Ok(to.clone());
                    // Past the error the comparison ends the range.
                    Some(e)
                }
            }
        }))
    }))
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
