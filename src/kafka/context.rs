//! The context every client of this layer carries: it remembers the last transport or
//! authentication error librdkafka reported in the background, so that a timeout can say why.
//!
//! librdkafka retries unreachable brokers forever and reports only "timed out" to the call that
//! waited; the cause (connection refused, SSL handshake failure, SASL authentication failure)
//! arrives separately, on the client's error callback, which lands here.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rdkafka::client::ClientContext;
use rdkafka::config::RDKafkaLogLevel;
use rdkafka::consumer::ConsumerContext;
use rdkafka::error::KafkaError;

use super::clock::mono_ms;
use crate::term::redact;

/// Remembers the last error librdkafka reported in the background (connection refused, SSL
/// handshake failure, SASL authentication failure) so that a timeout can say why.
#[derive(Clone, Default)]
pub struct Ctx {
    last_error: Arc<Mutex<Option<String>>>,
    /// [`mono_ms`] of librdkafka's latest "all brokers are down" (0: never, or a request has
    /// been answered since): every broker failed its connection (refused, unresolvable, TLS).
    /// librdkafka reports it once, and again only after some broker was up in between.
    all_down_ms: Arc<AtomicU64>,
    verbose: u8,
}

impl Ctx {
    /// A fresh context; `verbose` ≥ 2 prints librdkafka's log to stderr.
    pub fn new(verbose: u8) -> Ctx {
        Ctx { verbose, ..Ctx::default() }
    }

    /// The last transport or authentication error librdkafka reported, redacted; `None` if none yet.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().ok().and_then(|g| g.clone())
    }

    /// When librdkafka last reported every broker down ([`mono_ms`]), unless a request was
    /// answered since.
    pub fn all_down_at(&self) -> Option<u64> {
        Some(self.all_down_ms.load(Ordering::Relaxed)).filter(|t| *t > 0)
    }

    /// A request was answered: some broker is up, an earlier "all brokers down" is over.
    pub fn answered(&self) {
        self.all_down_ms.store(0, Ordering::Relaxed);
    }
}

impl ClientContext for Ctx {
    fn log(&self, level: RDKafkaLogLevel, fac: &str, log_message: &str) {
        // Without an error callback librdkafka logs "N/N brokers are down" instead of raising it.
        if fac == "ERROR" && all_down_text(log_message) {
            self.all_down_ms.store(mono_ms(), Ordering::Relaxed);
        }
        if self.verbose >= 2 {
            eprintln!("evbus: librdkafka {level:?} {fac}: {}", redact::redact_text(log_message));
        }
    }

    fn error(&self, error: KafkaError, reason: &str) {
        if let Ok(mut g) = self.last_error.lock() {
            let text = if reason.is_empty() { error.to_string() } else { reason.to_string() };
            // "all brokers down" is a consequence; keep the cause (refused, SSL, SASL) if we had one.
            let is_summary = text.contains("brokers are down");
            if all_down_text(&text) {
                self.all_down_ms.store(mono_ms(), Ordering::Relaxed);
            }
            if !(is_summary && g.is_some()) {
                *g = Some(redact::redact_text(&text));
            }
        }
    }
}

impl ConsumerContext for Ctx {}

/// librdkafka's "N/N brokers are down" with every broker down (it also says "0/1" when it
/// starts over from the bootstrap list).
fn all_down_text(text: &str) -> bool {
    let Some(head) = text.strip_suffix(" brokers are down") else { return false };
    let counts = head.rsplit(' ').next().unwrap_or(head);
    matches!(counts.split_once('/'), Some((down, all)) if down == all && down.parse::<u32>().is_ok_and(|n| n > 0))
}
