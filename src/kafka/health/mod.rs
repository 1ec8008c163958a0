//! The health checks that read the cluster ([`checks`]; where leaders and replicas sit:
//! [`layout`]) and one round of all of them ([`round`]), as a [`crate::health::report::Report`]. Shared by `evbus health` (once, or until
//! healthy with `--wait`) and `evbus serve` (every `--interval`, served from a cache).

pub mod checks;
mod layout;
mod reassignments;
mod replicas;
pub mod round;

pub use checks::Notes;
pub use round::{Options, Round, round};
