//! The replay from start to end: check, lock the group, read the saved position, ask, run the
//! loop, report, leave the group, and how the run ends.
//!
//! How "nothing lost, no duplicates it can prevent" is kept:
//! * One replay per DLQ and group at a time: the run joins `--group` and holds the membership
//!   while it runs; a second one finds it and refuses, naming it (see
//!   [`crate::kafka::replay_group`] for why the group itself is the lock, across hosts).
//! * The DLQ is read by assignment from the group's saved position up to the high watermark
//!   captured at the start. Retention overtaking the reader is reported and counted, and
//!   reading goes on at the log start.
//! * Records go out through an idempotent `acks=all` producer; the saved position (a commit of
//!   group `--group` on the DLQ) only ever covers offsets whose republished copy the broker has
//!   acknowledged, or that needed no copy (not selected, skipped). [`Tracker`] keeps that line.
//! * Records have no delivery deadline of their own (`message.timeout.ms=0`), as in `produce`
//!   (see [`crate::kafka::flush_or_purge`] for why: a per-record timeout made the Kafka client reset
//!   the producer id and write the retries behind it twice). A broker restart is ridden out under
//!   one producer id, which the broker deduplicates. The wait is bounded by a stall watch
//!   instead: no delivery report for `--timeout` while records are in flight purges them and ends
//!   the run, each record counted once as acknowledged, failed (known not stored) or unknown (in
//!   flight: maybe stored). The run then ends at most `--timeout` after the last acknowledgement,
//!   plus [`PURGE_GRACE`] for the purge's reports and [`STALLED_COMMIT`] for a last try at saving
//!   the position (and up to one `--timeout` more if a periodic save was under way).
//! * Commits happen every [`COMMIT_EVERY`] / [`COMMIT_EVERY_RECORDS`] and at the end, so a kill -9
//!   of evbus, or a broker outage longer than `--timeout`, costs at most the records acknowledged
//!   since the last commit plus those in flight (at most [`WINDOW`]): they are replayed again by
//!   the next run. SIGTERM is handled as Ctrl-C: stop reading, wait for what is in flight, save.
//! * Beside the position goes a note of the records acknowledged past it ([`crate::dlq::ahead`]):
//!   when a record holds the position (refused, unknown), the next run does not send what was
//!   acknowledged after it again, and sends the held record alone first, so nothing past a
//!   record that is refused again goes out.
//! * Records a run passes over (not selected by its filters, or skipped) stay listed in the note
//!   as still waiting; `--pending` replays exactly those, each once, and leaves the position
//!   where it is (see [`crate::dlq::ahead`]). The list is bounded: a run stops at a record it
//!   could not list ([`Replay::room_to_pass`]) rather than forget it.
//! * A record that cannot be replayed stops the run (everything before it is committed) unless
//!   `--skip-unknown`; one the broker refuses (too large, not authorized) stops it unless
//!   `--skip-refused`; neither is passed over without being named.
//! * The same loop runs for `--dry-run`, with sending replaced by counting, so the plan shows
//!   exactly what a real run would do, including where it would stop (and then exits 1, as it
//!   would).
//! * `--filter` is evaluated on a thread of its own between the reader and the loop
//!   ([`spawn_filter_stage`]), so a program that recurses deeply or never returns can neither
//!   overflow the async runtime's stack nor keep the loop from seeing Ctrl-C. A record whose
//!   evaluation Ctrl-C interrupted is not done: the next run starts with it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::alone::Outgoing;
use super::{finish, setup};
use crate::app::App;
use crate::cli::DlqReplayArgs;
use crate::dlq::report::{Halt, Stats, ranges_text};
use crate::dlq::select::{FilterOutcome, Selection, Targets, Tracker, filter_outcome};
use crate::exit::Outcome;
use crate::kafka::dlq_reader::{self, DlqMsg, Item, Read};
use crate::kafka::replay_group::ReplayGroup;
use crate::kafka::republish::{Delivery, Republisher};
use crate::record::filter::{Interrupter, JqFilter, spawn_eval_thread};
use crate::term::sanitize::for_terminal;

