//! tail's assign mode (no group): every assigned partition forwards to one private queue that is
//! drained in batches (see `kafka::queue`), records are rendered straight out of librdkafka's
//! buffers, and jq programs of a large batch are evaluated on several threads.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;
use rdkafka::consumer::BaseConsumer;

use super::engine::{Engine, Flow, Limits, evaluate, process_borrowed, report_error, should_stop, watch_outage};
use super::{BATCH, FLUSH_AT, MAX_FILTER_THREADS, PARALLEL_MIN, POLL, TopicSel};
use crate::kafka::Ctx;
use crate::kafka::headers::HeaderPool;
use crate::kafka::queue::{BatchQueue, NativeMessage};
use crate::record::filter::{Match, RecordFilter, spawn_scoped_eval_thread};
use crate::record::view::RecordView;

/// Returns Ok(true) when interrupted by Ctrl-C.
pub(super) fn consume_assigned(
    queue: BatchQueue<Ctx>,
    topics: &[TopicSel],
    engine: &mut Engine,
    limits: &Limits,
    stop: &AtomicBool,
) -> Result<bool> {
    let mut out = io::stdout().lock();
    if engine.all_done() {
        return Ok(false);
    }
    let consumer = Arc::clone(queue.consumer());
    // Topic handle -> index into `topics`; a handful of entries, so a linear scan wins.
    let mut rkts: Vec<(usize, usize)> = Vec::new();
    let mut batch = queue.batch(BATCH);
    let mut tidx: Vec<Option<usize>> = Vec::with_capacity(BATCH);
    let mut verdicts: Vec<Option<Match>> = Vec::with_capacity(BATCH);
    // jq programs are evaluated on several threads (librdkafka and the output stay on this one).
    let (mut batches, mut parallel_batches) = (0u64, 0u64);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_FILTER_THREADS));
    let mut last_record = Instant::now();
    let interrupted = loop {
        // Drain what is queued without waiting; when nothing is, wait for one message so a
        // quiet topic is printed the moment a record arrives.
        let n = if batch.take_queued() > 0 {
            batch.len()
        } else {
            engine.flush(&mut out)?;
            if serve_events(&consumer, engine, &mut last_record) == Flow::Stop {
                break false;
            }
            watch_outage(&consumer, engine, limits)?;
            if should_stop(stop, limits, last_record) {
                break stop.load(Ordering::Relaxed);
            }
            if batch.wait_one(POLL) == 0 {
                continue;
            }
            1
        };
        last_record = Instant::now();
        if engine.outage.take().is_some() {
            engine.ui.info("evbus: the brokers are back; resuming where the tail stopped");
        }
        tidx.clear();
        for i in 0..n {
            tidx.push(topic_index(&batch.get(i), &mut rkts, topics));
        }
        // The fast path costs too little per record to be worth the threads.
        let parallel = threads > 1 && n >= PARALLEL_MIN && engine.filter.jq.as_ref().is_some_and(|jq| !jq.is_fast());
        batches += 1;
        if parallel {
            parallel_batches += 1;
            let chunk = n.div_ceil(threads.max(1)).max(1);
            parallel_verdicts(batch.runs(chunk), chunk, &tidx, topics, &engine.filter, &mut verdicts);
        }
        let mut flow = Flow::Go;
        for i in 0..n {
            let pre = if parallel { verdicts[i].take() } else { None };
            flow = process_native(&batch.get(i), tidx[i], pre, topics, engine);
            if flow == Flow::Stop {
                break;
            }
        }
        batch.release();
        if flow == Flow::Stop {
            break false;
        }
        if engine.buf.len() >= FLUSH_AT || (n < batch.capacity() && !engine.buf.is_empty()) {
            engine.flush(&mut out)?;
        }
        if stop.load(Ordering::Relaxed) {
            break true;
        }
    };
    drop(batch);
    engine.flush(&mut out)?;
    engine.ui.debug(format!("tail: {batches} batches, {parallel_batches} filtered on {threads} threads"));
    // Unassigns (stopping the fetchers) before the queue the partitions forward to goes away.
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
            Some(Ok(mut m)) => {
                *last_record = Instant::now();
                if process_borrowed(engine, &mut m).1 == Flow::Stop {
                    return Flow::Stop;
                }
            }
            Some(Err(e)) => report_error(engine, &e),
        }
    }
    Flow::Go
}

