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

use std::collections::HashSet;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::{Offset, TopicPartitionList};
use regex::Regex;

use crate::app::App;
use crate::cli::{OutputFormat, StartSpec, TailArgs};
use crate::exit::{self, Exit};
use crate::kafka::headers::HeaderPool;
use crate::kafka::queue::BatchQueue;
use crate::kafka::{ClusterMeta, Ctx, owned_metadata};
use crate::record::filter::{JqFilter, RecordFilter, parse_header_arg, spawn_eval_thread};
use crate::record::render::{PrettyOpts, Template};
use crate::schema::{Schema, SchemaStore};
use engine::{Engine, Limits, PartState, Stats};

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

/// Where to start reading, from `--from` / `--since`, with any time resolved to milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartPos {
    End,
    Beginning,
    Offset(i64),
    /// The last N records of each partition.
    Last(i64),
    /// The first record at or after this time (ms since the epoch).
    Time(i64),
}

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
        Some(src) => Some(JqFilter::compile(src).map_err(|e| Exit::usage(format!("invalid --filter: {e}")))?),
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
// Topics and start offsets

/// A topic being followed, with its partition ids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TopicSel {
    name: String,
    partitions: Vec<i32>,
}

/// Picks the topics named, matched by the pattern, or all non-internal ones.
fn select_topics(meta: &ClusterMeta, names: &[String], pattern: Option<&Regex>, all: bool) -> Result<Vec<TopicSel>> {
    fn push(out: &mut Vec<TopicSel>, t: &crate::kafka::TopicMeta) -> Result<()> {
        if out.iter().any(|s| s.name == t.name) {
            return Ok(());
        }
        if t.error.as_deref() == Some("TopicAuthorizationFailed") {
            bail!(
                "not authorized: Describe on topic '{}' (the broker's ACLs do not allow this principal to see it)",
                crate::term::sanitize::for_terminal(&t.name)
            );
        }
        if let Some(e) = &t.error {
            bail!("topic '{}' is not readable: {e}", crate::term::sanitize::for_terminal(&t.name));
        }
        let mut partitions: Vec<i32> = t.partitions.iter().map(|p| p.id).collect();
        partitions.sort_unstable();
        out.push(TopicSel { name: t.name.clone(), partitions });
        Ok(())
    }
    let mut out: Vec<TopicSel> = Vec::new();
    for name in names {
        match meta.topics.iter().find(|t| &t.name == name) {
            Some(t) => push(&mut out, t)?,
            None => {
                let near = meta
                    .topics
                    .iter()
                    .map(|t| (strsim::jaro_winkler(name, &t.name), &t.name))
                    .filter(|(s, _)| *s > 0.85)
                    .max_by(|a, b| a.0.total_cmp(&b.0));
                let hint = near.map(|(_, n)| format!("; did you mean '{n}'?")).unwrap_or_default();
                bail!(
                    "unknown topic '{}'{hint} (evbus topics list shows the topics)",
                    crate::term::sanitize::for_terminal(name)
                );
            }
        }
    }
    if let Some(re) = pattern {
        let mut matched: Vec<_> =
            meta.topics.iter().filter(|t| !crate::topics::plan::is_internal(&t.name) && re.is_match(&t.name)).collect();
        matched.sort_by(|a, b| a.name.cmp(&b.name));
        if matched.is_empty() {
            bail!("no topic matches --pattern '{}'", re.as_str());
        }
        for t in matched {
            push(&mut out, t)?;
        }
    }
    if all {
        let mut topics: Vec<_> = meta.topics.iter().filter(|t| !crate::topics::plan::is_internal(&t.name)).collect();
        topics.sort_by(|a, b| a.name.cmp(&b.name));
        for t in topics {
            push(&mut out, t)?;
        }
        if out.is_empty() {
            bail!("the cluster has no topics to follow");
        }
    }
    Ok(out)
}

/// First offset to read for a start position, given the partition's watermarks.
fn start_offset(pos: StartPos, low: i64, high: i64) -> i64 {
    match pos {
        StartPos::End => high,
        StartPos::Beginning => low,
        StartPos::Offset(n) => n.clamp(low, high.max(low)),
        StartPos::Last(n) => high.saturating_sub(n).max(low),
        // Resolved through offsets_for_times, never here.
        StartPos::Time(_) => low,
    }
}