/// Provenance: `dlq_topic/partition/offset` of the dead letter a record was replayed from.
pub(in crate::commands::dlq) const REPLAY_SOURCE: &str = "evbus-replay-source";
/// Provenance: when the record was replayed (RFC 3339, UTC).
pub(in crate::commands::dlq) const REPLAY_TIME: &str = "evbus-replay-time";

/// Records handed to the producer and not yet acknowledged, at most. Bounds memory and the
/// duplicates a kill can cause.
pub(super) const WINDOW: usize = 1000;
/// Save the position at least this often while records are being acknowledged...
pub(super) const COMMIT_EVERY: Duration = Duration::from_secs(1);
/// ...and after this many acknowledgements.
pub(super) const COMMIT_EVERY_RECORDS: u64 = 500;
/// After a purge, how long the purged records' reports may take before they count as unknown.
pub(super) const PURGE_GRACE: Duration = Duration::from_secs(2);
/// The bound of the final save after the broker stopped answering: it most likely fails too.
pub(super) const STALLED_COMMIT: Duration = Duration::from_secs(3);
/// Records shown in the dry-run plan.
pub(super) const PLAN_PREVIEW: usize = 10;
/// Skipped records listed in the table summary.
pub(super) const SKIPPED_SHOWN: usize = 20;

/// What the loop gets from the filter stage: a dead letter with what `--filter` says about it,
/// a gap retention left, or the error that ended reading.
pub(super) enum Next {
    Record(DlqMsg, FilterOutcome),
    /// Partition, first offset taken, first offset still there.
    Gap(i32, i64, i64),
}
pub(super) type Judged = Result<Next, crate::kafka::Error>;

/// A record in flight and how it ended: DLQ partition and offset, delivery.
pub(super) type Done = (i32, i64, Delivery);

/// A destination topic as the cluster knows it (looked up once per topic).
#[derive(Clone)]
pub(super) enum Dest {
    Exists { partitions: usize },
    Missing,
}

pub(super) struct Replay<'a> {
    pub(super) app: &'a App,
    pub(super) a: &'a DlqReplayArgs,
    pub(super) dlq: String,
    pub(super) sel: Selection,
    /// Which destinations records may be written to.
    pub(super) targets: Targets,
    pub(super) gap: Option<Duration>,
    pub(super) tracker: Tracker,
    pub(super) dests: HashMap<String, Dest>,
    pub(super) stats: Stats,
    pub(super) halt: Option<Halt>,
    /// `None` in a dry run.
    pub(super) producer: Option<Republisher>,
    pub(super) inflight: JoinSet<Done>,
    /// What is in `inflight`, by DLQ partition and offset: what becomes unknown should a
    /// report never come, and what is sent again alone should it be refused among others.
    pub(super) pending: HashMap<(i32, i64), Outgoing>,
    /// Records refused together with others, with the refusal: each is sent again on its own
    /// once nothing else is in flight (see [`alone`]).
    pub(super) alone: BTreeMap<(i32, i64), (Outgoing, String)>,
    /// Where the stall watch counts from: the last delivery report, or when records started to
    /// be in flight again.
    pub(super) since: Instant,
    /// The producer's queue and in-flight requests were purged after a stall.
    pub(super) purged: bool,
    /// Stops a running `--filter` evaluation on Ctrl-C.
    pub(super) interrupter: Option<Interrupter>,
    pub(super) group: ReplayGroup,
    /// What the group has saved, per partition, as far as this run knows: the offset...
    pub(super) saved: BTreeMap<i32, i64>,
    /// ...and the note beside it.
    pub(super) notes: BTreeMap<i32, String>,
    /// Offsets an earlier run acknowledged past its saved position (from its note): not sent again.
    pub(super) replayed_before: BTreeMap<i32, BTreeSet<i64>>,
    /// Per partition, the record that held the saved position last time: sent alone first.
    pub(super) probe: BTreeMap<i32, i64>,
    /// `--pending`: the only offsets replayed (what earlier runs passed over).
    pub(super) only: Option<BTreeMap<i32, crate::dlq::ranges::Ranges>>,
    /// Partitions whose held position (no room to list more passed-over records) was reported.
    pub(super) cut_warned: BTreeSet<i32>,
    /// The held record in flight: nothing else is read until its answer comes.
    pub(super) awaiting: Option<(i32, i64)>,
    pub(super) acked_since_commit: u64,
    /// Progress bar position counts records read.
    pub(super) pb: indicatif::ProgressBar,
}

