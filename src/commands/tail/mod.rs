//! `evbus tail`: follow and filter topics, print records as pretty text, JSON lines, raw values or
//! kcat-style templates.
//!
//! Design, in the order a run goes through it:
//!
//! * **Usage first.** Every argument (start position, jq program, header filters, template,
//!   output format) is checked before any connection is made, so a typo is exit 2 at once.
//! * **No side effects by default.** Partitions are `assign()`ed directly: no group is joined and
//!   nothing is committed (the consumer carries a random, never-used `group.id` because
//!   librdkafka wants one). Metadata is read for *all* topics, which never auto-creates a topic.
//!   `--group G` opts into subscribing as a member of `G` and committing what was printed.
//! * **Every broker call is bounded by `--timeout`**: metadata, watermarks (two batched
//!   ListOffsets requests for all partitions, instead of one request per partition) and
//!   `offsets_for_times`.
//! * **Throughput.** Consumption runs on a dedicated OS thread. Without a group, every assigned
//!   partition's fetch queue is forwarded into one private librdkafka queue that is drained in
//!   batches (`rd_kafka_consume_batch_queue`), which avoids rdkafka's per-message event
//!   allocation and also tells us the topic of a partition-EOF. Records are rendered straight
//!   out of librdkafka's buffers into one reused byte buffer that is written to stdout in large
//!   chunks, and immediately whenever the consumer has nothing more queued, so an interactive
//!   tail stays live. Memory stays flat: nothing is kept per record, and librdkafka's prefetch
//!   queue is capped.
//! * **Stopping.** `--count`, `--exit` (every partition reached the high watermark captured at
//!   start; partition EOF also counts, for logs whose last offsets are transaction markers or
//!   compacted away), `--until`, `--idle-timeout`, Ctrl-C (summary, exit 130) and a closed
//!   stdout (`| head`: exit 0, nothing printed).

mod assigned;
mod engine;
mod group;
mod start;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use rdkafka::TopicPartitionList;
use rdkafka::consumer::{BaseConsumer, Consumer};
use regex::Regex;

use crate::app::App;
use crate::cli::{OutputFormat, StartSpec, TailArgs};
use crate::exit::{Exit, Outcome};
use crate::kafka::headers::HeaderPool;
use crate::kafka::queue::BatchQueue;
use crate::kafka::{Ctx, owned_metadata};
use crate::record::filter::{JqFilter, RecordFilter, parse_header_arg, spawn_eval_thread};
use crate::record::render::{PrettyOpts, Template};
use crate::schema::{Schema, SchemaStore};
use engine::{Engine, Limits, Stats};
use start::{StartPos, TopicSel, select_topics};

/// Output is written once this much is buffered (or sooner, when the consumer goes idle).
const FLUSH_AT: usize = 256 * 1024;
/// Messages taken from librdkafka per call.
const BATCH: usize = 1024;
/// How long one wait for records may block: bounds the reaction time to Ctrl-C and deadlines.
const POLL: Duration = Duration::from_millis(100);
/// In group mode, commit at most this often (and once more at the end).
const COMMIT_EVERY: Duration = Duration::from_secs(1);
/// Batches smaller than this evaluate jq on the consumer thread alone (not worth a thread).
const PARALLEL_MIN: usize = 64;
/// Upper bound of threads evaluating jq programs.
const MAX_FILTER_THREADS: usize = 4;
/// Distinct consumer warnings printed before going quiet (a dead partition repeats forever).
const MAX_WARNINGS: usize = 20;
/// After Ctrl-C, how much longer than --timeout the consumer thread may take to finish.
const STOP_GRACE: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------------------------------------
// Options (no broker needed)

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// How records are printed.
enum Format {
    /// JSON lines; on a terminal, control and bidi characters inside strings are `\uXXXX`.
    Json {
        terminal: bool,
    },
    Pretty(PrettyOpts),
    Raw {
        terminal: bool,
    },
    Template {
        template: Template,
        terminal: bool,
    },
}

