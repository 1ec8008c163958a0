//! `evbus groups list|describe|reset|delete`: every group on the cluster, one group in depth, and
//! the two destructive actions on a group: moving its committed offsets and deleting it (or its
//! offsets on some topics).
//!
//! The destructive actions follow the rules of `topics apply`: the plan is printed before anything
//! changes, a terminal is asked, `--yes` is needed otherwise, and `--dry-run` stops after the plan.
//! A group with active members is refused, naming them: Kafka would refuse too (it takes offsets
//! from outside a group only while it is empty), but only after the plan was confirmed.
//!
//! The plan itself (targets, clamping, the JSON plan file) is computed by [`crate::groups::reset`], which
//! has no terminal and no broker.
//!
//! One file per subcommand; [`guard`] holds what the destructive ones share (finding a group,
//! refusing groups evbus cannot change, naming active members), [`notes`] prints a snapshot's
//! warnings. Streams groups (KIP-1071) have their own describe in [`streams`]; [`share`] is what
//! reset and delete do differently for share groups (KIP-932).

mod delete;
mod describe;
mod guard;
mod list;
mod notes;
mod reset;
mod run;
mod share;
mod streams;

pub use run::run;
