//! The replay loop: reads the judged dead letters, sends each selected one with its provenance
//! headers, accounts for every delivery (acknowledged, refused, not sent, unknown), watches for a
//! broker that stopped answering, and saves the position up to what is done. Why it works this
//! way is in the header of [`super::run`].
//!
//! SIGTERM is handled here as Ctrl-C is (a service manager or `timeout` stopping a replay is no
//! reason to lose the summary and the final save): stop reading, wait for what is in flight,
//! save, exit 130.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Result;
use serde_json::{Value, json};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::super::common::key_json;
use super::{
    COMMIT_EVERY, COMMIT_EVERY_RECORDS, Dest, Done, Judged, Next, Outgoing, PLAN_PREVIEW, PURGE_GRACE, REPLAY_SOURCE,
    REPLAY_TIME, Replay, WINDOW, recv_paced,
};
use crate::dlq::decode::{Decoded, decode};
use crate::dlq::report::{Halt, Skipped};
use crate::dlq::select::{FilterOutcome, Verdict};
use crate::kafka::dlq_reader::{self, DlqMsg};
use crate::kafka::republish::Delivery;

impl Replay<'_> {
    /// Reads and dispatches until the DLQ range is exhausted or something halts the run.
    /// Returns the reader's error, if reading failed.
    pub(super) async fn main_loop(&mut self, mut rx: mpsc::Receiver<Judged>) -> Option<String> {
        let ctrl_c = crate::term::interrupt::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => Some(s),
            Err(e) => {
                self.app.ui.warn(format!("SIGTERM cannot be handled ({e}); it would stop the replay at once"));
                None
            }
        };
        let mut tick = tokio::time::interval(COMMIT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut next_slot: Option<Instant> = None;
        // Read to the end; records refused among others may still have to go out alone.
        let mut read_all = false;
        while self.halt.is_none() && !(read_all && self.inflight.is_empty() && self.alone.is_empty()) {
            if self.inflight.is_empty() && self.awaiting.is_none() && self.resend_alone().await {
                continue;
            }
            // Checked before reading, so that --limit 0 replays nothing.
            if self.a.limit.is_some_and(|l| self.stats.planned >= l) {
                self.halt = Some(Halt::Limit);
                break;
            }
            let can_read = self.inflight.len() < WINDOW && self.awaiting.is_none() && self.alone.is_empty();
            tokio::select! {
                biased;
                _ = &mut ctrl_c => self.interrupt(),
                Some(()) = async { term.as_mut()?.recv().await }, if term.is_some() => self.interrupt(),
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
                item = recv_paced(&mut rx, next_slot), if can_read && !read_all => match item {
                    None => read_all = true,
                    Some(Err(e)) => return Some(e.to_string()),
                    Some(Ok(Next::Gap(p, from, to))) => self.on_gap(p, from, to),
                    Some(Ok(Next::Record(m, filter))) => {
                        if self.process(m, filter).await
                            && let Some(gap) = self.gap
                        {
                            let now = Instant::now();
                            next_slot = Some(next_slot.map_or(now, |s| s.max(now)) + gap);
                        }
                    }
                },
            }
        }
        None
    }

    /// Ctrl-C or SIGTERM: stop reading (and a running `--filter`); what is in flight is waited for.
    fn interrupt(&mut self) {
        self.halt = Some(Halt::Interrupted);
        if let Some(i) = &self.interrupter {
            i.interrupt();
        }
    }

    /// Retention (or DeleteRecords) took `[from, to)` of partition `p` before it was read.
    fn on_gap(&mut self, p: i32, from: i64, to: i64) {
        self.app.ui.warn(format!(
            "{}/{p}: records {from}..{} were removed by retention or DeleteRecords before they were replayed; going on at {to}, \
             the oldest record still there",
            self.dlq,
            to - 1
        ));
        self.stats.deleted_by_retention += (to - from).max(0) as u64;
        self.pb.inc((to - from).max(0) as u64);
        self.tracker.done(p, to - 1);
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
        if let Some(only) = &self.only
            && !only.get(&m.partition).is_some_and(|o| o.contains(m.offset))
        {
            // --pending: replayed or passed over for good by an earlier run; not this run's.
            self.tracker.done(m.partition, m.offset);
            return false;
        }
        self.stats.read += 1;
        self.pb.inc(1);
        if self.replayed_before.get(&m.partition).is_some_and(|s| s.contains(&m.offset)) {
            // Acknowledged by an earlier run that could not save its position past it.
            self.tracker.replayed_before(m.partition, m.offset);
            self.stats.already_replayed += 1;
            return false;
        }
        let d = decode(&m.view(&self.dlq));
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
                if !self.room_to_pass(&m) {
                    return false;
                }
                self.stats.not_selected += 1;
                // Still waiting: listed in the note, for `health` and `--pending`.
                self.tracker.passed(m.partition, m.offset);
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
        let Some(partition) = self.placement(&m, &d, &dest).await else {
            return false;
        };
        self.stats.planned += 1;
        if self.producer.is_none() {
            self.plan(&m, &d, dest, partition);
            return true;
        }
        self.send(&m, &d, dest, partition).await
    }

    /// Where a selected record goes: `Some(partition)` (`None` inside: by key) once the
    /// destination is known to be allowed and to exist; `None` when the record stops the run or
    /// is skipped.
    async fn placement(&mut self, m: &DlqMsg, d: &Decoded, dest: &str) -> Option<Option<i32>> {
        // Checked before the topic is looked up: a dead letter must not even steer evbus to
        // an internal topic's metadata.
        if let Err(reason) = self.targets.check(dest) {
            self.unreplayable(m, reason);
            return None;
        }
        if self.targets.undeclared(dest) {
            self.stats.undeclared.insert(dest.to_owned());
        }
        let partitions = match self.dest(dest).await {
            Ok(Dest::Exists { partitions }) => partitions,
            Ok(Dest::Missing) => {
                self.unreplayable(m, format!("original topic {dest} does not exist on the cluster"));
                return None;
            }
            Err(e) => {
                // Not knowing whether the topic exists is not a reason to pass over the record.
                self.halt = Some(Halt::Failed(format!("{e:#}")));
                self.tracker.block(m.partition, m.offset);
                return None;
            }
        };
        if !self.a.same_partition {
            return Some(None);
        }
        let p = d.original_partition.filter(|p| (*p as usize) < partitions);
        if p.is_none() {
            self.stats.by_key_fallback += 1;
        }
        Some(p)
    }

    /// Dry run: the plan counts what a real run would send.
    fn plan(&mut self, m: &DlqMsg, d: &Decoded, dest: String, partition: Option<i32>) {
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
        *self.stats.by_topic.entry(dest).or_default() += 1;
        self.tracker.done(m.partition, m.offset);
    }

    /// Hands the record to the producer with its provenance headers (the DLQ's error headers
    /// left out). True when it went out.
    async fn send(&mut self, m: &DlqMsg, d: &Decoded, dest: String, partition: Option<i32>) -> bool {
        let source = format!("{}/{}/{}", self.dlq, m.partition, m.offset);
        let now = crate::term::time::now_rfc3339();
        let mut headers: Vec<(String, Option<Vec<u8>>)> = m
            .headers
            .iter()
            .filter(|(name, _)| !(d.error_header_names.contains(name) || name == REPLAY_SOURCE || name == REPLAY_TIME))
            .cloned()
            .collect();
        headers.push((REPLAY_SOURCE.to_owned(), Some(source.into_bytes())));
        headers.push((REPLAY_TIME.to_owned(), Some(now.into_bytes())));
        let out = Outgoing { dest, partition, key: m.key.clone(), value: d.replay_value.clone(), headers };
        self.dispatch(m.partition, m.offset, out, false).await
    }

    /// Whether record `m` may be passed over: the list of passed-over records beside the saved
    /// position has room for it. When not, the run stops at it (everything before is saved) and
    /// says what to do: replay the waiting ones with `--pending` first.
    fn room_to_pass(&mut self, m: &DlqMsg) -> bool {
        if self.tracker.can_pass(m.partition, m.offset) {
            return true;
        }
        self.tracker.block(m.partition, m.offset);
        self.halt = Some(Halt::Failed(format!(
            "stopped at {}/{}/{}: the records passed over before it (not selected, or skipped) fill the list kept \
             beside the saved position, and passing over this one would forget that it waits; replay the waiting \
             ones with `evbus dlq replay {} --pending`, then run this again",
            self.dlq, m.partition, m.offset, self.dlq
        )));
        false
    }

    /// `--skip-refused`: a record the broker (or the client) refuses for what it is is passed
    /// over, named in the summary.
    pub(super) fn skip_refused(&mut self, p: i32, o: i64, dest: &str, e: &str) {
        self.tracker.done(p, o);
        self.tracker.pass_over(p, o);
        let reason = format!("refused by {dest}: {e}");
        self.stats.skipped.push(Skipped { partition: p, offset: o, reason });
    }

    /// A selected record with nowhere to go: stop (default) or skip and say so (--skip-unknown).
    fn unreplayable(&mut self, m: &DlqMsg, reason: String) -> bool {
        if self.a.skip_unknown {
            if !self.room_to_pass(m) {
                return false;
            }
            self.tracker.passed(m.partition, m.offset);
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
        let d = match dlq_reader::topic_partitions(&self.app.settings, topic).await? {
            Some(ps) => Dest::Exists { partitions: ps.len() },
            None => Dest::Missing,
        };
        self.dests.insert(topic.to_owned(), d.clone());
        Ok(d)
    }

    fn on_delivery(&mut self, done: Result<Done, tokio::task::JoinError>) {
        self.since = Instant::now();
        let mut alone = false;
        let mut out = None;
        if let Ok((p, o, _)) = &done {
            out = self.pending.remove(&(*p, *o));
            if self.awaiting == Some((*p, *o)) {
                self.awaiting = None;
                alone = true;
            }
        }
        let topic = out.as_ref().map(|x| x.dest.clone()).unwrap_or_default();
        let (p, o, delivery) = match done {
            Ok(d) => d,
            // A delivery task cannot panic; should it ever, its offset stays pending (never
            // committed), which is the safe side.
            Err(e) => {
                if self.halt.is_none() {
                    self.halt = Some(Halt::Failed(format!("delivery task failed: {e}")));
                }
                return;
            }
        };
        let (what, e) = match delivery {
            Delivery::Acked => {
                self.tracker.acked(p, o);
                *self.stats.by_topic.entry(topic).or_default() += 1;
                self.acked_since_commit += 1;
                return;
            }
            // The broker refuses a whole batch for one record too large for the topic, so a
            // record refused among others may be innocent: it is sent again on its own once
            // nothing else is in flight, and only a refusal then counts.
            Delivery::Refused(e) if !alone && out.is_some() => {
                if let Some(out) = out {
                    self.alone.insert((p, o), (out, e));
                }
                return;
            }
            Delivery::Refused(e) if self.a.skip_refused => {
                self.tracker.failed(p, o);
                self.skip_refused(p, o, &topic, &e);
                return;
            }
            Delivery::Refused(e) => ("was refused", e),
            Delivery::NotSent(e) => ("failed", e),
            Delivery::Unknown(e) => ("ended unknown", e),
        };
        // Never committed over: the next run replays it (a second copy if it was stored).
        self.tracker.failed(p, o);
        if self.halt.is_none() || matches!(self.halt, Some(Halt::Limit)) {
            let skip = match what {
                "was refused" => {
                    "; records acknowledged after it are noted beside the position and not sent again \
                     (--skip-refused passes over such records)"
                }
                _ => "",
            };
            self.halt = Some(Halt::Failed(format!(
                "replaying {}/{p}/{o} to {topic} {what}: {e}; the saved position stays before it, \
                 so the next run replays it again{skip}",
                self.dlq
            )));
        }
        let lost = (p, o, topic, e);
        if what == "ended unknown" {
            self.stats.unknown.push(lost);
        } else {
            self.stats.failed.push(lost);
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
            p.purge();
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
                    for ((p, o), out) in std::mem::take(&mut self.pending) {
                        self.tracker.failed(p, o);
                        let e = "no delivery report after the purge".to_owned();
                        self.stats.unknown.push((p, o, out.dest, e));
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

    /// `--pending`: every partition stays at its saved position; its note loses the offsets this
    /// run replayed (those passed over again, refused or not reached stay listed).
    fn pending_positions(&self, only: &BTreeMap<i32, crate::dlq::ranges::Ranges>) -> BTreeMap<i32, (i64, String)> {
        only.keys()
            .filter_map(|p| {
                let at = *self.saved.get(p)?;
                let note = crate::dlq::ahead::decode(at, self.notes.get(p).map_or("", String::as_str));
                let mut passed = note.passed;
                for o in self.tracker.acked_now(*p) {
                    passed.remove(o);
                }
                let e = crate::dlq::ahead::encode_all(at, note.held, &note.acked, &passed);
                Some((*p, (at, e.note)))
            })
            .collect()
    }

    /// Saves the position of every partition where it moved.
    pub(super) async fn commit(&mut self) -> Result<()> {
        self.commit_within(self.app.settings.timeout).await
    }

    /// [`Self::commit`], waiting at most `limit` for the answer.
    pub(super) async fn commit_within(&mut self, limit: Duration) -> Result<()> {
        self.acked_since_commit = 0;
        let (positions, left_out, cuts) = match &self.only {
            Some(only) => (self.pending_positions(only), 0, BTreeMap::new()),
            None => self.tracker.positions(),
        };
        for (p, at) in cuts {
            if self.cut_warned.insert(p) {
                self.app.ui.warn(format!(
                    "{}/{p}: the saved position stays at {at}: the records passed over before it (not selected, or \
                     skipped) no longer fit beside the position, and moving on would forget that they wait; replay \
                     them with `evbus dlq replay --pending`, then run this again",
                    self.dlq
                ));
            }
        }
        let changed: Vec<(i32, i64, String)> = positions
            .into_iter()
            .filter(|(p, (o, note))| {
                self.saved.get(p) != Some(o) || self.notes.get(p).map_or(!note.is_empty(), |n| n != note)
            })
            .map(|(p, (o, note))| (p, o, note))
            .collect();
        if changed.is_empty() {
            return Ok(());
        }
        if left_out > 0 {
            self.app.ui.debug(format!(
                "{left_out} acknowledged record(s) past the saved position do not fit into its note; a later run may \
                 send them again"
            ));
        }
        self.group.commit(changed.clone(), limit).await?;
        let offsets: Vec<(i32, i64)> = changed.iter().map(|(p, o, _)| (*p, *o)).collect();
        self.app.ui.debug(format!("saved replay position of group {}: {offsets:?}", self.a.group));
        for (p, o, note) in changed {
            self.saved.insert(p, o);
            self.notes.insert(p, note);
        }
        Ok(())
    }
}
