//! Talking to Kafka: client construction from the global options, and broker calls that are
//! always bounded by `--timeout` and turned into errors a user can act on.
//!
//! librdkafka retries unreachable brokers forever and reports only "timed out", so every client
//! carries a context that remembers the last transport/auth error; timeouts quote it.

pub mod admin;
pub mod cluster;
pub mod dlq_reader;
pub mod events;
pub mod groups;
pub mod handle;
pub mod headers;
pub mod incremental;
pub mod lag;
pub mod offsets;
pub mod producer;
pub mod queue;
pub mod reader;
pub mod replay_group;
pub mod republish;
pub mod retry;
pub mod settings;
pub mod topic_requests;
pub mod topics;

use std::sync::{Arc, Mutex};

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;

use crate::term::redact;

// The names every command uses, where they have always been.
pub use cluster::{BrokerMeta, ClusterMeta, PartitionMeta, TopicMeta, owned_metadata};
pub use events::{EventPump, ProducerIdWarmup};
pub use handle::Handle;
pub use offsets::PartitionOffsets;
pub use producer::{CountingCtx, TopicSink, flush, flush_or_purge, stalled};
pub use settings::Settings;

/// Remembers the last error librdkafka reported in the background (connection refused, SSL
/// handshake failure, SASL authentication failure) so that a timeout can say why.
#[derive(Clone, Default)]
pub struct Ctx {
    last_error: Arc<Mutex<Option<String>>>,
    verbose: u8,
}

impl Ctx {
    /// The last transport or authentication error librdkafka reported, redacted; `None` if none yet.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|g| g.clone())
    }
}

impl ClientContext for Ctx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        if self.verbose >= 2 {
            eprintln!("evbus: librdkafka {level:?} {fac}: {}", redact::redact_text(log_message));
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if let Ok(mut g) = self.last_error.lock() {
            let text = if reason.is_empty() { error.to_string() } else { reason.to_string() };
            // "all brokers down" is a consequence; keep the cause (refused, SSL, SASL) if we had one.
            let is_summary = text.contains("brokers are down");
            if !(is_summary && g.is_some()) {
                *g = Some(redact::redact_text(&text));
            }
        }
    }
}

impl ConsumerContext for Ctx {}

/// Milliseconds on a process-wide monotonic clock (for timestamps kept in atomics).
pub fn mono_ms() -> u64 {
    static T0: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    T0.get_or_init(std::time::Instant::now).elapsed().as_millis() as u64 + 1
}

/// librdkafka's error text, with the timeout case spelled out.
pub fn describe_error(e: &KafkaError) -> String {
    use rdkafka::types::RDKafkaErrorCode as C;
    match e.rdkafka_error_code() {
        Some(C::OperationTimedOut) | Some(C::RequestTimedOut) => "timed out".into(),
        Some(C::BrokerTransportFailure) | Some(C::AllBrokersDown) => "broker unreachable".into(),
        _ => e.to_string(),
    }
}