/// Watermarks of every partition, from two batched ListOffsets requests.
struct Watermarks {
    /// Per topic, per partition index (same order as `TopicSel::partitions`).
    low: Vec<Vec<i64>>,
    high: Vec<Vec<i64>>,
}

fn list_offsets(
    c: &BaseConsumer<Ctx>,
    topics: &[TopicSel],
    spec: Offset,
    timeout: Duration,
) -> Result<Vec<Vec<i64>>, KafkaError> {
    let mut tpl = TopicPartitionList::new();
    for t in topics {
        for p in &t.partitions {
            tpl.add_partition_offset(&t.name, *p, spec)?;
        }
    }
    let res = c.offsets_for_times(tpl, timeout)?;
    let mut out = Vec::with_capacity(topics.len());
    for t in topics {
        let mut v = Vec::with_capacity(t.partitions.len());
        for p in &t.partitions {
            let e = res.find_partition(&t.name, *p);
            let off = match e {
                Some(e) => {
                    e.error()?;
                    match e.offset() {
                        Offset::Offset(o) => o,
                        // No record at or after the requested time: the end of the partition.
                        _ => -1,
                    }
                }
                None => -1,
            };
            v.push(off);
        }
        out.push(v);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The run

pub async fn run(app: &App, args: TailArgs) -> Result<ExitCode> {
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
    let marks = if needs_marks {
        let timeout = settings.timeout;
        let (c1, t1, c2, t2) = (Arc::clone(&consumer), topics.clone(), Arc::clone(&consumer), topics.clone());
        // Both requests in flight at once: one round trip of startup latency instead of two.
        let (low, high) = tokio::join!(
            settings.blocking("watermark request", &ctx, move || list_offsets(&c1, &t1, Offset::Beginning, timeout)),
            settings.blocking("watermark request", &ctx, move || list_offsets(&c2, &t2, Offset::End, timeout)),
        );
        Some(Watermarks { low: low?, high: high? })
    } else {
        None
    };

    // Start offsets (assign mode) or, with a group, what is already committed.
    let mut starts: Vec<Vec<Offset>> = Vec::with_capacity(topics.len());
    if let StartPos::Time(ts) = opts.start {
        let (c, t, timeout) = (Arc::clone(&consumer), topics.clone(), settings.timeout);
        let found = settings
            .blocking("offsets-for-times request", &ctx, move || list_offsets(&c, &t, Offset::Offset(ts), timeout))
            .await?;
        for (ti, offs) in found.into_iter().enumerate() {
            starts.push(
                offs.into_iter()
                    .enumerate()
                    .map(|(pi, o)| match (o, &marks) {
                        (o, _) if o >= 0 => Offset::Offset(o),
                        (_, Some(m)) => Offset::Offset(m.high[ti][pi]),
                        (_, None) => Offset::End,
                    })
                    .collect(),
            );
        }
    } else {
        for (ti, t) in topics.iter().enumerate() {
            starts.push(
                (0..t.partitions.len())
                    .map(|pi| match (&marks, opts.start) {
                        (Some(m), pos) => Offset::Offset(start_offset(pos, m.low[ti][pi], m.high[ti][pi])),
                        (None, StartPos::Beginning) => Offset::Beginning,
                        (None, _) => Offset::End,
                    })
                    .collect(),
            );
        }
    }

    // Per-partition state for the stop rules.
    let mut parts: Vec<Vec<PartState>> = Vec::with_capacity(topics.len());
    for (ti, t) in topics.iter().enumerate() {
        let mut v = Vec::new();
        for (pi, &p) in t.partitions.iter().enumerate() {
            let high = marks.as_ref().map_or(i64::MAX, |m| m.high[ti][pi]);
            let idx = usize::try_from(p).unwrap_or(0);
            if v.len() <= idx {
                v.resize(idx + 1, PartState { high: i64::MAX, done: true, known: false });
            }
            let start = match starts[ti][pi] {
                Offset::Offset(o) => o,
                _ => -1,
            };
            // An empty partition, or one we start at the end of, is done before it begins. With a
            // group the committed offset decides instead (checked below).
            let done = stop_at_high && args.group.is_none() && start >= 0 && start >= high;
            v[idx] = PartState { high, done, known: true };
        }
        parts.push(v);
    }

    if stop_at_high && args.group.is_some() {
        // Partitions whose committed offset is already at the end would never deliver a
        // record (nor, for another topic's same-numbered partition, an unambiguous EOF).
        let mut tpl = TopicPartitionList::new();
        for t in &topics {
            for p in &t.partitions {
                tpl.add_partition(&t.name, *p);
            }
        }
        let c = Arc::clone(&consumer);
        let timeout = settings.timeout;
        let committed =
            settings.blocking("committed-offsets request", &ctx, move || c.committed_offsets(tpl, timeout)).await?;
        for (ti, t) in topics.iter().enumerate() {
            for (pi, &p) in t.partitions.iter().enumerate() {
                let start = match committed.find_partition(&t.name, p).map(|e| e.offset()) {
                    Some(Offset::Offset(o)) if o >= 0 => o,
                    // No committed offset: auto.offset.reset (from --from) applies.
                    _ => match starts[ti][pi] {
                        Offset::Offset(o) => o,
                        _ => continue,
                    },
                };
                if let Some(st) = parts[ti].get_mut(usize::try_from(p).unwrap_or(usize::MAX))
                    && start >= st.high
                {
                    st.done = true;
                }
            }
        }
    }
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
                    return Ok(exit::code(exit::INTERRUPTED));
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
    Ok(if interrupted { exit::code(exit::INTERRUPTED) } else { ExitCode::SUCCESS })
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

/// Drops the consumer (which leaves the group, if any) without letting a dead broker hold the
/// process: after `limit` the drop carries on in the background while we exit.
fn close_bounded(consumer: Arc<BaseConsumer<Ctx>>, limit: Duration) {
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("evbus-close".into()).spawn(move || {
        drop(consumer);
        let _ = tx.send(());
    });
    if spawned.is_ok() {
        let _ = rx.recv_timeout(limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kafka::{PartitionMeta, TopicMeta};

    #[test]
    fn start_offsets() {
        assert_eq!(start_offset(StartPos::End, 5, 10), 10);
        assert_eq!(start_offset(StartPos::Beginning, 5, 10), 5);
        assert_eq!(start_offset(StartPos::Last(3), 5, 10), 7);
        assert_eq!(start_offset(StartPos::Last(30), 5, 10), 5);
        assert_eq!(start_offset(StartPos::Last(i64::MAX), 0, 10), 0);
        assert_eq!(start_offset(StartPos::Offset(2), 5, 10), 5);
        assert_eq!(start_offset(StartPos::Offset(7), 5, 10), 7);
        assert_eq!(start_offset(StartPos::Offset(70), 5, 10), 10);
        assert_eq!(start_offset(StartPos::Offset(3), 0, 0), 0);
    }

    fn meta(names: &[(&str, i32)]) -> ClusterMeta {
        ClusterMeta {
            brokers: vec![],
            orig_broker_id: 1,
            topics: names
                .iter()
                .map(|(n, parts)| TopicMeta {
                    name: n.to_string(),
                    error: None,
                    partitions: (0..*parts)
                        .rev()
                        .map(|id| PartitionMeta { id, leader: 1, replicas: vec![1], isr: vec![1], error: None })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn topic_selection() {
        let m =
            meta(&[("auth.user.registered", 3), ("auth.user.deleted", 1), ("orders", 2), ("__consumer_offsets", 50)]);
        let sel = select_topics(&m, &["orders".into()], None, false).unwrap();
        assert_eq!(sel, vec![TopicSel { name: "orders".into(), partitions: vec![0, 1] }]);

        let re = Regex::new(r"^auth\.").unwrap();
        let sel = select_topics(&m, &[], Some(&re), false).unwrap();
        let names: Vec<_> = sel.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["auth.user.deleted", "auth.user.registered"]);

        let sel = select_topics(&m, &["orders".into()], Some(&Regex::new("orders|auth.user.deleted").unwrap()), false)
            .unwrap();
        assert_eq!(sel.len(), 2, "names and pattern are united without duplicates");

        let sel = select_topics(&m, &[], None, true).unwrap();
        assert_eq!(sel.len(), 3, "internal topics are left out of --all");
        assert!(select_topics(&m, &[], Some(&Regex::new("consumer").unwrap()), false).is_err());

        let e = select_topics(&m, &["order".into()], None, false).unwrap_err().to_string();
        assert!(e.contains("unknown topic 'order'") && e.contains("did you mean 'orders'"), "{e}");
        let e = select_topics(&meta(&[]), &[], None, true).unwrap_err().to_string();
        assert!(e.contains("no topics"), "{e}");
    }
}
