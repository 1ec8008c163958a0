//! `evbus dlq replay`: republish dead letters to their original topics, exactly where the last
//! run left off.
//!
//! Over 600 lines as one job: the loop, its delivery accounting and the final report share the
//! run's state ([`Tracker`], the stats, why it halted); the pure rules it applies live in
//! [`crate::dlq`]. (The report is the part that could move out next.)
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
//!   exactly what a real run would do, including where it would stop.
//! * `--filter` is evaluated on a thread of its own between the reader and the loop
//!   ([`spawn_filter_stage`]), so a program that recurses deeply or never returns can neither
//!   overflow the async runtime's stack nor keep the loop from seeing Ctrl-C. A record whose
//!   evaluation Ctrl-C interrupted is not done: the next run starts with it.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Result, anyhow};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use regex::Regex;
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::position::Position;
use super::read::{self, DlqMsg, Item};
use super::{cell, key_cell, key_json, manifest_dlq_topics};
use crate::app::App;
use crate::cli::DlqReplayArgs;
use crate::dlq::decode::decode;
use crate::dlq::select::{FilterOutcome, Selection, Targets, Tracker, Verdict, filter_outcome};
use crate::exit::{self, Exit};
use crate::kafka::Ctx;
use crate::record::filter::{Interrupter, JqFilter, spawn_eval_thread};
use crate::term::sanitize::for_terminal;
use crate::term::ui::Mode;

/// Provenance: `dlq_topic/partition/offset` of the dead letter a record was replayed from.
pub const REPLAY_SOURCE: &str = "evbus-replay-source";
/// Provenance: when the record was replayed (RFC 3339, UTC).
pub const REPLAY_TIME: &str = "evbus-replay-time";

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

type Delivery = (i32, i64, String, Outcome);

/// How a record handed to the producer ended.
enum Outcome {
    Acked,
    /// Known not stored: never sent, or refused by the broker.
    Failed(String),
    /// In flight when it was purged (or its report was lost): it may or may not be stored.
    Unknown(String),
}

/// A dead letter with what `--filter` says about it, or the error that ended reading.
type Judged = Result<(DlqMsg, FilterOutcome), String>;

/// Why the loop ended early.
enum Halt {
    Limit,
    Interrupted,
    /// The record at (partition, offset) cannot be replayed.
    Unreplayable(i32, i64, String),
    Failed(String),
    /// No delivery report for `--timeout` while records were in flight.
    Stalled,
}

struct Skipped {
    partition: i32,
    offset: i64,
    reason: String,
}

/// A destination topic as the cluster knows it (looked up once per topic).
#[derive(Clone)]
enum Dest {
    Exists { partitions: usize },
    Missing,
}

