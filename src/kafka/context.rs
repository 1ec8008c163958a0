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
    /// Positions librdkafka moved by `auto.offset.reset` after a fetch found them outside the
    /// log: (topic, partition, the position that left the log). See [`Ctx::take_offset_resets`].
    offset_resets: Arc<Mutex<Vec<(String, i32, i64)>>>,
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

    /// The positions librdkafka moved since the last call because a fetch found them outside the
    /// log (retention or DeleteRecords removed the offsets under a group member whose
    /// `auto.offset.reset` is `earliest` or `latest`). librdkafka tells nobody but its log: a
    /// warning, logged before anything is fetched from the new position.
    pub fn take_offset_resets(&self) -> Vec<(String, i32, i64)> {
        self.offset_resets.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
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
        // Warning: the debug line of the same text (with -vv) is a reset by `error`, reported
        // by the consumer itself.
        if fac == "OFFSET"
            && matches!(level, RDKafkaLogLevel::Warning)
            && let Some(reset) = offset_reset(log_message)
            && let Ok(mut v) = self.offset_resets.lock()
        {
            v.push(reset);
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

/// (topic, partition, position) of librdkafka's warning "TOPIC [P]: offset reset (at offset N
/// (leader epoch E), broker B) to ..." (after a "[thrd:NAME]: " prefix), which it logs when a fetch error moved a position by
/// `auto.offset.reset` (topic names hold no space or bracket). `None` for other OFFSET lines and
/// for a logical position (no offset was lost).
fn offset_reset(text: &str) -> Option<(String, i32, i64)> {
    let (head, rest) = text.split_once("]: offset reset (at offset ")?;
    let (head, partition) = head.rsplit_once(" [")?;
    // After librdkafka's "[thrd:main]: " prefix.
    let topic = head.rsplit(' ').next()?;
    let offset = rest.split(' ').next()?.parse().ok()?;
    Some((topic.to_owned(), partition.parse().ok()?, offset))
}

/// librdkafka's "N/N brokers are down" with every broker down (it also says "0/1" when it
/// starts over from the bootstrap list).
fn all_down_text(text: &str) -> bool {
    let Some(head) = text.strip_suffix(" brokers are down") else { return false };
    let counts = head.rsplit(' ').next().unwrap_or(head);
    matches!(counts.split_once('/'), Some((down, all)) if down == all && down.parse::<u32>().is_ok_and(|n| n > 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_resets_from_librdkafkas_warning() {
        let w = "[thrd:main]: orders.v1 [3]: offset reset (at offset 12 (leader epoch 0), broker 1) to offset BEGINNING \
                 (leader epoch -1): fetch failed due to requested offset not available on the broker: Broker: \
                 Offset out of range";
        assert_eq!(offset_reset(w), Some(("orders.v1".into(), 3, 12)));
        let cached = "t [0]: offset reset (at offset 2 (leader epoch -1), broker 1) to cached BEGINNING offset \
                      offset 5 (leader epoch -1): fetch failed: Broker: Offset out of range";
        assert_eq!(offset_reset(cached), Some(("t".into(), 0, 2)));
        assert_eq!(offset_reset("t [0]: offset reset (at offset INVALID (leader epoch -1), broker 1) to END"), None);
        assert_eq!(offset_reset("t [0]: stored offset 7"), None);
    }
}
