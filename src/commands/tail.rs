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

use std::collections::HashSet;
use std::ffi::{CStr, CString};
use std::io;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::{Headers, Message};
use rdkafka::{Offset, TopicPartitionList};
use rdkafka_sys as rdsys;
use regex::Regex;

use crate::app::App;
use crate::cli::{OutputFormat, StartSpec, TailArgs};
use crate::exit::{self, Exit};
use crate::kafka::{ClusterMeta, Ctx, owned_metadata};
use crate::record::filter::{
    EvalError, JqFilter, Match, RecordFilter, parse_header_arg, spawn_eval_thread, spawn_scoped_eval_thread,
};
use crate::record::render::{PrettyOpts, RecordView, Template};
use crate::schema::{Schema, SchemaStore};

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
    let mut queue: Option<Queue> = None;
    if done_at_start {
        // Nothing to read (e.g. --exit on empty topics): no assignment, no group join.
    } else if let Some(group) = &args.group {
        let names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
        consumer.subscribe(&names).map_err(|e| anyhow!("cannot subscribe to {}: {e}", names.join(", ")))?;
        app.ui.debug(format!("tail: subscribed as group '{group}'"));
    } else {
        // Forwarding must be in place before assign(): once a fetch has started, records
        // already go to the consumer's own queue.
        queue = Some(Queue::forwarding(&consumer, &topics)?);
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
                Some(queue) => consume_assigned(&consumer, queue, &topics, &mut engine, &limits, &stop),
                None if group => consume_group(&consumer, &mut engine, &limits, &stop),
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

// ---------------------------------------------------------------------------------------------
// Per-record processing

#[derive(Debug, Clone, Copy)]
struct PartState {
    /// High watermark captured at start (i64::MAX when not needed).
    high: i64,
    done: bool,
    /// The partition is one we follow (ids can have gaps in the vector).
    known: bool,
}

#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    seen: u64,
    matched: u64,
    not_json: u64,
    invalid: u64,
    /// Records the jq program could not finish on (too deep a recursion).
    filter_failed: u64,
}

