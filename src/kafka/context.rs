//! The context every client of this layer carries: it remembers the last transport or
//! authentication error librdkafka reported in the background, so that a timeout can say why.
//!
//! librdkafka retries unreachable brokers forever and reports only "timed out" to the call that
//! waited; the cause (connection refused, SSL handshake failure, SASL authentication failure)
//! arrives separately, on the client's error callback, which lands here.

use std::sync::{Arc, Mutex};

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;

use crate::term::redact;

/// Remembers the last error librdkafka reported in the background (connection refused, SSL
/// handshake failure, SASL authentication failure) so that a timeout can say why.
#[derive(Clone, Default)]
pub struct Ctx {
    last_error: Arc<Mutex<Option<String>>>,
    verbose: u8,
}

impl Ctx {
    /// A fresh context; `verbose` ≥ 2 prints librdkafka's log to stderr.
    pub fn new(verbose: u8) -> Ctx {
        Ctx { last_error: Arc::default(), verbose }
    }

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
