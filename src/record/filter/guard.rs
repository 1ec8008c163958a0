//! Where jq programs run: on threads with a known, large stack, watched for running out of it,
//! for holding too much memory, and for Ctrl-C.
//!
//! jaq evaluates recursively and offers no limits of its own, so `def f: [f]; f` recursed until
//! the stack overflowed (SIGABRT), and `def f: f; f` looped without ever returning to code that
//! could see Ctrl-C. Both are handled where jaq looks up a term: every step of evaluation calls
//! [`HasLut::lut`] on the context's data, and [`Guard`] (this module's data type) checks there
//! whether the stack has reached its red zone, the thread holds more than
//! [`memory::MAX_EVAL_BYTES`] beyond what it held when the evaluation began (see [`memory`]),
//! or the program was interrupted. Either way it
//! unwinds out of jaq with [`std::panic::resume_unwind`] (which skips the panic hook, so
//! nothing is printed) and [`run_guarded`] turns that into an [`EvalError`]. Unwinding is the
//! only way out: `lut` must return a table, and jaq has no other hook. Values built by the
//! aborted evaluation are dropped on the way out.
//!
//! The check needs to know where the stack ends, so evaluation only runs on threads started
//! here ([`spawn_eval_thread`], [`spawn_scoped_eval_thread`]), which have [`EVAL_STACK`] bytes
//! and record their limit at start. Code on any other thread goes through [`on_eval_thread`],
//! which borrows a fresh evaluation thread for the call.
//!
//! What is not covered: jaq's built-ins that walk a value recursively (comparison, `tojson`,
//! `..`, freeing it) do not step through `lut`, so a value nested hundreds of thousands of
//! levels deep can still exhaust the stack there. Record values cannot be that deep (the JSON
//! parser stops at 128 levels, and so does `fromjson`, which evbus replaces for that reason); a
//! program has to build such a value on purpose, level by level.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{JoinHandle, Scope, ScopedJoinHandle};

use jaq_core::data::{DataT, HasLut};
use jaq_json::Val;

use super::memory;

// Aborting an evaluation is an unwind; with `panic = "abort"` it would end the process instead.
#[cfg(panic = "abort")]
compile_error!("jq evaluation is aborted by unwinding (see src/filter/guard.rs); build with panic = \"unwind\"");

/// Stack of every thread that evaluates jq programs. Stacks are reserved, not committed: a
/// thread only uses memory for the depth its evaluation really reaches.
pub const EVAL_STACK: usize = 64 << 20;

/// Stack left when an evaluation is stopped as too deep. Covers what jaq does between two
/// checks: one term's frames, path steps (at most [`super::limits::MAX_DEPTH`], about 1.5 KiB
/// each in a debug build), built-ins walking values of ordinary depth, and dropping the
/// evaluation's values while unwinding.
const RED_ZONE: usize = 8 << 20;

/// Stack a thread uses above the point where it records its limit (thread start-up, thread
/// locals placed at the top of the stack by the C library), counted generously.
const ENTRY_SLACK: usize = 1 << 20;

/// Stack for parsing and compiling one program: a program at the depth limit needs about
/// 25 MiB in a debug build, so this leaves ample room for the kinds of nesting not measured.
pub const COMPILE_STACK: usize = 256 << 20;

thread_local! {
    /// Lowest stack address evaluation may reach on this thread; 0 on threads not started here.
    static LIMIT: Cell<usize> = const { Cell::new(0) };
    /// Inside [`run_guarded`]: a panic here is jaq's, caught and reported as the record's error,
    /// so the panic hook stays quiet (no message and backtrace on stderr per record).
    static EVALUATING: Cell<bool> = const { Cell::new(false) };
}

