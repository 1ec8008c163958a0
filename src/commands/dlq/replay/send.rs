//! The replay loop: reads the judged dead letters, sends each selected one with its provenance
//! headers, accounts for every delivery report (acknowledged, failed, unknown), watches for a
//! broker that stopped answering, and saves the position up to what is done. Why it works this
//! way is in the header of [`super`].

use std::time::Duration;

use anyhow::Result;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureRecord, Producer};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::super::key_json;
use super::super::read::{self, DlqMsg};
use super::{
    COMMIT_EVERY, COMMIT_EVERY_RECORDS, Dest, Judged, PLAN_PREVIEW, PURGE_GRACE, REPLAY_SOURCE, REPLAY_TIME, Replay,
    WINDOW, recv_paced,
};
use crate::dlq::decode::decode;
use crate::dlq::report::{Halt, Skipped};
use crate::dlq::select::{FilterOutcome, Verdict};
use crate::kafka::Ctx;

pub(super) type Delivery = (i32, i64, String, Outcome);

/// How a record handed to the producer ended.
pub(super) enum Outcome {
    Acked,
    /// Known not stored: never sent, or refused by the broker.
    Failed(String),
    /// In flight when it was purged (or its report was lost): it may or may not be stored.
    Unknown(String),
}

/// A failed delivery: unknown when the record may have reached the broker (purged in flight, or
/// timed out under a `-X message.timeout.ms`), failed otherwise; in words, with the broker error
/// behind it when there was one.
fn delivery_outcome(e: &KafkaError, ctx: &Ctx) -> Outcome {
    let last = || ctx.last_error().map(|l| format!(" (last broker error: {l})")).unwrap_or_default();
    match e.rdkafka_error_code() {
        Some(RDKafkaErrorCode::MessageTimedOut) => {
            Outcome::Unknown(format!("not acknowledged within message.timeout.ms{}", last()))
        }
        Some(RDKafkaErrorCode::PurgeInflight) => {
            Outcome::Unknown(format!("in flight when the broker stopped answering{}", last()))
        }
        Some(RDKafkaErrorCode::PurgeQueue) => {
            Outcome::Failed(format!("not sent: the broker stopped answering first{}", last()))
        }
        _ => Outcome::Failed(crate::kafka::describe_error(e)),
    }
}

