//! The `tail` run, in its stages: connect and choose what to read (topics, start positions),
//! start reading (assign or subscribe), consume on a thread of its own while the async side
//! waits for Ctrl-C, and end with the summary and the exit code.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};

use super::engine::{Engine, Limits, Stats};
use super::grow::{Follow, Selection};
use super::options::{Options, now_ms, options};
use super::schemas::SchemaSource;
use super::start::{self, StartPos, TopicSel, select_topics};
use super::tuning::{FLUSH_AT, METADATA_EVERY, STOP_GRACE};
use super::{assigned, group};
use crate::app::App;
use crate::cli::TailArgs;
use crate::exit::Outcome;
use crate::kafka::headers::HeaderPool;
use crate::kafka::queue::BatchQueue;
use crate::kafka::reader::{MetadataWatch, Reader, StartAt};
use crate::kafka::{ClusterMeta, Ctx};
use crate::record::filter::{JqFilter, spawn_eval_thread};

/// `evbus tail`: prints a topic's records as they arrive, either from assigned partitions or as a member of `--group`.
pub async fn run(app: &App, args: TailArgs) -> Result<Outcome> {
    let opts = options(app, &args)?;
    app.settings.log_effective();
    let prepared = prepare(app, &args, opts).await?;
    let ended = consume(app, &args, prepared).await?;
    finish(app, &args, ended)
}

/// What the consumer thread is handed.
struct Prepared {
    reader: Reader,
    /// Assign mode: the queue the partitions feed (None in group mode, or with nothing to read).
    queue: Option<BatchQueue<Ctx>>,
    engine: Engine,
    limits: Limits,
    /// Group mode, with something to read.
    group: bool,
    /// Fresh metadata every few seconds, for a run that follows.
    watch: Option<MetadataWatch>,
    selection: Selection,
    interrupter: Option<crate::record::filter::Interrupter>,
}

