//! Dead-letter rules: recognising where a dead letter came from and why it failed, and deciding
//! which dead letters a replay selects and where they go, and what a replay did (`report`). Pure:
//! no broker, no terminal.

pub mod ahead;
pub mod decode;
pub mod report;
pub mod select;

/// The consumer group `dlq replay` saves its position in unless `--group` names another; `health`
/// counts a DLQ's records after this group's position as waiting.
pub const DEFAULT_REPLAY_GROUP: &str = "evbus-dlq-replay";
