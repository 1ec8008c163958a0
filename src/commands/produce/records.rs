//! `evbus produce TOPIC --records FILE|-`: records in evbus's record format (what `tail -o json`
//! writes) written back exactly: key and value bytes, tombstones, headers in order with repeats,
//! and with `--keep-partitions` / `--keep-timestamps` their partition and timestamp. So a tail
//! piped into it copies a topic, also from one cluster to another (`-b` on each side).
//!
//! Same contract as `--input`: every line is checked before anything is sent (all or nothing,
//! unless `--skip-invalid`), then the records go through the same idempotent [`BulkSender`] and
//! its delivery accounting.

use std::collections::HashSet;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use anyhow::{Result, bail};

use super::{compression, ensure_topic, finish, pace};
use crate::app::App;
use crate::cli::ProduceArgs;
use crate::exit::Outcome;
use crate::kafka::Placement;
use crate::produce::input::Input;
use crate::record::read::{InRecord, parse_line};
use crate::topics::manifest::TopicSpec;

/// What `--keep-partitions` and `--keep-timestamps` ask for.
#[derive(Clone, Copy)]
struct Keep {
    partitions: bool,
    timestamps: bool,
}

/// The non-blank lines of `data` with their 1-based numbers (a trailing `\r` is not part of a line).
fn lines(data: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    data.split(|&b| b == b'\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix(b"\r").unwrap_or(l)))
        .filter(|(_, l)| !l.trim_ascii().is_empty())
}

/// A line's record, checked against what this run needs of it.
fn record(line: &[u8], keep: Keep, partitions: Option<usize>) -> Result<InRecord, String> {
    let r = parse_line(line)?;
    if keep.timestamps && r.timestamp_ms == Some(0) {
        // librdkafka reads a timestamp of 0 as "now": the record would silently get another.
        return Err("timestamp 0 cannot be kept (librdkafka writes the current time for it; --keep-timestamps)".into());
    }
    if keep.partitions {
        match (r.partition, partitions) {
            (None, _) => return Err("no \"partition\" to keep (--keep-partitions)".into()),
            (Some(p), Some(n)) if p as usize >= n => {
                return Err(format!(
                    "partition {p} does not exist in the destination ({n} partitions; --keep-partitions)"
                ));
            }
            _ => {}
        }
    }
    Ok(r)
}

/// See the module doc.
pub(super) async fn run(app: &App, a: &ProduceArgs, spec: Option<&TopicSpec>, path: &str) -> Result<Outcome> {
    let input = Input::open(path)?;
    let keep = Keep { partitions: a.keep_partitions, timestamps: a.keep_timestamps };
    let data = input.bytes();
    let check = |partitions: Option<usize>| {
        let mut bad = Vec::new();
        let mut total = 0usize;
        for (n, line) in lines(data) {
            total += 1;
            if let Err(e) = record(line, keep, partitions) {
                bad.push((n, e));
            }
        }
        (total, bad)
    };
    let refuse = |total: usize, bad: &[(usize, String)]| -> Result<()> {
        for (n, e) in bad {
            eprintln!("evbus: {}:{n}: {}", input.name(), crate::term::sanitize::for_terminal(e));
        }
        if !bad.is_empty() && !a.skip_invalid {
            bail!(
                "{} of {total} lines of {} are invalid; nothing was sent (--skip-invalid sends the valid ones)",
                bad.len(),
                input.name()
            );
        }
        Ok(())
    };

    // The lines first, before any broker is asked: a bad file is refused even with none up.
    let (total, bad) = check(None);
    refuse(total, &bad)?;
    if total == bad.len() {
        app.ui.warn(format!("{} has no records; nothing to send", input.name()));
        return Ok(Outcome::Ok);
    }
    if a.dry_run {
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        for (_, line) in lines(data).filter(|(_, l)| record(l, keep, None).is_ok()) {
            if app.ui.stdout_tty {
                // Checked lines are JSON, so escaping keeps them JSON (see json_for_terminal).
                let text = String::from_utf8_lossy(line);
                out.write_all(crate::term::sanitize::json_for_terminal(&text).as_bytes())?;
            } else {
                out.write_all(line)?;
            }
            out.write_all(b"\n")?;
        }
        out.flush()?;
        return Ok(Outcome::Ok);
    }

    app.settings.log_effective();
    ensure_topic(app, &a.topic, spec, a.create).await?;
    let mut partitions = None;
    let mut bad_lines = bad.len();
    if a.keep_partitions {
        // Only now is the destination's partition count known: the lines naming one it lacks.
        let n = partition_count(app, &a.topic).await?;
        let known: HashSet<usize> = bad.iter().map(|(line, _)| *line).collect();
        let new: Vec<_> = check(Some(n)).1.into_iter().filter(|(line, _)| !known.contains(line)).collect();
        refuse(total, &new)?;
        bad_lines += new.len();
        partitions = Some(n);
    }
    // Kept timestamps older than the destination's retention are acknowledged, then deleted.
    let cutoff = if a.keep_timestamps { retention_cutoff(app, &a.topic).await } else { None };
    let mut old = 0u64;
    let mut sender = super::new_sender(app, a, &compression(app, a, spec).await?)?;
    let stop = crate::term::interrupt::flag();
    let to_send = (total - bad_lines) as u64;
    let rate = a.rate.map(|r| r.per_second());
    let pb = if to_send >= 1000 || rate.is_some() {
        app.ui.progress(to_send, "producing")
    } else {
        indicatif::ProgressBar::hidden()
    };
    let start = Instant::now();
    let mut i = 0u64;
    let mut window = input.window();
    for (_, line) in lines(data) {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        // Checked above: only the lines skipped with --skip-invalid fail here.
        let Ok(r) = record(line, keep, partitions) else { continue };
        window.at(line);
        pace(start, i, rate).await;
        let at = Placement {
            partition: r.partition.filter(|_| a.keep_partitions),
            timestamp_ms: r.timestamp_ms.filter(|_| a.keep_timestamps),
        };
        if cutoff.is_some_and(|(c, _)| at.timestamp_ms.is_some_and(|t| t < c)) {
            old += 1;
        }
        let headers = r.headers.iter().map(|(k, v)| (k.as_str(), v.as_deref()));
        sender.send_record(r.key.as_deref(), r.value.as_deref(), headers, at).await?;
        if sender.stalled() {
            break;
        }
        i += 1;
        if i.is_multiple_of(1024) {
            pb.set_position(i);
        }
    }
    pb.finish_and_clear();
    if bad_lines > 0 {
        app.ui.warn(format!("skipped {bad_lines} invalid line(s) of {}", input.name()));
    }
    if let Some((_, retention_ms)) = cutoff.filter(|_| old > 0) {
        app.ui.warn(format!(
            "{old} of {i} records keep a timestamp older than {}'s retention.ms ({}): the broker may delete them at \
             its next retention check, acknowledged as they are; set the topic's retention.ms (-1 keeps them) \
             before copying older records with --keep-timestamps",
            crate::term::sanitize::for_terminal(&a.topic),
            humantime::format_duration(std::time::Duration::from_millis(retention_ms.unsigned_abs()))
        ));
    }
    finish(app, a, sender, start, i, to_send, stop.load(Ordering::Relaxed)).await
}

/// For `--keep-timestamps`: the oldest timestamp `topic` keeps (now − `retention.ms`) and its
/// `retention.ms`; `None` when it deletes nothing by time (compacted only, or `-1`) or its
/// configs cannot be read (the copy goes on; this is only a warning).
///
/// The broker deletes a log segment once its newest timestamp is older than `retention.ms`, so
/// records copied with their old timestamps can be gone a few seconds after they were
/// acknowledged (the record-copy test lost whole partitions that way).
async fn retention_cutoff(app: &App, topic: &str) -> Option<(i64, i64)> {
    let admin = app.settings.admin().ok()?;
    let configs = admin.topic_configs(&[topic.to_string()]).await;
    let configs = match configs {
        Ok(c) => c,
        Err(e) => {
            app.ui.debug(format!("produce: cannot read {topic}'s retention.ms: {e:#}"));
            return None;
        }
    };
    let cfg = configs.get(topic)?;
    let v = |k: &str| cfg.get(k).and_then(|c| c.value.clone());
    let retention = crate::lag::timelag::retention_ms(v("retention.ms").as_deref(), v("cleanup.policy").as_deref())?;
    Some((chrono::Utc::now().timestamp_millis().saturating_sub(retention), retention))
}

/// How many partitions `topic` has, for `--keep-partitions`.
async fn partition_count(app: &App, topic: &str) -> Result<usize> {
    let admin = Arc::new(app.settings.admin()?);
    let md = admin.metadata(Some(topic)).await?;
    match md.topics.iter().find(|t| t.name == topic) {
        Some(t) if !t.partitions.is_empty() => Ok(t.partitions.len()),
        _ => bail!("topic '{}' has no partitions to keep", crate::term::sanitize::for_terminal(topic)),
    }
}
