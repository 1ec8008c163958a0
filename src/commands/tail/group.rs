//! tail's group mode (`--group G`): subscribe as a member of G through rdkafka's poll, which
//! serves the rebalances, and commit what was printed (never what is still buffered).

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::Result;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::error::KafkaError;
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};

use super::engine::{Engine, Flow, Limits, process_borrowed, report_error, should_stop, watch_outage};
use super::{COMMIT_EVERY, FLUSH_AT, POLL};
use crate::kafka::Ctx;

/// Returns Ok(true) when interrupted by Ctrl-C.
pub(super) fn consume_group(
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
                Some(Ok(mut m)) => {
                    last_record = Instant::now();
                    if engine.outage.take().is_some() {
                        engine.ui.info("evbus: the brokers are back; resuming where the tail stopped");
                    }
                    let (t, flow) = process_borrowed(engine, &mut m);
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
            let r = commit_positions(&c, &names, &positions, CommitMode::Sync);
            // Before reporting: the main thread closes the consumer once it holds the last
            // reference (see `close_bounded`).
            drop(c);
            let _ = tx.send(r);
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