fn pick_format(app: &App, args: &TailArgs) -> Result<Format> {
    let terminal = app.ui.stdout_tty;
    if let Some(t) = &args.template {
        if matches!(app.ui.format, OutputFormat::Json | OutputFormat::Raw | OutputFormat::Pretty) {
            bail!(Exit::usage("--template and -o json/raw/pretty are mutually exclusive"));
        }
        let template =
            crate::record::render::template(t).map_err(|e| Exit::usage(format!("invalid --template: {e}")))?;
        return Ok(Format::Template { template, terminal });
    }
    Ok(match app.ui.format {
        OutputFormat::Json => Format::Json { terminal },
        OutputFormat::Raw => Format::Raw { terminal },
        OutputFormat::Pretty | OutputFormat::Table => Format::Pretty(pretty_opts(app, args)),
        OutputFormat::Auto if terminal => Format::Pretty(pretty_opts(app, args)),
        OutputFormat::Auto => Format::Json { terminal: false },
    })
}

fn pretty_opts(app: &App, args: &TailArgs) -> PrettyOpts {
    PrettyOpts { color: app.ui.color, full: args.full, ..PrettyOpts::default() }
}

fn build_filter(args: &TailArgs) -> Result<RecordFilter> {
    let jq = match &args.filter {
        Some(src) => Some(
            JqFilter::compile(src)
                .map_err(|e| Exit::usage(format!("invalid --filter: {e}")))?
                .with_memory_limit(args.filter_memory.bytes),
        ),
        None => None,
    };
    let headers = args.headers.iter().map(|h| parse_header_arg(h).map_err(Exit::usage)).collect::<Result<Vec<_>>>()?;
    Ok(RecordFilter {
        jq,
        key: args.key.clone(),
        headers,
        event_type: args.event_type.clone(),
        grep: args.grep.clone(),
    })
}

/// Everything decided from the command line alone.
struct Options {
    start: StartPos,
    until_ms: Option<i64>,
    pattern: Option<Regex>,
    format: Format,
    filter: RecordFilter,
}

fn options(app: &App, args: &TailArgs) -> Result<Options> {
    if args.topics.is_empty() && args.pattern.is_none() && !args.all {
        bail!(Exit::usage("name the topics to follow, or use --pattern REGEX or --all"));
    }
    if args.all && (args.pattern.is_some() || !args.topics.is_empty()) {
        bail!(Exit::usage("--all follows every topic; do not combine it with topic names or --pattern"));
    }
    // One clock reading for every "duration ago" on the command line, so `--since 2h --until 1h`
    // is exactly one hour.
    let now = now_ms();
    let start = match (args.since, args.from) {
        (Some(t), _) | (None, StartSpec::Time(t)) => StartPos::Time(t.at(now)),
        (None, StartSpec::End) => StartPos::End,
        (None, StartSpec::Beginning) => StartPos::Beginning,
        (None, StartSpec::Offset(n)) => StartPos::Offset(n),
        (None, StartSpec::Last(n)) => StartPos::Last(n),
    };
    let until_ms = args.until.map(|t| t.at(now));
    let pattern = match &args.pattern {
        Some(p) => Some(Regex::new(p).map_err(|e| Exit::usage(format!("invalid --pattern: {e}")))?),
        None => None,
    };
    if args.group.is_some() && args.since.is_some() {
        bail!(Exit::usage(
            "with --group the group's committed offsets decide where to start; --since cannot be used \
             there (--from end or --from beginning set where partitions without a committed offset start)"
        ));
    }
    if args.group.is_some() && !matches!(start, StartPos::End | StartPos::Beginning) {
        bail!(Exit::usage(
            "with --group the group's committed offsets decide where to start; --from only accepts \
             end or beginning there (for partitions without a committed offset)"
        ));
    }
    if args.count == Some(0) {
        bail!(Exit::usage("--count must be at least 1"));
    }
    let filter = build_filter(args)?;
    Ok(Options { start, until_ms, pattern, format: pick_format(app, args)?, filter })
}

// ---------------------------------------------------------------------------------------------
// The run

