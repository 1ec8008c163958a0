//! Declarative topics: the manifest (`topics.yaml`), the plan that turns it into changes against
//! what a cluster has, human units in configs, the topic config keys Kafka knows, and Kafka's
//! key partitioner. Pure rules: no broker, no terminal.

pub mod known_keys;
pub mod manifest;
pub mod partitioner;
pub mod plan;
pub mod units;
