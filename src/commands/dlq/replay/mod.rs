//! `evbus dlq replay`: republish dead letters to their original topics, exactly where the last
//! run left off.
//!
//! Here: setting the run up (selection, read ranges, confirmation) and the exit it ends with.
//! [`send`] is the loop (reading, sending, delivery accounting, saving the position), [`report`]
//! prints the summary. The pure rules live in [`crate::dlq`]: selection and the progress line in
//! [`crate::dlq::select`], the counts and the JSON report in [`crate::dlq::report`].
//!
//! How "nothing lost, few duplicates" is kept:
//! * The DLQ is read by assignment (never joining the group) from the group's saved position up
//!   to the high watermark captured at the start.
//! * Records go out through an idempotent `acks=all` producer; the saved position (a commit of
//!   group `--group` on the DLQ) only ever covers offsets whose republished copy the broker has
//!   acknowledged, or that needed no copy (not selected, skipped). [`Tracker`] keeps that line.
//! * Records have no delivery deadline of their own (`message.timeout.ms=0`), as in `produce`
//!   (see [`crate::kafka::flush_or_purge`] for why: a per-record timeout made librdkafka reset
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
//!   the next run.
//! * A record that cannot be replayed stops the run (everything before it is committed) unless
//!   `--skip-unknown`; it is never passed over without being named.
//! * The same loop runs for `--dry-run`, with sending replaced by counting, so the plan shows
//!   exactly what a real run would do, including where it would stop (and then exits 1, as it
//!   would).
//! * `--filter` is evaluated on a thread of its own between the reader and the loop
//!   ([`spawn_filter_stage`]), so a program that recurses deeply or never returns can neither
//!   overflow the async runtime's stack nor keep the loop from seeing Ctrl-C. A record whose
//!   evaluation Ctrl-C interrupted is not done: the next run starts with it.

mod report;
mod send;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Result, anyhow};
use rdkafka::producer::FutureProducer;
use regex::Regex;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use self::send::Delivery;
use super::manifest_dlq_topics;
use super::position::Position;
use super::read::{self, DlqMsg, Item};
use crate::app::App;
use crate::cli::DlqReplayArgs;
use crate::dlq::report::{Halt, Stats, ranges_text};
use crate::dlq::select::{FilterOutcome, Selection, Targets, Tracker, filter_outcome};
use crate::exit::{Exit, Outcome};
use crate::kafka::Ctx;
use crate::record::filter::{Interrupter, JqFilter, spawn_eval_thread};
use crate::term::sanitize::for_terminal;

/// Provenance: `dlq_topic/partition/offset` of the dead letter a record was replayed from.
pub(super) const REPLAY_SOURCE: &str = "evbus-replay-source";
/// Provenance: when the record was replayed (RFC 3339, UTC).
pub(super) const REPLAY_TIME: &str = "evbus-replay-time";

/// Records handed to the producer and not yet acknowledged, at most. Bounds memory and the
/// duplicates a kill can cause.
const WINDOW: usize = 1000;
/// Save the position at least this often while records are being acknowledged...
const COMMIT_EVERY: Duration = Duration::from_secs(1);
/// ...and after this many acknowledgements.
const COMMIT_EVERY_RECORDS: u64 = 500;
/// After a purge, how long the purged records' reports may take before they count as unknown.
const PURGE_GRACE: Duration = Duration::from_secs(2);
/// The bound of the final save after the broker stopped answering: it most likely fails too.
const STALLED_COMMIT: Duration = Duration::from_secs(3);
/// Records shown in the dry-run plan.
const PLAN_PREVIEW: usize = 10;
/// Skipped records listed in the table summary.
const SKIPPED_SHOWN: usize = 20;

/// A dead letter with what `--filter` says about it, or the error that ended reading.
type Judged = Result<(DlqMsg, FilterOutcome), String>;

/// A destination topic as the cluster knows it (looked up once per topic).
#[derive(Clone)]
enum Dest {
    Exists { partitions: usize },
    Missing,
}

struct Replay<'a> {
    app: &'a App,
    a: &'a DlqReplayArgs,
    dlq: String,
    sel: Selection,
    /// Which destinations records may be written to.
    targets: Targets,
    gap: Option<Duration>,
    tracker: Tracker,
    dests: HashMap<String, Dest>,
    stats: Stats,
    halt: Option<Halt>,
    producer: Option<FutureProducer<Ctx>>,
    /// Gets the producer its id without librdkafka's startup delay; holds a clone of it.
    _warmup: Option<crate::kafka::ProducerIdWarmup>,
    /// The producer's context: remembers the last transport error for delivery failures.
    pctx: Ctx,
    inflight: JoinSet<Delivery>,
    /// What is in `inflight`, by DLQ partition and offset, with its destination: what becomes
    /// unknown should a report never come.
    pending: HashMap<(i32, i64), String>,
    /// Where the stall watch counts from: the last delivery report, or when records started to
    /// be in flight again.
    since: Instant,
    /// The producer's queue and in-flight requests were purged after a stall.
    purged: bool,
    /// Stops a running `--filter` evaluation on Ctrl-C.
    interrupter: Option<Interrupter>,
    position: Position,
    /// What the group has saved, per partition, as far as this run knows.
    saved: BTreeMap<i32, i64>,
    acked_since_commit: u64,
    /// Progress bar position counts records read.
    pb: indicatif::ProgressBar,
}