/// `evbus tail`: prints a topic's records as they arrive, either from assigned partitions or as a member of `--group`.
pub async fn run(app: &App, args: TailArgs) -> Result<Outcome> {
    let opts = options(app, &args)?;
    app.settings.log_effective();
    let settings = &app.settings;

    let exit_at_end = args.exit;
    // Reaching the watermarks captured at start ends the run with --exit, and with an --until
    // that has already passed (nothing newer than it can still be older than the end).
    let stop_at_high = exit_at_end || opts.until_ms.is_some_and(|u| u <= now_ms());
    let from_end = opts.start == StartPos::End;
    let reset = if from_end { "latest" } else { "earliest" };
    let eof = if stop_at_high { "true" } else { "false" };
    let extra: [(&str, &str); 7] = [
        // A CLI wants records as soon as they exist; the broker holds an empty fetch this long.
        ("fetch.wait.max.ms", "100"),
        // librdkafka backs off a full second when its prefetch queue is full, which stalls a
        // consumer that is briefly slower than the broker (kcat's -J mode shows exactly that).
        ("fetch.queue.backoff.ms", "5"),
        ("max.partition.fetch.bytes", "4194304"),
        // Prefetch cap. Our partitions all forward to one queue, whose length is what librdkafka
        // checks, so this bounds memory in total however far behind the output is; measured
        // as fast as 32 MiB with half the peak RSS.
        ("queued.max.messages.kbytes", "8192"),
        ("queued.min.messages", "200000"),
        ("enable.partition.eof", eof),
        ("auto.offset.reset", reset),
    ];
    let (consumer, ctx) = settings.consumer(args.group.as_deref(), &extra)?;
    let consumer = Arc::new(consumer);

    let meta = {
        let c = Arc::clone(&consumer);
        let timeout = settings.timeout;
        settings
            .blocking("metadata request", &ctx, move || c.fetch_metadata(None, timeout).map(|m| owned_metadata(&m)))
            .await?
    };
    // A metadata request for all topics leaves out the ones this principal may not describe:
    // ask for each missing named topic, so "not authorized" is told apart from "unknown".
    let mut meta = meta;
    for name in &args.topics {
        if meta.topics.iter().any(|t| &t.name == name) {
            continue;
        }
        let c = Arc::clone(&consumer);
        let timeout = settings.timeout;
        let n = name.clone();
        let one = settings
            .blocking("metadata request", &ctx, move || c.fetch_metadata(Some(&n), timeout).map(|m| owned_metadata(&m)))
            .await?;
        meta.topics.extend(
            one.topics
                .into_iter()
                .filter(|t| &t.name == name && t.error.as_deref() == Some("TopicAuthorizationFailed")),
        );
    }
    let topics = select_topics(&meta, &args.topics, opts.pattern.as_ref(), args.all)?;
    let n_partitions: usize = topics.iter().map(|t| t.partitions.len()).sum();
    app.ui.debug(format!(
        "tail: {} topic(s), {n_partitions} partition(s): {}",
        topics.len(),
        topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")
    ));

    let schemas = if args.validate { load_schemas(app, &args, &topics)? } else { vec![None; topics.len()] };

    // Watermarks are only needed to stop at the end, to count back or to clamp an offset, so the
    // plain `evbus tail T` costs one metadata request before records flow.
    let needs_marks =
        exit_at_end || opts.until_ms.is_some() || matches!(opts.start, StartPos::Last(_) | StartPos::Offset(_));
    let plan = start::Plan { start: opts.start, needs_marks, stop_at_high, group: args.group.is_some() };
    let start::Start { starts, parts } = start::find(settings, &ctx, &consumer, &topics, plan).await?;
    let track_done = stop_at_high || opts.until_ms.is_some();
    let done_at_start = track_done && parts.iter().flatten().all(|p| !p.known || p.done);
    let mut queue: Option<BatchQueue<Ctx>> = None;
    if done_at_start {
        // Nothing to read (e.g. --exit on empty topics): no assignment, no group join.
    } else if let Some(group) = &args.group {
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        consumer.subscribe(&names).map_err(|e| anyhow!("cannot subscribe to {}: {e}", names.join(", ")))?;
        app.ui.debug(format!("tail: subscribed as group '{group}'"));
    } else {
        // Forwarding must be in place before assign(): once a fetch has started, records
        // already go to the consumer's own queue.
        let partitions = topics.iter().flat_map(|t| t.partitions.iter().map(|&p| (t.name.as_str(), p)));
        queue = Some(BatchQueue::forwarding(&consumer, partitions)?);
        let mut tpl = TopicPartitionList::new();
        for (ti, t) in topics.iter().enumerate() {
            for (pi, &p) in t.partitions.iter().enumerate() {
                tpl.add_partition_offset(&t.name, p, starts[ti][pi])?;
            }
        }
        consumer.assign(&tpl).map_err(|e| anyhow!("cannot assign partitions: {e}"))?;
    }

    if app.ui.stderr_tty && !app.ui.quiet && from_end && !exit_at_end && args.group.is_none() {
        eprintln!(
            "evbus: waiting for new records on {} partition(s) of {} (--from beginning or -N for older ones; Ctrl-C stops)",
            n_partitions,
            crate::term::sanitize::for_terminal(&topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "))
        );
    }

    // Taken before the filter moves to the consumer thread: Ctrl-C must reach its evaluations.
    let interrupter = opts.filter.jq.as_ref().map(JqFilter::interrupter);
    let engine = Engine {
        format: opts.format,
        filter: opts.filter,
        topic_names: topics.iter().map(|t| t.name.clone()).collect(),
        schemas,
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

    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = tokio::sync::oneshot::channel();
    {
        let consumer = Arc::clone(&consumer);
        let stop = Arc::clone(&stop);
        let topics = topics.clone();
        let group = args.group.is_some() && !done_at_start;
        // An evaluation thread: jq programs run here (and on the threads it starts).
        spawn_eval_thread("evbus-tail", move || {
            let mut engine = engine;
            let r = match queue {
                Some(queue) => assigned::consume_assigned(queue, &topics, &mut engine, &limits, &stop),
                None if group => group::consume_group(&consumer, &mut engine, &limits, &stop),
                // Every partition was done before it started.
                None => Ok(false),
            };
            // Before reporting: once the main thread has the result it closes the consumer, which
            // only the last reference can do (the queue, consumed above, held one too).
            drop(consumer);
            let _ = tx.send(r.map(|interrupted| (interrupted, engine.stats)));
        })?;
    }

    let ctrl_c = tokio::signal::ctrl_c();
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
                    return Ok(Outcome::Interrupted);
                }
            }
        }
    };
    let (interrupted, stats) = result.map_err(|_| anyhow!("the consumer thread stopped unexpectedly"))??;
    close_bounded(consumer, if args.group.is_some() { settings.timeout } else { Duration::from_secs(2) });

    if !app.ui.quiet {
        let line = stats.summary(args.validate);
        if interrupted {
            app.ui.info(format!("evbus: interrupted: {line}"))
        } else {
            app.ui.info(format!("evbus: {line}"))
        }
    }
    Ok(if interrupted { Outcome::Interrupted } else { Outcome::Ok })
}

