//! A flat, reusable "tape" encoding of one JSON document, validated by the JSON Schema validator
//! in place of a `serde_json::Value`.
//!
//! Validating JSON Lines input used to spend most of its time building and dropping a `Value` per
//! line (map inserts, one allocation per string, container and member). A [`Tape`] is kept per
//! thread and refilled for each line: strings without escapes are byte ranges of the line itself,
//! the rest lives in buffers that are cleared, never freed, so a warmed-up tape parses a line
//! without allocating.
//!
//! A line is accepted or rejected exactly as `serde_json::from_slice::<Value>` would, with the
//! same error (recursion limit included), and numbers keep `Value`'s semantics (they are stored
//! as the `serde_json::Number` the `Value` would hold). Lines in the common subset (no escapes,
//! integer numbers, modest nesting) are parsed by a small parser here that builds the same tape
//! (the tests compare the two entry by entry); everything else, errors included, goes through
//! serde_json's own parser driving a visitor that appends to the tape. The one difference: a line
//! of 4 GiB or more is rejected, because the tape stores offsets as `u32`.
//!
//! Objects look like `Value`'s objects: for a repeated member name only the last value counts
//! (`len`, `get`, `members`, `to_value`). [`Object::members`] yields members in input order (each
//! repeated name at the place of its last occurrence), not in `Value`'s sorted order; validation
//! does not depend on member order.
//!
//! The tape's layout (entry kinds, offsets into the line or the buffers, last-wins members) and
//! the writing primitives are here; its fields stay private to this module and its children, so
//! the layout is not visible to the rest of the crate:
//! * `fast`: the parser for the common subset;
//! * `visit`: the serde_json visitor that writes everything else;
//! * `read`: reading a parsed document (nodes, objects, arrays, the validator's `Json` impl).
//!
//! The smallest writing primitives are `#[inline]`: the parsers that call them per value used to
//! sit in the same module, and a split must not cost the benchmarked `produce --input` check.

mod fast;
mod layout;
mod read;
mod visit;

use self::layout::{Entry, INDEXED, NAME_IN_ARENA, SHADOWED, SMALL_OBJECT, Tag, Text, copy, locate, offset};
pub use self::layout::{Tape, TapeJson};
pub use self::read::{Elements, Members, TapeArray, TapeDoc, TapeNode, TapeObject};