/// Wraps the process's panic hook once so that panics inside an evaluation print nothing;
/// every other panic is reported as before.
fn quiet_panics_in_evaluations() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !EVALUATING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Why a jq evaluation ended without an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The program raised an error for this input (`error(…)`, `.a` on a string, `halt`, …).
    Runtime(String),
    /// The program recursed deeper than an evaluation thread's stack allows.
    TooDeep,
    /// The program held more memory than one evaluation may ([`super::memory::MAX_EVAL_BYTES`]
    /// unless the filter says otherwise; the message names `--filter-memory`, the option that
    /// sets it).
    TooBig,
    /// [`Interrupter::interrupt`] was called while it ran.
    Interrupted,
    /// No evaluation thread could be started (the operating system refused one).
    NoThread(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EvalError::Runtime(e) => f.write_str(e),
            EvalError::TooDeep => write!(
                f,
                "the jq program recursed too deeply (it used up the {} MiB of stack one evaluation may use)",
                (EVAL_STACK - RED_ZONE - ENTRY_SLACK) >> 20
            ),
            EvalError::TooBig => f.write_str(
                "the jq program built values larger than the memory one evaluation may hold (--filter-memory)",
            ),
            EvalError::Interrupted => f.write_str("the jq program was interrupted"),
            EvalError::NoThread(e) => write!(f, "cannot start a thread to run the jq program: {e}"),
        }
    }
}

/// Stops every evaluation of the filter it came from, now and later (Ctrl-C).
#[derive(Debug, Clone, Default)]
pub struct Interrupter(Arc<AtomicBool>);

impl Interrupter {
    /// Makes running and future evaluations stop with `EvalError::Interrupted`; cannot be undone.
    pub fn interrupt(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub(super) fn flag(&self) -> &AtomicBool {
        &self.0
    }
}

/// jaq's data type for evbus programs: values are [`Val`], and the context carries a [`Guard`].
pub struct Guarded;

impl DataT for Guarded {
    type V<'a> = Val;
    type Data<'a> = &'a Guard<'a>;
}

/// What each step of an evaluation checks; see the module docs.
pub struct Guard<'a> {
    lut: &'a jaq_core::Lut<Guarded>,
    /// Stack address below which the evaluation stops.
    floor: usize,
    interrupt: &'a AtomicBool,
    /// [`memory::held_by_this_thread`] above which the evaluation stops.
    memory_ceiling: isize,
}

impl Guard<'_> {
    /// The check [`HasLut::lut`] makes, for native generators that produce values without
    /// looking anything up (see `range` in the jq module).
    pub(super) fn check(&self) {
        let _ = HasLut::lut(&self);
    }
}

/// The payload of the unwind that aborts an evaluation.
enum Abort {
    TooDeep,
    TooBig,
    Interrupted,
}

impl<'a> HasLut<'a, Guarded> for &'a Guard<'a> {
    fn lut(&self) -> &'a jaq_core::Lut<Guarded> {
        if stack_position() < self.floor {
            resume_unwind(Box::new(Abort::TooDeep));
        }
        if self.interrupt.load(Ordering::Relaxed) {
            resume_unwind(Box::new(Abort::Interrupted));
        }
        if memory::held_by_this_thread() > self.memory_ceiling {
            resume_unwind(Box::new(Abort::TooBig));
        }
        self.lut
    }
}

/// Roughly the current stack pointer: the address of a local of the caller's frame (stacks
/// grow downwards on every platform evbus builds for).
#[inline(always)]
fn stack_position() -> usize {
    let probe = 0u8;
    std::ptr::from_ref(std::hint::black_box(&probe)).addr()
}

/// Records this thread's limit; called first thing on threads with an [`EVAL_STACK`] stack.
fn enter() {
    let limit = stack_position().saturating_sub(EVAL_STACK - ENTRY_SLACK) + RED_ZONE;
    LIMIT.with(|l| l.set(limit));
}

/// Whether this thread was started by [`spawn_eval_thread`] or [`spawn_scoped_eval_thread`].
pub fn is_eval_thread() -> bool {
    LIMIT.with(Cell::get) != 0
}