pub(super) async fn run(app: &App, a: DlqReplayArgs) -> Result<Outcome> {
    let mode = app.ui.mode()?;
    // Everything the command line can get wrong is a usage error before any connection.
    let sel = selection(&a)?;
    let gap = a.rate.map(|r| r.gap());
    for (flag, v) in [("--from-offset", a.from_offset), ("--to-offset", a.to_offset)] {
        if v.is_some_and(|o| o < 0) {
            return Err(Exit::usage(format!("{flag} must be 0 or more")));
        }
    }
    if let (Some(f), Some(t)) = (a.from_offset, a.to_offset)
        && f > t
    {
        return Err(Exit::usage(format!("--from-offset {f} is after --to-offset {t}")));
    }
    let manifest = app.manifest_opt(&a.manifest)?;
    let targets = Targets {
        allow_internal: a.allow_internal.iter().cloned().collect(),
        manifest: manifest
            .as_ref()
            .map(|m| (m.path.display().to_string(), m.topics.iter().map(|t| t.name.clone()).collect())),
        allow_undeclared: a.allow_undeclared,
    };
    // An explicit --to is checked like any destination, and refused before connecting.
    if let Some(to) = &a.to {
        targets.check(to).map_err(|e| Exit::usage(format!("--to {e}")))?;
    }
    let dlq = match &a.dlq_topic {
        Some(t) => t.clone(),
        None => {
            let topics = manifest_dlq_topics(app, &a.manifest)?;
            if topics.len() > 1 {
                return Err(Exit::usage(format!(
                    "the manifest declares several dead-letter topics ({}); name the one to replay",
                    topics.join(", ")
                )));
            }
            topics.into_iter().next().unwrap_or_default()
        }
    };
    // Refuse early (exit 2) when nobody could answer the prompt, before touching the broker.
    let can_ask = app.ui.stdin_tty && app.ui.stderr_tty;
    if !(a.dry_run || a.yes || can_ask) {
        app.ui.confirm(&format!("Replay records from {dlq}?"), false)?;
    }
    app.settings.log_effective();
    // Created first: the idempotent producer's setup (producer id) then overlaps the lookups below.
    let (producer, pctx) = if a.dry_run {
        (None, Ctx::default())
    } else {
        // librdkafka's default partitioner is CRC32-based; murmur2 puts keyed records on the
        // partition a Java producer (and therefore the original) would have chosen.
        // No per-record deadline: the stall watch bounds the wait (see the module header).
        let (p, ctx) = app.settings.producer(&[("partitioner", "murmur2_random"), ("message.timeout.ms", "0")])?;
        (Some(p), ctx)
    };
    let warmup = producer.as_ref().map(|p| crate::kafka::ProducerIdWarmup::start(p.clone(), app.settings.timeout));

    let parts = read::partitions(app, &dlq).await?;
    let position = Position::new(&app.settings, &a.group, &dlq)?;
    let saved = position.fetch(parts.iter().map(|p| p.partition).collect()).await?;

    // The read range per partition: from the saved position (or the start), narrowed by
    // --from-offset/--to-offset, up to the high watermark of now.
    let mut ranges = Vec::new();
    for p in &parts {
        let mut start = if a.from_start { p.low } else { saved.get(&p.partition).copied().unwrap_or(p.low) };
        if start < p.low {
            app.ui.warn(format!(
                "{}/{}: the saved position {start} is before the oldest record still there ({}); \
                 records {start}..{} were deleted by retention before they were replayed",
                dlq,
                p.partition,
                p.low,
                p.low - 1
            ));
            start = p.low;
        }
        if let Some(f) = a.from_offset {
            start = start.max(f);
        }
        let end = a.to_offset.map_or(p.high, |t| p.high.min(t.saturating_add(1)));
        ranges.push((p.partition, start, end));
    }
    let total: i64 = ranges.iter().map(|(_, s, e)| (e - s).max(0)).sum();

    let mut dests = HashMap::new();
    if let Some(to) = &a.to {
        match read::topic_partitions(app, to).await? {
            Some(ps) => dests.insert(to.clone(), Dest::Exists { partitions: ps.len() }),
            None => return Err(anyhow!("--to topic {to} does not exist")),
        };
    }

    let where_from = if a.from_start {
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
                return Ok(Outcome::Ok);
            }
        }
        app.ui.info(format!("Replaying {dlq} {where_from}: {}", ranges_text(&ranges)));
    }

    let interrupter = sel.filter.as_ref().map(|f| f.interrupter());
    let mut r = Replay {
        app,
        a: &a,
        dlq: dlq.clone(),
        sel,
        targets,
        // A dry run sends nothing, so there is nothing to throttle.
        gap: gap.filter(|_| !a.dry_run),
        tracker: Tracker::new(ranges.iter().filter(|(_, s, e)| s < e).map(|(p, s, _)| (*p, *s))),
        dests,
        stats: Stats::default(),
        halt: None,
        _warmup: warmup,
        producer,
        pctx,
        inflight: JoinSet::new(),
        pending: HashMap::new(),
        since: Instant::now(),
        purged: false,
        interrupter,
        position,
        saved,
        acked_since_commit: 0,
        pb: app.ui.progress(total.max(0) as u64, &format!("replaying {}", for_terminal(&dlq))),
    };
    let started = std::time::Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let rx = read::spawn_reader(&app.settings, &dlq, &ranges, Arc::clone(&stop))?;
    let rx = spawn_filter_stage(rx, r.sel.filter.clone(), dlq.clone())?;
    let read_error = r.main_loop(rx).await;
    stop.store(true, Ordering::Relaxed);
    r.drain().await;
    let commit_error = if a.dry_run {
        None
    } else if matches!(r.halt, Some(Halt::Stalled)) {
        r.commit_within(STALLED_COMMIT).await.err()
    } else {
        r.commit_within(app.settings.timeout).await.err()
    };
    let unflushed = r.flush().await;
    r.pb.finish_and_clear();
    r.report(mode, &ranges, started.elapsed(), unflushed)?;

    if let Some(e) = commit_error {
        return Err(e.context(format!(
            "the records above were replayed but the position could not be saved; the next run replays them again \
             (group {})",
            a.group
        )));
    }
    if let Some(e) = read_error {
        return Err(anyhow!(e));
    }
    let counts = r.stats.counts();
    match r.halt {
        Some(Halt::Interrupted) => Ok(Outcome::Interrupted),
        Some(Halt::Unreplayable(p, o, reason)) if !a.dry_run => Err(anyhow!(
            "stopped at {dlq}/{p}/{o}: {reason}. Everything before it was replayed and saved; \
             --skip-unknown skips such records, --to TOPIC sends every record to TOPIC"
        )),
        // The plan exits as the real run would (1), so a script can gate a replay on its dry run.
        Some(Halt::Unreplayable(p, o, reason)) => Err(anyhow!(
            "the replay would stop at {dlq}/{p}/{o}: {reason}. \
             --skip-unknown skips such records, --to TOPIC sends every record to TOPIC"
        )),
        Some(Halt::Failed(e)) => Err(anyhow!("{e} ({counts})")),
        Some(Halt::Stalled) => Err(anyhow!(
            "no answer from the broker for {} while replayed records were waiting: {}; the saved position \
             stays before every record not acknowledged, so the next run replays them (brokers: {})",
            humantime::format_duration(app.settings.timeout),
            counts,
            app.settings.brokers
        )),
        _ => Ok(Outcome::Ok),
    }
}

fn selection(a: &DlqReplayArgs) -> Result<Selection> {
    let now = chrono::Utc::now().timestamp_millis();

    Ok(Selection {
        topics: a.original_topics.clone(),
        error: a.error.as_deref().map(Regex::new).transpose().map_err(|e| Exit::usage(format!("--error: {e}")))?,
        since_ms: a.since.map(|t| t.at(now)),
        until_ms: a.until.map(|t| t.at(now)),
        filter: a
            .filter
            .as_deref()
            .map(JqFilter::compile)
            .transpose()
            .map_err(|e| Exit::usage(format!("--filter: {e}")))?
            .map(|f| Arc::new(f.with_memory_limit(a.filter_memory.bytes))),
    })
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
            let item = item.map(|m| {
                let outcome = filter_outcome(filter.as_deref(), &m.view(&dlq));
                (m, outcome)
            });
            if tx.blocking_send(item).is_err() {
                return;
            }
        }
    })?;
    Ok(judged)
}

/// Waits for the next rate-limit slot, then for a record. Cancel-safe (used in `select!`).
async fn recv_paced(rx: &mut mpsc::Receiver<Judged>, at: Option<Instant>) -> Option<Judged> {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
    rx.recv().await
}