/// Connects, chooses topics and start positions, starts reading and builds the engine.
async fn prepare(app: &App, args: &TailArgs, opts: Options) -> Result<Prepared> {
    let settings = &app.settings;
    // Reaching the watermarks captured at start ends the run with --exit, and with an --until
    // that has already passed (nothing newer than it can still be older than the end).
    let stop_at_high = args.exit || opts.until_ms.is_some_and(|u| u <= now_ms());
    let from_end = opts.start == StartPos::End;
    let reader = Reader::new(settings, args.group.as_deref(), &consumer_settings(args, from_end, stop_at_high))?;

    let topics = choose_topics(settings, &reader, args, &opts).await?;
    let n_partitions: usize = topics.iter().map(|t| t.partitions.len()).sum();
    app.ui.debug(format!(
        "tail: {} topic(s), {n_partitions} partition(s): {}",
        topics.len(),
        topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
    ));

    let schema_source = if args.validate { Some(SchemaSource::open(app, args)?) } else { None };
    let schemas = match &schema_source {
        Some(src) => topics.iter().map(|t| src.load(&t.name, &app.ui)).collect(),
        None => vec![None; topics.len()],
    };

    // Watermarks are only needed to stop at the end, to count back or to clamp an offset, so the
    // plain `evbus tail T` costs one metadata request before records flow.
    let needs_marks =
        args.exit || opts.until_ms.is_some() || matches!(opts.start, StartPos::Last(_) | StartPos::Offset(_));
    let plan = start::Plan { start: opts.start, needs_marks, stop_at_high, group: args.group.is_some() };
    let start::Start { starts, parts } = start::find(settings, &reader, &topics, plan).await?;
    let track_done = stop_at_high || opts.until_ms.is_some();
    let done_at_start = track_done && parts.iter().flatten().all(|p| !p.known || p.done);
    let mut queue = None;
    if done_at_start {
        // Nothing to read (e.g. --exit on empty topics): no assignment, no group join.
    } else if let Some(group) = &args.group {
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        reader.subscribe(&names)?;
        app.ui.debug(format!("tail: subscribed as group '{group}'"));
    } else {
        let mut assignment: Vec<(&str, i32, StartAt)> = Vec::with_capacity(n_partitions);
        for (ti, t) in topics.iter().enumerate() {
            for (pi, &p) in t.partitions.iter().enumerate() {
                assignment.push((t.name.as_str(), p, starts[ti][pi]));
            }
        }
        queue = Some(reader.assign_batched(&assignment)?);
    }

    if app.ui.stderr_tty && !app.ui.quiet && from_end && !args.exit && args.group.is_none() {
        eprintln!(
            "evbus: waiting for new records on {} partition(s) of {} (--from beginning or -N for older ones; Ctrl-C stops)",
            n_partitions,
            crate::term::sanitize::for_terminal(&topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "))
        );
    }

    // A run that stops at the start's end reads nothing that appears later; one that follows
    // looks for new partitions and topics.
    let watch = if stop_at_high || done_at_start {
        None
    } else {
        let named = (opts.pattern.is_none() && !args.all).then(|| args.topics.clone());
        Some(reader.watch_metadata(METADATA_EVERY, named, settings.timeout)?)
    };

    // Taken before the filter moves to the consumer thread: Ctrl-C must reach its evaluations.
    let interrupter = opts.filter.jq.as_ref().map(JqFilter::interrupter);
    let engine = Engine {
        format: opts.format,
        filter: opts.filter,
        topic_names: topics.iter().map(|t| t.name.clone()).collect(),
        schemas,
        schema_source,
        only_invalid: args.only_invalid,
        parts,
        track_done,
        stop_at_high,
        until_ms: opts.until_ms,
        count: args.count,
        stats: Stats::default(),
        buf: Vec::with_capacity(FLUSH_AT + 64 * 1024),
        sbuf: String::new(),
        headers: HeaderPool::default(),
        warned: HashSet::new(),
        ui: app.ui.clone(),
        outage: None,
        last_probe: Instant::now(),
        brokers: settings.brokers.clone(),
        out_of_range: Vec::new(),
        resets_to_end: args.group.is_some() && from_end,
    };
    let limits = Limits {
        idle: args.idle_timeout,
        // A future --until also ends the run when the wall clock gets there (records produced
        // later cannot be older, barring producer-supplied timestamps).
        deadline: opts.until_ms.and_then(|u| {
            let ahead = u.saturating_sub(now_ms());
            (ahead > 0).then(|| Instant::now() + Duration::from_millis(ahead.unsigned_abs()))
        }),
        timeout: settings.timeout,
    };
    Ok(Prepared {
        reader,
        queue,
        engine,
        limits,
        group: args.group.is_some() && !done_at_start,
        watch,
        selection: Selection { pattern: opts.pattern, all: args.all },
        interrupter,
    })
}

/// The consumer's settings for this run.
fn consumer_settings(args: &TailArgs, from_end: bool, stop_at_high: bool) -> Vec<(&'static str, &'static str)> {
    // A group member starts partitions without a committed offset where --from says. Without a
    // group every start is explicit, and a position that leaves its log (retention,
    // DeleteRecords) must be reported, not skipped in silence: the client stops the partition
    // and tells us (see `gaps`).
    let reset = match (&args.group, from_end) {
        (None, _) => "error",
        (Some(_), true) => "latest",
        (Some(_), false) => "earliest",
    };
    let eof = if stop_at_high { "true" } else { "false" };
    vec![
        // A CLI wants records as soon as they exist; the broker holds an empty fetch this long.
        ("fetch.wait.max.ms", "100"),
        // The client backs off a full second when its prefetch queue is full, which stalls a
        // consumer that is briefly slower than the broker (kcat's -J mode shows exactly that).
        ("fetch.queue.backoff.ms", "5"),
        ("max.partition.fetch.bytes", "4194304"),
        // Prefetch cap. Our partitions all forward to one queue, whose length is what the client
        // checks, so this bounds memory in total however far behind the output is; measured
        // as fast as 32 MiB with half the peak RSS.
        ("queued.max.messages.kbytes", "8192"),
        ("queued.min.messages", "200000"),
        ("enable.partition.eof", eof),
        ("auto.offset.reset", reset),
    ]
}

/// The topics to follow, from metadata for all topics (which never auto-creates one).
async fn choose_topics(
    settings: &crate::kafka::Settings,
    reader: &Reader,
    args: &TailArgs,
    opts: &Options,
) -> Result<Vec<TopicSel>> {
    let mut meta: ClusterMeta = reader.metadata(settings, None).await?;
    // A metadata request for all topics leaves out the ones this principal may not describe:
    // ask for each missing named topic, so "not authorized" is told apart from "unknown".
    for name in &args.topics {
        if meta.topics.iter().any(|t| &t.name == name) {
            continue;
        }
        let one = reader.metadata(settings, Some(name)).await?;
        meta.topics.extend(
            one.topics
                .into_iter()
                .filter(|t| &t.name == name && t.error.as_deref() == Some("TopicAuthorizationFailed")),
        );
    }
    select_topics(&meta, &args.topics, opts.pattern.as_ref(), args.all)
}

/// How the consumer thread ended.
enum Ended {
    /// By itself or by Ctrl-C, with the counts for the summary.
    Finished { interrupted: bool, stats: Stats },
    /// Ctrl-C, and the thread did not stop in time: no summary.
    Abandoned,
}

/// Consumes on a thread of its own (jq programs run there) until a stop rule, Ctrl-C or an
/// error, then closes the consumer.
async fn consume(app: &App, args: &TailArgs, prepared: Prepared) -> Result<Ended> {
    let settings = &app.settings;
    let Prepared { reader, queue, engine, limits, group, watch, selection, interrupter } = prepared;
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = tokio::sync::oneshot::channel();
    {
        let reader = reader.share();
        let stop = Arc::clone(&stop);
        // An evaluation thread: jq programs run here (and on the threads it starts).
        spawn_eval_thread("evbus-tail", move || {
            let mut engine = engine;
            let follow = Follow { watch, selection };
            let r = match queue {
                Some(queue) => assigned::consume_assigned(&reader, queue, &mut engine, &limits, &stop, follow),
                None if group => group::consume_group(&reader, &mut engine, &limits, &stop, follow),
                // Every partition was done before it started.
                None => Ok(false),
            };
            // Before reporting: once the main thread has the result it closes the consumer, which
            // only the last reference can do (the queue, consumed above, held one too).
            drop(reader);
            let _ = tx.send(r.map(|interrupted| (interrupted, engine.stats)));
        })?;
    }

    let ctrl_c = crate::term::interrupt::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut rx = rx;
    let result = tokio::select! {
        r = &mut rx => r,
        _ = &mut ctrl_c => {
            stop.store(true, Ordering::Relaxed);
            // `stop` is only looked at between records; a --filter evaluation that never ends
            // (`def f: f; f`) has to be stopped from inside.
            if let Some(i) = &interrupter {
                i.interrupt();
            }
            // What the consumer thread still does after `stop` (a final commit) is bounded by
            // --timeout. Past that it is stuck where no interrupt reaches (inside one of jaq's
            // built-ins), and the process ends without it.
            match tokio::time::timeout(settings.timeout + STOP_GRACE, &mut rx).await {
                Ok(r) => r,
                Err(_) => {
                    app.ui.warn(format!(
                        "interrupted: the consumer did not stop within {}; exiting without a summary",
                        humantime::format_duration(settings.timeout + STOP_GRACE)
                    ));
                    return Ok(Ended::Abandoned);
                }
            }
        }
    };
    let (interrupted, stats) = result.map_err(|_| anyhow!("the consumer thread stopped unexpectedly"))??;
    reader.close(if args.group.is_some() { settings.timeout } else { Duration::from_secs(2) });
    Ok(Ended::Finished { interrupted, stats })
}

/// The summary on stderr, and the exit code: 130 when interrupted, 1 when offsets were removed
/// under the reader (unless `--allow-gaps`).
fn finish(app: &App, args: &TailArgs, ended: Ended) -> Result<Outcome> {
    let Ended::Finished { interrupted, stats } = ended else { return Ok(Outcome::Interrupted) };
    if !app.ui.quiet {
        let line = stats.summary(args.validate);
        if interrupted {
            app.ui.info(format!("evbus: interrupted: {line}"))
        } else {
            app.ui.info(format!("evbus: {line}"))
        }
    }
    if interrupted {
        return Ok(Outcome::Interrupted);
    }
    if stats.gaps > 0 && !args.allow_gaps {
        bail!(
            "{} offset(s) were removed by retention or DeleteRecords before tail read them ({} gap(s), reported \
             above); --allow-gaps accepts that",
            stats.gap_offsets,
            stats.gaps
        );
    }
    Ok(Outcome::Ok)
}
