//! Records the broker refused together with others, sent again one at a time.
//!
//! Kafka checks `max.message.bytes` per batch: one dead letter too large for its topic gets the
//! records batched with it refused too. Those neighbours are innocent, so neither the position
//! nor `--skip-refused` may treat them as refused: once nothing else is in flight, each is sent
//! again on its own, and only a refusal then is the record's own. The saved position therefore
//! stops exactly at the refused record (or, with `--skip-refused`, moves past it alone).

use tokio::time::Instant;

use super::Replay;
use crate::dlq::report::Halt;
use crate::kafka::republish::{Delivery, OutRecord};

/// A record as it is sent, kept while it is in flight so that it can be sent again alone.
pub(in crate::commands::dlq) struct Outgoing {
    /// Destination topic.
    pub dest: String,
    /// Destination partition; `None`: by key.
    pub partition: Option<i32>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    /// The record's headers with the provenance headers.
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl Outgoing {
    fn record(&self) -> OutRecord<'_> {
        OutRecord {
            topic: &self.dest,
            partition: self.partition,
            key: self.key.as_deref(),
            value: self.value.as_deref(),
            headers: self.headers.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect(),
        }
    }
}

impl Replay<'_> {
    /// Hands a record to the producer; `alone`: nothing else is read until its answer. True
    /// when it went out.
    pub(super) async fn dispatch(&mut self, p: i32, o: i64, out: Outgoing, alone: bool) -> bool {
        let Some(producer) = &self.producer else { return false };
        match producer.send(out.record(), Instant::now() + self.app.settings.timeout).await {
            Ok(fut) => {
                self.tracker.sent(p, o);
                if self.inflight.is_empty() {
                    // Nothing was waiting: the broker's silence counts from now.
                    self.since = Instant::now();
                }
                // A record that held the position last time goes alone too.
                if alone || self.probe.get(&p) == Some(&o) {
                    self.probe.remove(&p);
                    self.awaiting = Some((p, o));
                }
                self.pending.insert((p, o), out);
                self.inflight.spawn(async move { (p, o, fut.await) });
                true
            }
            Err(Delivery::Refused(e)) if self.a.skip_refused => {
                self.skip_refused(p, o, &out.dest, &e);
                false
            }
            Err(e) => {
                let e = match e {
                    Delivery::Refused(e) | Delivery::NotSent(e) | Delivery::Unknown(e) => e,
                    Delivery::Acked => String::new(),
                };
                self.tracker.block(p, o);
                self.stats.failed.push((p, o, out.dest.clone(), e.clone()));
                let source = format!("{}/{p}/{o}", self.dlq);
                self.halt = Some(Halt::Failed(format!("could not send {source} to {}: {e}", out.dest)));
                false
            }
        }
    }

    /// Sends the first record refused among others again, alone; false when there is none.
    pub(super) async fn resend_alone(&mut self) -> bool {
        let Some(((p, o), (out, _))) = self.alone.pop_first() else { return false };
        self.dispatch(p, o, out, true).await;
        true
    }

    /// The run ended before they could be sent alone: they count as refused (not stored) and
    /// hold the position, so the next run sends the first of them alone.
    pub(super) fn abandon_alone(&mut self) {
        for ((p, o), (out, e)) in std::mem::take(&mut self.alone) {
            self.tracker.failed(p, o);
            if self.halt.is_none() || matches!(self.halt, Some(Halt::Limit)) {
                self.halt = Some(Halt::Failed(format!(
                    "replaying {}/{p}/{o} to {} was refused together with other records: {e}; the saved position \
                     stays before it, so the next run sends it again, alone",
                    self.dlq, out.dest
                )));
            }
            self.stats.failed.push((p, o, out.dest, e));
        }
    }
}
