//! `_evbus_mul(l; r)` and `_evbus_times($r)`: jq's `*` with bounds, which every product of a
//! program goes through (see [`super::rewrite`] for how, and why).
//!
//! Two products could end the process rather than fail: a string repeated past what memory
//! holds (jaq-json allocates `len × n` bytes up front, and a failed allocation aborts), and an
//! integer squared over and over (jaq keeps integers exact, so each squaring doubles the digits
//! and the last one computes for minutes without a check between). Both are errors here, with
//! the size the program asked for; every other product is jaq-json's own.

use jaq_core::Bind;
use jaq_core::native::{Fun, bome, run, v};
use jaq_json::{Num, Val};

use super::guard::Guarded;

/// Longest string `*` may build: far above any Kafka record (a broker's `message.max.bytes`
/// defaults to 1 MiB), far below what would exhaust memory.
pub(super) const MAX_REPEAT_BYTES: u128 = 256 << 20;

/// Widest integer `*` may build, in bits (about 315,000 decimal digits). jq itself stops at
/// 1.8e308 (1,024 bits).
pub(super) const MAX_PRODUCT_BITS: u64 = 1 << 20;

/// The native `_evbus_mul(l; r)`, evaluated as jaq evaluates `l * r`: for each output of `l`,
/// each output of `r` (an error on either side is an error per pair, as in jaq), and in a path
/// expression an immediate "invalid path expression", as for `l * r`.
pub(super) fn mul() -> Fun<Guarded> {
    run(("_evbus_mul", Box::new([Bind::Fun(()), Bind::Fun(())]), |mut cv| {
        let (r, rc) = cv.0.pop_fun();
        let (l, lc) = cv.0.pop_fun();
        let input = cv.1;
        Box::new(
            l.run((lc, input.clone()))
                .flat_map(move |x| r.run((rc.clone(), input.clone())).map(move |y| Ok(checked_mul(x.clone()?, y?)?))),
        )
    }))
}

/// The native `_evbus_times($r)`: the input times `$r` (for `l *= r`).
pub(super) fn times() -> Fun<Guarded> {
    run(("_evbus_times", v(1), |mut cv| {
        let r = cv.0.pop_var();
        bome(checked_mul(cv.1, r))
    }))
}

/// `l * r` as jaq-json computes it, unless the result would be larger than the bounds above.
pub(super) fn checked_mul(l: Val, r: Val) -> jaq_core::ValR<Val> {
    if let Some((len, count, bytes)) = repetition(&l, &r)
        && bytes > MAX_REPEAT_BYTES
    {
        return Err(jaq_core::Error::str(format_args!(
            "repeating a string of {len} bytes {count} times would make {} bytes; evbus stops string repetition at {} MiB",
            bytes_text(bytes),
            MAX_REPEAT_BYTES >> 20
        )));
    }
    if let (Some(a), Some(b)) = (int_bits(&l), int_bits(&r))
        && a + b > MAX_PRODUCT_BITS + 1
    {
        return Err(jaq_core::Error::str(format_args!(
            "multiplying integers of {a} and {b} bits would make one of about {} bits; evbus stops integer products at {MAX_PRODUCT_BITS} bits",
            a + b
        )));
    }
    l * r
}

fn text_len(v: &Val) -> Option<usize> {
    match v {
        Val::TStr(s) | Val::BStr(s) => Some(s.len()),
        _ => None,
    }
}

/// How many times jaq-json would repeat: a positive integer; a big one saturates.
fn repeat_count(v: &Val) -> Option<u128> {
    match v {
        Val::Num(Num::Int(i)) if *i > 0 => Some(*i as u128),
        // jaq-json saturates a big count to `isize::MAX`.
        Val::Num(Num::BigInt(_)) if *v > Val::from(0isize) => Some(isize::MAX as u128),
        _ => None,
    }
}

/// A string times a positive count, as `(the string's length, the count, the bytes the result
/// would take)`.
fn repetition<'v>(l: &'v Val, r: &'v Val) -> Option<(usize, &'v Val, u128)> {
    let (len, count) = match (text_len(l), text_len(r)) {
        (Some(len), None) => (len, r),
        (None, Some(len)) => (len, l),
        _ => return None,
    };
    Some((len, count, len as u128 * repeat_count(count)?))
}

fn bytes_text(bytes: u128) -> String {
    match bytes {
        b if b >= 1 << 40 => format!("{} TiB", b >> 40),
        b if b >= 1 << 30 => format!("{} GiB", b >> 30),
        b => format!("{} MiB", b >> 20),
    }
}

/// Bits of an integer operand (a decimal literal counted by its digits, generously).
fn int_bits(v: &Val) -> Option<u64> {
    match v {
        Val::Num(Num::Int(i)) => Some(u64::from(isize::BITS - i.unsigned_abs().leading_zeros())),
        Val::Num(Num::BigInt(b)) => Some(b.bits()),
        Val::Num(Num::Dec(d)) => Some(d.len() as u64 * 4),
        _ => None,
    }
}
