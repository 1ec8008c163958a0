//! tail's group mode (`--group G`): subscribe as a member of G through the consumer's poll, which
//! serves the rebalances, and commit what was printed (never what is still buffered).

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::Result;

use super::engine::{Engine, Flow, Limits, process_polled, report_problem, should_stop, watch_outage};
use super::grow::Follow;
use super::tuning::{COMMIT_EVERY, FLUSH_AT, POLL};
use crate::kafka::reader::{Polled, Reader};

/// Returns Ok(true) when interrupted by Ctrl-C.
pub(super) fn consume_group(
    reader: &Reader,
    engine: &mut Engine,
    limits: &Limits,
    stop: &AtomicBool,
    follow: Follow,
) -> Result<bool> {
    let mut out = io::stdout().lock();
    // Next offset to commit per topic and partition (-1: nothing processed yet).
    let mut positions: Vec<Vec<i64>> = engine.parts.iter().map(|v| vec![-1; v.len()]).collect();
    let mut dirty = false;
    let mut last_commit = Instant::now();
    let mut last_flush = Instant::now();
    let mut last_record = Instant::now();
    let mut gaps_reported = HashMap::new();

    let interrupted = if engine.all_done() {
        false
    } else {
        loop {
            if should_stop(stop, limits, last_record) {
                break stop.load(Ordering::Relaxed);
            }
            let mut headers = std::mem::take(&mut engine.headers);
            let polled = reader.poll(POLL, &mut headers, |p| match p {
                Polled::Record(rec) => {
                    last_record = Instant::now();
                    if engine.outage.take().is_some() {
                        engine.ui.info("evbus: the brokers are back; resuming where the tail stopped");
                    }
                    let (t, flow) = process_polled(engine, &rec);
                    if let Some(t) = t {
                        grow_to(&mut positions, t, rec.partition);
                        if let Some(slot) =
                            positions.get_mut(t).and_then(|v| v.get_mut(usize::try_from(rec.partition).ok()?))
                        {
                            *slot = rec.offset.saturating_add(1);
                            dirty = true;
                        }
                    }
                    flow
                }
                Polled::Eof { partition } => engine.eof_ambiguous(partition),
                Polled::Problem(problem) => {
                    report_problem(engine, problem);
                    Flow::Go
                }
            });
            engine.headers = headers;
            // Before acting on what was polled: a reset is logged before anything is fetched
            // from the new position, so a gap is never reported after the records that follow it.
            super::gaps::report_resets(reader, engine, limits.timeout, &mut gaps_reported);
            let flow = match polled {
                Some(flow) => flow,
                None => {
                    engine.flush(&mut out)?;
                    last_flush = Instant::now();
                    if super::pipe::stdout_closed() {
                        // `| head`: nobody reads any more. Ends like a failed write does.
                        return Err(io::Error::from(io::ErrorKind::BrokenPipe).into());
                    }
                    follow.check(reader, None, engine)?;
                    watch_outage(reader, engine, limits)?;
                    Flow::Go
                }
            };
            if engine.buf.len() >= FLUSH_AT || (!engine.buf.is_empty() && last_flush.elapsed() >= POLL) {
                engine.flush(&mut out)?;
                last_flush = Instant::now();
            }
            // Commit only what has been written out ("after printing").
            if dirty && engine.buf.is_empty() && last_commit.elapsed() >= COMMIT_EVERY {
                if let Err(e) = reader.commit(&commit_list(&engine.topic_names, &positions), false) {
                    engine.warn_once(format!("commit failed: {e}"));
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
    drop(follow);
    if dirty {
        // A synchronous commit can wait on an unreachable coordinator; bound it by --timeout.
        let (tx, rx) = std::sync::mpsc::channel();
        let shared = reader.share();
        let list: Vec<(String, i32, i64)> =
            commit_list(&engine.topic_names, &positions).into_iter().map(|(t, p, o)| (t.to_string(), p, o)).collect();
        std::thread::spawn(move || {
            let borrowed: Vec<(&str, i32, i64)> = list.iter().map(|(t, p, o)| (t.as_str(), *p, *o)).collect();
            let r = shared.commit(&borrowed, true);
            // Before reporting: the main thread closes the consumer once it holds the last
            // reference (see `Reader::close`).
            drop(shared);
            let _ = tx.send(r);
        });
        match rx.recv_timeout(limits.timeout) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => engine.ui.warn(format!("final commit failed: {e}")),
            Err(_) => engine
                .ui
                .warn(format!("final commit did not complete within {}", humantime::format_duration(limits.timeout))),
        }
    }
    Ok(interrupted)
}

/// Room in `positions` for a topic or partition the run picked up while following.
fn grow_to(positions: &mut Vec<Vec<i64>>, t: usize, partition: i32) {
    if positions.len() <= t {
        positions.resize(t + 1, Vec::new());
    }
    if let Ok(p) = usize::try_from(partition)
        && positions[t].len() <= p
    {
        positions[t].resize(p + 1, -1);
    }
}

/// The next offset of every partition that has one.
fn commit_list<'a>(names: &'a [String], positions: &[Vec<i64>]) -> Vec<(&'a str, i32, i64)> {
    let mut out = Vec::new();
    for (t, v) in positions.iter().enumerate() {
        for (p, &o) in v.iter().enumerate() {
            if o >= 0
                && let Ok(p) = i32::try_from(p)
            {
                out.push((names[t].as_str(), p, o));
            }
        }
    }
    out
}