/// The topic index of a message (None for messages of no followed topic), caching the handle.
fn topic_index(m: &NativeMessage<'_>, rkts: &mut Vec<(usize, usize)>, topics: &[TopicSel]) -> Option<usize> {
    let id = m.topic_id()?;
    if let Some((_, t)) = rkts.iter().find(|(k, _)| *k == id) {
        return Some(*t);
    }
    let name = m.topic_name()?;
    let t = topics.iter().position(|t| t.name.as_bytes() == name)?;
    rkts.push((id, t));
    Some(t)
}

/// A record view over a librdkafka message, its headers copied into `headers`.
fn native_view<'a>(m: &NativeMessage<'a>, topic: &'a str, headers: &'a mut HeaderPool) -> RecordView<'a> {
    m.headers_into(headers);
    RecordView {
        topic,
        partition: m.partition(),
        offset: m.offset(),
        timestamp_ms: m.timestamp_ms(),
        key: m.key(),
        value: m.payload(),
        headers: headers.as_slice(),
    }
}

fn process_native(
    m: &NativeMessage<'_>,
    t: Option<usize>,
    pre: Option<Match>,
    topics: &[TopicSel],
    engine: &mut Engine,
) -> Flow {
    let Some(t) = t else {
        if m.is_error() {
            engine.warn_once(format!("consumer: {}", m.error_text()));
        }
        return Flow::Go;
    };
    if m.is_error() {
        if m.is_partition_eof() {
            return engine.eof(t, m.partition());
        }
        engine.warn_once(format!("{}[{}]: {}", topics[t].name, m.partition(), m.error_text()));
        return Flow::Go;
    }
    let mut headers = std::mem::take(&mut engine.headers);
    let rec = native_view(m, &topics[t].name, &mut headers);
    let flow = engine.record_pre(t, &rec, pre);
    engine.headers = headers;
    flow
}

/// Evaluates the filter of a batch on several threads, for jq programs (which cost far more than
/// everything else per record). The verdicts are used in order afterwards, so output order,
/// counts and stop conditions are exactly as if evaluated one by one.
///
/// `runs` are the batch's messages in runs of `chunk` (the first on this thread).
fn parallel_verdicts<'b>(
    runs: impl Iterator<Item = crate::kafka::queue::Run<'b>>,
    chunk: usize,
    tidx: &[Option<usize>],
    topics: &[TopicSel],
    filter: &RecordFilter,
    out: &mut Vec<Option<Match>>,
) {
    out.clear();
    out.resize(tidx.len(), None);
    let eval = |start: usize, run: crate::kafka::queue::Run<'_>, verdicts: &mut [Option<Match>]| {
        let mut headers = HeaderPool::default();
        for (j, v) in verdicts.iter_mut().enumerate().take(run.len()) {
            let m = run.get(j);
            let Some(t) = tidx[start + j] else { continue };
            if m.is_error() {
                continue;
            }
            let rec = native_view(&m, &topics[t].name, &mut headers);
            *v = Some(evaluate(filter, &rec));
        }
    };
    let mut work = out.chunks_mut(chunk).zip(runs).enumerate();
    let first = work.next();
    std::thread::scope(|s| {
        for (ci, (verdicts, run)) in work {
            let eval = &eval;
            // A chunk whose thread cannot start keeps no verdicts: the consumer thread then
            // evaluates those records itself, in order.
            let _ = spawn_scoped_eval_thread(s, "evbus-tail-filter", move || eval(ci * chunk, run, verdicts));
        }
        if let Some((_, (verdicts, run))) = first {
            eval(0, run, verdicts);
        }
    });
}
