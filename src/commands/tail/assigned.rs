//! tail's assign mode (no group): every assigned partition forwards to one private queue that is
//! drained in batches (see `kafka::queue`), records are rendered straight out of the client's
//! buffers, and jq programs of a large batch are evaluated on several threads.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Result;

use super::engine::{Engine, Flow, Limits, evaluate, process_polled, report_problem, should_stop, watch_outage};
use super::grow::Follow;
use super::tuning::{BATCH, FLUSH_AT, MAX_FILTER_THREADS, PARALLEL_MIN, POLL};
use crate::kafka::Ctx;
use crate::kafka::headers::HeaderPool;
use crate::kafka::queue::{BatchQueue, NativeMessage, Run};
use crate::kafka::reader::{Polled, Reader};
use crate::record::filter::{Match, RecordFilter, spawn_scoped_eval_thread};

/// Returns Ok(true) when interrupted by Ctrl-C.
pub(super) fn consume_assigned(
    reader: &Reader,
    queue: BatchQueue<Ctx>,
    engine: &mut Engine,
    limits: &Limits,
    stop: &AtomicBool,
    follow: Follow,
) -> Result<bool> {
    let mut out = io::stdout().lock();
    if engine.all_done() {
        return Ok(false);
    }
    // Topic handle -> index into the engine's topics; a handful of entries, so a linear scan wins.
    let mut rkts: Vec<(usize, usize)> = Vec::new();
    let mut batch = queue.batch(BATCH);
    let mut tidx: Vec<Option<usize>> = Vec::with_capacity(BATCH);
    let mut verdicts: Vec<Option<Match>> = Vec::with_capacity(BATCH);
    // jq programs are evaluated on several threads (the client and the output stay on this one).
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
            if super::pipe::stdout_closed() {
                // `| head`: nobody reads any more. Ends like a failed write does.
                return Err(io::Error::from(io::ErrorKind::BrokenPipe).into());
            }
            if serve_events(reader, engine, &mut last_record) == Flow::Stop {
                break false;
            }
            if !engine.out_of_range.is_empty()
                && super::gaps::resolve(reader, &queue, engine, limits.timeout)? == Flow::Stop
            {
                break false;
            }
            follow.check(reader, Some(&queue), engine)?;
            watch_outage(reader, engine, limits)?;
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
            tidx.push(topic_index(&batch.get(i), &mut rkts, &engine.topic_names));
        }
        // The fast path costs too little per record to be worth the threads.
        let parallel = threads > 1 && n >= PARALLEL_MIN && engine.filter.jq.as_ref().is_some_and(|jq| !jq.is_fast());
        batches += 1;
        if parallel {
            parallel_batches += 1;
            let chunk = n.div_ceil(threads.max(1)).max(1);
            parallel_verdicts(batch.runs(chunk), chunk, &tidx, &engine.topic_names, &engine.filter, &mut verdicts);
        }
        let mut flow = Flow::Go;
        for i in 0..n {
            let pre = if parallel { verdicts[i].take() } else { None };
            flow = process_native(&batch.get(i), tidx[i], pre, engine);
            if flow == Flow::Stop {
                break;
            }
        }
        batch.release();
        if flow == Flow::Stop {
            break false;
        }
        if !engine.out_of_range.is_empty()
            && super::gaps::resolve(reader, &queue, engine, limits.timeout)? == Flow::Stop
        {
            break false;
        }
        if engine.buf.len() >= FLUSH_AT || (n < batch.capacity() && !engine.buf.is_empty()) {
            engine.flush(&mut out)?;
        }
        // A busy run looks for new partitions too (a cheap check: the watch does the asking).
        follow.check(reader, Some(&queue), engine)?;
        if stop.load(Ordering::Relaxed) {
            break true;
        }
    };
    drop(batch);
    engine.flush(&mut out)?;
    engine.ui.debug(format!("tail: {batches} batches, {parallel_batches} filtered on {threads} threads"));
    // The metadata watch lets go of its consumer reference.
    drop(follow);
    // Unassigns (stopping the fetchers) before the queue the partitions forward to goes away.
    drop(queue);
    Ok(interrupted)
}