impl Stats {
    fn summary(&self, validate: bool) -> String {
        let mut s = format!("{} records seen, {} matched", self.seen, self.matched);
        if self.not_json > 0 {
            s.push_str(&format!(", {} not JSON (never match --filter/--type)", self.not_json));
        }
        if self.filter_failed > 0 {
            s.push_str(&format!(", {} where --filter did not finish (never match)", self.filter_failed));
        }
        if validate {
            s.push_str(&format!(", {} invalid", self.invalid));
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Go,
    Stop,
}

struct Limits {
    idle: Option<Duration>,
    deadline: Option<Instant>,
    timeout: Duration,
}

/// Reusable storage for a record's headers, so steady-state rendering does not allocate.
#[derive(Default)]
struct HeaderPool {
    slots: Vec<(String, Option<Vec<u8>>)>,
    len: usize,
}

impl HeaderPool {
    fn clear(&mut self) {
        self.len = 0;
    }

    fn push(&mut self, name: &str, value: Option<&[u8]>) {
        if self.len == self.slots.len() {
            self.slots.push((String::new(), None));
        }
        let slot = &mut self.slots[self.len];
        slot.0.clear();
        slot.0.push_str(name);
        match (value, &mut slot.1) {
            (None, v) => *v = None,
            (Some(b), Some(v)) => {
                v.clear();
                v.extend_from_slice(b);
            }
            (Some(b), v) => *v = Some(b.to_vec()),
        }
        self.len += 1;
    }

    fn as_slice(&self) -> &[(String, Option<Vec<u8>>)] {
        &self.slots[..self.len]
    }
}

struct Engine {
    format: Format,
    filter: RecordFilter,
    topic_names: Vec<String>,
    /// Per topic, when --validate.
    schemas: Vec<Option<Schema>>,
    only_invalid: bool,
    parts: Vec<Vec<PartState>>,
    /// --exit or --until: stop once every partition is done.
    track_done: bool,
    /// Reaching the start-time high watermark (or EOF) makes a partition done.
    stop_at_high: bool,
    until_ms: Option<i64>,
    count: Option<u64>,
    stats: Stats,
    /// Rendered output not yet written.
    buf: Vec<u8>,
    /// Scratch for the pretty renderer (which produces text).
    sbuf: String,
    headers: HeaderPool,
    warned: HashSet<String>,
    ui: crate::term::ui::Ui,
    /// Since when every broker connection is down (librdkafka reported it), if it is.
    outage: Option<Instant>,
    last_probe: Instant,
    /// The bootstrap list, for messages.
    brokers: String,
}

impl Engine {
    fn all_done(&self) -> bool {
        self.track_done && self.parts.iter().flatten().all(|p| !p.known || p.done)
    }

    fn mark_done(&mut self, t: usize, p: i32) {
        if let Some(st) = self.parts.get_mut(t).and_then(|v| v.get_mut(usize::try_from(p).ok()?)) {
            st.done = true;
        }
    }

    /// A partition reported EOF: it is caught up with (at least) the watermark captured at start.
    fn eof(&mut self, t: usize, p: i32) -> Flow {
        if !self.stop_at_high {
            return Flow::Go;
        }
        self.mark_done(t, p);
        if self.all_done() { Flow::Stop } else { Flow::Go }
    }

    /// EOF for a partition number without its topic (rdkafka's group consumer): only usable when
    /// exactly one followed topic still waits on that partition number.
    fn eof_ambiguous(&mut self, p: i32) -> Flow {
        let Ok(idx) = usize::try_from(p) else { return Flow::Go };
        let waiting: Vec<usize> =
            (0..self.parts.len()).filter(|&t| self.parts[t].get(idx).is_some_and(|s| s.known && !s.done)).collect();
        match waiting.as_slice() {
            [t] => self.eof(*t, p),
            _ => Flow::Go,
        }
    }

    fn warn_once(&mut self, msg: String) {
        if self.warned.len() < MAX_WARNINGS && self.warned.insert(msg.clone()) {
            self.ui.warn(msg);
        }
    }

    /// Filters, validates and renders one record into `buf`.
    fn record(&mut self, t: usize, rec: &RecordView) -> Flow {
        self.record_pre(t, rec, None)
    }

    /// [`Engine::record`] with the filter's verdict, when it was already computed.
    fn record_pre(&mut self, t: usize, rec: &RecordView, pre: Option<Match>) -> Flow {
        self.stats.seen += 1;
        let p = rec.partition;
        let Some(st) = self.parts.get(t).and_then(|v| v.get(usize::try_from(p).ok()?)).copied() else {
            return Flow::Go;
        };
        if st.done && self.track_done {
            // Past the end we were asked to stop at (records can still arrive from a prefetch).
            return Flow::Go;
        }
        if let (Some(until), Some(ts)) = (self.until_ms, rec.timestamp_ms)
            && ts > until
        {
            self.mark_done(t, p);
            return if self.all_done() { Flow::Stop } else { Flow::Go };
        }

        let matched = match pre {
            Some(m) => m,
            None => evaluate(&self.filter, rec),
        };
        let mut flow = Flow::Go;
        match matched {
            Match::Yes => {
                let invalid = match self.schemas.get(t) {
                    Some(Some(schema)) => check(schema, rec.value),
                    _ => None,
                };
                if invalid.is_some() {
                    self.stats.invalid += 1;
                }
                if !self.only_invalid || invalid.is_some() {
                    self.stats.matched += 1;
                    self.render(rec, invalid);
                    if self.count.is_some_and(|c| self.stats.matched >= c) {
                        flow = Flow::Stop;
                    }
                }
            }
            Match::No => {}
            Match::NotJson => self.stats.not_json += 1,
            // The run is stopping; the record was not judged.
            Match::Failed(EvalError::Interrupted) => {}
            Match::Failed(e) => {
                self.stats.filter_failed += 1;
                if self.stats.filter_failed == 1 {
                    self.ui.warn(format!(
                        "--filter did not finish on {}/{}/{}: {e}; records it does not finish on do not match",
                        crate::term::sanitize::for_terminal(rec.topic),
                        rec.partition,
                        rec.offset
                    ));
                }
            }
        }

        if self.stop_at_high && rec.offset.saturating_add(1) >= st.high {
            self.mark_done(t, p);
            if self.all_done() {
                flow = Flow::Stop;
            }
        }
        flow
    }

    fn render(&mut self, rec: &RecordView, invalid: Option<String>) {
        match &mut self.format {
            Format::Json { terminal } => {
                let start = self.buf.len();
                match invalid {
                    None => crate::record::render::to_json_line(rec, &mut self.buf),
                    Some(why) => crate::record::render::to_json_line_with(
                        rec,
                        &[("invalid", serde_json::Value::String(why))],
                        &mut self.buf,
                    ),
                }
                if *terminal {
                    crate::record::render::escape_json_for_terminal(&mut self.buf, start);
                }
            }
            Format::Pretty(opts) => {
                opts.invalid = invalid;
                self.sbuf.clear();
                crate::record::render::pretty(rec, opts, &mut self.sbuf);
                self.buf.extend_from_slice(self.sbuf.as_bytes());
            }
            Format::Raw { terminal: false } => {
                self.buf.extend_from_slice(rec.value.unwrap_or_default());
                self.buf.push(b'\n');
            }
            Format::Raw { terminal: true } => {
                // Raw bytes on a terminal could drive it; escape them like a template does.
                self.sbuf.clear();
                crate::term::sanitize::push_bytes_for_terminal(&mut self.sbuf, rec.value.unwrap_or_default(), true);
                self.buf.extend_from_slice(self.sbuf.as_bytes());
                self.buf.push(b'\n');
            }
            Format::Template { template, terminal } => {
                if *terminal {
                    template.render_for_terminal(rec, &mut self.buf);
                } else {
                    template.render(rec, &mut self.buf);
                }
            }
        }
    }

    /// Writes out what is buffered.
    fn flush(&mut self, out: &mut impl io::Write) -> io::Result<()> {
        if !self.buf.is_empty() {
            out.write_all(&self.buf)?;
            out.flush()?;
            self.buf.clear();
        }
        Ok(())
    }
}

/// Every filter condition (nothing to parse when there is none).
fn evaluate(filter: &RecordFilter, rec: &RecordView) -> Match {
    if filter.is_empty() { Match::Yes } else { filter.matches(rec, None) }
}

/// The validation verdict for a value: `None` when valid (tombstones are not validated).
fn check(schema: &Schema, value: Option<&[u8]>) -> Option<String> {
    let bytes = value?;
    let v: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Some(format!("value is not JSON: {e}")),
    };
    let errors = schema.validate(&v).err()?;
    let mut msg = errors.iter().take(3).map(ToString::to_string).collect::<Vec<_>>().join("; ");
    if errors.len() > 3 {
        msg.push_str(&format!(" (and {} more)", errors.len() - 3));
    }
    Some(msg)
}

/// Common end-of-iteration bookkeeping. Returns true when the run should end.
fn should_stop(stop: &AtomicBool, limits: &Limits, last_record: Instant) -> bool {
    stop.load(Ordering::Relaxed)
        || limits.idle.is_some_and(|d| last_record.elapsed() >= d)
        || limits.deadline.is_some_and(|d| Instant::now() >= d)
}

// ---------------------------------------------------------------------------------------------
// Assign mode: batch consumption from a private queue

/// An owned librdkafka queue handle.
struct Queue(*mut rdsys::rd_kafka_queue_t);

// SAFETY: librdkafka queues are thread-safe; the handle is only a pointer to one.
unsafe impl Send for Queue {}

impl Queue {
    /// A new queue that every partition of `topics` forwards its fetched records to. The
    /// forwarding is marked as the application's, so librdkafka's fetch start keeps it.
    fn forwarding(consumer: &BaseConsumer<Ctx>, topics: &[TopicSel]) -> Result<Queue> {
        let rk = consumer.client().native_ptr();
        // SAFETY: `rk` is the live client owned by `consumer`.
        let queue = Queue(unsafe { rdsys::rd_kafka_queue_new(rk) });
        if queue.0.is_null() {
            bail!("librdkafka could not create a queue");
        }
        for t in topics {
            let name = CString::new(t.name.as_str()).map_err(|_| anyhow!("topic name contains a NUL byte"))?;
            for &p in &t.partitions {
                // SAFETY: valid client and NUL-terminated name; the partition queue handle is
                // released right away, the forwarding it set up lives in librdkafka.
                unsafe {
                    let pq = rdsys::rd_kafka_queue_get_partition(rk, name.as_ptr(), p);
                    if pq.is_null() {
                        bail!("librdkafka has no queue for {}[{p}]", t.name);
                    }
                    rdsys::rd_kafka_queue_forward(pq, queue.0);
                    rdsys::rd_kafka_queue_destroy(pq);
                }
            }
        }
        Ok(queue)
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: the handle came from rd_kafka_queue_new and is destroyed exactly once.
        unsafe { rdsys::rd_kafka_queue_destroy(self.0) }
    }
}

/// Messages taken from librdkafka and not yet released; released on drop, so an early return
/// (stop condition, write error) cannot leak them.
struct Batch {
    msgs: Vec<*mut rdsys::rd_kafka_message_t>,
    len: usize,
}

impl Batch {
    fn release(&mut self) {
        for m in &self.msgs[..self.len] {
            // SAFETY: each pointer was returned by librdkafka and is destroyed once.
            unsafe { rdsys::rd_kafka_message_destroy(*m) }
        }
        self.len = 0;
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        self.release();
    }
}

/// Returns Ok(true) when interrupted by Ctrl-C.
fn consume_assigned(
    consumer: &Arc<BaseConsumer<Ctx>>,
    queue: Queue,
    topics: &[TopicSel],
    engine: &mut Engine,
    limits: &Limits,
    stop: &AtomicBool,
) -> Result<bool> {
    let mut out = io::stdout().lock();
    if engine.all_done() {
        return Ok(false);
    }
    // Topic handle -> index into `topics`; a handful of entries, so a linear scan wins.
    let mut rkts: Vec<(*const rdsys::rd_kafka_topic_t, usize)> = Vec::new();
    let mut batch = Batch { msgs: vec![std::ptr::null_mut(); BATCH], len: 0 };
    let mut tidx: Vec<Option<usize>> = Vec::with_capacity(BATCH);
    let mut verdicts: Vec<Option<Match>> = Vec::with_capacity(BATCH);
    // jq programs are evaluated on several threads (librdkafka and the output stay on this one).
    let (mut batches, mut parallel_batches) = (0u64, 0u64);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_FILTER_THREADS));
    let mut last_record = Instant::now();
    let poll_ms = i32::try_from(POLL.as_millis()).unwrap_or(100);
    let interrupted = loop {
        // Drain what is queued without waiting; when nothing is, wait for one message so a
        // quiet topic is printed the moment a record arrives.
        // SAFETY: `batch.msgs` has room for BATCH pointers.
        let n = unsafe { rdsys::rd_kafka_consume_batch_queue(queue.0, 0, batch.msgs.as_mut_ptr(), BATCH) };
        let n = if n > 0 {
            usize::try_from(n).unwrap_or(0).min(BATCH)
        } else {
            engine.flush(&mut out)?;
            if serve_events(consumer, engine, &mut last_record) == Flow::Stop {
                break false;
            }
            watch_outage(consumer, engine, limits)?;
            if should_stop(stop, limits, last_record) {
                break stop.load(Ordering::Relaxed);
            }
            // SAFETY: valid queue; the message (if any) is stored in the batch and released there.
            let m = unsafe { rdsys::rd_kafka_consume_queue(queue.0, poll_ms) };
            if m.is_null() {
                continue;
            }
            batch.msgs[0] = m;
            1
        };
        batch.len = n;
        last_record = Instant::now();
        if engine.outage.take().is_some() {
            engine.ui.info("evbus: the brokers are back; resuming where the tail stopped");
        }
        tidx.clear();
        for &m in &batch.msgs[..n] {
            // SAFETY: librdkafka returned `n` valid message pointers, alive until released.
            tidx.push(topic_index(unsafe { &*m }, &mut rkts, topics));
        }
        // The fast path costs too little per record to be worth the threads.
        let parallel = threads > 1 && n >= PARALLEL_MIN && engine.filter.jq.as_ref().is_some_and(|jq| !jq.is_fast());
        batches += 1;
        if parallel {
            parallel_batches += 1;
            parallel_verdicts(&batch.msgs[..n], &tidx, topics, &engine.filter, threads, &mut verdicts);
        }
        let mut flow = Flow::Go;
        for i in 0..n {
            // SAFETY: as above.
            let m = unsafe { &*batch.msgs[i] };
            let pre = if parallel { verdicts[i].take() } else { None };
            flow = process_native(m, tidx[i], pre, topics, engine);
            if flow == Flow::Stop {
                break;
            }
        }
        batch.release();
        if flow == Flow::Stop {
            break false;
        }
        if engine.buf.len() >= FLUSH_AT || (n < BATCH && !engine.buf.is_empty()) {
            engine.flush(&mut out)?;
        }
        if stop.load(Ordering::Relaxed) {
            break true;
        }
    };
    drop(batch);
    engine.flush(&mut out)?;
    engine.ui.debug(format!("tail: {batches} batches, {parallel_batches} filtered on {threads} threads"));
    // Unassigning stops the fetchers before the queue the partitions forward to goes away.
    let _ = consumer.unassign();
    drop(queue);
    Ok(interrupted)
}

