//! What `evbus serve` exposes, as pure data and text: a collection of the cluster's state
//! ([`model`]), produce rates from the difference between two collections ([`rates`]), the
//! Prometheus text format of it all ([`render`]), and Prometheus alerting rules generated from a
//! manifest ([`alerts`], `evbus alerts`). No broker, no HTTP: `kafka::collect` fills a
//! collection and `commands/serve` serves the text.

pub mod alerts;
pub mod model;
pub mod rates;
pub mod render;
