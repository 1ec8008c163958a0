//! Lag as the brokers tell it: a snapshot of the groups' committed offsets against the log
//! ([`snapshot`]), the partitions and log offsets it is made from ([`partitions`]), and the first
//! unconsumed records that give the time lag ([`first_records`]); share groups' start offsets
//! and lag come from their own APIs (`share`).

pub mod first_records;
pub mod partitions;
mod share;
pub mod snapshot;

pub use partitions::{end_offsets, log_offsets, partition_ids};
pub use snapshot::{Snapshot, snapshot, snapshot_from};
