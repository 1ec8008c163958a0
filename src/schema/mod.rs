//! JSON Schemas of the event platform: a directory of schemas ([`SchemaStore`]), compiled schemas
//! whose `$ref`s into sibling files resolve wherever the directory lives ([`Schema`]), validation
//! that reports every error ([`SchemaError`]), and realistic sample generation ([`sample`]).
//! JSON Lines input is validated on a reusable [`tape`] encoding of each line
//! ([`Schema::is_valid_tape`]), which costs far less than building a `Value` per line.
//!
//! Format keywords (`uuid`, `date-time`, `email`, ...) are asserted, not just annotations: an
//! event with a malformed eventId is a bug worth reporting. `$ref`s never touch the network; a
//! non-`file:` URI is mapped to the file of the same name in the schema's directory.

mod closest;
mod formats;
pub(crate) mod resolve;
pub mod sample;
pub mod select;
pub mod tape;

mod compiled;
mod store;

pub use compiled::{JsonCheck, Schema, SchemaError};
pub use formats::{DATE_TIME_LOCAL, is_date_time_local};
pub use store::SchemaStore;
pub use tape::{Tape, TapeDoc, TapeJson, TapeNode};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod platform_tests;
