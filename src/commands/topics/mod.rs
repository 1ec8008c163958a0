//! `evbus topics validate|plan|apply|list|describe|export`: declarative topics from topics.yaml.

mod applied;
mod apply;
mod describe;
mod export;
mod list;
mod moves;
mod partition_for;
mod plan;
mod run;
mod validate;

pub use run::run;
