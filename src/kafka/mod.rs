//! Talking to Kafka: client construction from the global options, and broker calls that are
//! always bounded by `--timeout`, handing up owned values and typed errors ([`Error`]) a user
//! can act on. Every broker call and every line of FFI `unsafe` of evbus lives under here.
//!
//! This file only declares and re-exports; what the children share lives in named leaves
//! ([`context`], [`error`], [`clock`], and the C toolkit `ffi`).

pub mod admin;
pub mod bulk;
pub mod clock;
pub mod cluster;
pub mod collect;
pub mod compression;
pub mod context;
pub mod dlq_reader;
pub mod error;
pub mod events;
mod ffi;
pub mod groups;
pub mod handle;
pub mod headers;
pub mod health;
pub mod incremental;
pub mod lag;
pub mod offsets;
pub mod probe;
pub mod problem;
pub mod producer;
pub mod queue;
pub mod reach;
pub mod reader;
pub mod refusal;
pub mod replay_group;
pub mod replication;
pub mod republish;
pub mod retry;
pub mod settings;
pub mod topic_requests;
pub mod topics;
pub mod wire;

// The names every command uses, where they have always been.
pub use clock::mono_ms;
pub use cluster::{BrokerMeta, ClusterMeta, PartitionMeta, TopicMeta, owned_metadata};
pub use context::Ctx;
pub use error::{Error, Kind, describe_error};
pub use events::{EventPump, ProducerIdWarmup};
pub use handle::Handle;
pub use offsets::PartitionOffsets;
pub use producer::{CountingCtx, Placement, TopicSink, flush, flush_or_purge, stalled};
pub use settings::Settings;
