//! Health checks as verdicts: a round's checks, their statuses and whether the round passes, and
//! the HTTP answers `evbus serve` makes of them. The checks that read the cluster are
//! [`crate::kafka::health`]; `evbus health` prints a round and `evbus serve` serves it. Pure: no
//! broker, no terminal.

pub mod endpoint;
pub mod report;
