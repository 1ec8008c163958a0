//! Declarative topics: the manifest (`topics.yaml`), the plan that turns it into changes against
//! what a cluster has, the export that writes a manifest from what a cluster has, human units in
//! configs, the topic config keys Kafka knows, Kafka's key partitioner, and the split of a plan
//! into requests a broker accepts, and where replicas go when a replication factor changes. Pure
//! rules: no broker, no terminal.

pub mod chunk;
pub mod export;
pub mod known_keys;
pub mod manifest;
pub mod partitioner;
pub mod plan;
pub mod reassign;
pub mod units;