impl Replay<'_> {
    /// Reads and dispatches until the DLQ range is exhausted or something halts the run.
    /// Returns the reader's error, if reading failed.
    pub(super) async fn main_loop(&mut self, mut rx: mpsc::Receiver<Judged>) -> Option<String> {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut tick = tokio::time::interval(COMMIT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut next_slot: Option<Instant> = None;
        // The limit is checked after each record, which let one through for `--limit 0`.
        if self.a.limit == Some(0) {
            self.halt = Some(Halt::Limit);
        }
        while self.halt.is_none() {
            let can_read = self.inflight.len() < WINDOW;
            tokio::select! {
                biased;
                _ = &mut ctrl_c => {
                    self.halt = Some(Halt::Interrupted);
                    if let Some(i) = &self.interrupter {
                        i.interrupt();
                    }
                }
                Some(done) = self.inflight.join_next(), if !self.inflight.is_empty() => {
                    self.on_delivery(done);
                    if self.acked_since_commit >= COMMIT_EVERY_RECORDS {
                        self.commit_periodic().await;
                    }
                }
                _ = tokio::time::sleep_until(self.since + self.app.settings.timeout), if !self.inflight.is_empty() => {
                    self.on_stall();
                }
                _ = tick.tick() => {
                    self.commit_periodic().await;
                }
                item = recv_paced(&mut rx, next_slot), if can_read => match item {
                    None => break,
                    Some(Err(e)) => return Some(e),
                    Some(Ok((m, filter))) => {
                        if self.process(m, filter).await
                            && let Some(gap) = self.gap
                        {
                            let now = Instant::now();
                            next_slot = Some(next_slot.map_or(now, |s| s.max(now)) + gap);
                        }
                        if self.halt.is_none() && self.a.limit.is_some_and(|l| self.stats.planned >= l) {
                            self.halt = Some(Halt::Limit);
                        }
                    }
                },
            }
        }
        None
    }

    /// Handles one dead letter and what `--filter` said about it; true when a record was sent
    /// (or planned, in a dry run).
    async fn process(&mut self, m: DlqMsg, filter: FilterOutcome) -> bool {
        if filter == FilterOutcome::Interrupted {
            // Not judged, so neither done nor passed over: the next run starts here.
            self.tracker.block(m.partition, m.offset);
            self.halt = Some(Halt::Interrupted);
            return false;
        }
        self.stats.read += 1;
        self.pb.inc(1);
        let d = decode(&m.record(&self.dlq));
        if let FilterOutcome::Error(e) = &filter {
            self.stats.filter_errors += 1;
            if self.stats.first_filter_error.is_none() {
                self.app.ui.warn(format!(
                    "--filter failed on {}/{}/{} (treated as not selected): {e}",
                    self.dlq, m.partition, m.offset
                ));
                self.stats.first_filter_error = Some(e.clone());
            }
        }
        let dest = match self.sel.verdict(&d, m.timestamp_ms, &filter) {
            Verdict::NotSelected => {
                self.stats.not_selected += 1;
                self.tracker.done(m.partition, m.offset);
                return false;
            }
            Verdict::Replay => match &self.a.to {
                Some(to) => Ok(to.clone()),
                None => Ok(d.original_topic.clone().unwrap_or_default()),
            },
            Verdict::NoOrigin(reason) => self.a.to.clone().ok_or(reason),
            Verdict::Undecidable(reason) => Err(reason),
        };
        let dest = match dest {
            Err(reason) => return self.unreplayable(&m, reason),
            Ok(t) => t,
        };
        // Checked before the topic is looked up: a dead letter must not even steer evbus to
        // an internal topic's metadata.
        if let Err(reason) = self.targets.check(&dest) {
            return self.unreplayable(&m, reason);
        }
        if self.targets.undeclared(&dest) {
            self.stats.undeclared.insert(dest.clone());
        }
        let partitions = match self.dest(&dest).await {
            Ok(Dest::Exists { partitions }) => partitions,
            Ok(Dest::Missing) => {
                return self.unreplayable(&m, format!("original topic {dest} does not exist on the cluster"));
            }
            Err(e) => {
                // Not knowing whether the topic exists is not a reason to pass over the record.
                self.halt = Some(Halt::Failed(format!("{e:#}")));
                self.tracker.block(m.partition, m.offset);
                return false;
            }
        };
        let partition = if self.a.same_partition {
            let p = d.original_partition.filter(|p| (*p as usize) < partitions);
            if p.is_none() {
                self.stats.by_key_fallback += 1;
            }
            p
        } else {
            None
        };
        self.stats.planned += 1;
        if self.producer.is_none() {
            // Dry run: the plan counts what a real run would send.
            *self.stats.by_topic.entry(dest.clone()).or_default() += 1;
            if self.stats.preview.len() < PLAN_PREVIEW {
                let mut o = serde_json::Map::new();
                o.insert("partition".into(), json!(m.partition));
                o.insert("offset".into(), json!(m.offset));
                o.insert("to".into(), json!(dest));
                o.insert("to_partition".into(), json!(partition));
                key_json(m.key.as_deref(), &mut o);
                o.insert("convention".into(), json!(d.convention));
                o.insert("error".into(), json!(d.error_label()));
                self.stats.preview.push(Value::Object(o));
            }
            self.tracker.done(m.partition, m.offset);
            return true;
        }
        let mut headers = OwnedHeaders::new_with_capacity(m.headers.len() + 2);
        for (name, value) in &m.headers {
            if d.error_header_names.contains(name) || name == REPLAY_SOURCE || name == REPLAY_TIME {
                continue;
            }
            headers = headers.insert(Header { key: name, value: value.as_deref() });
        }
        let source = format!("{}/{}/{}", self.dlq, m.partition, m.offset);
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        headers = headers
            .insert(Header { key: REPLAY_SOURCE, value: Some(source.as_bytes()) })
            .insert(Header { key: REPLAY_TIME, value: Some(now.as_bytes()) });
        let mut rec: FutureRecord<'_, [u8], [u8]> = FutureRecord::to(&dest).headers(headers);
        if let Some(k) = m.key.as_deref() {
            rec = rec.key(k);
        }
        if let Some(v) = d.replay_value.as_deref() {
            rec = rec.payload(v);
        }
        if let Some(p) = partition {
            rec = rec.partition(p);
        }
        let enqueued = self.enqueue(rec).await;
        match enqueued {
            Ok(fut) => {
                self.tracker.sent(m.partition, m.offset);
                let (p, o) = (m.partition, m.offset);
                if self.inflight.is_empty() {
                    // Nothing was waiting: the broker's silence counts from now.
                    self.since = Instant::now();
                }
                self.pending.insert((p, o), dest.clone());
                let pctx = self.pctx.clone();
                self.inflight.spawn(async move {
                    let r = match fut.await {
                        Ok(Ok(_)) => Outcome::Acked,
                        Ok(Err((e, _))) => delivery_outcome(&e, &pctx),
                        Err(_) => Outcome::Unknown("the producer went away before the broker answered".to_owned()),
                    };
                    (p, o, dest, r)
                });
                true
            }
            Err(e) => {
                self.tracker.block(m.partition, m.offset);
                self.stats.failed.push((m.partition, m.offset, dest.clone(), e.clone()));
                self.halt = Some(Halt::Failed(format!("could not send {source} to {dest}: {e}")));
                false
            }
        }
    }

    /// Hands a record to librdkafka, waiting (bounded by `--timeout`) while its queue is full.
    async fn enqueue(
        &self,
        mut rec: FutureRecord<'_, [u8], [u8]>,
    ) -> Result<rdkafka::producer::DeliveryFuture, String> {
        let Some(producer) = &self.producer else {
            return Err("no producer".into());
        };
        let deadline = Instant::now() + self.app.settings.timeout;
        loop {
            match producer.send_result(rec) {
                Ok(f) => return Ok(f),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back))
                    if Instant::now() < deadline =>
                {
                    rec = back;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err((e, _)) => return Err(crate::kafka::describe_error(&e)),
            }
        }
    }

    /// A selected record with nowhere to go: stop (default) or skip and say so (--skip-unknown).
    fn unreplayable(&mut self, m: &DlqMsg, reason: String) -> bool {
        if self.a.skip_unknown {
            self.tracker.done(m.partition, m.offset);
            self.stats.skipped.push(Skipped { partition: m.partition, offset: m.offset, reason });
        } else {
            self.tracker.block(m.partition, m.offset);
            self.halt = Some(Halt::Unreplayable(m.partition, m.offset, reason));
        }
        false
    }

    /// Whether a destination exists; one metadata request per topic per run.
    async fn dest(&mut self, topic: &str) -> Result<Dest> {
        if let Some(d) = self.dests.get(topic) {
            return Ok(d.clone());
        }
        let d = match read::topic_partitions(self.app, topic).await? {
            Some(ps) => Dest::Exists { partitions: ps.len() },
            None => Dest::Missing,
        };
        self.dests.insert(topic.to_owned(), d.clone());
        Ok(d)
    }

    fn on_delivery(&mut self, done: Result<Delivery, tokio::task::JoinError>) {
        self.since = Instant::now();
        if let Ok((p, o, _, _)) = &done {
            self.pending.remove(&(*p, *o));
        }
        match done {
            Ok((p, o, topic, Outcome::Acked)) => {
                self.tracker.acked(p, o);
                *self.stats.by_topic.entry(topic).or_default() += 1;
                self.acked_since_commit += 1;
            }
            Ok((p, o, topic, Outcome::Unknown(e))) => {
                // Never committed over: the next run replays it (a second copy if it was stored).
                self.tracker.failed(p, o);
                if self.halt.is_none() || matches!(self.halt, Some(Halt::Limit)) {
                    self.halt = Some(Halt::Failed(format!(
                        "replaying {}/{p}/{o} to {topic} ended unknown: {e}; the saved position stays before it, \
                         so the next run replays it again",
                        self.dlq
                    )));
                }
                self.stats.unknown.push((p, o, topic, e));
            }
            Ok((p, o, topic, Outcome::Failed(e))) => {
                self.tracker.failed(p, o);
                if self.halt.is_none() || matches!(self.halt, Some(Halt::Limit)) {
                    self.halt = Some(Halt::Failed(format!(
                        "replaying {}/{p}/{o} to {topic} failed: {e}; the saved position stays before it, \
                         so the next run replays it again",
                        self.dlq
                    )));
                }
                self.stats.failed.push((p, o, topic, e));
            }
            // A delivery task cannot panic; should it ever, its offset stays pending (never
            // committed), which is the safe side.
            Err(e) => {
                if self.halt.is_none() {
                    self.halt = Some(Halt::Failed(format!("delivery task failed: {e}")));
                }
            }
        }
    }

    /// No delivery report for `--timeout` with records in flight: the broker is gone or not
    /// answering. Purge what the producer holds (queued records fail, in-flight ones become
    /// unknown) and end the run; [`Self::drain`] collects the purged reports.
    fn on_stall(&mut self) {
        if !matches!(self.halt, Some(Halt::Failed(_) | Halt::Unreplayable(..))) {
            self.halt = Some(Halt::Stalled);
        }
        if let Some(p) = &self.producer
            && !self.purged
        {
            p.purge(rdkafka::producer::PurgeConfig::default().queue().inflight());
            self.purged = true;
        }
    }

    /// Waits for every record in flight while the broker shows signs of life (the stall watch of
    /// the main loop), so that the final commit covers all that was acknowledged. Reports that
    /// do not come within [`PURGE_GRACE`] of a purge count as unknown.
    pub(super) async fn drain(&mut self) {
        let mut grace: Option<Instant> = None;
        while !self.inflight.is_empty() {
            let until = grace.unwrap_or(self.since + self.app.settings.timeout);
            match tokio::time::timeout_at(until, self.inflight.join_next()).await {
                Ok(Some(done)) => self.on_delivery(done),
                Ok(None) => break,
                Err(_) if grace.is_none() => {
                    self.on_stall();
                    grace = Some(Instant::now() + PURGE_GRACE);
                }
                Err(_) => {
                    self.inflight.abort_all();
                    for ((p, o), topic) in std::mem::take(&mut self.pending) {
                        self.tracker.failed(p, o);
                        let e = "no delivery report after the purge".to_owned();
                        self.stats.unknown.push((p, o, topic, e));
                    }
                    break;
                }
            }
        }
    }

    pub(super) async fn commit_periodic(&mut self) {
        if self.producer.is_none() {
            return;
        }
        if let Err(e) = self.commit().await {
            // The final commit tries again; until then the saved position only lags behind.
            self.app.ui.warn(format!("{e:#}"));
        }
    }

    /// Saves the position of every partition where it moved.
    pub(super) async fn commit(&mut self) -> Result<()> {
        self.commit_within(self.app.settings.timeout).await
    }

    /// [`Self::commit`], waiting at most `limit` for the answer.
    pub(super) async fn commit_within(&mut self, limit: Duration) -> Result<()> {
        self.acked_since_commit = 0;
        let changed: Vec<(i32, i64)> =
            self.tracker.committable().into_iter().filter(|(p, o)| self.saved.get(p) != Some(o)).collect();
        if changed.is_empty() {
            return Ok(());
        }
        self.position.commit(changed.clone(), limit).await?;
        self.app.ui.debug(format!("saved replay position of group {}: {changed:?}", self.a.group));
        self.saved.extend(changed);
        Ok(())
    }

    /// Flushes the producer (bounded by `--timeout`); returns how many messages it still held.
    ///
    /// On a thread of its own, like [`Position`], so that a producer stuck on a dead broker
    /// cannot hold up the exit after the bound.
    pub(super) async fn flush(&mut self) -> i32 {
        let Some(producer) = self.producer.take() else { return 0 };
        let timeout = self.app.settings.timeout;
        let (tx, rx) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new().name("evbus-dlq-flush".into()).spawn(move || {
            let _ = producer.flush(timeout);
            let _ = tx.send(producer.in_flight_count());
        });
        if spawned.is_err() {
            return -1;
        }
        match tokio::time::timeout(timeout + Duration::from_secs(1), rx).await {
            Ok(Ok(n)) => n,
            _ => -1,
        }
    }
}