/// Logs and errors stay on the consumer's own queue; serve them so the client's log lines go
/// through our context (quiet unless -vv) and errors are remembered for messages. Records are
/// not expected there (their partitions forward to our queue) but are printed if they come.
fn serve_events(reader: &Reader, engine: &mut Engine, last_record: &mut Instant) -> Flow {
    for _ in 0..BATCH {
        let mut headers = std::mem::take(&mut engine.headers);
        let polled = reader.poll(Duration::ZERO, &mut headers, |p| match p {
            Polled::Record(rec) => {
                *last_record = Instant::now();
                process_polled(engine, &rec).1
            }
            // Partition ends come through our queue, where their topic is known.
            Polled::Eof { .. } => Flow::Go,
            Polled::Problem(problem) => {
                report_problem(engine, problem);
                Flow::Go
            }
        });
        engine.headers = headers;
        match polled {
            None => break,
            Some(Flow::Stop) => return Flow::Stop,
            Some(Flow::Go) => {}
        }
    }
    Flow::Go
}

/// The topic index of a message (None for messages of no followed topic), caching the handle.
fn topic_index(m: &NativeMessage<'_>, rkts: &mut Vec<(usize, usize)>, names: &[String]) -> Option<usize> {
    let id = m.topic_id()?;
    if let Some((_, t)) = rkts.iter().find(|(k, _)| *k == id) {
        return Some(*t);
    }
    let name = m.topic_name()?;
    let t = names.iter().position(|n| n.as_bytes() == name)?;
    rkts.push((id, t));
    Some(t)
}

fn process_native(m: &NativeMessage<'_>, t: Option<usize>, pre: Option<Match>, engine: &mut Engine) -> Flow {
    if m.is_partition_eof() {
        return match t {
            Some(t) => engine.eof_at(t, m.partition(), m.offset()),
            None => Flow::Go,
        };
    }
    if let Some(problem) = m.problem() {
        match (problem, t) {
            (problem @ crate::kafka::reader::Problem::OutOfRange { .. }, _) => report_problem(engine, problem),
            (crate::kafka::reader::Problem::Other(text), Some(t)) => {
                let name = &engine.topic_names[t];
                engine.warn_once(format!("{name}[{}]: {text}", m.partition()));
            }
            (problem, _) => report_problem(engine, problem),
        }
        return Flow::Go;
    }
    let Some(t) = t else { return Flow::Go };
    let mut headers = std::mem::take(&mut engine.headers);
    let name = std::mem::take(&mut engine.topic_names[t]);
    let flow = {
        let rec = m.view(&name, &mut headers);
        engine.record_pre(t, &rec, pre)
    };
    engine.topic_names[t] = name;
    engine.headers = headers;
    flow
}

/// Evaluates the filter of a batch on several threads, for jq programs (which cost far more than
/// everything else per record). The verdicts are used in order afterwards, so output order,
/// counts and stop conditions are exactly as if evaluated one by one.
///
/// `runs` are the batch's messages in runs of `chunk` (the first on this thread).
fn parallel_verdicts<'b>(
    runs: impl Iterator<Item = Run<'b>>,
    chunk: usize,
    tidx: &[Option<usize>],
    names: &[String],
    filter: &RecordFilter,
    out: &mut Vec<Option<Match>>,
) {
    out.clear();
    out.resize(tidx.len(), None);
    let eval = |start: usize, run: Run<'_>, verdicts: &mut [Option<Match>]| {
        let mut headers = HeaderPool::default();
        for (j, v) in verdicts.iter_mut().enumerate().take(run.len()) {
            let m = run.get(j);
            let Some(t) = tidx[start + j] else { continue };
            if m.is_error() {
                continue;
            }
            let rec = m.view(&names[t], &mut headers);
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
