//! Random valid instances of a JSON Schema, for producing realistic test events.
//!
//! Two layers: [`Plan`] + [`generate_value`] walk a precompiled plan (see `plan.rs`) and build a
//! value from an RNG without validating it; [`Generator`] wraps that with a seeded ChaCha RNG, the
//! schema's compiled validator (every returned value is checked, with a bounded number of
//! retries), and envelope filling (eventId, eventType, timestamp, producer, version).
//!
//! Determinism: the same seed, schema and `now` give byte-identical output, because the RNG is
//! ChaCha, plan nodes list properties in sorted order, and `serde_json::Map` is a `BTreeMap`.

mod draw;
mod fakes;
mod generator;
pub mod plan;
mod regexgen;
mod walk;

pub use draw::Draw;
pub use generator::{EnvelopeFill, Generator, generate_value, seeded_epoch};
pub use plan::Plan;