/// Logs and errors stay on the consumer's own queue; serve them so librdkafka's log lines go
/// through our context (quiet unless -vv) and errors are remembered for messages. Records are
/// not expected there (their partitions forward to our queue) but are printed if they come.
fn serve_events(consumer: &BaseConsumer<Ctx>, engine: &mut Engine, last_record: &mut Instant) -> Flow {
    for _ in 0..BATCH {
        match consumer.poll(Duration::ZERO) {
            None => break,
            Some(Ok(m)) => {
                *last_record = Instant::now();
                if process_borrowed(engine, &m).1 == Flow::Stop {
                    return Flow::Stop;
                }
            }
            Some(Err(e)) => report_error(engine, &e),
        }
    }
    Flow::Go
}

/// Processes a record delivered by rdkafka's own poll; returns the topic index it belongs to.
fn process_borrowed(engine: &mut Engine, m: &rdkafka::message::BorrowedMessage<'_>) -> (Option<usize>, Flow) {
    let Some(t) = engine.topic_names.iter().position(|n| n == m.topic()) else { return (None, Flow::Go) };
    let mut headers = std::mem::take(&mut engine.headers);
    headers.clear();
    if let Some(h) = m.headers() {
        for h in h.iter() {
            headers.push(h.key, h.value);
        }
    }
    let rec = RecordView {
        topic: m.topic(),
        partition: m.partition(),
        offset: m.offset(),
        timestamp_ms: m.timestamp().to_millis(),
        key: m.key(),
        value: m.payload(),
        headers: headers.as_slice(),
    };
    let flow = engine.record(t, &rec);
    engine.headers = headers;
    (Some(t), flow)
}

