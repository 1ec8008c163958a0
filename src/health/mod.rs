//! Health checks as verdicts: a round's checks, their statuses and whether the round passes. The
//! checks that read the cluster are [`crate::kafka::health`]; `evbus health` prints a round. Pure:
//! no broker, no terminal.

pub mod report;