pub(in crate::commands::dlq) async fn run(app: &App, a: DlqReplayArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    // Everything the command line can get wrong is a usage error before any connection.
    let plan = setup::Plan::check(app, &a)?;
    app.settings.log_effective();
    // Created first: the idempotent producer's setup (producer id) then overlaps the lookups below.
    let producer = if a.dry_run {
        None
    } else {
        // Records go to their original topics, known only as they are read: the codec follows
        // the topic only with --to (a topic that names a codec stores it either way).
        let mut topic_codec = None;
        if let Some(to) = a.to.as_deref().filter(|_| !app.settings.codec_is_chosen(a.compression.as_deref())) {
            topic_codec = app.settings.topic_compression(to).await?.map(|v| (to, v));
        }
        let compression =
            app.settings.compression(a.compression.as_deref(), topic_codec.as_ref().map(|(t, v)| (*t, v.as_str())));
        app.settings.log_producer(&compression);
        Some(Republisher::new(&app.settings, &compression)?)
    };
    let dlq = plan.dlq.clone();
    let parts = dlq_reader::partitions(&app.settings, &dlq).await?;
    let group = ReplayGroup::new(&app.settings, &a.group, &dlq)?;
    if !a.dry_run {
        setup::lock(app, &group, &a.group, &dlq).await?;
    }
    let saved = group.fetch(parts.iter().map(|p| p.partition).collect()).await?;
    let start = setup::start(app, &a, &dlq, &parts, &saved);
    let ranges = start.ranges.clone();
    let total: i64 = match &start.only {
        Some(only) => only.values().map(|o| o.len() as i64).sum(),
        None => ranges.iter().map(|(_, s, e)| (e - s).max(0)).sum(),
    };
    let dests = setup::destination(app, &a).await?;

    let where_from = if a.pending {
        format!("passed over by earlier runs of group {}", a.group)
    } else if a.from_start {
        "from the start".to_owned()
    } else {
        format!("from the saved position of group {}", a.group)
    };
    if !a.dry_run {
        if total > 0 {
            let dest = a.to.as_deref().map_or("their original topics".to_owned(), |t| format!("topic {t}"));
            let question = format!("Replay up to {total} record(s) of {dlq} ({where_from}) to {dest}?");
            if !app.ui.confirm(&question, a.yes)? {
                app.ui.info("Nothing replayed.");
                group.leave().await;
                return Ok(Outcome::Ok);
            }
        }
        app.ui.info(format!("Replaying {dlq} {where_from}: {}", ranges_text(&ranges)));
    }

    let interrupter = plan.sel.filter.as_ref().map(|f| f.interrupter());
    let mut tracker = Tracker::new(ranges.iter().filter(|(_, s, e)| s < e).map(|(p, s, _)| (*p, *s)));
    for (p, offsets) in &start.replayed_before {
        tracker.remember(*p, offsets);
    }
    for (p, offsets) in &start.passed_before {
        tracker.remember_passed(*p, offsets);
    }
    let mut r = Replay {
        app,
        a: &a,
        dlq: dlq.clone(),
        sel: plan.sel,
        targets: plan.targets,
        // A dry run sends nothing, so there is nothing to throttle.
        gap: a.rate.map(|r| r.gap()).filter(|_| !a.dry_run),
        tracker,
        dests,
        stats: Stats { deleted_by_retention: start.deleted, ..Stats::default() },
        halt: None,
        producer,
        inflight: JoinSet::new(),
        pending: HashMap::new(),
        alone: BTreeMap::new(),
        since: Instant::now(),
        purged: false,
        interrupter,
        group,
        saved: saved.iter().map(|(p, s)| (*p, s.offset)).collect(),
        notes: saved.into_iter().map(|(p, s)| (p, s.metadata)).collect(),
        replayed_before: start.replayed_before,
        probe: start.probe,
        only: start.only,
        cut_warned: BTreeSet::new(),
        awaiting: None,
        acked_since_commit: 0,
        pb: app.ui.progress(total.max(0) as u64, &format!("replaying {}", for_terminal(&dlq))),
    };
    let started = std::time::Instant::now();
    let (read_error, commit_error, unflushed) = r.execute(&ranges).await?;
    r.pb.finish_and_clear();
    r.report(mode, &ranges, started.elapsed(), unflushed)?;
    let Replay { group, halt, stats, .. } = r;
    group.leave().await;
    finish::exit(app, &a, &dlq, halt, &stats, read_error, commit_error)
}