/// Each topic's schema: its manifest entry's `schema`, else the topic name. A topic without a
/// schema file is reported and its records are left unvalidated.
fn load_schemas(app: &App, args: &TailArgs, topics: &[TopicSel]) -> Result<Vec<Option<Schema>>> {
    let manifest = app.manifest_opt(&args.manifest)?;
    let store = SchemaStore::open(&args.schemas)?;
    let mut out = Vec::with_capacity(topics.len());
    for t in topics {
        let name =
            manifest.as_ref().and_then(|m| m.topic(&t.name)).map_or_else(|| t.name.clone(), |spec| spec.schema.clone());
        match store.load(&name) {
            Ok(s) => out.push(Some(s)),
            Err(e) => {
                app.ui.warn(format!("--validate: records of '{}' are not checked: {e:#}", t.name));
                out.push(None);
            }
        }
    }
    Ok(out)
}

/// Closes the consumer (which leaves the group, if any) without letting a dead broker hold the
/// process: after `limit` the close carries on in the background while we exit.
///
/// Only dropping the last reference closes a consumer, so this first waits (within `limit`) for
/// the threads that shared it (the consumer thread, a final commit) to let go of theirs: dropping
/// a reference that is not the last returned at once, and the process then exited as a member
/// the coordinator kept until the session timed out.
fn close_bounded(consumer: Arc<BaseConsumer<Ctx>>, limit: Duration) {
    let deadline = Instant::now() + limit;
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("evbus-close".into()).spawn(move || {
        let mut shared = consumer;
        loop {
            match Arc::try_unwrap(shared) {
                // rdkafka's drop closes the consumer queue and serves it until the close (with
                // its LeaveGroup) is done.
                Ok(owned) => {
                    drop(owned);
                    break;
                }
                Err(again) if Instant::now() < deadline => {
                    shared = again;
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => break,
            }
        }
        let _ = tx.send(());
    });
    if spawned.is_ok() {
        let _ = rx.recv_timeout(limit);
    }
}