/// Runs `eval` with a [`Guard`] over `lut` as jaq's context data, turning an abort into
/// [`EvalError::TooDeep`], [`EvalError::TooBig`] (the evaluation came to hold `memory_limit`
/// bytes more than when it began) or [`EvalError::Interrupted`]. Must run on an evaluation
/// thread.
///
/// A panic inside jaq (it has a few `panic!`s for states it considers impossible) is caught
/// as well and becomes a runtime error, instead of ending a long-running tail.
pub fn run_guarded<T>(
    lut: &jaq_core::Lut<Guarded>,
    interrupt: &Interrupter,
    memory_limit: isize,
    eval: impl FnOnce(&Guard<'_>) -> Result<T, EvalError>,
) -> Result<T, EvalError> {
    let floor = LIMIT.with(Cell::get);
    if floor == 0 {
        // Without a known limit the check could not tell a deep stack from an overflow.
        return Err(EvalError::NoThread("jq programs only run on evaluation threads".into()));
    }
    let memory_ceiling = memory::held_by_this_thread().saturating_add(memory_limit);
    let guard = Guard { lut, floor, interrupt: interrupt.flag(), memory_ceiling };
    quiet_panics_in_evaluations();
    let outer = EVALUATING.with(|e| e.replace(true));
    let result = catch_unwind(AssertUnwindSafe(|| eval(&guard)));
    EVALUATING.with(|e| e.set(outer));
    match result {
        Ok(r) => r,
        Err(payload) => Err(match payload.downcast::<Abort>() {
            Ok(abort) => match *abort {
                Abort::TooDeep => EvalError::TooDeep,
                Abort::TooBig => EvalError::TooBig,
                Abort::Interrupted => EvalError::Interrupted,
            },
            Err(other) => {
                // jaq's own panics: a few states it considers impossible.
                let why = other
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| other.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no reason given".into());
                EvalError::Runtime(format!("internal error in jaq while running the program: {why}"))
            }
        }),
    }
}

/// Starts a named evaluation thread.
pub fn spawn_eval_thread<F, T>(name: &str, f: F) -> std::io::Result<JoinHandle<T>>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    std::thread::Builder::new().name(name.to_owned()).stack_size(EVAL_STACK).spawn(move || {
        enter();
        f()
    })
}

/// Starts a named evaluation thread in `scope`.
pub fn spawn_scoped_eval_thread<'scope, F, T>(
    scope: &'scope Scope<'scope, '_>,
    name: &str,
    f: F,
) -> std::io::Result<ScopedJoinHandle<'scope, T>>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    std::thread::Builder::new().name(name.to_owned()).stack_size(EVAL_STACK).spawn_scoped(scope, move || {
        enter();
        f()
    })
}

/// Runs `f` on an evaluation thread: this one if it is one, else a new one for the call (which
/// costs a thread start, so hot paths start their own with [`spawn_eval_thread`]).
pub fn on_eval_thread<T: Send>(f: impl FnOnce() -> T + Send) -> Result<T, EvalError> {
    if is_eval_thread() {
        return Ok(f());
    }
    std::thread::scope(|s| {
        let handle = spawn_scoped_eval_thread(s, "evbus-jq", f).map_err(|e| EvalError::NoThread(e.to_string()))?;
        // `run_guarded` catches what jaq raises; a panic elsewhere is a bug worth its message.
        handle.join().map_err(|_| EvalError::Runtime("the jq evaluation thread failed".into()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_know_their_limit() {
        assert!(!is_eval_thread(), "test threads are not evaluation threads");
        assert_eq!(on_eval_thread(is_eval_thread), Ok(true));
        let h = spawn_eval_thread("t", || {
            let limit = LIMIT.with(Cell::get);
            let here = stack_position();
            // The limit is below us by the usable stack, minus the red zone.
            here - limit
        })
        .unwrap();
        let room = h.join().unwrap();
        assert!(room > EVAL_STACK - RED_ZONE - ENTRY_SLACK - (64 << 10) && room < EVAL_STACK - RED_ZONE, "{room}");
    }
}