impl Replay<'_> {
    /// Reads, sends and waits for what is in flight, then saves the position and flushes.
    /// Returns the reader's error, the final save's error and what the producer still held.
    async fn execute(&mut self, ranges: &[(i32, i64, i64)]) -> Result<(Option<String>, Option<anyhow::Error>, i32)> {
        let stop = Arc::new(AtomicBool::new(false));
        let rx = dlq_reader::spawn_reader(&self.app.settings, &self.dlq, ranges, Arc::clone(&stop))?;
        let rx = spawn_filter_stage(rx, self.sel.filter.clone(), self.dlq.clone())?;
        let read_error = self.main_loop(rx).await;
        stop.store(true, Ordering::Relaxed);
        self.drain().await;
        self.abandon_alone();
        let commit_error = if self.a.dry_run {
            None
        } else if matches!(self.halt, Some(Halt::Stalled)) {
            self.commit_within(STALLED_COMMIT).await.err()
        } else {
            self.commit_within(self.app.settings.timeout).await.err()
        };
        let unflushed = match self.producer.take() {
            Some(p) => p.flush(self.app.settings.timeout).await,
            None => 0,
        };
        Ok((read_error, commit_error, unflushed))
    }
}

/// Evaluates `--filter` on each record between the reader and the main loop, on an evaluation
/// thread of its own: a program that recurses deeply then cannot overflow the async runtime's
/// stack, and one that never ends cannot block the loop that watches Ctrl-C (which then
/// interrupts it). Ends when the reader is done or the main loop stops listening.
fn spawn_filter_stage(
    mut rx: mpsc::Receiver<Item>,
    filter: Option<Arc<JqFilter>>,
    dlq: String,
) -> Result<mpsc::Receiver<Judged>> {
    let (tx, judged) = mpsc::channel(256);
    spawn_eval_thread("evbus-dlq-filter", move || {
        while let Some(item) = rx.blocking_recv() {
            let item = item.map(|read| match read {
                Read::Record(m) => {
                    let outcome = filter_outcome(filter.as_deref(), &m.view(&dlq));
                    Next::Record(m, outcome)
                }
                Read::Gap { partition, from, to } => Next::Gap(partition, from, to),
            });
            if tx.blocking_send(item).is_err() {
                return;
            }
        }
    })?;
    Ok(judged)
}

/// Waits for the next rate-limit slot, then for a record. Cancel-safe (used in `select!`).
pub(super) async fn recv_paced(rx: &mut mpsc::Receiver<Judged>, at: Option<Instant>) -> Option<Judged> {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
    rx.recv().await
}
