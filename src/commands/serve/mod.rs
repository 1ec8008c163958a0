//! `evbus serve`: health endpoints and Prometheus metrics over HTTP for a running platform.
//!
//! A collector reads the cluster every `--interval` ([`collector`]: the lag snapshot of `evbus
//! lag`, the offsets of every partition, the health checks of `evbus health`) into shared state;
//! the HTTP server ([`http`]) answers every request from that state, so a probe storm or many
//! Prometheus servers never become a broker storm. What is served is rendered by the pure layers
//! ([`crate::metrics::render`], [`crate::health::endpoint`]).

mod collector;
mod http;
mod run;
mod state;

pub use run::run;
