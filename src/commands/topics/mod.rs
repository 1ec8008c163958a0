//! `evbus topics validate|plan|apply|list|describe`: declarative topics from topics.yaml.

mod apply;
mod describe;
mod list;
mod partition_for;
mod plan;
mod run;
mod validate;

pub use run::run;