fn report_error(engine: &mut Engine, e: &KafkaError) {
    // Transport errors are retried by librdkafka forever: the outage watch (see `watch_outage`)
    // says so on stderr, and bounds the wait of a run that has to end (--exit, --until).
    use rdkafka::types::RDKafkaErrorCode as C;
    match e.rdkafka_error_code() {
        Some(C::AllBrokersDown) => {
            if engine.outage.is_none() {
                engine.outage = Some(Instant::now());
                engine.last_probe = Instant::now();
                engine.ui.warn(format!(
                    "lost the connection to every broker ({}); waiting for them to come back",
                    engine.brokers
                ));
            }
        }
        Some(C::BrokerTransportFailure | C::PartitionEOF) => {}
        _ => engine.warn_once(format!("consumer: {}", crate::kafka::describe_error(e))),
    }
}

/// While the brokers are down: every second, ask for metadata to learn whether they are back
/// (a quiet topic brings no record to say so). A run that has to end (--exit, --until) fails
/// once the outage lasts `--timeout`; a follow run waits on and says when they are back.
fn watch_outage(consumer: &BaseConsumer<Ctx>, engine: &mut Engine, limits: &Limits) -> Result<()> {
    let Some(since) = engine.outage else { return Ok(()) };
    if engine.last_probe.elapsed() >= Duration::from_secs(1) {
        engine.last_probe = Instant::now();
        if consumer.fetch_metadata(None, Duration::from_millis(500)).is_ok_and(|m| !m.brokers().is_empty()) {
            engine.outage = None;
            engine.ui.info(format!(
                "evbus: the brokers are back after {}; resuming where the tail stopped",
                humantime::format_duration(Duration::from_secs(since.elapsed().as_secs()))
            ));
            return Ok(());
        }
    }
    if engine.track_done && since.elapsed() >= limits.timeout {
        let last = consumer.context().last_error().map(|e| format!("; last broker error: {e}")).unwrap_or_default();
        bail!(
            "no broker answered for {} (brokers tried: {}{last})",
            humantime::format_duration(limits.timeout),
            engine.brokers
        );
    }
    Ok(())
}

