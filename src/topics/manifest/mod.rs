//! The topics manifest (`topics.yaml`): parsing, defaults, unit normalisation and validation.
//!
//! Pure: knows nothing of brokers. Every command that reads the manifest goes through [`load`], so
//! a bad manifest is rejected the same way everywhere, with every problem listed at once and
//! located as `file:line:column`.
//!
//! The YAML is read by [`yaml`] into nodes that know their position, in one pass, with nesting
//! and alias expansion bounded; the fields are then checked one by one ([`check`], with
//! [`fields`]) instead of by serde, whose first error (an unknown field, a wrong type) used to hide every other problem. Messages
//! quote names and values from the file, so they are escaped for the terminal as they are made.
//! What a valid manifest holds is in [`model`].

mod check;
mod fields;
mod model;
mod yaml;

pub use check::{check_topic_name, load, parse, parse_bytes};
pub use model::{GroupSpec, MAX_PARTITIONS, MAX_REPLICATION_FACTOR, Manifest, ManifestError, Problem, TopicSpec};

#[cfg(test)]
mod tests;

#[cfg(test)]
mod fuzz;
