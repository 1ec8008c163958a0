//! The consumer group whose committed offsets are a replay's saved position, named once for the
//! command line's default and for `health`.

/// The consumer group `dlq replay` saves its position in unless `--group` names another; `health`
/// counts a DLQ's records after this group's position as waiting.
pub const DEFAULT_REPLAY_GROUP: &str = "evbus-dlq-replay";