/// The topic index of a message (None for messages of no followed topic), caching the handle.
fn topic_index(
    m: &rdsys::rd_kafka_message_t,
    rkts: &mut Vec<(*const rdsys::rd_kafka_topic_t, usize)>,
    topics: &[TopicSel],
) -> Option<usize> {
    let rkt = m.rkt as *const rdsys::rd_kafka_topic_t;
    if let Some((_, t)) = rkts.iter().find(|(k, _)| *k == rkt) {
        return Some(*t);
    }
    if rkt.is_null() {
        return None;
    }
    // SAFETY: non-null topic handle of a live message; the name is NUL-terminated.
    let name = unsafe { CStr::from_ptr(rdsys::rd_kafka_topic_name(rkt)) };
    let t = topics.iter().position(|t| t.name.as_bytes() == name.to_bytes())?;
    rkts.push((rkt, t));
    Some(t)
}

/// A record view over a librdkafka message, its headers copied into `headers`.
///
/// Not to be called for the same message from two threads at once: librdkafka parses headers
/// lazily into the message.
fn native_view<'a>(m: &'a rdsys::rd_kafka_message_t, topic: &'a str, headers: &'a mut HeaderPool) -> RecordView<'a> {
    // SAFETY: librdkafka guarantees `len` bytes at `payload` and `key_len` at `key` while the
    // message lives; a null pointer is a null value/key (distinct from an empty one).
    let (value, key) = unsafe {
        (
            (!m.payload.is_null()).then(|| std::slice::from_raw_parts(m.payload as *const u8, m.len)),
            (!m.key.is_null()).then(|| std::slice::from_raw_parts(m.key as *const u8, m.key_len)),
        )
    };
    let mut tstype = rdsys::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    // SAFETY: valid message and out-pointer.
    let ts = unsafe { rdsys::rd_kafka_message_timestamp(m, &mut tstype) };
    let timestamp_ms =
        (tstype != rdsys::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts >= 0).then_some(ts);

    headers.clear();
    let mut hdrs: *mut rdsys::rd_kafka_headers_t = std::ptr::null_mut();
    // SAFETY: valid message; the headers belong to it and are copied out before it is released.
    unsafe {
        if rdsys::rd_kafka_message_headers(m, &mut hdrs) == rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
            && !hdrs.is_null()
        {
            let mut idx = 0;
            loop {
                let mut name: *const std::os::raw::c_char = std::ptr::null();
                let mut val: *const std::os::raw::c_void = std::ptr::null();
                let mut size: usize = 0;
                if rdsys::rd_kafka_header_get_all(hdrs, idx, &mut name, &mut val, &mut size)
                    != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
                    || name.is_null()
                {
                    break;
                }
                let name = CStr::from_ptr(name).to_string_lossy();
                let value = (!val.is_null()).then(|| std::slice::from_raw_parts(val as *const u8, size));
                headers.push(&name, value);
                idx += 1;
            }
        }
    }
    RecordView {
        topic,
        partition: m.partition,
        offset: m.offset,
        timestamp_ms,
        key,
        value,
        headers: headers.as_slice(),
    }
}

