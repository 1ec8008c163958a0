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
//!   [`EvalError::TooDeep`], holding more than [`memory::MAX_EVAL_BYTES`] is an
//!   [`EvalError::TooBig`], and an [`Interrupter`] (Ctrl-C) stops any running evaluation;
//! * `fromjson` is evbus's own, with the same 128-level limit as record values;
//! * every `*` goes through [`mul`] ([`rewrite`] routes it there), which refuses a string
//!   repetition or an integer product too large to hold instead of letting the allocation abort
//!   the process.

mod conditions;
mod errors;
mod fast;
pub mod guard;
mod jq;
pub mod limits;
pub mod memory;
mod mul;
mod rewrite;
#[cfg(test)]
mod tests;
mod val;

pub use conditions::{META_VAR, Match, RecordFilter, parse_header_arg};
pub use guard::{EvalError, Interrupter, spawn_eval_thread, spawn_scoped_eval_thread};
pub use jq::JqFilter;
pub use val::meta_json;