#[derive(Default)]
struct Stats {
    read: u64,
    not_selected: u64,
    /// Acknowledged (or, in a dry run, planned) per destination topic.
    by_topic: BTreeMap<String, u64>,
    planned: u64,
    skipped: Vec<Skipped>,
    failed: Vec<(i32, i64, String, String)>,
    /// In flight when the broker stopped answering: maybe stored.
    unknown: Vec<(i32, i64, String, String)>,
    filter_errors: u64,
    first_filter_error: Option<String>,
    /// --same-partition records whose original partition was unknown or out of range.
    by_key_fallback: u64,
    /// Destinations the manifest does not declare (replayed only with --allow-undeclared).
    undeclared: std::collections::BTreeSet<String>,
    preview: Vec<Value>,
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

pub async fn run(app: &App, a: DlqReplayArgs) -> Result<ExitCode> {
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
                return Ok(exit::code(exit::OK));
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
    let counts = r.counts();
    match r.halt {
        Some(Halt::Interrupted) => Ok(exit::code(exit::INTERRUPTED)),
        Some(Halt::Unreplayable(p, o, reason)) if !a.dry_run => Err(Exit::with(
            exit::ERROR,
            format!(
                "stopped at {dlq}/{p}/{o}: {reason}. Everything before it was replayed and saved; \
                 --skip-unknown skips such records, --to TOPIC sends every record to TOPIC"
            ),
        )),
        Some(Halt::Failed(e)) => Err(anyhow!("{e} ({counts})")),
        Some(Halt::Stalled) => Err(anyhow!(
            "no answer from the broker for {} while replayed records were waiting: {}; the saved position \
             stays before every record not acknowledged, so the next run replays them (brokers: {})",
            humantime::format_duration(app.settings.timeout),
            counts,
            app.settings.brokers
        )),
        _ => Ok(exit::code(exit::OK)),
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
            .map(Arc::new),
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

fn ranges_text(ranges: &[(i32, i64, i64)]) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .filter(|(_, s, e)| s < e)
        .map(|(p, s, e)| format!("partition {p} offsets {s}..{}", e - 1))
        .collect();
    if parts.is_empty() { "nothing new".to_owned() } else { parts.join(", ") }
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

/// Waits for the next rate-limit slot, then for a record. Cancel-safe (used in `select!`).
async fn recv_paced(rx: &mut mpsc::Receiver<Judged>, at: Option<Instant>) -> Option<Judged> {
    if let Some(at) = at {
        tokio::time::sleep_until(at).await;
    }
    rx.recv().await
}

impl Replay<'_> {
    /// Reads and dispatches until the DLQ range is exhausted or something halts the run.
    /// Returns the reader's error, if reading failed.
    async fn main_loop(&mut self, mut rx: mpsc::Receiver<Judged>) -> Option<String> {
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        let mut tick = tokio::time::interval(COMMIT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut next_slot: Option<Instant> = None;
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
    async fn drain(&mut self) {
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

    /// Acknowledged, failed and unknown, in words.
    fn counts(&self) -> String {
        format!(
            "{} acknowledged, {} failed (not stored), {} unknown (in flight: maybe stored)",
            self.stats.by_topic.values().sum::<u64>(),
            self.stats.failed.len(),
            self.stats.unknown.len()
        )
    }

    async fn commit_periodic(&mut self) {
        if self.producer.is_none() {
            return;
        }
        if let Err(e) = self.commit().await {
            // The final commit tries again; until then the saved position only lags behind.
            self.app.ui.warn(format!("{e:#}"));
        }
    }

    /// Saves the position of every partition where it moved.
    async fn commit(&mut self) -> Result<()> {
        self.commit_within(self.app.settings.timeout).await
    }

    /// [`Self::commit`], waiting at most `limit` for the answer.
    async fn commit_within(&mut self, limit: Duration) -> Result<()> {
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
    async fn flush(&mut self) -> i32 {
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

    fn report(&self, mode: Mode, ranges: &[(i32, i64, i64)], elapsed: Duration, unflushed: i32) -> Result<()> {
        let a = self.a;
        let s = &self.stats;
        let stopped = match &self.halt {
            Some(Halt::Unreplayable(p, o, reason)) => Some((*p, *o, reason.clone())),
            _ => None,
        };
        if mode == Mode::Json {
            let positions: Vec<Value> = ranges
                .iter()
                .map(|(p, start, end)| {
                    json!({
                        "partition": p,
                        "start": start,
                        "end": end,
                        "saved": self.saved.get(p),
                    })
                })
                .collect();
            let mut o = json!({
                "dlq_topic": self.dlq,
                "group": a.group,
                "dry_run": a.dry_run,
                "read": s.read,
                "not_selected": s.not_selected,
                "by_topic": s.by_topic,
                "skipped": s.skipped.iter().map(|k| json!({"partition": k.partition, "offset": k.offset, "reason": k.reason})).collect::<Vec<_>>(),
                "stopped_at": stopped.as_ref().map(|(p, o, r)| json!({"partition": p, "offset": o, "reason": r})),
                "failed": s.failed.iter().map(|(p, o, t, e)| json!({"partition": p, "offset": o, "topic": t, "error": e})).collect::<Vec<_>>(),
                "unknown": s.unknown.iter().map(|(p, o, t, e)| json!({"partition": p, "offset": o, "topic": t, "error": e})).collect::<Vec<_>>(),
                "stalled": matches!(self.halt, Some(Halt::Stalled)),
                "interrupted": matches!(self.halt, Some(Halt::Interrupted)),
                "limit_reached": matches!(self.halt, Some(Halt::Limit)),
                "filter_errors": s.filter_errors,
                "manifest": self.targets.manifest.as_ref().map(|(path, _)| path),
                "undeclared_targets": s.undeclared,
                "positions": positions,
                "elapsed_ms": elapsed.as_millis() as u64,
            });
            if a.dry_run {
                o["would_replay"] = json!(s.planned);
                o["first"] = Value::Array(s.preview.clone());
            } else {
                o["replayed"] = json!(s.by_topic.values().sum::<u64>());
                o["acknowledged"] = o["replayed"].clone();
                if a.same_partition {
                    o["by_key_fallback"] = json!(s.by_key_fallback);
                }
            }
            return self.app.ui.json(&o);
        }

        let mut text = String::new();
        let total: u64 = s.by_topic.values().sum();
        if a.dry_run {
            text.push_str(&format!(
                "Dry run: would replay {total} record(s) of {} ({}); nothing is sent or saved.\n",
                for_terminal(&self.dlq),
                if a.from_start {
                    "from the start".to_owned()
                } else {
                    format!("from the saved position of group {}", for_terminal(&a.group))
                },
            ));
        } else {
            text.push_str(&format!(
                "Replayed {total} record(s) of {} in {:.1}s (group {}).\n",
                for_terminal(&self.dlq),
                elapsed.as_secs_f64(),
                for_terminal(&a.group)
            ));
        }
        if !s.by_topic.is_empty() {
            let mut t = self.app.ui.table();
            t.set_header(vec![if a.to.is_some() { "to topic" } else { "original topic" }, "records"]);
            for (topic, n) in &s.by_topic {
                t.add_row(vec![cell(topic, 60), n.to_string()]);
            }
            text.push_str(&format!("{t}\n"));
        }
        if a.dry_run && !s.preview.is_empty() {
            text.push_str("First records:\n");
            let mut t = self.app.ui.table();
            t.set_header(vec!["partition/offset", "to", "key", "error"]);
            for r in &s.preview {
                let to = r["to"].as_str().unwrap_or_default();
                let to = match r["to_partition"].as_i64() {
                    Some(p) => format!("{}/{p}", cell(to, 60)),
                    None => cell(to, 60),
                };
                let key = r["key"].as_str().map(str::as_bytes);
                t.add_row(vec![
                    format!("{}/{}", r["partition"], r["offset"]),
                    to,
                    key_cell(key),
                    cell(r["error"].as_str().unwrap_or_default(), 60),
                ]);
            }
            text.push_str(&format!("{t}\n"));
        }
        if let Some((path, _)) = &self.targets.manifest {
            let path = for_terminal(path);
            if s.undeclared.is_empty() {
                text.push_str(&format!(
                    "Destinations are checked against {path}: a topic it does not declare is refused \
                     (--allow-undeclared allows it).\n"
                ));
            } else {
                let names: Vec<String> = s.undeclared.iter().map(|t| cell(t, 60)).collect();
                text.push_str(&format!(
                    "Not declared in {path}, replayed because of --allow-undeclared: {}.\n",
                    names.join(", ")
                ));
            }
        }
        if s.not_selected > 0 {
            text.push_str(&format!(
                "Not selected by the filters: {} record(s){}.\n",
                s.not_selected,
                if a.dry_run {
                    ""
                } else {
                    " (the saved position moved past them; --from-start or another --group replays them later)"
                }
            ));
        }
        if !s.skipped.is_empty() {
            text.push_str(&format!("Skipped {} record(s) that cannot be replayed:\n", s.skipped.len()));
            // The full list is in `-o json`; a terminal gets the first ones.
            for k in s.skipped.iter().take(SKIPPED_SHOWN) {
                text.push_str(&format!(
                    "  {}/{}/{}: {}\n",
                    for_terminal(&self.dlq),
                    k.partition,
                    k.offset,
                    cell(&k.reason, 200)
                ));
            }
            if s.skipped.len() > SKIPPED_SHOWN {
                text.push_str(&format!("  ... and {} more (-o json lists all)\n", s.skipped.len() - SKIPPED_SHOWN));
            }
        }
        if s.filter_errors > 0 {
            text.push_str(&format!("--filter failed on {} record(s) (not selected).\n", s.filter_errors));
        }
        if a.same_partition && s.by_key_fallback > 0 {
            text.push_str(&format!(
                "{} record(s) went by key: their original partition was unknown or does not exist.\n",
                s.by_key_fallback
            ));
        }
        match &self.halt {
            Some(Halt::Limit) => text.push_str(&format!("Stopped at --limit {}.\n", a.limit.unwrap_or_default())),
            Some(Halt::Interrupted) => {
                text.push_str("Interrupted: stopped reading and waited for the records in flight.\n")
            }
            Some(Halt::Unreplayable(p, o, reason)) if a.dry_run => text.push_str(&format!(
                "The replay would stop at {}/{p}/{o}: {} (--skip-unknown skips such records).\n",
                for_terminal(&self.dlq),
                cell(reason, 200)
            )),
            _ => {}
        }
        if !s.failed.is_empty() {
            text.push_str(&format!(
                "{} record(s) were not accepted by the broker and stay in the DLQ.\n",
                s.failed.len()
            ));
        }
        if !s.unknown.is_empty() {
            text.push_str(&format!(
                "{} record(s) were in flight when the broker stopped answering: each may or may not be stored; \
                 they stay in the DLQ and the next run replays them.\n",
                s.unknown.len()
            ));
        }
        if unflushed != 0 {
            text.push_str("The producer did not finish flushing before --timeout; unacknowledged records are replayed again by the next run.\n");
        }
        if !a.dry_run {
            let saved: Vec<String> = ranges
                .iter()
                .filter_map(|(p, _, _)| self.saved.get(p).map(|o| format!("partition {p} at offset {o}")))
                .collect();
            if !saved.is_empty() {
                text.push_str(&format!("Saved position: {}.\n", saved.join(", ")));
            }
        }
        if a.dry_run {
            // The plan is the data the user asked for.
            self.app.ui.out(text.trim_end())
        } else {
            // A summary of what happened, next to the logs.
            self.app.ui.info(text.trim_end());
            Ok(())
        }
    }
}