fn process_native(
    m: &rdsys::rd_kafka_message_t,
    t: Option<usize>,
    pre: Option<Match>,
    topics: &[TopicSel],
    engine: &mut Engine,
) -> Flow {
    let Some(t) = t else {
        if m.err != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
            // SAFETY: valid message; librdkafka returns a NUL-terminated string.
            let why = unsafe { CStr::from_ptr(rdsys::rd_kafka_message_errstr(m)) };
            engine.warn_once(format!("consumer: {}", why.to_string_lossy()));
        }
        return Flow::Go;
    };
    if m.err != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        if m.err == rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR__PARTITION_EOF {
            return engine.eof(t, m.partition);
        }
        // SAFETY: as above.
        let why = unsafe { CStr::from_ptr(rdsys::rd_kafka_message_errstr(m)) };
        engine.warn_once(format!("{}[{}]: {}", topics[t].name, m.partition, why.to_string_lossy()));
        return Flow::Go;
    }
    let mut headers = std::mem::take(&mut engine.headers);
    let rec = native_view(m, &topics[t].name, &mut headers);
    let flow = engine.record_pre(t, &rec, pre);
    engine.headers = headers;
    flow
}

/// Message pointers shared with the filter workers for the duration of one batch.
struct Shared<'a>(&'a [*mut rdsys::rd_kafka_message_t]);

