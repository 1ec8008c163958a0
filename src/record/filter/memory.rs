//! How much memory the current thread holds, so that a jq evaluation building an ever larger
//! value (`[repeat(1)]`, `reduce range(1e9) as $i (""; . + "xxxx")`) stops with an error at
//! [`MAX_EVAL_BYTES`] instead of growing until the operating system kills evbus or an
//! allocation fails (which aborts a Rust process).
//!
//! [`Counting`] wraps the process's allocator and keeps, per thread, the bytes allocated minus
//! the bytes freed. The evaluation guard (see [`super::guard`]) reads it at every step of
//! evaluation. jq values are reference-counted and never leave their thread, so what an
//! evaluation allocates is counted on the thread that runs it. Until the binary installs
//! [`Counting`], the count stays 0 and no evaluation is ever stopped for memory.
//!
//! Not covered: a single built-in that expands a value in one call (`tojson` of a value whose
//! parts are shared, built by doubling) allocates without a step in between; and one
//! allocation larger than memory still aborts, which is why `*` is bounded on its own
//! (see [`super::mul`]).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

/// Memory one evaluation may hold beyond what it started with: far above what a filter needs for
/// any record a broker accepts (`message.max.bytes` is 1 MiB by default), below what a
/// workstation can spare.
pub const MAX_EVAL_BYTES: isize = 1 << 30;

thread_local! {
    /// Bytes allocated minus bytes freed on this thread (it may go negative: a thread may free
    /// what another allocated).
    static NET: Cell<isize> = const { Cell::new(0) };
}

/// An allocator that counts what each thread holds ([`held_by_this_thread`]) and otherwise
/// is `A`. The binary installs it around its allocator (`src/main.rs`).
#[derive(Debug, Default)]
pub struct Counting<A>(pub A);

fn count(delta: isize) {
    // A const-initialised `Cell` without a destructor: no allocation, no registration, and
    // `try_with` only fails while the thread is being torn down (then nothing is counted).
    let _ = NET.try_with(|n| n.set(n.get().wrapping_add(delta)));
}

/// Bytes allocated minus bytes freed on this thread, since it started.
pub fn held_by_this_thread() -> isize {
    NET.try_with(Cell::get).unwrap_or(0)
}

// SAFETY: every method forwards to `A` with the caller's arguments unchanged and returns its
// answer unchanged, so `A`'s guarantees are this allocator's; counting touches only a
// thread-local integer and never allocates or unwinds.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received (see the impl).
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as received (see the impl).
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as received (see the impl).
        unsafe { self.0.dealloc(ptr, layout) };
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as received (see the impl).
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count((new_size as isize).wrapping_sub(layout.size() as isize));
        }
        p
    }
}
