//! Dead-letter rules: recognising where a dead letter came from and why it failed, and deciding
//! which dead letters a replay selects and where they go, and what a replay did (`report`). Pure:
//! no broker, no terminal.

pub mod ahead;
pub mod decode;
pub mod group;
pub mod ranges;
pub mod report;
pub mod select;

pub use group::DEFAULT_REPLAY_GROUP;