// SAFETY: the messages stay alive until the batch is released, which happens after the scoped
// workers are joined, and each message is read by exactly one thread at a time.
unsafe impl Sync for Shared<'_> {}

impl Shared<'_> {
    // A method, not a field access, so closures capture the whole (Sync) wrapper.
    fn get(&self, i: usize) -> *mut rdsys::rd_kafka_message_t {
        self.0[i]
    }
}

/// Evaluates the filter of a batch on several threads, for jq programs (which cost far more than
/// everything else per record). The verdicts are used in order afterwards, so output order,
/// counts and stop conditions are exactly as if evaluated one by one.
fn parallel_verdicts(
    msgs: &[*mut rdsys::rd_kafka_message_t],
    tidx: &[Option<usize>],
    topics: &[TopicSel],
    filter: &RecordFilter,
    threads: usize,
    out: &mut Vec<Option<Match>>,
) {
    out.clear();
    out.resize(msgs.len(), None);
    let shared = Shared(msgs);
    let chunk = msgs.len().div_ceil(threads.max(1)).max(1);
    let eval = |start: usize, verdicts: &mut [Option<Match>]| {
        let mut headers = HeaderPool::default();
        for (j, v) in verdicts.iter_mut().enumerate() {
            let i = start + j;
            // SAFETY: see `Shared`.
            let m = unsafe { &*shared.get(i) };
            let Some(t) = tidx[i] else { continue };
            if m.err != rdsys::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                continue;
            }
            let rec = native_view(m, &topics[t].name, &mut headers);
            *v = Some(evaluate(filter, &rec));
        }
    };
    let mut chunks = out.chunks_mut(chunk).enumerate();
    let first = chunks.next();
    std::thread::scope(|s| {
        for (ci, verdicts) in chunks {
            let eval = &eval;
            // A chunk whose thread cannot start keeps no verdicts: the consumer thread then
            // evaluates those records itself, in order.
            let _ = spawn_scoped_eval_thread(s, "evbus-tail-filter", move || eval(ci * chunk, verdicts));
        }
        if let Some((_, verdicts)) = first {
            eval(0, verdicts);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Group mode: rdkafka's poll (rebalances are served there)

fn consume_group(
    consumer: &Arc<BaseConsumer<Ctx>>,
    engine: &mut Engine,
    limits: &Limits,
    stop: &AtomicBool,
) -> Result<bool> {
    let mut out = io::stdout().lock();
    // Next offset to commit per topic and partition (-1: nothing processed yet).
    let mut positions: Vec<Vec<i64>> = engine.parts.iter().map(|v| vec![-1; v.len()]).collect();
    let mut dirty = false;
    let mut last_commit = Instant::now();
    let mut last_flush = Instant::now();
    let mut last_record = Instant::now();

    let interrupted = if engine.all_done() {
        false
    } else {
        loop {
            if should_stop(stop, limits, last_record) {
                break stop.load(Ordering::Relaxed);
            }
            let flow = match consumer.poll(POLL) {
                None => {
                    engine.flush(&mut out)?;
                    last_flush = Instant::now();
                    watch_outage(consumer, engine, limits)?;
                    Flow::Go
                }
                Some(Ok(m)) => {
                    last_record = Instant::now();
                    if engine.outage.take().is_some() {
                        engine.ui.info("evbus: the brokers are back; resuming where the tail stopped");
                    }
                    let (t, flow) = process_borrowed(engine, &m);
                    if let Some(slot) = t
                        .and_then(|t| positions.get_mut(t))
                        .and_then(|v| v.get_mut(usize::try_from(m.partition()).ok()?))
                    {
                        *slot = m.offset().saturating_add(1);
                        dirty = true;
                    }
                    flow
                }
                Some(Err(KafkaError::PartitionEOF(p))) => engine.eof_ambiguous(p),
                Some(Err(e)) => {
                    report_error(engine, &e);
                    Flow::Go
                }
            };
            if engine.buf.len() >= FLUSH_AT || (!engine.buf.is_empty() && last_flush.elapsed() >= POLL) {
                engine.flush(&mut out)?;
                last_flush = Instant::now();
            }
            // Commit only what has been written out ("after printing").
            if dirty && engine.buf.is_empty() && last_commit.elapsed() >= COMMIT_EVERY {
                if let Err(e) = commit_positions(consumer, &engine.topic_names, &positions, CommitMode::Async) {
                    engine.warn_once(format!("commit failed: {}", crate::kafka::describe_error(&e)));
                }
                dirty = false;
                last_commit = Instant::now();
            }
            if flow == Flow::Stop {
                break false;
            }
        }
    };
    engine.flush(&mut out)?;
    if dirty {
        // A synchronous commit can wait on an unreachable coordinator; bound it by --timeout.
        let (tx, rx) = std::sync::mpsc::channel();
        let c = Arc::clone(consumer);
        let names = engine.topic_names.clone();
        let positions = positions.clone();
        std::thread::spawn(move || {
            let _ = tx.send(commit_positions(&c, &names, &positions, CommitMode::Sync));
        });
        match rx.recv_timeout(limits.timeout) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => engine.ui.warn(format!("final commit failed: {}", crate::kafka::describe_error(&e))),
            Err(_) => engine
                .ui
                .warn(format!("final commit did not complete within {}", humantime::format_duration(limits.timeout))),
        }
    }
    Ok(interrupted)
}

/// Commits the next offset of every partition that has one.
fn commit_positions(
    consumer: &BaseConsumer<Ctx>,
    names: &[String],
    positions: &[Vec<i64>],
    mode: CommitMode,
) -> Result<(), KafkaError> {
    let mut tpl = TopicPartitionList::new();
    for (t, v) in positions.iter().enumerate() {
        for (p, &o) in v.iter().enumerate() {
            if o >= 0
                && let Ok(p) = i32::try_from(p)
            {
                tpl.add_partition_offset(&names[t], p, Offset::Offset(o))?;
            }
        }
    }
    if tpl.count() == 0 {
        return Ok(());
    }
    consumer.commit(&tpl, mode)
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

    #[test]
    fn header_pool_reuses_slots() {
        let mut h = HeaderPool::default();
        h.push("a", Some(b"1"));
        h.push("b", None);
        assert_eq!(h.as_slice(), &[("a".to_string(), Some(b"1".to_vec())), ("b".to_string(), None)]);
        h.clear();
        h.push("c", Some(b"22"));
        assert_eq!(h.as_slice(), &[("c".to_string(), Some(b"22".to_vec()))]);
        assert_eq!(h.slots.len(), 2);
    }

    #[test]
    fn summary_line() {
        let s = Stats { seen: 10, matched: 3, not_json: 2, invalid: 1, filter_failed: 0 };
        assert_eq!(s.summary(false), "10 records seen, 3 matched, 2 not JSON (never match --filter/--type)");
        let s = Stats { seen: 10, matched: 3, filter_failed: 4, ..Default::default() };
        assert_eq!(s.summary(false), "10 records seen, 3 matched, 4 where --filter did not finish (never match)");
        assert_eq!(
            Stats { seen: 1, matched: 1, ..Default::default() }.summary(true),
            "1 records seen, 1 matched, 0 invalid"
        );
    }
}
